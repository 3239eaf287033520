"""Who may open run mode: one helper for the page and the API (trainings.views.access).

404 when the training does not exist or is not visible to the user (the same answer, so
ids leak nothing); 403 with a reason for a user who sees the training but may not run the
room (DESIGN.md section 4: facilitators and the moderator)."""

from trainings.models import Training
from trainings.views.access import get_visible

RUN = "runsheet.run"
REASON = "Run mode is for the facilitators and the moderator."


def get_training(request, pk):
    return get_visible(request, Training.objects.all(), RUN, reason=REASON, pk=pk)
