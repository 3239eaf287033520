"""The seat lifecycle (trainings.services.seats): capacity by `holding_seats`, offers, the
invitation to take a seat, its confirmation, lapsed offers. And the shape of the services:
`nominations` and `team` use `seats`, never each other; selectors neither write nor import
services."""

import ast
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import trainings
from tests.factories import UserFactory
from trainings import selectors
from trainings.models import Invitation, Nomination
from trainings.services import nominations, seats, team

from .factories import NominationFactory, TrainingFactory

S = Nomination.Status
APP = Path(trainings.__file__).parent


def imported_modules(path):
    """The trainings modules `path` imports, lazily or not, as dotted names."""
    package = ["trainings", *path.relative_to(APP).parent.parts]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            found |= {target, *(f"{target}.{alias.name}" for alias in node.names)}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {name for name in found if name.startswith("trainings")}


def test_nominations_and_team_import_seats_never_each_other():
    services = APP / "services"
    nominations_imports = imported_modules(services / "nominations.py")
    team_imports = imported_modules(services / "team.py")
    seats_imports = imported_modules(services / "seats.py")
    assert "trainings.services.seats" in nominations_imports
    assert "trainings.services.seats" in team_imports
    assert "trainings.services.team" not in nominations_imports
    assert "trainings.services.nominations" not in team_imports
    assert not seats_imports & {"trainings.services.nominations", "trainings.services.team",
                                "trainings.services.training"}


def test_selectors_import_no_service():
    assert not {m for m in imported_modules(APP / "selectors.py")
                if m.startswith("trainings.services")}


@pytest.mark.django_db
def test_selectors_only_read():
    training = TrainingFactory()
    NominationFactory(training=training, status=S.APPROVED)
    staff = UserFactory(is_staff=True)
    with CaptureQueriesContext(connection) as queries:
        selectors.roster_for(staff, training)
        selectors.seats(training)
        selectors.dashboard(staff)
        selectors.team(training)
        selectors.survey_of(training)
        list(selectors.visible_trainings(staff))
    assert queries.captured_queries
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)


# --- capacity and offers -----------------------------------------------------------------------


@pytest.fixture
def small(db):
    return TrainingFactory(capacity=1, status="nominations_open")


@pytest.fixture
def lead(small):
    from trainings.models import Membership, Role

    user = UserFactory()
    Membership.objects.create(training=small, user=user, role=Role.LEAD_FACILITATOR)
    return user


@pytest.mark.django_db
def test_an_open_offer_takes_the_last_seat_and_a_lapsed_one_gives_it_back(small, lead):
    offer = NominationFactory(training=small, status=S.WAITLISTED, waitlist_position=1,
                              offer_expires_at=timezone.now() + datetime.timedelta(hours=1))
    other = NominationFactory(training=small)
    with pytest.raises(seats.CapacityError):
        nominations.approve(actor=lead, nomination=other)
    # The offer lapses; before the sweep runs, the seat already counts as free.
    Nomination.objects.filter(pk=offer.pk).update(
        offer_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert seats.free_seats(small) == 1
    nominations.approve(actor=lead, nomination=other)
    assert Nomination.objects.get(pk=other.pk).status == S.APPROVED


@pytest.mark.django_db
def test_confirming_a_lapsed_offer_is_refused(small):
    offer = NominationFactory(training=small, status=S.WAITLISTED, waitlist_position=1,
                              offer_expires_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="no longer available"):
        seats.confirm_seat(nomination=offer, user=UserFactory())


@pytest.mark.django_db
def test_promote_offers_free_seats_in_order_with_an_invitation_each(lead):
    training = TrainingFactory(capacity=2, status="nominations_open")
    first, second, third = (NominationFactory(training=training, status=S.WAITLISTED,
                                              waitlist_position=i) for i in (1, 2, 3))
    offered = seats.promote_from_waitlist(training=training, actor=lead)
    assert [n.pk for n in offered] == [first.pk, second.pk]
    for nomination in (first, second):
        invitation = Invitation.objects.get(nomination=nomination, revoked_at=None)
        assert invitation.kind == Invitation.Kind.PARTICIPANT
        assert invitation.expires_at == Nomination.objects.get(pk=nomination.pk).offer_expires_at
    assert not Invitation.objects.filter(nomination=third).exists()
    assert seats.promote_from_waitlist(training=training) == []  # nothing free any more


@pytest.mark.django_db
def test_accepting_a_seat_invitation_confirms_it_through_seats(small, lead):
    nomination = NominationFactory(training=small)
    nominations.approve(actor=lead, nomination=nomination)
    invitation = Invitation.objects.get(nomination=nomination)
    user = UserFactory(email=nomination.email)
    team.accept(invitation=invitation, user=user)
    nomination.refresh_from_db()
    assert (nomination.status, nomination.user) == (S.CONFIRMED, user)
    assert user.has_perm("trainings.view_own_nomination", small)


@pytest.mark.django_db
def test_the_nominations_module_keeps_the_seat_names_callers_use():
    assert nominations.confirm_seat is seats.confirm_seat
    assert nominations.expire_offers is seats.expire_offers
    assert nominations.promote_from_waitlist is seats.promote_from_waitlist
    assert nominations.seats_used is seats.seats_used
    assert nominations.CapacityError is seats.CapacityError
