"""Apply a batch of device events once each, each in its own transaction.

Apps define handlers `handler(*, user, scope_obj, payload, recorded_at, event_id)` that raise
`EventRejected` with a reason for a bad event; the rest of the batch still applies.
"""

import contextlib
import datetime
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import SyncEvent

MAX_BATCH = 1000


class EventRejected(Exception):
    pass


def _parse(event):
    try:
        event_id = uuid.UUID(str(event.get("id")))
    except (ValueError, TypeError, AttributeError) as exc:
        raise EventRejected("the event has no valid UUID") from exc
    recorded = parse_datetime(str(event.get("recorded_at") or ""))
    if recorded is None:
        raise EventRejected("recorded_at is not an ISO 8601 time")
    if timezone.is_naive(recorded):
        recorded = timezone.make_aware(recorded, datetime.UTC)
    payload = event.get("payload") or {}
    if not isinstance(payload, dict):
        raise EventRejected("payload must be an object")
    return event_id, str(event.get("type") or ""), payload, recorded


def apply_batch(*, user, scope, scope_obj, events, handlers):
    """Returns (acknowledged ids, {id: reason} of rejected ones). Acknowledged = the server
    holds the event (applied now or before, or rejected for good)."""
    acked, errors = [], {}
    events = list(events)[:MAX_BATCH]
    ids = []
    for raw in events:
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            ids.append(uuid.UUID(str(raw.get("id"))))
    known = {e.pk: e for e in SyncEvent.objects.filter(pk__in=ids)}  # one query for the batch
    for raw in events:
        raw_id = str(raw.get("id")) if isinstance(raw, dict) else ""
        try:
            if not isinstance(raw, dict):
                raise EventRejected("an event must be an object")
            event_id, kind, payload, recorded = _parse(raw)
        except EventRejected as exc:
            errors[raw_id] = str(exc)
            continue
        previous = known.get(event_id)
        if previous is not None:
            if previous.scope != scope or previous.user_id != user.pk:
                errors[str(event_id)] = "this event id was used elsewhere"
                continue
            acked.append(str(event_id))
            if previous.status == SyncEvent.Status.REJECTED:
                errors[str(event_id)] = previous.error
            continue
        handler = handlers.get(kind)
        try:
            with transaction.atomic():
                if handler is None:
                    raise EventRejected(f"unknown event type “{kind}”")
                handler(user=user, scope_obj=scope_obj, payload=payload, recorded_at=recorded,
                        event_id=event_id)
                SyncEvent.objects.create(id=event_id, scope=scope, user=user, type=kind,
                                         payload=payload, recorded_at=recorded,
                                         status=SyncEvent.Status.APPLIED)
        except EventRejected as exc:
            with contextlib.suppress(IntegrityError), transaction.atomic():
                SyncEvent.objects.create(id=event_id, scope=scope, user=user, type=kind[:40],
                                         payload=payload, recorded_at=recorded,
                                         status=SyncEvent.Status.REJECTED, error=str(exc))
            errors[str(event_id)] = str(exc)
        except IntegrityError:
            # the same event arrived through another request at the same moment
            if not SyncEvent.objects.filter(pk=event_id).exists():
                raise
        acked.append(str(event_id))
    return acked, errors
