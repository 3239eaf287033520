"""Calendar feeds (RFC 5545) served at the private token URL `/calendar/<token>.ics`.

Every feed is fetched over HTTP without a login and parsed back with icalendar."""

import datetime
import zoneinfo

import pytest
from icalendar import Calendar

from scheduling.models import PARTICIPANT_KINDS, Slot, SlotKind
from scheduling.services import editing, publishing
from trainings.models import Membership, Role

from .conftest import add_member

NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")
LINK = "https://teams.example.org/x"
ONLINE_KINDS = {SlotKind.ONLINE, SlotKind.TECHNICAL_TEST, SlotKind.BRIEFING, SlotKind.DEBRIEFING}


def url(feed):
    return f"/calendar/{feed.token}.ics"


def fetch(client, feed):
    """The parsed calendar of a feed, fetched anonymously."""
    client.logout()
    response = client.get(url(feed))
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def uid(slot):
    return f"{slot.uid}@unct-training"


def attendees(event):
    value = event.get("ATTENDEE", [])
    return {str(a) for a in (value if isinstance(value, list) else [value])}


@pytest.fixture
def training_feed(kenya, lead_facilitator):
    return publishing.feed_for(user=lead_facilitator, training=kenya)


# --- the training feed --------------------------------------------------------------------


def test_feed_needs_no_login_and_is_a_calendar(client, kenya, training_feed):
    response = client.get(url(training_feed))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"BEGIN:VCALENDAR" in response.content
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"])


def test_feed_has_the_training_zone_as_vtimezone(client, kenya, training_feed):
    calendar = fetch(client, training_feed)
    zones = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    assert zones == ["Africa/Nairobi"]


def test_every_slot_is_one_event_with_a_stable_uid(client, kenya, training_feed):
    slots = list(Slot.objects.filter(training=kenya))
    assert len(slots) == 36
    found = events(fetch(client, training_feed))
    assert set(found) == {uid(s) for s in slots}


def test_events_have_local_times_with_tzid(client, kenya, training_feed):
    found = events(fetch(client, training_feed))
    for slot in Slot.objects.filter(training=kenya):
        event = found[uid(slot)]
        for prop, instant in (("DTSTART", slot.start), ("DTEND", slot.end)):
            assert event[prop].params["TZID"] == "Africa/Nairobi"
            value = event[prop].dt
            assert value == instant
            assert value.replace(tzinfo=None) == instant.astimezone(NAIROBI).replace(tzinfo=None)


def test_first_slot_starts_at_0830_local_on_the_first_day(client, kenya, training_feed):
    response = client.get(url(training_feed))
    first = Slot.objects.filter(training=kenya).order_by("start").first()
    event = events(Calendar.from_ical(response.content))[uid(first)]
    assert event["DTSTART"].dt.replace(tzinfo=None) == datetime.datetime(2027, 3, 1, 8, 30)
    assert event["DTEND"].dt.replace(tzinfo=None) == datetime.datetime(2027, 3, 1, 8, 45)
    assert b"DTSTART;TZID=Africa/Nairobi:20270301T083000" in response.content


def test_events_have_summary_location_sequence_and_alarm(client, kenya, training_feed):
    response = client.get(url(training_feed))
    found = events(Calendar.from_ical(response.content))
    for slot in Slot.objects.filter(training=kenya):
        event = found[uid(slot)]
        assert slot.title in str(event["SUMMARY"])
        assert "Kenya" in str(event["SUMMARY"])
        assert "DTSTAMP" in event
        assert int(event["SEQUENCE"]) == slot.sequence
        expected = LINK if slot.kind in ONLINE_KINDS else "Room 4"
        assert str(event["LOCATION"]) == expected, (slot.kind, slot.title)
        alarms = event.walk("VALARM")
        assert len(alarms) == 1
        assert alarms[0]["TRIGGER"].dt == datetime.timedelta(minutes=-15)
        assert str(alarms[0]["ACTION"]) == "DISPLAY"
    assert b"TRIGGER:-PT15M" in response.content


