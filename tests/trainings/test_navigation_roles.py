"""A training's tabs, as each role sees them on the overview: grouped (Plan, In the room,
After), only the pages the role may use (DESIGN.md section 4), and every tab shown opens
(200) for that role: no tab leads to a 403 or a 404."""

import datetime
from html.parser import HTMLParser

import pytest
from django.db import connection, transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from tests.builders import training_with_agenda
from tests.factories import UserFactory
from tests.html import links
from trainings.models import CountryAdmin, Membership, Nomination, Role

from .factories import TrainingFactory

PLAN_ALL = ["Overview", "Team", "Nominations", "Scoping survey", "Country profile", "Agenda",
            "Checklist", "Announcements", "Outbox"]
ROOM_ALL = ["Run mode", "Notes", "Questions", "Outputs", "Recap board"]
AFTER_ALL = ["Attendance", "Outcome", "Evaluation", "Documents", "Certificates", "Audit log"]
SUPPORT = [("Plan", ["Overview", "Team", "Scoping survey", "Country profile", "Agenda",
                     "Checklist", "Announcements"]),
           ("After", ["Documents"])]
# What each role finds in the training's tabs, group by group (empty groups are not shown).
EXPECTED = {
    "staff": [("Plan", PLAN_ALL), ("In the room", ["Notes", "Outputs", "Recap board"]),
              ("After", AFTER_ALL)],
    "lead_facilitator": [("Plan", PLAN_ALL), ("In the room", ROOM_ALL), ("After", AFTER_ALL)],
    "facilitator": [("Plan", PLAN_ALL), ("In the room", ROOM_ALL), ("After", AFTER_ALL)],
    "tech_support": SUPPORT,
    "liaison": SUPPORT,
    "moderator": [("Plan", ["Overview", "Team", "Nominations", "Agenda", "Checklist",
                            "Announcements"]),
                  ("In the room", ROOM_ALL), ("After", ["Attendance", "Outcome", "Documents"])],
    "rapporteur": [("Plan", ["Overview", "Team", "Nominations", "Agenda", "Checklist",
                             "Announcements"]),
                   ("In the room", ["Notes", "Questions", "Outputs", "Recap board"]),
                   ("After", ["Attendance", "Outcome", "Documents"])],
    "rco_admin": [("Plan", ["Overview", "Team", "Nominations", "Scoping survey",
                            "Country profile", "Agenda", "Checklist", "Announcements"]),
                  ("In the room", ["Notes"]), ("After", ["Outcome", "Evaluation", "Documents"])],
    "participant": [("Plan", ["Overview", "Nominations", "Agenda", "Announcements"]),
                    ("In the room", ["Notes"]),
                    ("After", ["Attendance", "Outcome", "Evaluation", "Documents"])],
}
OUTSIDERS = ["other_facilitator", "other_rco_admin", "no_role"]


class _Tabs(HTMLParser):
    """The groups of the "Training sections" navigation: [(group name, [(label, href)])]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.groups, self._in_nav, self._button, self._href = [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("aria-label") == "Training sections":
            self._in_nav = True
        elif self._in_nav and tag == "button":
            self._button = []
        elif self._in_nav and tag == "a":
            self._href, self._text = attrs["href"], []

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        elif tag == "button" and self._button is not None:
            self.groups.append(("".join(self._button).strip(), []))
            self._button = None
        elif tag == "a" and self._href is not None:
            self.groups[-1][1].append(("".join(self._text).strip(), self._href))
            self._href = None

    def handle_data(self, data):
        if self._button is not None:
            self._button.append(data)
        elif self._href is not None:
            self._text.append(data)


def tabs_of(html):
    reader = _Tabs()
    reader.feed(html.decode())
    return reader.groups


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """A laid-out Nairobi training with one user in every role, a Ugandan training with its
    own facilitator and RCO admin, and a user with no role; rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        training = training_with_agenda(title="Nairobi navigation training")
        users = {"staff": UserFactory(is_staff=True)}
        for role in Role.values:
            users[role] = UserFactory()
            Membership.objects.create(training=training, user=users[role], role=role)
        users["rco_admin"] = CountryAdmin.objects.create(user=UserFactory(), country="KE").user
        users["participant"] = UserFactory()
        Nomination.objects.create(training=training, user=users["participant"],
                                  full_name="Pat Participant", email=users["participant"].email,
                                  status=Nomination.Status.CONFIRMED)
        other = TrainingFactory(title="Kampala training", country="UG", city="Kampala",
                                time_zone="Africa/Kampala")
        users["other_facilitator"] = UserFactory()
        Membership.objects.create(training=other, user=users["other_facilitator"],
                                  role=Role.FACILITATOR)
        users["other_rco_admin"] = CountryAdmin.objects.create(user=UserFactory(),
                                                               country="UG").user
        users["no_role"] = UserFactory()
        yield training, users
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_its_groups_and_tabs_and_every_tab_opens(client, world, role):
    training, users = world
    client.force_login(users[role])
    overview = client.get(reverse("trainings:detail", args=[training.pk]))
    assert overview.status_code == 200
    groups = tabs_of(overview.content)
    shown = [(name.split(":")[0], [label for label, _ in tabs]) for name, tabs in groups]
    assert shown == EXPECTED[role]
    # The group of the page one is on names that page; the tab is marked as the current one.
    assert groups[0][0] == "Plan: Overview"
    for name, tabs in groups:
        for label, href in tabs:
            response = client.get(href)
            assert response.status_code == 200, f"{role}: {name} > {label} answers " \
                                                 f"{response.status_code}"
            if label == "Run mode":     # the tablet's full-screen page has no tabs
                continue
            here = tabs_of(response.content)
            assert f": {label}" in " ".join(group for group, _ in here), \
                f"{role}: the tabs on {label} do not say that it is the current page"


