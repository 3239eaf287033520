"""Surveys (questions as data per curriculum), anonymous-to-facilitators responses, and
participants' action plans."""

from django.conf import settings
from django.db import models

from curriculum.models import Curriculum, Module
from trainings.models import Training

MIN_GROUP = 5  # results of fewer respondents stay hidden


class Survey(models.Model):
    class Kind(models.TextChoices):
        PRIOR = "prior", "Prior-knowledge survey"
        MODULE = "module", "Module feedback"
        CLOSING = "closing", "Closing evaluation"

    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="surveys")
    key = models.SlugField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True)
    source_section = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["curriculum", "position"]
        constraints = [models.UniqueConstraint(fields=["curriculum", "key"],
                                               name="survey_unique_key")]

    def __str__(self):
        return self.title


class SurveyQuestion(models.Model):
    class Type(models.TextChoices):
        RATING = "rating", "Rating 1–5"
        MODULE_RATING = "module_rating", "Rating 1–5 for each module"
        TEXT = "text", "Free text"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=40)
    position = models.PositiveSmallIntegerField()
    type = models.CharField(max_length=15, choices=Type.choices)
    label = models.CharField(max_length=300)
    required = models.BooleanField(default=True)
    scale = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "key"],
                                               name="survey_question_unique_key")]

    def __str__(self):
        return self.label


class Response(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="responses")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    module = models.ForeignKey(Module, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", help_text="For module feedback.")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="+",
                                   help_text="Kept to stop double answers and to show people "
                                             "their own answers; never shown to facilitators.")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["training", "survey", "respondent"],
                                    condition=models.Q(module__isnull=True),
                                    name="one_response_each"),
            models.UniqueConstraint(fields=["training", "survey", "module", "respondent"],
                                    condition=models.Q(module__isnull=False),
                                    name="one_module_response_each"),
        ]

    def __str__(self):
        return f"Response to {self.survey}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    module = models.ForeignKey(Module, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", help_text="For a per-module rating.")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    def __str__(self):
        return f"{self.question.key}: {self.value or self.text[:40]}"


class ActionPlan(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="action_plans")
    participant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                    related_name="action_plans")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["training", "participant"],
                                               name="one_action_plan_each")]

    def __str__(self):
        return f"Action plan of {self.participant}"


class Commitment(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="commitments")
    action = models.CharField(max_length=300)
    by_when = models.DateField()
    with_whom = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    progress_note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "by_when", "pk"]

    def __str__(self):
        return self.action
