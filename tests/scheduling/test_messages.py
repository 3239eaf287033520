import datetime
from collections import Counter

import pytest
import time_machine
from django.core import mail

from notifications import rendering, services
from notifications.delivery import deliver_due
from notifications.models import Message, Preference
from scheduling.messages import plan_training
from scheduling.messages.checklist_digest import plan_digests
from scheduling.models import ChecklistItem
from scheduling.services import checklist
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
        checklist.plan(training=training)
        plan_training(training=training)
    return training, people


def kinds(training):
    return Counter(Message.objects.filter(training=training, state="scheduled")
                   .values_list("kind", flat=True))


def test_reminders_are_planned_as_rows_for_every_kind(world):
    training, people = world
    planned = kinds(training)
    # 8 sessions (4 online and 4 offline elements) x 3 people (lead, rapporteur, participant)
    assert planned["session_24h"] == planned["session_1h"] == 24
    assert planned["nomination_deadline"] == 2      # the RCO admin at -28 and -22 days
    assert planned["nominations_short"] == 1        # the lead facilitator at the deadline
    assert planned["notes_due"] == 4                # rapporteur, 2 h after each offline element
    # the thank-you and follow-ups wait for "completed" (tests/trainings/test_lifecycle.py)
    assert planned["thank_you"] == planned["action_plan_30"] == planned["action_plan_90"] == 0
    deadline = Message.objects.get(training=training, kind="nomination_deadline",
                                   key__contains=":deadline-22:")
    # 22 days before 1 March is 7 Feb; 09:00 in the RCO admin's zone (Nairobi, UTC+3)
    assert deadline.send_at == datetime.datetime(2027, 2, 7, 6, 0, tzinfo=datetime.UTC)
    first = Message.objects.filter(training=training, kind="session_1h").order_by("send_at")[0]
    assert first.send_at == datetime.datetime(2027, 3, 1, 4, 45, tzinfo=datetime.UTC)  # 08:45 EAT - 1h


def test_replanning_is_idempotent(world):
    training, _people = world
    before = list(Message.objects.order_by("pk").values_list("pk", "send_at", "state"))
    with time_machine.travel(NOW, tick=False):
        result = plan_training(training=training)
    assert result == {"created": 0, "moved": 0, "cancelled": 0}
    assert list(Message.objects.order_by("pk").values_list("pk", "send_at", "state")) == before


def test_moving_the_training_two_weeks_later_moves_reminders_and_checklist(
        world, django_capture_on_commit_callbacks):
    training, people = world
    item = ChecklistItem.objects.get(training=training, key="key-documents-online")
    hand = ChecklistItem.objects.get(training=training, key="reach-out-unct")
    hand.due_at, hand.due_set_by_hand = NOW + datetime.timedelta(days=5), True
    hand.save()
    before = {r.key: r.send_at for r in Message.objects.filter(training=training,
                                                                 state="scheduled")}
    item_due = item.due_at
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        update_training(actor=people["lead"], training=training,
                        data={"start_date": datetime.date(2027, 3, 15),
                              "end_date": datetime.date(2027, 3, 18)})
    after = {r.key: r.send_at for r in Message.objects.filter(training=training,
                                                                state="scheduled")}
    assert set(after) == set(before)
    assert all(after[key] - before[key] == datetime.timedelta(days=14) for key in before)
    item.refresh_from_db()
    hand.refresh_from_db()
    assert item.due_at - item_due == datetime.timedelta(days=14)
    assert hand.due_at == NOW + datetime.timedelta(days=5)   # set by hand: stays
    moved = Message.objects.filter(training=training, log__why__startswith="re-planned").distinct()
    assert moved.count() == len(before)


def test_cancelling_the_training_cancels_its_reminders(world):
    training, people = world
    with time_machine.travel(NOW, tick=False):
        cancel_training(actor=people["lead"], training=training, reason="Elections")
    scheduled = Message.objects.filter(training=training, state="scheduled")
    # only the announcement of the cancellation is still to go
    assert set(scheduled.values_list("kind", flat=True)) == {"training_cancelled"}
    assert Message.objects.filter(training=training, state="cancelled",
                                  log__why="training cancelled").exists()


