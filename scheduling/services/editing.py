"""Edits of the agenda. Each records the slots before it (undo) and raises the SEQUENCE of
every slot it changes."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.times import local_date, shift_keeping_wall_clock, to_utc
from trainings.changes import changed

from ..models import Agenda, AgendaChange, Slot, SlotKind
from .history import begin_change, get_agenda, restore

INSERTABLE = {SlotKind.BREAK: "Break", SlotKind.LUNCH: "Lunch", SlotKind.BRIEFING: "Briefing",
              SlotKind.DEBRIEFING: "Debriefing", SlotKind.OTHER: "Other",
              SlotKind.TECHNICAL_TEST: "Technical test run"}


def _touch(slot, **fields):
    for name, value in fields.items():
        setattr(slot, name, value)
    slot.sequence += 1
    slot.save()


def _start_at(slot, start):
    """Move a slot to begin at `start`, keeping its length."""
    _touch(slot, start=start, end=start + (slot.end - slot.start))


def _later_same_day(slot):
    tz = slot.training.time_zone
    day = local_date(slot.start, tz)
    return [s for s in Slot.objects.filter(training=slot.training, start__gte=slot.end)
            .exclude(pk=slot.pk).order_by("start") if local_date(s.start, tz) == day]


@transaction.atomic
def move_slot(*, actor, slot, day, start_time):
    """Move a slot to a local date and wall-clock time, keeping its length."""
    tz = slot.training.time_zone
    start = to_utc(day, start_time, tz)
    begin_change(actor=actor, training=slot.training,
                 description=f"Moved “{slot.title}” to {day:%a %d %b} {start_time:%H:%M}")
    _start_at(slot, start)
    return slot


@transaction.atomic
def resize_slot(*, actor, slot, minutes, shift_following=False):
    if not 1 <= minutes <= 12 * 60:
        raise ValidationError({"minutes": "Give a length between 1 minute and 12 hours."})
    delta = datetime.timedelta(minutes=minutes) - (slot.end - slot.start)
    later = _later_same_day(slot) if shift_following else []
    begin_change(actor=actor, training=slot.training,
                 description=f"Changed “{slot.title}” to {minutes} min"
                             + (" and shifted the rest of the day" if later else ""))
    _touch(slot, end=slot.start + datetime.timedelta(minutes=minutes))
    for other in later:
        _touch(other, start=other.start + delta, end=other.end + delta)
    return slot


@transaction.atomic
def move_day(*, actor, training, from_day, to_day):
    slots = [s for s in Slot.objects.filter(training=training)
             if local_date(s.start, training.time_zone) == from_day]
    if not slots:
        raise ValidationError({"to_day": f"Nothing is scheduled on {from_day:%a %d %b %Y}."})
    begin_change(actor=actor, training=training,
                 description=f"Moved {from_day:%a %d %b} to {to_day:%a %d %b}")
    days = (to_day - from_day).days
    for slot in slots:
        _start_at(slot, shift_keeping_wall_clock(slot.start, days=days,
                                                 from_tz=training.time_zone))
    return slots


@transaction.atomic
def move_rest_of_day(*, actor, slot, to_day, start_time):
    """Split a day: this slot and the ones after it that day go to another day."""
    training = slot.training
    moving = [slot, *_later_same_day(slot)]
    begin_change(actor=actor, training=training,
                 description=f"Moved “{slot.title}” and the rest of its day to "
                             f"{to_day:%a %d %b} {start_time:%H:%M}")
    offset = to_utc(to_day, start_time, training.time_zone) - slot.start
    for other in moving:
        _touch(other, start=other.start + offset, end=other.end + offset)
    return moving


@transaction.atomic
def insert_slot(*, actor, after, kind, minutes, title="", shift_following=True):
    if kind not in INSERTABLE:
        raise ValidationError({"kind": "Choose break, lunch, briefing, debriefing or other."})
    if not 1 <= minutes <= 8 * 60:
        raise ValidationError({"minutes": "Give a length between 1 minute and 8 hours."})
    later = _later_same_day(after) if shift_following else []
    title = title.strip() or INSERTABLE[kind]
    begin_change(actor=actor, training=after.training,
                 description=f"Inserted “{title}” after “{after.title}”")
    delta = datetime.timedelta(minutes=minutes)
    for other in later:
        _touch(other, start=other.start + delta, end=other.end + delta)
    return Slot.objects.create(training=after.training, start=after.end, end=after.end + delta,
                               kind=kind, title=title, module=after.module)


@transaction.atomic
def delete_slot(*, actor, slot):
    begin_change(actor=actor, training=slot.training, description=f"Removed “{slot.title}”")
    slot.delete()


@transaction.atomic
def add_briefings(*, actor, training, minutes=30):
    """A briefing before and a debriefing after each module, where none exists yet."""
    slots = list(Slot.objects.filter(training=training).select_related("module")
                 .order_by("start"))
    by_module = {}
    for slot in slots:
        if slot.module_id and slot.kind in (SlotKind.ONLINE, SlotKind.OFFLINE):
            by_module.setdefault(slot.module, []).append(slot)
    present = {(s.module_id, s.kind) for s in slots
               if s.kind in (SlotKind.BRIEFING, SlotKind.DEBRIEFING)}
    todo = [(m, k) for m in by_module for k in (SlotKind.BRIEFING, SlotKind.DEBRIEFING)
            if (m.pk, k) not in present]
    if not todo:
        raise ValidationError("Every module already has a briefing and a debriefing.")
    begin_change(actor=actor, training=training,
                 description="Added briefings before and debriefings after each module")
    length = datetime.timedelta(minutes=minutes)
    created = []
    for module, kind in todo:
        module_slots = by_module[module]
        if kind == SlotKind.BRIEFING:
            first = min(s.start for s in module_slots)
            start, end = first - length, first
            title = f"Briefing for Module {module.number} (facilitators, moderator, rapporteurs)"
        else:
            last = max(s.end for s in module_slots)
            start, end = last, last + length
            title = f"Debriefing of Module {module.number} (facilitators, moderator, rapporteurs)"
        created.append(Slot.objects.create(
            training=training, start=start, end=end, kind=kind, title=title, module=module,
            leads=["facilitator", "moderator", "rapporteur"]))
    return created


@transaction.atomic
def undo(*, actor, training):
    """Put the slots back as they were before the last change (repeatable, step by step)."""
    agenda = Agenda.objects.select_for_update().get(pk=get_agenda(training).pk)
    change = AgendaChange.objects.filter(training=training).first()
    if change is None:
        raise ValidationError("There is nothing to undo.")
    if not change.undoable:
        raise ValidationError(f"The last change ({change.description}) followed the training's "
                              "own details; change them back on the training instead.")
    restore(training=training, rows=change.before)
    change.delete()
    agenda.version += 1
    agenda.save(update_fields=["version"])
    from .publishing import after_change

    after_change(agenda)
    changed(training, "agenda")
    return change.description


@transaction.atomic
def shift_days(*, actor, training, days):
    """The training's dates moved: every slot moves by whole days, same local time."""
    begin_change(actor=actor, training=training, undoable=False,
                 description=f"Followed the new dates ({days:+d} days)")
    for slot in Slot.objects.filter(training=training):
        _start_at(slot, shift_keeping_wall_clock(slot.start, days=days,
                                                 from_tz=training.time_zone))


@transaction.atomic
def keep_wall_clock(*, actor, training, old_tz):
    """The training's zone changed and local times should stay: re-anchor every slot."""
    begin_change(actor=actor, training=training, undoable=False,
                 description=f"Kept local times after the zone changed from {old_tz}")
    for slot in Slot.objects.filter(training=training):
        _start_at(slot, shift_keeping_wall_clock(slot.start, from_tz=old_tz,
                                                 to_tz=training.time_zone))


@transaction.atomic
def set_checks(*, actor, training, max_day_hours, max_gap_days):
    """The limits the agenda's checks warn at (longest day, most days between modules)."""
    agenda = get_agenda(training)
    agenda.max_day_hours, agenda.max_gap_days = max_day_hours, max_gap_days
    agenda.save(update_fields=["max_day_hours", "max_gap_days"])
    return agenda
