"""From the login form to the thing to do: the lead and a participant sign in, read "What to
do next" on their dashboard (at tablet size, overdue said in words, no blocking axe
violation) and click the first entry, which opens the page where it is done."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.axe import blocking, report, violations
from tests.browser.login import sign_in
from tests.builders import training_with_agenda
from tests.factories import UserFactory
from trainings.models import Membership, Nomination, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def next_list(page):
    return page.get_by_role("region", name="What to do next")


def test_the_lead_clicks_the_first_step_and_lands_on_the_checklist_line(page):
    # 25 days before the start: the lead's lines of T-60 .. T-28 are overdue
    training = training_with_agenda(start=timezone.localdate() + datetime.timedelta(days=25))
    lead = UserFactory(full_name="Lena Lead")
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    sign_in(page, lead)
    steps = next_list(page).get_by_role("listitem")
    expect(steps.first).to_contain_text("Checklist: Reach out to the UNCT")
    expect(steps.first).to_contain_text("Overdue: was due")
    assert blocking(violations(page)) == [], "\n".join(report("dashboard", violations(page)))
    steps.first.get_by_role("link").click()
    line = training.checklist.get(key="reach-out-unct")
    expect(page).to_have_url(re.compile(rf"/trainings/{training.pk}/checklist/#item-{line.pk}$"))
    row = page.locator(f"#item-{line.pk}")
    expect(row).to_contain_text("Reach out to the UNCT")
    expect(row.get_by_label("Status").first).to_be_visible()   # where it is marked done
    assert page.console_errors == []


def test_a_participant_clicks_the_first_step_and_lands_on_the_survey(page):
    training = training_with_agenda(start=timezone.localdate() + datetime.timedelta(days=30))
    person = UserFactory(full_name="Pat Participant")
    Nomination.objects.create(training=training, full_name=person.full_name, email=person.email,
                              un_entity="IOM", user=person, status=Nomination.Status.CONFIRMED)
    sign_in(page, person)
    first = next_list(page).get_by_role("listitem").first
    expect(first).to_contain_text("Answer: Before the training: what you know and expect")
    expect(first).to_contain_text("Due ")
    first.get_by_role("link").click()
    expect(page.get_by_role("button", name="Send my answers")).to_be_visible()
    assert page.console_errors == []
