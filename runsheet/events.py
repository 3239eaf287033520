"""What a run-mode event does on the server. Each handler validates its payload against the
training and raises EventRejected with a reason; the rest of the batch still applies."""

import uuid

from django.core.exceptions import ValidationError

from notes.services import capture_question  # one write path for questions
from scheduling.models import Slot
from syncqueue.services import EventRejected
from trainings.models import Nomination

from .models import Attendance, Group, SlotRun

MAX_GROUPS = 12


def _cache(training):
    """Slots and roster of the training, loaded once per batch."""
    cache = training.__dict__.get("_run_cache")
    if cache is None:
        cache = training.__dict__["_run_cache"] = {
            "slots": {s.uid: s for s in Slot.objects.filter(training=training)},
            "roster": {n.pk: n for n in roster(training)},
        }
    return cache


def _slot(training, payload):
    try:
        uid = uuid.UUID(str(payload.get("slot")))
    except (ValueError, TypeError) as exc:
        raise EventRejected("slot is not a slot id") from exc
    slot = _cache(training)["slots"].get(uid)
    if slot is None:
        raise EventRejected("no such slot in this training")
    return slot


def roster(training):
    return Nomination.objects.filter(training=training, status=Nomination.Status.CONFIRMED)


def _participants(training, ids):
    try:
        ids = {int(i) for i in ids}
    except (TypeError, ValueError) as exc:
        raise EventRejected("participants must be ids") from exc
    everyone = _cache(training)["roster"]
    found = {pk: everyone[pk] for pk in ids if pk in everyone}
    missing = ids - set(found)
    if missing:
        raise EventRejected(f"not on the roster: {sorted(missing)}")
    return found


def _require(user, perm, training):
    if not user.has_perm(perm, training):
        raise EventRejected("your role does not allow this")


def _mark(training, slot, participant, status, user, recorded_at):
    current = Attendance.objects.select_for_update().filter(slot=slot, participant=participant).first()
    if current is None:
        Attendance.objects.create(slot=slot, participant=participant, status=status,
                                  recorded_at=recorded_at, recorded_by=user)
    elif recorded_at >= current.recorded_at:  # the latest mark wins, whatever arrives first
        current.status, current.recorded_at, current.recorded_by = status, recorded_at, user
        current.save(update_fields=["status", "recorded_at", "recorded_by"])


def attendance_mark(*, user, scope_obj, payload, recorded_at, event_id):
    training = scope_obj
    _require(user, "runsheet.run", training)
    slot = _slot(training, payload)
    status = payload.get("status")
    if status not in Attendance.Status.values:
        raise EventRejected(f"status must be one of {', '.join(Attendance.Status.values)}")
    participant = _participants(training, [payload.get("participant")])
    _mark(training, slot, next(iter(participant.values())), status, user, recorded_at)


def attendance_all_present(*, user, scope_obj, payload, recorded_at, event_id):
    training = scope_obj
    _require(user, "runsheet.run", training)
    slot = _slot(training, payload)
    for participant in _participants(training, payload.get("participants") or []).values():
        _mark(training, slot, participant, Attendance.Status.PRESENT, user, recorded_at)


def groups_set(*, user, scope_obj, payload, recorded_at, event_id):
    """The whole split of a slot (split, reshuffle, a move, a new chair): the latest wins."""
    training = scope_obj
    _require(user, "runsheet.run", training)
    slot = _slot(training, payload)
    groups = payload.get("groups")
    if not isinstance(groups, list) or not 1 <= len(groups) <= MAX_GROUPS:
        raise EventRejected(f"groups must be a list of 1 to {MAX_GROUPS} groups")
    everyone, seen = [], set()
    for group in groups:
        if not isinstance(group, dict):
            raise EventRejected("each group must be an object")
        members = group.get("members") or []
        everyone += members
        for person in members:
            if person in seen:
                raise EventRejected(f"participant {person} is in two groups")
            seen.add(person)
    people = _participants(training, everyone)
    latest = Group.objects.filter(slot=slot).order_by("-recorded_at").first()
    if latest is not None and latest.recorded_at > recorded_at:
        return  # an older split arriving late: the newer one stays
    Group.objects.filter(slot=slot).delete()
    for number, group in enumerate(groups, start=1):
        members = [people[int(p)] for p in group.get("members") or []]
        roles = {}
        for role in ("chair", "rapporteur"):
            person = group.get(role)
            if person in (None, ""):
                roles[role] = None
            elif int(person) in {m.pk for m in members}:
                roles[role] = people[int(person)]
            else:
                raise EventRejected(f"the {role} of group {number} is not one of its members")
        row = Group.objects.create(training=training, slot=slot, number=number,
                                   name=str(group.get("name") or "")[:100],
                                   chair=roles["chair"], rapporteur=roles["rapporteur"],
                                   recorded_at=recorded_at)
        row.members.set(members)


def question_capture(*, user, scope_obj, payload, recorded_at, event_id):
    training = scope_obj
    _require(user, "runsheet.capture_question", training)
    slot = _slot(training, payload) if payload.get("slot") else None
    asked_by = None
    if payload.get("asked_by") not in (None, ""):
        asked_by = next(iter(_participants(training, [payload["asked_by"]]).values()))
    try:
        capture_question(id=event_id, training=training, user=user, text=payload.get("text"),
                         captured_at=recorded_at, slot=slot, asked_by=asked_by,
                         asked_by_name=str(payload.get("asked_by_name") or ""))
    except ValidationError as exc:
        raise EventRejected(" ".join(exc.messages)) from exc


def run_start(*, user, scope_obj, payload, recorded_at, event_id):
    training = scope_obj
    _require(user, "runsheet.run", training)
    run, _ = SlotRun.objects.get_or_create(slot=_slot(training, payload))
    if run.started_at is None or recorded_at < run.started_at:
        run.started_at = recorded_at
    run.ended_at = None
    run.save()


def run_end(*, user, scope_obj, payload, recorded_at, event_id):
    training = scope_obj
    _require(user, "runsheet.run", training)
    run, _ = SlotRun.objects.get_or_create(slot=_slot(training, payload))
    run.ended_at = recorded_at
    run.save()


def run_extend(*, user, scope_obj, payload, recorded_at, event_id):
    training = scope_obj
    _require(user, "runsheet.run", training)
    minutes = payload.get("minutes", 5)
    if not isinstance(minutes, int) or not 1 <= minutes <= 60:
        raise EventRejected("minutes must be a whole number from 1 to 60")
    run, _ = SlotRun.objects.get_or_create(slot=_slot(training, payload))
    run.extended_minutes = min(run.extended_minutes + minutes, 600)
    run.save()


HANDLERS = {
    "attendance.mark": attendance_mark,
    "attendance.all_present": attendance_all_present,
    "groups.set": groups_set,
    "question.capture": question_capture,
    "run.start": run_start,
    "run.end": run_end,
    "run.extend": run_extend,
}

