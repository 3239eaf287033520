"""QR self check-in (docs/run-mode.md, "Self check-in") with two browsers: the moderator's
tablet goes offline, reloads and shows the code; a participant's phone (online) opens the link
the code carries and checks in; the tablet comes back online, syncs and shows the person present, with
its own offline mark merged; the moderator's later tap overrides the check-in."""

import re

import pytest
import segno
from playwright.sync_api import expect

from runsheet.models import Attendance
from tests.browser import axe
from tests.browser.login import go_offline, go_online, sign_in
from tests.browser.test_run_mode import choose_offline_item, room, tablet
from tests.browser.training_nav import open_tab
from trainings.models import Nomination

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def modules_of(svg_path):
    """The dark modules of the QR code drawn by static/js/qr.js (a 4-module quiet zone)."""
    return {(int(x) - 4, int(y) - 4) for x, y in re.findall(r"M(\d+) (\d+)h1v1h-1z", svg_path)}


def test_a_participant_checks_in_by_qr_while_the_tablet_is_offline(browser, live_server,
                                                                     settings):
    settings.SITE_URL = live_server.url     # the links in QR codes lead to this server
    training, moderator = room(people=6)
    phone_user, other = Nomination.objects.filter(training=training).select_related(
        "user").order_by("full_name")[:2]
    context, page = tablet(browser, live_server)
    sign_in(page, moderator)
    page.get_by_role("link", name=training.title).first.click()
    open_tab(page, "Run mode")
    expect(page.locator("#run")).to_have_attribute("data-offline-ready", "true")
    choose_offline_item(page)
    slot_title = page.locator("#current-title").inner_text()

    go_offline(context, page)
    page.locator(f'#roster [data-person="{other.pk}"]').tap()      # a mark made offline
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "1")
    page.reload()    # still offline: the service worker serves the page and its scripts
    expect(page.locator(f'#roster [data-person="{other.pk}"]')).to_contain_text("present")
    page.get_by_role("button", name="Show check-in code").tap()
    code = page.get_by_role("img", name=f"QR code to check in for {slot_title}")
    expect(code).to_be_visible()
    expect(page.locator("#checkin-link")).to_have_attribute("href", re.compile(
        re.escape(live_server.url) + r"/checkin/[0-9a-f-]{36}/\d+/[0-9a-f]{10}/$"))
    # the QR code on screen is that link, module for module as the server's QR library draws
    # it (both read at once: the code changes every minute)
    link, drawn = page.evaluate("""() => [document.getElementById('checkin-link').href,
        document.querySelector('#checkin-qr path').getAttribute('d')]""")
    matrix = segno.make(link, error="m", mode="byte", boost_error=False, micro=False).matrix
    assert modules_of(drawn) == {
        (x, y) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark}
    assert not axe.blocking(axe.violations(page)), axe.report("check-in panel",
                                                            axe.violations(page))

    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                        base_url=live_server.url)
    phone = phone_context.new_page()
    sign_in(phone, phone_user.user)
    phone.goto(link)       # the phone's camera opening the code: the one address typed in
    expect(phone.get_by_text(slot_title)).to_be_visible()
    assert not axe.blocking(axe.violations(phone)), axe.report("check-in page",
                                                             axe.violations(phone))
    phone.get_by_role("button", name="Check me in").tap()
    expect(phone.get_by_role("heading", name="You are checked in")).to_be_visible()
    assert Attendance.objects.get(participant=phone_user).status == "present"

    page.get_by_role("button", name="Close").tap()
    person = page.locator(f'#roster [data-person="{phone_user.pk}"]')
    expect(person).to_contain_text("–")            # offline: the tablet cannot know yet
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "1")

    go_online(context, page)
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "0", timeout=20000)
    expect(person).to_contain_text("present (by phone)", timeout=20000)
    expect(page.locator(f'#roster [data-person="{other.pk}"]')).to_contain_text("present")
    assert Attendance.objects.filter(status="present").count() == 2

    with page.expect_response(lambda r: r.url.endswith("/sync")
                              and '"late"' in (r.request.post_data or "")) as sent:
        person.tap()                               # the moderator overrides: late
    assert sent.value.ok
    expect(person).to_contain_text("late")
    expect(person).not_to_contain_text("by phone")
    mark = Attendance.objects.get(participant=phone_user)
    assert (mark.status, mark.recorded_by) == ("late", moderator)
    assert page.errors == []
    phone_context.close()
    context.close()
