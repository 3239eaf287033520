import datetime

from notifications.kinds import register

from .. import ics
from ..models import Slot, SlotKind
from .base import Reminder, sessions


def block_of(slot):
    """The slots of the session block (a run of online or offline slots of one module) that
    `slot` starts, in order; [] if the slot no longer starts a block."""
    slots = list(Slot.objects.filter(training_id=slot.training_id,
                                     kind__in=[SlotKind.ONLINE, SlotKind.OFFLINE])
                 .select_related("module").order_by("start"))
    for block in sessions(None, slots=slots):
        if block["first_uid"] == str(slot.uid):
            return [s for s in slots if s.kind == block["kind"]
                    and s.module_id == block["module_id"]
                    and block["start"] <= s.start and s.end <= block["end"]]
    return []


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
        return [self.planned_message(training, user, f"session:{block['first_uid']}",
                                     block["start"] - self.before, slot=block["first_uid"])
                for block in people.blocks for user in people.team | people.participants]

    def context(self, message):
        context = super().context(message)
        slot = context.get("slot")
        context["slots"] = block_of(slot) if slot else []
        return context

    def calendar(self, message, context):
        slots = context.get("slots") or ([context["slot"]] if context.get("slot") else [])
        if not slots:
            return None
        training, first = context["training"], slots[0]
        module = f", Module {first.module.number}" if first.module else ""
        return ics.build(name=f"{training} – {first.get_kind_display().lower()}{module}",
                         entries=[(training, slot) for slot in slots])
