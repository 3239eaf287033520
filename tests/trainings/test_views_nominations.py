"""The nominations page through HTTP: CSV upload, the single form, bulk decisions, the roster's
query count and the CSV export, for an RCO admin, a lead facilitator and a moderator."""

import csv
import datetime
import html
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from curriculum.models import Curriculum
from notifications.models import Message
from tests.factories import UserFactory
from tests.querycount import count_queries
from trainings.csv_nominations import COLUMNS
from trainings.models import CountryAdmin, Invitation, Membership, Nomination, Training

pytestmark = pytest.mark.django_db
S = Nomination.Status


def make_training(*, start_in_days=60, capacity=18):
    curriculum, _ = Curriculum.objects.get_or_create(slug="t", defaults={"title": "T"})
    start = timezone.localdate() + datetime.timedelta(days=start_in_days)
    return Training.objects.create(
        curriculum=curriculum, title=f"Nairobi {start:%B %Y}", country="KE", city="Nairobi",
        time_zone="Africa/Nairobi", start_date=start, end_date=start + datetime.timedelta(days=3),
        capacity=capacity, status=Training.Status.PLANNING)


def make_nominations(training, n, *, start=1, statuses=(S.NOMINATED,), nominated_by=None):
    objs = []
    for i in range(start, start + n):
        status = statuses[i % len(statuses)]
        objs.append(Nomination(
            training=training, full_name=f"Nominee {i:04d}", email=f"nominee{i:04d}@un.org",
            un_entity=["IOM", "UNDP", "UNHCR"][i % 3], job_title="Officer",
            gender=["female", "male", "other", "undisclosed"][i % 4], seniority=["", "mid", "senior"][i % 3],
            status=status, nominated_by=nominated_by,
            waitlist_position=i if status == S.WAITLISTED else None,
            decision_reason="Not the right profile" if status == S.DECLINED else ""))
    Nomination.objects.bulk_create(objs)
    return list(Nomination.objects.filter(training=training, email__in=[o.email for o in objs])
                .order_by("email"))


def csv_upload(rows, name="nominees.csv"):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def csv_row(i):
    return [f"Nominee {i:04d}", f"nominee{i:04d}@un.org", "IOM", "Officer", "Female", "mid-level",
            "yes", ""]


def field_errors(response, field):
    """The text of the error block the form renderer ties to a field (id_<field>-errors)."""
    match = re.search(rf'<div class="invalid-feedback d-block" id="id_{field}-errors">(.*?)</div>',
                      response.content.decode(), re.S)
    return html.unescape(match.group(1)) if match else None


