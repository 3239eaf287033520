"""Pydantic building blocks for device events: the envelope every event shares, the field
types the apps' payload schemas are made of, and readable reasons for a refused event.

A payload that does not fit its schema is refused on its own, with the reason the device
shows ("participant: must be a whole number"); nothing of it reaches the database.
"""

import datetime
import math
import re
import uuid
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
)

# C0 controls except tab, newline and carriage return; DEL; lone UTF-16 surrogates (they
# cannot be encoded as UTF-8, so PostgreSQL and the JSON encoder would choke on them).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)
MAX_ID = 2**31 - 1


def _no_control(value: str) -> str:
    if CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _strict_str(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("must be text")
    return value


def Text(max_length: int, min_length: int = 0):  # noqa: N802 - reads like a type
    """Text of a bounded length without control characters (tab and newlines allowed)."""
    return Annotated[str, BeforeValidator(_strict_str), AfterValidator(_no_control),
                     Field(min_length=min_length, max_length=max_length)]


def _whole_number(value: Any) -> Any:
    # true/false are not numbers, "12" is not a number either: the device sends numbers.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number")
    return value


RowId = Annotated[StrictInt, BeforeValidator(_whole_number), Field(ge=1, le=MAX_ID)]


def _uuid(value: Any) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str):
        raise ValueError("must be an id (UUID)")
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise ValueError("must be an id (UUID)") from exc


Uid = Annotated[uuid.UUID, BeforeValidator(_uuid)]


def _when(value: Any) -> datetime.datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("must be an ISO 8601 time")
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"is not a valid time ({exc})") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    if not EARLIEST <= moment < LATEST:
        raise ValueError("must be between the years 2000 and 2100")
    return moment


Moment = Annotated[datetime.datetime, BeforeValidator(_when)]


class Payload(BaseModel):
    """Base of every payload schema: unknown keys are ignored (a newer device may send more),
    known keys are strict."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: Uid
    type: Annotated[str, BeforeValidator(_strict_str), AfterValidator(_no_control),
                    Field(min_length=1, max_length=40)]
    recorded_at: Moment
    payload: dict = Field(default_factory=dict)


def _place(loc) -> str:
    parts = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"#{item + 1}")
        else:
            parts.append(str(item))
    return " ".join(parts)


def reason(error: ValidationError, prefix: str = "") -> str:
    """The first problem of a validation error, as a short sentence the device can show."""
    first = error.errors(include_url=False)[0]
    message = first["msg"].removeprefix("Value error, ")
    message = {
        "Field required": "is missing",
        "Input should be a valid list": "must be a list",
        "Input should be a valid dictionary or instance of Payload": "must be an object",
        "Input should be a valid dictionary": "must be an object",
    }.get(message, message)
    if first["type"] == "literal_error":
        message = "must be one of " + first["ctx"]["expected"].replace("'", "")
    elif first["type"] in ("string_too_long", "too_long"):
        limit = first["ctx"].get("max_length")
        unit = "characters" if isinstance(first.get("input"), str) else "items"
        message = f"is too long (at most {limit} {unit})"
    elif first["type"] in ("string_too_short", "too_short"):
        message = "must not be empty" if first["ctx"].get("min_length") == 1 else message
    elif first["type"] in ("model_type", "dict_type"):
        message = "must be an object"
    elif first["type"] in ("int_type", "int_parsing", "int_from_float"):
        message = "must be a whole number"
    elif first["type"] == "less_than_equal":
        message = f"must be at most {first['ctx']['le']}"
    elif first["type"] == "greater_than_equal":
        message = f"must be at least {first['ctx']['ge']}"
    elif first["type"] == "string_type":
        message = "must be text"
    place = _place(first["loc"])
    where = " ".join(p for p in (prefix, place) if p)
    return f"{where}: {message}" if where else message


def sanitise(value: Any, depth: int = 0) -> Any:
    """A copy of a refused payload that any database can store (control characters and
    lone surrogates replaced, depth and size bounded): the refusal is kept for inspection."""
    if depth > 20:
        return "…"
    if isinstance(value, str):
        return CONTROL.sub("\ufffd", value[:100_000])
    if isinstance(value, dict):
        return {sanitise(str(k), depth + 1): sanitise(v, depth + 1)
                for k, v in list(value.items())[:1000]}
    if isinstance(value, list):
        return [sanitise(v, depth + 1) for v in value[:1000]]
    if isinstance(value, float) and not math.isfinite(value):  # NaN, Infinity are not JSON
        return None
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return sanitise(str(value), depth + 1)
