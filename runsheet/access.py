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


ATTENDANCE = "runsheet.view_attendance"
ATTENDANCE_REASON = ("The attendance report is for the facilitators, the moderator, the "
                     "rapporteurs and each participant's own line.")


def get_attendance_training(request, pk):
    """The training of an attendance report (page and exports): 404 when not visible, 403
    for someone who sees it but has no line of the report to see (docs/attendance.md)."""
    return get_visible(request, Training.objects.all(), ATTENDANCE, reason=ATTENDANCE_REASON,
                       pk=pk)

# QR self check-in (runsheet/checkin_views.py): the view asks this perm on the code's training
# and answers with its own page (a code's link is not an address to hide: whoever holds one
# saw the screen in the room).
CHECK_IN = "runsheet.check_in"
