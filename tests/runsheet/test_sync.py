import datetime
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notes.models import Question
from runsheet.models import Attendance, Group, SlotRun
from scheduling.models import Slot
from syncqueue.models import SyncEvent
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Nomination, Role

pytestmark = pytest.mark.django_db
# Devices record the time of each action: a past moment (a time ahead of the server's clock
# is taken as the time it arrived, see test_a_device_clock_far_ahead_does_not_win_for_ever).
T0 = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30)).replace(
    second=0, microsecond=0)


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


def post(client, training, events, **extra):
    return client.post(f"/api/v1/trainings/{training.pk}/sync",
                       data=json.dumps({"events": events, **extra}),
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
    assert errors[bad["invalid payload"]["id"]] == (
        "status: must be one of present, late, absent or excused")
    assert "not on the roster" in errors[bad["not on roster"]["id"]]
    assert errors["nope"] == "id: must be an id (UUID)"
    assert Attendance.objects.count() == 1
    # the refused events are answered for good too: the device drops them
    assert set(body["acknowledged"]) == {good["id"], *errors}
    assert body["retry"] == {}


# Each kind of malformed event that used to answer 500 for the whole batch (issue 14), with
# the reason the device now shows for it.
POISON = {
    "impossible date": (
        lambda slot, people: {**event("run.start", {"slot": str(slot.uid)}),
                              "recorded_at": "2027-02-30T10:00:00Z"},
        "recorded_at: is not a valid time (day is out of range for month)"),
    "NUL in a question": (
        lambda slot, people: event("question.capture", {"slot": str(slot.uid),
                                                        "text": "Why\x00 this?"}),
        "text: must not contain control characters"),
    "text for a number": (
        lambda slot, people: event("attendance.mark", {"slot": str(slot.uid),
                                                       "participant": "abc",
                                                       "status": "present"}),
        "participant: must be a whole number"),
    "members as a number": (
        lambda slot, people: event("groups.set", {"slot": str(slot.uid),
                                                  "groups": [{"members": 5}]}),
        "groups #1 members: must be a list"),
    "chair abc": (
        lambda slot, people: event("groups.set", {"slot": str(slot.uid), "groups": [
            {"members": [people[0].pk], "chair": "abc"}]}),
        "groups #1 chair: must be a whole number"),
    "member is a list": (
        lambda slot, people: event("groups.set", {"slot": str(slot.uid), "groups": [
            {"members": [[people[0].pk]]}]}),
        "groups #1 members #1: must be a whole number"),
    "NUL in an unknown type's payload": (
        lambda slot, people: event("attendance.teleport", {"where\x00": "moon\x00"}),
        "unknown event type “attendance.teleport”"),
    "lone surrogate in a question": (
        lambda slot, people: event("question.capture", {"text": "broken \ud800 text"}),
        "text: must not contain control characters"),
    "participant true": (
        lambda slot, people: event("attendance.mark", {"slot": str(slot.uid),
                                                       "participant": True,
                                                       "status": "present"}),
        "participant: must be a whole number"),
    "participant beyond any id": (
        lambda slot, people: event("attendance.mark", {"slot": str(slot.uid),
                                                       "participant": 10**30,
                                                       "status": "present"}),
        "participant: must be at most 2147483647"),
    "minutes as text": (
        lambda slot, people: event("run.extend", {"slot": str(slot.uid), "minutes": "5"}),
        "minutes: must be a whole number"),
    "payload a list": (
        lambda slot, people: {**event("run.start", {}), "payload": [1, 2]},
        "payload: must be an object"),
    "event a string": (lambda slot, people: "run.start", "an event must be an object"),
    "year 1900": (
        lambda slot, people: {**event("run.start", {"slot": str(slot.uid)}),
                              "recorded_at": "1900-01-01T00:00:00Z"},
        "recorded_at: must be between the years 2000 and 2100"),
    "slot not a uuid": (
        lambda slot, people: event("run.start", {"slot": 12}),
        "slot: must be an id (UUID)"),
    "question too long": (
        lambda slot, people: event("question.capture", {"text": "x" * 2001}),
        "text: is too long (at most 2000 characters)"),
}


@pytest.mark.parametrize("kind", list(POISON))
def test_each_malformed_event_is_refused_on_its_own_and_the_next_one_applies(client, room,
                                                                             kind):
    training, moderator, people, slot = room
    make, reason = POISON[kind]
    poison = make(slot, people)
    valid = event("attendance.mark", {"slot": str(slot.uid), "participant": people[0].pk,
                                      "status": "late"}, minutes=1)
    client.force_login(moderator)
    for _ in range(2):   # the device resends: the same answer, still no 500
        response = post(client, training, [poison, valid])
        assert response.status_code == 200, response.content
        body = response.json()
        poison_id = poison["id"] if isinstance(poison, dict) else ""
        assert body["errors"] == {poison_id: reason}
        assert sorted(body["acknowledged"]) == sorted([poison_id, valid["id"]])
        assert body["retry"] == {}
    assert Attendance.objects.get().status == "late"
    assert not Question.objects.exists()


def test_a_refused_event_is_kept_with_its_payload_for_inspection(client, room):
    training, moderator, people, slot = room
    poison = event("attendance.teleport", {"where\x00": "moon\x00"})
    client.force_login(moderator)
    post(client, training, [poison])
    row = SyncEvent.objects.get(pk=poison["id"])
    assert row.status == "rejected" and "unknown event type" in row.error
    assert row.payload == {"where\ufffd": "moon\ufffd"}


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


def test_the_same_event_twice_in_one_batch_applies_once(client, room):
    training, moderator, people, slot = room
    extend = event("run.extend", {"slot": str(slot.uid), "minutes": 5})
    client.force_login(moderator)
    body = post(client, training, [extend, extend]).json()
    assert body["acknowledged"] == [extend["id"]]
    assert SlotRun.objects.get(slot=slot).extended_minutes == 5


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
    # in one batch too, whatever the order
    absent = event("attendance.mark", {"slot": str(slot.uid), "participant": people[1].pk,
                                       "status": "absent"}, minutes=5)
    excused = event("attendance.mark", {"slot": str(slot.uid), "participant": people[1].pk,
                                        "status": "excused"}, minutes=4)
    everyone = event("attendance.all_present", {"slot": str(slot.uid), "participants": [
        people[1].pk, people[2].pk]}, minutes=3)
    post(client, training, [absent, excused, everyone])
    assert dict(Attendance.objects.values_list("participant", "status")) == {
        people[0].pk: "late", people[1].pk: "absent", people[2].pk: "present"}


def test_a_device_clock_far_ahead_does_not_win_for_ever(client, room):
    training, moderator, people, slot = room
    client.force_login(moderator)
    future = {**event("attendance.mark", {"slot": str(slot.uid), "participant": people[0].pk,
                                          "status": "absent"}),
              "recorded_at": "2099-01-01T00:00:00+00:00"}
    post(client, training, [future])
    row = Attendance.objects.get()
    assert row.recorded_at < datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=1)
    later = {**event("attendance.mark", {"slot": str(slot.uid), "participant": people[0].pk,
                                         "status": "present"}),
             "recorded_at": datetime.datetime.now(datetime.UTC).isoformat()}
    post(client, training, [later])
    assert Attendance.objects.get().status == "present"


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
    too_many = event("groups.set", {"slot": str(slot.uid),
                                    "groups": [{"members": []}] * 13}, 6)
    errors = post(client, training, [twice, bad_chair, good, stale, too_many]).json()["errors"]
    assert "in two groups" in errors[twice["id"]]
    assert "chair of group 1 is not one of its members" in errors[bad_chair["id"]]
    assert errors[too_many["id"]] == "groups: is too long (at most 12 items)"
    groups = list(Group.objects.order_by("number"))
    assert len(groups) == 2   # the stale split (recorded earlier) did not replace it
    assert groups[0].chair == people[0] and groups[0].rapporteur == people[1]
    assert sorted(groups[1].members.values_list("pk", flat=True)) == [people[2].pk, people[3].pk]


