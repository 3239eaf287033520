"""A facilitator moves a slot, sees both zones and the checks, and undoes it: no reload."""

import pytest

from tests.factories import TEST_PASSWORD, UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_move_a_slot_see_both_zones_and_warnings_then_undo(page):
    training = make_agenda()
    facilitator = UserFactory(email="fac@example.org", time_zone="Europe/Zurich")
    Membership.objects.create(training=training, user=facilitator, role=Role.FACILITATOR)
    page.goto("/accounts/login/")
    page.get_by_label("Email", exact=True).fill(facilitator.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"/trainings/{training.pk}/agenda/")
    assert page.locator("#error-count").inner_text() == "0 errors"
    page.evaluate("window.__noReload = true")

    row = page.locator("tr.slot", has_text="Introduction to Activity 1")
    assert "09:15–10:20 EAT" in row.inner_text()
    assert "07:15–08:20 CET" in row.inner_text()
    row.get_by_role("button", name="Edit").click()
    editor = page.locator("tr.slot-editor:not([hidden])")
    editor.get_by_label("Start (Africa/Nairobi)").fill("2027-03-06")
    editor.get_by_label("Start time").first.fill("10:00")
    editor.get_by_role("button", name="Move", exact=True).click()
    page.locator(".alert-success", has_text="Moved “Presentation Q&A; Introduction to Activity 1”").wait_for()

    moved = page.locator("tr.slot", has_text="Introduction to Activity 1")
    assert "10:00–11:05 EAT" in moved.inner_text()
    assert "08:00–09:05 CET" in moved.inner_text()
    saturday = page.locator("section.agenda-day", has_text="Saturday 6 March 2027")
    assert "Saturday is a weekend day in Kenya" in saturday.inner_text()
    assert page.locator("#error-count").inner_text() != "0 errors"  # offline before online
    assert page.locator(".issue-error").count() > 0
    assert page.evaluate("window.__noReload") is True  # swapped by htmx, not reloaded

    page.get_by_role("button", name="Undo: Moved").click()
    page.locator(".alert-success", has_text="Undone: Moved").wait_for()
    back = page.locator("tr.slot", has_text="Introduction to Activity 1")
    assert "09:15–10:20 EAT" in back.inner_text()
    assert page.locator("#error-count").inner_text() == "0 errors"
    assert page.get_by_text("Saturday 6 March 2027").count() == 0
    assert page.evaluate("window.__noReload") is True
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert page.console_errors == []
