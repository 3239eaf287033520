import datetime

import pytest
from django.core.exceptions import ValidationError

from evaluation import services
from evaluation.models import Commitment, Response

from .helpers import answers, evaluated_training

pytestmark = pytest.mark.django_db


def test_answering_rules(client):
    training, facilitator, people = evaluated_training()
    survey, data = answers("closing")
    with pytest.raises(ValidationError) as excinfo:
        services.respond(user=people[0], training=training, survey=survey, data={})
    assert "relevance" in excinfo.value.message_dict
    services.respond(user=people[0], training=training, survey=survey, data=data)
    with pytest.raises(ValidationError, match="already answered"):
        services.respond(user=people[0], training=training, survey=survey, data=data)
    bad = {**data, "relevance": "9"}
    with pytest.raises(ValidationError):
        services.respond(user=people[1], training=training, survey=survey, data=bad)
    assert Response.objects.count() == 1
    # Who may answer is checked by the page (evaluation.access), not here: see
    # test_access.test_only_participants_answer_and_keep_a_plan.


def test_prior_survey_closes_when_the_training_starts(client):
    training, facilitator, people = evaluated_training(status="planning")
    survey, data = answers("prior")
    after_start = datetime.datetime(2027, 3, 2, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError, match="not open"):
        services.respond(user=people[0], training=training, survey=survey, data=data,
                         now=after_start)


def test_a_commitment_needs_an_action_and_a_date(client):
    training, facilitator, people = evaluated_training()
    with pytest.raises(ValidationError) as excinfo:
        services.add_commitment(user=people[0], training=training, action=" ", by_when=None)
    assert set(excinfo.value.message_dict) == {"action", "by_when"}
    commitment = services.add_commitment(user=people[0], training=training, action="Brief",
                                         by_when=datetime.date(2027, 6, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.update_commitment(user=people[0], commitment=commitment, status="nonsense")
    assert "status" in excinfo.value.message_dict
    assert Commitment.objects.get().status == Commitment.Status.NOT_STARTED
