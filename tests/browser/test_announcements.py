"""Announcements in Chromium at tablet size (issue 21, part 5): the lead writes one by clicking
(dashboard → training → Announcements tab), previews it, sends it; a participant signs in and
finds it under Announcements. Clicking only after the login form; axe and the 44 px rule on
the form, the preview and the list."""

import pytest
from playwright.sync_api import expect

from notifications.models import Message
from tests.browser import axe
from tests.browser.login import sign_in
from tests.browser.training_nav import open_tab
from tests.factories import UserFactory
from tests.trainings.factories import MembershipFactory, NominationFactory, TrainingFactory
from trainings.models import Nomination, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def accessible(page, where):
    found = axe.blocking(axe.violations(page))
    assert not found, "\n".join(axe.report(where, found))
    assert axe.small_targets(page) == [], where


def test_the_lead_announces_and_a_participant_reads_it(browser, live_server):
    training = TrainingFactory(title="Nairobi announcements training")
    lead = UserFactory(email="lead-ann@example.org", full_name="Lena Lead")
    MembershipFactory(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    pat = UserFactory(email="pat-ann@example.org", full_name="Pat Participant")
    NominationFactory(training=training, user=pat, email=pat.email, full_name=pat.full_name,
                      status=Nomination.Status.CONFIRMED)
    NominationFactory(training=training, email="sam@example.org", full_name="Sam Seat",
                      status=Nomination.Status.CONFIRMED)

    context = browser.new_context(viewport={"width": 768, "height": 1024},
                                  base_url=live_server.url)
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    sign_in(page, lead)
    page.get_by_role("link", name=training.title).first.click()
    open_tab(page, "Announcements")
    expect(page.get_by_text("No announcement yet.")).to_be_visible()
    page.get_by_role("link", name="Write an announcement").click()
    page.get_by_label("To", exact=True).select_option("participants")
    page.get_by_label("Subject").fill("Room change for day 2")
    page.get_by_label("Message").fill("We meet in **Room 7**.\n\n<script>alert(1)</script>"
                                      "\n\n- bring a laptop")
    accessible(page, "announcement form")
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name="The announcement as its recipients will read it")
    expect(preview.get_by_role("heading", name="Room change for day 2")).to_be_visible()
    expect(preview.locator("strong", has_text="Room 7")).to_be_visible()
    expect(preview.get_by_role("listitem")).to_have_text(["bring a laptop"])
    expect(preview).not_to_contain_text("alert")
    expect(page.get_by_text("It goes to 2 people")).to_be_visible()
    assert not Message.objects.filter(kind="announcement").exists()
    accessible(page, "announcement preview")
    page.get_by_role("button", name="Send to 2 people").click()

    expect(page.get_by_text("Announcement “Room change for day 2” sent to 2 people."))\
        .to_be_visible()
    expect(page.get_by_role("heading", name="Room change for day 2")).to_be_visible()
    assert sorted(Message.objects.filter(kind="announcement")
                  .values_list("address", flat=True)) == ["pat-ann@example.org",
                                                          "sam@example.org"]
    page.get_by_text("Who it went to").click()
    expect(page.get_by_text("Sam Seat <sam@example.org>")).to_be_visible()
    accessible(page, "announcements (lead)")
    assert errors == []
    context.close()

    context = browser.new_context(viewport={"width": 768, "height": 1024},
                                  base_url=live_server.url)
    page = context.new_page()
    sign_in(page, pat)
    page.get_by_role("link", name=training.title).first.click()
    open_tab(page, "Announcements")
    item = page.get_by_role("article").filter(has_text="Room change for day 2")
    expect(item.locator("strong", has_text="Room 7")).to_be_visible()
    expect(item.get_by_role("listitem")).to_have_text(["bring a laptop"])  # lines kept
    expect(item).to_contain_text("by Lena Lead")
    expect(page.get_by_role("link", name="Write an announcement")).to_have_count(0)
    expect(page.get_by_text("Who it went to")).to_have_count(0)
    accessible(page, "announcements (participant)")
    context.close()
