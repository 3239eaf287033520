"""Rapporteur events from the offline queue: note saves and questions."""

import uuid

from django.core.exceptions import ValidationError

from scheduling.models import Slot
from syncqueue.services import EventRejected

from . import services


def _slot(training, payload):
    try:
        uid = uuid.UUID(str(payload.get("slot")))
    except (ValueError, TypeError) as exc:
        raise EventRejected("slot is not a slot id") from exc
    slot = Slot.objects.filter(uid=uid, training=training).first()
    if slot is None:
        raise EventRejected("no such slot in this training")
    return slot


def note_save(*, user, scope_obj, payload, recorded_at, event_id):
    if not user.has_perm("notes.write_notes", scope_obj):
        raise EventRejected("your role does not allow this")
    base = payload.get("base", 0)
    if not isinstance(base, int) or base < 0:
        raise EventRejected("base must be a version number")
    try:
        services.save_section(user=user, slot=_slot(scope_obj, payload),
                              section=payload.get("section"), text=payload.get("text"),
                              base_number=base, saved_at=recorded_at,
                              change_note=str(payload.get("change_note") or ""))
    except ValidationError as exc:
        raise EventRejected(" ".join(exc.messages)) from exc


def question_capture(*, user, scope_obj, payload, recorded_at, event_id):
    if not user.has_perm("notes.capture_question", scope_obj):
        raise EventRejected("your role does not allow this")
    slot = _slot(scope_obj, payload) if payload.get("slot") else None
    try:
        services.capture_question(id=event_id, training=scope_obj, user=user,
                                  text=payload.get("text"), captured_at=recorded_at, slot=slot,
                                  asked_by_name=str(payload.get("asked_by_name") or ""),
                                  source="notes")
    except ValidationError as exc:
        raise EventRejected(" ".join(exc.messages)) from exc


HANDLERS = {"note.save": note_save, "question.capture": question_capture}
