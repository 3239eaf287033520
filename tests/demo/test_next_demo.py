"""The demo (`seed_demo`, what `make run` starts with) gives every role something to do:
each demo person's dashboard lists at least one next step, and every step's link opens for
them."""

import datetime
import os

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from demo.people import INVITEE, TEAM
from tests.html import links, text_of

PEOPLE = [email for _role, email, *_ in TEAM] + ["participant@demo.unct.test"]


# The demo training has fixed dates (1-4 March 2027); the demo is judged as of the day it
# was written for, three months before, so the test does not change meaning with the date.
DEMO_DAY = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def demo(db):
    with time_machine.travel(DEMO_DAY, tick=False):
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        yield


def next_links(html):
    """(text, href) of the links in the "What to do next" and "Invitations waiting for you"
    lists of the dashboard."""
    found = []
    for heading in ('id="next-heading"', 'id="inv-heading"'):
        if heading in html:
            section = html.split(heading, 1)[1].split("</section>", 1)[0]
            found += [(text, href) for text, href in links(section)]
    return found


def test_every_demo_person_has_a_next_step_that_opens(client, demo):
    """One seed for all the people (seeding takes seconds); every failure is reported."""
    problems = []
    for email in PEOPLE:
        client.force_login(get_user_model().objects.get(email=email))
        html = client.get(reverse("trainings:dashboard")).content.decode()
        steps = next_links(html)
        if not steps:
            problems.append(f"{email} has nothing to do: {text_of(html)[:200]}")
        for text, href in steps:
            status = client.get(href.split("#")[0]).status_code
            if status != 200:
                problems.append(f"{email}: {text} ({href}) answers {status}")
    assert problems == []


def test_the_demo_steps_are_the_right_ones(client, demo):
    """A few by role: the lead resends the invitation and decides the nomination, the
    invitee accepts, the participant answers the prior-knowledge survey, the rapporteur's
    step is a checklist line of their own."""
    def steps_of(email):
        client.force_login(get_user_model().objects.get(email=email))
        return [text for text, _href in
                next_links(client.get(reverse("trainings:dashboard")).content.decode())]

    lead = steps_of("lead@demo.unct.test")
    assert "1 nomination to decide" in lead and "1 invitation pending: resend or revoke" in lead
    assert any(text.startswith("Accept your invitation: Facilitator") for text in
               steps_of(INVITEE))
    assert "Answer: Before the training: what you know and expect" in \
        steps_of("participant@demo.unct.test")
    assert any(text.startswith("Checklist: Feed back on the previous module")
               for text in steps_of("rapporteur@demo.unct.test"))
    assert "Answer 2 questions from the room" in steps_of("facilitator@demo.unct.test")
