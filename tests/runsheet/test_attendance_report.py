"""The attendance report (runsheet/report.py, docs/attendance.md): person x session with the
marks run mode recorded, each person's percentage as the certificate counts it, totals per
session, filters, CSV and XLSX exports with the same cells, and the role matrix."""

import csv
import datetime
import io
import re
import zoneinfo

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.lifecycle_effects import eligible_count
from documents.services import eligible
from runsheet.models import Attendance
from runsheet.report import FULL, attendance_report
from scheduling.models import Slot
from tests.builders import training_with_agenda
from tests.factories import UserFactory
from tests.html import text_of
from tests.querycount import writes_of_get
from trainings.models import CountryAdmin, Membership, Nomination, Role

pytestmark = pytest.mark.django_db

# How many of the 10 sessions where attendance is taken each person attended (present or
# late), and how the rest were marked. 8 of 10 is exactly the 80% threshold: eligible.
PATTERNS = {
    "Amina Njoroge": ["present"] * 10,                                   # 100%
    "Boris Petrov": ["present"] * 8 + ["late"] * 1 + ["absent"],         # 90%
    "Chloé Martin": ["present"] * 6 + ["late"] * 2 + ["excused"] * 2,    # 80%: eligible
    "David Otieno": ["present"] * 7 + ["excused"] * 3,                   # 70%: below
    "Eva Mensah": ["present"] * 7 + [""] * 3,                            # 70%, 3 not marked
    "Fatima Zahra": ["absent"] * 10,                                     # 0%
    "Guo Wei": [""] * 10,                                                # never marked
}
BELOW = {"David Otieno", "Eva Mensah", "Fatima Zahra", "Guo Wei"}


def report_url(training, name="runsheet:attendance", query=""):
    return reverse(name, args=[training.pk]) + query


def sessions_of(training, count=9):
    """The first `count` online and offline elements and the first break: attendance is
    taken at all 10 (a break too: the certificate counts any slot where it was taken)."""
    elements = list(Slot.objects.filter(training=training, kind__in=["online", "offline"])
                    .order_by("start")[:count])
    return [*elements, Slot.objects.filter(training=training, kind="break").order_by("start")
            .first()]


def mark(slot, person, status):
    if status:
        Attendance.objects.create(slot=slot, participant=person, status=status,
                                  recorded_at=timezone.now())


@pytest.fixture
def past():
    """A training that took place last month (certificates may be issued), its people marked
    at 10 sessions following PATTERNS, and a withdrawn person who had been marked."""
    start = timezone.localdate() - datetime.timedelta(days=40)
    training = training_with_agenda(start=start, title="Kenya past")
    sessions = sessions_of(training)
    people = {}
    for i, (name, marks) in enumerate(PATTERNS.items()):
        user = UserFactory(email=f"p{i}@example.org", full_name=name)
        people[name] = Nomination.objects.create(
            training=training, full_name=name, email=user.email, user=user,
            un_entity=["IOM", "UNDP"][i % 2], status=Nomination.Status.CONFIRMED)
        for slot, status in zip(sessions, marks, strict=True):
            mark(slot, people[name], status)
    gone = Nomination.objects.create(training=training, full_name="Withdrawn Person",
                                     email="gone@example.org", un_entity="IOM",
                                     status=Nomination.Status.WITHDRAWN)
    mark(sessions[0], gone, "present")
    lead = UserFactory(full_name="Lena Lead")
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    return training, people, sessions, lead


def refused(training, people):
    """The people `documents.services.eligible` refuses a certificate."""
    out = set()
    for name, person in people.items():
        try:
            eligible(training, person)
        except ValidationError:
            out.add(name)
    return out


# --- the numbers are the certificate's -------------------------------------------------------

def test_below_the_threshold_are_exactly_those_refused_a_certificate(past):
    training, people, _sessions, _lead = past
    report = attendance_report(training, level=FULL)
    marked_below = {line.person.full_name for line in report.lines if line.below}
    assert marked_below == refused(training, people) == BELOW
    assert report.taken == 10
    assert eligible_count(training) == len(PATTERNS) - len(BELOW) == report.people - report.below
    assert {line.person.full_name: line.percent for line in report.lines} == {
        "Amina Njoroge": 100, "Boris Petrov": 90, "Chloé Martin": 80, "David Otieno": 70,
        "Eva Mensah": 70, "Fatima Zahra": 0, "Guo Wei": 0}


