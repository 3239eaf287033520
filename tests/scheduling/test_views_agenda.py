import datetime

import pytest
from django.urls import reverse

from scheduling.models import Agenda, CalendarFeed, Slot
from tests.factories import UserFactory
from tests.querycount import count_queries, writes_of_get
from trainings.models import Membership, Role

from .helpers import make_agenda

pytestmark = pytest.mark.django_db


def facilitator_of(training, tz="Europe/Zurich"):
    user = UserFactory(time_zone=tz)
    Membership.objects.create(training=training, user=user, role=Role.FACILITATOR)
    return user


def test_agenda_page_shows_both_zones_named(client):
    training = make_agenda()
    client.force_login(facilitator_of(training, tz="Europe/Zurich"))
    html = client.get(reverse("scheduling:agenda", args=[training.pk])).content.decode()
    assert "Africa/Nairobi" in html and "Europe/Zurich" in html
    assert "08:30–08:45" in html and "EAT" in html      # Nairobi
    assert "06:30–06:45" in html and "CET" in html      # Zurich, one hour ahead of UTC in March
    assert "Monday 1 March 2027" in html


def test_agenda_page_query_count_is_the_same_for_2_and_10_days(client):
    short = make_agenda(option="option-1", title="Two days")
    long = make_agenda(option="option-1", title="Ten days")
    day_one = list(Slot.objects.filter(training=long).prefetch_related(
        "sessions", "activity_parts").order_by("start"))[:16]
    for offset in range(2, 10):
        for original in day_one:
            copy = Slot.objects.create(
                training=long, start=original.start + datetime.timedelta(days=offset),
                end=original.end + datetime.timedelta(days=offset), kind=original.kind,
                title=original.title, module=original.module, leads=original.leads)
            copy.sessions.set(original.sessions.all())
            copy.activity_parts.set(original.activity_parts.all())
    assert Slot.objects.filter(training=long).dates("start", "day").count() == 10
    user = UserFactory(is_staff=True)
    client.force_login(user)
    for training in (short, long):  # warm up (a GET writes nothing: see below)
        client.get(reverse("scheduling:agenda", args=[training.pk]))
    small = count_queries(client, reverse("scheduling:agenda", args=[short.pk]))
    large = count_queries(client, reverse("scheduling:agenda", args=[long.pk]))
    assert small == large


def test_htmx_edit_returns_the_updated_agenda_without_a_reload(client):
    training = make_agenda()
    client.force_login(facilitator_of(training))
    slot = Slot.objects.filter(training=training).order_by("start")[2]
    response = client.post(reverse("scheduling:resize", args=[training.pk, slot.pk]),
                           {"minutes": 75, "shift_following": "on"},
                           headers={"HX-Request": "true"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="agenda"' in html
    assert "now lasts 75 min" in html
    assert "09:15–10:30" in html


def test_bad_input_is_reported_and_changes_nothing(client):
    training = make_agenda()
    client.force_login(facilitator_of(training))
    slot = Slot.objects.filter(training=training).order_by("start")[2]
    response = client.post(reverse("scheduling:resize", args=[training.pk, slot.pk]),
                           {"minutes": 0}, follow=True)
    assert "Length (minutes)" in response.content.decode()
    slot.refresh_from_db()
    assert slot.minutes == 65


def test_personal_agenda_of_a_participant_has_no_team_only_slots(client):
    from trainings.models import Nomination

    training = make_agenda()
    participant = UserFactory()
    Nomination.objects.create(training=training, full_name="P", email=participant.email,
                              un_entity="IOM", status="confirmed", user=participant)
    client.force_login(participant)
    html = client.get(reverse("scheduling:mine", args=[training.pk])).content.decode()
    assert "Opening remarks and introduction to training" in html
    assert "Arrival of participants and technical checks" not in html  # technical test run


def test_now_and_next(client):
    import time_machine

    training = make_agenda()
    user = facilitator_of(training)
    with time_machine.travel(datetime.datetime(2027, 3, 2, 6, 10, tzinfo=datetime.UTC)):
        client.force_login(user)  # a session made "now", so it has not expired
        html = client.get(reverse("scheduling:now", args=[training.pk])).content.decode()
    # 09:10 in Nairobi on day 2: Session 3 presentation runs (09:00-09:40), Activity 4 next
    now = html[html.index('id="now-heading"'):html.index('id="next-heading"')]
    assert "Presentation Q&amp;A; (no activity)" in now
    assert "Introduction to Activity 4" in html[html.index('id="next-heading"'):]



@pytest.mark.parametrize("page", ["agenda", "mine", "now"])
def test_agenda_pages_write_nothing_on_get_even_on_a_first_visit(client, page):
    training = make_agenda()
    for user in (facilitator_of(training), UserFactory(is_staff=True)):
        client.force_login(user)
        assert writes_of_get(client, reverse(f"scheduling:{page}", args=[training.pk])) == []
        assert not CalendarFeed.objects.filter(user=user).exists()


def test_the_agenda_page_reads_an_agenda_that_was_never_laid_out(client):
    training = make_agenda()
    Agenda.objects.filter(training=training).delete()
    client.force_login(facilitator_of(training))
    url = reverse("scheduling:agenda", args=[training.pk])
    assert writes_of_get(client, url) == []
    html = client.get(url).content.decode()
    assert "Draft: not published" in html and 'value="8"' in html   # the default checks
    assert not Agenda.objects.filter(training=training).exists()


def test_a_calendar_link_is_made_when_asked_for_then_shown(client):
    training = make_agenda()
    user = facilitator_of(training)
    client.force_login(user)
    url = reverse("scheduling:agenda", args=[training.pk])
    html = client.get(url).content.decode()
    assert html.count("No link yet.") == 2 and "Make a link" in html
    response = client.post(reverse("scheduling:reset_feed", args=[training.pk]),
                           {"scope": "training"}, follow=True)
    assert "Calendar link made." in response.content.decode()
    feed = CalendarFeed.objects.get(user=user, training=training, revoked_at=None)
    html = client.get(url).content.decode()
    assert f"/calendar/{feed.token}.ics" in html and html.count("No link yet.") == 1
    response = client.post(reverse("scheduling:reset_feed", args=[training.pk]),
                           {"scope": "training"}, follow=True)
    assert "New calendar link made; the old one no longer works." in response.content.decode()
    mine = client.get(reverse("scheduling:mine", args=[training.pk])).content.decode()
    assert "none yet" in mine and "Make a link" in mine


def test_where_each_slot_takes_place_is_the_slots_own_answer(client):
    training = make_agenda()
    online = Slot.objects.filter(training=training, kind="online").order_by("start").first()
    offline = Slot.objects.filter(training=training, kind="offline").order_by("start").first()
    moved = Slot.objects.filter(training=training, kind="offline").order_by("start")[1]
    Slot.objects.filter(pk=moved.pk).update(location="Conference hall B")
    client.force_login(facilitator_of(training))
    html = client.get(reverse("scheduling:agenda", args=[training.pk])).content.decode()

    def where(slot):
        row = html[html.index(f'id="slot-{slot.pk}"'):]
        return row[row.index('class="small where">') + len('class="small where">'):
                   row.index("</td>", row.index('class="small where">'))]

    assert where(online) == (f'<a href="{training.meeting_link}" rel="noopener">'
                             f'{training.get_online_platform_display()}</a>')
    assert where(offline) == offline.where() == "Room 4"
    assert where(moved) == "Conference hall B"
