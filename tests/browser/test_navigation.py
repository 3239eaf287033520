"""A training's tabs in three menus (Plan, In the room, After): one row high on a 768x1024
tablet and on a desktop, each menu opened by a tap or by the keyboard, every tab leading to
its page; the outbox linked from the navbar for a facilitator."""

import pytest
from playwright.sync_api import expect

from tests.browser.login import sign_in
from tests.browser.training_nav import open_tab, tab_group
from tests.builders import training_with_agenda
from tests.factories import UserFactory
from trainings.models import Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1280, "height": 900}
LEAD_TABS = {
    "Plan": ["Overview", "Team", "Nominations", "Scoping survey", "Country profile", "Agenda",
             "Checklist", "Announcements", "Outbox"],
    "In the room": ["Run mode", "Notes", "Questions", "Outputs", "Recap board"],
    "After": ["Attendance", "Outcome", "Evaluation", "Documents", "Certificates", "Audit log"],
}


def _lead_on_the_overview(page, viewport):
    training = training_with_agenda(title="Nairobi navigation training")
    lead = UserFactory(email="lead-nav@example.org")
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    page.set_viewport_size(viewport)
    sign_in(page, lead)
    page.get_by_role("link", name=training.title).first.click()
    page.wait_for_load_state()
    return training


def _nav(page):
    return page.get_by_role("navigation", name="Training sections")


def assert_one_row(page, viewport):
    """The bar is as high as one of its buttons, its buttons side by side, all on screen."""
    buttons = _nav(page).get_by_role("button")
    expect(buttons).to_have_count(3)
    boxes = [button.bounding_box() for button in buttons.all()]
    assert len({round(box["y"]) for box in boxes}) == 1
    assert all(box["height"] >= 44 for box in boxes)
    bar = _nav(page).get_by_role("list").first.bounding_box()
    assert bar["height"] < 1.5 * boxes[0]["height"]
    assert max(box["x"] + box["width"] for box in boxes) <= viewport["width"]


def test_tablet_tabs_are_one_row_and_every_tab_opens_its_page(page):
    _lead_on_the_overview(page, TABLET)
    assert_one_row(page, TABLET)
    expect(_nav(page).get_by_role("button")).to_have_text(["Plan: Overview", "In the room",
                                                           "After"])
    for group, labels in LEAD_TABS.items():
        tab_group(page, labels[0]).get_by_role("button").click()
        menu = tab_group(page, labels[0]).get_by_role("link")
        expect(menu).to_have_text(labels)
        assert all(link.bounding_box()["height"] >= 44 for link in menu.all())
        page.keyboard.press("Escape")
        expect(menu.first).to_be_hidden()
        for label in labels:
            open_tab(page, label)
            if label == "Run mode":       # full screen, without the tabs: back to the agenda
                expect(page.locator("#run")).to_have_attribute("data-offline-ready", "true")
                page.get_by_role("link", name="← Agenda").click()
                label, group_here = "Agenda", "Plan"
            else:
                group_here = group
            expect(_nav(page).get_by_role("button", name=f"{group_here}: {label}")).to_be_visible()
            expect(_nav(page).get_by_role("link", name=label, exact=True)).to_be_hidden()
            assert_one_row(page, TABLET)
    # The outbox across trainings, from the folded navbar.
    page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Outbox").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outbox")
    assert page.console_errors == []


def test_tablet_menus_work_with_the_keyboard(page):
    _lead_on_the_overview(page, TABLET)
    after = _nav(page).get_by_role("button", name="After")
    first = _nav(page).get_by_role("link", name="Attendance", exact=True)
    after.focus()
    page.keyboard.press("Enter")
    expect(after).to_have_attribute("aria-expanded", "true")
    expect(first).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(first).to_be_focused()
    assert first.evaluate("e => getComputedStyle(e).outlineStyle") != "none"  # visible focus
    page.keyboard.press("ArrowDown")
    expect(_nav(page).get_by_role("link", name="Outcome", exact=True)).to_be_focused()
    page.keyboard.press("Escape")                 # closes, focus back on the menu's button
    expect(first).to_be_hidden()
    expect(after).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")                  # follows "Outcome"
    expect(_nav(page).get_by_role("button", name="After: Outcome")).to_be_visible()
    # Tab moves on from the bar's buttons: Plan, In the room, After.
    plan = _nav(page).get_by_role("button", name="Plan")
    plan.focus()
    page.keyboard.press("Tab")
    expect(_nav(page).get_by_role("button", name="In the room")).to_be_focused()
    assert page.console_errors == []


def test_desktop_tabs_are_one_row_and_each_menu_leads_to_its_pages(page):
    _lead_on_the_overview(page, DESKTOP)
    assert_one_row(page, DESKTOP)
    for group, labels in LEAD_TABS.items():
        label = labels[-1]
        open_tab(page, label)
        expect(_nav(page).get_by_role("button", name=f"{group}: {label}")).to_be_visible()
        assert_one_row(page, DESKTOP)
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Outbox").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outbox")
    assert page.console_errors == []
