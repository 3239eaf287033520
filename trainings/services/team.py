"""The team of a training: invitations to a role (team or RCO admin), accepting any
invitation, removing a member. Seats are `seats.py`; links are `invitations.py`."""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..changes import changed
from ..markup import plain
from ..models import ROLE_LIMITS, CountryAdmin, Invitation, Membership, Role
from ..rules import forget_roles
from . import audit, invitations, seats
from .invitations import (  # noqa: F401 - re-exported for callers of this module
    INVITATION_DAYS,
    find_invitation,
    hash_token,
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


def _check_new_role(training, email, kind, role):
    if kind == Invitation.Kind.TEAM:
        if role not in Role.values:
            raise ValidationError({"role": "Choose a role."})
        if Membership.objects.filter(training=training, user__email=email, role=role).exists():
            raise ValidationError({"email": f"{email} is already {Role(role).label.lower()} "
                                            "of this training."})
        _check_role_limit(training, role, pending_too=True)
    elif kind == Invitation.Kind.RCO_ADMIN and CountryAdmin.objects.filter(
            user__email=email, country=training.country).exists():
        raise ValidationError({"email": f"{email} is already an RCO admin for "
                                        f"{training.country.name}."})


@transaction.atomic
def invite(*, actor, training, email, kind, role="", nomination=None, expires_at=None,
           message=""):
    """Create and email a single-use invitation, with the inviter's personal `message`
    (Markdown; HTML is removed here) in the email and on the invitation page. Returns
    (invitation, token). Seats are offered through `seats.invite_to_seat`."""
    email = email.strip().lower()
    if kind == Invitation.Kind.RCO_ADMIN:
        role = ""
    _check_new_role(training, email, kind, role)
    return invitations.issue(actor=actor, training=training, email=email, kind=kind, role=role,
                             nomination=nomination, expires_at=expires_at,
                             message=plain(message))


@transaction.atomic
def resend(*, actor, invitation):
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError("This invitation was already accepted.")
    expires_at = timezone.now() + datetime.timedelta(days=INVITATION_DAYS)
    if invitation.nomination and invitation.nomination.offer_expires_at:
        expires_at = invitation.nomination.offer_expires_at
    token = invitations.new_token(invitation, expires_at=expires_at)
    invitation.revoked_at = None
    invitation.save()
    audit.record(training=invitation.training, actor=actor, action="invitation resent",
                 obj=invitation)
    invitations.send(invitation, token)
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
    """Give `user` what the invitation grants. Single use: a second call fails; only the
    account whose address it was sent to may accept it (a participant of one training
    accepting a facilitator's link for another would read its roster)."""
    invitation = (Invitation.objects.select_for_update().select_related("training")
                  .get(pk=invitation.pk))
    if not invitation.is_usable:
        raise ValidationError(f"This invitation is {invitation.state}.")
    training = invitation.training
    if training.is_cancelled:
        raise ValidationError("This training was cancelled.")
    if not invitation.is_for(user):
        raise ValidationError(f"This invitation is for {invitation.email}: sign out, then open "
                              f"the link again and sign in as {invitation.email}.")
    if invitation.kind == Invitation.Kind.TEAM:
        _check_role_limit(training, invitation.role, pending_too=False)
        obj, _ = Membership.objects.get_or_create(training=training, user=user,
                                                  role=invitation.role)
        action = "member added"
    elif invitation.kind == Invitation.Kind.RCO_ADMIN:
        obj, _ = CountryAdmin.objects.get_or_create(user=user, country=training.country)
        action = "RCO admin added"
    else:
        obj = seats.accept_seat(invitation=invitation, user=user)
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
