"""The agenda of a training in time: schedule templates, slots (UTC), undo history and
calendar feeds."""

import secrets
import uuid

from django.conf import settings
from django.db import models

from accounts.times import when_text
from activities.models import ActivityPart
from curriculum.models import Curriculum, Module, Session
from trainings.models import Training


class SlotKind(models.TextChoices):
    ONLINE = "online", "Online element"
    OFFLINE = "offline", "Offline element"
    BREAK = "break", "Break"
    LUNCH = "lunch", "Lunch"
    BRIEFING = "briefing", "Briefing"
    DEBRIEFING = "debriefing", "Debriefing"
    TECHNICAL_TEST = "technical_test", "Technical test run"
    OTHER = "other", "Other"


# Kinds the participants attend; the others are for the team only.
PARTICIPANT_KINDS = {SlotKind.ONLINE, SlotKind.OFFLINE, SlotKind.BREAK, SlotKind.LUNCH,
                     SlotKind.OTHER}


class ScheduleTemplate(models.Model):
    """A sample schedule (Annex III Option 1 or 2) in local wall-clock times."""

    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE,
                                   related_name="schedule_templates")
    key = models.SlugField(max_length=20)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    source_file = models.CharField(max_length=100, blank=True)
    source_section = models.CharField(max_length=200, blank=True)
    editor_notes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["curriculum", "key"]
        constraints = [models.UniqueConstraint(fields=["curriculum", "key"],
                                               name="template_unique_key")]

    def __str__(self):
        return self.title

    @property
    def name(self):
        """How the guide names it: its section and title ("Annex III Option 2: …")."""
        return " ".join(part for part in [self.source_section, self.title] if part)


class TemplateSlot(models.Model):
    template = models.ForeignKey(ScheduleTemplate, on_delete=models.CASCADE, related_name="slots")
    day = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField()
    start = models.TimeField()
    end = models.TimeField()
    kind = models.CharField(max_length=20, choices=SlotKind.choices)
    module_number = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=400)
    items = models.JSONField(default=list, blank=True,
                             help_text="The row's items as the guide lists them under its title.")
    sessions = models.JSONField(default=list, blank=True)         # session keys
    activity_parts = models.JSONField(default=list, blank=True)   # "<activity>/<part>"
    leads = models.JSONField(default=list, blank=True)            # role names
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["template", "day", "position"]

    def __str__(self):
        return f"Day {self.day} {self.start:%H:%M}-{self.end:%H:%M} {self.title}"


class Lead(models.TextChoices):
    FACILITATOR = "facilitator", "Facilitators"
    TECHNICAL_SUPPORT = "technical_support", "Technical support"
    MODERATOR = "moderator", "Moderator"
    RAPPORTEUR = "rapporteur", "Rapporteurs"
    RCO = "rco", "RCO"
    RESIDENT_COORDINATOR = "resident_coordinator", "UN Resident Coordinator"


class Agenda(models.Model):
    """Agenda-level state of a training: version (raised on every change) and publication."""

    training = models.OneToOneField(Training, on_delete=models.CASCADE, related_name="agenda")
    template_key = models.CharField(max_length=20, blank=True)
    version = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    published_version = models.PositiveIntegerField(null=True, blank=True)
    notified_version = models.PositiveIntegerField(null=True, blank=True)
    max_day_hours = models.PositiveSmallIntegerField(
        default=8, help_text="Warn when a day (first start to last end) is longer.")
    max_gap_days = models.PositiveSmallIntegerField(
        default=7, help_text="Warn when more days than this pass between two modules.")

    def __str__(self):
        return f"Agenda of {self.training}"

    @property
    def is_published(self):
        return self.published_at is not None


