"""Excel (.xlsx) for the nominations: the import reads an .xlsx as it reads a CSV (same
validation, same messages, same row numbers, all or nothing), the template and the roster
export come as .xlsx too, with the same cells as the CSV, formula-safe.

The workbooks are built with openpyxl, as Excel would save them."""

import csv
import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tests.factories import UserFactory
from tests.querycount import count_queries
from tests.trainings.test_csv_nominations import (
    csv_text,
    expected,
    good_rows,
    make_training,
    twenty_rows_with_two_bad,
)
from tests.trainings.test_views_nominations import (
    csv_error_table,
    field_errors,
    make_nominations,
    url,
)
from trainings import csv_nominations, spreadsheets
from trainings.csv_nominations import COLUMNS, CsvError
from trainings.models import AuditEntry, CountryAdmin, Membership, Nomination
from trainings.services.nominations import CsvRowErrors, import_csv

pytestmark = pytest.mark.django_db
XLSX = spreadsheets.XLSX_TYPE


def workbook_bytes(rows, *, header=COLUMNS, before=()):
    """An .xlsx whose first sheet holds the header and the rows (`before`: sheets in front
    are not read; here only used to prove the first sheet is the one read)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Nominees"
    if header is not None:
        sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    for title in before:
        book.create_sheet(title)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_upload(content, name="nominees.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


def csv_upload(text):
    return SimpleUploadedFile("nominees.csv", text.encode(), content_type="text/csv")


def read_xlsx_nominees(content, name="nominees.xlsx", existing=()):
    return csv_nominations.read(xlsx_upload(content, name), existing_emails=set(existing))


def file_error(content, name="nominees.xlsx"):
    with pytest.raises(CsvError) as info:
        read_xlsx_nominees(content, name)
    return str(info.value)


@pytest.fixture
def training():
    return make_training()


@pytest.fixture
def actor():
    return UserFactory()


@pytest.fixture
def rco(training):
    user = UserFactory()
    CountryAdmin.objects.create(user=user, country="KE")
    return user


# --- the import -------------------------------------------------------------------------------


def test_twenty_good_rows_import_from_xlsx(training, actor):
    created = import_csv(actor=actor, training=training,
                         uploaded=xlsx_upload(workbook_bytes(good_rows(20))))
    assert len(created) == 20
    saved = {n.email: n for n in Nomination.objects.filter(training=training)}
    for i in range(1, 21):
        want = expected(i)
        nomination = saved[want["email"]]
        assert {field: getattr(nomination, field) for field in want} == want


def test_the_same_two_bad_rows_give_the_same_messages_as_the_csv():
    xlsx_rows, xlsx_errors = read_xlsx_nominees(workbook_bytes(twenty_rows_with_two_bad()))
    csv_rows, csv_errors = csv_nominations.read(csv_upload(csv_text(twenty_rows_with_two_bad())),
                                                existing_emails=set())
    assert [(row, column) for row, column, _ in xlsx_errors] == [(5, "email"), (12, "gender")]
    assert xlsx_errors == csv_errors
    assert xlsx_rows == csv_rows and len(xlsx_rows) == 18


def test_two_bad_rows_in_an_xlsx_import_nothing(training, actor):
    with pytest.raises(CsvRowErrors) as info:
        import_csv(actor=actor, training=training,
                   uploaded=xlsx_upload(workbook_bytes(twenty_rows_with_two_bad())))
    assert [(row, column) for row, column, _ in info.value.rows] == [(5, "email"), (12, "gender")]
    assert "nothing was imported" in info.value.message
    assert Nomination.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_row_numbers_are_the_sheets_across_blank_rows():
    rows = good_rows(4)
    rows[3][4] = "xyz"
    # a blank row between nominees 2 and 3: nominee 4 sits on the sheet's row 6
    _, errors = read_xlsx_nominees(workbook_bytes([rows[0], rows[1], [], rows[2], rows[3]]))
    assert [(row, column) for row, column, _ in errors] == [(6, "gender")]


def test_cells_typed_as_numbers_and_dates_read_as_people_see_them():
    row = ["Amina Njoroge", "amina@un.org", "IOM", 2024, "female", "mid", "some",
           datetime.datetime(2027, 3, 1)]
    rows, errors = read_xlsx_nominees(workbook_bytes([row]))
    assert errors == []
    assert rows[0]["job_title"] == "2024" and rows[0]["note"] == "2027-03-01"


def test_only_the_first_sheet_is_read():
    rows, errors = read_xlsx_nominees(workbook_bytes(good_rows(3), before=["Notes"]))
    assert errors == [] and len(rows) == 3


def test_the_header_must_be_the_templates_in_an_xlsx_too():
    message = file_error(workbook_bytes([["A", "a@un.org"]], header=["name", "email"]))
    assert "Missing column(s): un_entity" in message


# --- files that are not (good) workbooks ----------------------------------------------------


def oversized_zip():
    """A small upload that unpacks to more than the limit (a zip bomb, in small)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (spreadsheets.MAX_UNPACKED_BYTES + 1))
    return out.getvalue()


