"""Read a file of nominees, CSV or Excel (.xlsx): all rows valid or nothing, errors by row
and column.

This module knows the file (size, format, encoding, delimiter, header, the labels people type
in a spreadsheet) and rows repeated within it. Both formats become the same rows of text
(`_file_rows`: a CSV reader, or `spreadsheets.read_xlsx` for the first sheet of an .xlsx),
read by one reader with the same messages and row numbers as the spreadsheet shows them.
Whether a nominee is valid (required fields, lengths, choices, an address already nominated)
is decided by `forms.NominationForm`, the one validation of a nominee, with its messages:
every row goes through it."""

import csv
import io

from django.core.exceptions import ValidationError

from . import spreadsheets
from .forms import NominationForm
from .models import Nomination

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
SNIFF_CHARS = 4096
# column of the file -> field of the nominee, in the template's order
FIELDS = {"name": "full_name", "email": "email", "un_entity": "un_entity",
          "job_title": "job_title", "gender": "gender", "seniority": "seniority",
          "prior_migration_experience": "prior_experience", "note": "note"}
COLUMNS = list(FIELDS)
COLUMN_OF = {field: column for column, field in FIELDS.items()}
# the columns the header must have: the fields the form requires
REQUIRED = [column for column, field in FIELDS.items() if NominationForm().fields[field].required]
TEMPLATE_ROWS = [
    ["Amina Njoroge", "amina.njoroge@un.org", "IOM", "Programme Officer", "female", "mid",
     "some", ""],
    ["David Otieno", "david.otieno@un.org", "UNDP", "Economist", "male", "senior", "none",
     "Focal point for the CF"],
]


def _labels(field, **aliases):
    """What people type for a choice (the value, the label, the label's first words) ->
    the value. Anything else goes to the form as typed, which refuses it."""
    lookup = {}
    for value, label in Nomination._meta.get_field(field).choices:
        lookup[value.lower()] = value
        lookup[label.lower()] = value
        lookup[label.split(" (")[0].lower()] = value
    return {**lookup, **aliases}


LABELS = {
    "gender": _labels("gender", f="female", m="male", woman="female", man="male"),
    "seniority": _labels("seniority", **{"mid-level": "mid", "middle": "mid"}),
    "prior_experience": _labels("prior_experience", no="none", yes="some"),
}


class CsvError(ValidationError):
    """A problem with the file as a whole (not CSV or .xlsx, too large, wrong encoding,
    header)."""

    def __str__(self):
        return self.message


def template_csv():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()


def template_xlsx():
    return spreadsheets.xlsx_bytes(COLUMNS, TEMPLATE_ROWS, title="Nominees")


def _normalise_header(name):
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _file_rows(uploaded):
    """The rows of the file, each a list of texts: a CSV reader, or the first sheet of an
    .xlsx, chosen by the file's extension."""
    if uploaded.size > MAX_BYTES:
        raise CsvError(f"The file is {uploaded.size / 1_048_576:.1f} MB; the limit is "
                       f"{MAX_BYTES // 1_048_576} MB.")
    name = (uploaded.name or "").lower()
    if name.endswith(".xlsx"):
        try:
            return iter(spreadsheets.read_xlsx(uploaded, max_rows=MAX_ROWS))
        except spreadsheets.SpreadsheetError as exc:
            raise CsvError(exc.message) from exc
    if not name.endswith(".csv"):
        raise CsvError("Upload a .csv file or an Excel .xlsx file (download the template).")
    return _reader(_text(uploaded))


def _text(uploaded):
    raw = uploaded.read()
    if b"\x00" in raw[:SNIFF_CHARS]:
        raise CsvError("This is not a CSV text file (it looks like a spreadsheet or binary "
                       "file). Save it as CSV UTF-8, or upload an Excel workbook named .xlsx.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvError(f"The file is not UTF-8 encoded (byte {exc.start}). In Excel choose "
                       "“CSV UTF-8 (comma delimited)”.") from exc


def _reader(text):
    try:
        dialect = csv.Sniffer().sniff(text[:SNIFF_CHARS], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text), dialect)


def _columns(reader):
    """{column: its index in the file}, from the header row."""
    try:
        header = [_normalise_header(h) for h in next(reader)]
    except StopIteration as exc:
        raise CsvError("The file is empty.") from exc
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CsvError("Missing column(s): " + ", ".join(missing) + ". The first row must be "
                       "the header of the template: " + ", ".join(COLUMNS) + ".")
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise CsvError("Unknown column(s): " + ", ".join(unknown) + ". Expected: "
                       + ", ".join(COLUMNS) + ".")
    return {name: header.index(name) for name in COLUMNS if name in header}


def _lines(reader):
    """(row number as a spreadsheet shows it, cells) of the rows that are not blank."""
    lines = []
    for number, values in enumerate(reader, start=2):
        if any(v.strip() for v in values):
            lines.append((number, values))
            if len(lines) > MAX_ROWS:
                raise CsvError(f"More than {MAX_ROWS} rows; split the file.")
    if not lines:
        raise CsvError("The file has a header but no nominee rows.")
    return lines


def _form_data(values, index):
    data = {}
    for column, field in FIELDS.items():
        i = index.get(column)
        value = values[i].strip() if i is not None and i < len(values) else ""
        data[field] = LABELS[field].get(value.lower(), value) if field in LABELS else value
    return data


def _check(number, data, *, form, seen):
    """(cleaned nominee or None, [(row, column, message)]) for one row: the nominee form's
    verdict, plus an address already on an earlier row of the file."""
    cleaned, form_errors = form.check(data)
    errors = [(number, COLUMN_OF.get(field, ""), " ".join(messages))
              for field, messages in form_errors.items()]
    if "email" not in form_errors:
        email = form.cleaned_data["email"]
        if email in seen:
            errors.append((number, "email", f"{email} also appears on row {seen[email]}"))
        seen.setdefault(email, number)
    errors.sort(key=lambda error: COLUMNS.index(error[1]) if error[1] in COLUMNS else -1)
    return (None if errors else cleaned), errors


def read(uploaded, *, existing_emails):
    """Return (rows, errors) of a .csv or .xlsx file. rows are the cleaned fields of each
    nominee, ready for Nomination; errors are (row number, column, message) with row numbers
    as a spreadsheet shows them. `existing_emails`: the addresses already nominated for the
    training ({email: status} or a set)."""
    reader = _file_rows(uploaded)
    index = _columns(reader)
    form = NominationForm(existing=existing_emails)
    rows, errors, seen = [], [], {}
    for number, values in _lines(reader):
        row, row_errors = _check(number, _form_data(values, index), form=form, seen=seen)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    return rows, errors
