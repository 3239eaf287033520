"""Fixtures for the agenda: the real curriculum with the Annex III schedule templates, a
Kenyan training laid out as Option 2 (four mornings from Monday 1 March 2027) and its people.

The curriculum is imported once per test session (tests/conftest.py); `curriculum_once`
keeps a module's shared rows in a transaction rolled back at the end of the module; `kenya`
and the people around it are per test; `kenya_world` (one user per role) is also built once
per module for the tests that walk many roles. Tests that need a transactional database
must not use these fixtures."""

import datetime

import pytest
from django.db import transaction

from tests.builders import seed_curriculum, training_with_agenda
from tests.conftest import FIXTURES
from tests.factories import UserFactory
from trainings.models import CountryAdmin, Membership, Nomination, Role

SCHEDULES_FILE = FIXTURES / "schedules" / "annex-iii.yaml"
KENYA = {"title": "Kenya", "country": "KE", "city": "Nairobi", "time_zone": "Africa/Nairobi",
         "start_date": datetime.date(2027, 3, 1), "end_date": datetime.date(2027, 3, 4),
         "schedule_option": "option-2", "meeting_link": "https://teams.example.org/x",
         "venue": "Room 4"}


def import_curriculum():
    """The real curriculum (seed 000) with every fixture (imported once a session)."""
    return seed_curriculum()


def make_training(curriculum, **fields):
    """A laid-out training through the one builder (tests/builders.py)."""
    fields = {**KENYA, **fields}
    return training_with_agenda(
        option=fields.pop("schedule_option"), start=fields.pop("start_date"),
        tz=fields.pop("time_zone"), country=fields.pop("country"), title=fields.pop("title"),
        **fields)


def add_member(training, role, **user_fields):
    user = UserFactory(**user_fields)
    Membership.objects.create(training=training, user=user, role=role)
    return user


def add_participant(training, **user_fields):
    user = UserFactory(**user_fields)
    Nomination.objects.create(training=training, user=user, full_name=str(user), email=user.email,
                              un_entity="UNDP", status=Nomination.Status.CONFIRMED)
    return user


@pytest.fixture(scope="module")
def curriculum_once(django_db_setup, django_db_blocker):
    """The real curriculum with the Annex III templates, imported once per test module inside
    a transaction rolled back at the end; each test runs in a savepoint on top of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield import_curriculum()
        transaction.set_rollback(True)


@pytest.fixture
def annex_iii(curriculum_once, db):
    return curriculum_once


@pytest.fixture
def make_kenya(annex_iii):
    """Make a laid-out training of the real curriculum; fields override the Kenyan ones."""
    return lambda **fields: make_training(annex_iii, **fields)


@pytest.fixture
def kenya(make_kenya):
    return make_kenya()


@pytest.fixture
def lead_facilitator(kenya):
    return add_member(kenya, Role.LEAD_FACILITATOR, full_name="Lena Lead",
                      email="lena@example.org")


@pytest.fixture
def moderator(kenya):
    return add_member(kenya, Role.MODERATOR, full_name="Moses Moderator",
                      email="moses@example.org")


@pytest.fixture
def rapporteur(kenya):
    return add_member(kenya, Role.RAPPORTEUR, full_name="Rita Rapporteur",
                      email="rita@example.org")


@pytest.fixture
def participant(kenya):
    return add_participant(kenya, full_name="Pat Participant", email="pat@example.org")


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, full_name="Stella Staff")


@pytest.fixture
def outsider(db):
    return UserFactory(full_name="Otto Outsider")


VIEWER_ROLES = ["staff", "lead_facilitator", "facilitator", "tech_support", "moderator",
                "rapporteur", "liaison", "rco_admin", "participant"]
OUTSIDER_ROLES = ["other_facilitator", "other_rco_admin", "no_role"]
EDITOR_ROLES = {"staff", "lead_facilitator", "facilitator"}


class KenyaWorld:
    """The Kenyan training with one user per role, a Ugandan training with its own
    facilitator, a Ugandan RCO admin and a user with no role at all."""

    def __init__(self, curriculum):
        self.curriculum = curriculum
        self.training = make_training(self.curriculum)
        self.other_training = make_training(self.curriculum, title="Uganda", country="UG",
                                            city="Kampala", time_zone="Africa/Kampala")
        self.users = {"staff": UserFactory(is_staff=True, full_name="Stella Staff")}
        for role in Role.values:
            self.users[role] = add_member(self.training, role, full_name=f"K {role}")
        self.users["rco_admin"] = UserFactory(full_name="Rashid RCO")
        CountryAdmin.objects.create(user=self.users["rco_admin"], country="KE")
        self.users["participant"] = add_participant(self.training, full_name="Pat Participant")
        self.users["other_facilitator"] = add_member(self.other_training, Role.FACILITATOR,
                                                     full_name="Ursula Uganda")
        self.users["other_rco_admin"] = UserFactory(full_name="Ugo RCO")
        CountryAdmin.objects.create(user=self.users["other_rco_admin"], country="UG")
        self.users["no_role"] = UserFactory(full_name="Nobody")


@pytest.fixture(scope="module")
def kenya_world(curriculum_once, django_db_blocker):
    """Built once per module; each test runs in its own savepoint on top of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield KenyaWorld(curriculum_once)
        transaction.set_rollback(True)
