"""The room display (docs/run-mode.md, "Room display"): the moderator opens it from run mode
in a new window; the tablet's Start, Pause, +5 min and Resume drive its timer, the time-up
signal shows (and chimes once the sound is switched on), and with both pages offline the
tablet still drives it and it opens again from the service worker's cache.

Time runs on Playwright's clock (`context.clock`, installed before the pages load and shared
by both pages): the test jumps to the last minute and past the end instead of waiting."""

import re

import pytest
from playwright.sync_api import expect

from runsheet.models import SlotRun
from tests.browser import axe
from tests.browser.login import go_offline, go_online, sign_in
from tests.browser.test_run_mode import NETWORK_NOISE, room
from tests.browser.training_nav import open_tab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROJECTOR = {"width": 1920, "height": 1080}
SMALL_PROJECTOR = {"width": 1024, "height": 768}
CLOCK = re.compile(r"^\d+:\d\d$")


def watch_errors(page):
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error"
            and not any(noise in msg.text for noise in NETWORK_NOISE)
            and page.errors.append(msg.text))
    return page


def snapshot_reloaded(response):
    """Run mode reloads its snapshot once the queue is sent: after that, no request of the
    page is left running on the server when the test ends."""
    return response.request.method == "GET" and response.url.endswith("/runsheet")


def seconds(text):
    minutes, secs = text.split(":")
    return int(minutes) * 60 + int(secs)


def open_display(context, page):
    with context.expect_page() as opened:
        page.get_by_role("link", name="Room display").click()
    display = watch_errors(opened.value)
    display.set_viewport_size(PROJECTOR)
    expect(display.locator("#display")).to_have_attribute("data-state", "live")
    return display


def assert_readable(display, viewport):
    """Nothing serious for axe, the timer whole on screen, no sideways scrolling, buttons
    large enough to tap."""
    display.set_viewport_size(viewport)
    found = axe.blocking(axe.violations(display))
    assert not found, axe.report(f"display {viewport}", found)
    box = display.locator("#display-timer").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box
    assert display.evaluate("document.documentElement.scrollWidth <= innerWidth")
    for button in display.locator(".display-button").all():
        assert button.bounding_box()["height"] >= 44


