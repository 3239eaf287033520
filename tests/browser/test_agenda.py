"""A facilitator moves a slot, sees both zones and the checks, and undoes it: no reload."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.login import sign_in
from tests.browser.training_nav import open_tab
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_move_a_slot_see_both_zones_and_warnings_then_undo(page):
    training = make_agenda()
    facilitator = UserFactory(email="fac@example.org", time_zone="Europe/Zurich")
    Membership.objects.create(training=training, user=facilitator, role=Role.FACILITATOR)
    sign_in(page, facilitator)
    page.get_by_role("link", name=training.title).first.click()
    open_tab(page, "Agenda")
    errors = page.locator("#error-count")
    expect(errors).to_have_text("0 errors")
    page.evaluate("window.__noReload = true")

    row = page.locator("tr.slot", has_text="Introduction to Activity 1")
    expect(row).to_contain_text("09:15–10:20 EAT")
    expect(row).to_contain_text("07:15–08:20 CET")
    row.get_by_role("button", name="Edit").click()
    editor = page.locator("tr.slot-editor:not([hidden])")
    editor.get_by_label("Start (Africa/Nairobi)").fill("2027-03-06")
    editor.get_by_label("Start time").first.fill("10:00")
    editor.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_text(re.compile(r"^Moved “Presentation Q&A; Introduction to Activity 1”"))
           ).to_be_visible()

    moved = page.locator("tr.slot", has_text="Introduction to Activity 1")
    expect(moved).to_contain_text("10:00–11:05 EAT")
    expect(moved).to_contain_text("08:00–09:05 CET")
    saturday = page.locator("section", has_text="Saturday 6 March 2027")
    expect(saturday.first).to_contain_text("Saturday is a weekend day in Kenya")
    expect(errors).not_to_have_text("0 errors")          # offline before online
    expect(errors).to_have_text(re.compile(r"^[1-9]\d* errors?$"))
    assert page.evaluate("window.__noReload") is True  # swapped by htmx, not reloaded

    page.get_by_role("button", name="Undo: Moved").click()
    expect(page.get_by_text(re.compile(r"^Undone: Moved"))).to_be_visible()
    expect(page.locator("tr.slot", has_text="Introduction to Activity 1")).to_contain_text(
        "09:15–10:20 EAT")
    expect(errors).to_have_text("0 errors")
    expect(page.get_by_text("Saturday 6 March 2027")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert page.console_errors == []


# The editor's behaviour (docs/agenda.md, "Editing"): focus and notes beside the slot, failures
# shown next to the control, busy and disabled controls, Escape, drag and drop on a desktop.

DESKTOP = {"width": 1280, "height": 900}
MOVE_URL = re.compile(r"/agenda/slots/\d+/move/$")
CSP_WORDS = ("Content Security Policy", "Refused to")


def _open_agenda(page, *, viewport=None):
    training = make_agenda()
    facilitator = UserFactory(email="editor@example.org", time_zone="Africa/Nairobi")
    Membership.objects.create(training=training, user=facilitator, role=Role.FACILITATOR)
    if viewport:
        page.set_viewport_size(viewport)
    sign_in(page, facilitator)
    page.get_by_role("link", name=training.title).first.click()
    open_tab(page, "Agenda")
    expect(page.locator("#error-count")).to_have_text("0 errors")
    return training


def _slot_row(page, text):
    return page.locator("tr.slot", has_text=text)


def _open_editor(page, text):
    # a click before htmx has processed the page does nothing (seen once on a loaded CI run)
    page.wait_for_function("() => window.htmx && document.readyState === 'complete'")
    _slot_row(page, text).get_by_role("button", name="Edit").click()
    editor = page.locator("tr.slot-editor:not([hidden])")
    expect(editor.get_by_role("button", name="Move", exact=True)).to_be_visible()
    return editor


def _no_csp_violation(page):
    """No CSP violation, and no script error (a refused request's status line aside)."""
    assert not [e for e in page.console_errors if any(w in e for w in CSP_WORDS)]
    assert [e for e in page.console_errors if not e.startswith("Failed to load resource")] == []


@pytest.mark.parametrize("viewport", [None, DESKTOP], ids=["tablet", "desktop"])
def test_after_a_save_the_slot_stays_in_view_with_focus_and_its_note(page, viewport):
    _open_agenda(page, viewport=viewport)
    editor = _open_editor(page, "Opening of day 3 offline session")
    editor.get_by_label("Start (Africa/Nairobi)").fill("2027-03-04")
    editor.get_by_label("Start time").first.fill("13:00")
    editor.get_by_role("button", name="Move", exact=True).press("Enter")

    row = _slot_row(page, "Opening of day 3 offline session")
    expect(row.get_by_role("status")).to_have_text(
        re.compile(r"^Moved “Opening of day 3 offline session”"))
    expect(row).to_contain_text("13:00–13:15")
    move = page.locator("tr.slot-editor:not([hidden])").get_by_role(
        "button", name="Move", exact=True)
    expect(move).to_be_focused()
    expect(row).to_be_in_viewport()
    expect(move).to_be_in_viewport()
    _no_csp_violation(page)


def test_a_failed_save_is_shown_next_to_the_control_never_nothing(page):
    _open_agenda(page)
    editor = _open_editor(page, "Wrap up and way forward")
    move_form = editor.locator("form", has=page.get_by_role("button", name="Move", exact=True))
    page.route(MOVE_URL, lambda route: route.fulfill(status=500, body="boom"))
    editor.get_by_label("Start time").first.fill("12:10")
    editor.get_by_role("button", name="Move", exact=True).click()
    alert = move_form.locator("xpath=..").get_by_role("alert")
    expect(alert).to_have_text(re.compile(r"^Not saved: the server had a problem \(error 500\)"))
    expect(editor.get_by_role("button", name="Move", exact=True)).to_be_enabled()

    page.unroute(MOVE_URL)
    page.route(MOVE_URL, lambda route: route.abort("internetdisconnected"))
    editor.get_by_role("button", name="Move", exact=True).click()
    expect(alert).to_have_text(re.compile(r"^Not sent: no connection"))
    expect(_slot_row(page, "Wrap up and way forward")).to_contain_text("12:00–13:00")   # nothing moved
    page.unroute(MOVE_URL)
    errors = [e for e in page.console_errors if "500" not in e and "ERR_INTERNET" not in e]
    assert not [e for e in errors if any(w in e for w in CSP_WORDS)]


def test_a_refused_save_says_why_beside_the_button_used(page):
    _open_agenda(page)
    briefings = page.get_by_role("button", name="Add briefings and debriefings")
    briefings.click()
    tools = page.locator(".agenda-tools")
    expect(tools.get_by_role("status")).to_have_text(re.compile(r"^Added \d+ briefings"))
    expect(briefings).to_be_focused()
    briefings.click()
    expect(tools.get_by_role("status")).to_have_text(
        "Not saved. Every module already has a briefing and a debriefing.")
    expect(briefings).to_be_focused()
    _no_csp_violation(page)


def test_a_save_shows_it_is_busy_and_a_double_tap_saves_once(page):
    training = _open_agenda(page)
    changes = training.agenda_changes.count()
    held, posts = [], []
    page.on("request", lambda r: r.method == "POST" and MOVE_URL.search(r.url) and posts.append(r))
    page.route(MOVE_URL, lambda route: held.append(route))
    editor = _open_editor(page, "Wrap up and way forward")
    editor.get_by_label("Start time").first.fill("12:10")
    move = editor.get_by_role("button", name="Move", exact=True)
    move.dblclick()
    expect(move).to_be_disabled()
    expect(editor.locator("form.move-form")).to_have_attribute("aria-busy", "true")
    bar = page.evaluate("getComputedStyle(document.body, '::before').height")
    assert bar == "3px"
    assert len(held) == 1
    held[0].continue_()
    expect(_slot_row(page, "Wrap up and way forward").get_by_role("status")).to_have_text(
        re.compile(r"^Moved “Wrap up and way forward”"))
    assert len(posts) == 1
    assert training.agenda_changes.count() == changes + 1   # saved once
    assert page.evaluate("getComputedStyle(document.body, '::before').content") == "none"
    _no_csp_violation(page)


@pytest.mark.parametrize("viewport", [None, DESKTOP], ids=["tablet", "desktop"])
def test_escape_closes_the_editor_and_returns_to_its_edit_button(page, viewport):
    _open_agenda(page, viewport=viewport)
    editor = _open_editor(page, "Wrap up and way forward")
    editor.get_by_label("Start time").first.focus()
    page.keyboard.press("Escape")
    expect(editor).to_have_count(0)
    edit = _slot_row(page, "Wrap up and way forward").get_by_role("button", name="Edit")
    expect(edit).to_be_focused()
    expect(edit).to_have_attribute("aria-expanded", "false")
    _no_csp_violation(page)


def _titles_of_day(page, day):
    return page.locator("section", has=page.get_by_role("heading", name=day)).locator(
        "tr.slot .slot-title").all_inner_texts()


def _drag_below_the_last(page, title, last_title):
    """Drag the slot `title` by its handle onto the lower edge of the slot `last_title`."""
    moving, last = _slot_row(page, title), _slot_row(page, last_title)
    box = last.bounding_box()
    moving.locator(".drag-handle").drag_to(
        last, target_position={"x": box["width"] / 2, "y": box["height"] - 4})
    return moving


def test_drag_a_slot_on_a_desktop_and_the_order_persists(page):
    _open_agenda(page, viewport=DESKTOP)
    day = "Thursday 4 March 2027"
    before = _titles_of_day(page, day)
    assert before[-1] == "Wrap up and way forward"
    moving = _drag_below_the_last(page, "Opening of day 4 offline session",
                                  "Wrap up and way forward")
    expect(moving.get_by_role("status")).to_have_text(
        re.compile(r"^Moved “Opening of day 4 offline session”"))
    expect(moving).to_contain_text("13:00–13:15")

    page.reload()
    after = _titles_of_day(page, day)
    assert after[-1] == "Opening of day 4 offline session"
    assert sorted(after) == sorted(before)
    _no_csp_violation(page)


def test_a_refused_drop_puts_the_slot_back_and_says_why(page):
    from django.db import transaction

    from trainings.services.training import cancel_training

    training = _open_agenda(page, viewport=DESKTOP)
    day = "Thursday 4 March 2027"
    before = _titles_of_day(page, day)
    with transaction.atomic():   # meanwhile, in another office, the training is cancelled
        cancel_training(actor=UserFactory(is_staff=True), training=training,
                        reason="Postponed by the RC office")
    moving = _drag_below_the_last(page, "Opening of day 4 offline session",
                                  "Wrap up and way forward")
    expect(moving.get_by_role("status")).to_have_text(
        "Not saved: A cancelled training's agenda cannot change. Reload the page to see the "
        "current state.")
    assert _titles_of_day(page, day) == before
    errors = [e for e in page.console_errors if "403" not in e]
    assert not [e for e in errors if any(w in e for w in CSP_WORDS)]
