"""The attendance report in Chromium at 768x1024, reached by clicking from the login form: the
lead facilitator opens it from the training's "After" tabs, the wide table scrolls inside its
box (not the page), filters those below the certificate threshold, downloads the Excel file
and it holds the same people (docs/attendance.md)."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from runsheet.models import Attendance
from scheduling.models import Slot
from tests.browser.login import sign_in
from tests.browser.training_nav import open_tab
from tests.builders import training_with_agenda
from tests.factories import UserFactory
from trainings.models import Membership, Nomination, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 768
# attended sessions out of the 5 where attendance was taken (80% needs 4)
ATTENDED = {"Amina Njoroge": 5, "Boris Petrov": 4, "Chloé Martin": 3, "David Otieno": 0}


@pytest.fixture
def module_one_taken():
    start = timezone.localdate() - datetime.timedelta(days=20)
    training = training_with_agenda(start=start, title="Kenya attendance")
    lead = UserFactory(email="lead@example.org", full_name="Lena Lead")
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    sessions = list(Slot.objects.filter(training=training, kind__in=["online", "offline"])
                    .order_by("start")[:5])
    for i, (name, attended) in enumerate(ATTENDED.items()):
        person = Nomination.objects.create(training=training, full_name=name,
                                           email=f"p{i}@example.org", un_entity="IOM",
                                           status=Nomination.Status.CONFIRMED)
        for n, slot in enumerate(sessions):
            Attendance.objects.create(slot=slot, participant=person,
                                      status="present" if n < attended else "absent",
                                      recorded_at=timezone.now())
    return training, lead


def test_the_lead_filters_the_report_and_downloads_it_as_xlsx(page, module_one_taken):
    training, lead = module_one_taken
    sign_in(page, lead)
    page.get_by_role("link", name=training.title).first.click()
    open_tab(page, "Attendance")
    expect(page.get_by_role("heading", name="Attendance", exact=True)).to_be_visible()
    expect(page.locator("#attendance-summary")).to_contain_text(
        "2 of 4 participants are below it.")
    table = page.get_by_role("region", name="Attendance by participant and session")
    expect(table.get_by_role("row", name="Chloé Martin")).to_contain_text("60% below 80%")
    # 32 sessions: the table scrolls inside its box, the page does not
    assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH
    assert table.evaluate("box => box.scrollWidth > box.clientWidth")

    page.get_by_label("People", exact=True).select_option(label="Below the certificate threshold")
    page.get_by_label("Sessions", exact=True).select_option(label="Offline elements")
    page.get_by_role("button", name="Filter").click()
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody")).to_contain_text("Chloé Martin")
    expect(table.locator("tbody")).to_contain_text("David Otieno")
    expect(page.get_by_label("People", exact=True)).to_have_value("below")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download Excel (.xlsx)").click()
    download = info.value
    assert download.suggested_filename == f"attendance-{training.pk}-offline-below.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    offline = Slot.objects.filter(training=training, kind="offline").count()
    assert rows[0][:2] == ("Name", "UN entity") and len(rows[0]) == 2 + offline + 4
    assert [(row[0], row[-2], row[-1]) for row in rows[1:]] == [
        ("Chloé Martin", 60, "yes"), ("David Otieno", 0, "yes")]
    assert page.console_errors == []