def test_a_new_participant_gets_reminders_and_a_withdrawn_one_loses_them(world,
                                                                       django_capture_on_commit_callbacks):
    from trainings.services import nominations

    training, people = world
    newcomer = UserFactory(email="new@example.org")
    nomination = Nomination.objects.create(training=training, full_name="N", email=newcomer.email,
                                           un_entity="UNDP", status="approved", user=newcomer)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        nominations.confirm_seat(nomination=nomination, user=newcomer)
    assert Message.objects.filter(recipient=newcomer, state="scheduled").count() == 8 * 2
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        nominations.withdraw(actor=people["lead"], nomination=nomination)
    assert not Message.objects.filter(recipient=newcomer, state="scheduled").exists()


def test_sweep_sends_due_reminders_once_in_the_recipients_zone(world):
    training, people = world
    due = Message.objects.filter(training=training, kind="session_24h",
                                  recipient=people["lead"]).order_by("send_at")[0]
    earlier = Message.objects.filter(state="scheduled", send_at__lte=due.send_at).count()
    with time_machine.travel(due.send_at + datetime.timedelta(seconds=30), tick=False):
        assert deliver_due() == earlier   # everything due by then, this one included
        assert deliver_due() == 0
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
    assert [(e.before, e.after) for e in due.log.all()] == [
        ("", "scheduled"), ("scheduled", "sending"), ("sending", "sent")]
    assert message.extra_headers["Message-ID"] == rendering.message_id(due.key)
    assert message.alternatives and "08:45" in message.alternatives[0][0]


def test_failed_sends_retry_with_backoff_then_fail(world, settings):
    training, people = world
    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingBackend"
    Training.objects.filter(pk=training.pk).update(status="completed", completed_at=NOW)
    with time_machine.travel(NOW, tick=False):
        plan_training(training=Training.objects.get(pk=training.pk))
    row = Message.objects.filter(training=training, kind="thank_you").get()
    moment = row.send_at
    for attempt in range(1, 6):
        with time_machine.travel(moment + datetime.timedelta(seconds=1), tick=False):
            deliver_due()
        row.refresh_from_db()
        assert row.attempts == attempt
        if attempt < 5:
            assert row.state == "scheduled"
            assert row.send_at == moment + datetime.timedelta(seconds=1, minutes=2 ** attempt)
            moment = row.send_at
    assert row.state == "failed"
    assert "SMTP down" in row.last_error
    assert row.log.filter(why__contains="next try at").count() == 4


def test_muted_reminders_are_cancelled_at_send_time_but_critical_ones_go(world):
    training, people = world
    services.set_muted(user=people["rco"], kind_names=["nomination_deadline"])  # not mutable
    services.set_muted(user=people["lead"], kind_names=["session_24h"])
    assert Preference.objects.get(user=people["rco"]).muted_kinds == []
    lead_24h = Message.objects.filter(recipient=people["lead"], kind="session_24h")[0]
    deadline = Message.objects.filter(recipient=people["rco"], kind="nomination_deadline")[0]
    for row in (lead_24h, deadline):
        with time_machine.travel(row.send_at, tick=False):
            deliver_due()
    lead_24h.refresh_from_db()
    deadline.refresh_from_db()
    assert lead_24h.state == "cancelled"
    assert lead_24h.log.filter(why="muted by the recipient").exists()
    assert deadline.state == "sent"


def test_nominations_short_is_only_sent_when_short(world):
    training, people = world
    row = Message.objects.get(training=training, kind="nominations_short")
    Training.objects.filter(pk=training.pk).update(capacity=1)
    with time_machine.travel(row.send_at, tick=False):
        deliver_due()
    row.refresh_from_db()
    assert row.state == "cancelled"
    assert "1 nominations for 1 seats" in row.log.last().why


