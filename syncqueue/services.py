"""Apply a batch of device events and answer every one of them.

Each event gets one of three answers:

- **acknowledged**: the server holds it (applied now or before); the device drops it;
- **refused** (in `errors`, with a reason, and also acknowledged): it can never apply (bad
  payload, unknown slot, a role that may not do it, an id used by someone else, a refusal of
  the database); the device drops it and shows the reason; it is kept server-side with its
  payload (`SyncEvent.status = rejected`) so nothing typed is lost for good;
- **retry** (with a reason): a passing failure (a deadlock, a busy database); the device keeps
  it and sends it again later, after the rest of its queue.

How a batch is applied: the envelopes and the payloads are validated first (pydantic, one
schema per event type), then checked against the training (slots, roster, role) with data
loaded once per batch. Then, in one transaction: the events are claimed in one statement
(`INSERT … ON CONFLICT (id) DO NOTHING RETURNING id`: an event sent twice at the same moment
by two requests is applied by one of them), event types that write in bulk (attendance) are
written with one statement for the whole batch, and each other event is applied under its own
savepoint; an error while applying one event (the database's refusal included) rolls back that
event only. If the bulk statement fails, its events are applied one by one under savepoints,
so the bad one is isolated. Nothing here ever turns into a 500 for the batch.

Apps describe their events with `EventType(schema, apply, check=None, bulk=None)`:
`check(batch, event)` raises `EventRejected` without writing; `apply(batch, event)` writes one
event; `bulk(batch, events)` writes many at once (same effect as applying them in order).
"""

import dataclasses
import datetime
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, OperationalError, connection, transaction
from django.utils import timezone
from pydantic import ValidationError

from .models import SyncEvent
from .schemas import Envelope, Payload, reason, sanitise

logger = logging.getLogger(__name__)

MAX_EVENTS = 1000                 # per batch; more is answered 413 with the limits
MAX_BYTES = 2 * 1024 * 1024       # per request body (below Django's 2.5 MB upload limit)
CLOCK_TOLERANCE = datetime.timedelta(minutes=5)
ATTEMPTS = 2                      # a batch whose transaction fails as a whole is run again once


class EventRejected(Exception):
    """The event can never apply; the message is the reason the device shows."""


class RetryLater(Exception):
    """A passing failure: the device keeps the event and sends it again."""


class BatchTooLarge(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.limits = {"max_events": MAX_EVENTS, "max_bytes": MAX_BYTES}


class _Aborted(Exception):
    """The batch's transaction can no longer be used (the connection failed)."""


@dataclasses.dataclass(frozen=True)
class EventType:
    schema: type[Payload]
    apply: Callable[["Batch", "Event"], None]
    check: Callable[["Batch", "Event"], None] | None = None
    bulk: Callable[["Batch", list["Event"]], None] | None = None


@dataclasses.dataclass
class Event:
    id: uuid.UUID
    type: str
    payload: Any                  # the validated schema instance
    raw: dict                     # the payload as sent
    recorded_at: datetime.datetime


class Batch:
    """What the handlers of one batch share: the user, the scope object and data loaded once
    (slots, roster, permissions)."""

    def __init__(self, *, user, scope, scope_obj):
        self.user, self.scope, self.scope_obj = user, scope, scope_obj
        self._cache, self._perms = {}, {}

    def cached(self, key, load):
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]

    def can(self, perm):
        if perm not in self._perms:
            self._perms[perm] = self.user.has_perm(perm, self.scope_obj)
        return self._perms[perm]

    def require(self, perm):
        if not self.can(perm):
            raise EventRejected("your role does not allow this")


@dataclasses.dataclass
class Outcome:
    acknowledged: list = dataclasses.field(default_factory=list)
    errors: dict = dataclasses.field(default_factory=dict)
    retry: dict = dataclasses.field(default_factory=dict)

    def ack(self, event_id):
        self.acknowledged.append(str(event_id))

    def refuse(self, event_id, why):
        self.acknowledged.append(str(event_id))
        self.errors[str(event_id)] = why

    def later(self, event_id, why):
        self.retry[str(event_id)] = why

    def as_dict(self):
        return {"acknowledged": self.acknowledged, "errors": self.errors, "retry": self.retry}


def _raw_id(raw):
    value = raw.get("id") if isinstance(raw, dict) else None
    return str(value)[:100] if value is not None else ""


def _first_line(exc):
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def _clamp(moment, now):
    # A device whose clock runs ahead would win every "latest wins" comparison for ever: a
    # time later than the server's clock is taken as the time the server received it.
    return now if moment > now + CLOCK_TOLERANCE else moment


