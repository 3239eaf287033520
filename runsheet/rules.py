"""Run mode permissions (DESIGN.md section 4): facilitators and moderators run the room;
capturing questions is for the moderator (rapporteurs write them in their notes)."""

import rules

from trainings.models import Role
from trainings.rules import holds, is_facilitator, is_open

is_moderator = holds(Role.MODERATOR)

rules.add_perm("runsheet.run", (is_facilitator | is_moderator) & is_open)
rules.add_perm("runsheet.capture_question", is_moderator & is_open)
