from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone

from accounts.times import local_date

from .. import lifecycle
from ..changes import changed
from ..models import Invitation, Membership, ScopingSurvey, Training
from ..signals import training_cancelled, training_changed
from ..timezones import default_time_zone
from . import audit, notify, seats

EDITABLE_FIELDS = [
    "title", "country", "city", "time_zone", "start_date", "end_date", "schedule_option",
    "online_platform", "meeting_link", "venue", "capacity", "offer_hours",
]


S = Training.Status
# The steps of the stepper, in order; a draft stands on the first step with planning.
STEPS = [S.PLANNING, S.NOMINATIONS_OPEN, S.CONFIRMED, S.IN_DELIVERY, S.COMPLETED]
_STEP_OF = {S.DRAFT: 0, **{status: i for i, status in enumerate(STEPS)}}


def auto_title(city, start_date):
    """The title a training gets when none is given: "City – Month YYYY"."""
    return f"{city} – {start_date:%B %Y}"


def step_of(status):
    return _STEP_OF.get(status)


def check_transition(training, status, *, today=None):
    """The one rule of status changes, asked by the stepper, its confirmation page and
    `change_status`. Returns None when `training` may move to `status`, else the reason.

    One step at a time, forward or back (skipping would pass by what a step opens, e.g.
    confirming the roster before delivering); a training is completed only once it has
    started (in its own zone); a cancelled one stays cancelled; cancelling has its own form
    (it needs a reason)."""
    if training.is_cancelled:
        return "A cancelled training cannot change status."
    if status == S.CANCELLED:
        return "Use “Cancel training” and give a reason."
    if status not in _STEP_OF:
        return f"Unknown status “{status}”."
    label = S(status).label
    here, there = _STEP_OF[training.status], _STEP_OF[status]
    if training.status == status or (here == there and status == S.DRAFT):
        return f"The training is already “{label.lower()}”."
    if abs(there - here) > 1:
        nearest = STEPS[here + (1 if there > here else -1)]
        return (f"One step at a time: from “{training.get_status_display().lower()}” the "
                f"next step is “{S(nearest).label.lower()}”, not “{label.lower()}”.")
    today = today or local_date(timezone.now(), training.time_zone)
    if status == S.COMPLETED and today < training.start_date:
        return (f"It cannot be completed before it starts "
                f"({formats.date_format(training.start_date, 'l j F Y')}).")
    return None


def transitions(training):
    """The stepper's buttons: [(status, "next" | "back", reason or None)] for the step after
    and the step before the current one."""
    if training.is_cancelled:
        return []
    here = _STEP_OF[training.status]
    found = []
    if training.status == S.DRAFT:
        found.append((S.PLANNING, "next", check_transition(training, S.PLANNING)))
    elif here + 1 < len(STEPS):
        found.append((STEPS[here + 1], "next", check_transition(training, STEPS[here + 1])))
    if here > 0:
        found.append((STEPS[here - 1], "back", check_transition(training, STEPS[here - 1])))
    return found


@transaction.atomic
def create_training(*, actor, curriculum, **fields):
    fields.setdefault("time_zone", default_time_zone(fields["country"]))
    if not fields.get("title"):
        fields["title"] = auto_title(fields["city"], fields["start_date"])
    training = Training(curriculum=curriculum, created_by=actor,
                        status=Training.Status.PLANNING, **fields)
    training.full_clean()
    training.save()
    ScopingSurvey.objects.create(training=training)
    audit.record(training=training, actor=actor, action="training created", obj=training,
                 changes={k: [None, v] for k, v in audit.snapshot(training, EDITABLE_FIELDS).items()})
    training_changed.send(sender=Training, training=training, actor=actor, created=True,
                          changes={k: [None, v] for k, v in audit.snapshot(
                              training, EDITABLE_FIELDS).items()})
    changed(training, "training")
    return training


