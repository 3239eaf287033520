"""Spreadsheet files in and out: CSV and Excel (.xlsx) exports of a table, and the rows of an
uploaded .xlsx. Every export goes through `spreadsheet_safe`, the one rule that keeps text
typed by people from running as a formula when the file is opened in Excel (CSV or XLSX).

    csv_response("roster-3.csv", header, rows)      # an attachment, UTF-8 with a BOM
    xlsx_response("roster-3.xlsx", header, rows)    # an attachment, one sheet
    table_response(request, "roster-3", header, rows)   # ?format=xlsx picks XLSX, else CSV
    read_xlsx(uploaded)   # [[str, ...], ...] of the first sheet, or SpreadsheetError

Cells may be text, numbers or naive dates; times are passed as text already formatted by
`accounts.times` (Excel has no time zones)."""

import csv
import datetime
import io
import zipfile

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# An .xlsx is a zip: its unpacked size, not the upload's, is what reading it costs.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 50
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls (Excel 97-2003) and password-protected workbooks


class SpreadsheetError(ValidationError):
    """A file that cannot be read as a spreadsheet, with a message for the person uploading."""

    def __str__(self):
        return self.message


def spreadsheet_safe(value):
    """Keep user-typed text from running as a formula when the export is opened in Excel:
    text starting with = + - @ tab or CR gets a leading apostrophe. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# --- out -------------------------------------------------------------------------------


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")  # Excel opens UTF-8 correctly with a BOM
    writer = csv.writer(response)
    writer.writerow([spreadsheet_safe(value) for value in header])
    writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
    return _attachment(response, filename)


def _cell(sheet, value, *, bold=False):
    value = spreadsheet_safe(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XML cannot hold
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, never a formula, whatever it starts with
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_bytes(header, rows, *, title="Sheet1"):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, value, bold=True) for value in header])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_response(filename, header, rows, *, title="Sheet1"):
    response = HttpResponse(xlsx_bytes(header, rows, title=title), content_type=XLSX_TYPE)
    return _attachment(response, filename)


def wants_xlsx(request):
    return request.GET.get("format") == "xlsx"


def table_response(request, stem, header, rows, *, title="Sheet1"):
    """The table as `stem`.xlsx when the link asks `?format=xlsx`, else as `stem`.csv."""
    if wants_xlsx(request):
        return xlsx_response(f"{stem}.xlsx", header, rows, title=title)
    return csv_response(f"{stem}.csv", header, rows)


# --- in --------------------------------------------------------------------------------

NOT_XLSX = ("This is not an Excel workbook (.xlsx). In Excel choose File › Save As › "
            "Excel Workbook (.xlsx), or save it as CSV UTF-8.")


def _text(value):
    """A cell as the text a person sees in it (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _archive(raw):
    """Refuse what is not a zip, or unpacks to more than MAX_UNPACKED_BYTES."""
    if raw.startswith(OLE_MAGIC):
        raise SpreadsheetError("This is an old Excel 97-2003 (.xls) or a password-protected "
                               "workbook. Save it as Excel Workbook (.xlsx) without a "
                               "password, or as CSV UTF-8.")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise SpreadsheetError(NOT_XLSX) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(f"The workbook unpacks to {unpacked / 1_048_576:.0f} MB; the "
                               f"limit is {MAX_UNPACKED_BYTES // 1_048_576} MB. Keep only the "
                               "sheet to import, without pictures.")


def _first_sheet(raw):
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        return workbook, workbook.worksheets[0]
    except Exception as exc:  # any failure to open untrusted content
        raise SpreadsheetError(NOT_XLSX) from exc


def _rows(sheet, *, max_rows, max_columns):
    rows, filled = [], 0
    for values in sheet.iter_rows(values_only=True):
        row = [_text(value) for value in values]
        while row and not row[-1].strip():
            row.pop()
        if len(row) > max_columns:
            raise SpreadsheetError(f"The first sheet has more than {max_columns} columns; "
                                   "keep only the columns of the template.")
        rows.append(row)
        filled += bool(row)
        if filled > max_rows + 1:  # the header and max_rows rows
            raise SpreadsheetError(f"More than {max_rows} rows; split the file.")
    return rows


def read_xlsx(uploaded, *, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS):
    """The rows of the first sheet of an .xlsx, each a list of strings (trailing empty cells
    dropped; formulas give their last computed value). SpreadsheetError for a file that is
    not an .xlsx or is too large to read."""
    raw = uploaded.read()
    if not raw:
        raise SpreadsheetError("The file is empty.")
    _archive(raw)
    workbook, sheet = _first_sheet(raw)
    try:
        return _rows(sheet, max_rows=max_rows, max_columns=max_columns)
    except SpreadsheetError:
        raise
    except Exception as exc:  # a damaged sheet inside a valid zip
        raise SpreadsheetError(NOT_XLSX) from exc
    finally:
        workbook.close()
