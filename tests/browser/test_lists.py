"""Long lists and the team page in Chromium at 768x1024 (issue 16), reached by clicking from
the login form: the checklist grouped by phase (collapse a group, filter by owner and
status, tick an item in place), the audit log's pages, and the team page (the role must be
chosen, every action on screen, "Remove" asks first)."""


import pytest
from playwright.sync_api import expect

from scheduling.models import ChecklistItem
from tests.browser.login import sign_in
from tests.browser.training_nav import open_tab
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import AuditEntry, Invitation, Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 768


def no_horizontal_scroll(page):
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= WIDTH, f"the page is {width}px wide at {WIDTH}px"


def within_viewport(locator):
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    assert box["height"] >= 44, box


@pytest.fixture
def kenya():
    training = make_agenda(title="Kenya lists")
    lead = UserFactory(email="lead@example.org", full_name="Lena Lead")
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    tech = UserFactory(email="tech@example.org", full_name="Tom Tech")
    Membership.objects.create(training=training, user=tech, role=Role.TECH_SUPPORT)
    return training, lead, tech


def open_training(page, user, training):
    sign_in(page, user)
    page.get_by_role("link", name=training.title).first.click()


def test_checklist_groups_filters_and_ticks_at_tablet_size(page, kenya):
    training, _lead, tech = kenya
    open_training(page, tech, training)
    open_tab(page, "Checklist")
    early = page.locator("#phase-early")
    summary = early.locator("summary").first
    expect(summary).to_contain_text("Preparation: two months to four weeks before")
    expect(summary).to_contain_text("11 items, 11 open")
    no_horizontal_scroll(page)
    first_title = ChecklistItem.objects.get(training=training, key="reach-out-unct").title
    expect(early.get_by_text(first_title)).to_be_visible()
    summary.click()  # collapse the group
    expect(early.get_by_text(first_title)).to_be_hidden()
    expect(summary).to_be_visible()

    page.get_by_label("Owner", exact=True).select_option(label="Me (the items of my roles)")
    page.get_by_label("Status", exact=True).select_option(label="Open (to do or in progress)")
    page.get_by_role("button", name="Filter").click()
    mine = ChecklistItem.objects.filter(training=training, owner="tech_support")
    expect(page.locator("#checklist-shown")).to_contain_text(f"{mine.count()} items match")
    expect(page.locator("li.checklist-item")).to_have_count(mine.count())
    no_horizontal_scroll(page)

    item = mine.order_by("due_at", "position").first()
    page.get_by_label(f"Status of {item.title}").select_option("done")  # htmx, in place
    expect(page.get_by_text(f"Saved: {item.title}.")).to_be_visible()
    expect(page.locator("li.checklist-item")).to_have_count(mine.count() - 1)
    expect(page.get_by_label("Owner", exact=True)).to_have_value("me")  # still filtered
    assert ChecklistItem.objects.get(pk=item.pk).status == "done"
    within_viewport(page.get_by_role("button", name="Filter"))
    assert page.console_errors == []


def test_audit_log_pages_at_tablet_size(page, kenya):
    training, lead, _tech = kenya
    AuditEntry.objects.bulk_create([
        AuditEntry(training=training, actor=lead, action="training updated",
                   object_type="training", object_repr=f"Entry {n}") for n in range(120)])
    total = AuditEntry.objects.filter(training=training).count()
    open_training(page, lead, training)
    open_tab(page, "Audit log")
    expect(page.locator("#entry-count")).to_contain_text(f"{total} entries")
    expect(page.get_by_text(f"Page 1 of {-(-total // 50)}")).to_be_visible()
    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_text(f"Page 2 of {-(-total // 50)}")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(50)
    within_viewport(page.get_by_role("link", name="Previous page"))
    no_horizontal_scroll(page)
    assert page.console_errors == []


def test_team_page_at_tablet_size(page, kenya):
    training, lead, tech = kenya
    open_training(page, lead, training)
    open_tab(page, "Team")
    role = page.get_by_label("Role", exact=True)
    expect(role).to_have_value("")
    page.get_by_label("Email", exact=True).fill("a-rather-long-address.for.testing@example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Choose the role this person will have.")).to_be_visible()
    assert not Invitation.objects.exists()
    page.get_by_label("Role", exact=True).select_option(label="Moderator")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to a-rather-long-address")).to_be_visible()

    no_horizontal_scroll(page)
    for name in ("Revoke for a-rather-long-address.for.testing@example.org",
                 "Resend to a-rather-long-address.for.testing@example.org",
                 "Remove Tom Tech as Technical support focal point"):
        control = page.get_by_role("button", name=name).or_(page.get_by_role("link", name=name))
        within_viewport(control)

    page.get_by_role("link", name="Remove Tom Tech as Technical support focal point").click()
    expect(page.get_by_role("heading", name="Remove Tom Tech as Technical support focal "
                                            "point?")).to_be_visible()
    assert Membership.objects.filter(user=tech, training=training).exists()
    page.get_by_role("button", name="Remove Tom Tech as Technical support focal point").click()
    expect(page.get_by_text("Tom Tech is no longer Technical support focal point.")).to_be_visible()
    assert not Membership.objects.filter(user=tech, training=training).exists()

    page.get_by_role("button", name="Revoke for a-rather-long-address").click()
    expect(page.get_by_text("revoked.")).to_be_visible()
    assert Invitation.objects.get().revoked_at is not None
    assert page.console_errors == []
