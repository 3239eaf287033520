import datetime

import pytest

from scheduling.models import ScheduleTemplate
from scheduling.selectors import slots_of

from .helpers import make_agenda, rows

pytestmark = pytest.mark.django_db


def test_option_2_reproduces_annex_iii_in_nairobi():
    training = make_agenda(option="option-2")
    by_day = {}
    for day, start, end, kind, title in rows(training):
        by_day.setdefault(day, []).append((start, end, kind, title))
    assert list(by_day) == ["2027-03-01", "2027-03-02", "2027-03-03", "2027-03-04"]
    # four mornings: 08:30-13:30 on the first, 08:30-13:00 on the other three
    assert (by_day["2027-03-01"][0][0], by_day["2027-03-01"][-1][1]) == ("08:30", "13:30")
    for day in ["2027-03-02", "2027-03-03", "2027-03-04"]:
        assert (by_day[day][0][0], by_day[day][-1][1]) == ("08:30", "13:00")
    # each day: online element, then the break, then the offline element, at the guide's times
    day1 = by_day["2027-03-01"]
    assert ("08:45", "09:15", "online", "Opening remarks and introduction to training") in day1
    assert ("11:25", "11:40", "break", "BREAK") in day1
    assert day1[6][:3] == ("11:40", "11:55", "offline")
    for day in by_day.values():
        kinds = [kind for _s, _e, kind, _t in day]
        assert kinds.index("break") > max(i for i, k in enumerate(kinds) if k == "online")
        assert kinds.index("break") < min(i for i, k in enumerate(kinds) if k == "offline")
    # stored in UTC: 08:30 in Nairobi is 05:30Z
    first = slots_of(training)[0]
    assert first.start == datetime.datetime(2027, 3, 1, 5, 30, tzinfo=datetime.UTC)


def test_option_2_slots_carry_modules_sessions_parts_and_leads():
    training = make_agenda(option="option-2")
    activity_1 = [s for s in slots_of(training)
                  if any(p.activity.number == 1 for p in s.activity_parts.all())]
    assert [(s.kind, s.module.number) for s in activity_1] == [
        ("online", 1), ("offline", 1), ("online", 2)]
    assert activity_1[1].leads == ["moderator"]
    assert "facilitator" in activity_1[0].leads
    assert [x.key for x in activity_1[0].sessions.all()] == ["1"]


def test_option_1_is_two_full_days():
    training = make_agenda(option="option-1")
    days = sorted({day for day, *_ in rows(training)})
    assert days == ["2027-03-01", "2027-03-02"]
    day1 = [r for r in rows(training) if r[0] == "2027-03-01"]
    assert (day1[0][1], day1[-1][2]) == ("08:30", "17:15")
    assert any(kind == "lunch" for *_x, kind, _t in [(r[0], r[1], r[2], r[3], r[4]) for r in day1])


def test_flexible_lays_out_the_curriculum_durations_one_module_a_day():
    training = make_agenda(option="flexible")
    all_rows = rows(training)
    assert sorted({day for day, *_ in all_rows}) == [
        "2027-03-01", "2027-03-02", "2027-03-03", "2027-03-04"]
    day1 = [r for r in all_rows if r[0] == "2027-03-01"]
    # Module 1: online items 160 min from 08:30 -> 11:10, break 15 -> 11:25,
    # offline items 115 min -> 13:20, debriefing 30 -> 13:50
    assert day1[0][1] == "08:30"
    assert [r for r in day1 if r[3] == "break"][0][1:3] == ("11:10", "11:25")
    assert day1[-1][3] == "debriefing"
    assert day1[-1][1:3] == ("13:20", "13:50")


def test_templates_are_data():
    make_agenda()
    assert set(ScheduleTemplate.objects.values_list("key", flat=True)) == {"option-1", "option-2"}
    option_2 = ScheduleTemplate.objects.get(key="option-2")
    assert option_2.slots.count() == 36
    assert option_2.source_section == "Annex III"
