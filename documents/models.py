"""Generated documents (rendered in the background, cached by a hash of their inputs) and
certificates of participation with verification codes."""

import secrets

from django.conf import settings
from django.db import models

from trainings.models import Nomination, Training


class Document(models.Model):
    class Kind(models.TextChoices):
        HANDOUTS = "handouts", "Handouts and activity sheets"
        AGENDA = "agenda", "Printable agenda"
        PACK = "pack", "Participant pack"
        SIGN_IN = "sign_in", "Attendance sign-in sheets"
        CERTIFICATE = "certificate", "Certificate of participation"
        OUTCOME = "outcome", "Outcome report"
        ALL_PACKS = "all_packs", "All participant packs (ZIP)"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    participant = models.ForeignKey(Nomination, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="documents")
    input_hash = models.CharField(max_length=64, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="documents/%Y/%m/", blank=True)
    size = models.PositiveIntegerField(default=0)
    pages = models.PositiveSmallIntegerField(default=0)
    render_seconds = models.FloatField(default=0)
    error = models.TextField(blank=True)
    # The lease (services.render): who is rendering this row and until when. A worker that
    # dies stops renewing it; once it has expired the row may be taken back and rendered again.
    claimed_by = models.CharField(max_length=120, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["training", "kind", "participant", "input_hash"])]
        constraints = [
            # Identical inputs give one row (a missing participant counts as equal to another
            # missing one); a failed row does not count, so the same document can be asked again.
            models.UniqueConstraint(
                fields=["training", "kind", "participant", "input_hash"],
                condition=~models.Q(state="failed"), nulls_distinct=False,
                name="document_one_per_inputs"),
        ]

    def __str__(self):
        who = f" – {self.participant.full_name}" if self.participant_id else ""
        return f"{self.get_kind_display()}{who} ({self.state})"

    @property
    def filename(self):
        who = f"-{self.participant_id}" if self.participant_id else ""
        ext = "zip" if self.kind == self.Kind.ALL_PACKS else "pdf"
        return f"{self.kind}-{self.training_id}{who}.{ext}"


def new_code():
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class Certificate(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="certificates")
    participant = models.OneToOneField(Nomination, on_delete=models.CASCADE,
                                       related_name="certificate")
    code = models.CharField(max_length=20, unique=True, default=new_code)
    attendance_rate = models.FloatField()
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return f"Certificate {self.code}"



class CertificateLogo(models.Model):
    """An organiser's logo printed at the top of the training's certificates (at most
    `services.MAX_LOGOS`; PNG or JPEG only, checked by `documents.images`)."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE,
                                 related_name="certificate_logos")
    image = models.FileField(upload_to="certificate-logos/%Y/%m/")
    mimetype = models.CharField(max_length=20)
    description = models.CharField(max_length=120, help_text="Read aloud in place of the "
                                   "image (the organisation's name).")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.description


class CertificateSignatory(models.Model):
    """A signature line on the training's certificates: the name and title under it."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE,
                                 related_name="certificate_signatories")
    name = models.CharField(max_length=120)
    title = models.CharField(max_length=160)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.name}, {self.title}"
