"""Signing in as a person would: through the login form (the one login helper of the
browser tests)."""

from django.core import mail
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD

TABLET = {"width": 768, "height": 1024}
SIGN_UP_PASSWORD = "Blended-training-2027"


def new_page(browser, live_server, viewport=TABLET):
    """A page in a fresh context (a person's own browser) that keeps its console errors and
    uncaught exceptions in `page.console_errors`."""
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    return page


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


def link_in_last_email(to, subject_part):
    """The invitation link of the last email to `to` whose subject has `subject_part` (as the
    person clicks it in their mail)."""
    messages = [m for m in mail.outbox if m.to == [to] and subject_part in m.subject]
    assert messages, f"no email to {to} about “{subject_part}”: {[m.subject for m in mail.outbox]}"
    return "/invitations/" + messages[-1].body.split("/invitations/")[1].split()[0]


def sign_up_through(page, link, name):
    """Follow an invitation link, create the account on its form and accept."""
    page.goto(link)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Password", exact=True).fill(SIGN_UP_PASSWORD)
    page.get_by_label("Password (again)").fill(SIGN_UP_PASSWORD)
    page.get_by_role("button", name="Create account and accept").click()
    page.wait_for_url("**/trainings/*/")
