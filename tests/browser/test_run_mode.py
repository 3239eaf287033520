"""Run mode on a tablet (768x1024): online then offline, reloaded offline, then synced; a
refused action among valid ones; a shared tablet after logout."""

import json
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from notes.models import Question
from runsheet.models import Attendance, Group
from tests.browser.login import go_offline, go_online, sign_in
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Nomination, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# What a browser logs on its own when the network is cut (not an error of the page)
NETWORK_NOISE = ("ERR_INTERNET_DISCONNECTED", "net::ERR_FAILED",
                 "the server responded with a status of 503")


def tablet(browser, live_server):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True,
                                  is_mobile=False, base_url=live_server.url)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error"
            and not any(noise in msg.text for noise in NETWORK_NOISE)
            and page.errors.append(msg.text))
    return context, page


def open_run_mode(page, training):
    page.goto(f"/trainings/{training.pk}/run/")
    expect(page.locator("#run")).to_have_attribute("data-offline-ready", "true")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def log_out(page):
    """The menu's "Log out", as on a tablet (the menu is folded at 768 px)."""
    page.goto("/dashboard/")
    page.get_by_role("button", name="Toggle navigation").click()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"(^| )show( |$)"))   # unfolded
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Sign In")).to_be_visible()


def room(people=18):
    training = make_agenda()
    moderator = UserFactory(email="mod@example.org", full_name="Mona Moderator")
    Membership.objects.create(training=training, user=moderator, role=Role.MODERATOR)
    entities = ["IOM", "UNDP", "UNICEF", "UNHCR", "ILO", "WHO"]
    for i in range(people):
        Nomination.objects.create(training=training, full_name=f"Participant {i:02d}",
                                  email=f"p{i}@example.org", un_entity=entities[i % 6],
                                  gender="female" if i % 2 else "male",
                                  status=Nomination.Status.CONFIRMED,
                                  user=UserFactory(email=f"p{i}@example.org"))
    return training, moderator


def choose_offline_item(page):
    offline_item = page.locator("#slot-select option", has_text="Activity 1").nth(1)
    page.locator("#slot-select").select_option(offline_item.get_attribute("value"))


def test_moderator_runs_the_room_offline_and_everything_syncs_once(browser, live_server):
    training, moderator = room()
    context, page = tablet(browser, live_server)
    sent_batches = []
    page.on("request", lambda r: r.method == "POST" and r.url.endswith("/sync")
            and sent_batches.append(r.post_data))

    sign_in(page, moderator)
    open_run_mode(page, training)
    cached = page.evaluate("""async () => {
        const run = document.getElementById('run');
        const shared = await caches.open('unct-static-v2');
        const own = await caches.open('unct-private');
        const assets = run.dataset.assets.split(' ');
        return [Boolean(await own.match(location.pathname)),
                ...(await Promise.all(assets.map(async (u) => Boolean(await shared.match(u)))))];
    }""")
    assert all(cached), cached   # the shell and its assets are kept for a reload offline
    choose_offline_item(page)

    go_offline(context, page)
    for person in page.locator("#roster [data-person]").all():
        person.tap()
    page.locator("#group-count").fill("5")
    page.locator("#btn-split").tap()
    for i in range(3):
        page.locator("#question-text").fill(f"How does objective {i + 1} apply here?")
        page.locator("#question-form button[type=submit]").tap()
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "22")
    expect(page.locator("#sync-status")).to_contain_text("Offline")

    page.reload()   # still offline: the service worker serves the page, IndexedDB the state
    expect(page.locator("#roster .present")).to_have_count(18)
    expect(page.locator("#groups .group")).to_have_count(5)
    expect(page.locator("#questions li")).to_have_count(3)
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "22")
    sizes = sorted(len(g.locator("li").all()) for g in page.locator("#groups .group").all())
    assert sizes == [3, 3, 4, 4, 4]
    assert Attendance.objects.count() == 0   # nothing reached the server yet

    go_online(context, page)
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "0", timeout=20000)
    assert Attendance.objects.filter(status="present").count() == 18
    assert Question.objects.count() == 3
    assert Group.objects.count() == 5
    expect(page.locator("#questions .pending")).to_have_count(0)
    expect(page.locator("#rejected-card")).to_be_hidden()

    # The same batch again changes nothing.
    batch = json.loads(sent_batches[-1])
    assert batch["user"] == str(moderator.pk)
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


