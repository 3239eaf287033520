"""GET /api/v1/trainings/{id}/agenda: the agenda as JSON, in UTC and in the room's time."""

import datetime

import pytest
from django.test import Client

from scheduling.models import PARTICIPANT_KINDS, ScheduleTemplate, Slot, SlotKind
from scheduling.services import editing
from trainings.models import CountryAdmin

from .conftest import add_member, add_participant

LINK = "https://teams.example.org/x"


def url(training_id):
    return f"/api/v1/trainings/{training_id}/agenda"


def parse(value):
    return datetime.datetime.fromisoformat(value)


@pytest.fixture
def api(client, lead_facilitator):
    client.force_login(lead_facilitator)
    return client


@pytest.fixture
def agenda(api, kenya):
    response = api.get(url(kenya.pk))
    assert response.status_code == 200, response.content
    return response.json()


def test_agenda_of_option_2_has_36_slots(kenya, agenda):
    assert agenda["training"] == kenya.pk
    assert agenda["time_zone"] == "Africa/Nairobi"
    assert agenda["published"] is False
    assert agenda["version"] >= 1
    assert len(agenda["slots"]) == 36
    assert {s["uid"] for s in agenda["slots"]} == {
        str(u) for u in Slot.objects.filter(training=kenya).values_list("uid", flat=True)}


def test_utc_and_local_times_agree(kenya, agenda):
    three_hours = datetime.timedelta(hours=3)
    for row in agenda["slots"]:
        start_utc, end_utc = parse(row["start_utc"]), parse(row["end_utc"])
        start_local, end_local = parse(row["start_local"]), parse(row["end_local"])
        assert start_utc.utcoffset() == end_utc.utcoffset() == datetime.timedelta(0)
        assert start_local.utcoffset() == end_local.utcoffset() == three_hours
        assert start_local.replace(tzinfo=None) - three_hours == start_utc.replace(tzinfo=None)
        assert end_local.replace(tzinfo=None) - three_hours == end_utc.replace(tzinfo=None)
        assert start_local == start_utc and end_local == end_utc  # the same instants
        assert row["time_zone"] == "Africa/Nairobi"
    first = min(agenda["slots"], key=lambda r: parse(r["start_utc"]))
    assert parse(first["start_local"]).replace(tzinfo=None) == datetime.datetime(2027, 3, 1, 8, 30)
    assert parse(first["start_utc"]).replace(tzinfo=None) == datetime.datetime(2027, 3, 1, 5, 30)


def test_slots_match_the_database(kenya, agenda):
    by_uid = {str(s.uid): s for s in Slot.objects.filter(training=kenya).select_related("module")}
    for row in agenda["slots"]:
        slot = by_uid[row["uid"]]
        assert parse(row["start_utc"]) == slot.start and parse(row["end_utc"]) == slot.end
        assert row["sequence"] == slot.sequence
        assert row["kind"] == slot.kind and row["title"] == slot.title
        assert row["module"] == (slot.module.number if slot.module else None)
        assert row["leads"] == slot.leads
        assert row["for_participants"] is (slot.kind in PARTICIPANT_KINDS)
        assert row["location"] == (LINK if slot.kind in {
            SlotKind.ONLINE, SlotKind.TECHNICAL_TEST, SlotKind.BRIEFING, SlotKind.DEBRIEFING}
            else "Room 4")
        assert isinstance(row["issues"], list)


def test_kinds_modules_parts_and_leads_follow_annex_iii(kenya, agenda):
    template = ScheduleTemplate.objects.get(curriculum=kenya.curriculum, key="option-2")
    expected = [(kenya.start_date + datetime.timedelta(days=r.day - 1), r.start, r.end, r.kind,
                 r.module_number, sorted(r.sessions), sorted(r.activity_parts), r.leads)
                for r in template.slots.order_by("day", "position")]
    rows = sorted(agenda["slots"], key=lambda r: (r["start_utc"], r["end_utc"]))
    actual = [(parse(r["start_local"]).date(), parse(r["start_local"]).time(),
               parse(r["end_local"]).time(), r["kind"], r["module"], sorted(r["sessions"]),
               sorted(r["activity_parts"]), r["leads"]) for r in rows]
    assert actual == expected


def test_activity_parts_are_activity_slash_part_refs(agenda):
    refs = [ref for row in agenda["slots"] for ref in row["activity_parts"]]
    assert "1/1" in refs
    assert all(ref.count("/") == 1 and ref.split("/")[0].isdigit() for ref in refs)
    activity_1 = next(r for r in agenda["slots"] if "1/1" in r["activity_parts"])
    assert activity_1["module"] == 1
    assert activity_1["kind"] == "online"
    assert "facilitator" in activity_1["leads"]
    assert {r["kind"] for r in agenda["slots"]} >= {"online", "offline", "break",
                                                     "technical_test"}
    assert {r["module"] for r in agenda["slots"]} == {1, 2, 3, 4, None}


def test_agenda_reflects_edits(api, kenya):
    slot = Slot.objects.filter(training=kenya, kind=SlotKind.OFFLINE).order_by("start").first()
    editing.move_slot(actor=None, slot=slot, day=datetime.date(2027, 3, 1),
                      start_time=datetime.time(15, 0))
    data = api.get(url(kenya.pk)).json()
    row = next(r for r in data["slots"] if r["uid"] == str(slot.uid))
    assert parse(row["start_local"]).replace(tzinfo=None) == datetime.datetime(2027, 3, 1, 15, 0)
    assert parse(row["start_utc"]).replace(tzinfo=None) == datetime.datetime(2027, 3, 1, 12, 0)
    assert row["sequence"] == 1


def test_calendar_url_is_a_public_ics_link(kenya, agenda):
    calendar_url = agenda["calendar_url"]
    assert calendar_url.startswith("http://testserver/calendar/")
    assert calendar_url.endswith(".ics")
    response = Client().get(calendar_url.removeprefix("http://testserver"))  # no login
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content


def test_every_viewer_may_read_it(client, kenya):
    participant = add_participant(kenya)
    moderator = add_member(kenya, "moderator")
    for user in (participant, moderator):
        client.force_login(user)
        response = client.get(url(kenya.pk))
        assert response.status_code == 200
        assert len(response.json()["slots"]) == 36


def test_404_for_a_user_without_access(client, kenya, make_kenya, outsider):
    client.force_login(outsider)
    response = client.get(url(kenya.pk))
    assert response.status_code == 404
    assert b"Kenya" not in response.content
    assert client.get(url(kenya.pk + 10_000)).status_code == 404
    # A facilitator of another training and an RCO admin of another country see nothing.
    other = make_kenya(title="Uganda", country="UG", city="Kampala", time_zone="Africa/Kampala")
    client.force_login(add_member(other, "facilitator"))
    assert client.get(url(kenya.pk)).status_code == 404
    assert client.get(url(other.pk)).status_code == 200
    ugandan_rco = add_member(other, "liaison")
    CountryAdmin.objects.create(user=ugandan_rco, country="UG")
    client.force_login(ugandan_rco)
    assert client.get(url(kenya.pk)).status_code == 404


def test_401_for_anonymous(client, kenya):
    response = client.get(url(kenya.pk))
    assert response.status_code == 401
    assert b"Kenya" not in response.content