def csv_error_table(response):
    content = response.content.decode()
    table = re.search(r'<table class="[^"]*\bcsv-errors\b[^"]*".*?</table>', content, re.S)
    assert table, "no table.csv-errors on the page"
    body = re.search(r"<tbody>(.*?)</tbody>", table.group(0), re.S).group(1)
    return [tuple(html.unescape(cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S))
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def alerts(response):
    return [html.unescape(a) for a in re.findall(r'<div class="alert alert-danger" role="alert">(.*?)</div>',
                                                 response.content.decode(), re.S)]


@pytest.fixture
def training():
    return make_training()


@pytest.fixture
def rco(training):
    user = UserFactory()
    CountryAdmin.objects.create(user=user, country="KE")
    return user


@pytest.fixture
def lead(training):
    user = UserFactory()
    Membership.objects.create(training=training, user=user, role="lead_facilitator")
    return user


@pytest.fixture
def moderator(training):
    user = UserFactory()
    Membership.objects.create(training=training, user=user, role="moderator")
    return user


def url(name, training):
    return reverse(f"trainings:{name}", args=[training.pk])


# --- CSV upload ------------------------------------------------------------------------------------


def test_rco_admin_upload_with_bad_rows_then_fixed_file(client, training, rco):
    client.force_login(rco)
    rows = [csv_row(i) for i in range(1, 21)]
    rows[5 - 2][1] = ""  # spreadsheet row 5: no email
    rows[12 - 2][4] = "xyz"  # spreadsheet row 12: not a gender

    response = client.post(url("upload_csv", training), {"file": csv_upload(rows)})

    assert response.status_code == 400
    table = csv_error_table(response)
    assert [(row, column) for row, column, _ in table] == [("5", "email"), ("12", "gender")]
    assert table[0][2] == "is required"
    assert "xyz" in table[1][2]
    assert "Nothing was imported" in response.content.decode()
    assert "nothing was imported" in field_errors(response, "file")
    assert Nomination.objects.filter(training=training).count() == 0

    rows[5 - 2][1] = "nominee0004@un.org"
    rows[12 - 2][4] = "Male"
    response = client.post(url("upload_csv", training), {"file": csv_upload(rows)})

    assert response.status_code == 302
    assert response["Location"] == url("nominations", training)
    assert Nomination.objects.filter(training=training, status=S.NOMINATED).count() == 20
    assert set(Nomination.objects.filter(training=training).values_list("nominated_by", flat=True)) == {
        rco.pk}
    page = client.get(response["Location"])
    assert "20 nominees imported." in page.content.decode()
    assert 'class="table table-sm table-danger csv-errors"' not in page.content.decode()


def test_upload_of_a_file_that_is_not_csv_shows_the_message_at_the_field(client, training, rco):
    client.force_login(rco)
    response = client.post(url("upload_csv", training), {
        "file": SimpleUploadedFile("nominees.xlsx", b"PK\x03\x04\x14\x00\x06\x00", "application/zip")})
    assert response.status_code == 400
    assert "not an Excel workbook (.xlsx)" in field_errors(response, "file")
    assert Nomination.objects.count() == 0


def test_upload_without_a_file(client, training, rco):
    client.force_login(rco)
    response = client.post(url("upload_csv", training), {})
    assert response.status_code == 400
    assert field_errors(response, "file")


def test_facilitator_may_not_upload(client, training, lead):
    client.force_login(lead)
    response = client.post(url("upload_csv", training), {"file": csv_upload([csv_row(1)])})
    assert response.status_code == 403
    assert Nomination.objects.count() == 0


def test_template_download(client, training, rco):
    client.force_login(rco)
    response = client.get(url("csv_template", training))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines()[0] == ",".join(COLUMNS)


# --- one nomination at a time ----------------------------------------------------------------------


def nomination_form(email, **extra):
    return {"full_name": "Amina Njoroge", "email": email, "un_entity": "IOM", "job_title": "Officer",
            "gender": "female", "seniority": "mid", "prior_experience": "some", "note": "", **extra}


def test_single_nomination_duplicate_email_is_shown_at_the_email_field(client, training, rco):
    Nomination.objects.create(training=training, full_name="Amina", email="amina@un.org", un_entity="IOM")
    client.force_login(rco)

    response = client.post(url("nominate", training), nomination_form("  Amina@UN.org "))

    assert response.status_code == 400
    message = field_errors(response, "email")
    assert message and "already nominated" in message
    assert Nomination.objects.filter(training=training).count() == 1


def test_single_nomination_saves(client, training, rco):
    client.force_login(rco)
    response = client.post(url("nominate", training), nomination_form("Amina@UN.org"))
    assert response.status_code == 302
    n = Nomination.objects.get(training=training)
    assert (n.email, n.full_name, n.gender, n.seniority, n.prior_experience) == (
        "amina@un.org", "Amina Njoroge", "female", "mid", "some")
    assert n.status == S.NOMINATED and n.nominated_by == rco and n.late is False
    page = client.get(response["Location"])
    assert "Amina Njoroge nominated." in page.content.decode()


def test_single_nomination_after_the_deadline_is_flagged_late(client, rco):
    training = make_training(start_in_days=10)
    client.force_login(rco)
    response = client.post(url("nominate", training), nomination_form("late@un.org"))
    assert response.status_code == 302
    assert Nomination.objects.get(training=training).late is True
    assert "flagged as late" in client.get(response["Location"]).content.decode()


# --- decisions -------------------------------------------------------------------------------------


def test_facilitator_bulk_approves_18_waitlists_2_and_cannot_approve_a_19th(client, training, lead, rco):
    nominations = make_nominations(training, 20, nominated_by=rco)
    client.force_login(lead)
    first, rest = nominations[:18], nominations[18:]

    response = client.post(url("decide", training),
                           {"action": "approve", "nominations": [n.pk for n in first]})
    assert response.status_code == 302
    assert set(Nomination.objects.filter(status=S.APPROVED).values_list("pk", flat=True)) == {
        n.pk for n in first}
    invitations = Invitation.objects.filter(training=training, kind=Invitation.Kind.PARTICIPANT)
    assert invitations.count() == 18
    assert set(Message.objects.values_list("address", flat=True)) == {n.email for n in first}
    assert "18 nominations approved" in client.get(response["Location"]).content.decode()

    response = client.post(url("decide", training),
                           {"action": "waitlist", "nominations": [n.pk for n in rest]})
    assert response.status_code == 302
    waiting = Nomination.objects.filter(status=S.WAITLISTED).order_by("waitlist_position")
    assert [n.pk for n in waiting] == [n.pk for n in rest]
    assert [n.waitlist_position for n in waiting] == [1, 2]
    assert Message.objects.filter(address__in=[n.email for n in rest]).count() == 2

    before = list(Nomination.objects.order_by("pk").values_list("pk", "status", "waitlist_position"))
    emails_before = Message.objects.count()
    response = client.post(url("decide", training),
                           {"action": "approve", "nominations": [rest[0].pk]})
    assert response.status_code == 400
    problems = " ".join(alerts(response))
    assert "seats" in problems and "18" in problems
    assert list(Nomination.objects.order_by("pk").values_list("pk", "status", "waitlist_position")) == before
    assert Message.objects.count() == emails_before
    assert Invitation.objects.filter(nomination=rest[0]).count() == 0


def test_decline_without_a_reason_is_an_error_at_the_reason_field(client, training, lead):
    nomination = make_nominations(training, 1)[0]
    client.force_login(lead)
    response = client.post(url("decide", training),
                           {"action": "decline", "nominations": [nomination.pk], "reason": "  "})
    assert response.status_code == 400
    message = field_errors(response, "reason")
    assert message and "reason" in message.lower()
    nomination.refresh_from_db()
    assert nomination.status == S.NOMINATED
    assert Message.objects.count() == 0


def test_decline_with_a_reason(client, training, lead, rco):
    nomination = make_nominations(training, 1)[0]
    client.force_login(lead)
    response = client.post(url("decide", training), {"action": "decline", "nominations": [nomination.pk],
                                                      "reason": "Not the right profile"})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert (nomination.status, nomination.decision_reason, nomination.decided_by) == (
        S.DECLINED, "Not the right profile", lead)
    assert set(Message.objects.values_list("address", flat=True)) == {nomination.email, rco.email}


def test_decide_without_a_selection(client, training, lead):
    make_nominations(training, 2)
    client.force_login(lead)
    response = client.post(url("decide", training), {"action": "approve"})
    assert response.status_code == 400
    assert alerts(response)
    assert not Nomination.objects.exclude(status=S.NOMINATED).exists()


def test_nominations_of_another_training_cannot_be_decided(client, training, lead):
    other = make_training(start_in_days=90)
    foreign = make_nominations(other, 1)[0]
    client.force_login(lead)
    response = client.post(url("decide", training), {"action": "approve", "nominations": [foreign.pk]})
    assert response.status_code == 400
    foreign.refresh_from_db()
    assert foreign.status == S.NOMINATED


def test_rco_admin_may_not_decide(client, training, rco):
    nomination = make_nominations(training, 1)[0]
    client.force_login(rco)
    response = client.post(url("decide", training), {"action": "approve", "nominations": [nomination.pk]})
    assert response.status_code == 403
    nomination.refresh_from_db()
    assert nomination.status == S.NOMINATED


# --- the roster page -------------------------------------------------------------------------------

MIXED = (S.APPROVED, S.WAITLISTED, S.NOMINATED, S.DECLINED)


def test_roster_query_count_does_not_grow_with_nominations(client, training, lead, rco):
    make_nominations(training, 10, statuses=MIXED, nominated_by=rco)
    client.force_login(lead)
    page = url("nominations", training)
    client.get(page)  # warm up the session and the caches
    with_10 = count_queries(client, page)
    make_nominations(training, 190, start=11, statuses=MIXED, nominated_by=rco)
    with_200 = count_queries(client, page)
    assert with_10 == with_200


def test_roster_page_lists_every_nomination_for_the_facilitator(client, training, lead, rco):
    nominations = make_nominations(training, 12, statuses=MIXED, nominated_by=rco)
    client.force_login(lead)
    response = client.get(url("nominations", training))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('class="form-check-input select-box"') == 12
    for n in nominations:
        assert n.email in content
    assert "Not the right profile" in content


def test_roster_page_for_the_moderator_shows_seats_without_personal_data(client, training, moderator):
    nominations = make_nominations(training, 12, statuses=MIXED)
    client.force_login(moderator)
    response = client.get(url("nominations", training))
    assert response.status_code == 200
    content = response.content.decode()
    assert "@un.org" not in content
    assert 'id="decision-form"' not in content
    for n in nominations:
        assert (n.full_name in content) == (n.status == S.APPROVED)


# --- CSV export ------------------------------------------------------------------------------------


def read_export(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_facilitator_export_has_the_email_column(client, training, lead):
    nominations = make_nominations(training, 8, statuses=MIXED)
    client.force_login(lead)
    rows = read_export(client.get(url("export", training)))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["name", "un_entity", "status", "email"]
    assert "decision_reason" in header
    assert sorted(r[header.index("email")] for r in body) == sorted(n.email for n in nominations)


def test_moderator_export_has_only_name_entity_and_status(client, training, moderator):
    make_nominations(training, 8, statuses=MIXED)
    client.force_login(moderator)
    response = client.get(url("export", training))
    rows = read_export(response)
    assert rows[0] == ["name", "un_entity", "status"]
    assert all(len(r) == 3 for r in rows)
    assert "@" not in response.content.decode()


def test_export_is_refused_to_people_without_a_role(client, training):
    client.force_login(UserFactory())
    assert client.get(url("export", training)).status_code == 404


# --- withdrawing -----------------------------------------------------------------------------------


def test_the_withdraw_page_says_whether_a_seat_frees_up(client, training, rco):
    made = {n.status: n for n in make_nominations(training, 3,
                                                  statuses=(S.APPROVED, S.NOMINATED, S.WAITLISTED))}
    approved, nominated, waiting = made[S.APPROVED], made[S.NOMINATED], made[S.WAITLISTED]
    Nomination.objects.filter(pk=waiting.pk).update(
        offer_expires_at=timezone.now() + datetime.timedelta(hours=3))
    client.force_login(rco)
    seat = "The seat goes to the first person on the waiting list"
    for nomination, frees in [(approved, True), (nominated, False), (waiting, True)]:
        html = client.get(reverse("trainings:withdraw", args=[training.pk, nomination.pk])
                          ).content.decode()
        assert (seat in html) is frees, nomination.status


def test_nothing_left_to_withdraw_offers_no_withdraw(client, training, rco):
    made = {n.status: n for n in make_nominations(training, 2, statuses=(S.DECLINED, S.NOMINATED))}
    declined, nominated = made[S.DECLINED], made[S.NOMINATED]
    client.force_login(rco)
    html = client.get(url("nominations", training)).content.decode()
    assert reverse("trainings:withdraw", args=[training.pk, nominated.pk]) in html
    assert reverse("trainings:withdraw", args=[training.pk, declined.pk]) not in html
    response = client.post(reverse("trainings:withdraw", args=[training.pk, declined.pk]),
                           {"reason": "x"})
    assert response.status_code == 403
    declined.refresh_from_db()
    assert declined.status == S.DECLINED


def test_a_participant_who_withdraws_lands_on_the_dashboard(client, training):
    user = UserFactory()
    nomination = Nomination.objects.create(training=training, full_name="Pat", email=user.email,
                                           un_entity="IOM", status=S.CONFIRMED, user=user)
    client.force_login(user)
    response = client.post(reverse("trainings:withdraw", args=[training.pk, nomination.pk]),
                           {"reason": "Cannot travel"})
    assert response.status_code == 302
    assert response["Location"] == reverse("trainings:dashboard")
    assert client.get(response["Location"]).status_code == 200
