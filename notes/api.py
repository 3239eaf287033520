"""Notes in the API: notes and questions (what the caller may see), and the notes sync."""

import datetime

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from syncqueue import http as sync_http

from . import access, selectors
from .events import TYPES

router = Router(tags=["notes"])


def _training(request, training_id):
    """The training, or the 404 of a missing one (the sync endpoint asks its rule itself)."""
    return access.get_training(request, training_id, perm=None)


@router.get("/{training_id}/notes", url_name="notes",
            summary="Session notes: all versions' heads for the team, "
            "published versions only for RCO admins and participants")
def notes(request, training_id: int):
    training = access.get_training(request, training_id, access.READ)
    published_only = access.published_only(request.user, training)
    return [selectors.note_payload(n, published_only=published_only)
            for n in selectors.notes_of(training, published_only=published_only)]


class QuestionOut(Schema):
    id: str
    text: str
    status: str
    asked_by: str
    captured_at: datetime.datetime
    source: str
    answer: str
    answered_by: str


@router.get("/{training_id}/questions", response=list[QuestionOut],
            summary="Questions for the facilitators (facilitators, moderator, rapporteurs)")
def questions(request, training_id: int):
    training = access.get_training(request, training_id, access.VIEW_QUESTIONS)
    return [{"id": str(q.id), "text": q.text, "status": q.status,
             "asked_by": q.asked_by_name or (q.asked_by.full_name if q.asked_by else ""),
             "captured_at": q.captured_at, "source": q.source, "answer": q.answer,
             "answered_by": str(q.answered_by) if q.answered_by else ""}
            for q in selectors.questions_of(training, newest_first=False)]


@router.post("/{training_id}/notes/sync", response=sync_http.RESPONSES,
             openapi_extra=sync_http.OPENAPI,
             summary="Apply a batch of rapporteur events (note saves, questions); answer each: "
                     "acknowledged, refused (with a reason) or retry later")
def sync(request, training_id: int):
    training = _training(request, training_id)
    if not request.user.has_perm("notes.write_notes", training):
        raise PermissionDenied("Notes are written by the rapporteurs.")
    return sync_http.sync(request, scope=f"notes:{training.pk}", scope_obj=training,
                          types=TYPES)