def test_a_refused_action_in_an_offline_backlog_is_shown_and_the_rest_syncs(browser,
                                                                           live_server):
    training, moderator = room(people=6)
    context, page = tablet(browser, live_server)
    sign_in(page, moderator)
    open_run_mode(page, training)
    choose_offline_item(page)

    go_offline(context, page)
    people = page.locator("#roster [data-person]")
    for i in range(6):
        people.nth(i).tap()
    page.locator("#question-text").fill("Who funds the joint programme?")
    page.locator("#question-form button[type=submit]").tap()
    page.locator("#btn-start").tap()
    page.locator("#btn-extend").tap()
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "9")
    # Meanwhile, on the server, the facilitators withdrew participant 03: marking them is
    # refused; everything else must still go through.
    withdrawn = Nomination.objects.get(full_name="Participant 03")
    withdrawn.status = Nomination.Status.WITHDRAWN
    withdrawn.save()

    go_online(context, page)
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "0", timeout=20000)
    card = page.locator("#rejected-card")
    expect(card).to_be_visible()
    expect(card.locator("h2")).to_have_text("1 action could not be applied")
    expect(card.locator("li")).to_have_text(
        f"Attendance: Participant 03 → present (Activity 1): not on the roster: [{withdrawn.pk}]")
    expect(page.locator("#sync-status")).to_contain_text("1 action could not be applied")
    assert Attendance.objects.filter(status="present").count() == 5
    assert not Attendance.objects.filter(participant=withdrawn).exists()
    assert Question.objects.get().text == "Who funds the joint programme?"
    run = training.slots.get(run__isnull=False).run
    assert run.started_at is not None and run.extended_minutes == 5
    # the reason survives a reload, and the moderator can dismiss it
    page.reload()
    expect(card.locator("li")).to_have_count(1)
    card.get_by_role("button", name="Dismiss").tap()
    expect(card).to_be_hidden()
    assert page.errors == []
    context.close()


def test_timer_and_sync_state_stay_on_screen_and_the_picker_is_grouped(browser, live_server):
    training, moderator = room()
    context, page = tablet(browser, live_server)
    sign_in(page, moderator)
    open_run_mode(page, training)
    choose_offline_item(page)
    page.locator("#btn-start").tap()
    # grouped by day and element, the running item marked
    groups = page.locator("#slot-select optgroup")
    expect(groups.first).to_have_attribute("label", "Mon 01 Mar · Technical test run")
    labels = [g.get_attribute("label") for g in groups.all()]
    assert "Mon 01 Mar · Module 1 · Online element" in labels
    assert "Mon 01 Mar · Module 1 · Offline element" in labels
    assert "Thu 04 Mar · Module 4 · Offline element" in labels
    current = page.locator('#slot-select option[data-current="true"]')
    expect(current).to_have_count(1)
    expect(current).to_contain_text("▶ Running:")
    expect(current).to_contain_text("Activity 1")

    page.locator("#questions-card").scroll_into_view_if_needed()
    page.locator("#roster [data-person]").last.tap()
    for locator in (page.locator("#bar-countdown"), page.locator("#sync-status"),
                    page.locator("#bar-title")):
        expect(locator).to_be_in_viewport()
    expect(page.locator("#bar-title")).to_contain_text("Activity 1")
    expect(page.locator("#bar-countdown")).not_to_have_text("–")
    assert page.evaluate("window.scrollY") > 500   # really scrolled
    box = page.locator("#run-bar").bounding_box()
    assert box["y"] == 0 and box["height"] < 200
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert page.errors == []
    # the taps are delivered before the test ends: a request still open when the database
    # is emptied for the next test deadlocks with the flush (a loaded CI machine has taken
    # over 5 s to answer the sync)
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "0", timeout=20_000)
    context.close()


def test_a_shared_tablet_after_logout_shows_nothing_of_the_previous_user_offline(
        browser, live_server):
    training, moderator = room(people=4)
    colleague = UserFactory(email="fac@example.org", full_name="Fay Facilitator")
    Membership.objects.create(training=training, user=colleague, role=Role.FACILITATOR)
    context, page = tablet(browser, live_server)
    sign_in(page, moderator)
    open_run_mode(page, training)
    choose_offline_item(page)

    # Two marks are made while the uplink fails: they wait in the queue.
    context.route("**/api/v1/trainings/*/sync", lambda route: route.abort())
    people = page.locator("#roster [data-person]")
    people.nth(0).tap()
    people.nth(1).tap()
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "2")

    # Mona logs out from the dashboard (the menu's "Log out").
    log_out(page)
    left = page.evaluate("""async () => {
        const db = await new Promise((ok, ko) => {
            const r = indexedDB.open('unct-offline', 1); r.onsuccess = () => ok(r.result);
            r.onerror = () => ko(r.error); });
        const all = (name, op) => new Promise((ok) => {
            const r = db.transaction(name).objectStore(name)[op](); r.onsuccess = () => ok(r.result); });
        const keys = await all('kv', 'getAllKeys');
        const events = await all('events', 'getAll');
        const pages = await (await caches.open('unct-private')).keys();
        return {keys, users: events.map((e) => e.user), pages: pages.length,
                cookie: document.cookie};
    }""")
    assert left["pages"] == 0
    assert not [k for k in left["keys"] if k.startswith(("snapshot:", "refused:"))], left["keys"]
    assert left["users"] == [str(moderator.pk)] * 2   # the unsent queue stays, bound to Mona
    assert "offline_owner" not in left["cookie"]

    # Anyone picking up the tablet offline gets nothing of Mona's run sheet.
    go_offline(context, page)
    page.goto(f"/trainings/{training.pk}/run/")
    expect(page.locator("#offline-signed-out")).to_be_visible()
    body = page.locator("body").inner_text()
    assert "Participant" not in body and "Kenya" not in body and "IOM" not in body
    go_online(context, page)
    context.unroute("**/api/v1/trainings/*/sync")

    # Fay signs in on the same tablet: Mona's queue is neither shown nor sent as Fay's.
    sign_in(page, colleague)
    page.goto(f"/trainings/{training.pk}/run/")
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "0")
    expect(page.locator("#roster .present")).to_have_count(0)
    expect(page.locator("#sync-status")).to_contain_text("last synced")
    assert not Attendance.objects.exists()
    log_out(page)

    # Mona signs in again: her two marks are delivered, as hers, from whatever page she lands on.
    with page.expect_response(lambda r: r.url.endswith(f"/trainings/{training.pk}/sync")
                              and r.status == 200):
        sign_in(page, moderator)
    marks = list(Attendance.objects.values_list("status", "recorded_by"))
    assert marks == [("present", moderator.pk)] * 2
    assert page.errors == []
    context.close()


