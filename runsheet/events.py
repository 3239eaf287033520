"""What a run-mode event does on the server: a schema per event type (types, ranges, lengths,
no control characters), a check against the training (slot, roster, role) that never writes,
and the write. Attendance is written in bulk: one upsert for a whole batch, the latest mark
per (slot, person) winning by the time it was recorded, whichever device sent it.

The client's reducer (static/js/run-state.js) gives the same result for the same events;
tests/runsheet/test_contract.py replays shared fixtures through both."""

from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce, Greatest, Least
from pydantic import Field

from notes.services import MAX_QUESTION, capture_question  # one write path for questions
from scheduling.models import Slot
from syncqueue.schemas import Payload, RowId, Text, Uid
from syncqueue.services import EventRejected, EventType
from trainings.models import Nomination

from .models import Attendance, Group, SlotRun

MAX_GROUPS = 12
MAX_PEOPLE = 1000          # a roster is 15-18 people; anything near this is a broken device
MAX_EXTENDED = 600         # minutes a slot can be extended in total

Status = Literal["present", "late", "absent", "excused"]


class SlotEvent(Payload):
    slot: Uid


class AttendanceMark(SlotEvent):
    participant: RowId
    status: Status


class AllPresent(SlotEvent):
    participants: list[RowId] = Field(max_length=MAX_PEOPLE)


class GroupIn(Payload):
    name: Text(100) | None = None
    members: list[RowId] = Field(default_factory=list, max_length=MAX_PEOPLE)
    chair: RowId | None = None
    rapporteur: RowId | None = None


class GroupsSet(SlotEvent):
    groups: list[GroupIn] = Field(min_length=1, max_length=MAX_GROUPS)


class QuestionCapture(Payload):
    slot: Uid | None = None
    text: Text(MAX_QUESTION, min_length=1)
    asked_by: RowId | None = None
    asked_by_name: Text(200) | None = None


class RunExtend(SlotEvent):
    minutes: Annotated[int, Field(strict=True, ge=1, le=60)] = 5


# ---- what a batch loads once ---------------------------------------------------------------

def roster(training):
    return Nomination.objects.filter(training=training, status=Nomination.Status.CONFIRMED)


def _slots(batch):
    return batch.cached("slots", lambda: {s.uid: s for s in
                                          Slot.objects.filter(training=batch.scope_obj)})


def _roster(batch):
    return batch.cached("roster", lambda: {n.pk: n for n in roster(batch.scope_obj)})


def _slot(batch, uid):
    slot = _slots(batch).get(uid)
    if slot is None:
        raise EventRejected("no such slot in this training")
    return slot


def _on_roster(batch, ids):
    everyone = _roster(batch)
    missing = sorted({i for i in ids if i not in everyone})
    if missing:
        raise EventRejected(f"not on the roster: {missing}")


# ---- attendance: one upsert per batch ------------------------------------------------------

def _check_mark(batch, event):
    batch.require("runsheet.run")
    _slot(batch, event.payload.slot)
    _on_roster(batch, [event.payload.participant])


def _check_all_present(batch, event):
    batch.require("runsheet.run")
    _slot(batch, event.payload.slot)
    _on_roster(batch, event.payload.participants)


def _marks(batch, events):
    """The latest mark per (slot, person) of these events; on equal times the later event."""
    latest = {}
    for event in events:
        slot = _slot(batch, event.payload.slot)
        if event.type == "attendance.mark":
            marks = [(event.payload.participant, event.payload.status)]
        else:
            marks = [(person, "present") for person in event.payload.participants]
        for person, status in marks:
            key = (slot.pk, person)
            if key not in latest or latest[key][1] <= event.recorded_at:
                latest[key] = (status, event.recorded_at)
    return latest


def write_attendance(batch, events):
    """INSERT … ON CONFLICT (slot, participant) DO UPDATE … WHERE the stored mark is not
    newer: last writer by recorded time wins across devices and requests, with no read and
    no lock held beyond the rows themselves (rows sorted, so two batches lock in one order)."""
    latest = _marks(batch, events)
    if not latest:
        return
    fields = {f.name: f for f in Attendance._meta.concrete_fields}
    names = ["slot", "participant", "status", "recorded_at", "recorded_by"]
    quote = connection.ops.quote_name
    table = quote(Attendance._meta.db_table)
    columns = [quote(fields[n].column) for n in names]
    rows = [[fields["slot"].get_db_prep_save(slot, connection),
             fields["participant"].get_db_prep_save(person, connection),
             status, fields["recorded_at"].get_db_prep_save(at, connection),
             batch.user.pk]
            for (slot, person), (status, at) in sorted(latest.items())]
    update = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns[2:])
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            chunk = rows[start:start + 1000]
            values = ", ".join(["(" + ", ".join(["%s"] * len(names)) + ")"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values} "  # noqa: S608 - quoted names, values as parameters
                f"ON CONFLICT ({columns[0]}, {columns[1]}) DO UPDATE SET {update} "
                f"WHERE {table}.{columns[3]} <= EXCLUDED.{columns[3]}",
                [value for row in chunk for value in row])


