"""Requesting and rendering documents, issuing and revoking certificates.

Rendering follows the lease discipline: a worker claims a row with a compare-and-swap that
gives it the row until `claimed_until`, renews that lease from a heartbeat thread while it
works, and writes its result only if it still holds the lease. A worker that dies stops
renewing; once the lease has expired the row is taken back (by `request_document`, by the
periodic `sweep` or by another render) and rendered again, at most `MAX_ATTEMPTS` times.
"""

import datetime
import io
import logging
import os
import socket
import threading
import time
import uuid
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.times import when_text
from config.background import enqueue, enqueue_on_commit
from notes import selectors as notes_selectors
from notifications import services as outbox
from notifications.rendering import absolute_url
from runsheet.report import attendance_rates
from trainings.models import Nomination

from . import images, rendering, selectors
from .models import Certificate, CertificateLogo, CertificateSignatory, Document

K = Document.Kind
S = Document.State

logger = logging.getLogger(__name__)
RENDER = "documents.tasks.render_document"   # enqueued by name: tasks.py imports this module

LEASE_SECONDS = 60.0          # how long a claim holds without a heartbeat (settings override it)
MAX_ATTEMPTS = 3              # claims of one row before it is given up as failed
QUEUED_GRACE_SECONDS = 30.0   # a row queued for longer may have lost its task: enqueue it again
INTERRUPTED = f"Rendering was interrupted {MAX_ATTEMPTS} times"


class LeaseLost(Exception):
    """This worker no longer holds the row: another one took it over, or it was deleted."""


def lease_seconds():
    return float(getattr(settings, "DOCUMENT_LEASE_SECONDS", LEASE_SECONDS))


def worker_id():
    """Unique per claim: host, process and a random part (two claims never look alike)."""
    return f"{socket.gethostname()[:60]}-{os.getpid()}-{uuid.uuid4().hex}"


def _expired(now):
    """Rendering, but nobody has renewed the lease (a row from before leases has none)."""
    return Q(state=S.RENDERING) & (Q(claimed_until__lt=now) | Q(claimed_until__isnull=True))


def _claimable(now):
    return Q(state=S.QUEUED) | _expired(now)


def _give_up(queryset, now):
    """Rows that were claimed MAX_ATTEMPTS times and never finished become failed (CAS)."""
    return queryset.filter(_claimable(now), attempts__gte=MAX_ATTEMPTS).update(
        state=S.FAILED, error=INTERRUPTED, claimed_until=None, updated_at=timezone.now())


def _requeue(queryset, now):
    """An expired lease goes back to the queue (CAS: only if it is still expired)."""
    return queryset.filter(_expired(now), attempts__lt=MAX_ATTEMPTS).update(
        state=S.QUEUED, progress=0, claimed_by="", claimed_until=None, updated_at=timezone.now())


def not_yet(training, now=None):
    """Why no certificate may be issued yet (the last session has not started), or None.

    A certificate counts the sessions (online and offline elements) where attendance was
    taken; until the last of them has started, the count is not final."""
    last = selectors.last_session_start(training)
    if last is not None and last > (now or timezone.now()):
        return ("Certificates can be issued once the last session has started: "
                f"{when_text(last, training.time_zone)}.")
    return None


def eligible(training, participant):
    reason = not_yet(training)
    if reason:
        raise ValidationError(reason)
    rates, taken = attendance_rates(training)   # the one count (runsheet.report)
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


CERTIFICATE_EMAIL = selectors.CERTIFICATE_EMAIL
MAX_LOGOS = 3
MAX_SIGNATORIES = 3


@transaction.atomic
def issue_all(*, training, actor):
    """Issue a certificate to every confirmed participant at or above the threshold who has
    none yet, and make each one's PDF (in the background). Each holder is emailed once,
    with the PDF attached, as soon as the PDF exists (`email_certificate`). Returns the
    number of certificates issued now; issuing again issues (and emails) nothing more.
    Side effects: Certificate and Document rows, render tasks after commit, outbox rows."""
    reason = not_yet(training)
    if reason:
        raise ValidationError(reason)
    overview = selectors.certificate_overview(training)
    if overview["taken"] == 0:
        raise ValidationError("No attendance has been taken yet, so no certificate can be "
                              "issued.")
    issued = 0
    for row in overview["rows"]:
        if not row.eligible or row.revoked:
            continue
        _certificate, created = Certificate.objects.get_or_create(
            participant=row.person, defaults={"training": training, "attendance_rate": row.rate})
        issued += created
        document = request_document(user=actor, training=training, kind=K.CERTIFICATE,
                                    participant=row.person)
        if document.state == S.READY:
            with document.file.open("rb") as handle:
                email_certificate(document=document, content=handle.read())
    return issued


