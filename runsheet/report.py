"""The attendance report (reads only) and the one count of attendance the certificates use.

`attendance_rates` is the single place that says how much of a training a person attended:
the certificate check (`documents.services.eligible`), the completion step's count
(`documents.lifecycle_effects`) and this report all call it, so the report marks below the
threshold exactly the people a certificate is refused to. See docs/attendance.md."""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q

from accounts.times import when_text
from scheduling.models import Slot, SlotKind
from trainings.models import Nomination

from .models import Attendance

ATTENDED = (Attendance.Status.PRESENT, Attendance.Status.LATE)
STATUSES = Attendance.Status
# The sessions the report lists (online and offline elements); any other slot where
# attendance was taken is listed too, since the percentage counts it.
ELEMENT_KINDS = (SlotKind.ONLINE, SlotKind.OFFLINE)
# The levels of the report, from most to least (rules: runsheet.rules.ATTENDANCE_LEVELS).
FULL, MARKS, SELF = "full", "marks", "self"


def attendance_rates(training):
    """({nomination id: share of the sessions with attendance taken that the person
    attended (present or late)}, number of those sessions), for every confirmed participant.
    Two queries, whatever the number of people and sessions."""
    taken = Slot.objects.filter(training=training, attendance__isnull=False).distinct().count()
    rows = Nomination.objects.filter(training=training, status=Nomination.Status.CONFIRMED
                                     ).annotate(attended=Count(
                                         "attendance", filter=Q(attendance__status__in=ATTENDED),
                                         distinct=True))
    return {n.pk: (n.attended / taken if taken else 0.0) for n in rows}, taken


def below_threshold(rate, taken):
    """True when `documents.services.eligible` refuses a certificate at this rate."""
    return taken == 0 or rate < settings.CERTIFICATE_ATTENDANCE_THRESHOLD


def percent(rate):
    """A share 0..1 as a whole percentage rounded down, as the certificate prints it (never
    more than was attended, so a person below 80% never reads 80%)."""
    return math.floor(rate * 100 + 1e-9)


@dataclass
class Column:
    slot: Slot
    taken: bool = False
    counts: dict = field(default_factory=dict)   # status -> number of people

    @property
    def unmarked(self):
        return self.counts.get("", 0)


@dataclass
class Line:
    person: Nomination
    marks: list            # one status (or "") per column
    rate: float
    below: bool

    @property
    def percent(self):
        return percent(self.rate)

    @property
    def cells(self):
        """[(status, label)] per column; ("", "") where nobody marked the person."""
        labels = dict(STATUSES.choices)
        return [(mark, labels.get(mark, "")) for mark in self.marks]


@dataclass
class Report:
    level: str
    tz: str
    columns: list
    lines: list
    taken: int
    threshold: float
    people: int            # confirmed participants (before the "below" filter)
    below: int             # of whom below the certificate threshold

    @property
    def shows_rates(self):
        return self.level in (FULL, SELF)

    @property
    def shows_totals(self):
        return self.level in (FULL, MARKS)

    @property
    def threshold_percent(self):
        return percent(self.threshold)

    @property
    def totals(self):
        """[(label, [count per column])] for the foot of the table."""
        rows = [(label, [c.counts.get(value, 0) for c in self.columns])
                for value, label in STATUSES.choices]
        return [*rows, ("Not marked", [c.unmarked for c in self.columns])]

    # --- the exports (CSV and XLSX print the same cells) --------------------------------

    def header(self):
        sessions = [f"{c.slot.title} ({when_text(c.slot.start, self.tz, zone_names=False)})"
                    for c in self.columns]
        rates = ["Attended", "Sessions taken", "Attendance %", "Below threshold"] \
            if self.shows_rates else []
        return ["Name", "UN entity", *sessions, *rates]

    def rows(self):
        for line in self.lines:
            marks = [label for _mark, label in line.cells]
            rates = [round(line.rate * self.taken), self.taken, line.percent,
                     "yes" if line.below else "no"] if self.shows_rates else []
            yield [line.person.full_name, line.person.un_entity, *marks, *rates]


def _columns(training, kind):
    slots = Slot.objects.filter(training=training).filter(
        Q(kind__in=ELEMENT_KINDS) | Q(attendance__isnull=False)).distinct().order_by(
        "start", "end", "pk")
    if kind:
        slots = slots.filter(kind=kind)
    return [Column(slot=slot) for slot in slots]


def attendance_report(training, *, level, user=None, kind="", below=False):
    """The report as `level` may see it: FULL (everyone, marks, percentages), MARKS (everyone,
    marks, no percentages), SELF (the line of `user`'s own seat). `kind` keeps the sessions of
    one element kind; `below` the people below the certificate threshold (FULL only).
    Five queries, whatever the number of people and sessions."""
    columns = _columns(training, kind)
    rates, taken = attendance_rates(training)
    people = Nomination.objects.filter(training=training, status=Nomination.Status.CONFIRMED)
    if level == SELF:
        people = people.filter(user=user) if user is not None else people.none()
    people = list(people.order_by("full_name", "pk"))
    rows = list(Attendance.objects.filter(slot__training=training).values_list(
        "slot_id", "participant_id", "status"))
    marks = {(slot, person): status for slot, person, status in rows}
    taken_slots = {slot for slot, _person, _status in rows}
    for column in columns:
        column.taken = column.slot.pk in taken_slots
        for pk in rates:     # everyone on the roster, whatever the filters
            status = marks.get((column.slot.pk, pk), "")
            column.counts[status] = column.counts.get(status, 0) + 1
    lines = [Line(person=person, marks=[marks.get((c.slot.pk, person.pk), "") for c in columns],
                  rate=rates.get(person.pk, 0.0),
                  below=below_threshold(rates.get(person.pk, 0.0), taken)) for person in people]
    if below and level == FULL:
        lines = [line for line in lines if line.below]
    return Report(level=level, tz=training.time_zone, columns=columns, lines=lines, taken=taken,
                  threshold=settings.CERTIFICATE_ATTENDANCE_THRESHOLD, people=len(rates),
                  below=sum(below_threshold(rate, taken) for rate in rates.values()))
