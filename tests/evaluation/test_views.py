import datetime

import pytest

from evaluation import services
from evaluation.models import Answer, Commitment, Response
from tests.factories import UserFactory
from tests.querycount import count_queries
from trainings.models import Training

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


def test_form_errors_show_next_to_the_question(client):
    training, facilitator, people = evaluated_training()
    client.force_login(people[0])
    response = client.post(f"/trainings/{training.pk}/evaluation/closing/", {"relevance": "5"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please choose a rating from 1 to 5." in html
    assert not Response.objects.exists()


def test_a_participant_answers_and_sees_it_answered(client):
    training, facilitator, people = evaluated_training()
    survey, data = answers("closing", rating=5)
    client.force_login(people[0])
    home = client.get(f"/trainings/{training.pk}/evaluation/").content.decode()
    assert survey.title in home and "Answer" in home
    response = client.post(f"/trainings/{training.pk}/evaluation/closing/", data, follow=True)
    assert "Thank you: your answers are saved." in response.content.decode()
    assert "Answered" in response.content.decode()
    again = client.post(f"/trainings/{training.pk}/evaluation/closing/", data, follow=True)
    assert "You have already answered this survey." in again.content.decode()
    assert Response.objects.count() == 1


def test_a_module_survey_needs_a_module_of_the_curriculum(client):
    training, facilitator, people = evaluated_training()
    client.force_login(people[0])
    base = f"/trainings/{training.pk}/evaluation"
    assert client.get(f"{base}/module-feedback/module-1/").status_code == 200
    assert client.get(f"{base}/module-feedback/module-99/").status_code == 404
    assert client.get(f"{base}/module-feedback/").status_code == 404
    assert client.get(f"{base}/closing/module-1/").status_code == 404
    assert client.get(f"{base}/no-such-survey/").status_code == 404


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


def test_results_csv_has_a_row_per_question(client):
    training, facilitator, people = evaluated_training()
    survey, data = answers("closing", rating=4)
    for person in people[:5]:
        services.respond(user=person, training=training, survey=survey, data=data)
    client.force_login(facilitator)
    response = client.get(f"/trainings/{training.pk}/evaluation/results.csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0].startswith("survey,module,respondents,eligible,question")
    assert "Relevance of the content to your work,,0,0,0,5,0,4.0" in text
    assert "hidden: fewer than 5 respondents" in text


def test_action_plans_and_aggregate_progress(client):
    training, facilitator, people = evaluated_training()
    client.force_login(people[0])
    url = f"/trainings/{training.pk}/evaluation/action-plan/"
    response = client.post(url, {"action": "", "by_when": ""})
    assert "Say what you will do." in response.content.decode()
    response = client.post(url, {"action": "Something", "by_when": "01/06/2027"})
    assert "Give a date." in response.content.decode()
    client.post(url, {"action": "Brief the UNCT on GCM objective 1", "by_when": "2027-06-01",
                      "with_whom": "RCO"})
    commitment = Commitment.objects.get()
    assert commitment.by_when == datetime.date(2027, 6, 1)
    client.post(url, {"commitment": commitment.pk, "status": "done", "progress_note": "Done in May"})
    commitment.refresh_from_db()
    assert commitment.status == "done"
    client.force_login(facilitator)
    html = client.get(f"/trainings/{training.pk}/evaluation/results/").content.decode()
    assert "1 participant wrote 1 commitment" in html
    assert "Done: 1 (100%)" in html
    assert "Brief the UNCT" not in html
