"""The phases of a training, T-60 to T+90 (T: the first day), and where it stands today in
its own zone. Dates only (no instants): the phases are whole local days."""

import datetime
from dataclasses import dataclass

from accounts import times

from .models import NOMINATION_DEADLINE_DAYS

D = datetime.timedelta


@dataclass
class Phase:
    label: str
    first: datetime.date
    last: datetime.date
    state: str            # "done" | "current" | "upcoming"

    @property
    def is_current(self):
        return self.state == "current"


def _bounds(training):
    """[(label, first day, last day)] in order; each phase ends the day before the next."""
    start, end = training.start_date, training.end_date
    deadline = start - D(days=NOMINATION_DEADLINE_DAYS)
    return [
        ("Preparation", start - D(days=60), start - D(days=43)),
        ("Nominations", start - D(days=42), deadline),
        ("Final preparation", deadline + D(days=1), start - D(days=1)),
        ("Delivery", start, end),
        ("Follow-up to +30 days", end + D(days=1), end + D(days=30)),
        ("Follow-up to +90 days", end + D(days=31), end + D(days=90)),
    ]


def phases(training, now):
    """The phases with their state on `now`'s date in the training's zone. A cancelled
    training has no current phase."""
    today = times.local_date(now, training.time_zone)
    found = []
    for label, first, last in _bounds(training):
        if today > last:
            state = "done"
        elif today >= first and not training.is_cancelled:
            state = "current"
        else:
            state = "upcoming"
        found.append(Phase(label=label, first=first, last=last, state=state))
    return found
