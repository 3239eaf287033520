"""Group outputs shown one way (notes.selectors.group_outputs): each field with its label and
a GCM objective with its number and title, on the recap board (run mode) and in the outcome
report (page and PDF)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.models import ActivityPart
from documents.models import Document
from documents.services import html_for
from notes import selectors, services
from tests.html import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def outputs(team):
    training, people, _slot = team
    part = ActivityPart.objects.filter(activity__number=1, phase="offline").first()
    services.save_group_output(user=people["rapporteur"], training=training, part=part,
                               group_number=1, group_name="Group 1",
                               data={"objective_1": "17", "actions_1": "Radio campaign",
                                     "objective_2": "1", "actions_2": "A data unit"})
    services.save_group_output(user=people["rapporteur"], training=training, part=part,
                               group_number=2, group_name="Lions", data={"objective_1": "23"})
    return training, people


def test_recap_board_shows_labels_and_objective_titles(client, outputs):
    training, people = outputs
    client.force_login(people["facilitator"])
    page = text_of(client.get(f"/trainings/{training.pk}/recap/?module=1").content)
    assert "Group 1 Objective 1: GCM objective 17. Eliminate all forms of discrimination" in page
    assert "Objective 1: Priority actions in the country Radio campaign" in page
    assert "Objective 2: GCM objective 1. Collect and utilize accurate" in page
    assert "Group 2 – Lions" in page
    assert "23. Strengthen international cooperation" in page
    assert "Group 1 1" not in page


def test_outcome_page_and_pdf_show_the_same_labelled_outputs(client, outputs):
    training, people = outputs
    client.force_login(people["facilitator"])
    page = text_of(client.get(f"/trainings/{training.pk}/outcome/").content)
    pdf = text_of(html_for(Document.Kind.OUTCOME, training))
    for text in (page, pdf):
        assert "– Group 1 Objective 1: GCM objective 17. Eliminate all forms" in text
        assert "Objective 2: Priority actions in the country A data unit" in text
        assert "– Group 2 – Lions" in text


def test_group_outputs_read_the_objectives_once(outputs):
    training, people = outputs
    shown = selectors.outcome_report(training)["outputs"]
    with CaptureQueriesContext(connection) as queries:
        assert selectors.group_outputs([s.output for s in shown])[0].heading == "Group 1"
    assert len(queries) == 1


def test_the_outputs_page_names_each_group_as_the_recap_board_does(client, outputs):
    training, people = outputs
    client.force_login(people["facilitator"])
    page = text_of(client.get(f"/trainings/{training.pk}/outputs/").content)
    assert "Group 2 – Lions" in page
    assert "Lions 2" not in page and "Group 1 – Group 1" not in page
