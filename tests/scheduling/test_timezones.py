"""Time zones and daylight saving time: local wall-clock times of the room stay put, UTC
instants follow; viewers see their own time beside the room's; zone and date changes."""

import datetime
import re

import pytest
from django.urls import reverse

from accounts.times import abbreviation, local, local_date, shift_keeping_wall_clock, to_utc
from scheduling.models import PARTICIPANT_KINDS, ScheduleTemplate, Slot
from tests.html import text_of
from trainings.models import Role
from trainings.services.training import update_training

from .conftest import add_member, add_participant

UTC = datetime.UTC
D = datetime.date
T = datetime.time


def utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def slots(training):
    return list(Slot.objects.filter(training=training).order_by("start", "pk"))


def wall_clock(training, tz=None):
    """{uid: (local date, local start, local end)} in the training's (or the given) zone."""
    tz = tz or training.time_zone
    return {s.uid: (local_date(s.start, tz), local(s.start, tz).time(), local(s.end, tz).time())
            for s in slots(training)}


def first_of_each_day(training):
    firsts = {}
    for slot in slots(training):
        firsts.setdefault(local_date(slot.start, training.time_zone), slot)
    return firsts


# --- (a) a Berlin agenda across the spring-forward night of Sunday 28 March 2027 ----------

BERLIN = {"title": "Berlin", "country": "DE", "city": "Berlin", "time_zone": "Europe/Berlin",
          "start_date": D(2027, 3, 26), "end_date": D(2027, 3, 29)}


@pytest.mark.parametrize("option", ["flexible", "option-2"])
def test_berlin_days_start_0830_local_before_and_after_spring_forward(make_kenya, option):
    training = make_kenya(schedule_option=option, **BERLIN)
    firsts = first_of_each_day(training)
    assert sorted(firsts) == [D(2027, 3, 26), D(2027, 3, 27), D(2027, 3, 28), D(2027, 3, 29)]
    for day, slot in firsts.items():
        assert local(slot.start, "Europe/Berlin").time() == T(8, 30), day
    # CET (UTC+1) before the change, CEST (UTC+2) after it.
    assert firsts[D(2027, 3, 26)].start == utc(2027, 3, 26, 7, 30)
    assert firsts[D(2027, 3, 27)].start == utc(2027, 3, 27, 7, 30)
    assert firsts[D(2027, 3, 28)].start == utc(2027, 3, 28, 6, 30)
    assert firsts[D(2027, 3, 29)].start == utc(2027, 3, 29, 6, 30)
    assert abbreviation(firsts[D(2027, 3, 27)].start, "Europe/Berlin") == "CET"
    assert abbreviation(firsts[D(2027, 3, 28)].start, "Europe/Berlin") == "CEST"


def test_berlin_option_2_keeps_every_template_time_across_the_change(make_kenya):
    training = make_kenya(schedule_option="option-2", **BERLIN)
    template = ScheduleTemplate.objects.get(curriculum=training.curriculum, key="option-2")
    expected = sorted((BERLIN["start_date"] + datetime.timedelta(days=row.day - 1), row.start,
                       row.end) for row in template.slots.all())
    assert sorted(wall_clock(training).values()) == expected
    for slot in slots(training):
        offset = local(slot.start, "Europe/Berlin").utcoffset()
        before = local_date(slot.start, "Europe/Berlin") < D(2027, 3, 28)
        assert offset == datetime.timedelta(hours=1 if before else 2)


def test_timeutils_across_spring_forward_and_fall_back():
    assert to_utc(D(2027, 3, 27), T(8, 30), "Europe/Berlin") == utc(2027, 3, 27, 7, 30)
    assert to_utc(D(2027, 3, 28), T(8, 30), "Europe/Berlin") == utc(2027, 3, 28, 6, 30)
    # 02:30 does not exist on 28 March: read as 03:30 CEST, after the gap.
    gap = to_utc(D(2027, 3, 28), T(2, 30), "Europe/Berlin")
    assert gap == utc(2027, 3, 28, 1, 30)
    assert local(gap, "Europe/Berlin").time() == T(3, 30)
    # 02:30 happens twice on 31 October: the first (summer time) is taken.
    assert to_utc(D(2027, 10, 31), T(2, 30), "Europe/Berlin") == utc(2027, 10, 31, 0, 30)
    # Whole days keep the wall clock, whatever the offset does in between.
    friday = utc(2027, 3, 26, 7, 30)
    assert shift_keeping_wall_clock(friday, days=3, from_tz="Europe/Berlin") == \
        utc(2027, 3, 29, 6, 30)
    assert shift_keeping_wall_clock(friday, from_tz="Europe/Berlin", to_tz="Africa/Nairobi") == \
        utc(2027, 3, 26, 5, 30)


