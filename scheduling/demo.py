"""Demo agenda: the Kenya training laid out with Annex III Option 2 and published."""

from .models import Agenda, Slot
from .services import layout


def seed(*, training, actor):
    if not Slot.objects.filter(training=training).exists():
        layout.lay_out(actor=actor, training=training, option="option-2")
    Agenda.objects.filter(training=training, published_at=None).update(
        published_at=training.created_at, published_version=1, notified_version=1)
    from .messages import plan_training
    from .services import checklist

    checklist.plan(training=training)
    plan_training(training=training)
    return training
