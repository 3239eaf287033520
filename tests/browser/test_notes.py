"""Two rapporteurs write the same note; one goes offline and keeps typing; both texts
survive; a facilitator publishes; a participant sees only the published version."""

import time

import pytest
from playwright.sync_api import expect

from notes.models import SectionVersion
from scheduling.models import Slot
from tests.factories import TEST_PASSWORD, UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Nomination, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, user):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, base_url=live_server.url)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda m: m.type == "error" and "ERR_INTERNET_DISCONNECTED" not in m.text
            and page.errors.append(m.text))
    page.goto("/accounts/login/")
    page.get_by_label("Email", exact=True).fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")
    return context, page


def saved(page):
    expect(page.locator("#notes-status")).to_have_attribute("data-queued", "0", timeout=20000)


def test_two_rapporteurs_one_offline_both_texts_survive_then_publish(browser, live_server):
    training = make_agenda()
    slot = Slot.objects.filter(training=training, kind="offline").order_by("start").first()
    r1, r2 = UserFactory(full_name="Ruth One"), UserFactory(full_name="Rose Two")
    facilitator, participant = UserFactory(full_name="Fay"), UserFactory(full_name="Pat")
    for user in (r1, r2):
        Membership.objects.create(training=training, user=user, role=Role.RAPPORTEUR)
    Membership.objects.create(training=training, user=facilitator, role=Role.FACILITATOR)
    Nomination.objects.create(training=training, full_name="Pat", email=participant.email,
                              un_entity="IOM", status="confirmed", user=participant)
    url = f"/trainings/{training.pk}/notes/{slot.pk}/"

    c1, p1 = signed_in(browser, live_server, r1)
    c2, p2 = signed_in(browser, live_server, r2)
    p1.goto(url)
    p2.goto(url)
    saved(p1)
    saved(p2)

    c2.set_offline(True)
    while p2.evaluate("navigator.onLine"):
        time.sleep(0.05)
    p2.locator("#section-key_points").fill("Offline point from Rose")
    p2.locator("#section-key_points").press_sequentially(" and more typed offline", delay=10)
    p1.locator("#section-key_points").fill("Online point from Ruth")
    saved(p1)
    time.sleep(3)   # Rose's autosave is queued on her device, not sent
    expect(p2.locator("#notes-status")).to_have_attribute("data-queued", "1")
    assert "Offline" in p2.locator("#notes-status").inner_text()

    c2.set_offline(False)
    p2.evaluate("window.dispatchEvent(new Event('online'))")
    saved(p2)
    texts = list(SectionVersion.objects.filter(section="key_points").order_by("number")
                 .values_list("text", "conflict_with"))
    assert texts == [("Online point from Ruth", None),
                     ("Offline point from Rose and more typed offline", 1)]
    conflict = p2.locator('[data-conflict="key_points"]')
    expect(conflict).to_be_visible(timeout=15000)
    assert "Online point from Ruth" in conflict.inner_text()
    # Rose merges both texts; the merge is a new version without conflict.
    p2.locator("#section-key_points").fill("Online point from Ruth\nOffline point from Rose")
    saved(p2)
    expect(conflict).to_be_hidden(timeout=15000)

    cf, pf = signed_in(browser, live_server, facilitator)
    pf.goto(url)
    pf.get_by_role("button", name="Publish to participants").click()
    expect(pf.get_by_text("Published: participants now see these notes.")).to_be_visible()

    # An edit after publication is a new version; participants still see the published one.
    p1.reload()
    p1.locator("#section-key_points").fill("A later draft, not published")
    saved(p1)
    cp, pp = signed_in(browser, live_server, participant)
    pp.goto(url)
    body = pp.locator("main").inner_text()
    assert "Online point from Ruth" in body and "Offline point from Rose" in body
    assert "A later draft" not in body
    assert pp.locator("textarea").count() == 0
    for page in (p1, p2, pf, pp):
        assert page.errors == []
    for context in (c1, c2, cf, cp):
        context.close()
