"""Shared tablets: whose offline copies a browser may show (the offline_owner cookie), and
the logout that asks the browser to drop its cache."""

import pytest

from syncqueue.middleware import COOKIE, owner_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_names_its_owner_in_a_readable_cookie(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/dashboard/")
    morsel = response.cookies[COOKIE]
    assert morsel.value == owner_token(user) and morsel.value.startswith(f"{user.pk}.")
    assert not morsel["httponly"]   # the service worker and the pages read it
    assert morsel["samesite"] == "Lax"
    # another user's token cannot be guessed from the id
    assert owner_token(UserFactory()).split(".")[1] != morsel.value.split(".")[1]


def test_logout_clears_the_cache_and_the_owner(client):
    user = UserFactory()
    client.force_login(user)
    client.get("/dashboard/")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache"'
    assert response.cookies[COOKIE].value == ""          # deleted
    assert response.cookies[COOKIE]["max-age"] == 0


def test_an_anonymous_visit_removes_a_stale_owner(client):
    client.cookies[COOKIE] = "12.abc"
    response = client.get("/accounts/login/")
    assert response.cookies[COOKIE].value == ""
    assert "Clear-Site-Data" not in response
