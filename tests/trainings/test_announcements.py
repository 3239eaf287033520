"""Announcements (issue 21, part 5; docs/announcements.md): facilitators and staff write to the
participants, the team, or both; a preview shows the sanitised rendering; sending queues one
outbox message per recipient, once per form; the Announcements page lists, for each viewer,
what was sent to their group. And the personal message of a team invitation: stored without
HTML, in the email (text and HTML) and on the invitation page."""

import uuid
import zoneinfo

import pytest
from django.urls import reverse

from notifications.models import Message
from tests.factories import UserFactory
from tests.html import links, text_of
from tests.querycount import count_queries, writes_of_get
from trainings.models import (
    Announcement,
    AuditEntry,
    Invitation,
    Membership,
    Nomination,
    Role,
    Training,
)
from trainings.services import announcements, team

from .factories import (
    ALL_ROLES,
    MembershipFactory,
    NominationFactory,
    RoleWorld,
)

pytestmark = pytest.mark.django_db
SCRIPT_BODY = ("**Venue** moved to Room 7.\n\n<script>alert('owned')</script>\n\n"
               "- bring a laptop\n- bring your CF\n\n<img src=x onerror=alert(2)>"
               "[agenda](javascript:alert(3))")


def new_url(training):
    return reverse("trainings:announcement_new", args=[training.pk])


def list_url(training):
    return reverse("trainings:announcements", args=[training.pk])


def form(audience="participants", subject="Room change", body="See you in **Room 7**.",
         key=None, action="send"):
    return {"audience": audience, "subject": subject, "body": body,
            "key": str(key or uuid.uuid4()), "action": action}


@pytest.fixture
def room(training, lead, rco):
    """The Kenya training with its lead, the country's RCO admin, a moderator, three confirmed
    participants (one without an account, one also the moderator) and people who are not
    in the room: approved but not confirmed, waitlisted, declined."""
    moderator = MembershipFactory(training=training, role=Role.MODERATOR,
                                  user__full_name="Mo Moderator",
                                  user__time_zone="America/New_York").user
    people = {"lead": lead, "rco": rco, "moderator": moderator}
    for name in ("amina", "bola"):
        people[name] = UserFactory(full_name=name.title(), email=f"{name}@example.org")
        NominationFactory(training=training, user=people[name], full_name=name.title(),
                          email=f"{name}@example.org", status=Nomination.Status.CONFIRMED)
    NominationFactory(training=training, full_name="Chen No-account", email="chen@example.org",
                      status=Nomination.Status.CONFIRMED)
    NominationFactory(training=training, user=moderator, full_name="Mo Moderator",
                      email=moderator.email, status=Nomination.Status.CONFIRMED)
    for status in ("approved", "waitlisted", "nominated"):
        NominationFactory(training=training, email=f"{status}@example.org", status=status)
    return people


def outbox(training):
    return Message.objects.filter(training=training, kind="announcement")


# --- preview ---------------------------------------------------------------------------------

def test_the_preview_shows_the_rendered_sanitised_text_and_sends_nothing(client, training, room):
    client.force_login(room["lead"])
    page = client.get(new_url(training))
    assert page.status_code == 200
    key = page.context["form"].initial["key"]
    response = client.post(new_url(training), form(
        subject="<b>Room</b> change", body=SCRIPT_BODY, key=key, action="preview"))
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)
    assert "Preview" in text
    assert "It goes to 4 people: the confirmed participants" in text
    assert "<strong>Venue</strong> moved to Room 7." in html
    assert "<li>bring a laptop</li>" in html
    assert "Room change" in text and "<b>Room</b>" not in html
    # No script, no image with its handler comes through, not even as escaped text in the
    # hidden fields that carry the text to "Send"; the javascript: link loses its href.
    assert "alert('owned')" not in html and "alert(2)" not in html
    assert "onerror" not in html and "<img" not in html
    assert ">agenda</a>" in html and 'href="javascript' not in html
    assert f'name="key" value="{key}"' in html
    assert not Announcement.objects.exists() and not outbox(training).exists()


def test_edit_goes_back_to_the_form_as_typed(client, training, room):
    client.force_login(room["lead"])
    response = client.post(new_url(training), form(subject="Room change", action="edit",
                                                   body="Line one\n\n- item"))
    html = response.content.decode()
    assert 'value="Room change"' in html
    assert "Line one\n\n- item</textarea>" in html
    assert not Announcement.objects.exists()


# --- sending -------------------------------------------------------------------------------

def test_sending_queues_one_message_per_recipient_and_a_second_submit_none(
        client, training, room):
    client.force_login(room["lead"])
    data = form(audience="participants", body=SCRIPT_BODY)
    response = client.post(new_url(training), data, follow=True)
    assert response.redirect_chain[-1][0] == list_url(training)
    assert "Announcement “Room change” sent to 4 people." in text_of(response.content)
    rows = outbox(training)
    assert sorted(rows.values_list("address", flat=True)) == [
        "amina@example.org", "bola@example.org", "chen@example.org", room["moderator"].email]
    assert rows.filter(state="scheduled").count() == 4
    # The same form again (a double click, the browser's back button and resubmit).
    again = client.post(new_url(training), data, follow=True)
    assert "was already sent; it was not sent again." in text_of(again.content)
    assert outbox(training).count() == 4
    assert Announcement.objects.count() == 1
    assert AuditEntry.objects.filter(training=training, action="announcement sent").count() == 1
    # A new form (a new key) is a new announcement.
    client.post(new_url(training), form(audience="participants"))
    assert outbox(training).count() == 8


