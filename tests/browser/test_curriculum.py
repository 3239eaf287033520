import pytest

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_and_open_a_session_page(page, curriculum):
    user = UserFactory(email="facilitator@example.org")
    page.goto("/curricula/remote-unct-training/")
    assert "/accounts/login/" in page.url  # anonymous users go to the login page
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/curricula/remote-unct-training/")
    assert page.locator(".module-card").count() == 4

    page.get_by_role("link", name="Session 1: Migration Governance and the GCM").click()
    page.wait_for_url("**/sessions/1/")
    card = page.locator("#activity-1").locator("xpath=ancestor::article")
    parts = card.locator(".part-where").all_inner_texts()
    assert "Online in Module 1" in parts
    assert "Offline in Module 1" in parts
    assert "Online in Module 2" in parts

    # Tablet width: the navigation collapses behind a toggler with a usable touch target.
    toggler = page.locator(".navbar-toggler")
    box = toggler.bounding_box()
    assert box["height"] >= 44
    assert page.console_errors == []
