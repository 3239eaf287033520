"""Certificates in bulk (issue 21, part 4) in Chromium at tablet size: after the training,
the lead opens the Documents tab, follows the link to the certificates, reads who is below
the threshold and why, issues all eligible certificates through the confirmation step and
sees how many were issued; the outbox holds one email per person.
Clicking only, after the login form."""

import datetime

import pytest
from playwright.sync_api import expect

from documents.models import Certificate
from notifications.models import Message
from runsheet.models import Attendance
from scheduling.models import Slot
from tests.browser.login import sign_in
from tests.browser.training_nav import open_tab
from tests.builders import training_with_agenda
from tests.factories import UserFactory
from trainings.models import Membership, Nomination, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _past_training():
    """A training that ended last week (its agenda laid out in its own dates), three
    participants who attended every offline session and one who attended half of them."""
    start = datetime.date.today() - datetime.timedelta(days=10)
    training = training_with_agenda(title="Nairobi certificates training", start=start)
    lead = UserFactory(email="lead-certificates@example.org")
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    slots = list(Slot.objects.filter(training=training, kind="offline").order_by("start"))
    assert slots and slots[-1].start < datetime.datetime.now(datetime.UTC)
    for i, name in enumerate(["Amina Njoroge", "Ivan Petrov", "Fatima Zahra", "David Otieno"]):
        person = Nomination.objects.create(training=training, full_name=name,
                                           email=f"person{i}@example.org", un_entity="IOM",
                                           status="confirmed")
        attended = slots if i < 3 else slots[: len(slots) // 2]
        Attendance.objects.bulk_create([
            Attendance(slot=slot, participant=person, recorded_at=slot.start,
                       status="present" if slot in attended else "absent") for slot in slots])
    return training, lead, len(slots) // 2 * 100 // len(slots), len(slots)


def test_the_lead_issues_all_eligible_certificates(browser, live_server, curriculum):
    training, lead, percent, sessions = _past_training()
    context = browser.new_context(viewport={"width": 768, "height": 1024},
                                  base_url=live_server.url)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, lead)
    page.get_by_role("link", name=training.title).first.click()
    open_tab(page, "Documents")
    page.get_by_role("link", name="Certificates: who is eligible").click()

    main = page.get_by_role("main")
    expect(page.get_by_role("heading", name="Certificates", exact=True)).to_be_visible()
    david = page.get_by_role("row").filter(has_text="David Otieno")
    expect(david).to_contain_text(f"Below the threshold: attended {percent}% of the {sessions} "
                                  "sessions where attendance was taken")
    expect(david).to_contain_text("a certificate needs 80%")

    page.get_by_role("link", name="Issue all eligible (3)").click()
    expect(page.get_by_role("heading", name="Issue all eligible certificates")).to_be_visible()
    expect(main).to_contain_text("Amina Njoroge (100%)")
    page.get_by_role("button", name="Issue 3 certificates").click()
    # Tasks are eager in tests: the three PDFs are made and emailed before the page returns.
    expect(page.get_by_role("status")).to_contain_text("3 certificates issued.", timeout=60_000)
    expect(page.get_by_role("row").filter(has_text="Issued")).to_have_count(3)
    expect(page.get_by_role("link", name="Issue all eligible")).to_have_count(0)
    expect(main).to_contain_text("Every eligible participant has a certificate (3 issued).")
    assert Certificate.objects.filter(training=training).count() == 3
    emails = Message.objects.filter(training=training, kind="certificate_issued")
    assert sorted(emails.values_list("address", "state")) == [
        (f"person{i}@example.org", "sent") for i in range(3)]
    open_tab(page, "Certificates")            # the tab leads to the same page
    expect(page.get_by_role("row").filter(has_text="Sent")).to_have_count(3)
    assert not errors
    context.close()
