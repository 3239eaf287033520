"""The CSV import of nominees: parsing (trainings.csv_nominations.read) and the all-or-nothing
service (trainings.services.nominations.import_csv)."""

import csv
import datetime
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from curriculum.models import Curriculum
from tests.factories import UserFactory
from trainings import csv_nominations
from trainings.csv_nominations import COLUMNS, CsvError
from trainings.models import AuditEntry, Nomination, Training
from trainings.services.nominations import CsvRowErrors, import_csv

pytestmark = pytest.mark.django_db

# (label in the file, value stored); the labels are what people type in a spreadsheet.
GENDERS = [("Female", "female"), ("male", "male"), ("F", "female"), ("Prefer not to say", "undisclosed"),
           ("Other", "other"), ("", "undisclosed"), ("WOMAN", "female")]
SENIORITIES = [("mid-level", "mid"), ("Senior", "senior"), ("junior", "junior"), ("", ""), ("Mid", "mid")]
EXPERIENCES = [("yes", "some"), ("no", "none"), ("Extensive", "extensive"), ("", ""), ("Some", "some")]


def make_training(*, start_in_days=60, country="KE"):
    curriculum, _ = Curriculum.objects.get_or_create(slug="t", defaults={"title": "T"})
    start = timezone.localdate() + datetime.timedelta(days=start_in_days)
    return Training.objects.create(
        curriculum=curriculum, title=f"Nairobi {start:%B %Y}", country=country, city="Nairobi",
        time_zone="Africa/Nairobi", start_date=start, end_date=start + datetime.timedelta(days=3),
        capacity=18, status=Training.Status.PLANNING)


def good_row(i):
    return [f"Nominee {i:04d}", f"Nominee.{i:04d}@UN.org", ["IOM", "UNDP", "UNHCR", "ILO"][i % 4],
            f"Officer {i}", GENDERS[i % len(GENDERS)][0], SENIORITIES[i % len(SENIORITIES)][0],
            EXPERIENCES[i % len(EXPERIENCES)][0], f"note {i}" if i % 3 == 0 else ""]


def good_rows(n, start=1):
    return [good_row(i) for i in range(start, start + n)]


