import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def queue_email(*, key, to, template, context, recipient=None, attachments=None):
    """Render `mailer/<template>.txt` (first line = subject) and queue it once per key.

    Returns the row, or None if an email with this key was queued before. Delivery is
    enqueued after the surrounding transaction commits.
    """
    text = render_to_string(f"{template}.txt", {"SITE_URL": settings.SITE_URL, **context})
    subject, _, body = text.strip().partition("\n")
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                key=key[:200], to=to, recipient=recipient,
                subject=(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject.strip())[:300],
                body=body.strip() + "\n", attachments=attachments or [],
            )
    except IntegrityError:
        return None
    from .tasks import deliver_email

    transaction.on_commit(lambda: deliver_email.delay(email.pk))
    return email


def deliver(*, email_id):
    """Send one queued email. Safe to call twice: only a queued row is claimed."""
    with transaction.atomic():
        email = (OutgoingEmail.objects.select_for_update(skip_locked=True)
                 .filter(pk=email_id, state__in=[OutgoingEmail.State.QUEUED]).first())
        if email is None:
            return False
        email.state = OutgoingEmail.State.SENDING
        email.attempts += 1
        email.save(update_fields=["state", "attempts"])
    message = EmailMessage(subject=email.subject, body=email.body, to=[email.to])
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    try:
        message.send()
    except Exception as exc:
        failed = email.attempts >= MAX_ATTEMPTS
        OutgoingEmail.objects.filter(pk=email.pk).update(
            state=OutgoingEmail.State.FAILED if failed else OutgoingEmail.State.QUEUED,
            last_error=str(exc)[:2000],
        )
        raise
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state=OutgoingEmail.State.SENT, sent_at=timezone.now(), last_error=""
    )
    return True
