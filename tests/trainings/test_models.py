"""What holds a seat: `Nomination.objects.holding_seats(now)`, the one definition the
capacity check, the roster's seat count and the dashboard use (`Nomination.holds_seat` is the
same rule for a row already loaded)."""

import datetime

import pytest
from django.utils import timezone

from trainings.models import Nomination
from trainings.services import seats

from .factories import NominationFactory, TrainingFactory

pytestmark = pytest.mark.django_db
S = Nomination.Status
NOW = timezone.now()


def nomination(training, status, offer_in=None, **extra):
    expires = NOW + offer_in if offer_in is not None else None
    return NominationFactory(training=training, status=status, offer_expires_at=expires,
                             **extra)


@pytest.fixture
def training():
    return TrainingFactory(capacity=5)


def test_an_open_offer_holds_a_seat_and_a_lapsed_one_does_not(training):
    open_offer = nomination(training, S.WAITLISTED, datetime.timedelta(hours=1))
    lapsed = nomination(training, S.WAITLISTED, -datetime.timedelta(seconds=1))
    holding = set(Nomination.objects.holding_seats(NOW))
    assert open_offer in holding
    assert lapsed not in holding
    assert open_offer.holds_seat(NOW) and not lapsed.holds_seat(NOW)


def test_the_same_offer_lapses_with_time(training):
    offer = nomination(training, S.WAITLISTED, datetime.timedelta(hours=1))
    later = NOW + datetime.timedelta(hours=1)  # the moment it expires: no longer open
    assert Nomination.objects.holding_seats(NOW).count() == 1
    assert Nomination.objects.holding_seats(later).count() == 0
    assert offer.holds_seat(NOW) and not offer.holds_seat(later)


@pytest.mark.parametrize("status,holds", [
    (S.NOMINATED, False), (S.APPROVED, True), (S.CONFIRMED, True), (S.WAITLISTED, False),
    (S.DECLINED, False), (S.WITHDRAWN, False)])
def test_which_states_hold_a_seat_without_an_offer(training, status, holds):
    row = nomination(training, status, decision_reason="x" if status == S.DECLINED else "")
    assert (row in Nomination.objects.holding_seats(NOW)) is holds
    assert row.holds_seat(NOW) is holds


def test_an_expiry_left_on_another_state_is_not_an_offer(training):
    """Only a waitlisted person holds a seat through an offer."""
    row = nomination(training, S.DECLINED, datetime.timedelta(hours=1), decision_reason="x")
    assert not Nomination.objects.holding_seats(NOW).exists()
    assert not row.holds_seat(NOW)


def test_seats_used_is_holding_seats_of_the_training(training):
    other = TrainingFactory()
    nomination(training, S.APPROVED)
    nomination(training, S.CONFIRMED)
    nomination(training, S.WAITLISTED, datetime.timedelta(hours=2))
    nomination(training, S.WAITLISTED, -datetime.timedelta(hours=2))
    nomination(other, S.APPROVED)
    assert seats.seats_used(training, now=NOW) == 3
    assert seats.free_seats(training, now=NOW) == 2
    assert Nomination.objects.filter(training=training).holding_seats(NOW).count() == 3


def test_seated_is_the_people_in_the_room(training):
    approved = nomination(training, S.APPROVED)
    confirmed = nomination(training, S.CONFIRMED)
    nomination(training, S.WAITLISTED, datetime.timedelta(hours=2))
    assert set(Nomination.objects.seated()) == {approved, confirmed}
