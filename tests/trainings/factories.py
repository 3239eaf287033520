"""Factories for the trainings app: a training, its team, RCO admins and nominations."""

import datetime

import factory
from django.utils import timezone

from curriculum.models import Curriculum
from tests.factories import UserFactory
from trainings.models import CountryAdmin, Membership, Nomination, Role, Training


class CurriculumFactory(factory.django.DjangoModelFactory):
    """A minimal curriculum row: Training.curriculum is a PROTECT foreign key."""

    class Meta:
        model = Curriculum
        django_get_or_create = ("slug",)

    slug = "test-curriculum"
    title = "Test curriculum"


def _start_date():
    return timezone.localdate() + datetime.timedelta(days=60)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    curriculum = factory.SubFactory(CurriculumFactory)
    title = factory.Sequence(lambda n: f"Test training {n}")
    country = "KE"
    city = "Nairobi"
    time_zone = "Africa/Nairobi"
    start_date = factory.LazyFunction(_start_date)
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=3))
    status = Training.Status.PLANNING
    capacity = 18


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    training = factory.SubFactory(TrainingFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.FACILITATOR


class CountryAdminFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountryAdmin

    user = factory.SubFactory(UserFactory)
    country = "KE"


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    training = factory.SubFactory(TrainingFactory)
    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"nominee{n}@example.org")
    un_entity = "UNDP"
    job_title = "Programme officer"
    status = Nomination.Status.NOMINATED


# --- One training with a user in every role, plus outsiders (the role-matrix tests) -------

ROLES = ["staff", "lead_facilitator", "facilitator", "tech_support", "moderator", "rapporteur",
         "liaison", "rco_admin", "participant"]
OUTSIDERS = ["other_facilitator", "other_rco_admin", "no_role"]
ALL_ROLES = ROLES + OUTSIDERS
SECRET_TITLE = "Zanzibar-7 secret pilot training"


class RoleWorld:
    """Training T in Kenya with one user per role, a Ugandan training U with its own
    facilitator, a Ugandan RCO admin and a user with no role at all."""

    def __init__(self):
        from trainings.services import team

        self.training = TrainingFactory(title=SECRET_TITLE, country="KE")
        self.other_training = TrainingFactory(title="Kampala training", country="UG",
                                              city="Kampala", time_zone="Africa/Kampala")
        self.users = {"staff": UserFactory(is_staff=True, full_name="Staff Person")}
        for role in Role.values:
            self.users[role] = MembershipFactory(training=self.training, role=role,
                                                 user__full_name=f"T {role}").user
        self.users["rco_admin"] = CountryAdminFactory(country="KE").user
        self.users["participant"] = UserFactory(full_name="Pat Participant")
        self.own_nomination = NominationFactory(
            training=self.training, user=self.users["participant"], full_name="Pat Participant",
            email=self.users["participant"].email, status=Nomination.Status.CONFIRMED)
        self.users["other_facilitator"] = MembershipFactory(
            training=self.other_training, role=Role.FACILITATOR).user
        self.users["other_rco_admin"] = CountryAdminFactory(country="UG").user
        self.users["no_role"] = UserFactory()
        # Someone else's nominations: one waiting for a decision, one approved (a seat).
        self.nomination = NominationFactory(training=self.training, full_name="Nora Nominee",
                                            email="nora@example.org")
        self.approved = NominationFactory(training=self.training, full_name="Abe Approved",
                                          email="abe@example.org",
                                          status=Nomination.Status.APPROVED)
        self.other_nomination = NominationFactory(training=self.other_training)
        # Team objects to act on: a pending invitation and a member who can be removed.
        self.invitation, _ = team.invite(actor=self.users["lead_facilitator"],
                                         training=self.training, email="invitee@example.org",
                                         kind="team", role=Role.FACILITATOR)
        self.removable = MembershipFactory(training=self.training, role=Role.LIAISON,
                                           user__full_name="Removable Member")