class Slot(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="slots")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE")
    start = models.DateTimeField()
    end = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=SlotKind.choices)
    title = models.CharField(max_length=400)
    items = models.JSONField(default=list, blank=True,
                             help_text="What the slot holds, in order, shown as a list under "
                                       "its title.")
    module = models.ForeignKey(Module, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    sessions = models.ManyToManyField(Session, blank=True, related_name="+")
    activity_parts = models.ManyToManyField(ActivityPart, blank=True, related_name="+")
    leads = models.JSONField(default=list, blank=True)
    location = models.CharField(max_length=400, blank=True,
                                help_text="Overrides the training's venue or meeting link.")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["training", "start", "end", "pk"]
        indexes = [models.Index(fields=["training", "start"])]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                              name="slot_ends_after_start")]

    def __str__(self):
        """"Activity 1 (Mon 1 Mar 2027, 11:55 EAT)": in the training's zone, labelled (an audit
        entry keeps this text)."""
        return f"{self.title} ({when_text(self.start, self.training.time_zone, zone_names=False)})"

    @property
    def minutes(self):
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def heading(self):
        """The title, or "" when it only repeats the kind (a break titled "BREAK"): pages
        show the kind's badge and this, so nothing is said twice."""
        if self.title.strip().casefold() == self.get_kind_display().casefold():
            return ""
        return self.title

    def where(self, training=None):
        training = training or self.training
        if self.location:
            return self.location
        if self.kind in (SlotKind.ONLINE, SlotKind.TECHNICAL_TEST, SlotKind.BRIEFING,
                         SlotKind.DEBRIEFING):
            return training.meeting_link
        return training.venue


class AgendaChange(models.Model):
    """One edit of the agenda, with the slots as they were before it (for undo)."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="agenda_changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    description = models.CharField(max_length=300)
    before = models.JSONField()
    undoable = models.BooleanField(
        default=True, help_text="False when the change followed the training's own details "
                                "(dates, zone, option): undo those on the training.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.description


def new_feed_token():
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A private iCalendar URL: one per person (all their trainings) or per training."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="calendar_feeds")
    training = models.ForeignKey(Training, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        scope = self.training or "all my trainings"
        return f"Calendar of {self.user} ({scope})"


# Checklists -------------------------------------------------------------------------------


class Anchor(models.TextChoices):
    START = "start", "Training start"
    END = "end", "Training end"
    MODULE_START = "module_start", "Start of each module"
    MODULE_END = "module_end", "End of each module"


class ChecklistTemplateItem(models.Model):
    """One line of a curriculum's checklist (fixtures/checklists), with its deadline rule."""

    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE,
                                   related_name="checklist_items")
    key = models.SlugField(max_length=60)
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    owner = models.CharField(max_length=20, help_text="The role that owns the item.")
    anchor = models.CharField(max_length=20, choices=Anchor.choices)
    offset_days = models.IntegerField(null=True, blank=True)
    offset_minutes = models.IntegerField(null=True, blank=True)
    window_days = models.PositiveSmallIntegerField(null=True, blank=True)
    guidance = models.TextField(blank=True)
    source_section = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["curriculum", "position"]
        constraints = [models.UniqueConstraint(fields=["curriculum", "key"],
                                               name="checklist_template_unique_key")]

    def __str__(self):
        return self.title


class ChecklistItem(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", "To do"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        NOT_APPLICABLE = "na", "Not applicable"

    OPEN = (Status.TODO, Status.IN_PROGRESS)

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="checklist")
    template = models.ForeignKey(ChecklistTemplateItem, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    key = models.CharField(max_length=80, help_text="Template key, plus the module for "
                                                    "per-module items.")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    owner = models.CharField(max_length=20)
    module = models.ForeignKey(Module, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    due_at = models.DateTimeField(null=True, blank=True, help_text="UTC")
    due_set_by_hand = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.TODO)
    status_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    status_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    evidence_link = models.URLField(blank=True)

    class Meta:
        ordering = ["training", "due_at", "position"]
        constraints = [models.UniqueConstraint(fields=["training", "key"],
                                               name="checklist_item_unique_key")]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status in self.OPEN

    @property
    def owner_label(self):
        from trainings.models import Role

        return dict(Role.choices).get(self.owner) or {"rco_admin": "RCO admin"}.get(
            self.owner, self.owner)
