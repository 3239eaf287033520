"""Reads of trainings.selectors, each the one place of a rule: `roster_for` (who sees whom on
the roster, and which fields; the page, its CSV export and the API print exactly that),
`visible_trainings` (the `view_training` rule as a query) and `seats` (`holding_seats`)."""

import csv
import datetime
import io
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from trainings import selectors
from trainings.models import Nomination, Training
from trainings.selectors import roster_for, seats, visible_trainings

from .factories import ALL_ROLES, NominationFactory, RoleWorld

S = Nomination.Status
FULL = ["name", "un_entity", "status", "email", "job_title", "gender", "seniority",
        "prior_experience", "late", "waitlist_position", "offer_expires_at", "decision_reason"]
NAMES = ["name", "un_entity", "status"]
# role -> (level, fields); outsiders (another training or country, no role) see nothing.
EXPECTED = {
    "staff": ("full", FULL), "lead_facilitator": ("full", FULL),
    "facilitator": ("full", FULL), "rco_admin": ("full", FULL),
    "moderator": ("names", NAMES), "rapporteur": ("names", NAMES),
    "participant": ("self", FULL),
    "tech_support": ("none", []), "liaison": ("none", []),
    "other_facilitator": ("none", []), "other_rco_admin": ("none", []), "no_role": ("none", []),
}
OUTSIDERS = {"other_facilitator", "other_rco_admin", "no_role"}
# Everyone nominated for T (RoleWorld's three and the three added below).
EVERYONE = {"Pat Participant", "Nora Nominee", "Abe Approved", "Wendy Waiting", "Lars Lapsed",
            "Dora Declined"}