def apply_batch(*, user, scope, scope_obj, events, types):
    """Apply `events` (decoded JSON) for `user` in `scope`; returns an `Outcome`."""
    if len(events) > MAX_EVENTS:
        raise BatchTooLarge(f"A batch holds at most {MAX_EVENTS} events; this one has "
                            f"{len(events)}. Send it in smaller batches.")
    for attempt in range(ATTEMPTS):
        try:
            return _apply(user=user, scope=scope, scope_obj=scope_obj, events=events, types=types)
        except (_Aborted, DatabaseError) as exc:
            # The transaction failed as a whole (a lost connection, a serialisation failure
            # at commit): nothing of it was saved. Run it once more, then answer "retry".
            logger.warning("sync batch of %s for %s failed (attempt %s): %s", len(events),
                           scope, attempt + 1, _first_line(exc))
            if connection.in_atomic_block:
                break   # inside a caller's transaction: it cannot be started afresh here
            connection.close_if_unusable_or_obsolete()
    outcome = Outcome()
    for raw in events:
        outcome.later(_raw_id(raw), "the server could not save this batch; it is sent again")
    return outcome


def _apply(*, user, scope, scope_obj, events, types):
    """Parse, check, claim and apply a batch in one transaction; every event answered."""
    outcome = Outcome()
    now = timezone.now()
    envelopes = _parse(events, outcome)
    batch = Batch(user=user, scope=scope, scope_obj=scope_obj)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Foreign keys are checked at each statement, inside the event's savepoint, not
            # at commit where one bad row would fail the whole batch.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        checked = _check_new(batch, types, envelopes, outcome, now)
        claimed = _claim(user, scope, checked)
        _answer_raced(outcome, user, scope,
                      [envelope.id for envelope, _e, _w in checked if envelope.id not in claimed])
        valid = []
        for envelope, event, why in checked:
            if envelope.id not in claimed:
                continue
            if why is None:
                valid.append(event)
            else:
                outcome.refuse(envelope.id, why)
        _record(outcome, valid, _apply_valid(batch, types, valid))
    return outcome


def _parse(events, outcome):
    """The envelopes of the batch (each id once); malformed events refused with a reason."""
    envelopes, seen = [], set()
    for raw in events:
        try:
            if not isinstance(raw, dict):
                raise EventRejected("an event must be an object")
            envelope = Envelope.model_validate(raw)
        except EventRejected as exc:
            outcome.refuse(_raw_id(raw), str(exc))
            continue
        except ValidationError as exc:
            outcome.refuse(_raw_id(raw), reason(exc))
            continue
        if envelope.id in seen:
            continue   # the same event twice in one batch: applied and answered once
        seen.add(envelope.id)
        envelopes.append(envelope)
    return envelopes


def _check_new(batch, types, envelopes, outcome, now):
    """Events held already are answered as before; the others are checked:
    [(envelope, Event | None, reason | None)]."""
    known = SyncEvent.objects.in_bulk([e.id for e in envelopes])
    checked = []
    for envelope in envelopes:
        if envelope.id in known:
            _answer_known(outcome, known[envelope.id], batch.user, batch.scope)
            continue
        event, why = _check(batch, types, envelope, now)
        checked.append((envelope, event, why))
    return checked


def _answer_raced(outcome, user, scope, raced):
    """Events sent by another request at the same moment: answered as that one did."""
    if not raced:
        return
    held = SyncEvent.objects.in_bulk(raced)
    for event_id in raced:
        if event_id in held:
            _answer_known(outcome, held[event_id], user, scope)
        else:
            outcome.later(event_id, "sent twice at the same moment; sent again")


def _record(outcome, valid, failed):
    """Acknowledge what applied; refuse or ask to resend what failed ({id: (kind, why)})."""
    for event in valid:
        if event.id not in failed:
            outcome.ack(event.id)
    refused = {i: why for i, (kind, why) in failed.items() if kind == "refused"}
    for event_id, why in refused.items():
        SyncEvent.objects.filter(pk=event_id).update(status=SyncEvent.Status.REJECTED,
                                                     error=why)
        outcome.refuse(event_id, why)
    retry = {i: why for i, (kind, why) in failed.items() if kind == "retry"}
    if retry:
        SyncEvent.objects.filter(pk__in=list(retry)).delete()
        for event_id, why in retry.items():
            outcome.later(event_id, why)