def test_online_and_offline_slots_get_link_and_venue(client, kenya, training_feed):
    found = events(fetch(client, training_feed))
    online = Slot.objects.filter(training=kenya, kind=SlotKind.ONLINE).first()
    offline = Slot.objects.filter(training=kenya, kind=SlotKind.OFFLINE).first()
    assert str(found[uid(online)]["LOCATION"]) == LINK
    assert str(found[uid(offline)]["LOCATION"]) == "Room 4"
    online.location = "Conference room B"
    online.save()
    found = events(fetch(client, training_feed))
    assert str(found[uid(online)]["LOCATION"]) == "Conference room B"


def test_events_list_the_team_as_attendees(client, kenya, training_feed, lead_facilitator,
                                           moderator, rapporteur, participant):
    found = events(fetch(client, training_feed))
    team = {f"mailto:{u.email}" for u in (lead_facilitator, moderator, rapporteur)}
    for event in found.values():
        listed = attendees(event)
        assert team <= listed
        # Participants' addresses are personal data: not handed to every subscriber.
        assert f"mailto:{participant.email}" not in listed


def test_moved_slot_keeps_uid_gets_higher_sequence_and_new_time(client, kenya, training_feed):
    slot = Slot.objects.filter(training=kenya, kind=SlotKind.ONLINE).order_by("start").first()
    others_before = {uid(s): s.sequence for s in Slot.objects.filter(training=kenya)
                     .exclude(pk=slot.pk)}
    before = events(fetch(client, training_feed))[uid(slot)]
    editing.move_slot(actor=None, slot=slot, day=datetime.date(2027, 3, 2),
                      start_time=datetime.time(14, 0))
    found = events(fetch(client, training_feed))
    after = found[uid(slot)]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after["DTSTART"].dt.replace(tzinfo=None) == datetime.datetime(2027, 3, 2, 14, 0)
    length = before["DTEND"].dt - before["DTSTART"].dt
    assert after["DTEND"].dt - after["DTSTART"].dt == length
    assert after["DTSTART"].params["TZID"] == "Africa/Nairobi"
    # The other events are untouched: same UIDs, same SEQUENCE.
    assert {u: int(e["SEQUENCE"]) for u, e in found.items() if u != uid(slot)} == others_before


# --- personal feeds -----------------------------------------------------------------------


def test_moderator_personal_feed_has_his_slots_and_the_participants(client, kenya, moderator):
    facilitators_only = Slot.objects.create(
        training=kenya, kind=SlotKind.BRIEFING, title="Facilitators' huddle",
        start=datetime.datetime(2027, 3, 1, 4, 0, tzinfo=datetime.UTC),
        end=datetime.datetime(2027, 3, 1, 4, 30, tzinfo=datetime.UTC), leads=["facilitator"])
    # Briefings and debriefings for facilitators, moderator and rapporteurs.
    editing.add_briefings(actor=None, training=kenya)
    found = events(fetch(client, publishing.feed_for(user=moderator)))
    slots = list(Slot.objects.filter(training=kenya))
    expected = {uid(s) for s in slots if s.kind in PARTICIPANT_KINDS or "moderator" in s.leads}
    assert set(found) == expected
    assert {uid(s) for s in slots if s.kind == SlotKind.OFFLINE} <= set(found)
    assert uid(facilitators_only) not in found
    technical = [s for s in slots if s.kind == SlotKind.TECHNICAL_TEST]
    assert technical and not {uid(s) for s in technical} & set(found)
    # The briefings that name the moderator are his.
    led = [s for s in slots if s.kind == SlotKind.BRIEFING and "moderator" in s.leads]
    assert led and {uid(s) for s in led} <= set(found)


def test_participant_personal_feed_has_no_team_slots(client, kenya, participant):
    editing.add_briefings(actor=None, training=kenya)  # debriefings exist too
    found = events(fetch(client, publishing.feed_for(user=participant)))
    slots = list(Slot.objects.filter(training=kenya))
    assert set(found) == {uid(s) for s in slots if s.kind in PARTICIPANT_KINDS}
    kinds = {uid(s): s.kind for s in slots}
    team_only = {SlotKind.BRIEFING, SlotKind.DEBRIEFING, SlotKind.TECHNICAL_TEST}
    assert {kinds[u] for u in found} & team_only == set()
    assert {SlotKind.ONLINE, SlotKind.OFFLINE, SlotKind.BREAK} <= {kinds[u] for u in found}
    assert all("Briefing" not in str(e["SUMMARY"]) for e in found.values())


