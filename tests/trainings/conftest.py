import datetime

import pytest
from django.utils import timezone

from curriculum.models import Curriculum
from tests.factories import UserFactory
from trainings.models import CountryAdmin, Membership, Nomination, Role, Training


@pytest.fixture
def make_training(db):
    def make(**fields):
        curriculum, _ = Curriculum.objects.get_or_create(slug="c", defaults={"title": "C"})
        start = timezone.localdate() + datetime.timedelta(days=60)
        defaults = {"title": "Kenya training", "country": "KE", "city": "Nairobi",
                    "time_zone": "Africa/Nairobi", "start_date": start,
                    "end_date": start + datetime.timedelta(days=3), "capacity": 18,
                    "status": Training.Status.NOMINATIONS_OPEN}
        return Training.objects.create(curriculum=curriculum, **{**defaults, **fields})
    return make


@pytest.fixture
def training(make_training):
    return make_training()


@pytest.fixture
def lead(training):
    user = UserFactory(full_name="Lena Lead")
    Membership.objects.create(training=training, user=user, role=Role.LEAD_FACILITATOR)
    return user


@pytest.fixture
def rco(training):
    user = UserFactory(full_name="Rashid RCO")
    CountryAdmin.objects.create(user=user, country=training.country)
    return user


@pytest.fixture
def nominate_many(rco):
    def make(training, count, status=Nomination.Status.NOMINATED, start=0):
        return [Nomination.objects.create(
            training=training, full_name=f"Person {i}", email=f"p{i}@example.org",
            un_entity=["IOM", "UNDP", "UNICEF"][i % 3], gender=["female", "male"][i % 2],
            status=status, nominated_by=rco,
            waitlist_position=(i + 1) if status == Nomination.Status.WAITLISTED else None,
        ) for i in range(start, start + count)]
    return make
