import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from ..changes import changed
from ..models import AuditEntry, Invitation, Nomination, Training
from . import audit, notify

S = Nomination.Status
NOMINEE_FIELDS = ["full_name", "email", "un_entity", "job_title", "gender", "seniority",
                  "prior_experience", "note"]


class CapacityError(ValidationError):
    pass


def seats_used(training, *, now=None):
    """Approved and confirmed people, plus waitlisted people holding an open offer."""
    now = now or timezone.now()
    return Nomination.objects.filter(training=training).filter(
        Q(status__in=Nomination.SEAT_STATES)
        | Q(status=S.WAITLISTED, offer_expires_at__gt=now)
    ).count()


def _lock(training):
    return Training.objects.select_for_update().get(pk=training.pk)


def _lock_nomination(nomination):
    return Nomination.objects.select_for_update().select_related("training").get(pk=nomination.pk)


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


def _validate_new(training, data):
    email = data["email"].strip().lower()
    existing = Nomination.objects.filter(training=training, email=email).first()
    if existing:
        raise ValidationError({"email": f"{email} is already nominated for this training "
                                        f"({existing.get_status_display().lower()})."})
    return email


@transaction.atomic
def nominate(*, actor, training, data):
    email = _validate_new(training, data)
    nomination = Nomination(training=training, nominated_by=actor,
                            late=timezone.localdate() > training.nomination_deadline,
                            **{**{k: v for k, v in data.items() if k in NOMINEE_FIELDS},
                               "email": email})
    nomination.full_clean()
    nomination.save()
    audit.record(training=training, actor=actor, action="nominated", obj=nomination,
                 changes=audit.diff({}, audit.snapshot(nomination, NOMINEE_FIELDS)))
    return nomination


@transaction.atomic
def add_nominations(*, actor, training, rows):
    """Bulk insert already-validated rows (the CSV import). All or nothing."""
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


def _invite_to_seat(nomination, actor, *, expires_at=None):
    """Email the nominee a link to accept the seat (replacing any earlier link)."""
    from .team import invite

    Invitation.objects.filter(nomination=nomination, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now())
    invite(actor=actor, training=nomination.training, email=nomination.email,
           kind=Invitation.Kind.PARTICIPANT, nomination=nomination, expires_at=expires_at)


def _decide(nomination, actor, status, reason=""):
    before = nomination.status
    nomination.status = status
    nomination.decision_reason = reason
    nomination.decided_by = actor if actor is not None and actor.is_authenticated else None
    nomination.decided_at = timezone.now()
    return before


@transaction.atomic
def approve(*, actor, nomination):
    training = _lock(nomination.training)
    nomination = _lock_nomination(nomination)
    if nomination.status not in (S.NOMINATED, S.WAITLISTED, S.DECLINED):
        raise ValidationError(f"{nomination.full_name} is {nomination.get_status_display().lower()}"
                              "; only nominated, waitlisted or declined people can be approved.")
    holds_offer = nomination.has_open_offer
    if not holds_offer and seats_used(training) >= training.capacity:
        raise CapacityError(f"All {training.capacity} seats are taken; waitlist "
                            f"{nomination.full_name} instead.")
    before = _decide(nomination, actor, S.APPROVED)
    nomination.waitlist_position = None
    nomination.offer_expires_at = None
    nomination.save()
    audit.record(training=training, actor=actor, action="nomination approved", obj=nomination,
                 changes={"status": [before, nomination.status]})
    if nomination.user_id:  # has an account from before: the seat is confirmed at once
        confirm_seat(nomination=nomination, user=nomination.user)
        _notify(nomination, "confirmed")
    else:  # the invitation email is the approval notice, with the link to accept
        _invite_to_seat(nomination, actor)
    changed(training, "people")
    return nomination


@transaction.atomic
def waitlist(*, actor, nomination):
    training = _lock(nomination.training)
    nomination = _lock_nomination(nomination)
    if nomination.status not in (S.NOMINATED, S.DECLINED, S.APPROVED):
        raise ValidationError(f"{nomination.full_name} is {nomination.get_status_display().lower()}"
                              " and cannot be waitlisted.")
    freed = nomination.status == S.APPROVED
    before = _decide(nomination, actor, S.WAITLISTED)
    nomination.waitlist_position = _next_position(training)
    nomination.save()
    audit.record(training=training, actor=actor, action="nomination waitlisted", obj=nomination,
                 changes={"status": [before, nomination.status]})
    _notify(nomination, "waitlisted")
    if freed:
        promote_from_waitlist(training=training, actor=actor, skip=nomination.pk)
    return nomination


