"""The room display page (/trainings/<id>/run/display/): who may open it is who may run the
room (404 for another training, 403 for a role that sees the training but does not run it);
run mode links to it; the page is a shell filled by run mode on the device, so its cost does
not grow with the roster."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from tests.html import links, text_of
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Nomination, Role, Training

pytestmark = pytest.mark.django_db


def display_url(training):
    return f"/trainings/{training.pk}/run/display/"


def member(training, role):
    user = UserFactory()
    Membership.objects.create(training=training, user=user, role=role)
    return user


def seat(training, count):
    for i in range(count):
        email = f"p{i}.{training.pk}@example.org"
        Nomination.objects.create(training=training, full_name=f"P{i}", email=email,
                                  un_entity="IOM", status=Nomination.Status.CONFIRMED,
                                  user=UserFactory(email=email))


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.FACILITATOR, Role.LEAD_FACILITATOR])
def test_the_people_who_run_the_room_open_the_display_from_run_mode(client, role):
    training = make_agenda()
    client.force_login(member(training, role))
    run = client.get(f"/trainings/{training.pk}/run/")
    assert ("Room display (opens a new window)", display_url(training)) in links(run.content)

    page = client.get(display_url(training))
    assert page.status_code == 200
    assert "Waiting for run mode" in text_of(page.content)
    html = page.content.decode()
    # strict CSP: no inline script or style, the script is a module of ours
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and "style=" not in html
    assert 'role="timer"' in html and 'aria-live="polite"' in html
    assert 'id="btn-sound" aria-pressed="false"' in html   # sound off until switched on


@pytest.mark.parametrize("role", [Role.RAPPORTEUR, Role.TECH_SUPPORT, "participant", "staff"])
def test_others_who_see_the_training_get_403(client, role):
    training = make_agenda()
    user = UserFactory(is_staff=role == "staff")
    if role == "participant":
        Nomination.objects.create(training=training, full_name="P", email=user.email,
                                  un_entity="IOM", status=Nomination.Status.CONFIRMED, user=user)
    elif role != "staff":
        Membership.objects.create(training=training, user=user, role=role)
    client.force_login(user)
    response = client.get(display_url(training))
    assert response.status_code == 403
    assert "Run mode is for the facilitators and the moderator." in text_of(response.content)


def test_a_moderator_of_another_training_gets_404_as_for_a_training_that_does_not_exist(client):
    training, other = make_agenda(), make_agenda(title="Other")
    client.force_login(member(other, Role.MODERATOR))
    assert client.get(display_url(training)).status_code == 404
    assert client.get(f"/trainings/{training.pk + 1000}/run/display/").status_code == 404


def test_a_completed_training_has_no_room_to_run(client):
    training = make_agenda()
    moderator = member(training, Role.MODERATOR)
    Training.objects.filter(pk=training.pk).update(status=Training.Status.COMPLETED)
    client.force_login(moderator)
    assert client.get(display_url(training)).status_code == 403


def test_signed_out_the_display_asks_to_sign_in(client):
    training = make_agenda()
    response = client.get(display_url(training))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_display_costs_the_same_for_2_and_20_participants(client):
    counts = []
    for size in (2, 20):
        training = make_agenda(title=f"Room of {size}")
        seat(training, size)
        client.force_login(member(training, Role.MODERATOR))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(display_url(training)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
