import pytest

from documents.rules import allowed, kinds_for
from tests.factories import UserFactory
from trainings.models import Membership, Role

pytestmark = pytest.mark.django_db
ALL = ["handouts", "agenda", "pack", "sign_in", "certificate", "outcome", "all_packs"]


def test_the_team_may_have_every_document(room):
    training, lead, people = room
    tech = UserFactory()
    Membership.objects.create(training=training, user=tech, role=Role.TECH_SUPPORT)
    for user in (lead, tech, UserFactory(is_staff=True)):
        assert [k for k, _label in kinds_for(user, training)] == ALL
        assert allowed(user, training, "pack", people[2])


def test_a_participant_may_have_the_handouts_and_their_own_pack_and_certificate(room):
    training, lead, people = room
    me, other = people[0], people[1]
    assert [k for k, _label in kinds_for(me.user, training, me)] == ["handouts", "pack",
                                                                       "certificate"]
    assert allowed(me.user, training, "handouts")
    assert allowed(me.user, training, "certificate", me)
    assert not allowed(me.user, training, "pack", other)
    assert not allowed(me.user, training, "pack")
    for kind in ("agenda", "sign_in", "outcome", "all_packs"):
        assert not allowed(me.user, training, kind, me), kind


def test_someone_without_a_role_may_have_nothing(room):
    training, lead, people = room
    stranger = UserFactory()
    assert kinds_for(stranger, training) == []
    assert not allowed(stranger, training, "handouts")
