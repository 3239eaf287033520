"""Enqueueing background work without ever turning a saved change into an error.

A task is only a nudge: the rows it works on are already committed, and a periodic sweep
(beat) picks up whatever was not enqueued. So enqueueing is best-effort: after commit, and a
broker that is down is logged, never raised to the user (DESIGN.md section 7).
"""

import importlib
import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args, countdown=None, **kwargs):
    """Send `task` (a task, or its registered name, so that a service need not import its
    own tasks module) to the broker now; a broker failure is logged and swallowed.

    Returns True if the broker took the task. Side effects: one broker publish (or, with
    `task_always_eager`, the task runs inline and its own errors propagate as usual).
    """
    from .celery import app

    if isinstance(task, str):
        module, _, name = task.rpartition(".")
        task = getattr(importlib.import_module(module), name)

    if app.conf.task_always_eager:
        task.apply_async(args=args, kwargs=kwargs)
        return True
    try:
        task.apply_async(args=args, kwargs=kwargs, countdown=countdown)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the sweep picks the row up
        logger.warning("Could not enqueue %s (%s: %s); the periodic sweep will pick it up.",
                       task.name, exc.__class__.__name__, exc)
        return False
    return True


def enqueue_on_commit(task, *args, countdown=None, **kwargs):
    """`enqueue` once the surrounding transaction commits. Robust (a failure is logged, the
    saved change still answers) except where tasks run inline (tests), so that a task's
    error fails the test instead of hiding in a log."""
    from .celery import app

    transaction.on_commit(lambda: enqueue(task, *args, countdown=countdown, **kwargs),
                          robust=not app.conf.task_always_eager)
