"""Participant self-service in Chromium at tablet size: a confirmed participant finds "My
seat" on the training's overview, withdraws with a reason, and the first person on the
waiting list is offered the seat and sees the offer when they sign in. Clicking only after
the login form."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser import axe
from tests.browser.login import new_page, sign_in
from tests.factories import UserFactory
from tests.trainings.factories import TrainingFactory
from trainings.models import Nomination, Training

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = Nomination.Status


def accessible(page, where):
    found = axe.blocking(axe.violations(page) + axe.small_targets(page))
    assert found == [], "\n".join(axe.report(where, found))


def test_a_participant_withdraws_and_the_first_waiting_gets_the_seat(browser, live_server):
    training = TrainingFactory(title="Self-service training", capacity=1,
                               status=Training.Status.NOMINATIONS_OPEN)
    pat = UserFactory(full_name="Pat Participant")
    Nomination.objects.create(training=training, full_name="Pat Participant", email=pat.email,
                              un_entity="IOM", status=S.CONFIRMED, user=pat)
    wanda = UserFactory(full_name="Wanda Waiting")  # an account, not yet linked to her nomination
    Nomination.objects.create(training=training, full_name="Wanda Waiting", email=wanda.email,
                              un_entity="UNDP", status=S.WAITLISTED, waitlist_position=1)

    # Wanda cannot open the training yet; her dashboard leads her to where she stands.
    waiting = new_page(browser, live_server)
    sign_in(waiting, wanda)
    waiting.get_by_role("link", name="Your nomination to Self-service training: waitlisted"
                        " – see where you stand").click()
    wanda_seat = waiting.get_by_role("region", name="My seat")
    expect(wanda_seat).to_contain_text("On the waiting list: position 1 of 1.")
    expect(wanda_seat.get_by_role("link", name="Withdraw")).to_be_visible()
    accessible(waiting, "My seat page of a waitlisted nominee")

    page = new_page(browser, live_server)
    sign_in(page, pat)
    page.get_by_role("link", name="Self-service training").first.click()
    seat = page.get_by_role("region", name="My seat")
    expect(seat).to_contain_text("Confirmed: you have a seat at this training.")
    expect(seat.get_by_role("link", name="My agenda")).to_be_visible()
    withdraw = seat.get_by_role("link", name="Withdraw")
    assert withdraw.bounding_box()["height"] >= 44
    accessible(page, "overview with My seat")
    withdraw.click()

    expect(page.get_by_role("heading", name="Withdraw from Self-service training")).to_be_visible()
    expect(page.get_by_text("The seat goes to the first person on the waiting list")).to_be_visible()
    page.get_by_role("button", name="Withdraw").click()  # no reason yet
    expect(page.get_by_text("Give a reason: the facilitators and the RCO admin see it.")
           ).to_be_visible()
    accessible(page, "withdraw page with its error")
    page.get_by_label("Reason").fill("A mission abroad on those dates")
    page.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_text("You have withdrawn from Self-service training. The seat is offered "
                            "to the next person on the waiting list")).to_be_visible()
    expect(page.get_by_text("The training's pages are no longer open to you.")).to_be_visible()
    expect(page.get_by_role("link", name="Self-service training")).to_have_count(0)
    # The refused form answers 400 on purpose, which Chromium logs; nothing else may.
    assert [e for e in page.console_errors if "status of 400" not in e] == []

    offers = [m for m in mail.outbox if m.to == [wanda.email]]
    assert len(offers) == 1 and "A seat is free" in offers[0].subject

    waiting.get_by_role("link", name="My trainings").first.click()
    invitations = waiting.get_by_role("region", name="Invitations and nominations waiting for you")
    expect(invitations).to_contain_text("Self-service training")
    assert waiting.console_errors == []
