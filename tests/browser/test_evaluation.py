"""A participant answers the prior-knowledge survey and the closing evaluation; the
facilitator sees aggregates only, and nothing while fewer than 5 have answered."""

import pytest

from evaluation import services
from tests.evaluation.helpers import answers, evaluated_training
from tests.factories import TEST_PASSWORD
from trainings.models import Training

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def fill_survey(page, text):
    for group in page.locator(".rating-row").all():
        group.locator("label.rating-choice").nth(3).click()   # rating 4
    for area in page.locator("textarea").all():
        area.fill(text)
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("Thank you: your answers are saved.").wait_for()


def test_participant_answers_and_facilitator_sees_only_aggregates(page, browser, live_server):
    training, facilitator, people = evaluated_training(participants=6, status="planning")
    participant = people[0]
    sign_in(page, participant.email)
    page.goto(f"/trainings/{training.pk}/evaluation/")
    page.locator(".survey-list li", has_text="Before the training").get_by_role("link",
                                                                               name="Answer").click()
    fill_survey(page, "my-private-expectation-123")

    Training.objects.filter(pk=training.pk).update(status=Training.Status.COMPLETED)
    page.goto(f"/trainings/{training.pk}/evaluation/")
    page.locator(".survey-list li", has_text="Closing evaluation").get_by_role("link",
                                                                              name="Answer").click()
    fill_survey(page, "my-private-remark-456")
    assert page.console_errors == []

    training.refresh_from_db()
    closing, data = answers("closing", rating=3)
    for person in people[1:4]:           # 4 respondents in all
        services.respond(user=person, training=training, survey=closing, data=data)

    context = browser.new_context(viewport={"width": 768, "height": 1024}, base_url=live_server.url)
    fac = context.new_page()
    errors = []
    fac.on("console", lambda m: m.type == "error" and errors.append(m.text))
    fac.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(fac, facilitator.email)
    fac.goto(f"/trainings/{training.pk}/evaluation/results/")
    block = fac.locator(".result-block", has_text="Closing evaluation")
    assert "4 of 6 responded" in block.inner_text()
    assert block.locator(".hidden-results").is_visible()
    assert block.locator("svg").count() == 0

    services.respond(user=people[4], training=training, survey=closing, data=data)
    fac.reload()
    block = fac.locator(".result-block", has_text="Closing evaluation")
    assert "5 of 6 responded" in block.inner_text()
    charts = block.locator("svg[role=img]")
    assert charts.count() == 4                       # relevance, delivery, facilitation, platform
    assert charts.first.locator("title").text_content() == "Relevance of the content to your work"
    assert "Rating 4: 1" in charts.first.locator("desc").text_content()
    body = fac.locator("main").inner_text()
    assert "my-private-remark-456" not in body
    assert "my-private-expectation-123" not in body
    assert errors == []
    assert fac.evaluate("document.documentElement.scrollWidth") <= 768
    context.close()
