import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.delivery import deliver_due
from notifications.models import Message
from scheduling.models import AgendaChange, Slot
from scheduling.services import editing, publishing
from tests.factories import UserFactory
from trainings.models import Membership, Role

from .helpers import make_agenda, rows, slot

pytestmark = pytest.mark.django_db
D1 = datetime.date(2027, 3, 1)


def test_resize_shifts_the_rest_of_the_day_and_undo_restores_it():
    training = make_agenda()
    before = rows(training)
    target = slot(training, "2027-03-01", "09:15")
    editing.resize_slot(actor=None, slot=target, minutes=75, shift_following=True)
    after = rows(training)
    assert after[2][1:3] == ("09:15", "10:30")
    assert after[3][1:3] == ("10:30", "11:25")   # shifted by 10 minutes
    assert after[-1] == before[-1]                 # other days untouched
    editing.undo(actor=None, training=training)
    assert rows(training) == before


def test_resize_without_shifting_leaves_the_others():
    training = make_agenda()
    target = slot(training, "2027-03-01", "09:15")
    editing.resize_slot(actor=None, slot=target, minutes=60, shift_following=False)
    assert rows(training)[3][1] == "10:20"


def test_every_change_raises_sequence_and_keeps_uid():
    training = make_agenda()
    target = slot(training, "2027-03-01", "09:15")
    uid, sequence = target.uid, target.sequence
    editing.move_slot(actor=None, slot=target, day=D1, start_time=datetime.time(14, 0))
    target.refresh_from_db()
    assert (target.uid, target.sequence) == (uid, sequence + 1)
    editing.undo(actor=None, training=training)
    target.refresh_from_db()
    assert target.uid == uid
    assert target.sequence == sequence + 2  # undo is a change for calendars too


def test_insert_a_break_and_remove_it():
    training = make_agenda()
    after = slot(training, "2027-03-01", "09:15")
    inserted = editing.insert_slot(actor=None, after=after, kind="break", minutes=10)
    assert (inserted.title, inserted.minutes) == ("Break", 10)
    assert rows(training)[3][1:4] == ("10:20", "10:30", "break")
    assert rows(training)[4][1] == "10:30"  # the rest of the day moved on
    editing.delete_slot(actor=None, slot=inserted)
    assert not Slot.objects.filter(pk=inserted.pk).exists()
    editing.undo(actor=None, training=training)  # undo the removal
    assert Slot.objects.filter(uid=inserted.uid).exists()


def test_add_briefings_before_and_debriefings_after_each_module():
    training = make_agenda()
    created = editing.add_briefings(actor=None, training=training)
    kinds = sorted((s.module.number, s.kind) for s in created)
    assert kinds == [(m, k) for m in (1, 2, 3, 4) for k in ("briefing", "debriefing")]
    debrief_1 = next(s for s in created if s.module.number == 1 and s.kind == "debriefing")
    assert rows(training)[-1]  # still valid
    day1 = [r for r in rows(training) if r[0] == "2027-03-01"]
    assert day1[-1][1:4] == ("13:30", "14:00", "debriefing")
    assert debrief_1.leads == ["facilitator", "moderator", "rapporteur"]
    with pytest.raises(ValidationError, match="already"):
        editing.add_briefings(actor=None, training=training)


def test_split_a_module_over_two_days():
    training = make_agenda()
    first_offline = slot(training, "2027-03-01", "11:40")
    editing.move_rest_of_day(actor=None, slot=first_offline, to_day=datetime.date(2027, 3, 5),
                             start_time=datetime.time(9, 0))
    day1 = [r for r in rows(training) if r[0] == "2027-03-01"]
    day5 = [r for r in rows(training) if r[0] == "2027-03-05"]
    assert day1[-1][3] == "break"
    assert [r[1] for r in day5] == ["09:00", "09:15", "09:55", "10:40"]


def test_undo_is_step_by_step_and_says_so_when_empty():
    training = make_agenda()
    original = rows(training)
    target = slot(training, "2027-03-01", "09:15")
    editing.move_slot(actor=None, slot=target, day=D1, start_time=datetime.time(14, 0))
    editing.move_day(actor=None, training=training, from_day=datetime.date(2027, 3, 4),
                     to_day=datetime.date(2027, 3, 5))
    editing.undo(actor=None, training=training)
    editing.undo(actor=None, training=training)
    assert rows(training) == original
    editing.undo(actor=None, training=training)  # the initial layout
    assert rows(training) == []
    with pytest.raises(ValidationError, match="nothing to undo"):
        editing.undo(actor=None, training=training)
    assert not AgendaChange.objects.filter(training=training).exists()


def test_published_agenda_changes_are_emailed_once_with_an_ics(django_capture_on_commit_callbacks):
    training = make_agenda()
    lead = UserFactory(email="lead@example.org")
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(actor=lead, training=training)
    assert [m.subject for m in mail.outbox] == ["[UNCT Training] Agenda published: Kenya"]
    attachment = mail.outbox[0].attachments[0]
    assert attachment[0].endswith(".ics") and "BEGIN:VCALENDAR" in attachment[1]
    mail.outbox.clear()
    target = slot(training, "2027-03-01", "09:15")
    with django_capture_on_commit_callbacks(execute=True):
        editing.resize_slot(actor=lead, slot=target, minutes=70)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)), \
            django_capture_on_commit_callbacks(execute=True):
        editing.resize_slot(actor=lead, slot=target, minutes=80)
    # two changes 5 minutes apart: one pending message, moved to 10 minutes after the last
    (pending,) = Message.objects.filter(kind="agenda_changed", state="scheduled")
    assert mail.outbox == []
    with time_machine.travel(pending.send_at - datetime.timedelta(seconds=30)):
        assert deliver_due() == 0
    with time_machine.travel(pending.send_at + datetime.timedelta(seconds=30)):
        assert deliver_due() == 1
        assert deliver_due() == 0
    assert [m.subject for m in mail.outbox] == ["[UNCT Training] Agenda changed: Kenya"]
    ics = [a for a in mail.outbox[0].attachments if a[0].endswith(".ics")]
    assert ics and "BEGIN:VCALENDAR" in ics[0][1]


def test_changes_that_followed_the_training_are_undone_on_the_training():
    from trainings.services.training import update_training

    training = make_agenda()
    update_training(actor=None, training=training,
                    data={"start_date": datetime.date(2027, 3, 8),
                          "end_date": datetime.date(2027, 3, 11)})
    assert rows(training)[0][:2] == ("2027-03-08", "08:30")
    with pytest.raises(ValidationError, match="change them back on the training"):
        editing.undo(actor=None, training=training)
    assert rows(training)[0][:2] == ("2027-03-08", "08:30")


def test_a_staff_users_personal_feed_holds_only_trainings_they_work_on(client):
    staff = UserFactory(is_staff=True)
    mine = make_agenda(title="Mine")
    make_agenda(title="Not mine")
    Membership.objects.create(training=mine, user=staff, role=Role.FACILITATOR)
    feed = publishing.feed_for(user=staff)
    body = client.get(f"/calendar/{feed.token}.ics").content.decode()
    assert "– Mine" in body
    assert "Not mine" not in body