def test_a_copy_cached_for_a_session_that_is_gone_is_not_served_offline(browser, live_server):
    training, moderator = room(people=2)
    context, page = tablet(browser, live_server)
    sign_in(page, moderator)
    open_run_mode(page, training)
    expect(page.locator("#roster [data-person]")).to_have_count(2)
    # The session ends without a logout (cookies cleared, as when it expires in the browser).
    context.clear_cookies()
    go_offline(context, page)
    page.reload()
    expect(page.locator("#offline-signed-out")).to_be_visible()
    assert "Participant" not in page.locator("body").inner_text()
    context.close()


def test_background_sync_sends_the_queue_with_no_page_open(browser, live_server):
    training, moderator = room(people=3)
    context, page = tablet(browser, live_server)
    sign_in(page, moderator)
    open_run_mode(page, training)
    choose_offline_item(page)
    go_offline(context, page)
    page.locator("#roster [data-person]").nth(0).tap()
    page.locator("#btn-extend").tap()
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "2")
    tags = page.evaluate("navigator.serviceWorker.ready.then((r) => r.sync.getTags())")
    assert tags == ["unct-sync"]   # the page asked the browser to wake the worker later
    devtools = context.new_cdp_session(page)
    registrations = []
    devtools.on("ServiceWorker.workerRegistrationUpdated",
                lambda event: registrations.extend(event["registrations"]))
    devtools.send("ServiceWorker.enable")
    page.goto("about:blank")   # the tablet closed run mode
    context.set_offline(False)
    # Chromium fires "sync" when it sees its network come back, which the emulated network
    # does not always tell it: the test fires the event the browser would fire, at the
    # run-mode worker's registration (the events also list deleted ones).
    live = [r for r in registrations if not r.get("isDeleted")
            and r["scopeURL"].startswith(live_server.url)]
    sent = None
    for _attempt in range(6):
        # A sync that sends nothing (the worker still saw the closing page as open, or its
        # network came back a moment after the context's) is fired again, as Chromium
        # retries a sync that did not complete; the server applies each event once.
        try:
            with context.expect_event("response", lambda r: r.url.endswith("/sync"),
                                      timeout=5_000) as sent:
                devtools.send("ServiceWorker.dispatchSyncEvent", {
                    "origin": live_server.url, "registrationId": live[-1]["registrationId"],
                    "tag": "unct-sync", "lastChance": False})
            break
        except PlaywrightTimeoutError:
            sent = None
    assert sent is not None, "the worker never sent its queue"
    assert sent.value.request.service_worker is not None   # sent by the worker itself
    assert sent.value.status == 200 and len(sent.value.json()["acknowledged"]) == 2
    assert Attendance.objects.get().recorded_by == moderator
    page.goto(f"/trainings/{training.pk}/run/")
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "0")
    expect(page.locator("#roster .present")).to_have_count(1)
    assert page.errors == []
    context.close()


def test_rapporteur_and_participant_cannot_open_run_mode(browser, live_server):
    training = make_agenda()
    rapporteur = UserFactory(email="rap@example.org")
    Membership.objects.create(training=training, user=rapporteur, role=Role.RAPPORTEUR)
    context, page = tablet(browser, live_server)
    sign_in(page, rapporteur)
    response = page.goto(f"/trainings/{training.pk}/run/")
    assert response.status == 403
    context.close()
