"""Signals for higher apps (scheduling, reminders) that must follow a training's changes."""

from django.dispatch import Signal

# sent with training=, changed=set of field names, actor=
training_changed = Signal()
# sent with training=, actor=
training_cancelled = Signal()
# sent with training= whenever memberships, RCO admins or participants change
people_changed = Signal()
