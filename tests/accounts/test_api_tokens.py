"""Personal API tokens (issue 21, part 7): made and revoked on the profile page, shown once,
stored hashed, read-only by default, refused when wrong, expired or revoked, rate-limited per
token, acting as their user through the same rules as the pages."""

import datetime
import hashlib
import json
import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken
from tests.factories import UserFactory
from tests.html import text_of
from tests.querycount import count_queries
from tests.trainings.factories import MembershipFactory, TrainingFactory
from trainings.models import Role

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"unct_[0-9a-f]{10}_[A-Za-z0-9_-]{40,}")


@pytest.fixture
def world():
    """A facilitator of a Kenyan training; a Ugandan training they have nothing to do with."""
    mine = TrainingFactory(title="Nairobi training", country="KE")
    theirs = TrainingFactory(title="Kampala secret training", country="UG", city="Kampala",
                             time_zone="Africa/Kampala")
    user = MembershipFactory(training=mine, role=Role.FACILITATOR,
                             user__time_zone="America/New_York").user
    return mine, theirs, user


def make_token(user, *, days=90, scope=ApiToken.Scope.READ, name="Power BI report"):
    return services.create_api_token(user=user, name=name, days=days, scope=scope)


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# --- the API with a token -----------------------------------------------------------------

def test_a_token_reads_the_trainings_its_user_may_see_and_no_other(client, world):
    mine, theirs, user = world
    _, token = make_token(user)
    response = client.get("/api/v1/trainings", **bearer(token))
    assert response.status_code == 200
    assert [t["id"] for t in response.json()] == [mine.pk]
    assert response.json()[0]["my_roles"] == ["Facilitator"]
    assert client.get(f"/api/v1/trainings/{mine.pk}", **bearer(token)).status_code == 200
    hidden = client.get(f"/api/v1/trainings/{theirs.pk}", **bearer(token))
    missing = client.get(f"/api/v1/trainings/{theirs.pk + 10_000}", **bearer(token))
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.content == missing.content
    assert b"Kampala secret" not in hidden.content


def expired(user):
    row, token = make_token(user)
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now())
    return token


def revoked(user):
    row, token = make_token(user)
    services.revoke_api_token(token=row)
    return token


def wrong_secret(user):
    _, token = make_token(user)
    return token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")


