"""Who may answer, see results and keep an action plan, for the pages and the API alike
(trainings.views.access): 404 when the object does not exist or its training is not
visible to the user (the same answer, so ids leak nothing); 403 with a reason when the user
may see the training but not do what is asked (evaluation.rules)."""

from typing import NamedTuple

from django.http import Http404

from curriculum.models import Module
from trainings.models import Training
from trainings.views.access import get_visible

from .models import Commitment, Survey

OPEN = "evaluation.open"
RESPOND = "evaluation.respond"
RESULTS = "evaluation.view_results"
REASONS = {
    OPEN: "Evaluation is for participants, facilitators, RCO admins and staff.",
    RESPOND: "Only the training's participants answer its surveys and keep an action plan.",
    RESULTS: "Results are for facilitators, RCO admins and staff; participants see their own "
             "answers.",
}


def get_training(request, pk, perm=OPEN):
    return get_visible(request, Training.objects.select_related("curriculum"), perm,
                       reason=REASONS[perm], pk=pk)


class SurveyAccess(NamedTuple):
    training: Training
    survey: Survey
    module: Module | None


def get_survey(request, pk, survey_key, module_number=None, perm=RESPOND):
    """A survey of the training's curriculum to answer; module feedback names its module, the
    others none. Anything else is a missing survey."""
    training = get_training(request, pk, perm)
    survey = (Survey.objects.prefetch_related("questions")
              .filter(curriculum=training.curriculum, key=survey_key).first())
    module = None
    if survey is not None and survey.kind == Survey.Kind.MODULE:
        module = Module.objects.filter(curriculum=training.curriculum,
                                       number=module_number).first()
        if module is None:
            survey = None
    elif module_number is not None:
        survey = None
    if survey is None:
        raise Http404("No survey found.")
    return SurveyAccess(training, survey, module)


def get_commitment(request, pk, commitment_id, perm=RESPOND):
    """One of the user's own commitments in training `pk`; anyone else's is a missing one
    (an action plan is its owner's alone: this is the one check that protects it)."""
    if not str(commitment_id).isdigit():
        raise Http404("No commitment found.")
    return get_visible(request, Commitment.objects.select_related("plan__training"), perm,
                       reason=REASONS[perm], training_of=lambda c: c.plan.training,
                       pk=commitment_id, plan__training_id=pk,
                       plan__participant_id=request.user.pk)
