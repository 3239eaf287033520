"""Signing in as a person would: through the login form (the one login helper of the
browser tests)."""

from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD


def sign_in(page, user, *, password=TEST_PASSWORD):
    """Open the login page, fill it in, submit, and wait until the dashboard (or the page the
    login redirects to) has loaded."""
    page.goto("/accounts/login/")
    page.get_by_label("Email", exact=True).fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign In")).to_have_count(0)
