"""Issue 16 in Chromium at tablet size: staff create a training and invite its lead, who
accepts through the emailed link, moves its dates
through "Edit details" (the title follows), steps it to "in delivery" and "completed" reading
what each step does first, the thank-you waits in the outbox with the outcome summary, and a
participant answers the closing evaluation. Clicking only, after the login form (and, for the
invited lead, the link in the invitation email)."""

import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from evaluation.models import Survey
from tests.browser.login import link_in_last_email, new_page, sign_in, sign_up_through
from tests.browser.test_evaluation import fill_survey
from tests.browser.training_nav import open_tab
from tests.factories import UserFactory
from trainings.models import Membership, Nomination, Training

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def take_step(page, button, heading, effects):
    """Click the stepper's button, read what the step does, confirm."""
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    for text in effects:
        expect(page.get_by_role("main")).to_contain_text(text)
    page.get_by_role("button", name=f"Confirm: {heading.removeprefix('Move to ')}").click()
    expect(page.get_by_text(f"The training is now {heading.removeprefix('Move to ')}."))\
        .to_be_visible()


def test_lead_steps_a_training_to_completed_and_the_participant_evaluates(
        browser, live_server, curriculum):
    staff = UserFactory(email="staff@example.org", is_staff=True)
    today = datetime.datetime.now(zoneinfo.ZoneInfo("Africa/Accra")).date()
    planned = today + datetime.timedelta(days=60)

    # Staff creates the training two months ahead: the title comes from city and month.
    page = new_page(browser, live_server)
    sign_in(page, staff)
    page.get_by_role("link", name="New training").click()
    page.get_by_label("Country").select_option("GH")
    page.get_by_label("City", exact=True).fill("Accra")
    page.get_by_label("Start date").fill(planned.isoformat())
    page.get_by_label("End date").fill((planned + datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Create training").click()
    page.wait_for_url("**/team/")
    training = Training.objects.get(city="Accra")
    old_title = f"Accra – {planned:%B %Y}"
    assert training.title == old_title

    # Staff invites the lead facilitator from the team page the new training opens on.
    page.get_by_label("Email", exact=True).fill("lead@example.org")
    page.get_by_label("Role", exact=True).select_option("lead_facilitator")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to lead@example.org")).to_be_visible()

    # A participant with a confirmed seat (the nomination flow has its own test).
    participant = UserFactory(email="amina@example.org", full_name="Amina Diallo")
    Nomination.objects.create(training=training, full_name="Amina Diallo", email=participant.email,
                              un_entity="IOM", status=Nomination.Status.CONFIRMED,
                              user=participant)

    # The lead accepts through the emailed link (creating an account) and lands on the
    # overview; they move the training to start yesterday: the title follows the new month.
    lead_page = new_page(browser, live_server)
    sign_up_through(lead_page, link_in_last_email("lead@example.org", "Invitation"),
                    "Lena Lead")
    assert Membership.objects.filter(training=training, user__email="lead@example.org",
                                     role="lead_facilitator").exists()
    expect(lead_page.get_by_role("heading", level=1)).to_have_text(old_title)
    lead_page.get_by_role("link", name="Edit details").click()
    start = today - datetime.timedelta(days=1)
    lead_page.get_by_label("Start date").fill(start.isoformat())
    lead_page.get_by_label("End date").fill((start + datetime.timedelta(days=3)).isoformat())
    lead_page.get_by_role("button", name="Save").click()
    expect(lead_page.get_by_text("Training saved.")).to_be_visible()
    new_title = f"Accra – {start:%B %Y}"
    expect(lead_page.get_by_role("heading", level=1)).to_have_text(new_title)
    current = lead_page.get_by_role("list", name="Status", exact=True).locator(
        "[aria-current=step]")
    expect(current).to_have_text("Draft / planning")

    # Step by step, reading what each step does before confirming it.
    take_step(lead_page, "Next: Nominations open", "Move to “Nominations open”", [])
    take_step(lead_page, "Next: Confirmed", "Move to “Confirmed”", [])
    take_step(lead_page, "Next: In delivery", "Move to “In delivery”",
              ["The closing evaluation opens for the 1 confirmed participant."])
    expect(current).to_have_text("In delivery")
    lead_page.get_by_role("button", name="Next: Completed").click()
    main = lead_page.get_by_role("main")
    expect(main).to_contain_text("The thank-you email with the outcome summary and a link to "
                                 "the outcome page is planned for the 1 confirmed participant")
    expect(main).to_contain_text("No attendance has been taken, so no certificate can be "
                                 "issued yet.")
    # No summary yet: the page says so and links to where it is written.
    lead_page.get_by_role("link", name="Write the outcome summary").click()
    lead_page.get_by_text("Edit the summary").click()
    lead_page.get_by_role("textbox", name="Summary").fill("<p>Migration now has its own CCA chapter.</p>")
    lead_page.get_by_role("button", name="Save summary").click()
    expect(lead_page.get_by_text("Summary saved.")).to_be_visible()
    open_tab(lead_page, "Overview")
    lead_page.get_by_role("button", name="Next: Completed").click()
    expect(main).not_to_contain_text("No outcome summary is written yet")
    lead_page.get_by_role("button", name="Confirm: “Completed”").click()
    expect(lead_page.get_by_text("The training is now “Completed”.")).to_be_visible()
    expect(current).to_have_text("Completed")
    expect(lead_page.get_by_role("button", name="Back to In delivery")).to_be_visible()

    # The thank-you waits in the outbox, with the summary in it.
    open_tab(lead_page, "Outbox")
    lead_page.get_by_label("Kind").select_option(label="Post-training thank-you")
    lead_page.get_by_role("button", name="Filter").click()
    expect(lead_page.locator("#message-count")).to_have_text("1 message")
    expect(lead_page.get_by_role("table")).to_contain_text("amina@example.org")
    lead_page.get_by_role("link", name="Post-training thank-you").click()
    expect(lead_page.locator("pre.outbox-text")).to_contain_text(
        "Migration now has its own CCA chapter.")
    expect(lead_page.locator("pre.outbox-text")).to_contain_text(
        f"/trainings/{training.pk}/outcome/")

    # The participant finds the closing evaluation open and answers it.
    closing = Survey.objects.get(curriculum=training.curriculum, kind=Survey.Kind.CLOSING)
    seat = new_page(browser, live_server)
    sign_in(seat, participant)
    seat.get_by_role("link", name=new_title).click()
    open_tab(seat, "Evaluation")
    row = seat.get_by_role("listitem").filter(has_text=closing.title)
    row.get_by_role("link", name="Answer").click()
    expect(seat.get_by_role("heading", name=closing.title)).to_be_visible()
    fill_survey(seat, "The country exercise was the most useful part.")
    assert closing.responses.filter(training=training, respondent=participant).count() == 1
    for p in (page, lead_page, seat):
        assert p.console_errors == []
