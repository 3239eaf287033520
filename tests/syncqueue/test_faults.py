"""Faults injected in the database itself (triggers that refuse a row, fail like a deadlock,
or kill the connection): whatever happens while applying one event is answered for that
event, the rest of the batch applies, and the batch never gets a 500."""

import contextlib
import datetime
import json
import uuid

import pytest
from django.db import connection

from notes.models import Question
from runsheet.models import Attendance, Group
from scheduling.models import Slot
from syncqueue.models import SyncEvent
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Nomination, Role

T0 = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)).replace(microsecond=0)
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="the fault needs PL/pgSQL (CI runs PostgreSQL)")


@pytest.fixture
def room(db):
    training = make_agenda()
    moderator = UserFactory()
    Membership.objects.create(training=training, user=moderator, role=Role.MODERATOR)
    people = [Nomination.objects.create(training=training, full_name=f"P{i}",
                                        email=f"p{i}@example.org", un_entity="IOM",
                                        status=Nomination.Status.CONFIRMED) for i in range(4)]
    slot = Slot.objects.filter(training=training, kind="offline").order_by("start").first()
    return training, moderator, people, slot


def event(kind, payload, seconds=0):
    return {"id": str(uuid.uuid4()), "type": kind, "payload": payload,
            "recorded_at": (T0 + datetime.timedelta(seconds=seconds)).isoformat()}


def post(client, training, events):
    response = client.post(f"/api/v1/trainings/{training.pk}/sync",
                           data=json.dumps({"events": events}), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


@contextlib.contextmanager
def refusing(table, condition, message, errcode="P0001"):
    """A trigger that makes the database refuse the rows matching `condition`."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"""
                CREATE FUNCTION test_refuse() RETURNS trigger AS $$
                BEGIN
                  IF {condition} THEN
                    RAISE EXCEPTION '{message}' USING ERRCODE = '{errcode}';
                  END IF;
                  RETURN NEW;
                END $$ LANGUAGE plpgsql""")
            cursor.execute(f"CREATE TRIGGER test_refuse BEFORE INSERT OR UPDATE ON {table} "
                           "FOR EACH ROW EXECUTE FUNCTION test_refuse()")
        else:
            for op in ("INSERT", "UPDATE"):
                cursor.execute(f"CREATE TRIGGER test_refuse_{op} BEFORE {op} ON {table} "
                               f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{message}'); END")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS test_refuse ON {table}")
                cursor.execute("DROP FUNCTION IF EXISTS test_refuse()")
            else:
                for op in ("INSERT", "UPDATE"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS test_refuse_{op}")


def test_a_database_refusal_of_one_event_refuses_that_event_only(client, room):
    training, moderator, people, slot = room
    client.force_login(moderator)
    boom = event("groups.set", {"slot": str(slot.uid), "groups": [
        {"name": "boom", "members": [people[0].pk]}]})
    mark = event("attendance.mark", {"slot": str(slot.uid), "participant": people[1].pk,
                                     "status": "present"}, 1)
    question = event("question.capture", {"text": "Still here?"}, 2)
    with refusing("runsheet_group", "NEW.name = 'boom'", "no boom groups"):
        body = post(client, training, [boom, mark, question])
    assert body["errors"].keys() == {boom["id"]}
    assert body["errors"][boom["id"]].startswith("the database refused it: ")
    assert "no boom groups" in body["errors"][boom["id"]]
    assert sorted(body["acknowledged"]) == sorted([boom["id"], mark["id"], question["id"]])
    assert not Group.objects.exists()   # nothing half-saved of the refused event
    assert Attendance.objects.get().status == "present"
    assert Question.objects.get().text == "Still here?"
    assert SyncEvent.objects.get(pk=boom["id"]).status == "rejected"


def test_a_refusal_inside_the_bulk_attendance_write_isolates_the_bad_mark(client, room):
    training, moderator, people, slot = room
    client.force_login(moderator)
    marks = [event("attendance.mark", {"slot": str(slot.uid), "participant": p.pk,
                                       "status": "present"}, i) for i, p in enumerate(people)]
    bad = marks[2]
    with refusing("runsheet_attendance", f"NEW.participant_id = {people[2].pk}",
                  "this row is refused"):
        body = post(client, training, marks)
    assert body["errors"].keys() == {bad["id"]}
    assert "this row is refused" in body["errors"][bad["id"]]
    assert sorted(Attendance.objects.values_list("participant", flat=True)) == sorted(
        p.pk for p in people if p != people[2])


@postgres_only
def test_a_passing_failure_is_answered_retry_and_applies_when_sent_again(client, room):
    training, moderator, people, slot = room
    client.force_login(moderator)
    stuck = event("groups.set", {"slot": str(slot.uid), "groups": [
        {"name": "stuck", "members": [people[0].pk]}]})
    mark = event("attendance.mark", {"slot": str(slot.uid), "participant": people[1].pk,
                                     "status": "late"}, 1)
    # 40P01 is how PostgreSQL reports a deadlock: nothing wrong with the event itself
    with refusing("runsheet_group", "NEW.name = 'stuck'", "deadlock detected", "40P01"):
        body = post(client, training, [stuck, mark])
    assert body["retry"].keys() == {stuck["id"]}
    assert stuck["id"] not in body["acknowledged"]   # the device keeps it
    assert body["acknowledged"] == [mark["id"]] and body["errors"] == {}
    assert not SyncEvent.objects.filter(pk=stuck["id"]).exists()
    again = post(client, training, [stuck, mark])
    assert sorted(again["acknowledged"]) == sorted([stuck["id"], mark["id"]])
    assert Group.objects.get().name == "stuck"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_mid_batch_is_answered_retry_never_500(client):
    training = make_agenda()
    moderator = UserFactory()
    Membership.objects.create(training=training, user=moderator, role=Role.MODERATOR)
    person = Nomination.objects.create(training=training, full_name="P", email="p@example.org",
                                       un_entity="IOM", status=Nomination.Status.CONFIRMED)
    slot = Slot.objects.filter(training=training, kind="offline").first()
    client.force_login(moderator)
    killer = event("question.capture", {"text": "kill"})
    mark = event("attendance.mark", {"slot": str(slot.uid), "participant": person.pk,
                                     "status": "present"}, 1)
    with connection.cursor() as cursor:
        cursor.execute("""CREATE FUNCTION test_kill() RETURNS trigger AS $$
            BEGIN IF NEW.text = 'kill' THEN PERFORM pg_terminate_backend(pg_backend_pid());
            END IF; RETURN NEW; END $$ LANGUAGE plpgsql""")
        cursor.execute("CREATE TRIGGER test_kill BEFORE INSERT ON notes_question "
                       "FOR EACH ROW EXECUTE FUNCTION test_kill()")
    try:
        body = post(client, training, [mark, killer])
        assert body["acknowledged"] == [] and body["errors"] == {}
        assert body["retry"].keys() == {mark["id"], killer["id"]}
        assert not Attendance.objects.exists() and not SyncEvent.objects.exists()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS test_kill ON notes_question")
            cursor.execute("DROP FUNCTION IF EXISTS test_kill()")
    again = post(client, training, [mark, killer])
    assert sorted(again["acknowledged"]) == sorted([mark["id"], killer["id"]])
    assert Attendance.objects.count() == 1 and Question.objects.count() == 1
