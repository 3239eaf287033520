import datetime
from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from mailer.models import OutgoingEmail
from scheduling.models import ChecklistItem, Reminder, ReminderPreference
from scheduling.receivers import follow_up
from scheduling.services import reminders
from tests.factories import UserFactory
from trainings.models import CountryAdmin, Membership, Nomination, Role, Training
from trainings.services.training import cancel_training, update_training

from .helpers import make_agenda

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        training = make_agenda()  # Nairobi, Option 2, 1-4 March 2027
        Training.objects.filter(pk=training.pk).update(status=Training.Status.NOMINATIONS_OPEN)
        training.refresh_from_db()
        people = {
            "lead": UserFactory(email="lead@example.org", time_zone="Europe/Zurich"),
            "rapporteur": UserFactory(email="rap@example.org", time_zone="Africa/Nairobi"),
            "rco": UserFactory(email="rco@example.org", time_zone="Africa/Nairobi"),
            "participant": UserFactory(email="p@example.org", time_zone="Africa/Nairobi"),
        }
        Membership.objects.create(training=training, user=people["lead"],
                                  role=Role.LEAD_FACILITATOR)
        Membership.objects.create(training=training, user=people["rapporteur"],
                                  role=Role.RAPPORTEUR)
        CountryAdmin.objects.create(user=people["rco"], country="KE")
        Nomination.objects.create(training=training, full_name="P", email="p@example.org",
                                  un_entity="IOM", status="confirmed", user=people["participant"])
        follow_up(training)
    return training, people


def kinds(training):
    return Counter(Reminder.objects.filter(training=training, state="scheduled")
                   .values_list("kind", flat=True))


def test_reminders_are_planned_as_rows_for_every_kind(world):
    training, people = world
    planned = kinds(training)
    # 8 sessions (4 online and 4 offline elements) x 3 people (lead, rapporteur, participant)
    assert planned["session_24h"] == planned["session_1h"] == 24
    assert planned["nomination_deadline"] == 2      # the RCO admin at -28 and -22 days
    assert planned["nominations_short"] == 1        # the lead facilitator at the deadline
    assert planned["notes_due"] == 4                # rapporteur, 2 h after each offline element
    assert planned["thank_you"] == planned["action_plan_30"] == planned["action_plan_90"] == 1
    deadline = Reminder.objects.get(training=training, kind="nomination_deadline",
                                    subject_key="deadline-22")
    # 22 days before 1 March is 7 Feb; 09:00 in the RCO admin's zone (Nairobi, UTC+3)
    assert deadline.send_at == datetime.datetime(2027, 2, 7, 6, 0, tzinfo=datetime.UTC)
    first = Reminder.objects.filter(training=training, kind="session_1h").order_by("send_at")[0]
    assert first.send_at == datetime.datetime(2027, 3, 1, 4, 45, tzinfo=datetime.UTC)  # 08:45 EAT - 1h


def test_replanning_is_idempotent(world):
    training, _people = world
    before = list(Reminder.objects.order_by("pk").values_list("pk", "send_at", "state"))
    with time_machine.travel(NOW, tick=False):
        result = reminders.replan(training=training)
    assert result == {"created": 0, "moved": 0, "cancelled": 0}
    assert list(Reminder.objects.order_by("pk").values_list("pk", "send_at", "state")) == before


def test_moving_the_training_two_weeks_later_moves_reminders_and_checklist(world):
    training, people = world
    item = ChecklistItem.objects.get(training=training, key="key-documents-online")
    hand = ChecklistItem.objects.get(training=training, key="reach-out-unct")
    hand.due_at, hand.due_set_by_hand = NOW + datetime.timedelta(days=5), True
    hand.save()
    before = {r.key: r.send_at for r in Reminder.objects.filter(training=training,
                                                                 state="scheduled")}
    item_due = item.due_at
    with time_machine.travel(NOW, tick=False):
        update_training(actor=people["lead"], training=training,
                        data={"start_date": datetime.date(2027, 3, 15),
                              "end_date": datetime.date(2027, 3, 18)})
    after = {r.key: r.send_at for r in Reminder.objects.filter(training=training,
                                                                state="scheduled")}
    assert set(after) == set(before)
    assert all(after[key] - before[key] == datetime.timedelta(days=14) for key in before)
    item.refresh_from_db()
    hand.refresh_from_db()
    assert item.due_at - item_due == datetime.timedelta(days=14)
    assert hand.due_at == NOW + datetime.timedelta(days=5)   # set by hand: stays
    moved = Reminder.objects.filter(training=training, log__event="re-planned").distinct()
    assert moved.count() == len(before)


def test_cancelling_the_training_cancels_its_reminders(world):
    training, people = world
    with time_machine.travel(NOW, tick=False):
        cancel_training(actor=people["lead"], training=training, reason="Elections")
    assert not Reminder.objects.filter(training=training, state="scheduled").exists()
    assert Reminder.objects.filter(training=training, state="cancelled",
                                   log__detail="training cancelled").exists()


def test_a_new_participant_gets_reminders_and_a_withdrawn_one_loses_them(world,
                                                                       django_capture_on_commit_callbacks):
    from trainings.services import nominations

    training, people = world
    newcomer = UserFactory(email="new@example.org")
    nomination = Nomination.objects.create(training=training, full_name="N", email=newcomer.email,
                                           un_entity="UNDP", status="approved", user=newcomer)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        nominations.confirm_seat(nomination=nomination, user=newcomer)
        from trainings.signals import people_changed
        people_changed.send(sender=Nomination, training=training)
    assert Reminder.objects.filter(recipient=newcomer, state="scheduled").count() == 8 * 2 + 3
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        nominations.withdraw(actor=people["lead"], nomination=nomination)
    assert not Reminder.objects.filter(recipient=newcomer, state="scheduled").exists()


