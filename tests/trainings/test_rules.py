"""The role matrix of DESIGN.md section 4 (trainings/rules.py), walked role by action."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from trainings.models import Nomination, Training
from trainings.rules import forget_roles

from .factories import ALL_ROLES, NominationFactory, RoleWorld, UserFactory

VIEWERS = {"staff", "lead_facilitator", "facilitator", "tech_support", "moderator",
           "rapporteur", "liaison", "rco_admin", "participant"}
FACILITATORS = {"lead_facilitator", "facilitator"}

# perm -> roles allowed on an open training T in Kenya. Outsiders (a facilitator of a
# Ugandan training, a Ugandan RCO admin, a user with no role) appear in no set.
EXPECTED = {
    "trainings.view_training": VIEWERS,
    "trainings.change_training": {"staff"} | FACILITATORS,
    "trainings.cancel_training": {"staff", "lead_facilitator"},
    "trainings.manage_team": {"staff", "lead_facilitator"},
    "trainings.nominate": {"rco_admin"},
    # object: someone else's nomination on T (own nominations: see the tests below)
    "trainings.withdraw_nomination": {"rco_admin"},
    "trainings.decide_nominations": {"staff"} | FACILITATORS,
    # the roster page and its export: anyone who sees some of the roster (participants see
    # their own nomination there); the levels below are what selectors.roster_for uses
    "trainings.view_roster": {"staff", "moderator", "rapporteur", "rco_admin", "participant"}
    | FACILITATORS,
    "trainings.view_personal_data": {"staff", "rco_admin"} | FACILITATORS,
    "trainings.view_roster_names": {"staff", "moderator", "rapporteur", "rco_admin"}
    | FACILITATORS,
    "trainings.view_own_nomination": {"participant"},
    "trainings.edit_survey": {"staff", "rco_admin"} | FACILITATORS,
    # the team page (not participants); survey and country profile (those who prepare it)
    "trainings.view_team": VIEWERS - {"participant"},
    "trainings.view_survey": {"staff", "rco_admin", "tech_support", "liaison"} | FACILITATORS,
    "trainings.view_country_profile": {"staff", "rco_admin", "tech_support", "liaison"}
    | FACILITATORS,
    "trainings.view_audit": {"staff"} | FACILITATORS,
    "trainings.create_training": {"staff"},  # no object
    "trainings.edit_country_profile": {"staff", "rco_admin"} | FACILITATORS,  # object: "KE"
    "trainings.view_outbox": {"staff"} | FACILITATORS,
    # no object: the outbox across trainings, for staff and a facilitator of any training
    # (the Ugandan facilitator too: they see their own training's messages there)
    "trainings.view_outbox_all": {"staff", "other_facilitator"} | FACILITATORS,
    # announcements (docs/announcements.md): everyone lists what was sent to their group
    "trainings.view_announcements": VIEWERS,
    "trainings.view_all_announcements": {"staff"} | FACILITATORS,
    "trainings.send_announcement": {"staff"} | FACILITATORS,
}
CLOSED_DENIES = {"trainings.cancel_training", "trainings.manage_team", "trainings.nominate",
                 "trainings.withdraw_nomination", "trainings.decide_nominations"}
# denied on a cancelled training only (a completed one may still be written to)
CANCELLED_DENIES = {"trainings.send_announcement"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once per module inside a transaction that is rolled back at the end; each test
    runs in its own savepoint on top of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield RoleWorld()
        transaction.set_rollback(True)


def fresh(user):
    """A new user object: `training_roles` caches on the instance."""
    return get_user_model().objects.get(pk=user.pk)


def target(world, perm, training=None):
    training = training or world.training
    if perm in ("trainings.create_training", "trainings.view_outbox_all"):
        return None
    if perm == "trainings.withdraw_nomination":
        return Nomination.objects.select_related("training").get(pk=world.nomination.pk)
    if perm == "trainings.edit_country_profile":
        return "KE"
    return training


def test_every_registered_trainings_perm_is_in_the_table():
    import rules

    registered = {name for name in rules.permissions.permissions if name.startswith("trainings.")}
    assert registered == set(EXPECTED)


@pytest.mark.django_db
@pytest.mark.parametrize("perm", list(EXPECTED))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_matrix(world, role, perm):
    user = fresh(world.users[role])
    assert user.has_perm(perm, target(world, perm)) == (role in EXPECTED[perm])
    if perm == "trainings.edit_country_profile":
        assert user.has_perm(perm, world.training.country) == (role in EXPECTED[perm])


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Training.Status.CANCELLED, Training.Status.COMPLETED])
@pytest.mark.parametrize("role", ALL_ROLES)
def test_closed_training(world, role, status):
    Training.objects.filter(pk=world.training.pk).update(status=status, cancel_reason="Test")
    user = fresh(world.users[role])
    training = Training.objects.get(pk=world.training.pk)
    for perm, allowed in EXPECTED.items():
        expected = role in allowed and perm not in CLOSED_DENIES and not (
            status == Training.Status.CANCELLED and perm in CANCELLED_DENIES)
        assert user.has_perm(perm, target(world, perm, training)) == expected, perm
    own = Nomination.objects.get(pk=world.own_nomination.pk)
    assert not user.has_perm("trainings.withdraw_nomination", own)


@pytest.mark.django_db
def test_nominee_withdraws_own_nomination_only(world):
    participant = fresh(world.users["participant"])
    own = Nomination.objects.get(pk=world.own_nomination.pk)
    assert participant.has_perm("trainings.withdraw_nomination", own)
    assert not participant.has_perm("trainings.withdraw_nomination", world.nomination)
    assert not participant.has_perm("trainings.withdraw_nomination", world.other_nomination)


@pytest.mark.django_db
def test_unconfirmed_nominee_with_account_may_withdraw_own(world):
    nominee = UserFactory()
    mine = NominationFactory(training=world.training, user=nominee, email=nominee.email)
    assert nominee.has_perm("trainings.withdraw_nomination", mine)
    assert not nominee.has_perm("trainings.withdraw_nomination", world.nomination)
    # A nomination that is not confirmed does not make its holder a participant.
    assert not nominee.has_perm("trainings.view_training", world.training)


@pytest.mark.django_db
def test_rco_admin_cannot_withdraw_in_another_country(world):
    ug_admin = fresh(world.users["other_rco_admin"])
    ke_admin = fresh(world.users["rco_admin"])
    assert ug_admin.has_perm("trainings.withdraw_nomination", world.other_nomination)
    assert not ke_admin.has_perm("trainings.withdraw_nomination", world.other_nomination)


@pytest.mark.django_db
def test_other_facilitator_edits_own_country_profile_only(world):
    user = fresh(world.users["other_facilitator"])
    assert user.has_perm("trainings.edit_country_profile", "UG")
    assert not user.has_perm("trainings.edit_country_profile", "KE")


@pytest.mark.django_db
def test_roles_follow_membership_changes(world):
    """The per-instance cache is dropped by forget_roles (services call it on changes)."""
    from trainings.models import Membership

    user = fresh(world.users["no_role"])
    assert not user.has_perm("trainings.view_training", world.training)
    assert not user.has_perm("trainings.view_outbox_all")
    Membership.objects.create(training=world.training, user=user, role="facilitator")
    forget_roles(user)
    assert user.has_perm("trainings.change_training", world.training)
    assert user.has_perm("trainings.view_outbox_all")


@pytest.mark.django_db
@pytest.mark.parametrize("perm", sorted(set(EXPECTED) - {"trainings.withdraw_nomination"}))
def test_anonymous_has_no_perm(world, perm):
    from django.contrib.auth.models import AnonymousUser

    assert not AnonymousUser().has_perm(perm, target(world, perm))


@pytest.mark.django_db
def test_anonymous_cannot_withdraw_a_nomination_without_account(world):
    """is_the_nominee must not match None (no account) with None (AnonymousUser.pk)."""
    from django.contrib.auth.models import AnonymousUser

    assert world.nomination.user_id is None
    assert not AnonymousUser().has_perm("trainings.withdraw_nomination", world.nomination)
