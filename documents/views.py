"""Document pages. Access through documents.access (the rule in documents.rules), reads
through documents.selectors, writes through documents.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from . import access, selectors, services
from .forms import LogoForm, SignatoryForm
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
        "manage_certificates": user.has_perm(access.MANAGE_CERTIFICATES, training),
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
    if request.POST.get("back") == "certificates":
        return redirect("documents:certificates", pk)
    return redirect("documents:list", pk)


def _certificates_page(request, training, *, logo_form=None, signatory_form=None, status=200):
    return render(request, "documents/certificates.html", {
        "training": training, "not_yet": services.not_yet(training),
        **selectors.certificate_overview(training), **selectors.certificate_design(training),
        "logo_form": logo_form or LogoForm(prefix="logo"),
        "signatory_form": signatory_form or SignatoryForm(prefix="sig"),
        "max_logos": services.MAX_LOGOS, "max_signatories": services.MAX_SIGNATORIES,
    }, status=status)


def certificates(request, pk):
    """Who may get a certificate (and who not, and why), issuing them all, the design."""
    training = access.get_training(request, pk, access.MANAGE_CERTIFICATES)
    return _certificates_page(request, training)


@require_http_methods(["GET", "POST"])
def issue_all(request, pk):
    """GET: what "issue all" will do, to confirm; POST: do it."""
    training = access.get_training(request, pk, access.MANAGE_CERTIFICATES)
    if request.method != "POST":
        return render(request, "documents/issue_all.html", {
            "training": training, "not_yet": services.not_yet(training),
            **selectors.certificate_overview(training)})
    try:
        issued = services.issue_all(training=training, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        people = "1 certificate" if issued == 1 else f"{issued} certificates"
        messages.success(request, f"{people} issued. Each holder is emailed their certificate "
                                  "with the PDF attached as soon as it is made."
                         if issued else "Nothing to issue: every eligible participant has a "
                                        "certificate already.")
    return redirect("documents:certificates", pk)


def _field_errors(form, exc):
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@require_POST
def logo_add(request, pk):
    training = access.get_training(request, pk, access.MANAGE_CERTIFICATES)
    form = LogoForm(request.POST, request.FILES, prefix="logo")
    if form.is_valid():
        try:
            services.add_logo(training=training, upload=form.cleaned_data["image"],
                              description=form.cleaned_data["description"])
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, "Logo added; certificates made from now on carry it.")
            return redirect("documents:certificates", pk)
    return _certificates_page(request, training, logo_form=form, status=400)


@require_POST
def logo_remove(request, pk, logo_id):
    logo = access.get_logo(request, pk, logo_id)
    services.remove_logo(logo=logo)
    messages.success(request, f"Logo “{logo.description}” removed.")
    return redirect("documents:certificates", pk)


@require_POST
def signatory_add(request, pk):
    training = access.get_training(request, pk, access.MANAGE_CERTIFICATES)
    form = SignatoryForm(request.POST, prefix="sig")
    if form.is_valid():
        try:
            services.add_signatory(training=training, name=form.cleaned_data["name"],
                                   title=form.cleaned_data["title"])
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, "Signature line added.")
            return redirect("documents:certificates", pk)
    return _certificates_page(request, training, signatory_form=form, status=400)


@require_POST
def signatory_remove(request, pk, signatory_id):
    signatory = access.get_signatory(request, pk, signatory_id)
    services.remove_signatory(signatory=signatory)
    messages.success(request, f"Signature line of {signatory.name} removed.")
    return redirect("documents:certificates", pk)


@login_not_required
def verify(request, code):
    certificate = selectors.certificate_by_code(code)
    status = 200 if certificate and not certificate.revoked_at else 404
    return render(request, "documents/verify.html", {"certificate": certificate, "code": code},
                  status=status)