def test_the_tablet_drives_the_room_display_online_and_offline(browser, live_server):
    training, moderator = room(people=8)
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True,
                                  base_url=live_server.url)
    context.clock.install()
    page = watch_errors(context.new_page())
    sign_in(page, moderator)
    page.get_by_role("link", name=training.title).first.click()
    open_tab(page, "Run mode")
    expect(page.locator("#run")).to_have_attribute("data-offline-ready", "true")
    expect(page.locator("#room-display-link")).to_have_attribute("data-offline-ready", "true")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    item = page.locator("#slot-select option", has_text="Activity 1").nth(1)
    title = item.text_content().split(" · ", 1)[1]
    page.locator("#slot-select").select_option(item.get_attribute("value"))
    expect(page.get_by_role("button", name="Pause")).to_be_disabled()   # nothing runs yet

    display = open_display(context, page)
    timer, state = display.locator("#display-timer"), display.locator("#display")
    expect(display.get_by_role("heading", name=title)).to_be_visible()
    expect(state).to_have_attribute("data-timer", "ready")
    expect(display.locator("#display-timer-state")).to_have_text("Not started")
    expect(display.get_by_role("button", name="Sound at time up")).to_have_attribute(
        "aria-pressed", "false")                                          # off by default
    display.get_by_role("button", name="Sound at time up").click()
    expect(display.get_by_role("button", name="Sound at time up")).to_have_attribute(
        "aria-pressed", "true")

    # Start on the tablet: the display counts down.
    page.get_by_role("button", name="Start").click()
    expect(state).to_have_attribute("data-timer", "running")
    expect(timer).to_have_text(CLOCK)
    # Pause: the display holds still; +5 min adds exactly five minutes to the held time.
    page.get_by_role("button", name="Pause").click()
    expect(state).to_have_attribute("data-timer", "paused")
    expect(display.locator("#display-timer-state")).to_have_text("Paused")
    expect(page.locator("#countdown")).to_contain_text("(paused)")
    held = seconds(timer.text_content())
    page.get_by_role("button", name="+5 min").click()
    plus_five = f"{(held + 300) // 60}:{(held + 300) % 60:02d}"
    expect(timer).to_have_text(plus_five)
    expect(display.locator("#display-timer-state")).to_have_text("Paused · extended by 5 min")
    page.get_by_role("button", name="Resume").click()
    expect(state).to_have_attribute("data-timer", "running")
    assert_readable(display, PROJECTOR)

    # The last minute is announced once; then the time is up: signal, announcement, chime.
    display.clock.fast_forward((held + 300 - 45) * 1000)
    expect(display.locator("#display-announce")).to_have_text("1 minute left")
    expect(timer).to_have_text(re.compile(r"^0:[34]\d$"))
    expect(display.locator("#display-signal")).to_be_hidden()
    display.clock.fast_forward(75_000)
    expect(state).to_have_attribute("data-timer", "over")
    expect(display.get_by_role("region", name="Timer").get_by_text("Time is up")).to_be_visible()
    expect(display.locator("#display-announce")).to_have_text("Time is up")
    expect(timer).to_have_text(re.compile(r"^\+0:[23]\d$"))
    expect(state).to_have_attribute("data-chimes", "1")
    assert_readable(display, SMALL_PROJECTOR)

    # Both pages offline: the tablet still drives the display (same device, no server).
    go_offline(context, page)
    display.wait_for_function("navigator.onLine === false")
    page.get_by_role("button", name="+5 min").click()
    expect(state).to_have_attribute("data-timer", "running")
    expect(display.locator("#display-signal")).to_be_hidden()
    expect(timer).to_have_text(re.compile(r"^4:[23]\d$"))
    page.locator("#group-count").fill("3")
    page.get_by_role("button", name="Split the people present").click()
    expect(display.locator(".display-group")).to_have_count(3)
    expect(display.locator(".display-group li")).to_have_count(8)
    page.get_by_role("button", name="Pause").click()
    expect(state).to_have_attribute("data-timer", "paused")

    # Closed and opened again offline: the service worker serves it, the tablet fills it in.
    display.close()
    display = open_display(context, page)
    expect(display.get_by_role("heading", name=title)).to_be_visible()
    expect(display.locator("#display")).to_have_attribute("data-timer", "paused")
    expect(display.locator(".display-group")).to_have_count(3)
    expect(display.get_by_role("button", name="Sound at time up")).to_have_attribute(
        "aria-pressed", "false")                          # a new display starts silent

    # Back online, the tablet sends what it did: the start and both "+5 min" reach the server
    # (pauses are the device's own).
    with page.expect_response(snapshot_reloaded, timeout=20000):
        go_online(context, page)
    expect(page.locator("#sync-status")).to_have_attribute("data-queued", "0")
    run = SlotRun.objects.get()
    assert run.started_at is not None and run.extended_minutes == 10
    assert page.errors == [] and display.errors == []
    context.close()


def test_without_broadcast_channel_the_display_follows_through_storage_events(browser,
                                                                              live_server):
    """A browser without BroadcastChannel (Safari before 15.4): the same controls reach the
    display through `storage` events, and nothing about the room stays in localStorage."""
    training, moderator = room(people=4)
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True,
                                  base_url=live_server.url)
    context.add_init_script("delete window.BroadcastChannel;")
    page = watch_errors(context.new_page())
    sign_in(page, moderator)
    page.get_by_role("link", name=training.title).first.click()
    open_tab(page, "Run mode")
    expect(page.locator("#run")).to_have_attribute("data-offline-ready", "true")
    assert page.evaluate("typeof BroadcastChannel") == "undefined"

    display = open_display(context, page)
    state = display.locator("#display")
    expect(state).to_have_attribute("data-timer", "ready")
    page.get_by_role("button", name="Start").click()
    expect(state).to_have_attribute("data-timer", "running")
    page.get_by_role("button", name="Pause").click()
    expect(state).to_have_attribute("data-timer", "paused")
    with page.expect_response(snapshot_reloaded):
        page.get_by_role("button", name="+5 min").click()
    expect(display.locator("#display-timer-state")).to_have_text("Paused · extended by 5 min")
    leftovers = display.evaluate(
        "Object.keys(localStorage).filter((key) => key.startsWith('unct-room:'))")
    assert leftovers == []
    assert page.errors == [] and display.errors == []
    context.close()
