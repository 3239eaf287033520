"""Demo attendance: the delivered demo training's register, as its moderator took it in run
mode: most people at every session, one late twice, one who missed every other session
(below the certificate's threshold), so the report and the certificates page have
something to show."""

import datetime

from scheduling.models import Slot, SlotKind
from trainings.models import Nomination

from .models import Attendance

TAKEN = (SlotKind.ONLINE, SlotKind.OFFLINE)


def seed(*, training, moderator):
    slots = list(Slot.objects.filter(training=training, kind__in=TAKEN).order_by("start"))
    people = list(Nomination.objects.filter(training=training,
                                            status=Nomination.Status.CONFIRMED)
                  .order_by("full_name"))
    rows = []
    for n, slot in enumerate(slots):
        for i, person in enumerate(people):
            status = Attendance.Status.PRESENT
            if i == len(people) - 1 and n % 2:
                status = Attendance.Status.ABSENT
            elif i == len(people) - 2 and n in (1, 4):
                status = Attendance.Status.LATE
            rows.append(Attendance(slot=slot, participant=person, status=status,
                                   recorded_by=moderator,
                                   recorded_at=slot.start + datetime.timedelta(minutes=5)))
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
