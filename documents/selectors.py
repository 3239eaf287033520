"""Reads for the documents page. Selectors never write."""

from trainings.models import Nomination

from .models import Certificate, Document

LISTED = 100


def own_nomination(training, user):
    return Nomination.objects.filter(training=training, user=user).first()


def documents_for(training, *, team, mine=None):
    """The documents the page lists: all for the team; otherwise the handouts and the
    documents of the user's own nomination `mine` (the query form of documents.rules)."""
    documents = Document.objects.filter(training=training).select_related("participant")
    if not team:
        documents = (documents.filter(kind=Document.Kind.HANDOUTS)
                     | documents.filter(participant=mine) if mine else
                     documents.filter(kind=Document.Kind.HANDOUTS))
    return documents


def document_list(training, *, team, mine=None):
    documents = documents_for(training, team=team, mine=mine)
    return {
        "documents": list(documents.order_by("-created_at")[:LISTED]),
        "busy": documents.filter(state__in=[Document.State.QUEUED, Document.State.RENDERING])
        .exists(),
        "people": list(Nomination.objects.filter(training=training, status="confirmed")
                       .order_by("full_name")) if team else [],
    }


def certificates_of(training):
    return list(Certificate.objects.filter(training=training).select_related("participant"))


def certificate_by_code(code):
    return (Certificate.objects.select_related("training", "participant")
            .filter(code=code.upper().strip()).first())
