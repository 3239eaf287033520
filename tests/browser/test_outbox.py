"""The outbox in Chromium at tablet size: the HTML version of a message keeps its own styles
inside its sandboxed frame without a CSP violation, and the action buttons are big enough
to tap."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from notifications.models import Message
from tests.browser.training_nav import open_tab
from tests.trainings.factories import MembershipFactory, TrainingFactory
from trainings.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STYLED = ('<html><body style="margin: 0; background: #f3f5f7">'
          '<p id="hello" style="color: #00558c; font-weight: 700">Hello Pat</p></body></html>')


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])


def test_message_page_and_actions(page, live_server):
    training = TrainingFactory(title="Outbox training")
    lead = MembershipFactory(training=training, role=Role.LEAD_FACILITATOR).user
    message = Message.objects.create(
        kind="nomination_confirmed", key="browser:1", training=training, address="pat@example.org",
        send_at=timezone.now() + datetime.timedelta(days=3), subject="[UNCT] Seat confirmed",
        text="Hello Pat\n", html=STYLED)
    log_in(page, live_server, lead)

    page.goto(f"/trainings/{training.pk}/outbox/{message.pk}/")
    frame = page.frame_locator('iframe[title="HTML version of the message"]')
    hello = frame.locator("#hello")
    assert hello.inner_text() == "Hello Pat"
    assert hello.evaluate("el => getComputedStyle(el).color") == "rgb(0, 85, 140)"
    for name in ("Send now", "Cancel"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box["height"] >= 44, (name, box)

    page.goto(f"/trainings/{training.pk}/outbox/")
    page.get_by_role("button", name="Cancel – Seat confirmed to pat@example.org").click()
    page.wait_for_url(f"**/trainings/{training.pk}/outbox/")
    assert page.get_by_text("Cancelled.").is_visible()
    again = page.get_by_role("button", name="Send again – Seat confirmed to pat@example.org")
    assert again.bounding_box()["height"] >= 44
    assert Message.objects.get(pk=message.pk).state == Message.State.CANCELLED
    assert page.console_errors == []


def test_a_lead_finds_the_outbox_by_clicking_and_cancels_a_reminder(page, live_server, tmp_path):
    """From the login form, with no typed URL: dashboard → the training → Outbox tab →
    filter → a reminder's preview → Cancel; then the navbar's Outbox across trainings. At
    768x1024 and at desktop size."""
    from django.db import transaction

    from scheduling.messages import plan_training
    from tests.factories import TEST_PASSWORD, UserFactory
    from tests.scheduling.helpers import make_agenda
    from trainings.models import Membership

    training = make_agenda()
    lead = UserFactory(email="lead@example.org", full_name="Lena Lead",
                       time_zone="Europe/Zurich")
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    with transaction.atomic():
        plan_training(training=training)
    screenshots = tmp_path

    for width, height in ((768, 1024), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.context.clear_cookies()
        page.goto("/accounts/login/")
        page.get_by_label("Email", exact=True).fill(lead.email)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.get_by_role("link", name=training.title).first.click()
        open_tab(page, "Outbox")
        page.get_by_label("Kind").select_option(label="Session starting in 24 hours")
        page.get_by_role("button", name="Filter").click()
        count = page.locator("#message-count")
        assert count.inner_text() == "8 messages"          # the lead's 24 h reminders
        first = page.locator("tbody tr").first
        assert "EAT" in first.inner_text() and "CET" in first.inner_text()
        page.screenshot(path=str(screenshots / f"outbox-{width}.png"), full_page=True)
        if width == 768:
            first.get_by_role("link").first.click()
            assert page.get_by_text("Preview").first.is_visible()
            frame = page.frame_locator("iframe")
            assert "EAT" in frame.locator("body").inner_text()
            page.screenshot(path=str(screenshots / "message-768.png"), full_page=True)
            page.locator("iframe").screenshot(path=str(screenshots / "message-html.png"))
            page.get_by_role("button", name="Cancel").first.click()
            assert page.get_by_text("Cancelled.").is_visible()
        assert page.console_errors == []
    assert Message.objects.filter(training=training, kind="session_24h",
                                  state=Message.State.CANCELLED).count() == 1
    # across trainings, from the navbar
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Outbox").click()
    assert "messages" in page.locator("#message-count").inner_text()
