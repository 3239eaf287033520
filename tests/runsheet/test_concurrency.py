"""Two devices at once, on PostgreSQL with real threads (each its own connection and
transaction): the moderator and a facilitator marking the same people, "+5 min" tapped on
both tablets, the same batch resent while the first is still being applied."""

import datetime
import json
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from runsheet.models import Attendance, SlotRun
from scheduling.models import Slot
from syncqueue.models import SyncEvent
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Nomination, Role

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row-level concurrency is what PostgreSQL does; SQLite "
                              "serialises writers (CI runs this on PostgreSQL)"),
]
T0 = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)).replace(microsecond=0)


@pytest.fixture
def room():
    training = make_agenda()
    moderator, facilitator = UserFactory(), UserFactory()
    Membership.objects.create(training=training, user=moderator, role=Role.MODERATOR)
    Membership.objects.create(training=training, user=facilitator, role=Role.FACILITATOR)
    people = [Nomination.objects.create(training=training, full_name=f"P{i}",
                                        email=f"p{i}@example.org", un_entity="IOM",
                                        status=Nomination.Status.CONFIRMED) for i in range(18)]
    slot = Slot.objects.filter(training=training, kind="offline").order_by("start").first()
    return training, moderator, facilitator, people, slot


def device(user):
    client = Client()
    client.force_login(user)
    return client


def at_once(calls):
    """Run the calls in threads released together; returns their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported as the result
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def send(client, training, events):
    def call():
        response = client.post(f"/api/v1/trainings/{training.pk}/sync",
                               data=json.dumps({"events": events}),
                               content_type="application/json")
        return response.status_code, response.json()
    return call


def marks(slot, people, status, seconds):
    return [{"id": str(uuid.uuid4()), "type": "attendance.mark",
             "recorded_at": (T0 + datetime.timedelta(seconds=seconds)).isoformat(),
             "payload": {"slot": str(slot.uid), "participant": p.pk, "status": status}}
            for p in people]


def test_two_devices_marking_the_same_18_people_at_once_both_apply(room):
    training, moderator, facilitator, people, slot = room
    tablet, laptop = device(moderator), device(facilitator)
    for run in range(5):
        # the device that recorded later wins, whichever request commits first
        first, second = ("late", "absent") if run % 2 else ("absent", "late")
        mine = marks(slot, people, first, seconds=10 * run + 1)
        theirs = marks(slot, people, second, seconds=10 * run + 2)
        results = at_once([send(tablet, training, mine), send(laptop, training, theirs)])
        for (status, body), batch in zip(results, (mine, theirs), strict=True):
            assert status == 200, body
            assert body["errors"] == {} and body["retry"] == {}
            assert sorted(body["acknowledged"]) == sorted(e["id"] for e in batch)
        rows = list(Attendance.objects.filter(slot=slot).values_list("status", "recorded_by"))
        assert len(rows) == 18
        assert set(rows) == {(second, facilitator.pk)}, run
    assert SyncEvent.objects.count() == 5 * 36


def test_plus_5_minutes_tapped_on_two_tablets_at_once_adds_both(room):
    training, moderator, facilitator, people, slot = room
    devices = [device(moderator), device(facilitator)] * 10

    def extend(i):
        return [{"id": str(uuid.uuid4()), "type": "run.extend",
                 "recorded_at": (T0 + datetime.timedelta(seconds=i)).isoformat(),
                 "payload": {"slot": str(slot.uid), "minutes": 5}}]

    results = at_once([send(client, training, extend(i)) for i, client in enumerate(devices)])
    assert all(status == 200 and not body["errors"] and not body.get("retry")
               for status, body in results), results
    assert SlotRun.objects.get(slot=slot).extended_minutes == 100   # 20 x 5, none lost


def test_the_same_batch_sent_twice_at_once_is_applied_once(room):
    training, moderator, facilitator, people, slot = room
    batch = [{"id": str(uuid.uuid4()), "type": "run.extend", "recorded_at": T0.isoformat(),
              "payload": {"slot": str(slot.uid), "minutes": 5}},
             *marks(slot, people, "present", seconds=1)]
    tablet = device(moderator)
    results = at_once([send(tablet, training, batch), send(tablet, training, batch)])
    for status, body in results:
        assert status == 200, body
        assert sorted(body["acknowledged"]) == sorted(e["id"] for e in batch)
    assert SlotRun.objects.get(slot=slot).extended_minutes == 5
    assert Attendance.objects.filter(status="present").count() == 18
