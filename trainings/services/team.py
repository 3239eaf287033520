import datetime
import hashlib
import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..changes import changed
from ..models import ROLE_LIMITS, CountryAdmin, Invitation, Membership, Nomination, Role
from ..rules import forget_roles
from . import audit, notify

INVITATION_DAYS = 7


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def find_invitation(token):
    return (Invitation.objects.select_related("training", "nomination", "invited_by")
            .filter(token_hash=hash_token(token)).first())


def _new_token(invitation, *, expires_at):
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.expires_at = expires_at
    invitation.sent_at = timezone.now()
    return token


def _send_invitation(invitation, token):
    notify.send(
        key=f"invitation:{invitation.pk}:{invitation.token_hash[:16]}", to=invitation.email,
        template="invitation_offer" if invitation.nomination and invitation.nomination.status ==
        Nomination.Status.WAITLISTED else "invitation",
        context={"invitation": invitation, "training": invitation.training,
                 "url": notify.invitation_url(token)},
    )


def _check_role_limit(training, role, *, pending_too):
    limit = ROLE_LIMITS.get(role)
    if limit is None:
        return
    taken = Membership.objects.filter(training=training, role=role).count()
    if pending_too:
        taken += Invitation.objects.filter(
            training=training, kind=Invitation.Kind.TEAM, role=role, accepted_at=None,
            revoked_at=None, expires_at__gt=timezone.now()).count()
    if taken >= limit:
        raise ValidationError({"role": f"A training has at most {limit} "
                                       f"{Role(role).label.lower()}s; this one has {taken} "
                                       "(members and pending invitations)."})


@transaction.atomic
def invite(*, actor, training, email, kind, role="", nomination=None, expires_at=None):
    """Create and email a single-use invitation. Returns (invitation, token)."""
    email = email.strip().lower()
    if kind == Invitation.Kind.TEAM:
        if role not in Role.values:
            raise ValidationError({"role": "Choose a role."})
        if Membership.objects.filter(training=training, user__email=email, role=role).exists():
            raise ValidationError({"email": f"{email} is already {Role(role).label.lower()} "
                                            "of this training."})
        _check_role_limit(training, role, pending_too=True)
    elif kind == Invitation.Kind.RCO_ADMIN:
        role = ""
        if CountryAdmin.objects.filter(user__email=email, country=training.country).exists():
            raise ValidationError({"email": f"{email} is already an RCO admin for "
                                            f"{training.country.name}."})
    pending = Invitation.objects.filter(
        training=training, email=email, kind=kind, role=role, nomination=nomination,
        accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
    if pending.exists():
        raise ValidationError({"email": f"An invitation to {email} for this role is already "
                                        "pending; resend it instead."})
    invitation = Invitation(training=training, kind=kind, role=role, nomination=nomination,
                            email=email, invited_by=actor)
    token = _new_token(invitation, expires_at=expires_at or
                       timezone.now() + datetime.timedelta(days=INVITATION_DAYS))
    invitation.save()
    audit.record(training=training, actor=actor, action="invitation sent", obj=invitation,
                 changes={"email": [None, email], "role": [None, invitation.role_label]})
    _send_invitation(invitation, token)
    return invitation, token


@transaction.atomic
def resend(*, actor, invitation):
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError("This invitation was already accepted.")
    expires_at = timezone.now() + datetime.timedelta(days=INVITATION_DAYS)
    if invitation.nomination and invitation.nomination.offer_expires_at:
        expires_at = invitation.nomination.offer_expires_at
    token = _new_token(invitation, expires_at=expires_at)
    invitation.revoked_at = None
    invitation.save()
    audit.record(training=invitation.training, actor=actor, action="invitation resent",
                 obj=invitation)
    _send_invitation(invitation, token)
    return invitation, token


@transaction.atomic
def revoke(*, actor, invitation):
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError("This invitation was already accepted; remove the member instead.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(training=invitation.training, actor=actor, action="invitation revoked",
                     obj=invitation)
    return invitation


@transaction.atomic
def accept(*, invitation, user):
    """Give `user` what the invitation grants. Single use: a second call fails."""
    invitation = (Invitation.objects.select_for_update().select_related("training")
                  .get(pk=invitation.pk))
    if not invitation.is_usable:
        raise ValidationError(f"This invitation is {invitation.state}.")
    training = invitation.training
    if training.is_cancelled:
        raise ValidationError("This training was cancelled.")
    if invitation.kind == Invitation.Kind.TEAM:
        _check_role_limit(training, invitation.role, pending_too=False)
        obj, _ = Membership.objects.get_or_create(training=training, user=user,
                                                  role=invitation.role)
        action = "member added"
    elif invitation.kind == Invitation.Kind.RCO_ADMIN:
        obj, _ = CountryAdmin.objects.get_or_create(user=user, country=training.country)
        action = "RCO admin added"
    else:
        from .nominations import confirm_seat

        obj = confirm_seat(nomination=invitation.nomination, user=user)
        action = "participant confirmed"
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(training=training, actor=user, action=action, obj=obj,
                 changes={"role": [None, invitation.role_label]})
    forget_roles(user)
    changed(training, "people")
    return invitation


@transaction.atomic
def create_account_and_accept(*, invitation, full_name, password, time_zone="UTC"):
    """Sign-up through an invitation: the emailed link proves the address, so it is
    recorded as verified. Open sign-up stays closed."""
    User = get_user_model()
    if User.objects.filter(email=invitation.email).exists():
        raise ValidationError("An account with this email exists; sign in to accept.")
    user = User.objects.create_user(email=invitation.email, password=password,
                                    full_name=full_name, time_zone=time_zone)
    if invitation.nomination:
        nomination = invitation.nomination
        user.un_entity, user.job_title = nomination.un_entity, nomination.job_title
        user.save(update_fields=["un_entity", "job_title"])
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    accept(invitation=invitation, user=user)
    return user


@transaction.atomic
def remove_member(*, actor, membership):
    training = membership.training
    audit.record(training=training, actor=actor, action="member removed", obj=membership,
                 changes={"role": [membership.get_role_display(), None]})
    membership.delete()
    forget_roles(membership.user)
    changed(training, "people")