def email_certificate(*, document, content):
    """Queue the email that brings a certificate to its holder, with its PDF attached, once
    per certificate (the outbox key): a later render of the same certificate (new logos, a
    new name) or a second "issue all" queues nothing. Returns the row, or None."""
    person = document.participant
    certificate = Certificate.objects.filter(participant=person, revoked_at=None).first()
    if certificate is None or not person.email:
        return None
    context = {"training": document.training, "participant": person,
               "certificate": certificate,
               "verify_url": rendering.verification_url(certificate.code),
               "url": absolute_url(reverse("documents:list", args=[document.training_id]))}
    pdf = outbox.attachment("certificate-of-participation.pdf", content, "application/pdf")
    return outbox.queue(kind=CERTIFICATE_EMAIL, key=f"{CERTIFICATE_EMAIL}:{certificate.pk}",
                        address=person.email, recipient=person.user, training=document.training,
                        context=context, attachments=[pdf])


@transaction.atomic
def add_logo(*, training, upload, description):
    description = " ".join((description or "").split())
    if not description:
        raise ValidationError({"description": "Say whose logo it is (read aloud in its place)."})
    try:
        mimetype = images.check_logo(upload)
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}) from exc
    if CertificateLogo.objects.select_for_update().filter(training=training).count() \
            >= MAX_LOGOS:
        raise ValidationError({"image": f"A certificate has room for {MAX_LOGOS} logos; "
                                        "remove one first."})
    logo = CertificateLogo(training=training, mimetype=mimetype, description=description[:120])
    logo.image.save(upload.name, upload, save=False)
    logo.save()
    return logo


@transaction.atomic
def remove_logo(*, logo):
    logo.image.delete(save=False)
    logo.delete()


@transaction.atomic
def add_signatory(*, training, name, title):
    name, title = " ".join((name or "").split()), " ".join((title or "").split())
    errors = {}
    if not name:
        errors["name"] = "Give the name printed under the signature line."
    if not title:
        errors["title"] = "Give the title (e.g. UN Resident Coordinator)."
    if len(name) > 120:
        errors["name"] = "At most 120 characters."
    if len(title) > 160:
        errors["title"] = "At most 160 characters."
    if not errors and CertificateSignatory.objects.select_for_update().filter(
            training=training).count() >= MAX_SIGNATORIES:
        errors["name"] = f"A certificate has room for {MAX_SIGNATORIES} signatures; remove " \
                         "one first."
    if errors:
        raise ValidationError(errors)
    return CertificateSignatory.objects.create(training=training, name=name, title=title)


@transaction.atomic
def remove_signatory(*, signatory):
    signatory.delete()


def html_for(kind, training, participant=None):
    if kind == K.CERTIFICATE:
        certificate = issue_certificate(training=training, participant=participant)
        return rendering.build(kind, training, participant, certificate=certificate)
    if kind == K.OUTCOME:
        return rendering.build(kind, training, extra=notes_selectors.outcome_report(training))
    return rendering.build(kind, training, participant)


def _hash_all_packs(training):
    parts = [rendering.input_hash(K.PACK, rendering.build(K.PACK, training, p))
             for p in Nomination.objects.filter(training=training, status="confirmed")
             .select_related("user").order_by("pk")]
    return rendering.input_hash(K.ALL_PACKS, "|".join(parts))


