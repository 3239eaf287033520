from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..changes import changed
from ..models import Invitation, ScopingSurvey, Training
from ..signals import training_cancelled, training_changed
from ..timezones import default_time_zone
from . import audit, notify, seats

EDITABLE_FIELDS = [
    "title", "country", "city", "time_zone", "start_date", "end_date", "schedule_option",
    "online_platform", "meeting_link", "venue", "capacity", "offer_hours",
]


@transaction.atomic
def create_training(*, actor, curriculum, **fields):
    fields.setdefault("time_zone", default_time_zone(fields["country"]))
    if not fields.get("title"):
        fields["title"] = f"{fields['city']} – {fields['start_date']:%B %Y}"
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
    for name, value in data.items():
        if name in EDITABLE_FIELDS:
            setattr(training, name, value)
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
def change_status(*, actor, training, status):
    training = Training.objects.select_for_update().get(pk=training.pk)
    if training.is_cancelled:
        raise ValidationError("A cancelled training cannot change status.")
    if status == Training.Status.CANCELLED:
        raise ValidationError("Use “Cancel training” and give a reason.")
    if status not in Training.Status.values:
        raise ValidationError(f"Unknown status “{status}”.")
    before = training.status
    if before == status:
        return training
    training.status = status
    training.save(update_fields=["status", "updated_at"])
    audit.record(training=training, actor=actor, action="status changed", obj=training,
                 changes={"status": [before, status]})
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
