"""The nominee sheet of the browser tests (20 people; the "bad" one has an invalid email on
row 5 and an unknown gender on row 12) and its upload through the nominations page, as
CSV or Excel: first refused whole, then imported."""

import csv
import io

from playwright.sync_api import expect

from trainings.models import Nomination


def nominees(bad=False):
    entities = ["IOM", "UNDP", "UNICEF", "UNHCR", "UN Women"]
    rows = [[f"Nominee {i:02d}", f"nominee{i:02d}@example.org", entities[i % 5], "Officer",
             "female" if i % 2 else "male", "mid", "some", ""] for i in range(1, 21)]
    if bad:
        rows[3][1] = "not-an-email"      # row 5 of the sheet
        rows[10][4] = "unknown-gender"   # row 12 of the sheet
    return rows


def csv_file(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "un_entity", "job_title", "gender", "seniority",
                     "prior_migration_experience", "note"])
    writer.writerows(rows)
    return {"name": "nominees.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode()}


def upload_bad_then_fixed(page, file_of):
    """Upload the sheet with 2 bad rows (nothing imported, both rows named as the sheet
    numbers them), then the fixed one (20 nominated). `file_of(rows)` makes the file."""
    page.locator("input[name=file]").set_input_files(file_of(nominees(bad=True)))
    page.get_by_role("button", name="Upload nominees").click()
    errors = page.locator("table.csv-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("5")
    expect(errors.nth(0)).to_contain_text("email")
    expect(errors.nth(1)).to_contain_text("12")
    expect(errors.nth(1)).to_contain_text("gender")
    assert Nomination.objects.count() == 0
    page.locator("input[name=file]").set_input_files(file_of(nominees()))
    page.get_by_role("button", name="Upload nominees").click()
    expect(page.get_by_text("20 nominees imported")).to_be_visible()
    assert Nomination.objects.filter(status="nominated").count() == 20
