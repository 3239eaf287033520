"""The issue's flow, as new users would do it, in Chromium at tablet size."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.login import link_in_last_email, new_page, sign_in, sign_up_through
from tests.browser.nominees import csv_file, upload_bad_then_fixed
from tests.browser.training_nav import open_tab
from tests.factories import UserFactory
from trainings.models import Nomination

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_new_training_to_a_full_roster(browser, live_server, curriculum):
    staff = UserFactory(email="staff@example.org", is_staff=True)
    start = timezone.localdate() + datetime.timedelta(days=90)

    # Staff creates the training and invites a lead facilitator.
    page = new_page(browser, live_server)
    sign_in(page, staff)
    page.get_by_role("link", name="New training").click()
    page.get_by_label("Country").select_option("KE")
    page.get_by_label("City", exact=True).fill("Nairobi")
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("End date").fill((start + datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Create training").click()
    page.wait_for_url("**/team/")
    page.get_by_label("Email", exact=True).fill("lead@example.org")
    page.get_by_label("Role", exact=True).select_option("lead_facilitator")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to lead@example.org")).to_be_visible()

    # The lead facilitator accepts (creating an account) and invites an RCO admin and a moderator.
    lead = new_page(browser, live_server)
    sign_up_through(lead, link_in_last_email("lead@example.org", "Invitation"), "Lena Lead")
    expect(lead.get_by_role("main")).to_contain_text("Nairobi")
    open_tab(lead, "Team")
    for email, role in [("rco@example.org", "rco_admin"), ("mod@example.org", "moderator")]:
        lead.get_by_label("Email", exact=True).fill(email)
        lead.get_by_label("Role", exact=True).select_option(role)
        lead.get_by_role("button", name="Send invitation").click()
        expect(lead.get_by_text(f"Invitation sent to {email}")).to_be_visible()

    # The RCO admin uploads 20 nominees with 2 bad rows: nothing is imported, errors shown.
    rco = new_page(browser, live_server)
    sign_up_through(rco, link_in_last_email("rco@example.org", "Invitation"), "Rashid RCO")
    open_tab(rco, "Nominations")
    upload_bad_then_fixed(rco, csv_file)

    # The facilitator approves 18 and waitlists 2.
    open_tab(lead, "Nominations")
    boxes = lead.locator("input[name=nominations]")
    expect(boxes).to_have_count(20)
    for i in range(18):
        boxes.nth(i).check()
    lead.get_by_label("Decision").select_option("approve")
    lead.get_by_role("button", name="Apply to selected").click()
    expect(lead.get_by_text("18 nominations approved")).to_be_visible()
    for row in lead.locator("tr[data-status=nominated] input[name=nominations]").all():
        row.check()
    lead.get_by_label("Decision").select_option("waitlist")
    lead.get_by_role("button", name="Apply to selected").click()
    expect(lead.get_by_text("2 nominations waitlisted")).to_be_visible()
    expect(lead.locator("#seats-used")).to_have_text("18 of 18")

    # One approved participant withdraws through the link in their email.
    approved = Nomination.objects.filter(status="approved").order_by("full_name").first()
    leaver = new_page(browser, live_server)
    leaver.goto(link_in_last_email(approved.email, "Your seat"))
    leaver.get_by_role("button", name="I cannot attend").first.click()
    expect(leaver.get_by_text("You declined the seat")).to_be_visible()

    # The first waitlisted person gets the offer email, accepts, and the roster is full again.
    first_waiting = Nomination.objects.filter(status="waitlisted").order_by(
        "waitlist_position").first()
    newcomer = new_page(browser, live_server)
    sign_up_through(newcomer, link_in_last_email(first_waiting.email, "A seat is free"),
                    first_waiting.full_name)
    first_waiting.refresh_from_db()
    assert first_waiting.status == "confirmed"
    open_tab(lead, "Nominations")
    expect(lead.locator("#seats-used")).to_have_text("18 of 18")
    expect(lead.locator("#waiting-count")).to_have_text("1")
    # At tablet width the roster scrolls inside its table, never the whole page sideways.
    assert lead.evaluate("document.documentElement.scrollWidth") <= 768
    # The rejected upload answers 400 on purpose, which Chromium logs; nothing else may.
    rco.console_errors = [e for e in rco.console_errors if "status of 400" not in e]
    for p in (page, lead, rco, leaver, newcomer):
        assert p.console_errors == []