def test_personal_feed_spans_all_the_persons_trainings(client, kenya, make_kenya, moderator):
    other = make_kenya(title="Mombasa", city="Mombasa", start_date=datetime.date(2027, 5, 3),
                       end_date=datetime.date(2027, 5, 6))
    Membership.objects.create(training=other, user=moderator, role=Role.MODERATOR)
    stranger = make_kenya(title="Kisumu", city="Kisumu")
    found = events(fetch(client, publishing.feed_for(user=moderator)))
    trainings = {Slot.objects.get(uid=u.split("@")[0]).training_id for u in found}
    assert trainings == {kenya.pk, other.pk}
    assert stranger.pk not in trainings


def test_feed_for_returns_the_same_link_until_reset(kenya, moderator):
    first = publishing.feed_for(user=moderator, training=kenya)
    assert publishing.feed_for(user=moderator, training=kenya) == first
    assert publishing.feed_for(user=moderator) != first


# --- revocation and lost access -----------------------------------------------------------


@pytest.mark.parametrize("scope", ["training", "personal"])
def test_reset_feed_revokes_the_old_link(client, kenya, moderator, scope):
    training = kenya if scope == "training" else None
    old = publishing.feed_for(user=moderator, training=training)
    assert client.get(url(old)).status_code == 200
    new = publishing.reset_feed(user=moderator, training=training)
    assert new.token != old.token
    assert client.get(url(old)).status_code == 404
    assert client.get(url(new)).status_code == 200
    assert publishing.feed_for(user=moderator, training=training) == new


def test_reset_through_the_agenda_page(client, kenya, moderator):
    old = publishing.feed_for(user=moderator, training=kenya)
    client.force_login(moderator)
    response = client.post(f"/trainings/{kenya.pk}/agenda/feeds/reset/", {"scope": "training"})
    assert response.status_code == 302
    client.logout()
    assert client.get(url(old)).status_code == 404
    assert client.get(url(publishing.feed_for(user=moderator, training=kenya))).status_code == 200


def test_feed_of_a_user_who_lost_access_is_404(client, kenya, moderator):
    training_feed = publishing.feed_for(user=moderator, training=kenya)
    personal_feed = publishing.feed_for(user=moderator)
    assert client.get(url(training_feed)).status_code == 200
    Membership.objects.filter(training=kenya, user=moderator).delete()
    assert client.get(url(training_feed)).status_code == 404
    # The personal feed still works but no longer shows that training.
    assert events(fetch(client, personal_feed)) == {}


def test_feed_of_an_inactive_user_is_404(client, kenya, moderator):
    feed = publishing.feed_for(user=moderator, training=kenya)
    moderator.is_active = False
    moderator.save()
    assert client.get(url(feed)).status_code == 404


def test_unknown_token_is_404(client, kenya):
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404


def test_feed_of_a_new_team_member_works(client, kenya):
    tech = add_member(kenya, Role.TECH_SUPPORT, full_name="Tia Tech")
    found = events(fetch(client, publishing.feed_for(user=tech)))
    slots = Slot.objects.filter(training=kenya)
    assert set(found) == {uid(s) for s in slots if s.kind in PARTICIPANT_KINDS
                          or "technical_support" in s.leads}


def test_cancelled_training_disappears_or_is_cancelled_in_feeds(client, kenya, lead_facilitator,
                                                                 moderator):
    from trainings.services.training import cancel_training

    feeds = [publishing.feed_for(user=moderator, training=kenya),
             publishing.feed_for(user=moderator)]
    before = {u: int(e["SEQUENCE"]) for u, e in events(fetch(client, feeds[0])).items()}
    cancel_training(actor=lead_facilitator, training=kenya, reason="No venue.")
    for feed in feeds:
        # A subscribed calendar only learns of the cancellation from a working feed: either
        # the events are gone, or each says STATUS:CANCELLED with a higher SEQUENCE.
        for key, event in events(fetch(client, feed)).items():
            assert str(event.get("STATUS")) == "CANCELLED", event["SUMMARY"]
            assert int(event["SEQUENCE"]) > before[key]
