"""Participant self-service: the "My seat" box (on the overview for people who see the
training, on its own page for nominees who do not yet), the waiting-list position in the
order seats are offered, and withdrawing one's own nomination with a reason."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import times
from tests.factories import UserFactory
from tests.html import links, page_without_tokens, text_of
from trainings.models import Nomination

S = Nomination.Status
pytestmark = pytest.mark.django_db


def nominee(training, status, *, linked=True, **fields):
    """A person with an account and a nomination on `training`: linked to the account (as a
    confirmed seat is), or only made out to the same address (as a waiting-list nomination
    is before its holder takes a seat)."""
    user = UserFactory(time_zone=fields.pop("time_zone", "Africa/Nairobi"))
    nomination = Nomination.objects.create(
        training=training, full_name=user.full_name, email=user.email, un_entity="IOM",
        status=status, user=user if linked else None, **fields)
    return user, nomination


def detail(training):
    return reverse("trainings:detail", args=[training.pk])


def seat_page(training):
    return reverse("trainings:my_seat", args=[training.pk])


def withdraw_url(nomination):
    return reverse("trainings:withdraw", args=[nomination.training_id, nomination.pk])


def get_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return text_of(response.content), links(response.content)


def test_a_confirmed_participant_sees_my_seat_on_the_overview(client, training):
    user, nomination = nominee(training, S.CONFIRMED)
    client.force_login(user)
    text, found = get_text(client, detail(training))
    assert "My seat Confirmed: you have a seat at this training." in text
    pk = training.pk
    assert ("My agenda", reverse("scheduling:mine", args=[pk])) in found
    assert ("My documents", reverse("documents:list", args=[pk])) in found
    assert ("My surveys", reverse("evaluation:home", args=[pk])) in found
    assert ("Withdraw", withdraw_url(nomination)) in found
    # the links lead somewhere the participant may go
    for url in (reverse("scheduling:mine", args=[pk]), reverse("documents:list", args=[pk]),
                reverse("evaluation:home", args=[pk]), withdraw_url(nomination)):
        assert client.get(url).status_code == 200, url


def test_someone_without_a_nomination_sees_no_seat_box(client, training, lead):
    nominee(training, S.CONFIRMED)
    client.force_login(lead)
    text, found = get_text(client, detail(training))
    assert "My seat" not in text
    assert not [href for _text, href in found if "/withdraw/" in href]


def test_a_waiting_nominee_sees_their_position_in_the_order_seats_are_offered(
        client, training, nominate_many):
    # Eight people wait: the first holds an open offer (out of the queue), so the person at
    # position 4 is third of seven in line.
    waiting = nominate_many(training, 8, status=S.WAITLISTED)
    Nomination.objects.filter(pk=waiting[0].pk).update(
        offer_expires_at=timezone.now() + datetime.timedelta(hours=5))
    user = UserFactory(email=waiting[3].email)  # not linked yet: found by address
    client.force_login(user)
    # The training's pages stay closed to someone who has no seat...
    assert client.get(detail(training)).status_code == 404
    # ...but their own place on it is theirs to see.
    text, _found = get_text(client, seat_page(training))
    assert "On the waiting list: position 3 of 7." in text
    assert "offered it by email for 48 hours" in text


def test_the_position_follows_the_waiting_list_order_not_the_names(client, training):
    first, _ = nominee(training, S.WAITLISTED, linked=False, waitlist_position=2)
    second, _ = nominee(training, S.WAITLISTED, linked=False, waitlist_position=1)
    client.force_login(first)
    assert "position 2 of 2" in get_text(client, seat_page(training))[0]
    client.force_login(second)
    assert "position 1 of 2" in get_text(client, seat_page(training))[0]


def test_an_offered_seat_shows_its_deadline_in_both_zones_and_how_to_decline(client, training):
    until = timezone.now() + datetime.timedelta(hours=30)
    user, nomination = nominee(training, S.WAITLISTED, time_zone="America/New_York",
                               waitlist_position=1, offer_expires_at=until)
    client.force_login(user)
    text, found = get_text(client, seat_page(training))
    shown = times.day_time(until, "Africa/Nairobi")
    assert f"Seat offered to you until {shown} EAT" in text
    assert times.viewer_side(until, "Africa/Nairobi", "America/New_York") in text
    assert "accept it with the link in the email we sent you, or decline it" in text
    assert ("Withdraw", withdraw_url(nomination)) in found


def test_a_nominee_waiting_for_a_decision_is_told_so_and_may_withdraw(client, training):
    user, nomination = nominee(training, S.NOMINATED)
    client.force_login(user)
    text, found = get_text(client, seat_page(training))
    assert "Nominated: the facilitators have not decided yet" in text
    assert ("Withdraw", withdraw_url(nomination)) in found
    # The withdraw page is open to them although the training's pages are not.
    text, found = get_text(client, withdraw_url(nomination))
    assert "you leave the list of people waiting for a seat" in text
    assert ("Back", seat_page(training)) in found
    response = client.post(withdraw_url(nomination), {"reason": "New posting abroad"})
    assert response.status_code == 302
    assert response["Location"] == reverse("trainings:dashboard")
    nomination.refresh_from_db()
    assert nomination.status == S.WITHDRAWN


def test_after_withdrawing_the_box_says_so_and_offers_nothing_more(client, training):
    user, nomination = nominee(training, S.WITHDRAWN, decision_reason="Mission travel")
    client.force_login(user)
    text, found = get_text(client, seat_page(training))
    assert "Withdrawn: Mission travel" in text
    assert not [href for _text, href in found if "/withdraw/" in href]
    assert not {"My agenda", "My documents", "My surveys"} & {text for text, _href in found}


def test_another_persons_seat_is_never_shown(client, training, make_training):
    me, mine = nominee(training, S.CONFIRMED)
    _other, theirs = nominee(training, S.WAITLISTED, waitlist_position=1)
    client.force_login(me)
    html = client.get(detail(training)).content.decode()
    assert withdraw_url(mine) in html
    assert withdraw_url(theirs) not in html
    assert "On the waiting list" not in text_of(html)
    assert client.get(withdraw_url(theirs)).status_code == 403
    # A training where I have no nomination: no seat page, the same answer as no training.
    elsewhere = make_training(title="Uganda training", country="UG")
    nominee(elsewhere, S.WAITLISTED, waitlist_position=1)
    missing = client.get(reverse("trainings:my_seat", args=[elsewhere.pk + 1000]))
    other = client.get(seat_page(elsewhere))
    assert other.status_code == missing.status_code == 404
    assert page_without_tokens(other) == page_without_tokens(missing)
    # Nor someone else's nomination there, which I may not even see.
    _x, far = nominee(elsewhere, S.NOMINATED)
    assert client.get(withdraw_url(far)).status_code == 404


def test_withdrawing_my_seat_offers_it_to_the_next_on_the_waiting_list(
        client, make_training, django_capture_on_commit_callbacks):
    full = make_training(capacity=2)
    user, mine = nominee(full, S.CONFIRMED)
    nominee(full, S.CONFIRMED)
    _first_user, first = nominee(full, S.WAITLISTED, linked=False, waitlist_position=1)
    _second_user, second = nominee(full, S.WAITLISTED, linked=False, waitlist_position=2)
    client.force_login(user)
    text, _found = get_text(client, withdraw_url(mine))
    assert "Withdraw from " in text
    assert "The seat goes to the first person on the waiting list" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(withdraw_url(mine), {"reason": "Mission travel"}, follow=True)
    page = text_of(response.content)
    assert response.redirect_chain[-1][0] == reverse("trainings:dashboard")
    assert (f"You have withdrawn from {full}. The seat is offered to the next person on the "
            "waiting list, who has 48 hours to accept it. The training's pages are no longer "
            "open to you.") in page
    mine.refresh_from_db()
    assert (mine.status, mine.decision_reason) == (S.WITHDRAWN, "Mission travel")
    offers = [m for m in mail.outbox if m.to == [first.email]]
    assert len(offers) == 1 and "A seat is free" in offers[0].subject
    assert not [m for m in mail.outbox if m.to == [second.email]]
    first.refresh_from_db()
    assert first.has_open_offer
    assert client.get(detail(full)).status_code == 404  # no longer a participant


def test_withdrawing_needs_a_reason_and_changes_nothing_without_one(client, make_training):
    full = make_training(capacity=1)
    user, mine = nominee(full, S.CONFIRMED)
    _w, waiting = nominee(full, S.WAITLISTED, linked=False, waitlist_position=1)
    client.force_login(user)
    response = client.post(withdraw_url(mine), {"reason": "   "})
    assert response.status_code == 400
    assert "Give a reason: the facilitators and the RCO admin see it." in text_of(
        response.content)
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == S.CONFIRMED
    assert not waiting.has_open_offer
    assert mail.outbox == []


def _queries(client, user, url):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_the_waiting_list(client, make_training):
    counts = []
    for size in (2, 25):
        training = make_training(title=f"Training {size}")
        seated, _ = nominee(training, S.CONFIRMED)
        waiting, _ = nominee(training, S.WAITLISTED, linked=False, waitlist_position=1)
        for i in range(size):
            nominee(training, S.WAITLISTED, linked=False, waitlist_position=10 + i)
        counts.append((_queries(client, seated, detail(training)),
                       _queries(client, waiting, seat_page(training))))
    assert counts[0] == counts[1]
