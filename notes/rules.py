import rules

from trainings.models import Role
from trainings.rules import holds, is_facilitator

# Questions for the facilitators: read by the facilitators, the moderator and the rapporteurs.
rules.add_perm("notes.view_questions", is_facilitator | holds(Role.MODERATOR, Role.RAPPORTEUR))
