"""documents.access for the pages and the API: someone who may not see the training gets
the same 404 as for an id that does not exist; someone who may see it but may not have the
document gets 403, and nothing is made."""

import json

import pytest
from django.urls import reverse

from documents.models import Certificate, Document
from tests.factories import UserFactory
from tests.html import page_without_tokens

pytestmark = pytest.mark.django_db
MISSING = 987_654


@pytest.fixture
def world(room):
    training, lead, people = room
    other_pack = Document.objects.create(training=training, kind="pack", participant=people[1],
                                         input_hash="a" * 64)
    certificate = Certificate.objects.create(training=training, participant=people[1],
                                             attendance_rate=1.0)
    return {"training": training, "lead": lead, "people": people, "other_pack": other_pack,
            "certificate": certificate, "participant": people[0].user, "outsider": UserFactory()}


def api_post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


# (name, send(client, world, id of the training or the document)) for ids that exist and
# ids that do not; and what a participant who may see the training but not this gets.
CASES = {
    "documents page": (lambda c, w, pk: c.get(reverse("documents:list", args=[pk])),
                       lambda w: w["training"].pk),
    "ask for sign-in sheets": (lambda c, w, pk: c.post(reverse("documents:request", args=[pk]),
                                                       {"kind": "sign_in"}),
                               lambda w: w["training"].pk),
    "download someone's pack": (lambda c, w, pk: c.get(reverse("documents:download", args=[pk])),
                                lambda w: w["other_pack"].pk),
    "revoke a certificate": (
        lambda c, w, pk: c.post(reverse("documents:revoke", args=[w["training"].pk, pk]),
                                {"reason": "x"}),
        lambda w: w["certificate"].pk),
    "api: ask for sign-in sheets": (
        lambda c, w, pk: api_post(c, f"/api/v1/trainings/{pk}/documents", {"kind": "sign_in"}),
        lambda w: w["training"].pk),
    "api: someone's pack": (lambda c, w, pk: c.get(f"/api/v1/documents/{pk}"),
                            lambda w: w["other_pack"].pk),
}
# The participant may see the documents page itself; the rest is not theirs.
PARTICIPANT_STATUS = {"documents page": 200}


def state():
    return (sorted(Document.objects.values_list("kind", "participant_id", "state")),
            list(Certificate.objects.values_list("revoked_at", flat=True)))


@pytest.mark.parametrize("case", list(CASES))
def test_outsiders_get_the_404_of_a_missing_id_and_participants_403(client, world, case):
    send, target = CASES[case]
    before = state()
    client.force_login(world["outsider"])
    existing, missing = send(client, world, target(world)), send(client, world, MISSING)
    assert existing.status_code == missing.status_code == 404, case
    assert page_without_tokens(existing) == page_without_tokens(missing), case
    client.force_login(world["participant"])
    assert send(client, world, target(world)).status_code == PARTICIPANT_STATUS.get(case, 403)
    assert state() == before


def test_a_certificate_of_another_training_is_a_missing_one(client, world, make_uganda):
    other = make_uganda()
    client.force_login(world["lead"])
    response = client.post(reverse("documents:revoke", args=[other.pk, world["certificate"].pk]),
                           {"reason": "x"})
    assert response.status_code == 404
    response = client.post(reverse("documents:revoke", args=[world["training"].pk,
                                                             world["certificate"].pk]),
                           {"reason": "Issued by mistake"})
    assert response.status_code == 302
    assert Certificate.objects.get().revoked_reason == "Issued by mistake"


def test_participants_have_their_own_documents(client, world):
    training, people = world["training"], world["people"]
    own = Document.objects.create(training=training, kind="pack", participant=people[0],
                                  input_hash="b" * 64)
    client.force_login(world["participant"])
    body = client.get(f"/api/v1/documents/{own.pk}").json()
    assert (body["kind"], body["state"], body["download_url"]) == ("pack", "queued", None)
    assert client.get(reverse("documents:download", args=[own.pk])).status_code == 404  # not ready
    response = client.post(reverse("documents:request", args=[training.pk]),
                           {"kind": "handouts"})
    assert response.status_code == 302


@pytest.fixture
def make_uganda():
    from tests.scheduling.helpers import make_agenda

    return lambda: make_agenda(title="Uganda", country="UG", tz="Africa/Kampala")