def _answer_known(outcome, previous, user, scope):
    if previous.scope != scope or previous.user_id != user.pk:
        outcome.refuse(previous.pk, "this event id was already used by another person or "
                                    "place; it is not applied")
    elif previous.status == SyncEvent.Status.REJECTED:
        outcome.refuse(previous.pk, previous.error)
    else:
        outcome.ack(previous.pk)


def _check(batch, types, envelope, now):
    """(Event, None) for an event that may apply, (Event | None, reason) otherwise."""
    kind = types.get(envelope.type)
    if kind is None:
        return None, f"unknown event type “{envelope.type}”"
    try:
        payload = kind.schema.model_validate(envelope.payload)
    except ValidationError as exc:
        return None, reason(exc)
    event = Event(id=envelope.id, type=envelope.type, payload=payload, raw=envelope.payload,
                  recorded_at=_clamp(envelope.recorded_at, now))
    try:
        if kind.check is not None:
            kind.check(batch, event)
    except EventRejected as exc:
        return event, str(exc)
    except DatabaseError:
        raise
    except Exception as exc:   # a bug must not block the queue: refuse and log
        logger.exception("checking sync event %s failed", envelope.id)
        return event, f"it could not be checked ({type(exc).__name__})"
    return event, None


def _claim(user, scope, checked):
    """Insert a SyncEvent row per new event in one statement; the ids returned are ours.
    An id another request inserted at the same moment is not returned (it waits for that
    request's transaction, then does nothing)."""
    if not checked:
        return set()
    now = timezone.now()
    fields = {f.name: f for f in SyncEvent._meta.concrete_fields}
    names = ["id", "scope", "user", "type", "payload", "recorded_at", "received_at", "status",
             "error"]
    columns = [fields[name].column for name in names]
    rows = []
    for envelope, event, why in checked:
        values = {
            "id": envelope.id, "scope": scope, "user": user.pk, "type": envelope.type,
            "payload": sanitise(envelope.payload),
            "recorded_at": event.recorded_at if event else envelope.recorded_at,
            "received_at": now,
            "status": SyncEvent.Status.APPLIED if why is None else SyncEvent.Status.REJECTED,
            "error": why or ""}
        rows.append([fields[name].get_db_prep_save(values[name], connection) for name in names])
    table = connection.ops.quote_name(SyncEvent._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    claimed = set()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start:start + 500]
            placeholders = ", ".join("(" + ", ".join(["%s"] * len(names)) + ")" for _ in chunk)
            cursor.execute(
                f"INSERT INTO {table} ({quoted}) VALUES {placeholders} "  # noqa: S608 - quoted names, values as parameters
                f"ON CONFLICT ({connection.ops.quote_name(fields['id'].column)}) DO NOTHING "
                f"RETURNING {connection.ops.quote_name(fields['id'].column)}",
                [value for row in chunk for value in row])
            claimed.update(uuid.UUID(str(value)) for (value,) in cursor.fetchall())
    return claimed


def _apply_valid(batch, types, events):
    """Write the valid events; returns {id: ("refused" | "retry", reason)} of the failures."""
    failed = {}
    bulks = {}
    for event in events:
        kind = types[event.type]
        if kind.bulk is not None:
            bulks.setdefault(kind.bulk, []).append(event)
        else:
            _one(batch, kind, event, failed)
    for bulk, group in bulks.items():
        try:
            with transaction.atomic():
                bulk(batch, group)
        except Exception as exc:
            _abort_if_broken(exc)
            logger.warning("bulk write of %s events failed (%s); applying them one by one",
                           len(group), _first_line(exc))
            for event in group:
                _one(batch, types[event.type], event, failed)
    return failed


def _one(batch, kind, event, failed):
    try:
        with transaction.atomic():
            kind.apply(batch, event)
    except EventRejected as exc:
        failed[event.id] = ("refused", str(exc))
    except RetryLater as exc:
        failed[event.id] = ("retry", str(exc))
    except OperationalError as exc:
        _abort_if_broken(exc)
        failed[event.id] = ("retry", "the database was busy; it is sent again")
    except DatabaseError as exc:
        _abort_if_broken(exc)
        failed[event.id] = ("refused", f"the database refused it: {_first_line(exc)}")
    except Exception as exc:
        _abort_if_broken(exc)
        logger.exception("applying sync event %s failed", event.id)
        failed[event.id] = ("refused", f"it could not be applied ({type(exc).__name__})")


def _abort_if_broken(exc):
    """After a failed savepoint the batch goes on, unless the transaction itself is lost."""
    if transaction.get_rollback() or connection.connection is None:
        raise _Aborted(str(exc)) from exc