def test_the_page_shows_each_persons_percentage_and_who_is_below(client, past):
    training, people, sessions, lead = past
    client.force_login(lead)
    response = client.get(report_url(training))
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Attendance was taken at 10 sessions." in text
    assert "4 of 7 participants are below it." in text
    rows = dict(table_rows(response.content))
    assert text_of(rows["Chloé Martin"]).startswith("80% Present Present")
    assert text_of(rows["David Otieno"]).startswith("70% below 80% Present")
    assert text_of(rows["Guo Wei"]).startswith("0% below 80% – Not marked")
    assert "Withdrawn Person" not in text
    # the first session's column: 5 present (Boris, Chloé, David, Eva, Amina), 1 absent, 1
    # not marked; a session where nobody was marked says so in its heading
    assert text_of(rows["Present"]).split()[:1] == ["5"]
    assert text_of(rows["Absent"]).split()[:1] == ["1"]
    assert text_of(rows["Not marked"]).split()[:1] == ["1"]
    assert "Not taken" in text


def table_rows(html):
    """[(first cell's text, the row's HTML)] of the report's table (body and totals)."""
    html = html.decode()
    out = []
    for row in re.findall(r"(?s)<tr>(.*?)</tr>", html):
        head = re.search(r'(?s)<th scope="row"[^>]*>(.*?)(?:<span|</th>)', row)
        if head:
            out.append((text_of(head[1]), re.sub(r"(?s)^.*?</th>", "", row, count=1)))
    return out


# --- filters ---------------------------------------------------------------------------------

def test_filters_by_element_kind_and_below_the_threshold(client, past):
    training, _people, sessions, lead = past
    client.force_login(lead)
    response = client.get(report_url(training, query="?kind=offline&people=below"))
    names = [name for name, _row in table_rows(response.content)]
    assert names == [*sorted(BELOW), "Present", "Late", "Absent", "Excused", "Not marked"]
    offline = Slot.objects.filter(training=training, kind="offline").count()
    response = client.get(report_url(training, query="?kind=offline"))
    assert column_kinds(response) == ["Offline element"] * offline
    response = client.get(report_url(training, query="?kind=online"))
    online = Slot.objects.filter(training=training, kind="online").count()
    assert column_kinds(response) == ["Online element"] * online
    # all sessions: the elements and the break where attendance was taken, in time order
    kinds = column_kinds(client.get(report_url(training)))
    assert len(kinds) == offline + online + 1 and kinds[4] == "Break"


def column_kinds(response):
    return re.findall(r'(?s)<th scope="col" class="attendance-session">\s*<span[^>]*>([^<]*)',
                      response.content.decode())


def test_a_filter_value_not_offered_is_refused_next_to_its_field(client, past):
    training, _people, _sessions, lead = past
    client.force_login(lead)
    response = client.get(report_url(training, query="?kind=everything&people=all"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_kind-errors">Choose the sessions from the list.' in html
    assert 'id="id_people-errors">Choose the people from the list.' in html
    names = {name for name, _row in table_rows(response.content)}
    assert set(PATTERNS) <= names                # filtered nothing


# --- the role matrix -------------------------------------------------------------------------

def member(training, role):
    user = UserFactory()
    Membership.objects.create(training=training, user=user, role=role)
    return user


@pytest.mark.parametrize("role", [Role.LEAD_FACILITATOR, Role.FACILITATOR, "staff"])
def test_facilitators_and_staff_see_everything(client, past, role):
    training, _people, _sessions, _lead = past
    user = UserFactory(is_staff=True) if role == "staff" else member(training, role)
    client.force_login(user)
    text = text_of(client.get(report_url(training)).content)
    assert all(name in text for name in PATTERNS)
    assert "70% below 80%" in text and "Download CSV" in text


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.RAPPORTEUR])
def test_the_moderator_and_rapporteurs_see_names_and_marks_only(client, past, role):
    training, _people, _sessions, _lead = past
    client.force_login(member(training, role))
    response = client.get(report_url(training))
    text = text_of(response.content)
    assert all(name in text for name in PATTERNS)
    assert "Present" in text and "Excused" in text
    assert "%" not in text and "below" not in text and "People" not in text
    header = next(csv.reader(io.StringIO(
        client.get(report_url(training, "runsheet:attendance_csv")).content.decode())))
    assert "Attendance %" not in header and header[:2] == ["\ufeffName", "UN entity"]


def test_a_participant_sees_only_their_own_line(client, past):
    training, people, _sessions, _lead = past
    client.force_login(people["David Otieno"].user)
    response = client.get(report_url(training))
    text = text_of(response.content)
    assert "David Otieno" in text and "70% below 80%" in text
    assert "You attended 70%, below the 80% a certificate needs." in text
    assert not any(name in text for name in set(PATTERNS) - {"David Otieno"})
    # no totals per session: they would tell about the others
    assert [name for name, _row in table_rows(response.content)] == ["David Otieno"]
    rows = list(csv.reader(io.StringIO(
        client.get(report_url(training, "runsheet:attendance_csv")).content.decode())))
    assert [row[0] for row in rows[1:]] == ["David Otieno"]
    assert client.get(report_url(training, query="?people=below")).status_code == 200


