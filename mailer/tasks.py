from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, max_retries=services.MAX_ATTEMPTS - 1,
             default_retry_delay=30)
def deliver_email(self, email_id):
    try:
        return services.deliver(email_id=email_id)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=30 * 2 ** self.request.retries) from exc
