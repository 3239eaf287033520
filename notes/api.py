"""Notes in the API: notes and questions (what the caller may see), and the notes sync."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from syncqueue.services import apply_batch
from trainings.models import Training

from . import selectors
from .events import HANDLERS

router = Router(tags=["notes"])


def _training(request, training_id):
    training = get_object_or_404(Training, pk=training_id)
    if not request.user.has_perm("trainings.view_training", training):
        raise Http404("No training found.")
    return training


@router.get("/{training_id}/notes", summary="Session notes: all versions' heads for the team, "
            "published versions only for RCO admins and participants")
def notes(request, training_id: int):
    training = _training(request, training_id)
    if request.user.has_perm("notes.read_all_notes", training):
        published_only = False
    elif request.user.has_perm("notes.read_published_notes", training):
        published_only = True
    else:
        raise PermissionDenied("Notes are not visible to your role.")
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
    from .models import Question

    training = _training(request, training_id)
    if not request.user.has_perm("notes.view_questions", training):
        raise PermissionDenied("Questions are for the facilitators, moderator and rapporteurs.")
    return [{"id": str(q.id), "text": q.text, "status": q.status,
             "asked_by": q.asked_by_name or (q.asked_by.full_name if q.asked_by else ""),
             "captured_at": q.captured_at, "source": q.source, "answer": q.answer,
             "answered_by": str(q.answered_by) if q.answered_by else ""}
            for q in Question.objects.filter(training=training)
            .select_related("asked_by", "answered_by")]


class SyncIn(Schema):
    events: list[dict]


@router.post("/{training_id}/notes/sync", summary="Apply a batch of rapporteur events "
             "(note saves, questions) once each")
def sync(request, training_id: int, body: SyncIn):
    training = _training(request, training_id)
    if not request.user.has_perm("notes.write_notes", training):
        raise PermissionDenied("Notes are written by the rapporteurs.")
    acked, errors = apply_batch(user=request.user, scope=f"notes:{training.pk}",
                                scope_obj=training, events=body.events, handlers=HANDLERS)
    return {"acknowledged": acked, "errors": errors,
            "server_time": datetime.datetime.now(datetime.UTC)}
