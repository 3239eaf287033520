from django.conf import settings
from django.db import models


class SyncEvent(models.Model):
    """One action made on a device, identified by the UUID the device gave it.

    The primary key is that UUID: an event sent twice (a retried batch, a second tab) is
    applied once. Rejected events are kept too, with the reason, so the device can drop
    them and tell the user.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        REJECTED = "rejected", "Rejected"

    id = models.UUIDField(primary_key=True)
    scope = models.CharField(max_length=40, help_text="e.g. training:12")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    type = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    recorded_at = models.DateTimeField(help_text="When the device recorded it (UTC).")
    received_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["recorded_at"]
        indexes = [models.Index(fields=["scope", "recorded_at"])]

    def __str__(self):
        return f"{self.type} {self.id} ({self.status})"
