"""A participant answers the prior-knowledge survey and the closing evaluation; the
facilitator sees aggregates only, and nothing while fewer than 5 have answered."""

import pytest
from playwright.sync_api import expect

from evaluation import services
from tests.browser.login import sign_in
from tests.browser.training_nav import open_tab
from tests.evaluation.helpers import answers, evaluated_training
from trainings.models import Training

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_evaluation(page, training):
    """The training's Evaluation tab, from the dashboard or from a page of the training."""
    page.wait_for_load_state()
    nav = page.get_by_role("navigation", name="Training sections")
    if nav.count() == 0:                      # on the dashboard: open the training first
        page.get_by_role("link", name=training.title).first.click()
    open_tab(page, "Evaluation")


def fill_survey(page, text):
    for group in page.locator(".rating-row").all():
        group.locator("label.rating-choice").nth(3).click()   # rating 4
    for area in page.locator("textarea").all():
        area.fill(text)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you: your answers are saved.")).to_be_visible()


def test_participant_answers_and_facilitator_sees_only_aggregates(page, browser, live_server):
    training, facilitator, people = evaluated_training(participants=6, status="planning")
    participant = people[0]
    sign_in(page, participant)
    open_evaluation(page, training)
    page.locator(".survey-list li", has_text="Before the training").get_by_role("link",
                                                                               name="Answer").click()
    fill_survey(page, "my-private-expectation-123")

    Training.objects.filter(pk=training.pk).update(status=Training.Status.COMPLETED)
    open_evaluation(page, training)
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
    sign_in(fac, facilitator)
    open_evaluation(fac, training)
    fac.get_by_role("link", name="Results", exact=True).click()
    block = fac.locator(".result-block", has_text="Closing evaluation")
    expect(block).to_contain_text("4 of 6 responded")
    expect(block).to_contain_text("Results appear when at least 5 people have answered")
    expect(block.get_by_role("img")).to_have_count(0)

    services.respond(user=people[4], training=training, survey=closing, data=data)
    fac.reload()
    block = fac.locator(".result-block", has_text="Closing evaluation")
    expect(block).to_contain_text("5 of 6 responded")
    charts = block.get_by_role("img")
    expect(charts).to_have_count(4)                  # relevance, delivery, facilitation, platform
    expect(block.get_by_role("img", name="Relevance of the content to your work")).to_be_visible()
    assert "Rating 4: 1" in charts.first.locator("desc").text_content()
    main = fac.get_by_role("main")
    expect(main).not_to_contain_text("my-private-remark-456")
    expect(main).not_to_contain_text("my-private-expectation-123")
    assert errors == []
    assert fac.evaluate("document.documentElement.scrollWidth") <= 768
    context.close()
