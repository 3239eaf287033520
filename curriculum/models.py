"""What is taught: Curriculum > Module > Session, online/offline elements, handouts,
and the reference data (GCM objectives, guiding principles, MPTF thematic areas, SDGs)."""

from django.db import models
from django.db.models import Sum
from django.urls import reverse


class Phase(models.TextChoices):
    ONLINE = "online", "Online (facilitator-led)"
    OFFLINE = "offline", "Offline (moderator-led)"


class Sourced(models.Model):
    """Every record says where in the seed documents it comes from."""

    source_file = models.CharField(max_length=100, blank=True)
    source_section = models.CharField(max_length=200, blank=True)
    editor_notes = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True

    @property
    def source(self):
        return " §".join(part for part in [self.source_file, self.source_section] if part)


class SourceDocument(models.Model):
    """A seed document the records cite, by file name, with its title (stored once, from the
    fixtures' `sources:` metadata) so pages cite the document by name, not by file."""

    file = models.CharField(max_length=100, unique=True)
    title = models.CharField(max_length=400)

    class Meta:
        ordering = ["file"]

    def __str__(self):
        return self.title


class Curriculum(Sourced):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "curricula"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("curriculum:detail", args=[self.slug])


class Module(Sourced):
    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="modules")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    stated_total = models.CharField(
        max_length=100, blank=True, help_text="The total time the source states, verbatim."
    )

    class Meta:
        ordering = ["curriculum", "number"]
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "number"], name="module_unique_number")
        ]

    def __str__(self):
        return f"Module {self.number}: {self.title}"


class Session(Sourced):
    class Kind(models.TextChoices):
        OPENING = "opening", "Opening session"
        NUMBERED = "numbered", "Numbered session"
        CLOSING = "closing", "Closing session"

    class Modality(models.TextChoices):
        ONLINE = "online", "Online"
        OFFLINE = "offline", "Offline"
        BLENDED = "blended", "Online / offline"

    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="sessions")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="sessions")
    key = models.SlugField(max_length=20, help_text="“opening”, “1”…“9”, “closing”")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300)
    modality = models.CharField(max_length=10, choices=Modality.choices)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["curriculum", "position"]
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "key"], name="session_unique_key")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        if self.kind == self.Kind.NUMBERED:
            return f"Session {self.number}: {self.title}"
        return f"{self.get_kind_display()}: {self.title}"


class LearningObjective(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="objectives")
    phase = models.CharField(max_length=10, choices=Phase.choices)
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["session", "position"]

    def __str__(self):
        return self.text


class ExpectedOutput(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="outputs")
    phase = models.CharField(max_length=10, choices=Phase.choices)
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["session", "position"]

    def __str__(self):
        return self.text


class ElementQuerySet(models.QuerySet):
    def with_total_minutes(self):
        return self.annotate(total_minutes=Sum("items__minutes", default=0))


class Element(Sourced):
    """One half of a module: the online (facilitator-led) or offline (moderator-led) part."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="elements")
    phase = models.CharField(max_length=10, choices=Phase.choices)
    stated_duration = models.CharField(
        max_length=100, blank=True, help_text="The duration the source states, verbatim."
    )

    objects = ElementQuerySet.as_manager()

    class Meta:
        ordering = ["module", "phase"]
        constraints = [
            models.UniqueConstraint(fields=["module", "phase"], name="element_unique_phase")
        ]

    def __str__(self):
        return f"{self.module} – {self.get_phase_display()}"

    @property
    def lead_role(self):
        return "facilitator" if self.phase == Phase.ONLINE else "moderator"


class AgendaItem(Sourced):
    element = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    minutes = models.PositiveSmallIntegerField()
    timing_note = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items"
    )

    class Meta:
        ordering = ["element", "position"]
        constraints = [
            models.UniqueConstraint(fields=["element", "position"], name="item_unique_position")
        ]

    def __str__(self):
        return self.title


class Handout(Sourced):
    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="handouts")
    number = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300)
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="handouts"
    )
    content = models.TextField(blank=True)
    builtin = models.CharField(
        max_length=30, blank=True,
        help_text="Printed from the reference data: gcm_objectives, guiding_principles, sdgs.")
    blocks = models.JSONField(default=list, blank=True,
                              help_text="Printable body: headings, paragraphs, lists, tables.")

    class Meta:
        ordering = ["curriculum", "position"]
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "number"], name="handout_unique_number")
        ]

    def __str__(self):
        return f"Handout {self.number}: {self.title}"


# Reference data, shared by every curriculum.


class GcmObjective(Sourced):
    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=400)

    class Meta:
        ordering = ["number"]
        verbose_name = "GCM objective"

    def __str__(self):
        return f"Objective {self.number}: {self.title}"


class GuidingPrinciple(Sourced):
    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return self.title


class ThematicArea(Sourced):
    """A Migration MPTF thematic area, clustering GCM objectives."""

    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=400)
    objectives = models.ManyToManyField(GcmObjective, related_name="thematic_areas")

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"Thematic area {self.number}: {self.title}"


class Sdg(Sourced):
    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["number"]
        verbose_name = "SDG"

    def __str__(self):
        return f"SDG {self.number}: {self.title}"


class SdgTarget(models.Model):
    sdg = models.ForeignKey(Sdg, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(max_length=10, unique=True)
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sdg", "position"]

    def __str__(self):
        return f"{self.code} {self.text}"