def test_only_the_moderator_captures_questions(client, room):
    training, moderator, people, slot = room
    facilitator = UserFactory()
    Membership.objects.create(training=training, user=facilitator, role=Role.FACILITATOR)
    client.force_login(facilitator)
    question = event("question.capture", {"text": "Q"})
    body = post(client, training, [question]).json()
    assert body["errors"][question["id"]] == "your role does not allow this"
    assert not Question.objects.exists()


def test_an_event_id_reused_by_another_user_is_refused_for_good(client, room):
    training, moderator, people, slot = room
    facilitator = UserFactory()
    Membership.objects.create(training=training, user=facilitator, role=Role.FACILITATOR)
    mark = event("attendance.mark", {"slot": str(slot.uid), "participant": people[0].pk,
                                     "status": "present"})
    client.force_login(moderator)
    post(client, training, [mark])
    client.force_login(facilitator)
    copy = {**mark, "payload": {**mark["payload"], "status": "absent"}}
    body = post(client, training, [copy]).json()
    # acknowledged (the device drops it) and refused with a reason: never resent for ever
    assert body["acknowledged"] == [mark["id"]]
    assert "already used by another person" in body["errors"][mark["id"]]
    assert Attendance.objects.get().status == "present"


def test_events_recorded_for_another_account_are_not_taken_as_yours(client, room):
    training, moderator, people, slot = room
    facilitator = UserFactory()
    Membership.objects.create(training=training, user=facilitator, role=Role.FACILITATOR)
    client.force_login(facilitator)
    mark = event("attendance.mark", {"slot": str(slot.uid), "participant": people[0].pk,
                                     "status": "present"})
    response = post(client, training, [mark], user=str(moderator.pk))
    assert response.status_code == 409
    assert response.json()["code"] == "other_user"
    assert not Attendance.objects.exists() and not SyncEvent.objects.exists()
    assert post(client, training, [mark], user=str(facilitator.pk)).status_code == 200
    assert Attendance.objects.get().recorded_by == facilitator


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


