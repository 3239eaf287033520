"""The one place that tells subscribers a training changed, once per transaction.

Services call `changed(training, reason)` inside their transaction (reason: "training",
"people" or "agenda"); however many times a transaction calls it for one training, the
`committed` signal is sent once, after commit, with every reason gathered. Checklists and
planned messages subscribe (scheduling.receivers). A change rolled back sends nothing.

Subscribers run after the commit; an error in one is logged (robust on_commit), never turned
into an error for the user whose change was saved.
"""

from django.db import connection, transaction
from django.dispatch import Signal

# committed: training=, reasons=frozenset of "training" | "people" | "agenda"
committed = Signal()


def _flush(pending, training_id):
    entry = pending.pop(training_id, None)
    if entry is not None:  # the first callback of the transaction sends; the others find none
        committed.send(sender=None, training=entry["training"],
                       reasons=frozenset(entry["reasons"]))


def changed(training, reason):
    """Record that `training` changed for `reason`; subscribers hear of it once on commit."""
    if not connection.in_atomic_block:
        committed.send(sender=None, training=training, reasons=frozenset({reason}))
        return
    pending = connection.__dict__.setdefault("_training_changes", {})
    entry = pending.setdefault(training.pk, {"reasons": set()})
    entry["training"] = training
    entry["reasons"].add(reason)
    transaction.on_commit(lambda: _flush(pending, training.pk), robust=True)
