"""Rapporteur notes arrive with their issue; questions for the facilitators start here,
captured in the room by run mode."""

from django.conf import settings
from django.db import models

from scheduling.models import Slot
from trainings.models import Nomination, Training


class Question(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        CARRIED_FORWARD = "carried_forward", "Carried forward"

    id = models.UUIDField(primary_key=True, help_text="Made on the device that captured it.")
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="questions")
    slot = models.ForeignKey(Slot, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="questions")
    text = models.TextField()
    asked_by = models.ForeignKey(Nomination, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="questions")
    asked_by_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    captured_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    captured_at = models.DateTimeField()
    source = models.CharField(max_length=20, default="run mode")

    class Meta:
        ordering = ["captured_at"]

    def __str__(self):
        return self.text[:80]
