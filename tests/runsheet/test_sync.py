import datetime
import json
import uuid

import pytest

from notes.models import Question
from runsheet.models import Attendance, Group, SlotRun
from scheduling.models import Slot
from syncqueue.models import SyncEvent
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Nomination, Role

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def room():
    training = make_agenda()
    moderator = UserFactory()
    Membership.objects.create(training=training, user=moderator, role=Role.MODERATOR)
    people = [Nomination.objects.create(training=training, full_name=f"P{i}",
                                        email=f"p{i}@example.org", un_entity="IOM",
                                        status=Nomination.Status.CONFIRMED) for i in range(6)]
    slot = Slot.objects.filter(training=training, kind="offline").order_by("start").first()
    return training, moderator, people, slot


def event(kind, payload, minutes=0, event_id=None):
    return {"id": str(event_id or uuid.uuid4()), "type": kind, "payload": payload,
            "recorded_at": (T0 + datetime.timedelta(minutes=minutes)).isoformat()}


def post(client, training, events):
    return client.post(f"/api/v1/trainings/{training.pk}/sync", data=json.dumps({"events": events}),
                       content_type="application/json")


def test_bad_events_are_refused_one_by_one_and_the_rest_applies(client, room):
    training, moderator, people, slot = room
    other = make_agenda(title="Other")
    other_slot = Slot.objects.filter(training=other).first()
    stranger = Nomination.objects.create(training=other, full_name="S", email="s@example.org",
                                         un_entity="X", status="confirmed")
    good = event("attendance.mark", {"slot": str(slot.uid), "participant": people[0].pk,
                                     "status": "present"})
    bad = {
        "unknown": event("attendance.teleport", {}),
        "other training": event("attendance.mark", {"slot": str(other_slot.uid),
                                                    "participant": people[1].pk,
                                                    "status": "present"}),
        "invalid payload": event("attendance.mark", {"slot": str(slot.uid),
                                                     "participant": people[1].pk,
                                                     "status": "asleep"}),
        "not on roster": event("attendance.mark", {"slot": str(slot.uid),
                                                   "participant": stranger.pk,
                                                   "status": "present"}),
        "no uuid": {"id": "nope", "type": "run.start", "payload": {}, "recorded_at": T0.isoformat()},
    }
    client.force_login(moderator)
    body = post(client, training, [good, *bad.values()]).json()
    assert good["id"] in body["acknowledged"]
    errors = body["errors"]
    assert "unknown event type" in errors[bad["unknown"]["id"]]
    assert errors[bad["other training"]["id"]] == "no such slot in this training"
    assert "status must be one of" in errors[bad["invalid payload"]["id"]]
    assert "not on the roster" in errors[bad["not on roster"]["id"]]
    assert "UUID" in errors["nope"]
    assert Attendance.objects.count() == 1
    # the refused events are held too: the device can drop them
    assert bad["unknown"]["id"] in body["acknowledged"]


def test_the_same_batch_twice_changes_nothing(client, room):
    training, moderator, people, slot = room
    batch = [event("attendance.all_present", {"slot": str(slot.uid),
                                              "participants": [p.pk for p in people]}),
             event("question.capture", {"slot": str(slot.uid), "text": "Why?"}, 1),
             event("run.start", {"slot": str(slot.uid)}, 2),
             event("run.extend", {"slot": str(slot.uid), "minutes": 5}, 3)]
    client.force_login(moderator)
    first = post(client, training, batch).json()
    second = post(client, training, batch).json()
    assert sorted(first["acknowledged"]) == sorted(second["acknowledged"]) == sorted(
        e["id"] for e in batch)
    assert Attendance.objects.count() == 6
    assert Question.objects.count() == 1
    assert SlotRun.objects.get(slot=slot).extended_minutes == 5   # not 10
    assert SyncEvent.objects.count() == 4


def test_attendance_is_last_writer_wins_by_the_time_it_was_recorded(client, room):
    training, moderator, people, slot = room
    client.force_login(moderator)
    late = event("attendance.mark", {"slot": str(slot.uid), "participant": people[0].pk,
                                     "status": "late"}, minutes=10)
    early = event("attendance.mark", {"slot": str(slot.uid), "participant": people[0].pk,
                                      "status": "present"}, minutes=2)
    post(client, training, [late])
    post(client, training, [early])   # recorded earlier, arrives later: loses
    assert Attendance.objects.get().status == "late"


