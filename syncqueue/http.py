"""The HTTP side of a sync endpoint, shared by run mode and the notes: read the batch with
its limits (413 with the limits, as JSON, never a 500), check the device's user, apply, answer.
The API modules stay thin: they check the training and the role, then call `sync`."""

import datetime
import json

from django.core.exceptions import RequestDataTooBig
from ninja import Schema, Status

from .services import MAX_BYTES, MAX_EVENTS, BatchTooLarge, apply_batch

DISCARD_LIMIT = 64 * 1024 * 1024


class SyncOut(Schema):
    acknowledged: list[str]
    errors: dict[str, str]
    retry: dict[str, str]
    server_time: datetime.datetime
    max_events: int
    max_bytes: int


class Refusal(Schema):
    detail: str
    code: str
    max_events: int | None = None
    max_bytes: int | None = None


RESPONSES = {200: SyncOut, 400: Refusal, 409: Refusal, 413: Refusal}
OPENAPI = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["events"],
        "properties": {
            "events": {"type": "array", "maxItems": MAX_EVENTS, "items": {
                "type": "object", "required": ["id", "type", "recorded_at"],
                "properties": {"id": {"type": "string", "format": "uuid"},
                               "type": {"type": "string", "maxLength": 40},
                               "recorded_at": {"type": "string", "format": "date-time"},
                               "payload": {"type": "object"}}}},
            "user": {"type": "string", "description": "The account the device recorded the "
                                                      "events for; another account gets 409."},
        }}}},
        "description": f"At most {MAX_EVENTS} events and {MAX_BYTES} bytes; more is answered "
                       "413 with the limits."},
}


def _too_large(message):
    return Status(413, {"detail": message, "code": "too_large", "max_events": MAX_EVENTS,
                 "max_bytes": MAX_BYTES})


def _discard(request, length):
    """Read (and drop) a body that is too large before answering: a server that answers
    and closes with the body unread makes the client's TCP stack see a reset instead of
    the 413. Beyond DISCARD_LIMIT the connection is dropped anyway."""
    if length > DISCARD_LIMIT:
        return
    try:
        while request.read(64 * 1024):
            pass
    except OSError:
        return   # the client went away: nothing to answer


def read_batch(request):
    """(events, user) from the request body, or raises BatchTooLarge / ValueError."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BYTES:
        _discard(request, length)
        raise BatchTooLarge(f"The batch is {length} bytes; the server takes at most "
                            f"{MAX_BYTES} bytes per request. Send it in smaller batches.")
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise BatchTooLarge(f"The server takes at most {MAX_BYTES} bytes per request.") from exc
    if len(body) > MAX_BYTES:
        raise BatchTooLarge(f"The batch is {len(body)} bytes; the server takes at most "
                            f"{MAX_BYTES} bytes per request. Send it in smaller batches.")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("The body must be JSON: {\"events\": [...]}.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise ValueError("The body must be an object with a list of events: {\"events\": [...]}.")
    user = data.get("user")
    return data["events"], (None if user in (None, "") else str(user))


def sync(request, *, scope, scope_obj, types):
    try:
        events, device_user = read_batch(request)
    except BatchTooLarge as exc:
        return _too_large(str(exc))
    except ValueError as exc:
        return Status(400, {"detail": str(exc), "code": "bad_body"})
    if device_user is not None and device_user != str(request.user.pk):
        return Status(409, {"detail": "These actions were recorded for another account on this "
                               "device. They are kept until that person signs in again.",
                     "code": "other_user"})
    try:
        outcome = apply_batch(user=request.user, scope=scope, scope_obj=scope_obj,
                              events=events, types=types)
    except BatchTooLarge as exc:
        return _too_large(str(exc))
    return Status(200, {**outcome.as_dict(),
                        "server_time": datetime.datetime.now(datetime.UTC),
                        "max_events": MAX_EVENTS, "max_bytes": MAX_BYTES})
