"""Rapporteur events from the offline queue: note saves and questions. A schema per event
type (section names, lengths, no control characters), a check against the training that
never writes, and the write through notes.services."""

from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from pydantic import Field

from scheduling.models import Slot
from syncqueue.schemas import Payload, Text, Uid
from syncqueue.services import EventRejected, EventType

from . import services
from .models import Section

SectionName = Literal[tuple(Section.values)]


class NoteSave(Payload):
    slot: Uid
    section: SectionName
    text: Text(services.MAX_SECTION) = ""
    base: Annotated[int, Field(strict=True, ge=0, le=2**31 - 1)] = 0
    change_note: Text(300) | None = None


class QuestionCapture(Payload):
    slot: Uid | None = None
    text: Text(services.MAX_QUESTION, min_length=1)
    asked_by_name: Text(200) | None = None


def _slot(batch, uid):
    slots = batch.cached("slots", lambda: {s.uid: s for s in
                                           Slot.objects.filter(training=batch.scope_obj)})
    slot = slots.get(uid)
    if slot is None:
        raise EventRejected("no such slot in this training")
    return slot


def _check_note(batch, event):
    batch.require("notes.write_notes")
    _slot(batch, event.payload.slot)


def write_note(batch, event):
    payload = event.payload
    try:
        services.save_section(user=batch.user, slot=_slot(batch, payload.slot),
                              section=payload.section, text=payload.text,
                              base_number=payload.base, saved_at=event.recorded_at,
                              change_note=payload.change_note or "")
    except ValidationError as exc:
        raise EventRejected(" ".join(exc.messages)) from exc


def _check_question(batch, event):
    batch.require("notes.capture_question")
    if event.payload.slot is not None:
        _slot(batch, event.payload.slot)


def write_question(batch, event):
    payload = event.payload
    try:
        services.capture_question(
            id=event.id, training=batch.scope_obj, user=batch.user, text=payload.text,
            captured_at=event.recorded_at,
            slot=_slot(batch, payload.slot) if payload.slot else None,
            asked_by_name=payload.asked_by_name or "", source="notes")
    except ValidationError as exc:
        raise EventRejected(" ".join(exc.messages)) from exc


TYPES = {
    "note.save": EventType(NoteSave, write_note, _check_note),
    "question.capture": EventType(QuestionCapture, write_question, _check_question),
}
