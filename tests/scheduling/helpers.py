
from accounts.times import local
from scheduling.selectors import agenda_report, slots_of
from tests.builders import training_with_agenda


def make_agenda(**fields):
    """A training with an agenda: the one builder (tests/builders.py)."""
    return training_with_agenda(**fields)


def rows(training):
    """(local day, start, end, kind, title) of every slot."""
    return [(local(s.start, training.time_zone).strftime("%Y-%m-%d"),
             local(s.start, training.time_zone).strftime("%H:%M"),
             local(s.end, training.time_zone).strftime("%H:%M"), s.kind, s.title)
            for s in slots_of(training)]


def issues(training):
    report = agenda_report(training)
    return report


def slot(training, day, start):
    for s in slots_of(training):
        here = local(s.start, training.time_zone)
        if here.strftime("%Y-%m-%d") == day and here.strftime("%H:%M") == start:
            return s
    raise AssertionError(f"no slot at {day} {start}")