def test_groups_are_validated(client, room):
    training, moderator, people, slot = room
    client.force_login(moderator)
    twice = event("groups.set", {"slot": str(slot.uid), "groups": [
        {"members": [people[0].pk, people[1].pk]}, {"members": [people[1].pk]}]})
    bad_chair = event("groups.set", {"slot": str(slot.uid), "groups": [
        {"members": [people[0].pk], "chair": people[2].pk}]})
    good = event("groups.set", {"slot": str(slot.uid), "groups": [
        {"members": [people[0].pk, people[1].pk], "chair": people[0].pk,
         "rapporteur": people[1].pk}, {"members": [people[2].pk, people[3].pk]}]}, 5)
    stale = event("groups.set", {"slot": str(slot.uid), "groups": [
        {"members": [people[4].pk]}]}, 1)
    errors = post(client, training, [twice, bad_chair, good, stale]).json()["errors"]
    assert "in two groups" in errors[twice["id"]]
    assert "chair of group 1 is not one of its members" in errors[bad_chair["id"]]
    groups = list(Group.objects.order_by("number"))
    assert len(groups) == 2   # the stale split (recorded earlier) did not replace it
    assert groups[0].chair == people[0] and groups[0].rapporteur == people[1]


def test_only_the_moderator_captures_questions(client, room):
    training, moderator, people, slot = room
    facilitator = UserFactory()
    Membership.objects.create(training=training, user=facilitator, role=Role.FACILITATOR)
    client.force_login(facilitator)
    question = event("question.capture", {"text": "Q"})
    body = post(client, training, [question]).json()
    assert body["errors"][question["id"]] == "your role does not allow this"
    assert not Question.objects.exists()


@pytest.mark.parametrize("role", [Role.RAPPORTEUR, Role.TECH_SUPPORT, "participant", "staff"])
def test_others_get_403_on_the_page_the_snapshot_and_the_sync(client, room, role):
    training, _moderator, people, slot = room
    user = UserFactory(is_staff=role == "staff")
    if role == "participant":
        Nomination.objects.filter(pk=people[0].pk).update(user=user)
    elif role != "staff":
        Membership.objects.create(training=training, user=user, role=role)
    client.force_login(user)
    assert client.get(f"/trainings/{training.pk}/run/").status_code == 403
    assert client.get(f"/api/v1/trainings/{training.pk}/runsheet").status_code == 403
    assert post(client, training, [event("run.start", {"slot": str(slot.uid)})]).status_code == 403
    assert not SlotRun.objects.exists()


def test_a_moderator_of_another_training_cannot_write_into_this_one(client, room):
    training, _moderator, people, slot = room
    other = make_agenda(title="Other")
    intruder = UserFactory()
    Membership.objects.create(training=other, user=intruder, role=Role.MODERATOR)
    client.force_login(intruder)
    response = post(client, training, [event("attendance.mark", {
        "slot": str(slot.uid), "participant": people[0].pk, "status": "absent"})])
    assert response.status_code == 404
    assert client.get(f"/trainings/{training.pk}/run/").status_code == 404
    assert not Attendance.objects.exists()


def test_anonymous_sync_is_401_so_the_device_keeps_its_queue(client, room):
    training, _moderator, _people, slot = room
    assert post(client, training, [event("run.start", {"slot": str(slot.uid)})]).status_code == 401


def test_snapshot_holds_agenda_parts_roster_groups_attendance(client, room):
    training, moderator, people, slot = room
    client.force_login(moderator)
    post(client, training, [event("attendance.mark", {"slot": str(slot.uid),
                                                      "participant": people[0].pk,
                                                      "status": "excused"})])
    data = client.get(f"/api/v1/trainings/{training.pk}/runsheet").json()
    assert len(data["slots"]) == 36
    assert len(data["roster"]) == 6
    assert data["permissions"]["capture_questions"] is True
    assert data["attendance"][str(slot.uid)][str(people[0].pk)]["status"] == "excused"
    with_parts = [s for s in data["slots"] if s["parts"]]
    part = with_parts[0]["parts"][0]
    assert part["instructions"] and "guiding_questions" in part and "handouts" in part


def test_a_batch_of_500_events_applies(client, room):
    training, moderator, people, slot = room
    client.force_login(moderator)
    batch = [event("attendance.mark", {"slot": str(slot.uid), "participant": people[i % 6].pk,
                                       "status": ["present", "late"][i % 2]}, minutes=i)
             for i in range(500)]
    body = post(client, training, batch).json()
    assert len(body["acknowledged"]) == 500 and body["errors"] == {}
    assert Attendance.objects.count() == 6
