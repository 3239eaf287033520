import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import UserFactory
from trainings.models import CountryAdmin, Invitation, Membership, Role
from trainings.services import team

pytestmark = pytest.mark.django_db


def token_from(message):
    return message.body.split("/invitations/")[1].split("/")[0]


def test_invitation_is_single_use_and_role_bound(training, lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = team.invite(actor=lead, training=training, email="Mod@Example.org",
                                        kind=Invitation.Kind.TEAM, role=Role.MODERATOR)
    assert invitation.email == "mod@example.org"
    assert token_from(mail.outbox[0]) == token
    assert "moderator" in mail.outbox[0].body
    user = UserFactory(email="mod@example.org")
    team.accept(invitation=team.find_invitation(token), user=user)
    assert Membership.objects.filter(training=training, user=user, role=Role.MODERATOR).exists()
    with pytest.raises(ValidationError, match="accepted"):
        team.accept(invitation=team.find_invitation(token), user=UserFactory())


def test_invitation_expires_after_seven_days(training, lead):
    invitation, token = team.invite(actor=lead, training=training, email="x@example.org",
                                    kind=Invitation.Kind.TEAM, role=Role.RAPPORTEUR)
    assert invitation.expires_at == pytest.approx(timezone.now() + datetime.timedelta(days=7),
                                                  abs=datetime.timedelta(minutes=1))
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    with pytest.raises(ValidationError, match="expired"):
        team.accept(invitation=team.find_invitation(token), user=UserFactory())


def test_resend_replaces_the_link_and_revoke_kills_it(training, lead):
    invitation, old = team.invite(actor=lead, training=training, email="y@example.org",
                                  kind=Invitation.Kind.TEAM, role=Role.FACILITATOR)
    _, new = team.resend(actor=lead, invitation=invitation)
    assert team.find_invitation(old) is None
    assert team.find_invitation(new).pk == invitation.pk
    team.revoke(actor=lead, invitation=invitation)
    with pytest.raises(ValidationError, match="revoked"):
        team.accept(invitation=team.find_invitation(new), user=UserFactory())


def test_at_most_two_moderators_counting_pending_invitations(training, lead):
    for i in range(2):
        team.invite(actor=lead, training=training, email=f"m{i}@example.org",
                    kind=Invitation.Kind.TEAM, role=Role.MODERATOR)
    with pytest.raises(ValidationError) as excinfo:
        team.invite(actor=lead, training=training, email="m3@example.org",
                    kind=Invitation.Kind.TEAM, role=Role.MODERATOR)
    assert "at most 2 moderators" in excinfo.value.message_dict["role"][0]


def test_one_person_may_hold_several_roles(training, lead):
    person = UserFactory()
    for role in (Role.MODERATOR, Role.LIAISON):
        invitation, token = team.invite(actor=lead, training=training, email=person.email,
                                        kind=Invitation.Kind.TEAM, role=role)
        team.accept(invitation=invitation, user=person)
    assert set(Membership.objects.filter(user=person).values_list("role", flat=True)) == {
        Role.MODERATOR, Role.LIAISON}


def test_rco_admin_invitation_attaches_the_user_to_the_country(training, lead):
    invitation, _ = team.invite(actor=lead, training=training, email="rco@example.org",
                                kind=Invitation.Kind.RCO_ADMIN)
    user = team.create_account_and_accept(invitation=invitation, full_name="R",
                                          password="a-Long-pass-123")
    assert CountryAdmin.objects.filter(user=user, country="KE").exists()
    assert user.has_perm("trainings.nominate", training)


def test_duplicate_pending_invitation_is_refused(training, lead):
    team.invite(actor=lead, training=training, email="d@example.org",
                kind=Invitation.Kind.TEAM, role=Role.RAPPORTEUR)
    with pytest.raises(ValidationError, match="resend it instead"):
        team.invite(actor=lead, training=training, email="d@example.org",
                    kind=Invitation.Kind.TEAM, role=Role.RAPPORTEUR)


def test_signup_through_invitation_refuses_an_existing_account(training, lead):
    existing = UserFactory(email="e@example.org")
    invitation, _ = team.invite(actor=lead, training=training, email=existing.email,
                                kind=Invitation.Kind.TEAM, role=Role.RAPPORTEUR)
    with pytest.raises(ValidationError, match="sign in"):
        team.create_account_and_accept(invitation=invitation, full_name="E",
                                       password="a-Long-pass-123")


def test_only_the_addressee_may_accept(training, lead):
    """Security review: a participant of another training accepted a facilitator's link and
    read this training's roster. The link now works only for the account it was sent to."""
    invitation, token = team.invite(actor=lead, training=training, email="Fac@Example.org",
                                    kind=Invitation.Kind.TEAM, role=Role.FACILITATOR)
    stranger = UserFactory(email="someone.else@example.org")
    with pytest.raises(ValidationError, match="This invitation is for fac@example.org"):
        team.accept(invitation=team.find_invitation(token), user=stranger)
    assert not Membership.objects.filter(training=training, user=stranger).exists()
    assert not stranger.has_perm("trainings.view_roster", training)
    invitation.refresh_from_db()
    assert invitation.is_usable                                   # still there for its owner
    owner = UserFactory(email="fac@example.org")
    team.accept(invitation=team.find_invitation(token), user=owner)
    assert Membership.objects.filter(training=training, user=owner,
                                     role=Role.FACILITATOR).exists()
