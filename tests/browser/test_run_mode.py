"""Run mode on a tablet, online then offline, reloaded offline, then synced."""

import json
import time

import pytest
from playwright.sync_api import expect

from notes.models import Question
from runsheet.models import Attendance, Group
from tests.factories import TEST_PASSWORD, UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Nomination, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_until_offline(page):
    # Chromium lets a service worker's pass-through requests out even when the page is set
    # offline, so the test waits until the page itself knows it is offline (as a tablet that
    # lost its network does) before acting.
    for _ in range(100):
        if page.evaluate("navigator.onLine") is False:
            return
        time.sleep(0.05)
    raise AssertionError("the page never went offline")


def tablet(browser, live_server):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True,
                                  is_mobile=False, base_url=live_server.url)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and "ERR_INTERNET_DISCONNECTED" not in msg.text
            and page.errors.append(msg.text))
    return context, page


def test_moderator_runs_the_room_offline_and_everything_syncs_once(browser, live_server):
    training = make_agenda()
    moderator = UserFactory(email="mod@example.org")
    Membership.objects.create(training=training, user=moderator, role=Role.MODERATOR)
    entities = ["IOM", "UNDP", "UNICEF", "UNHCR", "ILO", "WHO"]
    for i in range(18):
        Nomination.objects.create(training=training, full_name=f"Participant {i:02d}",
                                  email=f"p{i}@example.org", un_entity=entities[i % 6],
                                  gender="female" if i % 2 else "male",
                                  status=Nomination.Status.CONFIRMED,
                                  user=UserFactory(email=f"p{i}@example.org"))
    context, page = tablet(browser, live_server)
    sent_batches = []
    page.on("request", lambda r: r.method == "POST" and r.url.endswith("/sync")
            and sent_batches.append(r.post_data))

    page.goto("/accounts/login/")
    page.get_by_label("Email", exact=True).fill(moderator.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"/trainings/{training.pk}/run/")
    expect(page.locator("#run")).to_have_attribute("data-offline-ready", "true")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    assert page.evaluate("Boolean(navigator.serviceWorker.controller)")
    cached = page.evaluate("""async () => {
        const cache = await caches.open('unct-run-v1');
        const urls = [location.pathname, ...document.getElementById('run').dataset.assets.split(' ')];
        return Promise.all(urls.map(async (u) => Boolean(await cache.match(u))));
    }""")
    assert all(cached), cached   # the shell and its assets are kept for a reload offline
    offline_item = page.locator("#slot-select option", has_text="Activity 1").nth(1)
    page.locator("#slot-select").select_option(offline_item.get_attribute("value"))

    context.set_offline(True)
    wait_until_offline(page)
    for person in page.locator("#roster [data-person]").all():
        person.tap()
    page.locator("#group-count").fill("5")
    page.locator("#btn-split").tap()
    for i in range(3):
        page.locator("#question-text").fill(f"How does objective {i + 1} apply here?")
        page.locator("#question-form button[type=submit]").tap()
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "22")
    assert "Offline" in page.locator("#sync-status").inner_text()

    page.reload()   # still offline: the service worker serves the page, IndexedDB the state
    wait_until_offline(page)
    expect(page.locator("#roster .present")).to_have_count(18)
    expect(page.locator("#groups .group")).to_have_count(5)
    expect(page.locator("#questions li")).to_have_count(3)
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "22")
    sizes = sorted(len(g.locator("li").all()) for g in page.locator("#groups .group").all())
    assert sizes == [3, 3, 4, 4, 4]
    assert Attendance.objects.count() == 0   # nothing reached the server yet

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "0", timeout=20000)
    assert Attendance.objects.filter(status="present").count() == 18
    assert Question.objects.count() == 3
    assert Group.objects.count() == 5
    expect(page.locator("#questions .pending")).to_have_count(0)

    # The same batch again changes nothing.
    batch = json.loads(sent_batches[-1])
    csrf = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    response = context.request.post(f"/api/v1/trainings/{training.pk}/sync",
                                    data=json.dumps(batch),
                                    headers={"Content-Type": "application/json",
                                             "X-CSRFToken": csrf})
    assert response.ok
    assert len(response.json()["acknowledged"]) == len(batch["events"])
    assert Attendance.objects.count() == 18
    assert Question.objects.count() == 3
    assert Group.objects.count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert page.errors == []
    context.close()


def test_rapporteur_and_participant_cannot_open_run_mode(browser, live_server):
    training = make_agenda()
    rapporteur = UserFactory(email="rap@example.org")
    Membership.objects.create(training=training, user=rapporteur, role=Role.RAPPORTEUR)
    context, page = tablet(browser, live_server)
    page.goto("/accounts/login/")
    page.get_by_label("Email", exact=True).fill(rapporteur.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    response = page.goto(f"/trainings/{training.pk}/run/")
    assert response.status == 403
    context.close()
