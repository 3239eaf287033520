import pytest
from django.core import mail

from mailer.models import OutgoingEmail
from mailer.services import deliver, queue_email


@pytest.mark.django_db
def test_an_email_is_queued_once_per_key_and_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_email(key="k1", to="a@example.org", template="trainings/email/training_cancelled",
                            context={"training": "Demo", "url": "http://x"})
        again = queue_email(key="k1", to="a@example.org",
                            template="trainings/email/training_cancelled",
                            context={"training": "Demo", "url": "http://x"})
    assert again is None
    assert OutgoingEmail.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[UNCT Training] Cancelled: Demo"
    first.refresh_from_db()
    assert first.state == OutgoingEmail.State.SENT
    assert first.sent_at is not None


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                queue_email(key="k2", to="a@example.org",
                            template="trainings/email/training_cancelled",
                            context={"training": "Demo", "url": "u"})
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert callbacks == []
    assert OutgoingEmail.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_delivering_twice_sends_once():
    email = OutgoingEmail.objects.create(key="k3", to="b@example.org", subject="S", body="B")
    assert deliver(email_id=email.pk) is True
    assert deliver(email_id=email.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_send_is_kept_for_retry_then_marked_failed(settings):
    settings.EMAIL_BACKEND = "tests.mailer.failing_backend.FailingBackend"
    email = OutgoingEmail.objects.create(key="k4", to="b@example.org", subject="S", body="B")
    for attempt in range(1, 6):
        with pytest.raises(ConnectionError):
            deliver(email_id=email.pk)
        email.refresh_from_db()
        assert email.attempts == attempt
    assert email.state == OutgoingEmail.State.FAILED
    assert "SMTP down" in email.last_error


@pytest.mark.django_db
def test_text_emails_are_not_html_escaped(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(key="k5", to="c@example.org", template="trainings/email/training_cancelled",
                    context={"training": "Côte d'Ivoire & Ghana", "url": "u"})
    assert "Côte d'Ivoire & Ghana" in mail.outbox[0].body
