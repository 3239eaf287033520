"""Requesting and rendering documents, issuing and revoking certificates."""

import io
import time
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from notes.models import GroupOutput
from notes.outcome import extra_sections
from notes.outputs import fields_of, shape_for
from notes.rendering import to_html
from notes.selectors import notes_of
from trainings.models import Nomination

from . import rendering
from .models import Certificate, Document

K = Document.Kind
S = Document.State


def _outcome_extra(training):
    from django.utils.safestring import mark_safe

    from notes.models import OutcomeReport, Section

    report = OutcomeReport.objects.filter(training=training).first()
    notes = notes_of(training, published_only=True)
    outputs = GroupOutput.objects.filter(training=training).select_related(
        "part__activity").order_by("part__activity__number", "part__position", "group_number")
    return {
        "summary": mark_safe(report.summary) if report else "",  # noqa: S308 - sanitised on save
        "notes": [(n, [(label, to_html(v.text)) for key, label in Section.choices
                       for v in n.versions.all() if v.section == key]) for n in notes],
        "outputs": [(o, [(label, o.data.get(name)) for name, label, _k in fields_of(shape_for(o.part))
                         if o.data.get(name)]) for o in outputs],
        "extra_sections": extra_sections(training),
    }


def eligible(training, participant):
    rates, taken = rendering.attendance_rates(training)
    rate = rates.get(participant.pk, 0.0)
    threshold = settings.CERTIFICATE_ATTENDANCE_THRESHOLD
    if taken == 0:
        raise ValidationError("No attendance has been taken yet, so no certificate can be issued.")
    if rate < threshold:
        raise ValidationError(f"{participant.full_name} attended {rate:.0%} of the sessions where "
                              f"attendance was taken; a certificate needs {threshold:.0%}.")
    return rate


@transaction.atomic
def issue_certificate(*, training, participant):
    rate = eligible(training, participant)
    certificate, created = Certificate.objects.get_or_create(
        participant=participant, defaults={"training": training, "attendance_rate": rate})
    if certificate.revoked_at:
        raise ValidationError("This participant's certificate was revoked.")
    return certificate


@transaction.atomic
def revoke_certificate(*, certificate, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason."})
    certificate.revoked_at, certificate.revoked_reason = timezone.now(), reason[:300]
    certificate.save()
    Document.objects.filter(training=certificate.training, kind=K.CERTIFICATE,
                            participant=certificate.participant).delete()
    return certificate


def html_for(kind, training, participant=None):
    if kind == K.CERTIFICATE:
        certificate = issue_certificate(training=training, participant=participant)
        return rendering.build(kind, training, participant, certificate=certificate)
    if kind == K.OUTCOME:
        return rendering.build(kind, training, extra=_outcome_extra(training))
    return rendering.build(kind, training, participant)


def _hash_all_packs(training):
    parts = [rendering.input_hash(K.PACK, rendering.build(K.PACK, training, p))
             for p in Nomination.objects.filter(training=training, status="confirmed")
             .select_related("user").order_by("pk")]
    return rendering.input_hash(K.ALL_PACKS, "|".join(parts))


@transaction.atomic
def request_document(*, user, training, kind, participant=None):
    """The document for these inputs: a ready one with the same input hash is returned as it
    is; otherwise a row is queued and rendered in the background (after commit)."""
    if kind not in K.values:
        raise ValidationError({"kind": "Unknown document kind."})
    needs_person = kind in (K.PACK, K.CERTIFICATE)
    if needs_person and participant is None:
        raise ValidationError({"participant": "Choose a participant."})
    if not needs_person:
        participant = None
    if participant is not None and (participant.training_id != training.pk
                                    or participant.status != Nomination.Status.CONFIRMED):
        raise ValidationError({"participant": "Not a confirmed participant of this training."})
    digest = _hash_all_packs(training) if kind == K.ALL_PACKS else \
        rendering.input_hash(kind, html_for(kind, training, participant))
    existing = (Document.objects.filter(training=training, kind=kind, participant=participant,
                                        input_hash=digest)
                .exclude(state=S.FAILED).order_by("-created_at").first())
    if existing is not None:
        return existing
    document = Document.objects.create(training=training, kind=kind, participant=participant,
                                       input_hash=digest, requested_by=user)
    from .tasks import render_document

    transaction.on_commit(lambda: render_document.delay(document.pk))
    return document


def _claim(document_id):
    with transaction.atomic():
        document = (Document.objects.select_for_update(skip_locked=True)
                    .filter(pk=document_id, state=S.QUEUED).first())
        if document is None:
            return None
        document.state, document.progress = S.RENDERING, 5
        document.save(update_fields=["state", "progress", "updated_at"])
    return document


def render(*, document_id):
    """Render a queued document. Safe to call twice: only a queued row is claimed."""
    document = _claim(document_id)
    if document is None:
        return False
    started = time.perf_counter()
    try:
        if document.kind == K.ALL_PACKS:
            content, pages = _zip_packs(document), 0
            name = document.filename
        else:
            html = html_for(document.kind, document.training, document.participant)
            content, pages = rendering.to_pdf(html)
            name = document.filename
        document.file.save(name, ContentFile(content), save=False)
        document.size, document.pages = len(content), pages
        document.state, document.progress = S.READY, 100
        document.render_seconds = time.perf_counter() - started
        document.save()
    except Exception as exc:
        Document.objects.filter(pk=document.pk).update(state=S.FAILED, error=str(exc)[:2000])
        raise
    return True


def _zip_packs(document):
    people = list(Nomination.objects.filter(training=document.training, status="confirmed")
                  .select_related("user").order_by("full_name"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, person in enumerate(people, start=1):
            pack = request_document(user=document.requested_by, training=document.training,
                                    kind=K.PACK, participant=person)
            if pack.state != S.READY:
                render(document_id=pack.pk)
                pack.refresh_from_db()
            with pack.file.open("rb") as handle:
                safe = "".join(c if c.isalnum() or c in " -_" else "_" for c in person.full_name)
                archive.writestr(f"{index:02d} {safe}.pdf", handle.read())
            Document.objects.filter(pk=document.pk).update(
                progress=5 + int(90 * index / max(len(people), 1)))
    return buffer.getvalue()
