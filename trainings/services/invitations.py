"""Invitation links: single-use tokens (only a SHA-256 is stored), issued and emailed. The
team (`team.py`) and the seats (`seats.py`) both issue them; this module imports neither."""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import Invitation, Nomination
from . import audit, notify

INVITATION_DAYS = 7


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def find_invitation(token):
    return (Invitation.objects.select_related("training", "nomination", "invited_by")
            .filter(token_hash=hash_token(token)).first())


def new_token(invitation, *, expires_at):
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.expires_at = expires_at
    invitation.sent_at = timezone.now()
    return token


def send(invitation, token):
    offer = invitation.nomination and invitation.nomination.status == Nomination.Status.WAITLISTED
    notify.send(
        key=f"invitation:{invitation.pk}:{invitation.token_hash[:16]}", to=invitation.email,
        template="invitation_offer" if offer else "invitation",
        context={"invitation": invitation, "training": invitation.training,
                 "url": notify.invitation_url(token)},
    )


def issue(*, actor, training, email, kind, role="", nomination=None, expires_at=None,
          message=""):
    """Create, record and email an invitation unless the same one is pending.
    Returns (invitation, token). The caller checks what the kind requires."""
    pending = Invitation.objects.filter(
        training=training, email=email, kind=kind, role=role, nomination=nomination,
        accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
    if pending.exists():
        raise ValidationError({"email": f"An invitation to {email} for this role is already "
                                        "pending; resend it instead."})
    invitation = Invitation(training=training, kind=kind, role=role, nomination=nomination,
                            email=email, invited_by=actor, message=message)
    token = new_token(invitation, expires_at=expires_at or
                      timezone.now() + datetime.timedelta(days=INVITATION_DAYS))
    invitation.save()
    audit.record(training=training, actor=actor, action="invitation sent", obj=invitation,
                 changes={"email": [None, email], "role": [None, invitation.role_label]})
    send(invitation, token)
    return invitation, token


def revoke_pending(*, nomination, now=None):
    """Kill the links of a nomination that were neither used nor revoked."""
    Invitation.objects.filter(nomination=nomination, accepted_at=None, revoked_at=None).update(
        revoked_at=now or timezone.now())
