from django.db import models
from django.urls import reverse

from curriculum.models import AgendaItem, Curriculum, Handout, Module, Phase, Session, Sourced


class Activity(Sourced):
    curriculum = models.ForeignKey(
        Curriculum, on_delete=models.CASCADE, related_name="activities"
    )
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    summary = models.TextField(blank=True)
    handouts = models.ManyToManyField(Handout, blank=True, related_name="activities")

    class Meta:
        ordering = ["curriculum", "number"]
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "number"], name="activity_unique_number")
        ]

    def __str__(self):
        return f"Activity {self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("activities:activity", args=[self.curriculum.slug, self.number])


class ActivityPart(Sourced):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="parts")
    key = models.SlugField(max_length=10, help_text="e.g. “1”, “2a”")
    label = models.CharField(max_length=50, help_text="e.g. “Part 2(a)”")
    position = models.PositiveSmallIntegerField()
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    phase = models.CharField(max_length=10, choices=Phase.choices)
    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="activity_parts",
        help_text="The module whose online or offline element runs this part.",
    )
    instructions = models.TextField(blank=True)
    guiding_questions = models.JSONField(default=list, blank=True)
    expected_output = models.TextField(blank=True)
    agenda_items = models.ManyToManyField(AgendaItem, blank=True, related_name="activity_parts")

    class Meta:
        ordering = ["activity", "position"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "key"], name="part_unique_key")
        ]

    def __str__(self):
        return f"Activity {self.activity.number}, {self.label}"

    @property
    def where(self):
        return f"{self.get_phase_display().split(' ')[0]}, Module {self.module.number}"
