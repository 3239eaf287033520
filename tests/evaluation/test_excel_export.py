"""The evaluation results as Excel (.xlsx): the same cells as the CSV, numbers as numbers,
formula-safe, behind the same permission."""

import csv
import io

import pytest
from openpyxl import load_workbook

from evaluation import services
from evaluation.models import Survey
from tests.factories import UserFactory
from tests.querycount import count_queries
from trainings.spreadsheets import XLSX_TYPE

from .helpers import answers, evaluated_training

pytestmark = pytest.mark.django_db


def results_url(training, fmt=""):
    return f"/trainings/{training.pk}/evaluation/results.csv" + (f"?format={fmt}" if fmt else "")


def xlsx_sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert 'filename="evaluation-' in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.xlsx"')
    return load_workbook(io.BytesIO(response.content)).worksheets[0]


def as_text(value):
    return "" if value is None else str(value)


def cell(text):
    """A cell's content, numbers compared as numbers (Excel keeps 4.0 as 4)."""
    try:
        return float(text)
    except ValueError:
        return text


def test_results_xlsx_has_the_csvs_cells_with_numbers_as_numbers(client):
    training, facilitator, people = evaluated_training()
    survey, data = answers("closing", rating=4)
    for person in people[:5]:
        services.respond(user=person, training=training, survey=survey, data=data)
    client.force_login(facilitator)
    sheet = xlsx_sheet(client.get(results_url(training, "xlsx")))
    cells = [[as_text(c.value) for c in row] for row in sheet.iter_rows()]
    from_csv = list(csv.reader(io.StringIO(
        client.get(results_url(training)).content.decode("utf-8-sig"))))
    assert [[cell(c) for c in row] for row in cells] == [[cell(c) for c in row] for row in from_csv]
    assert cells[0][:5] == ["survey", "module", "respondents", "eligible", "question"]
    relevance = next(row for row in sheet.iter_rows(values_only=True)
                     if row[4] == "Relevance of the content to your work")
    assert relevance[6:] == (0, 0, 0, 5, 0, 4)      # numbers: Excel can sum and chart them
    assert any("hidden: fewer than 5 respondents" in row for row in cells)


def test_results_xlsx_neutralises_a_title_that_looks_like_a_formula(client):
    training, facilitator, people = evaluated_training()
    Survey.objects.filter(kind="closing").update(title="=HYPERLINK(\"http://evil.example\")")
    client.force_login(facilitator)
    sheet = xlsx_sheet(client.get(results_url(training, "xlsx")))
    titles = {row[0].value for row in sheet.iter_rows(min_row=2)}
    assert "'=HYPERLINK(\"http://evil.example\")" in titles
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    csv_text = client.get(results_url(training)).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "\n=HYPERLINK" not in csv_text


def test_results_xlsx_is_refused_like_the_page(client):
    training, facilitator, people = evaluated_training()
    client.force_login(people[0])
    assert client.get(results_url(training, "xlsx")).status_code == 403
    client.force_login(UserFactory())
    assert client.get(results_url(training, "xlsx")).status_code == 404


def test_results_page_offers_both_downloads(client):
    training, facilitator, _ = evaluated_training()
    client.force_login(facilitator)
    html = client.get(f"/trainings/{training.pk}/evaluation/results/").content.decode()
    assert f'href="{results_url(training, "xlsx")}">Excel (.xlsx)</a>' in html
    assert f'href="{results_url(training)}">CSV</a>' in html


def test_results_xlsx_queries_do_not_grow_with_respondents(client):
    training, facilitator, people = evaluated_training(participants=30)
    survey, data = answers("closing", rating=3, text="t")
    for person in people[:5]:
        services.respond(user=person, training=training, survey=survey, data=data)
    client.force_login(facilitator)
    few = count_queries(client, results_url(training, "xlsx"))
    for person in people[5:]:
        services.respond(user=person, training=training, survey=survey, data=data)
    assert count_queries(client, results_url(training, "xlsx")) == few
