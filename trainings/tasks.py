from celery import shared_task

from .services import seats


@shared_task(acks_late=True)
def expire_waitlist_offers():
    """Beat, every minute: lapsed seat offers move on to the next person waiting."""
    return seats.expire_offers()