@transaction.atomic
def decline(*, actor, nomination, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason: the nominee and the RCO will see it."})
    training = _lock(nomination.training)
    nomination = _lock_nomination(nomination)
    if nomination.status in (S.DECLINED, S.WITHDRAWN):
        raise ValidationError(f"{nomination.full_name} is already "
                              f"{nomination.get_status_display().lower()}.")
    freed = nomination.status in Nomination.SEAT_STATES or nomination.has_open_offer
    before = _decide(nomination, actor, S.DECLINED, reason)
    nomination.waitlist_position = None
    nomination.offer_expires_at = None
    nomination.save()
    Invitation.objects.filter(nomination=nomination, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now())
    audit.record(training=training, actor=actor, action="nomination declined", obj=nomination,
                 changes={"status": [before, nomination.status], "reason": [None, reason]})
    _notify(nomination, "declined", reason=reason)
    if freed:
        promote_from_waitlist(training=training, actor=actor)
    changed(training, "people")
    return nomination


@transaction.atomic
def withdraw(*, actor, nomination, reason=""):
    training = _lock(nomination.training)
    nomination = _lock_nomination(nomination)
    if nomination.status in (S.DECLINED, S.WITHDRAWN):
        raise ValidationError(f"{nomination.full_name} is already "
                              f"{nomination.get_status_display().lower()}.")
    freed = nomination.status in Nomination.SEAT_STATES or nomination.has_open_offer
    before = _decide(nomination, actor, S.WITHDRAWN, (reason or "").strip())
    nomination.waitlist_position = None
    nomination.offer_expires_at = None
    nomination.save()
    Invitation.objects.filter(nomination=nomination, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now())
    audit.record(training=training, actor=actor, action="nomination withdrawn", obj=nomination,
                 changes={"status": [before, nomination.status],
                          "reason": [None, nomination.decision_reason]})
    _notify(nomination, "withdrawn", reason=nomination.decision_reason)
    if freed:
        promote_from_waitlist(training=training, actor=actor)
    changed(training, "people")
    return nomination


def confirm_seat(*, nomination, user):
    """The nominee accepted: approved (or an open offer) becomes confirmed."""
    nomination = _lock_nomination(nomination)
    holds_offer = nomination.status == S.WAITLISTED and nomination.has_open_offer
    if holds_offer or nomination.status in (S.APPROVED, S.CONFIRMED):
        nomination.status = S.CONFIRMED
    else:
        raise ValidationError("This seat is no longer available "
                              f"({nomination.get_status_display().lower()}).")
    nomination.user = user
    nomination.offer_expires_at = None
    nomination.waitlist_position = None
    nomination.save()
    from ..rules import forget_roles

    forget_roles(user)
    changed(nomination.training, "people")
    return nomination


def _next_position(training):
    top = Nomination.objects.filter(training=training).aggregate(m=Max("waitlist_position"))["m"]
    return (top or 0) + 1


def promote_from_waitlist(*, training, actor=None, skip=None):
    """Offer free seats to the waiting list in order: a time-limited offer each."""
    training = _lock(training)
    now = timezone.now()
    free = training.capacity - seats_used(training, now=now)
    if free <= 0 or training.is_cancelled:
        return []
    queue = (Nomination.objects.select_for_update()
             .filter(training=training, status=S.WAITLISTED)
             .filter(Q(offer_expires_at__isnull=True) | Q(offer_expires_at__lte=now))
             .exclude(pk=skip).order_by("waitlist_position", "created_at")[:free])
    offered = []
    for nomination in queue:
        nomination.offer_expires_at = now + datetime.timedelta(hours=training.offer_hours)
        nomination.save(update_fields=["offer_expires_at"])
        audit.record(training=training, actor=actor, action="seat offered", obj=nomination,
                     changes={"offer_expires_at": [None, nomination.offer_expires_at.isoformat()]})
        _invite_to_seat(nomination, actor, expires_at=nomination.offer_expires_at)
        offered.append(nomination)
    if offered:
        changed(training, "people")
    return offered


@transaction.atomic
def expire_offers(*, now=None):
    """Lapsed offers go back to the end of the waiting list; the next person is offered."""
    now = now or timezone.now()
    lapsed = list(Nomination.objects.select_for_update(skip_locked=True)
                  .select_related("training")
                  .filter(status=S.WAITLISTED, offer_expires_at__lte=now))
    trainings = {}
    for nomination in lapsed:
        expired_at = nomination.offer_expires_at
        nomination.offer_expires_at = None
        nomination.waitlist_position = _next_position(nomination.training)
        nomination.save(update_fields=["offer_expires_at", "waitlist_position"])
        Invitation.objects.filter(nomination=nomination, accepted_at=None,
                                  revoked_at=None).update(revoked_at=now)
        audit.record(training=nomination.training, actor=None, action="offer lapsed",
                     obj=nomination, changes={"offer_expires_at": [expired_at.isoformat(), None]})
        notify.send(key=f"offer-lapsed:{nomination.pk}:{expired_at.isoformat()}",
                    to=nomination.email, recipient=nomination.user, template="offer_lapsed",
                    context={"nomination": nomination, "training": nomination.training})
        trainings[nomination.training_id] = nomination.training
    for training in trainings.values():
        changed(training, "people")
        promote_from_waitlist(training=training)
    return len(lapsed)


@transaction.atomic
def bulk_decide(*, actor, training, nominations, action, reason=""):
    """Approve, waitlist or decline several nominations: all or nothing."""
    nominations = list(nominations)
    if not nominations:
        raise ValidationError("Select at least one nomination.")
    if action == "approve":
        training = _lock(training)
        free = training.capacity - seats_used(training)
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
    from .. import csv_nominations

    existing = set(Nomination.objects.filter(training=training).values_list("email", flat=True))
    rows, errors = csv_nominations.read(uploaded, existing_emails=existing)
    if errors:
        raise CsvRowErrors(errors)
    return add_nominations(actor=actor, training=training, rows=rows)