# --- (b) a New York viewer of a Nairobi agenda around the US change of 14 March 2027 ------

NEW_YORK = "America/New_York"


@pytest.fixture
def nairobi_march(make_kenya):
    """Option 2 from Friday 12 March to Monday 15 March 2027 (US clocks change on Sunday)."""
    return make_kenya(start_date=D(2027, 3, 12), end_date=D(2027, 3, 15))


def test_timeutils_show_0830_eat_in_new_york_before_and_after_us_dst():
    before = to_utc(D(2027, 3, 12), T(8, 30), "Africa/Nairobi")
    after = to_utc(D(2027, 3, 15), T(8, 30), "Africa/Nairobi")
    assert before == utc(2027, 3, 12, 5, 30)
    assert after == utc(2027, 3, 15, 5, 30)
    assert local(before, NEW_YORK).replace(tzinfo=None) == datetime.datetime(2027, 3, 12, 0, 30)
    assert local(after, NEW_YORK).replace(tzinfo=None) == datetime.datetime(2027, 3, 15, 1, 30)
    assert abbreviation(before, NEW_YORK) == "EST"
    assert abbreviation(after, NEW_YORK) == "EDT"
    assert abbreviation(after, "Africa/Nairobi") == "EAT"


def _row(html, slot):
    match = re.search(rf'<tr id="slot-{slot.pk}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row for slot {slot.pk}"
    return match.group(1)


def _span(slot, tz):
    return f"{local(slot.start, tz):%H:%M}–{local(slot.end, tz):%H:%M}"


def _viewer_cell(row):
    """The text of a row's "your time" cell."""
    return text_of(row.split('class="text-nowrap viewer-time">')[1].split("</td>")[0])


def test_agenda_page_shows_room_and_viewer_times_with_abbreviations(client, nairobi_march):
    viewer = add_participant(nairobi_march, time_zone=NEW_YORK)
    client.force_login(viewer)
    response = client.get(reverse("scheduling:agenda", args=[nairobi_march.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your time (America/New_York)" in html
    firsts = first_of_each_day(nairobi_march)
    expected = {D(2027, 3, 12): ("00:30", "EST"), D(2027, 3, 13): ("00:30", "EST"),
                D(2027, 3, 14): ("00:30", "EST"),  # 05:30Z is before 07:00Z, the US change
                D(2027, 3, 15): ("01:30", "EDT")}
    for day, (viewer_start, viewer_abbr) in expected.items():
        row = _row(html, firsts[day])
        assert f"08:30–{local(firsts[day].end, 'Africa/Nairobi'):%H:%M}</time>" in row
        assert '<abbr title="Africa/Nairobi">EAT</abbr>' in row
        viewer_cell = _viewer_cell(row)
        assert viewer_cell.startswith(f"{viewer_start}–"), (day, viewer_cell[:40])
        assert f" {viewer_abbr}" in viewer_cell
    # Every slot, not only the first of each day, shows the viewer's conversion.
    for slot in slots(nairobi_march):
        row = _row(html, slot)
        assert _span(slot, "Africa/Nairobi") in row
        assert _viewer_cell(row).startswith(
            f"{_span(slot, NEW_YORK)} {abbreviation(slot.start, NEW_YORK)}")


def test_agenda_page_names_the_viewers_date_when_it_differs(client, nairobi_march):
    """08:30 EAT on Friday 12 March is 21:30 PST on Thursday 11 March in Los Angeles."""
    viewer = add_participant(nairobi_march, time_zone="America/Los_Angeles")
    client.force_login(viewer)
    html = client.get(reverse("scheduling:agenda", args=[nairobi_march.pk])).content.decode()
    first = first_of_each_day(nairobi_march)[D(2027, 3, 12)]
    viewer_cell = _viewer_cell(_row(html, first))
    assert viewer_cell.startswith("21:30–")
    assert " PST" in viewer_cell
    assert "Thu 11 Mar" in viewer_cell
    last = first_of_each_day(nairobi_march)[D(2027, 3, 15)]  # 22:30 PDT on Sunday 14 March
    viewer_cell = _viewer_cell(_row(html, last))
    assert viewer_cell.startswith("22:30–") and "PDT" in viewer_cell and "Sun 14 Mar" in viewer_cell


def test_agenda_page_of_a_viewer_in_the_rooms_zone_shows_one_time(client, nairobi_march):
    viewer = add_participant(nairobi_march, time_zone="Africa/Nairobi")
    client.force_login(viewer)
    html = client.get(reverse("scheduling:agenda", args=[nairobi_march.pk])).content.decode()
    assert "viewer-time" not in html
    assert "Your time" not in html
    assert "08:30–" in html and "EAT" in html


def test_my_agenda_page_shows_both_times(client, nairobi_march):
    viewer = add_participant(nairobi_march, time_zone=NEW_YORK)
    client.force_login(viewer)
    html = client.get(reverse("scheduling:mine", args=[nairobi_march.pk])).content.decode()
    theirs = [s for s in slots(nairobi_march) if s.kind in PARTICIPANT_KINDS]
    first, last = theirs[0], [s for s in theirs if local_date(s.start, "Africa/Nairobi")
                               == D(2027, 3, 15)][0]
    for slot in (first, last):
        assert f"{_span(slot, 'Africa/Nairobi')}</time> <abbr title=\"Africa/Nairobi\">EAT</abbr>" \
            in html
    assert f"{_span(first, NEW_YORK)} <abbr title=\"{NEW_YORK} (your zone)\">EST</abbr>" in html
    assert f"{_span(last, NEW_YORK)} <abbr title=\"{NEW_YORK} (your zone)\">EDT</abbr>" in html
    assert local(first.start, NEW_YORK).date() == D(2027, 3, 12)
    assert _span(last, "Africa/Nairobi").startswith("08:30")
    assert _span(last, NEW_YORK).startswith("01:30")


# --- (c) the training's zone changes ------------------------------------------------------


@pytest.fixture
def facilitator(kenya):
    return add_member(kenya, Role.FACILITATOR, full_name="Fatima Facilitator")


@pytest.mark.parametrize("new_tz", ["Africa/Kampala", "Europe/London"])
def test_zone_change_keeping_local_times(kenya, facilitator, new_tz):
    before = wall_clock(kenya)
    sequences = {s.uid: s.sequence for s in slots(kenya)}
    training = update_training(actor=facilitator, training=kenya, data={"time_zone": new_tz},
                               time_zone_policy="keep_local")
    assert training.time_zone == new_tz
    assert wall_clock(training) == before  # same uids, same local dates and times
    first = slots(training)[0]
    assert local(first.start, new_tz).replace(tzinfo=None) == datetime.datetime(2027, 3, 1, 8, 30)
    if new_tz == "Europe/London":  # GMT in early March: 08:30 local is 08:30Z, not 05:30Z
        assert first.start == utc(2027, 3, 1, 8, 30)
        assert all(s.sequence > sequences[s.uid] for s in slots(training))
    else:  # Kampala is on EAT too: same instants
        assert first.start == utc(2027, 3, 1, 5, 30)


@pytest.mark.parametrize("new_tz", ["Africa/Kampala", "Europe/London"])
def test_zone_change_keeping_instants(kenya, facilitator, new_tz):
    instants = {s.uid: (s.start, s.end) for s in slots(kenya)}
    training = update_training(actor=facilitator, training=kenya, data={"time_zone": new_tz},
                               time_zone_policy="keep_instant")
    assert training.time_zone == new_tz
    assert {s.uid: (s.start, s.end) for s in slots(training)} == instants
    first = slots(training)[0]
    assert first.start == utc(2027, 3, 1, 5, 30)
    expected = T(8, 30) if new_tz == "Africa/Kampala" else T(5, 30)
    assert local(first.start, training.time_zone).time() == expected


@pytest.mark.parametrize(("policy", "utc_start", "local_start"), [
    ("keep_local", utc(2027, 3, 1, 8, 30), T(8, 30)),
    ("keep_instant", utc(2027, 3, 1, 5, 30), T(5, 30)),
])
def test_zone_change_through_the_agenda_page(client, kenya, facilitator, policy, utc_start,
                                             local_start):
    uids = {s.uid for s in slots(kenya)}
    client.force_login(facilitator)
    response = client.post(reverse("scheduling:time_zone", args=[kenya.pk]),
                           {"time_zone": "Europe/London", "policy": policy})
    assert response.status_code == 302
    kenya.refresh_from_db()
    assert kenya.time_zone == "Europe/London"
    first = slots(kenya)[0]
    assert first.start == utc_start
    assert local(first.start, "Europe/London").time() == local_start
    assert {s.uid for s in slots(kenya)} == uids
    page = client.get(reverse("scheduling:agenda", args=[kenya.pk])).content.decode()
    assert f"{local_start:%H:%M}–" in page and "GMT" in page


def test_zone_change_page_rejects_an_unknown_zone(client, kenya, facilitator):
    before = {s.uid: s.start for s in slots(kenya)}
    client.force_login(facilitator)
    response = client.post(reverse("scheduling:time_zone", args=[kenya.pk]),
                           {"time_zone": "Mars/Olympus_Mons", "policy": "keep_local"})
    assert response.status_code == 302
    kenya.refresh_from_db()
    assert kenya.time_zone == "Africa/Nairobi"
    assert {s.uid: s.start for s in slots(kenya)} == before


def test_zone_change_into_dst_keeps_local_times_on_both_sides(make_kenya):
    """Nairobi (no DST) to Berlin across 28 March: 08:30 stays 08:30, the offset differs."""
    training = make_kenya(start_date=D(2027, 3, 26), end_date=D(2027, 3, 29))
    before = wall_clock(training)
    update_training(actor=None, training=training, data={"time_zone": "Europe/Berlin"},
                    time_zone_policy="keep_local")
    training.refresh_from_db()
    assert wall_clock(training) == before
    firsts = first_of_each_day(training)
    assert firsts[D(2027, 3, 27)].start == utc(2027, 3, 27, 7, 30)
    assert firsts[D(2027, 3, 28)].start == utc(2027, 3, 28, 6, 30)


# --- (d) the training's dates move --------------------------------------------------------


def _shift(training, days, actor=None):
    delta = datetime.timedelta(days=days)
    return update_training(actor=actor, training=training,
                           data={"start_date": training.start_date + delta,
                                 "end_date": training.end_date + delta})


@pytest.mark.parametrize("days", [14, -7])
def test_moving_the_dates_shifts_every_slot_keeping_local_times(kenya, days):
    before = {s.uid: s for s in slots(kenya)}
    _shift(kenya, days)
    after = {s.uid: s for s in slots(kenya)}
    assert set(after) == set(before)  # the same events for calendar clients
    delta = datetime.timedelta(days=days)
    for uid, slot in after.items():
        old = before[uid]
        assert slot.start == old.start + delta  # Nairobi has no DST: exactly N days
        assert slot.end == old.end + delta
        assert slot.sequence > old.sequence
    first = slots(kenya)[0]
    assert local(first.start, "Africa/Nairobi").replace(tzinfo=None) == \
        datetime.datetime(2027, 3, 1, 8, 30) + delta


def test_moving_berlin_dates_across_dst_keeps_local_times(make_kenya):
    """26-29 March (two days CET, two CEST) moved to 9-12 April (all CEST)."""
    training = make_kenya(schedule_option="option-2", **BERLIN)
    before = {s.uid: s for s in slots(training)}
    clock = wall_clock(training)
    _shift(training, 14)
    after = {s.uid: s for s in slots(training)}
    assert set(after) == set(before)
    two_weeks = datetime.timedelta(days=14)
    for uid, slot in after.items():
        old = before[uid]
        day, start, end = clock[uid]
        assert local_date(slot.start, "Europe/Berlin") == day + two_weeks
        assert local(slot.start, "Europe/Berlin").time() == start
        assert local(slot.end, "Europe/Berlin").time() == end
        summer_already = day >= D(2027, 3, 28)
        expected = two_weeks if summer_already else two_weeks - datetime.timedelta(hours=1)
        assert slot.start - old.start == expected
        assert slot.sequence > old.sequence
    assert first_of_each_day(training)[D(2027, 4, 9)].start == utc(2027, 4, 9, 6, 30)


def test_moving_dates_and_zone_together(kenya):
    before = wall_clock(kenya)
    delta = datetime.timedelta(days=28)
    update_training(actor=None, training=kenya,
                    data={"time_zone": "Europe/Berlin", "start_date": kenya.start_date + delta,
                          "end_date": kenya.end_date + delta}, time_zone_policy="keep_local")
    kenya.refresh_from_db()
    after = wall_clock(kenya)
    assert set(after) == set(before)
    for uid, (day, start, end) in before.items():
        assert after[uid] == (day + delta, start, end)
    assert slots(kenya)[0].start == utc(2027, 3, 29, 6, 30)  # 08:30 CEST


def test_berlin_calendar_feed_carries_dst_rules_and_local_times(client, make_kenya):
    from icalendar import Calendar

    from scheduling.services.publishing import feed_for

    training = make_kenya(schedule_option="option-2", **BERLIN)
    member = add_member(training, Role.MODERATOR)
    response = client.get(f"/calendar/{feed_for(user=member, training=training).token}.ics")
    calendar = Calendar.from_ical(response.content)
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Berlin"
    offsets = {(c.name, c["TZOFFSETTO"].to_ical()) for c in vtimezone.subcomponents}
    assert {("STANDARD", "+0100"), ("DAYLIGHT", "+0200")} <= offsets
    for day in ("20270326", "20270327", "20270328", "20270329"):
        assert f"DTSTART;TZID=Europe/Berlin:{day}T083000".encode() in response.content
    events = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    for slot in slots(training):
        assert events[str(slot.uid)]["DTSTART"].dt == slot.start