def test_the_email_is_the_sanitised_text_in_the_recipients_zone(client, training, room):
    client.force_login(room["lead"])
    client.post(new_url(training), form(audience="team", subject="Dinner <i>tonight</i>",
                                        body=SCRIPT_BODY))
    announcement = Announcement.objects.get()
    message = outbox(training).get(address=room["moderator"].email)
    assert message.recipient == room["moderator"]
    assert message.subject == "[UNCT Training] Dinner tonight (Kenya training)"
    assert "**Venue** moved to Room 7." in message.text
    assert "- bring a laptop" in message.text
    both = message.text + message.html
    assert "alert('owned')" not in both and "alert(2)" not in both and "<script" not in both
    assert 'href="javascript' not in message.html
    assert "<strong>Venue</strong>" in message.html
    assert "Lena Lead wrote to the team of “Kenya training”" in message.text
    # The moment it was sent, in the training's zone and the moderator's own.
    local = announcement.created_at.astimezone(zoneinfo.ZoneInfo("Africa/Nairobi"))
    assert f"{local:%H:%M} EAT (Africa/Nairobi) = " in message.text
    assert "your time (America/New_York)" in message.text
    assert f"/trainings/{training.pk}/announcements/" in message.text
    rco_message = outbox(training).get(address=room["rco"].email)
    assert "your time" not in rco_message.text   # the RCO admin's zone is the training's


def test_recipients_by_audience(training, room):
    def sent_to(audience):
        found = announcements.send(actor=room["lead"], training=training, audience=audience,
                                   subject="S", body="B", key=uuid.uuid4())[0]
        return sorted(r.email for r in found.recipients.all())

    participants = ["amina@example.org", "bola@example.org", "chen@example.org",
                    room["moderator"].email]
    team_members = sorted([room["lead"].email, room["moderator"].email, room["rco"].email])
    assert sent_to("participants") == sorted(participants)
    assert sent_to("team") == team_members
    # Both: each address once (the moderator also holds a seat).
    assert sent_to("both") == sorted(set(participants) | set(team_members))
    assert outbox(training).filter(address=room["moderator"].email).count() == 3


def test_bad_input_is_named_next_to_the_field_and_nothing_is_saved(client, training, room):
    client.force_login(room["lead"])
    cases = [
        (form(subject="", body=""), {"subject": "Write a subject.",
                                     "body": "Write the message."}),
        (form(body="<script>alert(1)</script>"),
         {"body": "Write the message (text; HTML is removed)."}),
        (form(audience="everyone"), {"audience": "Select a valid choice."}),
        (form(subject="x" * 201), {"subject": "at most 200 characters"}),
    ]
    for data, errors in cases:
        response = client.post(new_url(training), data)
        assert response.status_code == 200
        html = response.content.decode()
        for field, words in errors.items():
            assert f'id="id_{field}-errors">' in html, field
            assert words in html.split(f'id="id_{field}-errors">')[1].split("</div>")[0]
    missing_key = {**form(), "key": "not-a-key"}
    html = client.post(new_url(training), missing_key).content.decode()
    assert "This form is incomplete" in html
    assert not Announcement.objects.exists() and not outbox(training).exists()


def test_an_audience_with_nobody_in_it_is_refused(client, make_training, lead):
    empty = make_training(title="Empty")
    Membership.objects.create(training=empty, user=lead, role=Role.LEAD_FACILITATOR)
    client.force_login(lead)
    for action in ("preview", "send"):
        html = client.post(new_url(empty), form(action=action)).content.decode()
        assert "Nobody to send to: this training has no confirmed participants yet." in html
    assert not Announcement.objects.exists()


# --- the role matrix -------------------------------------------------------------------------

WRITERS = {"staff": 200, "lead_facilitator": 200, "facilitator": 200}
EXPECTED_WRITE = {**WRITERS, "tech_support": 403, "moderator": 403, "rapporteur": 403,
                  "liaison": 403, "rco_admin": 403, "participant": 403,
                  "other_facilitator": 404, "other_rco_admin": 404, "no_role": 404}


@pytest.fixture
def world():
    return RoleWorld()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_write(client, world, role):
    client.force_login(world.users[role])
    training = world.training
    expected = EXPECTED_WRITE[role]
    assert client.get(new_url(training)).status_code == expected
    response = client.post(new_url(training), form(audience="both"))
    assert response.status_code == (302 if expected == 200 else expected)
    assert Announcement.objects.exists() == (expected == 200)
    listed = client.get(list_url(training))
    assert listed.status_code == (404 if role.startswith(("other", "no_")) else 200)
    if listed.status_code == 200:
        offered = (("Write an announcement", new_url(training)) in links(listed.content))
        assert offered == (expected == 200)
    else:
        assert world.training.title not in listed.content.decode()


