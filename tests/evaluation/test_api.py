import pytest

from evaluation import services
from tests.factories import UserFactory
from trainings.models import CountryAdmin

from .helpers import answers, evaluated_training

pytestmark = pytest.mark.django_db


def test_who_sees_what(client):
    training, facilitator, people = evaluated_training()
    rco = UserFactory()
    CountryAdmin.objects.create(user=rco, country="KE")
    survey, data = answers("closing", text="mine")
    services.respond(user=people[0], training=training, survey=survey, data=data)
    api = f"/api/v1/trainings/{training.pk}/evaluation"
    client.force_login(rco)
    assert client.get(api).json()["visibility"] == "aggregates"
    client.force_login(people[0])
    own = client.get(api).json()
    assert own["visibility"] == "own" and own["responses"][0]["survey"] == "closing"
    client.force_login(people[1])
    assert client.get(api).json()["responses"] == []
    assert client.get(f"/trainings/{training.pk}/evaluation/results/").status_code == 403
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(api).status_code == 404


def test_aggregates_show_shown_groups_only(client):
    training, facilitator, people = evaluated_training()
    survey, data = answers("closing", rating=4, text="t")
    for person in people[:5]:
        services.respond(user=person, training=training, survey=survey, data=data)
    client.force_login(facilitator)
    body = client.get(f"/api/v1/trainings/{training.pk}/evaluation").json()
    closing = next(s for s in body["surveys"] if s["survey"] == "closing")
    prior = next(s for s in body["surveys"] if s["survey"] == "prior-knowledge")
    assert (closing["respondents"], closing["shown"], prior["shown"]) == (5, True, False)
    assert prior["questions"] == []
    relevance = next(q for q in closing["questions"] if q["key"] == "relevance")
    assert relevance["distribution"] == [0, 0, 0, 5, 0] and relevance["mean"] == 4.0
    written = [q for q in closing["questions"] if q["type"] == "text"]
    assert written and all(q["count"] == 5 and "texts" not in q for q in written)  # no texts