def test_one_checklist_digest_per_person_and_day(world):
    training, people = world
    items = list(ChecklistItem.objects.filter(training=training, owner="lead_facilitator")[:3])
    overdue, soon, later = items
    ChecklistItem.objects.filter(pk=overdue.pk).update(due_at=NOW - datetime.timedelta(days=2))
    ChecklistItem.objects.filter(pk=soon.pk).update(due_at=NOW + datetime.timedelta(days=2))
    ChecklistItem.objects.filter(pk=later.pk).update(due_at=NOW + datetime.timedelta(days=20))
    with time_machine.travel(NOW, tick=False):
        assert plan_digests() == 1
        assert plan_digests() == 0   # idempotent within the day
        deliver_due()
    (message,) = [m for m in mail.outbox if m.to == ["lead@example.org"]]
    assert "2 items due soon or overdue" in message.subject
    assert overdue.title in message.body and "OVERDUE" in message.body
    assert soon.title in message.body
    assert later.title not in message.body


def test_one_date_change_plans_the_checklist_once_and_the_messages_once(
        world, django_capture_on_commit_callbacks):
    """The agenda moves (an agenda change), the training changes, people may change: the
    subscribers still hear of it once per transaction, after commit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from trainings.changes import committed

    training, people = world
    heard = []

    def listener(sender, *, training, reasons, **kwargs):
        heard.append((training.pk, sorted(reasons)))

    committed.connect(listener)
    try:
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries, \
                django_capture_on_commit_callbacks(execute=True):
            update_training(actor=people["lead"], training=training,
                            data={"start_date": datetime.date(2027, 3, 8),
                                  "end_date": datetime.date(2027, 3, 11)})
            assert heard == []            # nothing before the commit
    finally:
        committed.disconnect(listener)
    assert heard == [(training.pk, ["agenda", "training"])]
    sql = [q["sql"] for q in queries.captured_queries]
    # the planner locks the training's planned messages once, the checklist planner reads
    # the template once: each ran exactly once
    assert sum('FROM "notifications_message"' in q and "FOR UPDATE" in q for q in sql) == 1
    assert sum('FROM "scheduling_checklisttemplateitem"' in q and
               '"scheduling_checklisttemplateitem"."curriculum_id" =' in q for q in sql) == 1


def test_a_rolled_back_change_plans_nothing(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    training, people = world
    before = list(Message.objects.order_by("pk").values_list("pk", "send_at", "state"))
    with time_machine.travel(NOW, tick=False), \
            django_capture_on_commit_callbacks(execute=True) as callbacks, \
            pytest.raises(RuntimeError), transaction.atomic():
        update_training(actor=people["lead"], training=training,
                        data={"start_date": datetime.date(2027, 3, 8),
                              "end_date": datetime.date(2027, 3, 11)})
        raise RuntimeError("the request failed after the change")
    assert callbacks == []
    assert list(Message.objects.order_by("pk").values_list("pk", "send_at", "state")) == before


def test_re_planning_just_after_a_reminder_fell_due_does_not_cancel_it(world):
    """The sweep runs once a minute: a change planned in between must leave the reminder
    that is due (or retrying) on its way."""
    training, people = world
    due, retrying = Message.objects.filter(training=training, kind="session_24h").order_by(
        "send_at")[:2]
    moment = due.send_at + datetime.timedelta(seconds=30)      # due, not yet swept
    retry_at = moment + datetime.timedelta(minutes=2)          # failed once, waiting
    Message.objects.filter(pk=retrying.pk).update(attempts=1, send_at=retry_at)
    with time_machine.travel(moment, tick=False):
        plan_training(training=training)
    assert Message.objects.get(pk=due.pk).state == "scheduled"
    assert Message.objects.get(pk=due.pk).send_at == due.send_at
    assert Message.objects.get(pk=retrying.pk).state == "scheduled"
    assert Message.objects.get(pk=retrying.pk).send_at == retry_at


def test_a_reminder_whose_time_passed_after_a_change_is_cancelled_not_sent_late(
        world, django_capture_on_commit_callbacks):
    """The training moves one week earlier, to days whose 24 h reminders are already past:
    they are cancelled with the reason, not sent late."""
    training, people = world
    first = Message.objects.filter(training=training, kind="session_24h",
                                   recipient=people["lead"]).order_by("send_at")[0]
    moment = datetime.datetime(2027, 2, 22, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        update_training(actor=people["lead"], training=training,
                        data={"start_date": datetime.date(2027, 2, 22),
                              "end_date": datetime.date(2027, 2, 25)})
    first.refresh_from_db()
    assert first.state == "cancelled"
    assert "has passed" in first.log.last().why