def test_sweep_sends_due_reminders_once_in_the_recipients_zone(world):
    training, people = world
    due = Reminder.objects.filter(training=training, kind="session_24h",
                                  recipient=people["lead"]).order_by("send_at")[0]
    earlier = Reminder.objects.filter(state="scheduled", send_at__lte=due.send_at).count()
    with time_machine.travel(due.send_at + datetime.timedelta(seconds=30), tick=False):
        assert reminders.sweep() == earlier   # everything due by then, this one included
        assert reminders.sweep() == 0
    due.refresh_from_db()
    assert due.state == "sent"
    (message,) = [m for m in mail.outbox if m.subject.endswith("Module 1")
                  and m.to == ["lead@example.org"]]
    assert message.to == ["lead@example.org"]
    assert "Tomorrow" in message.subject
    # 08:45 in Nairobi is 06:45 in Zurich (the lead's zone); both are in the email
    assert "08:45 EAT (Africa/Nairobi)" in message.body
    assert "06:45 CET your time (Europe/Zurich)" in message.body
    assert "https://teams.example.org/x" in message.body
    assert [e.event for e in due.log.all()] == ["planned", "sent"]


def test_failed_sends_retry_with_backoff_then_fail(world, settings):
    training, people = world
    settings.EMAIL_BACKEND = "tests.mailer.failing_backend.FailingBackend"
    row = Reminder.objects.filter(training=training, kind="thank_you").get()
    moment = row.send_at
    for attempt in range(1, 6):
        with time_machine.travel(moment + datetime.timedelta(seconds=1), tick=False):
            reminders.sweep()
        row.refresh_from_db()
        assert row.attempts == attempt
        if attempt < 5:
            assert row.state == "scheduled"
            assert row.send_at == moment + datetime.timedelta(seconds=1, minutes=2 ** attempt)
            moment = row.send_at
    assert row.state == "failed"
    assert "SMTP down" in row.last_error
    assert row.log.filter(event="retry").count() == 4


def test_a_row_stuck_in_sending_is_recovered_without_a_second_email(world):
    training, _people = world
    sent, unsent = Reminder.objects.filter(training=training, kind="session_1h")[:2]
    now = timezone.now()
    for row in (sent, unsent):
        Reminder.objects.filter(pk=row.pk).update(state="sending",
                                                  claimed_at=now - datetime.timedelta(hours=1))
    # the worker had sent the first one before it died, not the second
    OutgoingEmail.objects.create(key=f"reminder:{sent.pk}", to=sent.email, subject="s", body="b",
                                 state="sent")
    assert reminders.recover_stuck(now=now) == 2
    sent.refresh_from_db()
    unsent.refresh_from_db()
    assert sent.state == "sent"
    assert unsent.state == "scheduled"
    Reminder.objects.filter(pk=unsent.pk).update(send_at=now)
    with time_machine.travel(now, tick=False):
        reminders.sweep(now=now)
    assert [m.to for m in mail.outbox] == [[unsent.email]]


def test_muted_reminders_are_cancelled_at_send_time_but_critical_ones_go(world):
    training, people = world
    reminders.set_muted(user=people["rco"], kinds=["nomination_deadline"])  # not mutable
    reminders.set_muted(user=people["lead"], kinds=["session_24h"])
    assert ReminderPreference.objects.get(user=people["rco"]).muted_kinds == []
    lead_24h = Reminder.objects.filter(recipient=people["lead"], kind="session_24h")[0]
    deadline = Reminder.objects.filter(recipient=people["rco"], kind="nomination_deadline")[0]
    for row in (lead_24h, deadline):
        with time_machine.travel(row.send_at, tick=False):
            reminders.sweep()
    lead_24h.refresh_from_db()
    deadline.refresh_from_db()
    assert lead_24h.state == "cancelled"
    assert lead_24h.log.filter(detail="muted by the recipient").exists()
    assert deadline.state == "sent"


def test_nominations_short_is_only_sent_when_short(world):
    training, people = world
    row = Reminder.objects.get(training=training, kind="nominations_short")
    Training.objects.filter(pk=training.pk).update(capacity=1)
    with time_machine.travel(row.send_at, tick=False):
        reminders.sweep()
    row.refresh_from_db()
    assert row.state == "cancelled"
    assert "1 nominations for 1 seats" in row.log.last().detail


def test_one_checklist_digest_per_person_and_day(world):
    training, people = world
    items = list(ChecklistItem.objects.filter(training=training, owner="lead_facilitator")[:3])
    overdue, soon, later = items
    ChecklistItem.objects.filter(pk=overdue.pk).update(due_at=NOW - datetime.timedelta(days=2))
    ChecklistItem.objects.filter(pk=soon.pk).update(due_at=NOW + datetime.timedelta(days=2))
    ChecklistItem.objects.filter(pk=later.pk).update(due_at=NOW + datetime.timedelta(days=20))
    with time_machine.travel(NOW, tick=False):
        assert reminders.plan_digests() == 1
        assert reminders.plan_digests() == 0   # idempotent within the day
        reminders.sweep()
    (message,) = [m for m in mail.outbox if m.to == ["lead@example.org"]]
    assert "2 items due soon or overdue" in message.subject
    assert overdue.title in message.body and "OVERDUE" in message.body
    assert soon.title in message.body
    assert later.title not in message.body
