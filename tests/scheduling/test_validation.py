import datetime

import pytest

from scheduling.models import Slot
from scheduling.selectors import agenda_report
from scheduling.services import editing
from trainings.models import ScopingSurvey

from .helpers import make_agenda, slot

pytestmark = pytest.mark.django_db


def codes(report, slot_pk=None, day=None):
    found = report.by_slot.get(slot_pk, []) if slot_pk else report.by_day.get(day, [])
    return {(i.level, i.code) for i in found}


def test_the_annex_iii_layout_has_no_error_and_no_warning():
    training = make_agenda()
    report = agenda_report(training)
    assert report.errors == []
    assert report.warnings == []


def test_moving_module_2_online_onto_module_1_offline_is_an_overlap_error():
    training = make_agenda()
    module_2_online = slot(training, "2027-03-02", "09:00")  # Session 3 presentation
    editing.move_slot(actor=None, slot=module_2_online, day=datetime.date(2027, 3, 1),
                      start_time=datetime.time(11, 55))
    report = agenda_report(training)
    assert ("error", "overlap") in codes(report, module_2_online.pk)
    module_1_offline = slot(training, "2027-03-01", "11:55")
    assert ("error", "overlap") in codes(report, module_1_offline.pk)


def test_a_day_on_a_kenyan_public_holiday_is_a_warning():
    training = make_agenda()
    # Eid al-Fitr (estimated) is a public holiday in Kenya on 2027-03-09
    editing.move_day(actor=None, training=training, from_day=datetime.date(2027, 3, 4),
                     to_day=datetime.date(2027, 3, 9))
    report = agenda_report(training)
    day_issues = report.by_day[datetime.date(2027, 3, 9)]
    assert any(i.code == "holiday" and "Eid al-Fitr" in i.message for i in day_issues)
    assert all(i.level == "warning" for i in day_issues)


def test_weekend_and_survey_dates_are_warnings():
    training = make_agenda()
    ScopingSurvey.objects.filter(training=training).update(
        blocked_dates=[{"date": "2027-03-03", "label": "Budget day"}])
    editing.move_day(actor=None, training=training, from_day=datetime.date(2027, 3, 4),
                     to_day=datetime.date(2027, 3, 6))
    training.refresh_from_db()
    report = agenda_report(training)
    assert ("warning", "weekend") in codes(report, day=datetime.date(2027, 3, 6))
    survey = report.by_day[datetime.date(2027, 3, 3)]
    assert any(i.code == "survey_date" and "Budget day" in i.message for i in survey)


def test_offline_element_before_its_online_element_is_an_error():
    training = make_agenda()
    offline = slot(training, "2027-03-01", "11:55")  # Activity 1 offline
    editing.move_slot(actor=None, slot=offline, day=datetime.date(2027, 3, 1),
                      start_time=datetime.time(7, 0))
    assert ("error", "offline_before_online") in codes(agenda_report(training), offline.pk)


def test_recap_before_the_previous_offline_work_ended_is_an_error():
    training = make_agenda()
    recap = slot(training, "2027-03-02", "08:30")  # feedback on Activities 1 and 2 (Part 4)
    editing.move_slot(actor=None, slot=recap, day=datetime.date(2027, 3, 1),
                      start_time=datetime.time(7, 0))
    found = [i for i in agenda_report(training).by_slot[recap.pk] if i.code == "recap_before_offline"]
    assert found and "Activity 1" in found[0].message


def test_long_days_and_modules_far_apart_are_warnings():
    training = make_agenda()
    last = slot(training, "2027-03-01", "13:20")
    editing.resize_slot(actor=None, slot=last, minutes=5 * 60)
    editing.move_day(actor=None, training=training, from_day=datetime.date(2027, 3, 4),
                     to_day=datetime.date(2027, 3, 16))
    report = agenda_report(training)
    assert ("warning", "long_day") in codes(report, day=datetime.date(2027, 3, 1))
    far = report.by_day[datetime.date(2027, 3, 16)]
    assert any(i.code == "modules_far_apart" and "13 days" in i.message for i in far)


def test_limits_are_configurable():
    training = make_agenda()
    agenda = training.agenda
    agenda.max_day_hours = 4
    agenda.save()
    report = agenda_report(training)
    assert ("warning", "long_day") in codes(report, day=datetime.date(2027, 3, 1))


def test_publishing_an_agenda_with_errors_is_refused():
    from django.core.exceptions import ValidationError

    from scheduling.services.publishing import publish

    training = make_agenda()
    a, b = Slot.objects.filter(training=training).order_by("start")[:2]
    editing.move_slot(actor=None, slot=b, day=datetime.date(2027, 3, 1),
                      start_time=datetime.time(8, 35))
    with pytest.raises(ValidationError, match="error"):
        publish(actor=None, training=training)
    training.agenda.refresh_from_db()
    assert training.agenda.published_at is None
    editing.undo(actor=None, training=training)
    publish(actor=None, training=training)
    training.agenda.refresh_from_db()
    assert training.agenda.published_at is not None
