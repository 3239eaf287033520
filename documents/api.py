from django.core.exceptions import ValidationError
from django.urls import reverse
from ninja import Router, Schema
from ninja.errors import HttpError

from . import access, services
from .models import Document

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
    url = request.build_absolute_uri(reverse("documents:download", args=[document.pk])) \
        if document.state == Document.State.READY else None
    return {"id": document.pk, "kind": document.kind, "state": document.state,
            "progress": document.progress, "download_url": url}


@router.post("/trainings/{training_id}/documents", response=DocumentOut,
             summary="Ask for a document (rendered in the background; the same inputs give "
                     "the same file)")
def request_document(request, training_id: int, body: DocumentIn):
    training, participant = access.document_to_make(request, training_id, body.kind,
                                                    body.participant)
    try:
        document = services.request_document(user=request.user, training=training,
                                              kind=body.kind, participant=participant)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
    return _out(request, document)


@router.get("/documents/{document_id}", response=DocumentOut, summary="A document's state")
def get_document(request, document_id: int):
    return _out(request, access.get_document(request, document_id))
