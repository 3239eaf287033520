from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.middleware import public_view
from trainings.models import Nomination
from trainings.views.access import get_training

from . import services
from .models import Certificate, Document

K = Document.Kind
PARTICIPANT_KINDS = {K.HANDOUTS, K.PACK, K.CERTIFICATE}


def allowed(user, training, kind, participant):
    """Participants: the handouts, their own pack and their own certificate; the team: all."""
    if user.has_perm("documents.all", training):
        return True
    if not user.has_perm("documents.view", training) or kind not in PARTICIPANT_KINDS:
        return False
    return kind == K.HANDOUTS or (participant is not None and participant.user_id == user.pk)


def document_list(request, pk):
    training = get_training(request, pk, "documents.view")
    team = request.user.has_perm("documents.all", training)
    docs = Document.objects.filter(training=training).select_related("participant")
    if not team:
        mine = Nomination.objects.filter(training=training, user=request.user).first()
        docs = docs.filter(kind=K.HANDOUTS) | docs.filter(participant=mine)
    else:
        mine = None
    people = list(Nomination.objects.filter(training=training, status="confirmed")
                  .order_by("full_name")) if team else []
    return render(request, "documents/list.html", {
        "training": training, "documents": docs.order_by("-created_at")[:100], "team": team,
        "people": people, "mine": mine, "kinds": K.choices,
        "busy": docs.filter(state__in=[Document.State.QUEUED, Document.State.RENDERING]).exists(),
        "certificates": Certificate.objects.filter(training=training).select_related("participant")
        if request.user.has_perm("documents.manage_certificates", training) else []})


@require_POST
def request_view(request, pk):
    training = get_training(request, pk, "documents.view")
    kind = request.POST.get("kind", "")
    participant = None
    if request.POST.get("participant"):
        participant = Nomination.objects.filter(training=training,
                                                pk=request.POST["participant"]).first()
    if not allowed(request.user, training, kind, participant):
        raise PermissionDenied("Your role does not allow this document.")
    try:
        document = services.request_document(user=request.user, training=training, kind=kind,
                                              participant=participant)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Ready: nothing changed since it was made." if
                         document.state == Document.State.READY else
                         "Rendering in the background; the list updates by itself.")
    return redirect("documents:list", pk)


def download(request, document_id):
    document = get_object_or_404(Document.objects.select_related("training", "participant"),
                                 pk=document_id)
    if not request.user.has_perm("trainings.view_training", document.training):
        raise Http404("No document found.")
    if not allowed(request.user, document.training, document.kind, document.participant):
        raise PermissionDenied
    if document.state != Document.State.READY:
        raise Http404("The document is not ready yet.")
    content_type = "application/zip" if document.kind == K.ALL_PACKS else "application/pdf"
    response = FileResponse(document.file.open("rb"), content_type=content_type,
                            filename=document.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def revoke(request, pk, certificate_id):
    training = get_training(request, pk, "documents.manage_certificates")
    certificate = get_object_or_404(Certificate, pk=certificate_id, training=training)
    try:
        services.revoke_certificate(certificate=certificate, reason=request.POST.get("reason"))
        messages.success(request, f"Certificate {certificate.code} revoked.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("documents:list", pk)


@public_view
def verify(request, code):
    certificate = (Certificate.objects.select_related("training", "participant")
                   .filter(code=code.upper().strip()).first())
    status = 200 if certificate and not certificate.revoked_at else 404
    return render(request, "documents/verify.html", {"certificate": certificate, "code": code},
                  status=status)
