import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.html import links, text_of
from trainings.models import CountryProfile, Invitation, Membership, Nomination, Role, Training
from trainings.services import team

pytestmark = pytest.mark.django_db


def test_dashboard_lists_my_trainings_with_roles_and_next_actions(client, training, lead, rco,
                                                                  nominate_many):
    nominate_many(training, 3)
    team.invite(actor=lead, training=training, email="mod@example.org",
                kind=Invitation.Kind.TEAM, role=Role.MODERATOR)
    client.force_login(rco)
    html = client.get(reverse("trainings:dashboard")).content.decode()
    assert training.title in html and "RCO admin" in html
    assert f"Nominations due in {training.days_to_nomination_deadline} days" in html
    assert "3 nominated for 18 seats" in html
    client.force_login(lead)
    html = client.get(reverse("trainings:dashboard")).content.decode()
    assert "Lead facilitator" in html
    assert "3 nominations to decide" in html
    assert "1 invitation pending" in html


def test_dashboard_shows_invitations_waiting_for_me(client, training, lead):
    invitee = UserFactory(email="waiting@example.org")
    team.invite(actor=lead, training=training, email=invitee.email,
                kind=Invitation.Kind.TEAM, role=Role.RAPPORTEUR)
    client.force_login(invitee)
    html = client.get(reverse("trainings:dashboard")).content.decode()
    assert "Invitations and nominations waiting for you" in html
    assert "Rapporteur" in html


def test_dashboard_hides_trainings_of_others(client, training, make_training):
    other = make_training(title="Uganda training", country="UG")
    outsider = UserFactory()
    Membership.objects.create(training=other, user=outsider, role=Role.FACILITATOR)
    client.force_login(outsider)
    html = client.get(reverse("trainings:dashboard")).content.decode()
    assert "Uganda training" in html
    assert training.title not in html


def test_completed_trainings_stay_reachable_from_the_dashboard(client, make_training):
    """A facilitator opens last month's results by clicking, not by typing a URL."""
    done = make_training(title="Accra – done", status=Training.Status.COMPLETED)
    other = make_training(title="Not mine – done", status=Training.Status.COMPLETED)
    facilitator = UserFactory()
    Membership.objects.create(training=done, user=facilitator, role=Role.FACILITATOR)
    client.force_login(facilitator)
    html = client.get(reverse("trainings:dashboard")).content.decode()
    assert ("Accra – done", done.get_absolute_url()) in links(html)
    assert "Completed trainings" in text_of(html)
    assert other.title not in html


PAYLOADS = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>',
            '<a href="javascript:alert(1)">x</a>', '<p onclick="alert(1)">hi</p>',
            '<iframe src="https://evil.example"></iframe>', '"><svg onload=alert(1)>']


def test_country_profile_html_is_sanitised(client, training, rco):
    client.force_login(rco)
    url = reverse("trainings:country_profile", args=[training.pk])
    response = client.post(url, {"migration_dynamics": "<p>Mixed <strong>flows</strong></p>"
                                                        + "".join(PAYLOADS),
                                 "trends": "", "priorities": "", "un_engagement": ""})
    assert response.status_code == 302
    profile = CountryProfile.objects.get(country="KE")
    stored = profile.migration_dynamics
    assert "<strong>flows</strong>" in stored
    for bad in ["<script", "onerror", "javascript:", "onclick", "<iframe", "onload", "<svg"]:
        assert bad not in stored
    html = client.get(url).content.decode()
    assert "<strong>flows</strong>" in html
    assert "alert(1)</script>" not in html


def test_survey_dates_to_avoid_are_validated_next_to_the_field(client, training, lead):
    client.force_login(lead)
    url = reverse("trainings:survey", args=[training.pk])
    base = {"connectivity": "good", "cf_status": "design", "un_network": "active"}
    response = client.post(url, {**base, "blocked_dates_text": "2027-13-01 Bad month"})
    assert response.status_code == 200
    assert "line 1: “2027-13-01” is not a date" in response.content.decode()
    response = client.post(url, {**base, "blocked_dates_text": "2027-03-02 Ramadan ends\n\n"
                                                              "2027-03-01 National day"})
    assert response.status_code == 302
    training.survey.refresh_from_db()
    assert training.survey.blocked_dates == [{"date": "2027-03-01", "label": "National day"},
                                             {"date": "2027-03-02", "label": "Ramadan ends"}]


def test_user_text_is_escaped_on_the_roster(client, training, lead, rco):
    Nomination.objects.create(training=training, full_name='<script>alert("x")</script>',
                              email="x@example.org", un_entity="<b>IOM</b>")
    client.force_login(lead)
    html = client.get(reverse("trainings:nominations", args=[training.pk])).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_dashboard_next_actions_follow_the_rules(client, training, lead, nominate_many):
    """A facilitator who is not the lead decides nominations but does not manage the team;
    a moderator does neither (the dashboard asks the rules, not a list of roles)."""
    nominate_many(training, 2)
    team.invite(actor=lead, training=training, email="mod@example.org",
                kind=Invitation.Kind.TEAM, role=Role.MODERATOR)
    facilitator, moderator = UserFactory(), UserFactory()
    Membership.objects.create(training=training, user=facilitator, role=Role.FACILITATOR)
    Membership.objects.create(training=training, user=moderator, role=Role.MODERATOR)
    client.force_login(facilitator)
    html = client.get(reverse("trainings:dashboard")).content.decode()
    assert "2 nominations to decide" in html and "invitation pending" not in html
    client.force_login(moderator)
    html = client.get(reverse("trainings:dashboard")).content.decode()
    assert "to decide" not in html and "invitation pending" not in html


@pytest.mark.parametrize("role,edit,cancel", [
    (Role.LEAD_FACILITATOR, True, True), (Role.FACILITATOR, True, False),
    (Role.MODERATOR, False, False), (Role.TECH_SUPPORT, False, False)])
def test_overview_offers_the_actions_the_role_allows(client, training, role, edit, cancel):
    user = UserFactory()
    Membership.objects.create(training=training, user=user, role=role)
    client.force_login(user)
    html = client.get(reverse("trainings:detail", args=[training.pk])).content.decode()
    assert ("Edit details" in html) is edit
    assert ("Next: Confirmed" in html) is edit  # the status stepper's next step
    assert ("Cancel training" in html) is cancel


def test_overview_of_a_cancelled_training_offers_no_change(client, training, lead):
    from trainings.services.training import cancel_training

    cancel_training(actor=lead, training=training, reason="No venue")
    client.force_login(lead)
    html = client.get(reverse("trainings:detail", args=[training.pk])).content.decode()
    assert "Edit details" not in html and "Cancel training" not in html
    assert "No venue" in html
