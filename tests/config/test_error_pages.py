"""The 403, 404 and 500 pages (DEBUG off): they say why, and where to go."""

import pytest
from django.test import Client

from tests.builders import training_with_agenda
from tests.html import links, text_of

pytestmark = pytest.mark.django_db
ERROR_URLS = "tests.config.error_urls"


@pytest.fixture(autouse=True)
def _no_debug(settings):
    settings.DEBUG = False


def test_403_shows_the_reason_the_view_gave_and_the_way_back(logged_in_client):
    response = logged_in_client.get("/trainings/new/")

    assert response.status_code == 403
    text = text_of(response.content)
    assert "You may not do this" in text
    assert "Only platform staff create trainings." in text
    assert ("Back to my trainings", "/dashboard/") in links(response.content)


def test_403_without_a_reason_says_the_account_does_not_allow_it(settings, logged_in_client):
    settings.ROOT_URLCONF = ERROR_URLS

    response = logged_in_client.get("/test-errors/refuse/")

    assert response.status_code == 403
    assert "Your account does not allow this action or page." in text_of(response.content)


def test_404_is_the_same_for_a_missing_page_and_a_training_you_may_not_see(logged_in_client):
    hidden = training_with_agenda()      # the user has no role on it

    missing = logged_in_client.get("/trainings/999999/")
    not_yours = logged_in_client.get(f"/trainings/{hidden.pk}/")

    assert missing.status_code == not_yours.status_code == 404
    text = text_of(not_yours.content)
    assert "Page not found" in text
    assert "This page does not exist, or you may not see it." in text
    assert "No training found" not in text
    assert text == text_of(missing.content)
    assert ("Go to my trainings", "/dashboard/") in links(not_yours.content)


def test_500_page_says_what_to_do_and_needs_no_request_context(settings):
    settings.ROOT_URLCONF = ERROR_URLS
    # Even a context processor that fails (the database is down) does not stop the 500 page.
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "OPTIONS": {
        **settings.TEMPLATES[0]["OPTIONS"],
        "context_processors": [*settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
                               f"{ERROR_URLS}.broken_context"]}}]
    client = Client(raise_request_exception=False)

    response = client.get("/test-errors/crash/")

    assert response.status_code == 500
    text = text_of(response.content)
    assert "Something went wrong" in text
    assert "try again in a few minutes" in text
    assert "write to the platform staff" in text
    assert ("Go to my trainings", "/") in links(response.content)
    assert "a bug in a view" not in text
