from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from trainings.models import Nomination, Training

from . import services
from .models import Document
from .views import allowed

router = Router(tags=["documents"])


class DocumentIn(Schema):
    kind: str
    participant: int | None = None


class DocumentOut(Schema):
    id: int
    kind: str
    state: str
    progress: int
    download_url: str | None


def _out(request, document):
    url = request.build_absolute_uri(f"/documents/{document.pk}/download/") \
        if document.state == Document.State.READY else None
    return {"id": document.pk, "kind": document.kind, "state": document.state,
            "progress": document.progress, "download_url": url}


@router.post("/trainings/{training_id}/documents", response=DocumentOut,
             summary="Ask for a document (rendered in the background; the same inputs give "
                     "the same file)")
def request_document(request, training_id: int, body: DocumentIn):
    training = get_object_or_404(Training, pk=training_id)
    if not request.user.has_perm("trainings.view_training", training):
        raise Http404("No training found.")
    participant = Nomination.objects.filter(training=training, pk=body.participant).first() \
        if body.participant else None
    if not allowed(request.user, training, body.kind, participant):
        raise PermissionDenied("Your role does not allow this document.")
    try:
        document = services.request_document(user=request.user, training=training,
                                              kind=body.kind, participant=participant)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
    return _out(request, document)


@router.get("/documents/{document_id}", response=DocumentOut, summary="A document's state")
def get_document(request, document_id: int):
    document = get_object_or_404(Document.objects.select_related("training", "participant"),
                                 pk=document_id)
    if not request.user.has_perm("trainings.view_training", document.training):
        raise Http404("No document found.")
    if not allowed(request.user, document.training, document.kind, document.participant):
        raise PermissionDenied
    return _out(request, document)
