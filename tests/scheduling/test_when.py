"""The one time helper: an instant in the training's zone, labelled, with the viewer's beside
it; pages that print times use it (a viewer in New York, a training in Nairobi)."""

import datetime
import uuid

import pytest
from django.template import Context, Template
from django.urls import reverse

from notes.models import Question
from tests.factories import UserFactory
from tests.html import text_of
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Role

pytestmark = pytest.mark.django_db
INSTANT = datetime.datetime(2027, 3, 1, 9, 30, tzinfo=datetime.UTC)


def render(source, **context):
    return text_of(Template("{% load agenda_tags %}" + source).render(Context(context)))


def test_when_shows_the_training_zone_and_the_viewers_beside_it():
    text = render("{% when at 'Africa/Nairobi' 'America/New_York' %}", at=INSTANT)
    assert text == "2027-03-01 12:30 EAT 2027-03-01 04:30 EST"
    assert render("{% when at 'Africa/Nairobi' 'Africa/Nairobi' %}", at=INSTANT) == \
        "2027-03-01 12:30 EAT"
    assert render("{% when_text at 'Africa/Nairobi' 'Europe/Zurich' %}", at=INSTANT) == \
        "2027-03-01 12:30 EAT (2027-03-01 10:30 CET your time)"


def test_the_questions_page_shows_the_instant_in_both_zones(client):
    training = make_agenda()
    lead = UserFactory(time_zone="America/New_York")
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    Question.objects.create(id=uuid.uuid4(), training=training, text="Where is the data?",
                            captured_at=INSTANT,
                            source="run mode")
    client.force_login(lead)
    page = text_of(client.get(reverse("notes:questions", args=[training.pk])).content)
    assert "2027-03-01 12:30 EAT 2027-03-01 04:30 EST" in page
    assert "UTC" not in page