def empty_workbook():
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def zip_without_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


@pytest.mark.parametrize("content,message", [
    ((",".join(COLUMNS) + "\r\nA,a@un.org,IOM,,,,,\r\n").encode(), "not an Excel workbook (.xlsx)"),
    (b"PK\x03\x04\x14\x00\x06\x00", "not an Excel workbook (.xlsx)"),
    (b"", "The file is empty."),
    (empty_workbook(), "The file is empty."),
    (workbook_bytes([], header=COLUMNS), "header but no nominee rows"),
    (zip_without_a_workbook(), "not an Excel workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "Excel 97-2003 (.xls)"),
    (oversized_zip(), "the limit is 50 MB"),
    (b"PK\x03\x04" + b"\x00" * csv_nominations.MAX_BYTES, "the limit is 5 MB"),
], ids=["csv-text", "truncated-zip", "zero-bytes", "no-cells", "header-only", "zip-not-xlsx",
        "old-xls", "unpacks-too-large", "upload-too-large"])
def test_a_file_that_cannot_be_read_gets_a_clear_message(content, message):
    assert message in file_error(content)


def test_more_rows_than_the_limit_are_refused():
    rows = [[f"P{i}", f"p{i}@un.org", "IOM"] for i in range(csv_nominations.MAX_ROWS + 1)]
    assert "More than 10000 rows; split the file." in file_error(workbook_bytes(rows))


def test_more_columns_than_a_sheet_should_have_are_refused():
    row = ["A", "a@un.org", "IOM", *["x"] * spreadsheets.MAX_COLUMNS]
    assert "more than 50 columns" in file_error(workbook_bytes([row]))


def test_another_extension_is_refused_naming_both_formats():
    assert "Upload a .csv file or an Excel .xlsx file" in file_error(
        workbook_bytes(good_rows(1)), name="nominees.ods")


# --- through the page ------------------------------------------------------------------------


def test_rco_admin_uploads_an_xlsx_with_two_bad_rows_then_a_good_one(client, training, rco):
    client.force_login(rco)
    response = client.post(url("upload_csv", training),
                           {"file": xlsx_upload(workbook_bytes(twenty_rows_with_two_bad()))})
    assert response.status_code == 400
    table = csv_error_table(response)
    assert [(row, column) for row, column, _ in table] == [("5", "email"), ("12", "gender")]
    assert table[0][2] == "is required" and "xyz" in table[1][2]
    assert Nomination.objects.count() == 0

    response = client.post(url("upload_csv", training),
                           {"file": xlsx_upload(workbook_bytes(good_rows(20)))})
    assert response.status_code == 302
    assert "20 nominees imported." in client.get(response["Location"]).content.decode()
    assert Nomination.objects.filter(training=training).count() == 20


@pytest.mark.parametrize("content,message", [
    (b"name,email,un_entity\r\n", "not an Excel workbook (.xlsx)"),
    (oversized_zip(), "the limit is 50 MB"),
], ids=["not-a-workbook", "unpacks-too-large"])
def test_a_bad_workbook_on_the_page_shows_the_message_at_the_field(client, training, rco, content,
                                                                    message):
    client.force_login(rco)
    response = client.post(url("upload_csv", training), {"file": xlsx_upload(content)})
    assert response.status_code == 400
    assert message in field_errors(response, "file")
    assert Nomination.objects.count() == 0


def test_the_upload_form_says_it_takes_xlsx_and_offers_both_templates(client, training, rco):
    client.force_login(rco)
    page = client.get(url("nominations", training)).content.decode()
    assert "An Excel workbook (.xlsx, the first sheet) or a CSV file" in page
    assert 'accept=".xlsx,.csv"' in page
    assert f'{url("csv_template", training)}?format=xlsx' in page
    assert f'href="{url("csv_template", training)}"' in page


def test_the_xlsx_template_has_the_columns_and_imports_two(client, training, rco, actor):
    client.force_login(rco)
    response = client.get(url("csv_template", training) + "?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert 'filename="nominations-template.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == COLUMNS
    created = import_csv(actor=actor, training=training,
                         uploaded=xlsx_upload(response.content, "nominations-template.xlsx"))
    assert [n.email for n in created] == ["amina.njoroge@un.org", "david.otieno@un.org"]


def test_the_xlsx_template_is_refused_to_a_facilitator(client, training):
    lead = UserFactory()
    Membership.objects.create(training=training, user=lead, role="lead_facilitator")
    client.force_login(lead)
    assert client.get(url("csv_template", training) + "?format=xlsx").status_code == 403


# --- the roster export -----------------------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab",
            "\rCR"]


def xlsx_cells(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return sheet, [["" if c.value is None else str(c.value) for c in row]
                   for row in sheet.iter_rows()]


def csv_cells(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_roster_xlsx_has_the_csvs_cells_and_no_formula(client, training, rco):
    make_nominations(training, 6)
    for nomination, text in zip(Nomination.objects.order_by("pk"), FORMULAS, strict=True):
        nomination.full_name = text
        nomination.job_title = text
        nomination.save()
    client.force_login(rco)
    sheet, cells = xlsx_cells(client.get(url("export", training) + "?format=xlsx"))
    csv_response = client.get(url("export", training))
    assert csv_response["Content-Type"].startswith("text/csv")
    # XML keeps a line end as \n: a CR typed in a name reads back from the .xlsx as \n
    assert cells == [[c.replace("\r", "\n") for c in row] for row in csv_cells(csv_response)]
    names = [row[0] for row in cells[1:]]
    assert sorted(names) == sorted("'" + text.replace("\r", "\n") for text in FORMULAS)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert not any(str(cell.value or "").startswith(("=", "+", "-", "@"))
                   for row in sheet.iter_rows() for cell in row)


def test_roster_xlsx_for_the_moderator_has_only_their_columns(client, training):
    make_nominations(training, 4, statuses=(Nomination.Status.APPROVED,))
    moderator = UserFactory()
    Membership.objects.create(training=training, user=moderator, role="moderator")
    client.force_login(moderator)
    _, cells = xlsx_cells(client.get(url("export", training) + "?format=xlsx"))
    assert cells[0] == ["name", "un_entity", "status"]
    assert len(cells) == 5 and not any("@" in c for row in cells for c in row)


def test_roster_xlsx_is_not_found_for_someone_without_a_role(client, training):
    client.force_login(UserFactory())
    assert client.get(url("export", training) + "?format=xlsx").status_code == 404


def test_roster_xlsx_queries_do_not_grow_with_the_rows(client, training, rco):
    make_nominations(training, 5)
    client.force_login(rco)
    few = count_queries(client, url("export", training) + "?format=xlsx")
    make_nominations(training, 60, start=100)
    assert count_queries(client, url("export", training) + "?format=xlsx") == few
