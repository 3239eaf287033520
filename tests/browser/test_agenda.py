"""A facilitator moves a slot, sees both zones and the checks, and undoes it: no reload."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.login import sign_in
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_move_a_slot_see_both_zones_and_warnings_then_undo(page):
    training = make_agenda()
    facilitator = UserFactory(email="fac@example.org", time_zone="Europe/Zurich")
    Membership.objects.create(training=training, user=facilitator, role=Role.FACILITATOR)
    sign_in(page, facilitator)
    page.get_by_role("link", name=training.title).first.click()
    page.get_by_role("navigation", name="Training sections").get_by_role(
        "link", name="Agenda", exact=True).click()
    errors = page.locator("#error-count")
    expect(errors).to_have_text("0 errors")
    page.evaluate("window.__noReload = true")

    row = page.locator("tr.slot", has_text="Introduction to Activity 1")
    expect(row).to_contain_text("09:15–10:20 EAT")
    expect(row).to_contain_text("07:15–08:20 CET")
    row.get_by_role("button", name="Edit").click()
    editor = page.locator("tr.slot-editor:not([hidden])")
    editor.get_by_label("Start (Africa/Nairobi)").fill("2027-03-06")
    editor.get_by_label("Start time").first.fill("10:00")
    editor.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_text(re.compile(r"^Moved “Presentation Q&A; Introduction to Activity 1”"))
           ).to_be_visible()

    moved = page.locator("tr.slot", has_text="Introduction to Activity 1")
    expect(moved).to_contain_text("10:00–11:05 EAT")
    expect(moved).to_contain_text("08:00–09:05 CET")
    saturday = page.locator("section", has_text="Saturday 6 March 2027")
    expect(saturday.first).to_contain_text("Saturday is a weekend day in Kenya")
    expect(errors).not_to_have_text("0 errors")          # offline before online
    expect(errors).to_have_text(re.compile(r"^[1-9]\d* errors?$"))
    assert page.evaluate("window.__noReload") is True  # swapped by htmx, not reloaded

    page.get_by_role("button", name="Undo: Moved").click()
    expect(page.get_by_text(re.compile(r"^Undone: Moved"))).to_be_visible()
    expect(page.locator("tr.slot", has_text="Introduction to Activity 1")).to_contain_text(
        "09:15–10:20 EAT")
    expect(errors).to_have_text("0 errors")
    expect(page.get_by_text("Saturday 6 March 2027")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert page.console_errors == []
