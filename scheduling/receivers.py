"""The agenda follows its training: laid out when created or when the option changes, moved
with the dates, re-anchored when the zone changes and local times are to be kept."""

import datetime

from django.db import transaction
from django.db.models import F
from django.dispatch import receiver

from trainings.signals import people_changed, training_cancelled, training_changed

from .models import Slot
from .services import checklist, editing, layout, reminders


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
    follow_up(training)


def follow_up(training):
    """The checklist's due dates and the planned reminders follow the training's state."""
    checklist.plan(training=training)
    reminders.replan(training=training)


@receiver(people_changed)
def people_changed_replan(sender, *, training, **kwargs):
    with transaction.atomic():
        reminders.replan(training=training)


@receiver(training_cancelled)
def cancel_in_calendars(sender, *, training, **kwargs):
    """Calendars keep the events but mark them cancelled (STATUS and a higher SEQUENCE)."""
    Slot.objects.filter(training=training).update(sequence=F("sequence") + 1)
    reminders.cancel_all(training=training)