@pytest.mark.parametrize("name", ["runsheet:attendance", "runsheet:attendance_csv",
                                  "runsheet:attendance_xlsx"])
def test_others_get_403_and_another_trainings_people_404(client, past, name):
    training, _people, _sessions, _lead = past
    support = member(training, Role.TECH_SUPPORT)
    rco = UserFactory()
    CountryAdmin.objects.create(user=rco, country=training.country)
    other = training_with_agenda(title="Ghana", country="GH")
    stranger = member(other, Role.LEAD_FACILITATOR)
    for user, status in ((support, 403), (member(training, Role.LIAISON), 403), (rco, 403),
                         (stranger, 404), (UserFactory(), 404)):
        client.force_login(user)
        assert client.get(report_url(training, name)).status_code == status, user
    client.force_login(stranger)
    missing = client.get(reverse(name, args=[training.pk + 1000]))
    assert missing.status_code == 404
    assert client.get(report_url(other, name)).status_code == 200


# --- query counts and no writes -----------------------------------------------------------

def people_and_marks(training, people, sessions):
    for i in range(people):
        person = Nomination.objects.create(training=training, full_name=f"Person {i:02}",
                                           email=f"n{i}@example.org", un_entity="IOM",
                                           status=Nomination.Status.CONFIRMED)
        for slot in sessions:
            mark(slot, person, "present" if i % 3 else "late")


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_query_count_does_not_grow_with_people_or_sessions(client):
    small = training_with_agenda(title="Small")
    Slot.objects.filter(training=small, module__number__gt=1).delete()   # 8 sessions
    large = training_with_agenda(title="Large")                          # 32 sessions
    people_and_marks(small, 2, sessions_of(small, 3))
    people_and_marks(large, 15, sessions_of(large, 20))
    lead = UserFactory(is_staff=True)
    client.force_login(lead)
    for name in ("runsheet:attendance", "runsheet:attendance_csv", "runsheet:attendance_xlsx"):
        client.get(report_url(small, name))    # warm caches (content types, sessions)
        assert count(client, report_url(small, name)) == count(client, report_url(large, name))
    assert writes_of_get(client, report_url(large)) == []


# --- exports -------------------------------------------------------------------------------

def test_csv_and_xlsx_hold_the_same_cells_formula_safe(client, past):
    training, people, sessions, lead = past
    Nomination.objects.filter(pk=people["Guo Wei"].pk).update(
        full_name="=HYPERLINK(\"http://evil.example\")", un_entity="+UNHCR")
    client.force_login(lead)
    response = client.get(report_url(training, "runsheet:attendance_csv", "?people=below"))
    assert response["Content-Disposition"] == \
        f'attachment; filename="attendance-{training.pk}-below.csv"'
    from_csv = list(csv.reader(io.StringIO(response.content.decode().removeprefix("\ufeff"))))
    response = client.get(report_url(training, "runsheet:attendance_xlsx", "?people=below"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    from_xlsx = [["" if v is None else str(v) for v in row]
                 for row in sheet.iter_rows(values_only=True)]
    assert from_csv == from_xlsx
    header = from_csv[0]
    here = sessions[0].start.astimezone(zoneinfo.ZoneInfo("Africa/Nairobi"))
    assert header[2] == f"{sessions[0].title} ({here:%a} {here.day} {here:%b %Y, %H:%M} EAT)"
    assert header[-4:] == ["Attended", "Sessions taken", "Attendance %", "Below threshold"]
    by_name = {row[0]: row for row in from_csv[1:]}
    assert set(by_name) == {"David Otieno", "Eva Mensah", "Fatima Zahra",
                            "'=HYPERLINK(\"http://evil.example\")"}
    assert by_name["David Otieno"][-4:] == ["7", "10", "70", "yes"]
    assert by_name["Eva Mensah"][2:5] == ["Present", "Present", "Present"]
    assert by_name["'=HYPERLINK(\"http://evil.example\")"][1] == "'+UNHCR"
    evil = [row for row in sheet.iter_rows(min_row=2) if row[0].value.startswith("'=")][0]
    assert evil[0].data_type == evil[1].data_type == "s"     # text, never a formula
    assert evil[-2].data_type == "n"                          # the percentage is a number