def test_a_body_that_is_not_a_batch_is_a_clear_400(client, room):
    training, moderator, _people, _slot = room
    client.force_login(moderator)
    url = f"/api/v1/trainings/{training.pk}/sync"
    for body in ("not json", json.dumps([1, 2]), json.dumps({"events": "x"})):
        response = client.post(url, data=body, content_type="application/json")
        assert response.status_code == 400
        assert "events" in response.json()["detail"]


def test_a_10_mb_body_is_413_with_the_limit(client, room):
    training, moderator, people, slot = room
    client.force_login(moderator)
    question = event("question.capture", {"text": "x" * 1000})
    response = post(client, training, [question] * 10_000)   # about 10 MB
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "too_large" and body["max_bytes"] == 2 * 1024 * 1024
    assert "bytes" in body["detail"]
    assert not SyncEvent.objects.exists()


def test_5000_events_are_413_then_every_one_is_answered_in_batches(client, room):
    training, moderator, people, slot = room
    client.force_login(moderator)
    events = [event("attendance.mark", {"slot": str(slot.uid), "participant": people[i % 6].pk,
                                        "status": ["present", "late"][i % 2]}, minutes=i)
              for i in range(5000)]
    too_many = post(client, training, events)
    assert too_many.status_code == 413
    limit = too_many.json()["max_events"]
    assert limit == 1000 and "at most 1000 events" in too_many.json()["detail"]
    assert not SyncEvent.objects.exists()   # nothing half-saved
    answered = set()
    for start in range(0, len(events), limit):
        body = post(client, training, events[start:start + limit]).json()
        assert body["errors"] == {} and body["retry"] == {}
        answered.update(body["acknowledged"])
    assert answered == {e["id"] for e in events}
    assert SyncEvent.objects.count() == 5000
    # the latest mark of each person (events 4994..4999) is what stays
    assert dict(Attendance.objects.values_list("participant", "status")) == {
        people[i % 6].pk: ["present", "late"][i % 2] for i in range(4994, 5000)}


def _sync_statements(client, training, events):
    with CaptureQueriesContext(connection) as queries:
        response = post(client, training, events)
    assert response.status_code == 200
    assert len(response.json()["acknowledged"]) == len(events)
    return len(queries.captured_queries)


def test_500_attendance_events_take_a_bounded_number_of_statements(client, room):
    training, moderator, people, slot = room
    client.force_login(moderator)
    slots = list(Slot.objects.filter(training=training, kind="offline").order_by("start"))

    def marks(count, offset):
        return [event("attendance.mark", {"slot": str(slots[(i // 6) % len(slots)].uid),
                                          "participant": people[i % 6].pk,
                                          "status": ["present", "late", "absent"][i % 3]},
                      minutes=offset + i) for i in range(count)]

    small = _sync_statements(client, training, marks(5, 0))
    large = _sync_statements(client, training, marks(500, 10))
    assert large == small <= 16
    assert Attendance.objects.count() == min(500, len(slots) * 6)


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


def test_the_timer_start_end_and_extend(client, room):
    training, moderator, people, slot = room
    client.force_login(moderator)
    uid = str(slot.uid)
    post(client, training, [event("run.start", {"slot": uid}, 5),
                            event("run.start", {"slot": uid}, 2),      # the earliest start wins
                            event("run.extend", {"slot": uid, "minutes": 60}, 6),
                            event("run.end", {"slot": uid}, 9),
                            event("run.end", {"slot": uid}, 8)])       # the latest end wins
    run = SlotRun.objects.get(slot=slot)
    assert run.started_at == T0 + datetime.timedelta(minutes=2)
    assert run.ended_at == T0 + datetime.timedelta(minutes=9)
    post(client, training, [event("run.extend", {"slot": uid, "minutes": 60}, 10 + i)
                            for i in range(12)])
    assert SlotRun.objects.get(slot=slot).extended_minutes == 600   # capped