def deactivated(user):
    _, token = make_token(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return token


REFUSED = {
    "nonsense": (lambda user: "nonsense", "Invalid API token."),
    "unknown prefix": (lambda user: "unct_0123456789_" + "x" * 43, "Invalid API token."),
    "wrong secret": (wrong_secret, "Invalid API token."),
    "expired": (expired, "This API token has expired."),
    "revoked": (revoked, "This API token was revoked."),
    "deactivated account": (deactivated, "The account of this API token is deactivated."),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_wrong_expired_or_revoked_token_is_401(client, world, case):
    mine, _, user = world
    make, detail = REFUSED[case]
    token = make(user)
    for url in ("/api/v1/trainings", f"/api/v1/trainings/{mine.pk}"):
        response = client.get(url, **bearer(token))
        assert response.status_code == 401, url
        assert response.json() == {"detail": detail}
        assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_no_token_is_401_and_a_wrong_token_is_not_saved_by_a_session(client, world):
    _, _, user = world
    assert client.get("/api/v1/trainings").status_code == 401
    client.force_login(user)
    assert client.get("/api/v1/trainings").status_code == 200   # the session still works
    refused = client.get("/api/v1/trainings", **bearer(revoked(user)))
    assert refused.status_code == 401


def test_the_openapi_schema_offers_the_token_and_the_session(client, world):
    _, _, user = world
    client.force_login(user)
    schema = client.get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["ApiToken"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"
    operation = schema["paths"]["/api/v1/trainings"]["get"]
    assert operation["security"] == [{"ApiToken": []}, {"SessionAuth": []}]
    assert "Authorization: Bearer" in schema["info"]["description"]


# --- scope: read-only by default; write only where chosen ---------------------------------

def question_batch(text):
    return json.dumps({"events": [{
        "id": str(uuid.uuid4()), "type": "question.capture",
        "recorded_at": "2027-03-01T08:00:00+00:00", "payload": {"text": text}}]})


@pytest.fixture
def rapporteur(world):
    mine, _, _ = world
    return mine, MembershipFactory(training=mine, role=Role.RAPPORTEUR).user


def test_a_read_only_token_may_not_write(client, rapporteur):
    from notes.models import Question

    training, user = rapporteur
    row, token = make_token(user)
    assert row.scope == ApiToken.Scope.READ   # the default
    response = client.post(f"/api/v1/trainings/{training.pk}/notes/sync",
                           data=question_batch("Who pays?"), content_type="application/json",
                           **bearer(token))
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert not Question.objects.filter(training=training).exists()


def test_a_write_token_writes_as_its_user_without_a_csrf_token(rapporteur):
    from notes.models import Question

    training, user = rapporteur
    _, token = make_token(user, scope=ApiToken.Scope.WRITE)
    client = Client(enforce_csrf_checks=True)
    url = f"/api/v1/trainings/{training.pk}/notes/sync"
    response = client.post(url, data=question_batch("Who pays?"),
                           content_type="application/json", **bearer(token))
    assert response.status_code == 200, response.content
    assert list(Question.objects.filter(training=training).values_list("text", flat=True)) \
        == ["Who pays?"]
    # the browser session still needs its CSRF token
    client.force_login(user)
    refused = client.post(url, data=question_batch("Again?"), content_type="application/json")
    assert refused.status_code == 403
    assert Question.objects.filter(training=training).count() == 1


def test_a_write_token_gets_no_wider_than_its_user(client, world):
    """A moderator's write token is refused the rapporteurs' notes sync, as the moderator is."""
    mine, _, _ = world
    moderator = MembershipFactory(training=mine, role=Role.MODERATOR).user
    _, token = make_token(moderator, scope=ApiToken.Scope.WRITE)
    response = client.post(f"/api/v1/trainings/{mine.pk}/notes/sync",
                           data=question_batch("x"), content_type="application/json",
                           **bearer(token))
    assert response.status_code == 403
    assert response.json()["detail"] == "Notes are written by the rapporteurs."


# --- rate limit ---------------------------------------------------------------------------

def test_a_token_beyond_its_rate_limit_is_429_with_retry_after(client, world, settings):
    settings.API_TOKEN_RATE_PER_MINUTE = 3
    _, _, user = world
    _, token = make_token(user)
    _, other = make_token(user, name="Another")
    statuses, response = [], None
    # A minute's boundary may fall inside the loop (the count starts again): at most one does.
    for _ in range(2 * 3 + 1):
        response = client.get("/api/v1/trainings", **bearer(token))
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[:3] == [200, 200, 200]
    assert statuses[-1] == 429, statuses
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many requests" in response.json()["detail"]
    # the limit is per token
    assert client.get("/api/v1/trainings", **bearer(other)).status_code == 200


# --- stored hashed, shown once ------------------------------------------------------------

def test_the_token_is_shown_once_and_never_stored_in_clear(client, world):
    _, _, user = world
    client.force_login(user)
    response = client.post(reverse("accounts:token_create"),
                           {"name": "LRS feed", "expires_in": "30", "scope": "read"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = text_of(response.content)
    assert "Copy it now: it is shown only this once" in text
    token = TOKEN.search(response.content.decode())[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        rows = cursor.fetchall()
    assert len(rows) == 1
    secret = token.split("_", 2)[2]
    assert not any(secret in str(value) or token in str(value) for value in rows[0])
    row = ApiToken.objects.get()
    assert row.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (row.name, row.scope) == ("LRS feed", "read")
    assert row.expires_at - row.created_at == datetime.timedelta(days=30)
    # the token works, and the page never shows it again (only its prefix)
    assert client.get("/api/v1/trainings", **bearer(token)).status_code == 200
    again = client.get(reverse("accounts:profile")).content.decode()
    assert token not in again and secret not in again
    assert f"unct_{row.prefix}_…" in text_of(again)


def when(instant, zone="America/New_York"):
    local = instant.astimezone(zoneinfo(zone))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local:%Z}"


def zoneinfo(name):
    import zoneinfo as zi

    return zi.ZoneInfo(name)


def test_the_profile_lists_tokens_with_name_prefix_access_expiry_and_last_used(client, world):
    _, _, user = world
    row, token = make_token(user, name="Power BI report", days=365)
    unused, _ = make_token(user, name="LRS", scope=ApiToken.Scope.WRITE)
    assert client.get("/api/v1/trainings", **bearer(token)).status_code == 200
    row.refresh_from_db()
    client.force_login(user)
    text = text_of(client.get(reverse("accounts:profile")).content)
    assert (f"Power BI report unct_{row.prefix}_… Read only {when(row.expires_at)} "
            f"{when(row.last_used_at)} Revoke") in text
    assert f"LRS unct_{unused.prefix}_… Read and write {when(unused.expires_at)} Never" in text


def test_last_used_is_written_at_most_once_a_minute(client, world):
    _, _, user = world
    row, token = make_token(user)
    assert row.last_used_at is None
    client.get("/api/v1/trainings", **bearer(token))
    row.refresh_from_db()
    first = row.last_used_at
    assert first is not None
    recent = timezone.now() - datetime.timedelta(seconds=30)
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=recent)
    client.get("/api/v1/trainings", **bearer(token))
    row.refresh_from_db()
    assert row.last_used_at == recent
    stale = timezone.now() - datetime.timedelta(minutes=2)
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=stale)
    client.get("/api/v1/trainings", **bearer(token))
    row.refresh_from_db()
    assert row.last_used_at > stale + datetime.timedelta(minutes=1)


def test_the_profile_page_reads_its_tokens_in_a_constant_number_of_queries(client, world):
    _, _, user = world
    client.force_login(user)
    make_token(user)
    one = count_queries(client, reverse("accounts:profile"))
    for n in range(5):
        revoke_me, _ = make_token(user, name=f"Token {n}")
        if n % 2:
            services.revoke_api_token(token=revoke_me)
    assert count_queries(client, reverse("accounts:profile")) == one


# --- making one: bad input ----------------------------------------------------------------

@pytest.mark.parametrize("data,field,message", [
    ({"name": "   ", "expires_in": "90", "scope": "read"}, "name", "This field is required."),
    ({"name": "x", "expires_in": "3650", "scope": "read"}, "expires_in",
     "Select a valid choice. 3650 is not one of the available choices."),
    ({"name": "x", "expires_in": "90", "scope": "admin"}, "scope",
     "Select a valid choice. admin is not one of the available choices."),
])
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_made(client, world, data,
                                                                     field, message):
    _, _, user = world
    client.force_login(user)
    response = client.post(reverse("accounts:token_create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    errors = re.search(rf'id="token-{field}-errors">([^<]*)<', html)
    assert errors and errors[1] == message
    assert not ApiToken.objects.exists()
    assert not TOKEN.search(html)


def test_one_person_holds_at_most_ten_active_tokens(client, world):
    _, _, user = world
    for n in range(10):
        make_token(user, name=f"T{n}")
    client.force_login(user)
    response = client.post(reverse("accounts:token_create"),
                           {"name": "Eleventh", "expires_in": "90", "scope": "read"})
    assert "You already have 10 active tokens" in text_of(response.content)
    assert not ApiToken.objects.filter(name="Eleventh").exists()
    services.revoke_api_token(token=ApiToken.objects.filter(user=user).first())
    response = client.post(reverse("accounts:token_create"),
                           {"name": "Eleventh", "expires_in": "90", "scope": "read"})
    assert ApiToken.objects.filter(name="Eleventh").exists()


def test_a_get_cannot_make_a_token(client, world):
    _, _, user = world
    client.force_login(user)
    assert client.get(reverse("accounts:token_create")).status_code == 405
    assert not ApiToken.objects.exists()


# --- revoking -----------------------------------------------------------------------------

def test_revoking_a_token_refuses_it_from_then_on(client, world):
    _, _, user = world
    row, token = make_token(user)
    client.force_login(user)
    response = client.post(reverse("accounts:token_revoke", args=[row.pk]), follow=True)
    text = text_of(response.content)
    assert "The token “Power BI report” was revoked" in text
    row.refresh_from_db()
    assert f"Power BI report unct_{row.prefix}_… Read only" in text
    assert f"Revoked {when(row.revoked_at)}" in text
    client.logout()
    assert client.get("/api/v1/trainings", **bearer(token)).status_code == 401


def test_another_persons_token_cannot_be_revoked(client, world):
    _, _, user = world
    row, token = make_token(UserFactory())
    client.force_login(user)
    response = client.post(reverse("accounts:token_revoke", args=[row.pk]))
    missing = client.post(reverse("accounts:token_revoke", args=[row.pk + 10_000]))
    assert (response.status_code, missing.status_code) == (404, 404)
    row.refresh_from_db()
    assert row.revoked_at is None
    client.logout()
    assert client.get("/api/v1/trainings", **bearer(token)).status_code == 200
