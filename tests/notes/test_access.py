"""notes.access: one helper per kind of object, for the pages and the API alike. Someone who
may not see the training gets the same 404 as for an id that does not exist; someone who
may see it but not do the thing gets 403."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.models import ActivityPart
from notes import services
from notes.models import Attachment, GroupOutput, Question, SessionNote
from tests.factories import UserFactory
from tests.html import page_without_tokens
from trainings.models import Membership, Role

from .helpers import NOW, save

pytestmark = pytest.mark.django_db
MISSING = 987_654


@pytest.fixture
def world(team):
    training, people, slot = team
    people["outsider"] = UserFactory(full_name="Otto Outsider")
    people["tech"] = UserFactory(full_name="Tess Tech")
    Membership.objects.create(training=training, user=people["tech"], role=Role.TECH_SUPPORT)
    save(people["rapporteur"], slot, "Point", 0)
    part = ActivityPart.objects.filter(activity__number=1, phase="offline").first()
    output = services.save_group_output(user=people["rapporteur"], training=training, part=part,
                                        group_number=1, data={"actions_1": "x"})
    attachment = services.add_attachment(
        user=people["rapporteur"], output=output,
        uploaded=SimpleUploadedFile("flip.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32))
    question = Question.objects.create(id=uuid.uuid4(), training=training, slot=slot,
                                       text="Q?", captured_at=NOW)
    return {"training": training, "people": people, "slot": slot, "part": part,
            "attachment": attachment, "question": question}


# (name, method, url of the object, url of a missing one, data, who may see but not do it)
def cases(w):
    t, slot, part = w["training"], w["slot"], w["part"]
    return [
        ("notes index", "get", reverse("notes:index", args=[t.pk]),
         reverse("notes:index", args=[MISSING]), {}, "tech"),
        ("note page", "get", reverse("notes:note", args=[t.pk, slot.pk]),
         reverse("notes:note", args=[t.pk, MISSING]), {}, "tech"),
        ("note history", "get", reverse("notes:history", args=[t.pk, slot.pk, "key_points"]),
         reverse("notes:history", args=[t.pk, MISSING, "key_points"]), {}, "participant"),
        ("publish", "post", reverse("notes:note_state", args=[t.pk, slot.pk]),
         reverse("notes:note_state", args=[t.pk, MISSING]), {"action": "publish"},
         "rapporteur"),
        ("questions", "get", reverse("notes:questions", args=[t.pk]),
         reverse("notes:questions", args=[MISSING]), {}, "participant"),
        ("answer a question", "post", reverse("notes:question_action", args=[w["question"].pk]),
         reverse("notes:question_action", args=[uuid.uuid4()]), {"answer": "A"}, "moderator"),
        ("attachment", "get", reverse("notes:attachment", args=[w["attachment"].pk]),
         reverse("notes:attachment", args=[MISSING]), {}, "tech"),
        ("group output", "get", reverse("notes:output", args=[t.pk, part.pk, 1]),
         reverse("notes:output", args=[t.pk, MISSING, 1]), {}, "participant"),
        ("save a group output", "post", reverse("notes:output", args=[t.pk, part.pk, 1]),
         reverse("notes:output", args=[MISSING, part.pk, 1]), {"actions_1": "y"}, "moderator"),
        ("outcome summary", "post", reverse("notes:outcome", args=[t.pk]),
         reverse("notes:outcome", args=[MISSING]), {"summary": "<p>x</p>"}, "rapporteur"),
        ("api: notes", "get", f"/api/v1/trainings/{t.pk}/notes",
         f"/api/v1/trainings/{MISSING}/notes", {}, "tech"),
        ("api: questions", "get", f"/api/v1/trainings/{t.pk}/questions",
         f"/api/v1/trainings/{MISSING}/questions", {}, "participant"),
    ]


def state():
    return (list(SessionNote.objects.values_list("state", "published_at")),
            list(Question.objects.values_list("status", "answer")),
            list(GroupOutput.objects.values_list("data", flat=True)),
            Attachment.objects.count())


@pytest.mark.parametrize("index", range(12))
def test_outsiders_get_the_404_of_a_missing_id_and_others_403(client, world, index):
    name, method, url, missing, data, denied = cases(world)[index]
    people, before = world["people"], state()
    send = getattr(client, method)
    client.force_login(people["outsider"])
    existing, absent = send(url, data), send(missing, data)
    assert existing.status_code == absent.status_code == 404, name
    assert page_without_tokens(existing) == page_without_tokens(absent), name
    assert b"Kenya" not in existing.content
    client.force_login(people[denied])
    assert send(url, data).status_code == 403, name
    assert state() == before, name


def test_the_allowed_get_through(client, world):
    t, people = world["training"], world["people"]
    client.force_login(people["facilitator"])
    for name, method, url, _missing, _data, _denied in cases(world):
        if method == "get":
            assert client.get(url).status_code == 200, name
    client.force_login(people["rapporteur"])
    response = client.post(reverse("notes:output", args=[t.pk, world["part"].pk, 1]),
                           {"actions_1": "y"})
    assert response.status_code == 302
    assert GroupOutput.objects.get(group_number=1).data["actions_1"] == "y"


def test_a_reader_of_published_notes_gets_404_for_unpublished_ones(client, world):
    t, slot, people = world["training"], world["slot"], world["people"]
    client.force_login(people["participant"])
    unpublished = client.get(reverse("notes:note", args=[t.pk, slot.pk]))
    missing = client.get(reverse("notes:note", args=[t.pk, MISSING]))
    assert unpublished.status_code == missing.status_code == 404
    assert page_without_tokens(unpublished) == page_without_tokens(missing)


def test_a_slot_of_another_training_is_a_missing_one(client, world, make_other_training):
    other = make_other_training()
    other_slot = other.slots.filter(kind="offline").first()
    client.force_login(world["people"]["facilitator"])
    response = client.get(reverse("notes:note", args=[world["training"].pk, other_slot.pk]))
    assert response.status_code == 404


@pytest.fixture
def make_other_training():
    from tests.scheduling.helpers import make_agenda

    return lambda: make_agenda(title="Uganda", country="UG", tz="Africa/Kampala")
