"""The role matrix over HTTP: every training page and the API, for every role.

Outsiders get 404 (the id leaks nothing), people who may see the training but not do the
action get 403, allowed roles get 200 (pages) or 302 (actions done, then redirected)."""

import csv
import io

import pytest
from django.db import transaction
from django.urls import reverse

from tests.html import page_without_tokens
from trainings import csv_nominations
from trainings.models import Membership, Nomination, Training

from .factories import (
    ALL_ROLES,
    OUTSIDERS,
    ROLES,
    SECRET_TITLE,
    MembershipFactory,
    RoleWorld,
)

VIEWERS = set(ROLES)
FACILITATORS = {"lead_facilitator", "facilitator"}
CHANGE = {"staff"} | FACILITATORS
LEAD = {"staff", "lead_facilitator"}
# the roster page and its export (a participant sees their own nomination there)
ROSTER = {"staff", "moderator", "rapporteur", "rco_admin", "participant"} | FACILITATORS
EDITORS = {"staff", "rco_admin"} | FACILITATORS  # survey and country profile
# the team page: not the participants; the survey and country profile: those who prepare
TEAM_PAGE = VIEWERS - {"participant"}
PLANNERS = EDITORS | {"tech_support", "liaison"}
RCO = {"rco_admin"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once per module inside a transaction rolled back at the end; each test runs in
    its own savepoint on top of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield RoleWorld()
        transaction.set_rollback(True)


def _csv_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("nominees.csv", csv_nominations.template_csv().encode(),
                              content_type="text/csv")


# (label, method, url name, extra url kwargs from the world, POST data, roles allowed)
ENDPOINTS = [
    ("detail", "get", "detail", None, None, VIEWERS),
    ("edit", "get", "edit", None, None, CHANGE),
    ("status", "post", "status", None, {"status": "nominations_open"}, CHANGE),
    ("cancel-page", "get", "cancel", None, None, LEAD),
    ("cancel", "post", "cancel", None, {"reason": "No venue."}, LEAD),
    ("audit", "get", "audit", None, None, CHANGE),
    ("team", "get", "team", None, None, TEAM_PAGE),
    ("team-invite", "post", "team", None, {"email": "new@example.org", "role": "tech_support"},
     LEAD),
    ("resend", "post", "resend", lambda w: {"invitation_pk": w.invitation.pk}, {}, LEAD),
    ("revoke", "post", "revoke", lambda w: {"invitation_pk": w.invitation.pk}, {}, LEAD),
    ("remove_member", "post", "remove_member", lambda w: {"membership_pk": w.removable.pk}, {},
     LEAD),
    ("nominations", "get", "nominations", None, None, ROSTER),
    ("nominate", "post", "nominate", None,
     {"full_name": "Nia New", "email": "nia@example.org", "un_entity": "UNHCR",
      "gender": "female"}, RCO),
    ("upload_csv", "post", "upload_csv", None, "csv", RCO),
    ("csv_template", "get", "csv_template", None, None, RCO),
    ("decide", "post", "decide", None, lambda w: {"action": "approve",
                                                 "nominations": [w.nomination.pk]}, CHANGE),
    ("export", "get", "export", None, None, ROSTER),
    ("withdraw-page", "get", "withdraw", lambda w: {"nomination_pk": w.nomination.pk}, None,
     RCO),
    ("withdraw", "post", "withdraw", lambda w: {"nomination_pk": w.nomination.pk},
     {"reason": "Travel."}, RCO),
    ("survey", "get", "survey", None, None, PLANNERS),
    ("survey-save", "post", "survey", None,
     {"connectivity": "good", "cf_status": "design", "un_network": "active"}, EDITORS),
    ("country_profile", "get", "country_profile", None, None, PLANNERS),
    ("country_profile-save", "post", "country_profile", None,
     {"migration_dynamics": "<p>Mixed flows.</p>", "trends": "", "priorities": "",
      "un_engagement": ""}, EDITORS),
]


def expected_status(role, method, allowed):
    if role not in VIEWERS:
        return 404
    if role not in allowed:
        return 403
    return 200 if method == "get" else 302


def _params():
    return [pytest.param(role, method, name, kwargs, data, allowed, id=f"{label}-{role}")
            for label, method, name, kwargs, data, allowed in ENDPOINTS for role in ALL_ROLES]


def _request(client, world, method, name, kwargs, data):
    url = reverse(f"trainings:{name}", kwargs={"pk": world.training.pk,
                                               **(kwargs(world) if kwargs else {})})
    if method == "get":
        return client.get(url)
    if data == "csv":
        data = {"file": _csv_upload()}
    elif callable(data):
        data = data(world)
    return client.post(url, data, follow=False)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "method", "name", "kwargs", "data", "allowed"), _params())