def _write_one_attendance(batch, event):
    write_attendance(batch, [event])


# ---- groups --------------------------------------------------------------------------------

def _check_groups(batch, event):
    batch.require("runsheet.run")
    _slot(batch, event.payload.slot)
    seen = set()
    for number, group in enumerate(event.payload.groups, start=1):
        for person in group.members:
            if person in seen:
                raise EventRejected(f"participant {person} is in two groups")
            seen.add(person)
        for role in ("chair", "rapporteur"):
            person = getattr(group, role)
            if person is not None and person not in group.members:
                raise EventRejected(f"the {role} of group {number} is not one of its members")
    _on_roster(batch, seen)


def write_groups(batch, event):
    """The whole split of a slot (split, reshuffle, a move, a new chair): the latest wins."""
    slot = _slot(batch, event.payload.slot)
    # Two devices splitting the same slot at once take turns on the slot's row.
    list(Slot.objects.select_for_update(**_no_key()).filter(pk=slot.pk).values_list("pk"))
    latest = Group.objects.filter(slot=slot).order_by("-recorded_at").first()
    if latest is not None and latest.recorded_at > event.recorded_at:
        return  # an older split arriving late: the newer one stays
    Group.objects.filter(slot=slot).delete()
    rows = Group.objects.bulk_create([
        Group(training=batch.scope_obj, slot=slot, number=number, name=group.name or "",
              chair_id=group.chair, rapporteur_id=group.rapporteur,
              recorded_at=event.recorded_at)
        for number, group in enumerate(event.payload.groups, start=1)])
    through = Group.members.through
    through.objects.bulk_create([through(group_id=row.pk, nomination_id=person)
                                 for row, group in zip(rows, event.payload.groups, strict=True)
                                 for person in group.members])


def _no_key():
    return {"no_key": True} if connection.vendor == "postgresql" else {}


# ---- questions -----------------------------------------------------------------------------

def _check_question(batch, event):
    batch.require("runsheet.capture_question")
    if event.payload.slot is not None:
        _slot(batch, event.payload.slot)
    if event.payload.asked_by is not None:
        _on_roster(batch, [event.payload.asked_by])


def write_question(batch, event):
    payload = event.payload
    try:
        capture_question(id=event.id, training=batch.scope_obj, user=batch.user,
                         text=payload.text, captured_at=event.recorded_at,
                         slot=_slot(batch, payload.slot) if payload.slot else None,
                         asked_by=_roster(batch).get(payload.asked_by),
                         asked_by_name=payload.asked_by_name or "")
    except ValidationError as exc:
        raise EventRejected(" ".join(exc.messages)) from exc


# ---- the timer: atomic updates, no read-then-write -----------------------------------------

def _check_run(batch, event):
    batch.require("runsheet.run")
    _slot(batch, event.payload.slot)


def _run_row(batch, event):
    slot = _slot(batch, event.payload.slot)
    SlotRun.objects.bulk_create([SlotRun(slot=slot)], ignore_conflicts=True)
    return SlotRun.objects.filter(slot=slot)


def write_start(batch, event):
    """The earliest start wins; a start after the end reopens the item."""
    at = Value(event.recorded_at)
    _run_row(batch, event).update(
        started_at=Least(Coalesce(F("started_at"), at), at),
        ended_at=Case(When(ended_at__lte=event.recorded_at, then=Value(None)),
                      default=F("ended_at")))


def write_end(batch, event):
    """The latest end wins."""
    at = Value(event.recorded_at)
    _run_row(batch, event).update(ended_at=Greatest(Coalesce(F("ended_at"), at), at))


def write_extend(batch, event):
    """+N minutes as one UPDATE … SET extended = LEAST(extended + N, 600): two devices
    tapping "+5 min" at once add 10."""
    _run_row(batch, event).update(
        extended_minutes=Least(F("extended_minutes") + event.payload.minutes,
                               Value(MAX_EXTENDED)))


TYPES = {
    "attendance.mark": EventType(AttendanceMark, _write_one_attendance, _check_mark,
                                 bulk=write_attendance),
    "attendance.all_present": EventType(AllPresent, _write_one_attendance, _check_all_present,
                                        bulk=write_attendance),
    "groups.set": EventType(GroupsSet, write_groups, _check_groups),
    "question.capture": EventType(QuestionCapture, write_question, _check_question),
    "run.start": EventType(SlotEvent, write_start, _check_run),
    "run.end": EventType(SlotEvent, write_end, _check_run),
    "run.extend": EventType(RunExtend, write_extend, _check_run),
}
