"""The team page's fixes (issue 16): the role select starts on an empty "Choose a role" and
a missing role is named next to the field; "Remove" goes through a page that says what
removing does before anything is removed. (At 768 px every action is on screen: the
browser test in tests/browser/test_lists.py.)"""

import re

import pytest
from django.urls import reverse

from tests.html import links, text_of
from trainings.models import AuditEntry, Invitation, Membership, Role

from .factories import MembershipFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def team_url(training):
    return reverse("trainings:team", args=[training.pk])


def remove_url(membership):
    return reverse("trainings:remove_member", args=[membership.training_id, membership.pk])


def test_role_select_starts_on_choose_a_role(client, training, lead):
    client.force_login(lead)
    html = client.get(team_url(training)).content.decode()
    select = re.search(r'<select name="role"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no role select"
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select[1])
    assert options[0] == ("", " selected", "Choose a role")
    assert [o for o in options if o[1]] == [options[0]]  # nothing else pre-selected
    assert ("lead_facilitator", "", "Lead facilitator") in options
    assert re.search(r'<select name="role"[^>]*required', html)


def test_an_invitation_without_a_role_is_refused_next_to_the_field(client, training, lead):
    client.force_login(lead)
    response = client.post(team_url(training), {"email": "new@example.org", "role": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_role-errors">Choose the role this person will have.</div>' in html
    assert 'value="new@example.org"' in html  # what was typed stays
    assert not Invitation.objects.filter(email="new@example.org").exists()
    # With a role chosen it goes out.
    response = client.post(team_url(training), {"email": "new@example.org",
                                                "role": "tech_support"}, follow=True)
    assert "Invitation sent to new@example.org." in text_of(response.content)
    assert Invitation.objects.get(email="new@example.org").role == "tech_support"


def test_remove_asks_first_and_says_what_removing_does(client, training, lead):
    member = MembershipFactory(training=training, role=Role.RAPPORTEUR,
                               user__full_name="Rita Rapporteur")
    Membership.objects.create(training=training, user=member.user, role=Role.LIAISON)
    client.force_login(lead)
    page = client.get(team_url(training)).content.decode()
    # "Remove" is a link to the question, not a button that removes at once.
    assert ("Remove Rita Rapporteur as Rapporteur", remove_url(member)) in links(page)
    assert f'action="{remove_url(member)}"' not in page
    confirm = client.get(remove_url(member))
    assert confirm.status_code == 200
    text = text_of(confirm.content)
    assert "Remove Rita Rapporteur as Rapporteur?" in text
    assert "no longer Rapporteur of" in text
    assert "they keep their other role: Liaison focal point" in text
    assert "recorded in the audit log" in text
    assert ("Keep them, back to the team", team_url(training)) in links(confirm.content)
    # Looking at the question removed nothing.
    assert Membership.objects.filter(pk=member.pk).exists()
    response = client.post(remove_url(member), follow=True)
    assert "Rita Rapporteur is no longer Rapporteur." in text_of(response.content)
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert Membership.objects.filter(user=member.user, role=Role.LIAISON).exists()
    assert AuditEntry.objects.filter(training=training, action="member removed").count() == 1


@pytest.mark.parametrize("who", ["facilitator", "outsider"])
def test_the_remove_question_is_for_the_lead_only(client, training, lead, who):
    member = MembershipFactory(training=training, role=Role.MODERATOR)
    if who == "facilitator":
        user = MembershipFactory(training=training, role=Role.FACILITATOR).user
        expected = 403
    else:
        user = MembershipFactory(training=TrainingFactory(), role=Role.LEAD_FACILITATOR).user
        expected = 404
    client.force_login(user)
    assert client.get(remove_url(member)).status_code == expected
    assert client.post(remove_url(member)).status_code == expected
    assert Membership.objects.filter(pk=member.pk).exists()


def test_a_member_of_another_training_is_404_under_this_one(client, training, lead):
    other = MembershipFactory(training=TrainingFactory(), role=Role.MODERATOR)
    client.force_login(lead)
    url = reverse("trainings:remove_member", args=[training.pk, other.pk])
    assert client.get(url).status_code == 404
    assert client.put(url).status_code == 405
    assert Membership.objects.filter(pk=other.pk).exists()
