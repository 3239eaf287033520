import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.delivery import deliver_due
from notifications.models import Message
from trainings.models import AuditEntry, Invitation, Nomination
from trainings.services import nominations as services
from trainings.services import team

S = Nomination.Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (email delivery) as a committed request would."""
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)
    return run


def test_nominate_refuses_a_duplicate_email(training, rco):
    data = {"full_name": "A", "email": "a@example.org", "un_entity": "IOM"}
    services.nominate(actor=rco, training=training, data=data)
    with pytest.raises(ValidationError) as excinfo:
        services.nominate(actor=rco, training=training, data={**data, "email": "A@Example.org"})
    assert "already nominated" in excinfo.value.message_dict["email"][0]
    assert Nomination.objects.count() == 1


def test_nomination_after_the_deadline_is_accepted_but_flagged(make_training, rco):
    late_training = make_training(start_date=timezone.localdate() + datetime.timedelta(days=10),
                                  end_date=timezone.localdate() + datetime.timedelta(days=12))
    nomination = services.nominate(actor=rco, training=late_training, data={
        "full_name": "Late", "email": "late@example.org", "un_entity": "IOM"})
    assert nomination.late is True


def test_approval_emails_an_invitation_and_acceptance_confirms_the_seat(
        training, lead, nominate_many, commit):
    (nomination,) = nominate_many(training, 1)
    commit(services.approve, actor=lead, nomination=nomination)
    nomination.refresh_from_db()
    assert nomination.status == S.APPROVED
    assert len(mail.outbox) == 1
    assert "Your seat at" in mail.outbox[0].subject
    invitation = Invitation.objects.get(nomination=nomination)
    token = mail.outbox[0].body.split("/invitations/")[1].split("/")[0]
    assert team.find_invitation(token) == invitation
    user = team.create_account_and_accept(invitation=invitation, full_name="Person 0",
                                          password="a-Long-pass-123")
    nomination.refresh_from_db()
    assert nomination.status == S.CONFIRMED
    assert nomination.user == user
    assert user.emailaddress_set.get().verified


def test_capacity_is_enforced(make_training, lead, nominate_many):
    small = make_training(capacity=2)
    a, b, c = nominate_many(small, 3)
    services.approve(actor=lead, nomination=a)
    services.approve(actor=lead, nomination=b)
    with pytest.raises(services.CapacityError, match="All 2 seats are taken"):
        services.approve(actor=lead, nomination=c)
    c.refresh_from_db()
    assert c.status == S.NOMINATED


def test_bulk_approve_over_capacity_changes_nothing(make_training, lead, nominate_many):
    small = make_training(capacity=3)
    people = nominate_many(small, 4)
    with pytest.raises(services.CapacityError, match="only 3 of 3 seats are free"):
        services.bulk_decide(actor=lead, training=small, nominations=people, action="approve")
    assert not Nomination.objects.filter(status=S.APPROVED).exists()


def test_decline_needs_a_reason_and_tells_nominee_and_rco(training, lead, rco, nominate_many,
                                                          commit):
    (nomination,) = nominate_many(training, 1)
    with pytest.raises(ValidationError):
        services.decline(actor=lead, nomination=nomination, reason="  ")
    commit(services.decline, actor=lead, nomination=nomination, reason="Not in the UNCT")
    nomination.refresh_from_db()
    assert (nomination.status, nomination.decision_reason) == (S.DECLINED, "Not in the UNCT")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([nomination.email, rco.email])
    assert all("Not in the UNCT" in m.body for m in mail.outbox)


def test_a_freed_seat_is_offered_to_the_first_waitlisted_person(make_training, lead, nominate_many,
                                                               commit):
    small = make_training(capacity=2)
    a, b = nominate_many(small, 2, status=S.APPROVED)
    first, second = nominate_many(small, 2, status=S.WAITLISTED, start=2)
    commit(services.withdraw, actor=lead, nomination=a, reason="Mission travel")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.has_open_offer
    assert not second.has_open_offer
    assert first.offer_expires_at == pytest.approx(
        timezone.now() + datetime.timedelta(hours=48), abs=datetime.timedelta(minutes=1))
    offer = [m for m in mail.outbox if m.to == [first.email]]
    assert len(offer) == 1 and "A seat is free" in offer[0].subject
    # the offer holds the seat: nobody else can be approved meanwhile
    with pytest.raises(services.CapacityError):
        services.approve(actor=lead, nomination=second)
    # accepting the offer confirms the seat
    invitation = Invitation.objects.get(nomination=first, revoked_at=None)
    team.create_account_and_accept(invitation=invitation, full_name="First",
                                   password="a-Long-pass-123")
    first.refresh_from_db()
    assert first.status == S.CONFIRMED
    assert services.seats_used(small) == 2


def test_a_lapsed_offer_moves_to_the_next_person(make_training, lead, nominate_many, commit):
    small = make_training(capacity=1)
    (seated,) = nominate_many(small, 1, status=S.APPROVED)
    first, second = nominate_many(small, 2, status=S.WAITLISTED, start=1)
    services.withdraw(actor=lead, nomination=seated)
    first.refresh_from_db()
    assert first.has_open_offer
    later = first.offer_expires_at + datetime.timedelta(seconds=1)
    commit(services.expire_offers, now=later)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.offer_expires_at is None
    assert first.waitlist_position > second.waitlist_position  # back of the queue
    assert second.offer_expires_at is not None
    assert Invitation.objects.get(nomination=first, accepted_at=None).revoked_at is not None
    assert any("lapsed" in m.subject for m in mail.outbox if m.to == [first.email])
    assert AuditEntry.objects.filter(action="offer lapsed", object_id=first.pk).exists()


def test_an_expired_offer_link_cannot_be_used(make_training, lead, nominate_many):
    small = make_training(capacity=1)
    (seated,) = nominate_many(small, 1, status=S.APPROVED)
    (waiting,) = nominate_many(small, 1, status=S.WAITLISTED, start=1)
    services.withdraw(actor=lead, nomination=seated)
    invitation = Invitation.objects.get(nomination=waiting, revoked_at=None)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    Nomination.objects.filter(pk=waiting.pk).update(offer_expires_at=timezone.now())
    invitation.refresh_from_db()
    with pytest.raises(ValidationError, match="expired"):
        team.create_account_and_accept(invitation=invitation, full_name="W",
                                       password="a-Long-pass-123")


def test_raising_capacity_offers_the_new_seats(make_training, lead, nominate_many):
    from trainings.services.training import update_training

    small = make_training(capacity=1)
    nominate_many(small, 1, status=S.APPROVED)
    waiting = nominate_many(small, 2, status=S.WAITLISTED, start=1)
    update_training(actor=lead, training=small, data={"capacity": 3})
    assert all(Nomination.objects.get(pk=n.pk).has_open_offer for n in waiting)


def test_every_state_change_is_audited(training, lead, nominate_many):
    (nomination,) = nominate_many(training, 1)
    services.waitlist(actor=lead, nomination=nomination)
    services.approve(actor=lead, nomination=nomination)
    actions = list(AuditEntry.objects.filter(object_id=nomination.pk, object_type="nomination")
                   .order_by("pk").values_list("action", "changes"))
    assert actions[0] == ("nomination waitlisted", {"status": ["nominated", "waitlisted"]})
    assert actions[1] == ("nomination approved", {"status": ["waitlisted", "approved"]})


def test_emails_are_queued_once_even_if_delivery_runs_twice(training, lead, nominate_many, commit):
    (nomination,) = nominate_many(training, 1)
    commit(services.waitlist, actor=lead, nomination=nomination)
    email = Message.objects.get(address=nomination.email)
    assert email.state == Message.State.SENT      # sent by the on-commit nudge
    assert deliver_due() == 0                     # a second delivery finds nothing to send
    assert len(mail.outbox) == 1


def test_nominate_validates_through_the_nomination_form(training, rco):
    """The service refuses what the form refuses, with the form's words (no second copy of
    the rules): a too-long name, an unknown choice."""
    from trainings.forms import NominationForm

    data = {"full_name": "x" * 201, "email": "long@example.org", "un_entity": "IOM",
            "gender": "robot"}
    with pytest.raises(ValidationError) as excinfo:
        services.nominate(actor=rco, training=training, data=data)
    form = NominationForm(data, training=training)
    assert not form.is_valid()
    assert excinfo.value.message_dict == {k: list(v) for k, v in form.errors.items()}
    assert excinfo.value.message_dict["full_name"] == ["is longer than 200 characters"]
    assert Nomination.objects.count() == 0


def test_nominate_fills_what_the_caller_left_out(training, rco):
    nomination = services.nominate(actor=rco, training=training, data={
        "full_name": " Amina ", "email": " Amina@UN.org ", "un_entity": "IOM"})
    assert (nomination.full_name, nomination.email, nomination.gender, nomination.job_title) == (
        "Amina", "amina@un.org", Nomination.Gender.UNDISCLOSED, "")


def test_withdrawing_an_offer_holder_offers_the_seat_to_the_next(make_training, lead,
                                                                 nominate_many):
    """An open offer holds a seat (holding_seats): giving it up frees it."""
    small = make_training(capacity=1)
    (seated,) = nominate_many(small, 1, status=S.APPROVED)
    first, second = nominate_many(small, 2, status=S.WAITLISTED, start=1)
    services.withdraw(actor=lead, nomination=seated)
    first.refresh_from_db()
    assert first.has_open_offer
    services.withdraw(actor=lead, nomination=first)
    second.refresh_from_db()
    assert second.has_open_offer


def test_cancelling_tells_offer_holders_too(make_training, lead, nominate_many):
    from notifications.models import Message
    from trainings.services.training import cancel_training

    small = make_training(capacity=1)
    (seated,) = nominate_many(small, 1, status=S.APPROVED)
    (waiting,) = nominate_many(small, 1, status=S.WAITLISTED, start=1)
    services.withdraw(actor=lead, nomination=seated)
    cancel_training(actor=lead, training=small, reason="No venue")
    told = set(Message.objects.filter(kind="training_cancelled").values_list("address", flat=True))
    assert waiting.email in told
    assert seated.email not in told  # withdrawn: no longer holds a seat
