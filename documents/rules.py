"""Documents: participants get the handouts, their own pack and their own certificate; the
team gets everything (DESIGN.md section 4)."""

import rules

from trainings.models import Role
from trainings.rules import can_view, holds, is_facilitator, is_rco_admin, is_staff

is_team = is_staff | is_facilitator | is_rco_admin | holds(
    Role.TECH_SUPPORT, Role.MODERATOR, Role.RAPPORTEUR, Role.LIAISON)

rules.add_perm("documents.view", can_view)
rules.add_perm("documents.all", is_team)
rules.add_perm("documents.manage_certificates", is_staff | is_facilitator)
