from celery import shared_task

from . import services


@shared_task(acks_late=True)
def render_document(document_id):
    return services.render(document_id=document_id)


@shared_task
def sweep_documents():
    """Every minute (beat): re-queue renders whose worker died, enqueue those never sent."""
    return services.sweep()
