from celery import shared_task

from . import delivery


@shared_task(acks_late=True)
def deliver_due():
    """Beat, every minute, and a nudge after commit: send what is due (safe in parallel)."""
    return delivery.deliver_due()
