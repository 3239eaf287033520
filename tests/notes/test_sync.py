"""The rapporteurs' sync endpoint: every bad event refused on its own with a reason, long
notes within the byte limit, a backlog larger than one request split and delivered."""

import datetime
import json
import uuid

import pytest

from notes.models import Question, SectionVersion
from scheduling.models import Slot
from syncqueue.models import SyncEvent
from syncqueue.services import MAX_BYTES
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Role

pytestmark = pytest.mark.django_db
T0 = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)).replace(microsecond=0)
ARABIC = "نص طويل عن الهجرة والتنمية المستدامة في خطة الأمم المتحدة "   # 2 bytes a letter


@pytest.fixture
def desk():
    training = make_agenda()
    rapporteur = UserFactory()
    Membership.objects.create(training=training, user=rapporteur, role=Role.RAPPORTEUR)
    slots = list(Slot.objects.filter(training=training, kind="offline").order_by("start"))
    return training, rapporteur, slots


def save(slot, text, section="key_points", base=0, seconds=0, **extra):
    return {"id": str(uuid.uuid4()), "type": "note.save",
            "recorded_at": (T0 + datetime.timedelta(seconds=seconds)).isoformat(),
            "payload": {"slot": str(slot.uid), "section": section, "text": text, "base": base,
                        **extra}}


def post(client, training, events):
    # as a browser sends it: UTF-8, not \u escapes
    body = json.dumps({"events": events}, ensure_ascii=False).encode()
    return client.post(f"/api/v1/trainings/{training.pk}/notes/sync", data=body,
                       content_type="application/json")


POISON = {
    "NUL in the text": (lambda slot: save(slot, "a\x00b"),
                        "text: must not contain control characters"),
    "unknown section": (lambda slot: save(slot, "x", section="gossip"),
                        "section: must be one of key_points, agreements, activity_outcomes "
                        "or follow_up"),
    "base as text": (lambda slot: save(slot, "x", base="3"), "base: must be a whole number"),
    "text too long": (lambda slot: save(slot, "x" * 50_001),
                      "text: is too long (at most 50000 characters)"),
    "text a list": (lambda slot: save(slot, ["x"]), "text: must be text"),
    "impossible date": (lambda slot: {**save(slot, "x"), "recorded_at": "2027-02-30T10:00:00"},
                        "recorded_at: is not a valid time (day is out of range for month)"),
    "slot of nowhere": (lambda slot: {**save(slot, "x"),
                                      "payload": {"slot": str(uuid.uuid4()),
                                                  "section": "agreements", "text": "x"}},
                        "no such slot in this training"),
    "NUL in a question": (lambda slot: {"id": str(uuid.uuid4()), "type": "question.capture",
                                        "recorded_at": T0.isoformat(),
                                        "payload": {"text": "\x00"}},
                          "text: must not contain control characters"),
}


@pytest.mark.parametrize("kind", list(POISON))
def test_each_bad_note_event_is_refused_alone_and_the_next_save_applies(client, desk, kind):
    training, rapporteur, slots = desk
    make, reason = POISON[kind]
    bad = make(slots[0])
    good = save(slots[0], "Agreed: a joint work plan", section="agreements", seconds=1)
    client.force_login(rapporteur)
    response = post(client, training, [bad, good])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["errors"] == {bad["id"]: reason}
    assert sorted(body["acknowledged"]) == sorted([bad["id"], good["id"]])
    assert list(SectionVersion.objects.values_list("section", "text")) == [
        ("agreements", "Agreed: a joint work plan")]
    assert not Question.objects.exists()


def test_refused_text_is_kept_on_the_server(client, desk):
    training, rapporteur, slots = desk
    client.force_login(rapporteur)
    bad = save(slots[0], "Typed for an hour\x00 then a stray byte")
    post(client, training, [bad])
    kept = SyncEvent.objects.get(pk=bad["id"])
    assert kept.status == "rejected"
    assert kept.payload["text"] == "Typed for an hour\ufffd then a stray byte"


def test_a_backlog_of_32_long_arabic_sections_is_413_as_one_request_then_delivered_split(
        client, desk):
    training, rapporteur, slots = desk
    client.force_login(rapporteur)
    sections = ["key_points", "agreements", "activity_outcomes", "follow_up"]
    text = (ARABIC * 1000)[:50_000]
    backlog = [save(slot, f"{i} {text}"[:50_000], section=section, seconds=i)
               for i, (slot, section) in enumerate((s, sec) for s in slots[:8] for sec in sections)]
    assert len(backlog) == 32
    whole = json.dumps({"events": backlog}, ensure_ascii=False).encode()
    assert len(whole) > 2_900_000   # about 2.9 MB
    response = post(client, training, backlog)
    assert response.status_code == 413
    assert response.json()["max_bytes"] == MAX_BYTES
    assert not SectionVersion.objects.exists()
    # what the device does (static/js/sync-core.js planBatch): batches under the byte limit
    batches, current, size = [], [], 0
    for e in backlog:
        length = len(json.dumps(e, ensure_ascii=False).encode()) + 1
        if current and size + length > MAX_BYTES - 1024:
            batches.append(current)
            current, size = [], 0
        current.append(e)
        size += length
    batches.append(current)
    assert len(batches) >= 2
    for batch in batches:
        body = post(client, training, batch).json()
        assert body["errors"] == {} and body["retry"] == {}
        assert len(body["acknowledged"]) == len(batch)
    assert SectionVersion.objects.count() == 32
    assert all(len(v) == 50_000 for v in SectionVersion.objects.values_list("text", flat=True))


def test_only_rapporteurs_sync_notes(client, desk):
    training, _rapporteur, slots = desk
    moderator = UserFactory()
    Membership.objects.create(training=training, user=moderator, role=Role.MODERATOR)
    client.force_login(moderator)
    assert post(client, training, [save(slots[0], "x")]).status_code == 403
    assert not SectionVersion.objects.exists()


def test_notes_of_another_account_on_the_device_wait_for_that_person(client, desk):
    training, rapporteur, slots = desk
    other = UserFactory()
    Membership.objects.create(training=training, user=other, role=Role.RAPPORTEUR)
    client.force_login(other)
    body = json.dumps({"events": [save(slots[0], "Ruth's draft")], "user": str(rapporteur.pk)})
    response = client.post(f"/api/v1/trainings/{training.pk}/notes/sync", data=body,
                           content_type="application/json")
    assert response.status_code == 409
    assert not SectionVersion.objects.exists()
