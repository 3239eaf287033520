import pytest

from scheduling.models import Slot
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import CountryAdmin, Membership, Nomination, Role


@pytest.fixture
def team(db):
    """A laid-out Kenyan training with two rapporteurs, a facilitator, a moderator, a
    participant and a Kenyan RCO admin; and an offline slot of Module 1."""
    training = make_agenda()
    people = {role: UserFactory(full_name=role.title()) for role in
              ("rapporteur", "rapporteur2", "facilitator", "moderator", "participant", "rco")}
    Membership.objects.create(training=training, user=people["rapporteur"], role=Role.RAPPORTEUR)
    Membership.objects.create(training=training, user=people["rapporteur2"], role=Role.RAPPORTEUR)
    Membership.objects.create(training=training, user=people["facilitator"], role=Role.FACILITATOR)
    Membership.objects.create(training=training, user=people["moderator"], role=Role.MODERATOR)
    Nomination.objects.create(training=training, full_name="P", email=people["participant"].email,
                              un_entity="IOM", status="confirmed", user=people["participant"])
    CountryAdmin.objects.create(user=people["rco"], country="KE")
    slot = Slot.objects.filter(training=training, kind="offline", module__number=1).order_by("start")[1]
    return training, people, slot
