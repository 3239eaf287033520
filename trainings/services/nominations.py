"""Nominations: nominate (one, or a CSV file), approve, waitlist, decline, withdraw. The
seats themselves (capacity, offers, invitations to take a seat, confirmation) are in
`seats.py`; a nominee is validated by `forms.NominationForm` only (`check_nominee`)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..changes import changed
from ..forms import NominationForm
from ..models import AuditEntry, Nomination
from . import audit, invitations, notify, seats
from .seats import (  # noqa: F401 - the seat lifecycle, re-exported for callers of this module
    CapacityError,
    confirm_seat,
    expire_offers,
    promote_from_waitlist,
    seats_used,
)

S = Nomination.Status
NOMINEE_FIELDS = list(Nomination.NOMINEE_FIELDS)


def _notify(nomination, event, **extra):
    """Tell the nominee, and the country's RCO admins when they need to know."""
    training = nomination.training
    context = {"nomination": nomination, "training": training, "event": event,
               "url": notify.training_url(training), **extra}
    stamp = nomination.decided_at or timezone.now()
    notify.send(key=f"nomination:{nomination.pk}:{event}:{stamp.isoformat()}",
                to=nomination.email, recipient=nomination.user,
                template=f"nomination_{event}", context=context)
    if event in ("declined", "withdrawn"):
        for admin in notify.country_admins(training):
            notify.send(key=f"nomination:{nomination.pk}:{event}:{stamp.isoformat()}:{admin.pk}",
                        to=admin.email, recipient=admin, template="nomination_rco_update",
                        context=context)


def check_nominee(*, training, data, existing=None):
    """The one validation of a nominee (fields, lengths, choices, the address not already
    nominated for the training): `forms.NominationForm`. Returns the cleaned fields or
    raises ValidationError {field: [messages]}. `existing`: see NominationForm."""
    form = NominationForm(data, training=training, existing=existing)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.cleaned_data


@transaction.atomic
def nominate(*, actor, training, data):
    cleaned = check_nominee(training=training, data=data)
    nomination = Nomination(training=training, nominated_by=actor,
                            late=timezone.localdate() > training.nomination_deadline,
                            **{k: cleaned[k] for k in NOMINEE_FIELDS})
    nomination.full_clean()
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError as exc:  # nominated a moment ago by someone else
        raise ValidationError({"email": f"{nomination.email} is already nominated for this "
                                        "training."}) from exc
    audit.record(training=training, actor=actor, action="nominated", obj=nomination,
                 changes=audit.diff({}, audit.snapshot(nomination, NOMINEE_FIELDS)))
    return nomination


@transaction.atomic
def add_nominations(*, actor, training, rows):
    """Bulk insert rows validated by `check_nominee`'s form (the CSV import). All or
    nothing."""
    late = timezone.localdate() > training.nomination_deadline
    nominations = Nomination.objects.bulk_create([
        Nomination(training=training, nominated_by=actor, late=late, **row) for row in rows
    ])
    if not nominations or nominations[0].pk is None:  # backends without RETURNING
        emails = [row["email"] for row in rows]
        nominations = list(Nomination.objects.filter(training=training, email__in=emails))
    AuditEntry.objects.bulk_create([
        audit.entry(training=training, actor=actor, action="nominated (CSV import)", obj=n,
                    changes=audit.diff({}, audit.snapshot(n, NOMINEE_FIELDS)))
        for n in nominations
    ])
    return nominations


def _decide(nomination, actor, status, reason=""):
    before = nomination.status
    nomination.status = status
    nomination.decision_reason = reason
    nomination.decided_by = actor if actor is not None and actor.is_authenticated else None
    nomination.decided_at = timezone.now()
    return before


def _status_error(nomination, tail):
    return ValidationError(f"{nomination.full_name} is "
                           f"{nomination.get_status_display().lower()}{tail}")


