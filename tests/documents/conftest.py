import pytest

from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Nomination, Role


@pytest.fixture
def room():
    training = make_agenda()
    lead = UserFactory()
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    names = ["Amina Njoroge", "Иван Петров", "فاطمة الزهراء", "David Otieno"]
    people = []
    for i, name in enumerate(names):
        user = UserFactory(email=f"p{i}@example.org", full_name=name)
        people.append(Nomination.objects.create(training=training, full_name=name, email=user.email,
                                                un_entity="IOM", status="confirmed", user=user))
    return training, lead, people