def csv_text(rows, *, header=None, delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(COLUMNS if header is None else header)
    writer.writerows(rows)
    return out.getvalue()


def upload(content, name="nominees.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return SimpleUploadedFile(name, content, content_type="text/csv")


def read(content, name="nominees.csv", existing=()):
    return csv_nominations.read(upload(content, name), existing_emails=set(existing))


def expected(i):
    return {
        "full_name": f"Nominee {i:04d}", "email": f"nominee.{i:04d}@un.org",
        "un_entity": ["IOM", "UNDP", "UNHCR", "ILO"][i % 4], "job_title": f"Officer {i}",
        "gender": GENDERS[i % len(GENDERS)][1], "seniority": SENIORITIES[i % len(SENIORITIES)][1],
        "prior_experience": EXPERIENCES[i % len(EXPERIENCES)][1],
        "note": f"note {i}" if i % 3 == 0 else "",
    }


@pytest.fixture
def training():
    return make_training()


@pytest.fixture
def actor():
    return UserFactory()


# --- the template ----------------------------------------------------------------------------------


def test_template_header_is_the_column_list():
    header = next(csv.reader(io.StringIO(csv_nominations.template_csv())))
    assert header == COLUMNS


def test_template_reads_cleanly():
    rows, errors = read(csv_nominations.template_csv(), name="nominations-template.csv")
    assert errors == []
    assert [r["email"] for r in rows] == ["amina.njoroge@un.org", "david.otieno@un.org"]
    assert rows[0]["gender"] == "female" and rows[0]["seniority"] == "mid"
    assert rows[1]["prior_experience"] == "none" and rows[1]["note"] == "Focal point for the CF"


def test_template_imports_two_nominations(training, actor):
    created = import_csv(actor=actor, training=training,
                         uploaded=upload(csv_nominations.template_csv(), "nominations-template.csv"))
    assert len(created) == 2
    assert Nomination.objects.filter(training=training).count() == 2


# --- good files ------------------------------------------------------------------------------------


def test_twenty_good_rows_import_with_mapped_values(training, actor):
    created = import_csv(actor=actor, training=training, uploaded=upload(csv_text(good_rows(20))))

    assert len(created) == 20
    assert all(n.pk for n in created)
    saved = {n.email: n for n in Nomination.objects.filter(training=training)}
    assert len(saved) == 20
    for i in range(1, 21):
        want = expected(i)
        n = saved[want["email"]]
        assert {field: getattr(n, field) for field in want} == want, i
        assert n.status == Nomination.Status.NOMINATED
        assert n.nominated_by == actor
        assert n.late is False
    assert AuditEntry.objects.filter(training=training, action="nominated (CSV import)").count() == 20


@pytest.mark.parametrize("label,value", [("Female", "female"), ("female", "female"), ("F", "female"),
                                         ("Male", "male"), ("m", "male"), ("Other / non-binary", "other"),
                                         ("prefer not to say", "undisclosed"), ("", "undisclosed")])
def test_gender_labels(label, value):
    rows, errors = read(csv_text([["A", "a@un.org", "IOM", "", label, "", "", ""]]))
    assert errors == [] and rows[0]["gender"] == value


@pytest.mark.parametrize("label,value", [("mid-level", "mid"), ("Mid-level", "mid"), ("middle", "mid"),
                                         ("Junior", "junior"), ("senior", "senior"), ("", "")])
def test_seniority_labels(label, value):
    rows, errors = read(csv_text([["A", "a@un.org", "IOM", "", "", label, "", ""]]))
    assert errors == [] and rows[0]["seniority"] == value


@pytest.mark.parametrize("label,value", [("yes", "some"), ("Yes", "some"), ("no", "none"),
                                         ("None", "none"), ("extensive", "extensive"), ("", "")])
def test_experience_labels(label, value):
    rows, errors = read(csv_text([["A", "a@un.org", "IOM", "", "", "", label, ""]]))
    assert errors == [] and rows[0]["prior_experience"] == value


def test_header_names_are_case_and_space_insensitive_and_order_free():
    header = ["  EMAIL ", "Name", "UN Entity", "Job Title", "GENDER", "Seniority",
              "Prior Migration Experience", " note"]
    rows, errors = read(csv_text([[r[1], r[0], *r[2:]] for r in good_rows(3)], header=header))
    assert errors == []
    assert rows == [expected(i) for i in range(1, 4)]


def test_optional_columns_may_be_left_out():
    rows, errors = read("Name,Email,UN entity\nAmina,amina@un.org,IOM\n")
    assert errors == []
    assert rows == [{"full_name": "Amina", "email": "amina@un.org", "un_entity": "IOM", "job_title": "",
                     "note": "", "gender": "undisclosed", "seniority": "", "prior_experience": ""}]


def test_utf8_bom_is_accepted():
    content = "\ufeff" + csv_text([["José Müller", "jose@un.org", "OHCHR", "", "", "", "", ""]])
    rows, errors = read(content.encode("utf-8"))
    assert errors == []
    assert rows[0]["full_name"] == "José Müller"  # the BOM is not glued to the first header name


def test_semicolon_delimited_file(training, actor):
    content = csv_text(good_rows(20), delimiter=";")
    created = import_csv(actor=actor, training=training, uploaded=upload(content))
    assert len(created) == 20
    n = Nomination.objects.get(training=training, email=expected(1)["email"])
    assert n.full_name == "Nominee 0001" and n.un_entity == expected(1)["un_entity"]


def test_quoted_fields_with_delimiters_inside():
    rows, errors = read(csv_text([
        ["Otieno, David", "david@un.org", "UNDP", "Economist; CF focal point", "male",
         "Mid-level (e.g. P3-P4, NO-C)", "", 'Said "yes", then "maybe"'],
    ]))
    assert errors == []
    assert rows[0]["full_name"] == "Otieno, David"
    assert rows[0]["seniority"] == "mid"
    assert rows[0]["note"] == 'Said "yes", then "maybe"'


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers():
    lines = csv_text(good_rows(2)).splitlines()
    content = "\r\n".join([lines[0], lines[1], "", ",,,,,,,", "  ", lines[2],
                           "Bad,,IOM,,,,,", ""]) + "\r\n"
    rows, errors = read(content)
    assert [r["email"] for r in rows] == [expected(1)["email"], expected(2)["email"]]
    # header = 1, row 2, three blank rows (3-5), row 6, then the bad row is row 7
    assert [(row, column) for row, column, _ in errors] == [(7, "email")]


def test_trailing_blank_lines_do_not_count_as_rows(training, actor):
    created = import_csv(actor=actor, training=training,
                         uploaded=upload(csv_text(good_rows(5)) + "\r\n\r\n,,,\r\n"))
    assert len(created) == 5


# --- all or nothing --------------------------------------------------------------------------------


def twenty_rows_with_two_bad():
    rows = good_rows(20)
    rows[5 - 2][1] = ""  # spreadsheet row 5: no email
    rows[12 - 2][4] = "xyz"  # spreadsheet row 12: not a gender
    return rows


def test_two_bad_rows_reported_by_row_and_column():
    rows, errors = read(csv_text(twenty_rows_with_two_bad()))
    assert [(row, column) for row, column, _ in errors] == [(5, "email"), (12, "gender")]
    messages = {(row, column): message for row, column, message in errors}
    assert messages[(5, "email")] == "is required"
    assert "xyz" in messages[(12, "gender")] and "female" in messages[(12, "gender")]
    assert len(rows) == 18


def test_two_bad_rows_import_nothing(training, actor):
    with pytest.raises(CsvRowErrors) as info:
        import_csv(actor=actor, training=training, uploaded=upload(csv_text(twenty_rows_with_two_bad())))
    assert sorted((row, column) for row, column, _ in info.value.rows) == [(5, "email"), (12, "gender")]
    assert "2 problem(s)" in info.value.message and "nothing was imported" in info.value.message
    assert Nomination.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_every_problem_of_a_row_is_reported():
    rows, errors = read(csv_text([["", "not-an-email", "", "", "robot", "chief", "lots", ""]]))
    assert rows == []
    assert sorted((row, column) for row, column, _ in errors) == [
        (2, "email"), (2, "gender"), (2, "name"), (2, "prior_migration_experience"),
        (2, "seniority"), (2, "un_entity")]


def test_invalid_email_is_a_row_error():
    rows, errors = read(csv_text([["A", "amina(at)un.org", "IOM", "", "", "", "", ""]]))
    assert [(row, column) for row, column, _ in errors] == [(2, "email")]
    assert "not an email address" in errors[0][2]


@pytest.mark.parametrize("column,index,limit", [("name", 0, 200), ("un_entity", 2, 100),
                                                ("job_title", 3, 200)])
def test_too_long_values_are_row_errors(column, index, limit):
    row = ["A", "a@un.org", "IOM", "", "", "", "", ""]
    row[index] = "x" * (limit + 1)
    _, errors = read(csv_text([row]))
    assert errors == [(2, column, f"is longer than {limit} characters")]


def test_too_long_email_is_a_row_error():
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"  # 312 characters, syntactically valid
    rows, errors = read(csv_text([["A", email, "IOM", "", "", "", "", ""]]))
    assert rows == []
    assert [(row, column) for row, column, _ in errors] == [(2, "email")]


def test_duplicate_email_in_the_file_names_both_rows():
    rows = good_rows(8)
    rows[7 - 2][1] = rows[3 - 2][1].upper()  # row 7 repeats row 3, in another case
    _, errors = read(csv_text(rows))
    assert len(errors) == 1
    row, column, message = errors[0]
    assert (row, column) == (7, "email")
    assert "row 3" in message and expected(3 - 1)["email"] in message  # row 3 holds nominee 2


def test_duplicate_email_imports_nothing(training, actor):
    rows = good_rows(8)
    rows[7 - 2][1] = rows[3 - 2][1]
    with pytest.raises(CsvRowErrors):
        import_csv(actor=actor, training=training, uploaded=upload(csv_text(rows)))
    assert Nomination.objects.count() == 0


def test_email_already_nominated_for_the_training(training, actor):
    Nomination.objects.create(training=training, full_name="Earlier", email=expected(4)["email"],
                              un_entity="IOM")  # nominee 4 is on spreadsheet row 5
    with pytest.raises(CsvRowErrors) as info:
        import_csv(actor=actor, training=training, uploaded=upload(csv_text(good_rows(6))))
    assert [(row, column) for row, column, _ in info.value.rows] == [(5, "email")]
    assert "already nominated" in info.value.rows[0][2]
    assert Nomination.objects.filter(training=training).count() == 1


def test_nomination_for_another_training_does_not_block(training, actor):
    other = make_training(start_in_days=90)
    Nomination.objects.create(training=other, full_name="Elsewhere", email=expected(1)["email"],
                              un_entity="IOM")
    created = import_csv(actor=actor, training=training, uploaded=upload(csv_text(good_rows(3))))
    assert len(created) == 3


def test_importing_the_same_file_twice_is_refused_the_second_time(training, actor):
    content = csv_text(good_rows(4))
    import_csv(actor=actor, training=training, uploaded=upload(content))
    with pytest.raises(CsvRowErrors) as info:
        import_csv(actor=actor, training=training, uploaded=upload(content))
    assert [row for row, _, _ in info.value.rows] == [2, 3, 4, 5]
    assert Nomination.objects.filter(training=training).count() == 4


# --- file-level errors -----------------------------------------------------------------------------

HEADER = ",".join(COLUMNS) + "\r\n"
XLSX_START = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00b\xee\x9dh^\x01\x00\x00\x90\x04\x00\x00"


@pytest.mark.parametrize("name,content,message", [
    ("nominees.xlsx", HEADER + "A,a@un.org,IOM,,,,,\r\n", "not an Excel workbook (.xlsx)"),
    ("nominees", HEADER + "A,a@un.org,IOM,,,,,\r\n", "Upload a .csv file"),
    ("nominees.csv", XLSX_START + b"[Content_Types].xml" + b"\x00" * 64, "not a CSV text file"),
    ("nominees.csv", b"name,email\x00\x00\x01\x02", "not a CSV text file"),
    ("nominees.csv", "name,email,un_entity\r\nJos\xe9,jose@un.org,IOM\r\n".encode("latin-1"),
     "not UTF-8"),
    ("nominees.csv", b"", "The file is empty"),
    ("nominees.csv", b"\xef\xbb\xbf", "The file is empty"),
    ("nominees.csv", HEADER, "header but no nominee rows"),
    ("nominees.csv", HEADER + "\r\n,,,,,,,\r\n\r\n", "header but no nominee rows"),
    ("nominees.csv", "name,email,job_title\r\nA,a@un.org,Officer\r\n", "Missing column(s): un_entity"),
    ("nominees.csv", "full name,e-mail,agency\r\nA,a@un.org,IOM\r\n",
     "Missing column(s): name, email, un_entity"),
    ("nominees.csv", "name,email,un_entity,phone\r\nA,a@un.org,IOM,123\r\n", "Unknown column(s): phone"),
], ids=["xlsx-name", "no-extension", "xlsx-content", "nul-bytes", "latin-1", "empty", "bom-only",
        "header-only", "header-and-blank-lines", "missing-column", "wrong-header", "unknown-column"])
def test_file_level_errors(name, content, message):
    with pytest.raises(CsvError) as info:
        read(content, name=name)
    assert message in str(info.value)


def test_upper_case_extension_is_accepted():
    rows, errors = read(HEADER + "A,a@un.org,IOM,,,,,\r\n", name="NOMINEES.CSV")
    assert errors == [] and len(rows) == 1


def test_wrong_encoding_message_tells_how_to_fix():
    with pytest.raises(CsvError) as info:
        read("name,email,un_entity\r\nJos\xe9,jose@un.org,IOM\r\n".encode("latin-1"))
    assert "CSV UTF-8" in str(info.value)


def test_missing_column_message_lists_the_expected_header():
    with pytest.raises(CsvError) as info:
        read("name,email\r\nA,a@un.org\r\n")
    assert ", ".join(COLUMNS) in str(info.value)


def test_too_large_file():
    content = (HEADER + "A,a@un.org,IOM,,,,," + " " * 100 + "\r\n") * 1
    content += "x" * (csv_nominations.MAX_BYTES + 1 - len(content))
    assert len(content.encode()) > 5 * 1024 * 1024
    with pytest.raises(CsvError) as info:
        read(content)
    assert "the limit is 5 MB" in str(info.value)


def test_just_under_the_size_limit_is_read():
    line = "Someone With A Long Name,someone@un.org,IOM,,,,," + "n" * 400 + "\r\n"
    rows_text = "".join(line.replace("someone@", f"someone{i}@") for i in range(9_000))
    content = HEADER + rows_text
    assert len(content.encode()) < csv_nominations.MAX_BYTES
    rows, errors = read(content)
    assert errors == [] and len(rows) == 9_000


def test_more_than_max_rows_is_refused():
    content = HEADER + "".join(f"P{i},p{i}@un.org,IOM,,,,,\r\n" for i in range(csv_nominations.MAX_ROWS + 1))
    with pytest.raises(CsvError) as info:
        read(content)
    assert "More than 10000 rows" in str(info.value)


def test_file_level_error_imports_nothing(training, actor):
    with pytest.raises(CsvError):
        import_csv(actor=actor, training=training, uploaded=upload(HEADER, "nominees.xlsx"))
    assert Nomination.objects.count() == 0


# --- scale -----------------------------------------------------------------------------------------


def test_five_thousand_rows_in_one_call(training, actor):
    content = csv_text(good_rows(5_000))
    started = time.perf_counter()
    created = import_csv(actor=actor, training=training, uploaded=upload(content))
    elapsed = time.perf_counter() - started
    print(f"\n5,000-row CSV import: {elapsed:.2f} s")  # the real figure is in bench/
    assert len(created) == 5_000
    assert Nomination.objects.filter(training=training).count() == 5_000
    assert AuditEntry.objects.filter(training=training).count() == 5_000
    assert elapsed < 30


# --- late nominations ------------------------------------------------------------------------------


@pytest.mark.parametrize("start_in_days,late", [
    (60, False),  # deadline in 39 days
    (21, False),  # the deadline is today: still on time
    (20, True),  # the deadline was yesterday
    (5, True),
])
def test_late_flag_follows_the_nomination_deadline(actor, start_in_days, late):
    training = make_training(start_in_days=start_in_days)
    assert training.nomination_deadline == timezone.localdate() + datetime.timedelta(days=start_in_days - 21)
    import_csv(actor=actor, training=training, uploaded=upload(csv_text(good_rows(3))))
    assert list(Nomination.objects.filter(training=training).values_list("late", flat=True)) == [late] * 3


# --- one validation: the CSV reader says what the nomination form says --------------------------

FORM_FIELD = {"name": "full_name", "email": "email", "un_entity": "un_entity",
              "job_title": "job_title", "gender": "gender", "seniority": "seniority",
              "prior_migration_experience": "prior_experience", "note": "note"}


def form_errors(training, **values):
    """The errors of the page's nomination form for a nominee with `values` (others valid)."""
    from trainings.forms import NominationForm

    data = {"full_name": "A", "email": "a@un.org", "un_entity": "IOM", "job_title": "",
            "gender": "female", "seniority": "", "prior_experience": "", "note": "", **values}
    form = NominationForm(data, training=training)
    assert not form.is_valid()
    return form.errors


def csv_errors(**cells):
    row = dict(zip(COLUMNS, ["A", "a@un.org", "IOM", "", "female", "", "", ""], strict=True))
    row.update(cells)
    rows, errors = read(csv_text([[row[c] for c in COLUMNS]]))
    assert rows == []
    return {column: message for _, column, message in errors}


def _max_length(field):
    return Nomination._meta.get_field(field).max_length


@pytest.mark.parametrize("column", ["name", "un_entity", "job_title"])
def test_a_too_long_cell_gets_the_forms_message(training, column):
    field = FORM_FIELD[column]
    value = "x" * (_max_length(field) + 1)
    assert csv_errors(**{column: value}) == {
        column: " ".join(form_errors(training, **{field: value})[field])}


def test_a_too_long_email_gets_the_forms_message(training):
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"
    assert len(email) > _max_length("email")
    assert csv_errors(email=email) == {"email": " ".join(form_errors(training, email=email)["email"])}


@pytest.mark.parametrize("column", ["name", "email", "un_entity"])
def test_a_missing_required_cell_gets_the_forms_message(training, column):
    field = FORM_FIELD[column]
    assert csv_errors(**{column: ""}) == {column: " ".join(form_errors(training, **{field: ""})[field])}


@pytest.mark.parametrize("column", ["gender", "seniority", "prior_migration_experience"])
def test_an_unknown_choice_gets_the_forms_message(training, column):
    field = FORM_FIELD[column]
    assert csv_errors(**{column: "robot"}) == {
        column: " ".join(form_errors(training, **{field: "robot"})[field])}


def test_an_address_already_nominated_gets_the_forms_message(training, actor):
    Nomination.objects.create(training=training, full_name="Earlier", email="a@un.org",
                              un_entity="IOM", status=Nomination.Status.WAITLISTED)
    with pytest.raises(CsvRowErrors) as info:
        import_csv(actor=actor, training=training,
                   uploaded=upload(csv_text([["A", "A@UN.org", "IOM", "", "", "", "", ""]])))
    assert [message for _, _, message in info.value.rows] == form_errors(training)["email"]
    assert "(waitlisted)" in info.value.rows[0][2]


def test_the_reader_writes_no_limit_of_its_own():
    """No max length (or other number of the model's fields) is written in the reader: the
    form, built from the model, holds them."""
    import tokenize
    from pathlib import Path

    source = Path(csv_nominations.__file__).read_text()
    limits = {_max_length(f) for f in Nomination.NOMINEE_FIELDS if _max_length(f)}
    assert limits >= {100, 200, 254}
    numbers = {int(tok.string.replace("_", "")) for tok in
               tokenize.generate_tokens(io.StringIO(source).readline)
               if tok.type == tokenize.NUMBER and tok.string.replace("_", "").isdigit()}
    assert numbers & limits == set()
    assert "max_length" not in source
    assert "validate_email" not in source and "is required" not in source


def test_the_reader_follows_the_forms_limit(monkeypatch):
    """Tighten the form's limit and the reader refuses by it: the rule has one place."""
    from django.core.validators import MaxLengthValidator

    from trainings.forms import NominationForm

    field = NominationForm.base_fields["un_entity"]
    others = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    monkeypatch.setattr(field, "validators", [*others, MaxLengthValidator(5)])
    assert csv_errors(un_entity="UNHCR-X") == {"un_entity": "is longer than 5 characters"}
