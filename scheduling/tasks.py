from celery import shared_task

from .messages.checklist_digest import plan_digests


@shared_task(acks_late=True)
def plan_checklist_digests():
    """Beat, every 15 minutes: one digest per person and local day."""
    return plan_digests()
