"""Run mode: attendance per slot, groups, and the timer state of each slot."""

from django.conf import settings
from django.db import models

from scheduling.models import Slot
from trainings.models import Nomination, Training


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        LATE = "late", "Late"
        ABSENT = "absent", "Absent"
        EXCUSED = "excused", "Excused"

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(Nomination, on_delete=models.CASCADE,
                                    related_name="attendance")
    status = models.CharField(max_length=10, choices=Status.choices)
    recorded_at = models.DateTimeField(help_text="When it was marked on the device; the "
                                                 "latest mark wins.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["slot", "participant"],
                                               name="attendance_once_per_slot")]

    def __str__(self):
        return f"{self.participant} – {self.status}"


class Group(models.Model):
    """A working group of an offline element (activity group work)."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="groups")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100, blank=True)
    members = models.ManyToManyField(Nomination, blank=True, related_name="run_groups")
    chair = models.ForeignKey(Nomination, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    rapporteur = models.ForeignKey(Nomination, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    recorded_at = models.DateTimeField(help_text="When this split was made on the device.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slot", "number"]
        constraints = [models.UniqueConstraint(fields=["slot", "number"],
                                               name="group_unique_number")]

    def __str__(self):
        return self.name or f"Group {self.number}"


class SlotRun(models.Model):
    """The timer of a slot in the room: when it started, how much it was extended."""

    slot = models.OneToOneField(Slot, on_delete=models.CASCADE, related_name="run")
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    extended_minutes = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return f"Run of {self.slot}"


class CheckIn(models.Model):
    """A participant checking themselves in with the rotating QR code of run mode
    (docs/run-mode.md, "Self check-in"): every attempt sent (the form's POST), kept for the
    rate limit and the record. At most one attempt that was not refused per person and slot
    (one mark per person per slot); the mark itself is an `Attendance` row like the tablet's."""

    class Outcome(models.TextChoices):
        CHECKED_IN = "checked_in", "Checked in"
        KEPT = "kept", "Already marked in the room"
        REFUSED = "refused", "Refused"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    slot = models.ForeignKey(Slot, null=True, on_delete=models.CASCADE, related_name="checkins")
    participant = models.ForeignKey(Nomination, null=True, on_delete=models.CASCADE,
                                    related_name="+")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    reason = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["slot", "participant"], condition=~models.Q(outcome="refused"),
            name="checkin_once_per_slot")]
        indexes = [models.Index(fields=["user", "at"], name="checkin_user_at")]

    def __str__(self):
        return f"{self.user} – {self.outcome}"
