from celery import shared_task

from .services import publishing, reminders


@shared_task(acks_late=True)
def notify_agenda_change(training_id, version):
    return publishing.notify_change(training_id=training_id, version=version)


@shared_task(acks_late=True)
def sweep_reminders():
    """Beat, every minute: send the reminders that are due (safe with several beats)."""
    return reminders.sweep()


@shared_task(acks_late=True)
def plan_checklist_digests():
    """Beat, every 15 minutes: one digest per person and local day."""
    return reminders.plan_digests()