def test_page_access(client, world, role, method, name, kwargs, data, allowed):
    client.force_login(world.users[role])
    response = _request(client, world, method, name, kwargs, data)
    assert response.status_code == expected_status(role, method, allowed)
    if response.status_code == 404:
        assert SECRET_TITLE.encode() not in response.content


@pytest.mark.django_db
def test_404_is_the_same_as_for_a_missing_id(client, world):
    client.force_login(world.users["other_facilitator"])
    existing = client.get(reverse("trainings:detail", args=[world.training.pk]))
    missing = client.get(reverse("trainings:detail", args=[world.training.pk + 10_000]))
    assert existing.status_code == missing.status_code == 404
    assert page_without_tokens(existing) == page_without_tokens(missing)


@pytest.mark.django_db
def test_allowed_actions_take_effect(client, world):
    """A spot check that the 302s above are real successes, not silent failures."""
    client.force_login(world.users["rco_admin"])
    client.post(reverse("trainings:nominate", args=[world.training.pk]),
                {"full_name": "Nia New", "email": "nia@example.org", "un_entity": "UNHCR",
                 "gender": "female"})
    assert Nomination.objects.filter(training=world.training, email="nia@example.org").exists()
    client.force_login(world.users["lead_facilitator"])
    client.post(reverse("trainings:remove_member", args=[world.training.pk, world.removable.pk]))
    assert not Membership.objects.filter(pk=world.removable.pk).exists()
    client.post(reverse("trainings:cancel", args=[world.training.pk]), {"reason": "No venue."})
    assert Training.objects.get(pk=world.training.pk).status == Training.Status.CANCELLED


