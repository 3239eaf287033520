"""The outcome report is built once (notes.selectors.outcome_report): the outcome page and
the outcome PDF (documents) show the same content."""

import pytest

from activities.models import ActivityPart
from documents.models import Document
from documents.services import html_for
from notes import services
from notes.models import SessionNote

from .helpers import save

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(team):
    training, people, slot = team
    save(people["rapporteur"], slot, "Data gaps are the first priority", 0)
    services.publish(user=people["facilitator"], note=SessionNote.objects.get())
    save(people["rapporteur"], slot, "An unpublished draft", 1, minutes=1)
    part = ActivityPart.objects.filter(activity__number=1, phase="offline").first()
    services.save_group_output(user=people["rapporteur"], training=training, part=part,
                               group_number=1, group_name="Blue",
                               data={"objective_1": "1", "actions_1": "Better migration data"})
    services.save_outcome_summary(user=people["facilitator"], training=training,
                                  summary="<p>Strong engagement on data.</p>")
    return training, people, slot


def page_and_pdf_html(client, training, user):
    client.force_login(user)
    page = client.get(f"/trainings/{training.pk}/outcome/").content.decode()
    return page, html_for(Document.Kind.OUTCOME, training)


def test_page_and_pdf_show_the_same_summary_notes_and_outputs(client, reported):
    training, people, slot = reported
    page, pdf = page_and_pdf_html(client, training, people["participant"])
    for shown in ["Strong engagement on data.", slot.title, "Key points",
                  "Data gaps are the first priority", "Group 1 – Blue", "Objective 1: GCM objective",
                  "1. Collect and utilize accurate",
                  "Objective 1: Priority actions in the country", "Better migration data"]:
        assert shown in page, shown
        assert shown in pdf, shown
    for hidden in ["An unpublished draft", "Objective 2: GCM objective"]:   # draft; empty field
        assert hidden not in page and hidden not in pdf
