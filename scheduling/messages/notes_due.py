import datetime

from notifications.kinds import register

from ..models import SlotKind
from .base import Reminder

NOTES_AFTER = datetime.timedelta(hours=2)


@register
class NotesDue(Reminder):
    """Rapporteurs, 2 hours after each offline element ends: file the session notes."""

    name = "notes_due"
    label = "Rapporteur notes due"
    template = "scheduling/email/reminder_notes_due"

    def plan(self, training, *, now, people):
        return [self.planned_message(training, user, f"notes:{block.last_uid}",
                                     block.end + NOTES_AFTER, slot=block.last_uid)
                for block in people.blocks if block.kind == SlotKind.OFFLINE
                for user in people.rapporteurs]
