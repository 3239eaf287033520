"""The seat lifecycle: capacity, offers to the waiting list, the invitation to take a seat,
its acceptance (confirmation) and lapsed offers. `nominations.py` (decisions), `team.py`
(accepting an invitation) and `training.py` (capacity raised) call these; this module
imports none of them.

A seat is held by approved and confirmed people and by waitlisted people whose offer is
open (`Nomination.objects.holding_seats`). Capacity is enforced under a row lock on the
training, so two facilitators approving the last seat at once cannot overbook."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .. import selectors
from ..changes import changed
from ..models import Invitation, Nomination, Training
from ..rules import forget_roles
from . import audit, invitations, notify

S = Nomination.Status


class CapacityError(ValidationError):
    pass


def lock_training(training):
    return Training.objects.select_for_update().get(pk=training.pk)


def lock_nomination(nomination):
    return Nomination.objects.select_for_update().select_related("training").get(pk=nomination.pk)


def seats_used(training, *, now=None):
    """Seats held at `now`: `Nomination.objects.holding_seats`."""
    return Nomination.objects.filter(training=training).holding_seats(now).count()


def free_seats(training, *, now=None):
    return training.capacity - seats_used(training, now=now)


def next_position(training):
    top = Nomination.objects.filter(training=training).aggregate(m=Max("waitlist_position"))["m"]
    return (top or 0) + 1


def invite_to_seat(*, nomination, actor, expires_at=None):
    """Email the nominee a link to accept the seat (replacing any earlier link)."""
    invitations.revoke_pending(nomination=nomination)
    return invitations.issue(actor=actor, training=nomination.training, email=nomination.email,
                             kind=Invitation.Kind.PARTICIPANT, nomination=nomination,
                             expires_at=expires_at)


def confirm_seat(*, nomination, user):
    """The nominee accepted: approved (or an open offer) becomes confirmed."""
    nomination = lock_nomination(nomination)
    if not nomination.holds_seat():
        raise ValidationError("This seat is no longer available "
                              f"({nomination.get_status_display().lower()}).")
    nomination.status = S.CONFIRMED
    nomination.user = user
    nomination.offer_expires_at = None
    nomination.waitlist_position = None
    nomination.save()
    forget_roles(user)
    changed(nomination.training, "people")
    return nomination


def accept_seat(*, invitation, user):
    """Accepting a participant invitation (`team.accept` records the invitation itself)."""
    return confirm_seat(nomination=invitation.nomination, user=user)


def _offer(training, nomination, *, actor, now):
    nomination.offer_expires_at = now + datetime.timedelta(hours=training.offer_hours)
    nomination.save(update_fields=["offer_expires_at"])
    audit.record(training=training, actor=actor, action="seat offered", obj=nomination,
                 changes={"offer_expires_at": [None, nomination.offer_expires_at.isoformat()]})
    invite_to_seat(nomination=nomination, actor=actor, expires_at=nomination.offer_expires_at)


def promote_from_waitlist(*, training, actor=None, skip=None):
    """Offer free seats to the waiting list in order: a time-limited offer each."""
    training = lock_training(training)
    now = timezone.now()
    free = free_seats(training, now=now)
    if free <= 0 or training.is_cancelled:
        return []
    queue = list(selectors.waiting_queue(training, now=now).select_for_update()
                 .exclude(pk=skip)[:free])
    for nomination in queue:
        _offer(training, nomination, actor=actor, now=now)
    if queue:
        changed(training, "people")
    return queue


def _lapse(nomination, *, now):
    expired_at = nomination.offer_expires_at
    nomination.offer_expires_at = None
    nomination.waitlist_position = next_position(nomination.training)
    nomination.save(update_fields=["offer_expires_at", "waitlist_position"])
    invitations.revoke_pending(nomination=nomination, now=now)
    audit.record(training=nomination.training, actor=None, action="offer lapsed",
                 obj=nomination, changes={"offer_expires_at": [expired_at.isoformat(), None]})
    notify.send(key=f"offer-lapsed:{nomination.pk}:{expired_at.isoformat()}",
                to=nomination.email, recipient=nomination.user, template="offer_lapsed",
                context={"nomination": nomination, "training": nomination.training})


@transaction.atomic
def expire_offers(*, now=None):
    """Lapsed offers go back to the end of the waiting list; the next person is offered."""
    now = now or timezone.now()
    lapsed = list(Nomination.objects.select_for_update(skip_locked=True)
                  .select_related("training")
                  .filter(status=S.WAITLISTED, offer_expires_at__lte=now))
    trainings = {}
    for nomination in lapsed:
        _lapse(nomination, now=now)
        trainings[nomination.training_id] = nomination.training
    for training in trainings.values():
        changed(training, "people")
        promote_from_waitlist(training=training)
    return len(lapsed)
