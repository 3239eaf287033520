"""Who may have which document, for the pages and the API alike (trainings.views.access):
404 when the document (or certificate, or training) does not exist or its training is not
visible to the user (the same answer, so ids leak nothing); 403 with a reason when the user
may see the training but not have the document (documents.rules)."""

from django.core.exceptions import PermissionDenied

from trainings.models import Nomination, Training
from trainings.views.access import get_visible

from .models import Certificate, CertificateLogo, CertificateSignatory, Document
from .rules import allowed

VIEW = "documents.view"
MANAGE_CERTIFICATES = "documents.manage_certificates"
NOT_YOURS = "Your role does not allow this document."
REASONS = {VIEW: "Documents are for the training's team and participants.",
           MANAGE_CERTIFICATES: "Facilitators and staff manage the certificates.",
           "documents.have": NOT_YOURS}


def get_training(request, pk, perm=VIEW):
    return get_visible(request, Training.objects.select_related("curriculum"), perm,
                       reason=REASONS[perm], pk=pk)


def get_document(request, document_id):
    """A document the user may have (handouts; a participant's own pack and certificate;
    everything for the team)."""
    return get_visible(request, Document.objects.select_related("training", "participant"),
                       "documents.have", reason=NOT_YOURS, pk=document_id)


def get_certificate(request, pk, certificate_id, perm=MANAGE_CERTIFICATES):
    """A certificate of training `pk` (one of another training is a missing one)."""
    return get_visible(request, Certificate.objects.select_related("training", "participant"),
                       perm, reason=REASONS[perm], pk=certificate_id, training_id=pk)


def document_to_make(request, training_id, kind, participant_id=None):
    """(training, participant) for a request to make the `kind` document, if the user may
    have it: 404 as for any training they may not see, 403 if not theirs to have. An
    unknown participant id is None (the service then says which participant it needs)."""
    training = get_training(request, training_id, VIEW)
    participant = (Nomination.objects.filter(training=training, pk=participant_id).first()
                   if str(participant_id or "").isdigit() else None)
    if not allowed(request.user, training, kind, participant):
        raise PermissionDenied(NOT_YOURS)
    return training, participant


def get_logo(request, pk, logo_id):
    """A certificate logo of training `pk`, for those who manage its certificates."""
    return get_visible(request, CertificateLogo.objects.select_related("training"),
                       MANAGE_CERTIFICATES, reason=REASONS[MANAGE_CERTIFICATES],
                       training_of=lambda logo: logo.training, pk=logo_id, training_id=pk)


def get_signatory(request, pk, signatory_id):
    """A signature line of training `pk`, for those who manage its certificates."""
    return get_visible(request, CertificateSignatory.objects.select_related("training"),
                       MANAGE_CERTIFICATES, reason=REASONS[MANAGE_CERTIFICATES],
                       training_of=lambda signatory: signatory.training, pk=signatory_id,
                       training_id=pk)