@transaction.atomic
def update_training(*, actor, training, data, time_zone_policy="keep_local"):
    """Change a training's details. Listeners (the agenda, reminders) follow in the same
    transaction; `time_zone_policy` says whether a new zone keeps local wall-clock times
    ("keep_local") or the same instants ("keep_instant")."""
    training = Training.objects.select_for_update().get(pk=training.pk)
    before = audit.snapshot(training, EDITABLE_FIELDS)
    title_was_derived = training.title == auto_title(training.city, training.start_date)
    for name, value in data.items():
        if name in EDITABLE_FIELDS:
            setattr(training, name, value)
    if not training.title or (title_was_derived and training.title == before["title"]):
        # The title follows the city and dates unless someone wrote their own.
        training.title = auto_title(training.city, training.start_date)
    training.full_clean()
    changes = audit.diff(before, audit.snapshot(training, EDITABLE_FIELDS))
    if not changes:
        return training
    training.save()
    audit.record(training=training, actor=actor, action="training changed", obj=training,
                 changes=changes)
    if "capacity" in changes:
        seats.promote_from_waitlist(training=training, actor=actor)
    training_changed.send(sender=Training, training=training, actor=actor, created=False,
                          changes=changes, time_zone_policy=time_zone_policy)
    changed(training, "training")
    return training


@transaction.atomic
def change_status(*, actor, training, status, today=None):
    """Move the training one step (check_transition says which); what the new status opens
    (the closing evaluation, the thank-you and follow-ups, see trainings.lifecycle) follows
    from the status once committed."""
    training = Training.objects.select_for_update().get(pk=training.pk)
    reason = check_transition(training, status, today=today)
    if reason:
        raise ValidationError(reason)
    before = training.status
    training.status = status
    training.completed_at = timezone.now() if status == S.COMPLETED else None
    training.save(update_fields=["status", "completed_at", "updated_at"])
    audit.record(training=training, actor=actor, action="status changed", obj=training,
                 changes={"status": [before, status]})
    changed(training, "training")
    return training


@transaction.atomic
def cancel_training(*, actor, training, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason: every member will see it."})
    training = Training.objects.select_for_update().get(pk=training.pk)
    if training.is_cancelled:
        raise ValidationError("This training is already cancelled.")
    before = training.status
    training.status = Training.Status.CANCELLED
    training.cancel_reason = reason
    training.cancelled_at = timezone.now()
    training.cancelled_by = actor
    training.save()
    Invitation.objects.filter(training=training, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now())
    audit.record(training=training, actor=actor, action="training cancelled", obj=training,
                 changes={"status": [before, training.status], "cancel_reason": [None, reason]})
    recipients = {user.email: user for user in notify.team_and_country(training)}
    for nomination in notify.seat_holders(training):
        recipients.setdefault(nomination.email, nomination.user)
    for email, user in recipients.items():
        notify.send(key=f"training-cancelled:{training.pk}:{email}", to=email, recipient=user,
                    template="training_cancelled", context={"training": training,
                                                            "url": notify.training_url(training)})
    training_cancelled.send(sender=Training, training=training, actor=actor)
    changed(training, "training")
    return training


COPIED_FIELDS = ["country", "time_zone", "schedule_option", "online_platform", "meeting_link",
                 "venue", "capacity", "offer_hours"]


@transaction.atomic
def duplicate_training(*, actor, source, start_date, end_date, city, title="", options=(),
                       copy_team=False):
    """A new training in planning, like `source` on new dates: `options` name the registered
    copiers to run (e.g. "agenda", "checklist": trainings.lifecycle), `copy_team` invites
    the same people to the same roles again (through the invitation service). One
    transaction: a failure leaves nothing behind."""
    from . import team

    if end_date < start_date:
        raise ValidationError({"end_date": "The end date is before the start date."})
    copy = create_training(actor=actor, curriculum=source.curriculum, title=title,
                           city=city, start_date=start_date, end_date=end_date,
                           **{name: getattr(source, name) for name in COPIED_FIELDS})
    for option in options:
        lifecycle.run_copier(option, source=source, copy=copy, actor=actor)
    if copy_team:
        for membership in (Membership.objects.filter(training=source).select_related("user")
                           .order_by("pk")):
            team.invite(actor=actor, training=copy, email=membership.user.email,
                        kind=Invitation.Kind.TEAM, role=membership.role)
    audit.record(training=copy, actor=actor, action="training duplicated", obj=copy,
                 changes={"copied from": [None, f"{source} (#{source.pk})"],
                          "shifted by days": [None, (start_date - source.start_date).days]})
    return copy