@pytest.mark.django_db
@pytest.mark.parametrize("role", OUTSIDERS)
def test_a_user_of_another_training_gets_no_tabs_but_a_404(client, world, role):
    training, users = world
    client.force_login(users[role])
    response = client.get(reverse("trainings:detail", args=[training.pk]))
    assert response.status_code == 404
    assert tabs_of(response.content) == []
    assert training.title not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "lead_facilitator", "facilitator"])
def test_the_outbox_is_linked_from_the_navbar_for_those_who_may_see_it(client, world, role):
    training, users = world
    client.force_login(users[role])
    page = client.get(reverse("trainings:detail", args=[training.pk]))
    outbox_all = reverse("trainings:outbox_all")
    assert ("Outbox", outbox_all) in links(page.content)
    assert client.get(outbox_all).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["moderator", "rapporteur", "tech_support", "rco_admin",
                                  "participant"])
def test_no_outbox_link_for_those_who_may_not_see_it(client, world, role):
    training, users = world
    client.force_login(users[role])
    page = client.get(reverse("trainings:detail", args=[training.pk]))
    hrefs = [href for _, href in links(page.content)]
    assert reverse("trainings:outbox_all") not in hrefs
    assert reverse("trainings:outbox", args=[training.pk]) not in hrefs
    assert client.get(reverse("trainings:outbox_all")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), [("team", "participant"),
                                            ("survey", "participant"),
                                            ("survey", "moderator"),
                                            ("country_profile", "rapporteur"),
                                            ("country_profile", "participant")])
def test_a_page_left_out_of_the_tabs_is_refused_by_its_view_too(client, world, name, role):
    """The tab's perm is the view's: a page not offered in the tabs answers 403."""
    training, users = world
    client.force_login(users[role])
    assert client.get(reverse(f"trainings:{name}", args=[training.pk])).status_code == 403


def _render_tabs(training, user):
    request = RequestFactory().get(reverse("trainings:detail", args=[training.pk]))
    request.user = user
    request.resolver_match = resolve(request.path)
    template = Template("{% load training_nav %}{% training_tabs training %}")
    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"request": request, "training": training}))
    return html, len(queries)


@pytest.mark.django_db
def test_rendering_the_tabs_costs_the_same_queries_for_few_or_many_trainings_and_tabs(world):
    """A facilitator of 1 or of 6 trainings (14 tabs) and a participant (7 tabs): the same
    few queries (the user's roles on the training, asked once for every tab)."""
    training, users = world
    facilitator = UserFactory()
    Membership.objects.create(training=training, user=facilitator, role=Role.FACILITATOR)
    html, one = _render_tabs(training, type(facilitator).objects.get(pk=facilitator.pk))
    assert "Audit log" in html
    for n in range(5):
        Membership.objects.create(user=facilitator, role=Role.FACILITATOR,
                                  training=TrainingFactory(
                                      start_date=datetime.date(2027, 5, 1 + n),
                                      end_date=datetime.date(2027, 5, 4 + n)))
    _, many = _render_tabs(training, type(facilitator).objects.get(pk=facilitator.pk))
    participant = users["participant"]
    html, few_tabs = _render_tabs(training, type(participant).objects.get(pk=participant.pk))
    assert "Audit log" not in html and "Evaluation" in html
    assert one == many == few_tabs
    assert one <= 4