IN_THE_ROOM = {"Pat Participant", "Abe Approved"}  # approved and confirmed


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """RoleWorld's training T, plus a waitlisted person with an open offer, one whose offer
    lapsed (not yet swept) and a declined one. Rolled back at the end of the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = RoleWorld()
        now = timezone.now()
        world.open_offer = NominationFactory(
            training=world.training, full_name="Wendy Waiting", email="wendy@example.org",
            status=S.WAITLISTED, waitlist_position=1, late=True,
            offer_expires_at=now + datetime.timedelta(hours=20))
        world.lapsed_offer = NominationFactory(
            training=world.training, full_name="Lars Lapsed", email="lars@example.org",
            status=S.WAITLISTED, waitlist_position=2,
            offer_expires_at=now - datetime.timedelta(minutes=5))
        world.declined = NominationFactory(
            training=world.training, full_name="Dora Declined", email="dora@example.org",
            status=S.DECLINED, decision_reason="Not in the UNCT")
        yield world
        transaction.set_rollback(True)


def fresh(user):
    """A new user object: the roles are cached on the instance for a request."""
    return get_user_model().objects.get(pk=user.pk)


def expected_names(level):
    return {"full": EVERYONE, "names": IN_THE_ROOM, "self": {"Pat Participant"},
            "none": set()}[level]


# --- roster_for, role by role ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_roster_for_every_role(world, role):
    level, fields = EXPECTED[role]
    roster = roster_for(fresh(world.users[role]), world.training)
    assert roster.level == level
    assert list(roster.fields) == fields
    assert {n.full_name for n in roster.rows} == expected_names(level)
    assert all(n.training_id == world.training.pk for n in roster.rows)


@pytest.mark.django_db
def test_roster_for_the_waiting_list_in_order_is_for_full_viewers_only(world):
    full = roster_for(fresh(world.users["facilitator"]), world.training)
    assert [n.full_name for n in full.waiting] == ["Wendy Waiting", "Lars Lapsed"]
    for role in ["moderator", "participant", "tech_support", "no_role"]:
        assert roster_for(fresh(world.users[role]), world.training).waiting == [], role


@pytest.mark.django_db
def test_roster_for_shows_an_offer_only_while_it_is_open(world):
    roster = roster_for(fresh(world.users["lead_facilitator"]), world.training)
    by_name = {n.full_name: roster.data(n) for n in roster.rows}
    assert by_name["Wendy Waiting"]["offer_expires_at"] == world.open_offer.offer_expires_at
    assert by_name["Lars Lapsed"]["offer_expires_at"] is None


@pytest.mark.django_db
def test_a_role_held_with_another_keeps_the_widest_level(world):
    """A moderator who is also a confirmed participant sees the room, not only themselves."""
    moderator = world.users["moderator"]
    NominationFactory(training=world.training, user=moderator, full_name="T moderator",
                      email=moderator.email, status=S.CONFIRMED)
    roster = roster_for(fresh(moderator), world.training)
    assert roster.level == "names"
    assert {n.full_name for n in roster.rows} == IN_THE_ROOM | {"T moderator"}


@pytest.mark.django_db
def test_roster_for_a_cancelled_training_still_answers_the_same(world):
    Training.objects.filter(pk=world.training.pk).update(status="cancelled", cancel_reason="x")
    training = Training.objects.get(pk=world.training.pk)
    assert roster_for(fresh(world.users["moderator"]), training).level == "names"
    assert roster_for(fresh(world.users["facilitator"]), training).level == "full"


# --- the page, the CSV export and the API print the same -----------------------------------


class _Table(HTMLParser):
    """The text of a table's headings and of its rows' cells, as a person reads them."""

    def __init__(self):
        super().__init__()
        self.headings, self.rows, self._row, self._cell = [], [], [], None

    def handle_starttag(self, tag, attrs):
        if tag in ("th", "td"):
            self._cell = []
        elif tag == "tr":
            self._row = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            (self.headings if tag == "th" else self._row).append(text)
            self._cell = None
        elif tag == "tr" and self._row:
            self.rows.append(self._row)


def page_roster(content):
    """(field headings, {name: [cell texts]}) of the table under "All nominations" /
    "Participants" / "My nomination", without the select box and the actions."""
    section = re.search(r'<section aria-labelledby="roster-heading">(.*?)</section>', content,
                        re.S).group(1)
    table = _Table()
    table.feed(re.search(r"<table.*?</table>", section, re.S).group(0))
    headings, rows = table.headings, [r for r in table.rows if r != ["No nomination yet."]]
    start = 1 if headings[0] == "Select" else 0
    assert headings[-1] == "Actions"
    labels = {label: name for name, label in selectors.ROSTER_FIELDS.items()}
    fields = [labels[h] for h in headings[start:-1]]
    return fields, {row[start]: row[start:-1] for row in rows}


def export_roster(content):
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    columns = {column: name for name, column in selectors.CSV_COLUMNS.items()}
    return [columns[c] for c in rows[0]], {row[0]: row for row in rows[1:]}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_page_csv_and_api_show_the_same_people_and_fields(client, world, role):
    level, fields = EXPECTED[role]
    client.force_login(world.users[role])
    t = world.training.pk
    page = client.get(reverse("trainings:nominations", args=[t]))
    export = client.get(reverse("trainings:export", args=[t]))
    api = client.get(f"/api/v1/trainings/{t}")

    if role in OUTSIDERS:  # not even the training: the same 404 everywhere
        assert (page.status_code, export.status_code, api.status_code) == (404, 404, 404)
        return
    roster = api.json()["roster"]
    assert roster["visibility"] == level
    assert roster["fields"] == fields
    api_people = {p["name"]: p for p in roster["people"]}
    assert set(api_people) == expected_names(level)
    for person in roster["people"]:  # nothing outside the fields, not even as null
        assert {k for k, v in person.items() if v not in (None, "")} <= set(fields)
    if level == "none":  # the roster is not theirs to see: refused, and empty in the API
        assert (page.status_code, export.status_code) == (403, 403)
        assert roster["people"] == []
        return

    page_fields, page_rows = page_roster(page.content.decode())
    csv_fields, csv_rows = export_roster(export.content)
    assert page_fields == csv_fields == fields
    assert set(page_rows) == set(csv_rows) == expected_names(level)
    for name in expected_names(level):
        assert page_rows[name] == csv_rows[name], name  # the same words, cell by cell
        assert api_people[name]["name"] == name
        if "email" in fields:
            assert csv_rows[name][fields.index("email")] == api_people[name]["email"]
    if level == "names":
        assert "@" not in page.content.decode() + export.content.decode()


@pytest.mark.django_db
def test_a_participant_sees_only_their_own_nomination_on_the_page(client, world):
    client.force_login(world.users["participant"])
    content = client.get(reverse("trainings:nominations", args=[world.training.pk])
                         ).content.decode()
    assert "My nomination" in content
    assert world.users["participant"].email in content
    for other in EVERYONE - {"Pat Participant"}:
        assert other not in content
    assert "Balance of the seats" not in content  # aggregates of other people
    assert "Withdraw" in content  # their own seat


# --- visible_trainings: the view_training rule as a query ------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_visible_trainings_is_the_view_training_rule(world, role):
    user = fresh(world.users[role])
    visible = set(visible_trainings(user))
    for training in (world.training, world.other_training):
        assert (training in visible) == user.has_perm("trainings.view_training", training), (
            role, training)


@pytest.mark.django_db
def test_visible_trainings_lists_each_training_once(world):
    """Several roles on one training (two memberships and a seat) give one row."""
    user = fresh(world.users["moderator"])
    NominationFactory(training=world.training, user=user, email=user.email,
                      status=S.CONFIRMED)
    assert list(visible_trainings(user)).count(world.training) == 1


@pytest.mark.django_db
def test_anonymous_sees_no_training(world):
    from django.contrib.auth.models import AnonymousUser

    assert list(visible_trainings(AnonymousUser())) == []


# --- seats -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seats_count_an_open_offer_and_not_a_lapsed_one(world):
    summary = seats(world.training)
    # Abe (approved), Pat (confirmed) and Wendy (open offer); Lars's offer lapsed.
    assert summary["seats_used"] == 3
    assert summary["seated"] == 2
    assert summary["open_offers"] == 1
    assert summary["seats_free"] == world.training.capacity - 3
    assert summary["waiting"] == 2
    assert dict(summary["by_status"])["Waitlisted"] == 2


@pytest.mark.django_db
def test_dashboard_counts_the_same_seats(world):
    staff = fresh(world.users["staff"])
    rows = {row["training"].pk: row["training"] for row in selectors.dashboard(staff)["rows"]}
    assert rows[world.training.pk].n_seats == seats(world.training)["seats_used"] == 3
    assert rows[world.other_training.pk].n_seats == 0
