"""The outbox: every outgoing message is a row with a state, a lease and a log.

States: scheduled -> sending -> sent; scheduled -> cancelled; sending -> scheduled (retry or
recovered lease); sending -> failed (after the last attempt or a permanent refusal). See
docs/notifications.md.
"""

from django.conf import settings
from django.db import models


class Message(models.Model):
    """One message to one address, sent at most once (the key is unique).

    Immediate messages (invitations, decisions) are rows with `send_at = now` whose content is
    rendered when they are queued; planned ones (reminders) are rendered when they are sent,
    from the ids in `context`. What was sent is kept in subject/text/html/attachments.
    """

    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=40, db_index=True)
    key = models.CharField(max_length=255, unique=True)
    training = models.ForeignKey("trainings.Training", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="messages",
                                 help_text="Empty for a message that spans trainings.")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="messages")
    address = models.EmailField(help_text="Where it goes (nominees may have no account).")
    send_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=120, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    context = models.JSONField(default=dict, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True,
                                   help_text="[{filename, content, mimetype}], text content")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["send_at", "pk"]
        indexes = [models.Index(fields=["state", "send_at"]),
                   models.Index(fields=["state", "claimed_until"]),
                   models.Index(fields=["training", "kind", "state"])]

    def __str__(self):
        return f"{self.kind} → {self.address} ({self.state})"

    @property
    def is_rendered(self):
        return bool(self.subject)


class MessageLog(models.Model):
    """A state change of a message: before, after, why and by whom (empty: the platform)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(auto_now_add=True)
    before = models.CharField(max_length=10, blank=True)
    after = models.CharField(max_length=10, blank=True)
    why = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.before or '-'} → {self.after}: {self.why}"


class Preference(models.Model):
    """The kinds of message a person has muted (only kinds that allow muting)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="message_preference")
    muted_kinds = models.JSONField(default=list, blank=True)

    def __str__(self):
        return f"Message preferences of {self.user}"