def test_nobody_writes_to_a_cancelled_training(client, world):
    Training.objects.filter(pk=world.training.pk).update(status="cancelled",
                                                         cancel_reason="Postponed")
    client.force_login(world.users["lead_facilitator"])
    assert client.get(new_url(world.training)).status_code == 403
    assert client.post(new_url(world.training), form()).status_code == 403


# --- the list, per viewer ------------------------------------------------------------------

def test_each_viewer_sees_what_was_sent_to_their_group(client, training, room):
    for audience, subject in (("participants", "For the participants"),
                              ("team", "For the team"), ("both", "For everyone")):
        announcements.send(actor=room["lead"], training=training, audience=audience,
                           subject=subject, body=f"{subject}, **please read**.",
                           key=uuid.uuid4())
    latecomer = UserFactory(full_name="Late Participant")
    NominationFactory(training=training, user=latecomer, email=latecomer.email,
                      status=Nomination.Status.CONFIRMED)
    rapporteur = MembershipFactory(training=training, role=Role.RAPPORTEUR).user
    seen = {
        "lead": ["For everyone", "For the team", "For the participants"],
        "amina": ["For everyone", "For the participants"],
        "latecomer": ["For everyone", "For the participants"],  # joined afterwards: sees them
        "rco": ["For everyone", "For the team"],
        "rapporteur": ["For everyone", "For the team"],
        "moderator": ["For everyone", "For the team", "For the participants"],  # both groups
    }
    users = {**room, "latecomer": latecomer, "rapporteur": rapporteur}
    for name, subjects in seen.items():
        client.force_login(users[name])
        response = client.get(list_url(training))
        html = response.content.decode()
        shown = [s for s in ("For everyone", "For the team", "For the participants")
                 if f">{s}</h3>" in html]
        assert shown == subjects, name
        assert "<strong>please read</strong>" in html
        # Names and addresses of the recipients: for the writers only.
        assert ("chen@example.org" in html) == (name == "lead"), name
    client.force_login(room["lead"])
    text = text_of(client.get(list_url(training)).content)
    assert "to the participants (4 people)" in text
    assert "to the participants and team (6 people)" in text
    assert "Who it went to" in text


def test_the_list_costs_the_same_queries_for_few_or_many_and_writes_nothing(
        client, training, room):
    def add(count):
        for i in range(count):
            announcements.send(actor=room["lead"], training=training, audience="both",
                               subject=f"A{i}", body="B", key=uuid.uuid4())
    client.force_login(room["lead"])
    add(1)
    few = count_queries(client, list_url(training))
    add(5)
    for i in range(6):
        NominationFactory(training=training, email=f"more{i}@example.org",
                          status=Nomination.Status.CONFIRMED)
    add(1)
    assert count_queries(client, list_url(training)) == few
    assert writes_of_get(client, list_url(training)) == []
    client.force_login(room["amina"])
    assert count_queries(client, list_url(training)) <= few + 2


# --- the personal message of an invitation ---------------------------------------------------

def test_a_team_invitation_carries_the_personal_message(client, training, lead):
    client.force_login(lead)
    response = client.post(reverse("trainings:team", args=[training.pk]), {
        "email": "rita@example.org", "role": "rapporteur",
        "message": "Welcome **Rita**!\n\n<script>alert(1)</script>We need you on day 2."},
        follow=True)
    assert "Invitation sent to rita@example.org." in text_of(response.content)
    invitation = Invitation.objects.get(email="rita@example.org")
    assert invitation.message == "Welcome **Rita**!\n\nWe need you on day 2."
    message = Message.objects.get(kind="invitation", address="rita@example.org")
    assert "Lena Lead writes:\n\nWelcome **Rita**!\n\nWe need you on day 2." in message.text
    assert "<strong>Rita</strong>" in message.html
    assert "alert" not in message.text + message.html


def test_the_invitation_page_shows_the_personal_message(client, training, lead):
    invitation, token = team.invite(actor=lead, training=training, email="new@example.org",
                                    kind="team", role=Role.MODERATOR,
                                    message="See you in *Nairobi*.<img src=x onerror=alert(1)>")
    assert invitation.message == "See you in *Nairobi*."
    html = client.get(reverse("trainings:invitation", args=[token])).content.decode()
    assert "A message from Lena Lead" in text_of(html)
    assert "See you in <em>Nairobi</em>." in html
    assert "onerror" not in html
    # Without a message, neither the page nor the email has the section.
    _plain, token = team.invite(actor=lead, training=training, email="n2@example.org",
                                kind="team", role=Role.RAPPORTEUR)
    assert "A message from" not in text_of(client.get(
        reverse("trainings:invitation", args=[token])).content)
    assert "writes:" not in Message.objects.get(address="n2@example.org").text


def test_the_team_form_offers_the_message_field(client, training, lead):
    client.force_login(lead)
    html = client.get(reverse("trainings:team", args=[training.pk])).content.decode()
    assert '<label class="form-label" for="id_message">Personal message (optional)</label>' \
        in html
