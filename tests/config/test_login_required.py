"""Django's LoginRequiredMiddleware: every page needs a login; the few public views say so
themselves with @login_not_required (and allauth marks its own). An unknown token answers
404 there, not a redirect to the login page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/dashboard/", "/outbox/", "/curricula/", "/checklists/",
                                 "/notifications/settings/", "/trainings/1/"])
def test_pages_send_anonymous_visitors_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


@pytest.mark.parametrize("url,status", [
    ("/accounts/login/", 200), ("/accounts/password/reset/", 200), ("/healthz", 200),
    ("/api/v1/trainings", 401), ("/api/docs", 302), ("/invitations/not-a-token/", 404),
    ("/calendar/not-a-token.ics", 404), ("/verify/ABCD-EFGH-JKLM/", 404)])
def test_public_views_answer_without_a_login(client, url, status):
    assert client.get(url).status_code == status
