"""The invitation link, opened while signed in as someone else (security review: a
participant of another training accepted a facilitator's link and read the roster)."""

import pytest

from tests.factories import UserFactory
from tests.html import text_of
from trainings.models import Invitation, Membership, Role
from trainings.services import team

pytestmark = pytest.mark.django_db


def test_a_link_opened_by_another_account_says_whose_it_is_and_grants_nothing(client, training,
                                                                              lead):
    _invitation, token = team.invite(actor=lead, training=training, email="fac@example.org",
                                     kind=Invitation.Kind.TEAM, role=Role.FACILITATOR)
    stranger = UserFactory(email="participant.elsewhere@example.org")
    client.force_login(stranger)
    url = f"/invitations/{token}/"
    page = client.get(url)
    text = text_of(page.content)
    assert "This invitation is for fac@example.org; you are signed in as " \
           "participant.elsewhere@example.org." in text
    assert "Sign out" in text and ">Accept<" not in page.content.decode()
    refused = client.post(url, {"action": "accept"})
    assert refused.status_code == 403
    assert "Only fac@example.org can accept it" in text_of(refused.content)
    assert not Membership.objects.filter(training=training, user=stranger).exists()
    assert client.get(f"/trainings/{training.pk}/nominations/").status_code == 404

    owner = UserFactory(email="fac@example.org")
    client.force_login(owner)
    accepted = client.post(url, {"action": "accept"})
    assert accepted.status_code == 302
    assert Membership.objects.filter(training=training, user=owner,
                                     role=Role.FACILITATOR).exists()
