import datetime

import pytest
from django.core.exceptions import ValidationError

from evaluation import services
from evaluation.models import Answer, Response
from tests.factories import UserFactory
from tests.querycount import count_queries
from trainings.models import CountryAdmin, Training

from .helpers import answers, evaluated_training

pytestmark = pytest.mark.django_db


def test_results_stay_hidden_under_five_and_show_aggregates_from_five(client):
    training, facilitator, people = evaluated_training()
    survey, data = answers("closing", rating=4, text="secret remark xyz")
    for person in people[:4]:
        services.respond(user=person, training=training, survey=survey, data=data)
    client.force_login(facilitator)
    url = f"/trainings/{training.pk}/evaluation/results/"
    html = client.get(url).content.decode()
    closing = html[html.index("Closing evaluation"):]
    assert "4 of 6 responded (67%)" in closing
    assert "Results appear when at least 5 people have answered" in closing
    services.respond(user=people[4], training=training, survey=survey, data=data)
    html = client.get(url).content.decode()
    assert "5 of 6 responded (83%)" in html
    assert "Average 4.0 / 5" in html
    assert "secret remark xyz" not in html            # facilitators see no individual answer
    assert "5 written answers" in html
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert "secret remark xyz" in client.get(url).content.decode()   # staff: unattributed


def test_knowledge_before_and_after_per_module(client):
    training, facilitator, people = evaluated_training(participants=5)
    prior, before = answers("prior", rating=2)
    closing, after = answers("closing", rating=4)
    Training.objects.filter(pk=training.pk).update(status="planning")
    training.refresh_from_db()
    now = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    for person in people:
        services.respond(user=person, training=training, survey=prior, data=before, now=now)
    Training.objects.filter(pk=training.pk).update(status="completed")
    training.refresh_from_db()
    for person in people:
        services.respond(user=person, training=training, survey=closing, data=after)
    client.force_login(facilitator)
    html = client.get(f"/trainings/{training.pk}/evaluation/results/").content.decode()
    assert "Module 1: before 2.0, after 4.0." in html      # the chart's text alternative
    assert '<svg role="img"' in html and "<title" in html
    data = client.get(f"/api/v1/trainings/{training.pk}/evaluation").json()
    assert data["knowledge_change"][0] == {"module": 1, "before": 2.0, "after": 4.0}


def test_answering_rules(client):
    training, facilitator, people = evaluated_training()
    survey, data = answers("closing")
    with pytest.raises(ValidationError) as excinfo:
        services.respond(user=people[0], training=training, survey=survey, data={})
    assert "relevance" in excinfo.value.message_dict
    services.respond(user=people[0], training=training, survey=survey, data=data)
    with pytest.raises(ValidationError, match="already answered"):
        services.respond(user=people[0], training=training, survey=survey, data=data)
    with pytest.raises(ValidationError, match="Only the training's participants"):
        services.respond(user=facilitator, training=training, survey=survey, data=data)
    bad = {**data, "relevance": "9"}
    with pytest.raises(ValidationError):
        services.respond(user=people[1], training=training, survey=survey, data=bad)
    assert Response.objects.count() == 1


def test_prior_survey_closes_when_the_training_starts(client):
    training, facilitator, people = evaluated_training(status="planning")
    survey, data = answers("prior")
    after_start = datetime.datetime(2027, 3, 2, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError, match="not open"):
        services.respond(user=people[0], training=training, survey=survey, data=data,
                         now=after_start)


def test_form_errors_show_next_to_the_question(client):
    training, facilitator, people = evaluated_training()
    client.force_login(people[0])
    response = client.post(f"/trainings/{training.pk}/evaluation/closing/", {"relevance": "5"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please choose a rating from 1 to 5." in html
    assert not Response.objects.exists()


def test_results_page_query_count_does_not_grow_with_respondents(client):
    training, facilitator, people = evaluated_training(participants=30)
    survey, data = answers("closing", text="t")
    module_survey, module_data = answers("module", text="m")
    for person in people[:5]:
        services.respond(user=person, training=training, survey=survey, data=data)
    client.force_login(facilitator)
    url = f"/trainings/{training.pk}/evaluation/results/"
    few = count_queries(client, url)
    for person in people[5:]:
        services.respond(user=person, training=training, survey=survey, data=data)
    assert Answer.objects.count() > 200
    assert count_queries(client, url) == few


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


def test_action_plans_and_aggregate_progress(client):
    training, facilitator, people = evaluated_training()
    client.force_login(people[0])
    url = f"/trainings/{training.pk}/evaluation/action-plan/"
    response = client.post(url, {"action": "", "by_when": ""})
    assert "Say what you will do." in response.content.decode()
    client.post(url, {"action": "Brief the UNCT on GCM objective 1", "by_when": "2027-06-01",
                      "with_whom": "RCO"})
    from evaluation.models import Commitment

    commitment = Commitment.objects.get()
    client.post(url, {"commitment": commitment.pk, "status": "done", "progress_note": "Done in May"})
    commitment.refresh_from_db()
    assert commitment.status == "done"
    client.force_login(facilitator)
    html = client.get(f"/trainings/{training.pk}/evaluation/results/").content.decode()
    assert "1 participant wrote 1 commitment" in html
    assert "Done: 1 (100%)" in html
    assert "Brief the UNCT" not in html


def test_evaluation_summary_feeds_the_outcome_report(client):
    training, facilitator, people = evaluated_training()
    survey, data = answers("closing", rating=5)
    for person in people[:5]:
        services.respond(user=person, training=training, survey=survey, data=data)
    client.force_login(facilitator)
    html = client.get(f"/trainings/{training.pk}/outcome/").content.decode()
    assert "Closing evaluation: 5 of 6 responded." in html
    assert "Relevance of the content to your work: average 5.0 / 5" in html
