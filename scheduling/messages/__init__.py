"""Message kinds about the agenda, sessions and the checklist: one module per kind,
registered with the outbox (notifications.kinds) when the app is ready.

`plan_training` is the one place that derives a training's planned messages from its state;
it runs once per committed change (scheduling.receivers)."""

from django.utils import timezone

from notifications import kinds
from notifications.services import sync_planned

from . import (  # noqa: F401 - each module registers its kind
    action_plan_30,
    action_plan_90,
    agenda_changed,
    agenda_published,
    checklist_digest,
    nomination_deadline,
    nominations_short,
    notes_due,
    offer_lapsing,
    session_1h,
    session_24h,
    thank_you,
)
from .base import People


def plan_training(*, training, now=None):
    """Make the training's planned messages match its state (create, move, cancel)."""
    now = now or timezone.now()
    planned = kinds.planned_kinds()
    wanted = []
    if not training.is_cancelled:
        people = People.of(training)
        for kind in planned:
            wanted.extend(kind.plan(training, now=now, people=people))
    return sync_planned(training=training, kind_names=[k.name for k in planned], wanted=wanted,
                        now=now)
