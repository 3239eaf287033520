"""Signals for higher apps (scheduling, reminders) that must follow a training's changes."""

from django.dispatch import Signal

# Sent inside the writing transaction, so listeners change their data atomically with it.
# training_changed: training=, actor=, created=bool, changes={field: [before, after]},
#                   time_zone_policy="keep_local" | "keep_instant" (updates only)
training_changed = Signal()
# training_cancelled: training=, actor=
training_cancelled = Signal()
# What follows a committed change (checklists, planned messages) listens to
# trainings.changes.committed instead: once per transaction, after commit.