@transaction.atomic
def approve(*, actor, nomination):
    training = seats.lock_training(nomination.training)
    nomination = seats.lock_nomination(nomination)
    if nomination.status not in (S.NOMINATED, S.WAITLISTED, S.DECLINED):
        raise _status_error(nomination, "; only nominated, waitlisted or declined people can be "
                                        "approved.")
    if not nomination.holds_seat() and seats.free_seats(training) <= 0:
        raise CapacityError(f"All {training.capacity} seats are taken; waitlist "
                            f"{nomination.full_name} instead.")
    before = _decide(nomination, actor, S.APPROVED)
    nomination.waitlist_position = None
    nomination.offer_expires_at = None
    nomination.save()
    audit.record(training=training, actor=actor, action="nomination approved", obj=nomination,
                 changes={"status": [before, nomination.status]})
    if nomination.user_id:  # has an account from before: the seat is confirmed at once
        seats.confirm_seat(nomination=nomination, user=nomination.user)
        _notify(nomination, "confirmed")
    else:  # the invitation email is the approval notice, with the link to accept
        seats.invite_to_seat(nomination=nomination, actor=actor)
    changed(training, "people")
    return nomination


@transaction.atomic
def waitlist(*, actor, nomination):
    training = seats.lock_training(nomination.training)
    nomination = seats.lock_nomination(nomination)
    if nomination.status not in (S.NOMINATED, S.DECLINED, S.APPROVED):
        raise _status_error(nomination, " and cannot be waitlisted.")
    freed = nomination.status == S.APPROVED
    before = _decide(nomination, actor, S.WAITLISTED)
    nomination.waitlist_position = seats.next_position(training)
    nomination.save()
    audit.record(training=training, actor=actor, action="nomination waitlisted", obj=nomination,
                 changes={"status": [before, nomination.status]})
    _notify(nomination, "waitlisted")
    if freed:
        seats.promote_from_waitlist(training=training, actor=actor, skip=nomination.pk)
    return nomination


def _close(*, actor, nomination, status, reason):
    """Decline or withdraw: the seat (if any) goes to the waiting list."""
    training = seats.lock_training(nomination.training)
    nomination = seats.lock_nomination(nomination)
    if nomination.is_final:
        raise ValidationError(f"{nomination.full_name} is already "
                              f"{nomination.get_status_display().lower()}.")
    freed = nomination.holds_seat()
    before = _decide(nomination, actor, status, reason)
    nomination.waitlist_position = None
    nomination.offer_expires_at = None
    nomination.save()
    invitations.revoke_pending(nomination=nomination)
    audit.record(training=training, actor=actor, action=f"nomination {status}", obj=nomination,
                 changes={"status": [before, nomination.status], "reason": [None, reason]})
    _notify(nomination, status, reason=reason)
    if freed:
        seats.promote_from_waitlist(training=training, actor=actor)
    changed(training, "people")
    return nomination


@transaction.atomic
def decline(*, actor, nomination, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason: the nominee and the RCO will see it."})
    return _close(actor=actor, nomination=nomination, status=S.DECLINED, reason=reason)


@transaction.atomic
def withdraw(*, actor, nomination, reason=""):
    return _close(actor=actor, nomination=nomination, status=S.WITHDRAWN,
                  reason=(reason or "").strip())


@transaction.atomic
def bulk_decide(*, actor, training, nominations, action, reason=""):
    """Approve, waitlist or decline several nominations: all or nothing."""
    nominations = list(nominations)
    if not nominations:
        raise ValidationError("Select at least one nomination.")
    if action == "approve":
        training = seats.lock_training(training)
        free = seats.free_seats(training)
        if len(nominations) > free:
            raise CapacityError(f"You selected {len(nominations)} but only {free} of "
                                f"{training.capacity} seats are free; nothing was changed.")
    handlers = {
        "approve": lambda n: approve(actor=actor, nomination=n),
        "waitlist": lambda n: waitlist(actor=actor, nomination=n),
        "decline": lambda n: decline(actor=actor, nomination=n, reason=reason),
    }
    if action not in handlers:
        raise ValidationError(f"Unknown action “{action}”.")
    return [handlers[action](n) for n in nominations]


class CsvRowErrors(ValidationError):
    """Row-level problems of a CSV import; `.rows` holds (row, column, message)."""

    def __init__(self, rows):
        self.rows = rows
        super().__init__(f"{len(rows)} problem(s) in the file; nothing was imported.")


def import_csv(*, actor, training, uploaded):
    """Read, validate (every row through `check_nominee`'s form) and insert a CSV file of
    nominees: all or nothing. One query for the addresses already nominated."""
    from .. import csv_nominations

    existing = dict(Nomination.objects.filter(training=training).values_list("email", "status"))
    rows, errors = csv_nominations.read(uploaded, existing_emails=existing)
    if errors:
        raise CsvRowErrors(errors)
    return add_nominations(actor=actor, training=training, rows=rows)
