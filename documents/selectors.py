"""Reads for the documents and certificates pages. Selectors never write."""

import dataclasses

from django.conf import settings
from django.db.models import Max

from notifications.models import Message
from scheduling.models import Slot, SlotKind
from trainings.models import Nomination

from .models import Certificate, CertificateLogo, CertificateSignatory, Document
from .rendering import attendance_percent, attendance_rates

SESSION_KINDS = (SlotKind.ONLINE, SlotKind.OFFLINE)
CERTIFICATE_EMAIL = "certificate_issued"
EMAIL_LABELS = {Message.State.SCHEDULED: "On its way", Message.State.SENDING: "On its way",
                Message.State.SENT: "Sent", Message.State.FAILED: "Failed (see the outbox)",
                Message.State.CANCELLED: "Cancelled"}

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


def last_session_start(training):
    """When the training's last session (online or offline element: where attendance is
    taken) starts, or None without sessions."""
    return (Slot.objects.filter(training=training, kind__in=SESSION_KINDS)
            .aggregate(last=Max("start"))["last"])


@dataclasses.dataclass
class CertificateRow:
    """One confirmed participant on the certificates page."""

    person: Nomination
    rate: float
    percent: int
    eligible: bool
    certificate: Certificate = None
    email_state: str = ""

    @property
    def revoked(self):
        return bool(self.certificate and self.certificate.revoked_at)

    @property
    def issued(self):
        return bool(self.certificate and not self.certificate.revoked_at)

    @property
    def email(self):
        """Where the certificate's email stands, as the page says it."""
        if self.email_state:
            return EMAIL_LABELS.get(self.email_state, self.email_state)
        return "Once the PDF is made" if self.issued else "–"


def certificate_overview(training):
    """Every confirmed participant with their attendance against the threshold, their
    certificate (if any) and the state of its email; the same rates `services.eligible`
    uses. Five queries whatever the number of participants."""
    rates, taken = attendance_rates(training)
    threshold = settings.CERTIFICATE_ATTENDANCE_THRESHOLD
    certificates = {c.participant_id: c for c in Certificate.objects.filter(training=training)}
    emails = dict(Message.objects.filter(training=training, kind=CERTIFICATE_EMAIL)
                  .values_list("key", "state"))
    rows = []
    for person in Nomination.objects.filter(training=training, status="confirmed") \
            .order_by("full_name", "pk"):
        rate = rates.get(person.pk, 0.0)
        certificate = certificates.get(person.pk)
        rows.append(CertificateRow(
            person=person, rate=rate, percent=attendance_percent(rate),
            eligible=bool(taken) and rate >= threshold, certificate=certificate,
            email_state=emails.get(f"{CERTIFICATE_EMAIL}:{certificate.pk}", "")
            if certificate else ""))
    return {"rows": rows, "taken": taken, "threshold": threshold,
            "threshold_percent": attendance_percent(threshold),
            "to_issue": sum(row.eligible and not row.certificate for row in rows),
            "issued": sum(row.issued for row in rows)}


def certificate_design(training):
    return {"logos": list(CertificateLogo.objects.filter(training=training)),
            "signatories": list(CertificateSignatory.objects.filter(training=training))}