@transaction.atomic
def request_document(*, user, training, kind, participant=None):
    """The document for these inputs, never one that can no longer finish.

    A ready row with the same input hash is returned as it is (one query); a queued or
    rendering one too, unless its lease expired: then it is queued again and re-enqueued (or
    marked failed after MAX_ATTEMPTS). A failed row is replaced by a new request. Identical
    concurrent requests give one row (unique constraint; the loser of the race takes the
    winner's row). The render is enqueued after commit, best-effort: a broker that is down
    is logged, and the periodic sweep enqueues the row later.
    """
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
    key = {"training": training, "kind": kind, "participant": participant, "input_hash": digest}
    for _round in range(4):
        document = Document.objects.filter(**key).exclude(state=S.FAILED).first()
        if document is None:
            try:
                with transaction.atomic():
                    document = Document.objects.create(**key, requested_by=user)
            except IntegrityError:
                continue            # an identical request won the race: take its row
            enqueue_on_commit(RENDER, document.pk)
            return document
        if _keep_alive(document):
            return document
    raise RuntimeError(f"Could not settle the {kind} document of training {training.pk}.")


def _keep_alive(document):
    """True if `document` can still finish (re-queued and re-enqueued if its worker died);
    False if it was given up or changed meanwhile (the caller looks again)."""
    now = timezone.now()
    if document.state == S.READY:
        return True
    if document.state == S.QUEUED:
        if document.updated_at < now - datetime.timedelta(seconds=QUEUED_GRACE_SECONDS):
            enqueue_on_commit(RENDER, document.pk)   # its task may have been lost
        return True
    if document.claimed_until is not None and document.claimed_until >= now:
        return True                                          # rendering, lease alive
    this = Document.objects.filter(pk=document.pk)
    if _requeue(this, now):
        logger.warning("Document %s: the lease of %s expired; queued again (attempt %s of %s "
                       "done).", document.pk, document.claimed_by or "a worker",
                       document.attempts, MAX_ATTEMPTS)
        document.state, document.progress, document.claimed_by = S.QUEUED, 0, ""
        document.claimed_until = None
        enqueue_on_commit(RENDER, document.pk)
        return True
    if _give_up(this, now):
        logger.warning("Document %s: %s; it is failed and asked for again.", document.pk,
                       INTERRUPTED.lower())
    return False


def _claim(document_id):
    """Take the row for this worker (compare-and-swap): a queued row, or a rendering one
    whose lease expired. Returns (document, me) or (None, me)."""
    now, me = timezone.now(), worker_id()
    claimed = (Document.objects.filter(_claimable(now), pk=document_id,
                                       attempts__lt=MAX_ATTEMPTS)
               .update(state=S.RENDERING, progress=5, error="", claimed_by=me,
                       claimed_until=now + datetime.timedelta(seconds=lease_seconds()),
                       attempts=F("attempts") + 1, updated_at=now))
    if not claimed:
        if _give_up(Document.objects.filter(pk=document_id), now):
            logger.warning("Document %s: %s; marked failed.", document_id, INTERRUPTED.lower())
        return None, me
    document = (Document.objects.select_related("training", "participant", "requested_by")
                .filter(pk=document_id, claimed_by=me).first())
    return document, me


def _mine(document, me):
    return Document.objects.filter(pk=document.pk, claimed_by=me, state=S.RENDERING)


def _heartbeat(document_id, me, stop, interval):
    """Renew the lease every `interval` seconds until `stop` is set or the lease is lost."""
    try:
        while not stop.wait(interval):
            try:
                renewed = Document.objects.filter(
                    pk=document_id, claimed_by=me, state=S.RENDERING).update(
                    claimed_until=timezone.now() + datetime.timedelta(seconds=lease_seconds()))
            except Exception:   # a database hiccup: try again at the next beat
                logger.exception("Document %s: could not renew the lease.", document_id)
                continue
            if not renewed:
                logger.warning("Document %s: the lease of %s is lost; its result will be "
                               "discarded.", document_id, me)
                return
    finally:
        connection.close()      # this thread's own connection


def _progress(document, me, value):
    if not _mine(document, me).update(progress=value):
        raise LeaseLost


def render(*, document_id):
    """Render a document if it can be claimed (queued, or rendering with an expired lease).

    Safe to call twice and from any number of workers: only one holds the lease, and only
    the holder's result is written. Returns True if this call made the file.
    """
    document, me = _claim(document_id)
    if document is None:
        return False
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(document.pk, me, stop, lease_seconds() / 3),
                            name=f"document-{document.pk}-lease", daemon=True)
    beat.start()
    started = time.perf_counter()
    try:
        if document.kind == K.ALL_PACKS:
            content, pages = _zip_packs(document, me), 0
        else:
            html = html_for(document.kind, document.training, document.participant)
            _progress(document, me, 30)
            content, pages = rendering.to_pdf(html)
        done = _finish(document, me, content, pages, time.perf_counter() - started)
    except LeaseLost:
        logger.warning("Document %s: the lease of %s was lost while rendering; stopped.",
                       document.pk, me)
        return False
    except Exception as exc:
        _mine(document, me).update(state=S.FAILED, error=str(exc)[:2000], claimed_until=None,
                                   updated_at=timezone.now())
        raise
    finally:
        stop.set()
        beat.join(timeout=10)
    if document.kind == K.CERTIFICATE:
        _email_after_render(document, content)
    return done


