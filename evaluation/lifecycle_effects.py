"""What a change of status does to the closing evaluation (told on the confirmation page of
the status stepper, trainings.lifecycle): its opening is derived from the status by
`selectors.is_open`, so the text asks that same rule before and after."""

import copy

from django.urls import reverse

from trainings.lifecycle import Line, register_effect
from trainings.models import Nomination, Training

from .models import Survey
from .selectors import is_open


def closing_evaluation(training, status):
    survey = Survey.objects.filter(curriculum_id=training.curriculum_id,
                                   kind=Survey.Kind.CLOSING).first()
    if survey is None:
        return []
    after = copy.copy(training)
    after.status = status
    before_open, after_open = (is_open(training=t, survey=survey) for t in (training, after))
    if before_open == after_open:
        return []
    count = Nomination.objects.filter(training=training,
                                      status=Nomination.Status.CONFIRMED).count()
    people = "1 confirmed participant" if count == 1 else f"{count} confirmed participants"
    url = reverse("evaluation:home", args=[training.pk])
    if after_open:
        return [Line(f"The closing evaluation opens for the {people}.", url=url,
                     link="Evaluation page")]
    return [Line(f"The closing evaluation closes again for the {people}.")]


for _status in (Training.Status.CONFIRMED, Training.Status.IN_DELIVERY,
                Training.Status.COMPLETED):
    register_effect(_status, closing_evaluation)
