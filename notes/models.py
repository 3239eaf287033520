"""Rapporteur notes arrive with their issue; questions for the facilitators start here,
captured in the room by run mode."""

from django.conf import settings
from django.db import models

from activities.models import ActivityPart
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
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["captured_at"]

    def __str__(self):
        return self.text[:80]


class SessionNote(models.Model):
    """The rapporteurs' notes of one agenda slot: draft → submitted → published."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for review"
        PUBLISHED = "published", "Published"

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="notes")
    slot = models.OneToOneField(Slot, on_delete=models.CASCADE, related_name="session_note")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["slot__start"]

    def __str__(self):
        return f"Notes: {self.slot}"


class Section(models.TextChoices):
    KEY_POINTS = "key_points", "Key points"
    AGREEMENTS = "agreements", "Agreements"
    ACTIVITY_OUTCOMES = "activity_outcomes", "Activity outcomes"
    FOLLOW_UP = "follow_up", "Follow-up points"


class SectionVersion(models.Model):
    """Every saved text of a note section. A save made from an older version than the
    latest one by someone else is a conflict: both texts are kept and shown."""

    note = models.ForeignKey(SessionNote, on_delete=models.CASCADE, related_name="versions")
    section = models.CharField(max_length=20, choices=Section.choices)
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    base_number = models.PositiveIntegerField(default=0, help_text="The version it was edited from.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField()
    conflict_with = models.PositiveIntegerField(
        null=True, blank=True, help_text="The other author's version this save did not see.")
    change_note = models.CharField(max_length=300, blank=True,
                                   help_text="Required for an edit after publication.")
    published = models.BooleanField(default=False, help_text="The version participants see.")

    class Meta:
        ordering = ["note", "section", "number"]
        constraints = [models.UniqueConstraint(fields=["note", "section", "number"],
                                               name="section_version_unique")]

    def __str__(self):
        return f"{self.get_section_display()} v{self.number}"


def attachment_path(instance, filename):
    import uuid as uuid_module

    # The stored name is random; the user's file name is kept only as data.
    return f"outputs/{instance.output.training_id}/{uuid_module.uuid4().hex}{instance.extension}"


class GroupOutput(models.Model):
    """What a working group produced for an activity part that names an expected output."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="outputs")
    part = models.ForeignKey(ActivityPart, on_delete=models.CASCADE, related_name="+")
    group_number = models.PositiveSmallIntegerField()
    group_name = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["part", "group_number"]
        constraints = [models.UniqueConstraint(fields=["training", "part", "group_number"],
                                               name="group_output_unique")]

    def __str__(self):
        return f"{self.part} – group {self.group_number}"

    @property
    def heading(self):
        """"Group 2", or "Group 2 – Lions" when the group chose a name (not "Group 2" again)."""
        name = (self.group_name or "").strip()
        number = f"Group {self.group_number}"
        return f"{number} – {name}" if name and name.casefold() != number.casefold() else number


class Attachment(models.Model):
    output = models.ForeignKey(GroupOutput, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.original_name


class OutcomeReport(models.Model):
    training = models.OneToOneField(Training, on_delete=models.CASCADE, related_name="outcome")
    summary = models.TextField(blank=True, help_text="Sanitised HTML written by the facilitators.")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Outcome report – {self.training}"