def _email_after_render(document, content):
    """The certificate's PDF exists: queue its email (once). A failure here leaves the PDF
    ready; the next "issue all" queues the email from the stored file."""
    try:
        email_certificate(document=document, content=content)
    except Exception:
        logger.exception("Document %s: the certificate's email could not be queued.",
                         document.pk)


def _finish(document, me, content, pages, seconds):
    """Store the file and mark the row ready, only if this worker still holds the lease."""
    document.file.save(document.filename, ContentFile(content), save=False)
    done = _mine(document, me).update(
        file=document.file.name, size=len(content), pages=pages, state=S.READY, progress=100,
        render_seconds=seconds, claimed_until=None, updated_at=timezone.now())
    if not done:
        document.file.delete(save=False)
        raise LeaseLost
    return True


def _ready_pack(pack, person):
    """The pack, ready: rendered here through the same claim if it is free, else waited for
    while another worker holds it (its lease expires if that worker dies, then it is ours)."""
    deadline = time.monotonic() + lease_seconds() * (MAX_ATTEMPTS + 1) + 60
    while pack.state != S.READY:
        if not render(document_id=pack.pk):
            if time.monotonic() > deadline:
                raise RuntimeError(f"The pack of {person.full_name} took too long.")
            time.sleep(0.5)
        pack.refresh_from_db()
        if pack.state == S.FAILED:
            raise RuntimeError(f"The pack of {person.full_name} failed: {pack.error}")
    return pack


def _zip_packs(document, me):
    people = list(Nomination.objects.filter(training=document.training, status="confirmed")
                  .select_related("user").order_by("full_name"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, person in enumerate(people, start=1):
            pack = _ready_pack(request_document(user=document.requested_by,
                                                training=document.training, kind=K.PACK,
                                                participant=person), person)
            with pack.file.open("rb") as handle:
                safe = "".join(c if c.isalnum() or c in " -_" else "_" for c in person.full_name)
                archive.writestr(f"{index:02d} {safe}.pdf", handle.read())
            _progress(document, me, 5 + int(90 * index / max(len(people), 1)))
    return buffer.getvalue()


def sweep(now=None, batch=500):
    """Recover what a crash or a broker outage left behind (run every minute by beat).

    Rendering rows with an expired lease go back to the queue (compare-and-swap) or, after
    MAX_ATTEMPTS claims, become failed; queued rows older than QUEUED_GRACE_SECONDS (their
    task may never have reached the broker) and the re-queued ones are enqueued again,
    best-effort. Returns the counts.
    """
    now = now or timezone.now()
    over = list(Document.objects.filter(_claimable(now), attempts__gte=MAX_ATTEMPTS)
                .values_list("pk", flat=True)[:batch])
    failed = _give_up(Document.objects.filter(pk__in=over), now) if over else 0
    if failed:
        logger.warning("Documents %s: %s; marked failed.", over, INTERRUPTED.lower())
    requeued = []
    for pk, claimed_by in (Document.objects.filter(_expired(now), attempts__lt=MAX_ATTEMPTS)
                           .values_list("pk", "claimed_by")[:batch]):
        if _requeue(Document.objects.filter(pk=pk), now):
            logger.warning("Document %s: the lease of %s expired; queued again.", pk,
                           claimed_by or "a worker")
            requeued.append(pk)
    stale = list(Document.objects.filter(
        state=S.QUEUED, updated_at__lt=now - datetime.timedelta(seconds=QUEUED_GRACE_SECONDS))
        .exclude(pk__in=requeued).values_list("pk", flat=True)[:batch])
    enqueued = sum(enqueue(RENDER, pk) for pk in requeued + stale)
    return {"requeued": len(requeued), "stale": len(stale), "failed": failed,
            "enqueued": enqueued}
