"""Run mode permissions (DESIGN.md section 4): facilitators and moderators run the room;
capturing questions is for the moderator (rapporteurs write them in their notes)."""

import rules

from trainings.models import Role
from trainings.rules import holds, is_facilitator, is_open, is_participant, is_staff

is_moderator = holds(Role.MODERATOR)

rules.add_perm("runsheet.run", (is_facilitator | is_moderator) & is_open)
rules.add_perm("runsheet.capture_question", is_moderator & is_open)

# The attendance report (docs/attendance.md). `report.attendance_report` gives each user the
# first level of ATTENDANCE_LEVELS they hold; the page and its exports print that only:
#   full:  every confirmed participant, marks and percentages (staff, facilitators);
#   marks: names, UN entity and marks (moderator, rapporteurs);
#   self:  their own line, with their percentage (participants);
# anyone else who sees the training gets 403, anyone who does not 404.
is_rapporteur = holds(Role.RAPPORTEUR)
rules.add_perm("runsheet.view_attendance_full", is_staff | is_facilitator)
rules.add_perm("runsheet.view_attendance_marks", is_moderator | is_rapporteur)
rules.add_perm("runsheet.view_own_attendance", is_participant)
rules.add_perm("runsheet.view_attendance",
               is_staff | is_facilitator | is_moderator | is_rapporteur | is_participant)
ATTENDANCE_LEVELS = (("full", "runsheet.view_attendance_full"),
                     ("marks", "runsheet.view_attendance_marks"),
                     ("self", "runsheet.view_own_attendance"))

# QR self check-in (docs/run-mode.md, "Self check-in"): a confirmed participant marks
# themselves present while the training runs.
rules.add_perm("runsheet.check_in", is_participant & is_open)
