"""Read a CSV of nominees: all rows valid or nothing, errors by row and column."""

import csv
import io

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .models import Nomination

MAX_BYTES = 5 * 1024 * 1024
EMAIL_MAX = Nomination._meta.get_field("email").max_length
MAX_ROWS = 10_000
COLUMNS = ["name", "email", "un_entity", "job_title", "gender", "seniority",
           "prior_migration_experience", "note"]
REQUIRED = ["name", "email", "un_entity"]
TEMPLATE_ROWS = [
    ["Amina Njoroge", "amina.njoroge@un.org", "IOM", "Programme Officer", "female", "mid",
     "some", ""],
    ["David Otieno", "david.otieno@un.org", "UNDP", "Economist", "male", "senior", "none",
     "Focal point for the CF"],
]


def _choices(enum):
    lookup = {}
    for value, label in enum.choices:
        lookup[value.lower()] = value
        lookup[label.lower()] = value
        lookup[label.split(" (")[0].lower()] = value
    return lookup


GENDERS = _choices(Nomination.Gender)
GENDERS.update({"f": "female", "m": "male", "woman": "female", "man": "male"})
SENIORITIES = _choices(Nomination.Seniority)
SENIORITIES.update({"mid-level": "mid", "middle": "mid"})
EXPERIENCES = _choices(Nomination.Experience)
EXPERIENCES.update({"no": "none", "yes": "some"})


class CsvError(Exception):
    """A problem with the file as a whole (not CSV, too large, wrong encoding, header)."""


def template_csv():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()


def _normalise_header(name):
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def read(uploaded, *, existing_emails):
    """Return (rows, errors). rows are dicts ready for Nomination; errors are
    (row number, column, message) with row numbers as a spreadsheet shows them."""
    if uploaded.size > MAX_BYTES:
        raise CsvError(f"The file is {uploaded.size / 1_048_576:.1f} MB; the limit is "
                       f"{MAX_BYTES // 1_048_576} MB.")
    name = (uploaded.name or "").lower()
    if not name.endswith(".csv"):
        raise CsvError("Upload a .csv file (in Excel: File › Save As › CSV UTF-8).")
    raw = uploaded.read()
    if b"\x00" in raw[:4096]:
        raise CsvError("This is not a CSV text file (it looks like a spreadsheet or binary "
                       "file). Save it as CSV UTF-8 and upload again.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvError(f"The file is not UTF-8 encoded (byte {exc.start}). In Excel choose "
                       "“CSV UTF-8 (comma delimited)”.") from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
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
    index = {name: header.index(name) for name in COLUMNS if name in header}

    rows, errors, seen = [], [], {}
    for line_number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            raise CsvError(f"More than {MAX_ROWS} rows; split the file.")

        def cell(column, values=values):
            i = index.get(column)
            return values[i].strip() if i is not None and i < len(values) else ""

        row_errors = []
        data = {
            "full_name": cell("name"), "email": cell("email").lower(),
            "un_entity": cell("un_entity"), "job_title": cell("job_title"),
            "note": cell("note"),
        }
        for column in REQUIRED:
            if not cell(column):
                row_errors.append((line_number, column, "is required"))
        if data["email"]:
            try:
                validate_email(data["email"])
            except ValidationError:
                row_errors.append((line_number, "email", f"“{data['email']}” is not an email address"))
            else:
                if len(data["email"]) > EMAIL_MAX:
                    row_errors.append((line_number, "email",
                                       f"is longer than {EMAIL_MAX} characters"))
                elif data["email"] in existing_emails:
                    row_errors.append((line_number, "email",
                                       f"{data['email']} is already nominated for this training"))
                elif data["email"] in seen:
                    row_errors.append((line_number, "email",
                                       f"{data['email']} also appears on row {seen[data['email']]}"))
                seen.setdefault(data["email"], line_number)
        for column, lookup, field, default in [
            ("gender", GENDERS, "gender", Nomination.Gender.UNDISCLOSED),
            ("seniority", SENIORITIES, "seniority", ""),
            ("prior_migration_experience", EXPERIENCES, "prior_experience", ""),
        ]:
            value = cell(column)
            if not value:
                data[field] = default
            elif value.lower() in lookup:
                data[field] = lookup[value.lower()]
            else:
                allowed = ", ".join(sorted(set(lookup.values())))
                row_errors.append((line_number, column, f"“{value}” is not one of: {allowed}"))
        for column, field, limit in [("name", "full_name", 200), ("un_entity", "un_entity", 100),
                                     ("job_title", "job_title", 200)]:
            if len(data[field]) > limit:
                row_errors.append((line_number, column, f"is longer than {limit} characters"))
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(data)
    if not rows and not errors:
        raise CsvError("The file has a header but no nominee rows.")
    return rows, errors
