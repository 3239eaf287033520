from celery import shared_task

from .services import publishing


@shared_task(acks_late=True)
def notify_agenda_change(training_id, version):
    return publishing.notify_change(training_id=training_id, version=version)
