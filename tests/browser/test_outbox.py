"""The outbox in Chromium at tablet size: the HTML version of a message keeps its own styles
inside its sandboxed frame without a CSP violation, and the action buttons are big enough
to tap."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from notifications.models import Message
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
