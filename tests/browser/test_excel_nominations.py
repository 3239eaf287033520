"""An RCO admin who works in Excel: uploads an .xlsx of nominees through the nominations page
(first with the 2 bad rows of the CSV flow, then fixed) and downloads the roster as .xlsx,
in Chromium at tablet size."""

import io

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from tests.browser.login import sign_in
from tests.browser.nominees import upload_bad_then_fixed
from tests.browser.training_nav import open_tab
from tests.builders import training_with_agenda
from tests.factories import UserFactory
from trainings.csv_nominations import COLUMNS
from trainings.models import CountryAdmin
from trainings.spreadsheets import XLSX_TYPE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def xlsx_file(rows):
    """The file as Excel saves it, handed to the file input as bytes."""
    book = Workbook()
    book.active.append(COLUMNS)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return {"name": "nominees.xlsx", "mimeType": XLSX_TYPE, "buffer": out.getvalue()}


def test_rco_admin_imports_nominees_from_excel_and_exports_the_roster(page):
    training = training_with_agenda(title="Nairobi Excel training")
    rco = UserFactory(email="rco-excel@example.org")
    CountryAdmin.objects.create(user=rco, country="KE")
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, rco)
    page.get_by_role("link", name=training.title).first.click()
    open_tab(page, "Nominations")
    expect(page.get_by_text("An Excel workbook (.xlsx, the first sheet) or a CSV file")
           ).to_be_visible()

    # The sheet with 2 bad rows (refused whole, rows named), then the fixed one.
    upload_bad_then_fixed(page, xlsx_file)
    expect(page.locator("tr[data-status=nominated]")).to_have_count(20)

    # The roster comes back as a workbook with the 20 people.
    with page.expect_download() as info:
        page.get_by_role("link", name="Export Excel (.xlsx)").click()
    download = info.value
    assert download.suggested_filename == f"roster-{training.pk}.xlsx"
    sheet = load_workbook(io.BytesIO(download.path().read_bytes())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "name" and len(rows) == 21
    assert sorted(row[0] for row in rows[1:]) == [f"Nominee {i:02d}" for i in range(1, 21)]
