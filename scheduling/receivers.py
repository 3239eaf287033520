"""The agenda follows its training inside the writing transaction (laid out when created or
when the option changes, moved with the dates, re-anchored when the zone changes and local
times are to be kept). What derives from the committed state (the checklist's due dates,
the planned messages) follows once per transaction, after commit (trainings.changes)."""

import datetime

from django.db import transaction
from django.db.models import F
from django.dispatch import receiver

from notifications import kinds
from notifications.services import cancel_scheduled
from trainings.changes import committed
from trainings.signals import training_cancelled, training_changed

from .messages import plan_training
from .models import Slot
from .services import checklist, editing, layout


@receiver(training_changed)
def follow_training(sender, *, training, actor, created, changes, time_zone_policy=None,
                    **kwargs):
    if created or "schedule_option" in changes or not Slot.objects.filter(
            training=training).exists():
        # Undoing a new option would leave the training's option behind: not undoable here.
        layout.lay_out(actor=actor, training=training, undoable=created)
    else:
        if "time_zone" in changes and time_zone_policy == "keep_local":
            editing.keep_wall_clock(actor=actor, training=training,
                                    old_tz=changes["time_zone"][0])
        if "start_date" in changes:
            before, after = (datetime.date.fromisoformat(v) for v in changes["start_date"])
            if after != before:
                editing.shift_days(actor=actor, training=training, days=(after - before).days)


@receiver(committed)
def follow_up(sender, *, training, reasons, **kwargs):
    """Once per committed change: the checklist's due dates follow the training and its
    agenda; the planned messages follow the training, its agenda and its people."""
    from trainings.models import Training

    training = Training.objects.filter(pk=training.pk).first()
    if training is None:
        return
    with transaction.atomic():
        if reasons & {"training", "agenda"}:
            checklist.plan(training=training)
        plan_training(training=training)


@receiver(training_cancelled)
def cancel_in_calendars(sender, *, training, **kwargs):
    """Calendars keep the events but mark them cancelled (STATUS and a higher SEQUENCE);
    the training's reminders and pending agenda news are cancelled with the reason (the
    email announcing the cancellation goes)."""
    Slot.objects.filter(training=training).update(sequence=F("sequence") + 1)
    names = [kind.name for kind in kinds.planned_kinds()] + ["agenda_changed"]
    cancel_scheduled(training=training, kind_names=names, why="training cancelled")
