"""evaluation.access for the pages and the API: someone who may not see the training gets
the same 404 as for an id that does not exist; someone who may see it but not do the thing
gets 403, and nothing changes."""

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import Commitment, Response
from tests.factories import UserFactory
from tests.html import page_without_tokens
from trainings.models import Membership, Role

from .helpers import answers, evaluated_training

pytestmark = pytest.mark.django_db
MISSING = 987_654


@pytest.fixture
def world():
    training, facilitator, people = evaluated_training()
    moderator = UserFactory()
    Membership.objects.create(training=training, user=moderator, role=Role.MODERATOR)
    commitment = services.add_commitment(user=people[0], training=training, action="Mine",
                                         by_when="2027-06-01")
    return {"training": training, "facilitator": facilitator, "people": people,
            "moderator": moderator, "outsider": UserFactory(), "commitment": commitment}


def pages(pk):
    return {"home": reverse("evaluation:home", args=[pk]),
            "answer": reverse("evaluation:answer", args=[pk, "closing"]),
            "results": reverse("evaluation:results", args=[pk]),
            "csv": reverse("evaluation:results_csv", args=[pk]),
            "plan": reverse("evaluation:plan", args=[pk]),
            "api": f"/api/v1/trainings/{pk}/evaluation"}


# who may see the training but not this page
DENIED = {"home": "moderator", "answer": "facilitator", "results": "participant",
          "csv": "participant", "plan": "facilitator", "api": "moderator"}


def who(world, name):
    return world["people"][0] if name == "participant" else world[name]


@pytest.mark.parametrize("page", list(DENIED))
def test_outsiders_get_the_404_of_a_missing_id_and_others_403(client, world, page):
    training = world["training"]
    client.force_login(world["outsider"])
    existing = client.get(pages(training.pk)[page])
    missing = client.get(pages(MISSING)[page])
    assert existing.status_code == missing.status_code == 404
    assert page_without_tokens(existing) == page_without_tokens(missing)
    client.force_login(who(world, DENIED[page]))
    assert client.get(pages(training.pk)[page]).status_code == 403


def test_only_participants_answer_and_keep_a_plan(client, world):
    training, facilitator = world["training"], world["facilitator"]
    survey, data = answers("closing")
    client.force_login(facilitator)
    assert client.post(pages(training.pk)["answer"], data).status_code == 403
    assert client.post(pages(training.pk)["plan"], {"action": "Theirs",
                                                    "by_when": "2027-06-01"}).status_code == 403
    assert not Response.objects.exists()
    assert list(Commitment.objects.values_list("action", flat=True)) == ["Mine"]


def test_someone_elses_commitment_is_a_missing_one(client, world):
    training, people, commitment = world["training"], world["people"], world["commitment"]
    url = pages(training.pk)["plan"]
    client.force_login(people[1])
    theirs = client.post(url, {"commitment": commitment.pk, "status": "dropped"})
    missing = client.post(url, {"commitment": MISSING, "status": "dropped"})
    assert theirs.status_code == missing.status_code == 404
    assert page_without_tokens(theirs) == page_without_tokens(missing)
    assert Commitment.objects.get().status == Commitment.Status.NOT_STARTED
    client.force_login(people[0])
    assert client.post(url, {"commitment": commitment.pk, "status": "dropped"}).status_code == 302
    assert Commitment.objects.get().status == Commitment.Status.DROPPED


def test_the_allowed_get_through(client, world):
    training = world["training"]
    client.force_login(world["facilitator"])
    for page in ("home", "results", "csv", "api"):
        assert client.get(pages(training.pk)[page]).status_code == 200, page
    client.force_login(world["people"][0])
    for page in ("home", "answer", "plan", "api"):
        assert client.get(pages(training.pk)[page]).status_code == 200, page
