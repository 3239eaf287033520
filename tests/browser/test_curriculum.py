"""Anonymous visitors are sent to the login page; a facilitator finds a session's activity
parts and where each runs, at tablet width."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_and_open_a_session_page(page, curriculum):
    user = UserFactory(email="facilitator@example.org")
    page.goto("/curricula/remote-unct-training/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))   # sent to log in first
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/curricula/remote-unct-training/")
    for number in range(1, 5):
        expect(page.get_by_role("heading", name=f"Module {number}", exact=False).first
               ).to_be_visible()

    page.get_by_role("link", name="Session 1: Migration Governance and the GCM").click()
    page.wait_for_url("**/sessions/1/")
    card = page.locator("#activity-1").locator("xpath=ancestor::article")
    for where in ("Online in Module 1", "Offline in Module 1", "Online in Module 2"):
        expect(card.get_by_text(where, exact=True).first).to_be_visible()

    # Tablet width: the navigation collapses behind a toggler with a usable touch target.
    toggler = page.get_by_role("button", name="Toggle navigation")
    expect(toggler).to_be_visible()
    assert toggler.bounding_box()["height"] >= 44
    assert page.console_errors == []
