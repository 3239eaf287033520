"""Document pages. Access through documents.access (the rule in documents.rules), reads
through documents.selectors, writes through documents.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import access, selectors, services
from .models import Document
from .rules import kinds_for


def document_list(request, pk):
    training = access.get_training(request, pk, access.VIEW)
    user = request.user
    team = user.has_perm("documents.all", training)
    mine = None if team else selectors.own_nomination(training, user)
    return render(request, "documents/list.html", {
        "training": training, "team": team, "mine": mine,
        "kinds": kinds_for(user, training, mine),
        **selectors.document_list(training, team=team, mine=mine),
        "certificates": selectors.certificates_of(training)
        if user.has_perm(access.MANAGE_CERTIFICATES, training) else []})


@require_POST
def request_view(request, pk):
    kind = request.POST.get("kind", "")
    training, participant = access.document_to_make(request, pk, kind,
                                                    request.POST.get("participant"))
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
    document = access.get_document(request, document_id)
    if document.state != Document.State.READY:
        raise Http404("The document is not ready yet.")
    content_type = "application/zip" if document.kind == Document.Kind.ALL_PACKS \
        else "application/pdf"
    response = FileResponse(document.file.open("rb"), content_type=content_type,
                            filename=document.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def revoke(request, pk, certificate_id):
    certificate = access.get_certificate(request, pk, certificate_id)
    try:
        services.revoke_certificate(certificate=certificate, reason=request.POST.get("reason"))
        messages.success(request, f"Certificate {certificate.code} revoked.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("documents:list", pk)


@login_not_required
def verify(request, code):
    certificate = selectors.certificate_by_code(code)
    status = 200 if certificate and not certificate.revoked_at else 404
    return render(request, "documents/verify.html", {"certificate": certificate, "code": code},
                  status=status)