@pytest.mark.django_db
def test_objects_of_another_training_are_404_under_this_training(client, world):
    """A lead of T cannot reach a membership, invitation or nomination of U through T's url."""
    from trainings.services import team

    other_member = MembershipFactory(training=world.other_training, role="liaison")
    other_invitation, _ = team.invite(actor=None, training=world.other_training,
                                      email="x@example.org", kind="team", role="facilitator")
    t = world.training.pk
    client.force_login(world.users["lead_facilitator"])
    for url in [reverse("trainings:remove_member", args=[t, other_member.pk]),
                reverse("trainings:resend", args=[t, other_invitation.pk]),
                reverse("trainings:revoke", args=[t, other_invitation.pk])]:
        assert client.post(url).status_code == 404, url
    assert Membership.objects.filter(pk=other_member.pk).exists()
    client.force_login(world.users["rco_admin"])
    url = reverse("trainings:withdraw", args=[t, world.other_nomination.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert Nomination.objects.get(pk=world.other_nomination.pk).status == "nominated"


@pytest.mark.django_db
def test_participant_withdraws_own_nomination_not_others(client, world):
    client.force_login(world.users["participant"])
    t = world.training.pk
    assert client.get(reverse("trainings:withdraw", args=[t, world.own_nomination.pk])
                      ).status_code == 200
    assert client.get(reverse("trainings:withdraw", args=[t, world.nomination.pk])
                      ).status_code == 403
    response = client.post(reverse("trainings:withdraw", args=[t, world.own_nomination.pk]),
                           {"reason": "Cannot travel."})
    assert response.status_code == 302
    assert Nomination.objects.get(pk=world.own_nomination.pk).status == "withdrawn"


@pytest.mark.django_db
def test_cancelled_training_blocks_actions(client, world):
    Training.objects.filter(pk=world.training.pk).update(status="cancelled",
                                                         cancel_reason="No venue.")
    t = world.training.pk
    client.force_login(world.users["lead_facilitator"])
    assert client.get(reverse("trainings:detail", args=[t])).status_code == 200
    assert client.post(reverse("trainings:team", args=[t]),
                       {"email": "new@example.org", "role": "tech_support"}).status_code == 403
    assert client.post(reverse("trainings:decide", args=[t]),
                       {"action": "approve", "nominations": [world.nomination.pk]}
                       ).status_code == 403
    client.force_login(world.users["rco_admin"])
    assert client.get(reverse("trainings:csv_template", args=[t])).status_code == 403
    assert client.post(reverse("trainings:withdraw", args=[t, world.nomination.pk]),
                       {"reason": "x"}).status_code == 403


IN_ROOM_TEAM = ["moderator", "rapporteur"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", IN_ROOM_TEAM)
def test_in_room_team_roster_page_shows_names_of_seats_only(client, world, role):
    client.force_login(world.users[role])
    content = client.get(reverse("trainings:nominations", args=[world.training.pk])).content.decode()
    assert "Abe Approved" in content
    assert "Pat Participant" in content
    assert "Nora Nominee" not in content  # not (yet) a participant
    assert "abe@example.org" not in content
    assert world.users["participant"].email not in content


def _export_rows(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("trainings:export", args=[world.training.pk]))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
@pytest.mark.parametrize("role", IN_ROOM_TEAM)
def test_in_room_team_export_has_no_personal_data(client, world, role):
    rows = _export_rows(client, world, role)
    assert rows[0] == ["name", "un_entity", "status"]
    assert all(len(row) == 3 for row in rows)
    assert "@" not in "".join(",".join(row) for row in rows)


@pytest.mark.django_db
@pytest.mark.parametrize("role", IN_ROOM_TEAM)
def test_in_room_team_export_lists_seats_only(client, world, role):
    """Names-only viewers get the people in the room, as on the page and in the API (not the
    nominated, waitlisted, declined or withdrawn)."""
    rows = _export_rows(client, world, role)
    assert {row[0] for row in rows[1:]} == {"Abe Approved", "Pat Participant"}


@pytest.mark.django_db
def test_full_export_for_facilitator(client, world):
    rows = _export_rows(client, world, "facilitator")
    assert rows[0][:4] == ["name", "un_entity", "status", "email"]
    assert {row[3] for row in rows[1:]} == {"abe@example.org", "nora@example.org",
                                            world.users["participant"].email}


@pytest.mark.django_db
def test_country_profile_post_by_viewer_changes_nothing(client, world):
    """Whatever the status code, a viewer without the perm cannot change the profile."""
    from trainings.models import CountryProfile

    client.force_login(world.users["tech_support"])
    client.post(reverse("trainings:country_profile", args=[world.training.pk]),
                {"migration_dynamics": "<p>Hacked</p>", "trends": "", "priorities": "",
                 "un_engagement": ""})
    assert not CountryProfile.objects.filter(migration_dynamics__contains="Hacked").exists()


# --- anonymous -------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_pages_redirect_to_login(client, world):
    for label, method, name, kwargs, _data, _allowed in ENDPOINTS:
        url = reverse(f"trainings:{name}", kwargs={"pk": world.training.pk,
                                                   **(kwargs(world) if kwargs else {})})
        response = getattr(client, method)(url)
        assert response.status_code == 302, label
        assert response["Location"].startswith("/accounts/login/"), label


@pytest.mark.django_db
def test_anonymous_api_401(client, world):
    assert client.get("/api/v1/trainings").status_code == 401
    assert client.get(f"/api/v1/trainings/{world.training.pk}").status_code == 401


# --- API -----------------------------------------------------------------------------------

VISIBILITY = {"staff": "full", "lead_facilitator": "full", "facilitator": "full",
              "rco_admin": "full", "moderator": "names", "rapporteur": "names",
              "participant": "self", "tech_support": "none", "liaison": "none"}
OTHER_TRAINING_VIEWERS = {"staff", "other_facilitator", "other_rco_admin"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_api_list_shows_only_visible_trainings(client, world, role):
    client.force_login(world.users[role])
    response = client.get("/api/v1/trainings")
    assert response.status_code == 200
    ids = {t["id"] for t in response.json()}
    assert (world.training.pk in ids) == (role in VIEWERS)
    assert (world.other_training.pk in ids) == (role in OTHER_TRAINING_VIEWERS)
    assert ids <= {world.training.pk, world.other_training.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("role", OUTSIDERS)
def test_api_detail_404_for_outsiders(client, world, role):
    client.force_login(world.users[role])
    response = client.get(f"/api/v1/trainings/{world.training.pk}")
    assert response.status_code == 404
    assert SECRET_TITLE.encode() not in response.content
    missing = client.get(f"/api/v1/trainings/{world.training.pk + 10_000}")
    assert missing.status_code == 404


NAME_FIELDS = {"name", "un_entity", "status"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_roster_visibility(client, world, role):
    client.force_login(world.users[role])
    response = client.get(f"/api/v1/trainings/{world.training.pk}")
    assert response.status_code == 200
    data = response.json()
    roster = data["roster"]
    assert roster["visibility"] == VISIBILITY[role]
    people = roster["people"]
    names = {p["name"] for p in people}
    if VISIBILITY[role] == "full":
        assert names == {"Pat Participant", "Nora Nominee", "Abe Approved"}
        assert all(p["email"] for p in people)
        assert all(m["email"] for m in data["team"])
    elif VISIBILITY[role] == "names":
        assert names == {"Pat Participant", "Abe Approved"}  # the seats only
        for person in people:
            assert {k for k, v in person.items() if v is not None} == NAME_FIELDS
        assert all(m["email"] is None for m in data["team"])
    elif VISIBILITY[role] == "self":
        assert [p["email"] for p in people] == [world.users["participant"].email]
        assert names == {"Pat Participant"}
        assert all(m["email"] is None for m in data["team"])
    else:
        assert people == []
        assert all(m["email"] is None for m in data["team"])
