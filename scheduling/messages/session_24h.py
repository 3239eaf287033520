import datetime

from notifications.kinds import register

from .. import ics
from ..blocks import block_started_by
from .base import Reminder


def block_of(slot, training):
    """The slots of the session block that `slot` starts, in order; [] if the slot no longer
    starts a block (`scheduling.blocks`)."""
    block = block_started_by(slot, training)
    return block.slots if block else []


@register
class Session24h(Reminder):
    """The team and confirmed participants, 24 hours before each online or offline element,
    with the element's slots as an .ics (the agenda's own UIDs: it updates, never doubles,
    the events the published agenda put in the calendar)."""

    name = "session_24h"
    label = "Session starting in 24 hours"
    template = "scheduling/email/reminder_session_24h"
    mutable = True
    before = datetime.timedelta(hours=24)

    def plan(self, training, *, now, people):
        return [self.planned_message(training, user, f"session:{block.first_uid}",
                                     block.start - self.before, slot=block.first_uid)
                for block in people.blocks for user in people.team | people.participants]

    def context(self, message):
        context = super().context(message)
        slot = context.get("slot")
        context["slots"] = block_of(slot, context["training"]) if slot else []
        return context

    def calendar(self, message, context):
        slots = context.get("slots") or ([context["slot"]] if context.get("slot") else [])
        if not slots:
            return None
        training, first = context["training"], slots[0]
        module = f", Module {first.module.number}" if first.module else ""
        return ics.build(name=f"{training} – {first.get_kind_display().lower()}{module}",
                         entries=[(training, slot) for slot in slots])
