"""Permissions for the agenda, checklists and reminders, built on the trainings role matrix."""

import rules

from trainings.models import Role, Training
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


@rules.predicate
def is_cancelled(user, obj):
    training = getattr(obj, "training", None) if not isinstance(obj, Training) else obj
    return training is not None and training.is_cancelled


# DESIGN.md section 4: staff and facilitators edit the agenda; a cancelled training's agenda
# no longer changes (it stays readable).
rules.add_perm("scheduling.edit_agenda", (is_staff | is_facilitator) & ~is_cancelled)

# DESIGN.md section 4: checklist items – staff and facilitators all; tech support, moderator,
# rapporteur and RCO admin their own; participants none.
rules.add_perm("scheduling.view_checklist", is_staff | is_member | is_rco_admin)
rules.add_perm("scheduling.change_checklist_item", is_staff | is_facilitator | owns_item)
# whose checklists appear on "My checklists" (every line of them, not only their role's)
rules.add_perm("scheduling.manage_checklist", is_staff | is_facilitator)

__all__ = ["FACILITATORS", "RCO_ADMIN", "STAFF"]
