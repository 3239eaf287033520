"""Session blocks: what people attend in one sitting, computed in one place.

A block is a run of online or offline slots of one module, in the order they start, on one
local day (in the training's zone), each starting at most `MAX_GAP` (20 minutes) after the
previous one ends: a coffee break between two slots of an element keeps them in one block,
the same module's slots on another day (or after a longer pause) start a new one. Slots of
other kinds (breaks, technical tests, briefings) never belong to a block and do not
interrupt one; a slot that overlaps the block's end starts a new block.

The reminders (24 h / 1 h before a block, notes due after an offline block), the sign-in
sheets (one per offline block) and any page that shows blocks use these functions.
"""

import dataclasses
import datetime

from accounts.times import local_date

from .models import Slot, SlotKind

MAX_GAP = datetime.timedelta(minutes=20)
KINDS = (SlotKind.ONLINE, SlotKind.OFFLINE)


@dataclasses.dataclass
class Block:
    """Consecutive slots of one kind and module on one local day."""

    kind: str
    module_id: int | None
    day: datetime.date
    slots: list

    @property
    def start(self):
        return self.slots[0].start

    @property
    def end(self):
        return max(slot.end for slot in self.slots)

    @property
    def module(self):
        """The module (select_related("module") on the slots keeps this free)."""
        return self.slots[0].module if self.module_id else None

    @property
    def module_number(self):
        return self.module.number if self.module_id else None

    @property
    def first_uid(self):
        return str(self.slots[0].uid)

    @property
    def last_uid(self):
        return str(self.slots[-1].uid)

    def continues_with(self, slot, tz_name):
        gap = slot.start - self.end
        return (slot.kind == self.kind and slot.module_id == self.module_id
                and local_date(slot.start, tz_name) == self.day
                and datetime.timedelta(0) <= gap <= MAX_GAP)


def blocks_of(slots, tz_name):
    """The blocks of some slots of one training (pure: reads nothing from the database).
    `tz_name` is the training's zone, which decides what "the same day" is."""
    blocks = []
    for slot in sorted(slots, key=lambda s: s.start):
        if slot.kind not in KINDS:
            continue
        if blocks and blocks[-1].continues_with(slot, tz_name):
            blocks[-1].slots.append(slot)
        else:
            blocks.append(Block(kind=slot.kind, module_id=slot.module_id,
                                day=local_date(slot.start, tz_name), slots=[slot]))
    return blocks


def block_slots(training):
    """The online and offline slots of a training, with their modules (one query)."""
    return list(Slot.objects.filter(training=training, kind__in=KINDS)
                .select_related("module").order_by("start"))


def session_blocks(training, kind=None):
    """The training's blocks, in order; only those of `kind` if given."""
    blocks = blocks_of(block_slots(training), training.time_zone)
    return [b for b in blocks if kind is None or b.kind == kind]


def block_started_by(slot, training):
    """The block whose first slot is `slot`, or None if the slot no longer starts one."""
    return next((b for b in session_blocks(training) if b.first_uid == str(slot.uid)), None)
