"""An email backend that refuses every message, for tests that only need a failure; the
tests about real mail servers use the SMTP sink (tests/notifications/smtp_sink.py)."""

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionError("SMTP down")
