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


def go_offline(context, page):
    """Cut the network and wait until the page itself knows it is offline (Chromium lets a
    service worker's pass-through requests out even when the page is set offline, as a
    tablet that lost its network would not)."""
    context.set_offline(True)
    page.wait_for_function("navigator.onLine === false")


def go_online(context, page):
    """Give the network back and tell the page, as a tablet's browser does."""
    context.set_offline(False)
    page.wait_for_function("navigator.onLine === true")
    page.evaluate("window.dispatchEvent(new Event('online'))")
