import pytest

from evaluation import selectors, services

from .helpers import answers, evaluated_training

pytestmark = pytest.mark.django_db


def test_evaluation_summary_feeds_the_outcome_report(client):
    training, facilitator, people = evaluated_training()
    survey, data = answers("closing", rating=5)
    for person in people[:5]:
        services.respond(user=person, training=training, survey=survey, data=data)
    client.force_login(facilitator)
    html = client.get(f"/trainings/{training.pk}/outcome/").content.decode()
    assert "Closing evaluation: 5 of 6 responded." in html
    assert "Relevance of the content to your work: average 5.0 / 5" in html


def test_survey_rows_say_what_is_answered_and_open(client):
    training, facilitator, people = evaluated_training()
    survey, data = answers("closing")
    services.respond(user=people[0], training=training, survey=survey, data=data)
    rows = selectors.survey_rows(training, people[0])
    closing = next(r for r in rows if r["survey"].kind == "closing")
    prior = next(r for r in rows if r["survey"].kind == "prior")
    assert closing["done"] and closing["open"]
    assert not prior["done"]
    modules = [r["module"].number for r in rows if r["survey"].kind == "module"]
    assert modules == [m.number for m in selectors.modules_of(training)]
