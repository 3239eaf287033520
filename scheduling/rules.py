"""Permissions for checklists and reminders, built on the trainings role matrix."""

import rules

from trainings.models import Role
from trainings.rules import (
    FACILITATORS,
    RCO_ADMIN,
    STAFF,
    is_facilitator,
    is_member,
    is_rco_admin,
    is_staff,
    training_roles,
)


@rules.predicate
def owns_item(user, item):
    """The item's owner role is one the user holds on its training (lead counts as
    facilitator's superset for facilitator items)."""
    roles = training_roles(user, item.training)
    return item.owner in roles or (item.owner == Role.FACILITATOR and Role.LEAD_FACILITATOR in roles)


# DESIGN.md section 4: checklist items – staff and facilitators all; tech support, moderator,
# rapporteur and RCO admin their own; participants none.
rules.add_perm("scheduling.view_checklist", is_staff | is_member | is_rco_admin)
rules.add_perm("scheduling.change_checklist_item", is_staff | is_facilitator | owns_item)

__all__ = ["FACILITATORS", "RCO_ADMIN", "STAFF"]
