"""Notes permissions (DESIGN.md section 4): rapporteurs write notes and group outputs, the
moderator captures questions; staff, facilitators, moderator and rapporteurs read everything;
RCO admins and participants read what is published; facilitators publish and answer."""

import rules

from trainings.models import Role
from trainings.rules import holds, is_facilitator, is_open, is_participant, is_rco_admin, is_staff

is_rapporteur = holds(Role.RAPPORTEUR)
is_moderator = holds(Role.MODERATOR)

rules.add_perm("notes.write_notes", is_rapporteur & is_open)
rules.add_perm("notes.write_outputs", is_rapporteur & is_open)
rules.add_perm("notes.read_all_notes", is_staff | is_facilitator | is_moderator | is_rapporteur)
rules.add_perm("notes.read_published_notes",
               is_staff | is_facilitator | is_moderator | is_rapporteur | is_rco_admin
               | is_participant)
rules.add_perm("notes.publish_notes", is_staff | is_facilitator)
rules.add_perm("notes.answer_questions", is_facilitator)
rules.add_perm("notes.view_questions", is_facilitator | is_moderator | is_rapporteur)
rules.add_perm("notes.capture_question", (is_moderator | is_rapporteur) & is_open)
rules.add_perm("notes.edit_outcome_summary", is_facilitator)
