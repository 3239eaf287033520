"""QR self check-in (docs/run-mode.md, "Self check-in"): the rotating code the tablet shows
and a participant marking themselves present with it.

The code. Each slot has a secret derived from the site's SECRET_KEY and the slot's uid
(`slot_secret`); the run-sheet snapshot hands it to the facilitators and the moderator, so
the tablet keeps it and derives the code of every minute offline (static/js/checkin.js):
`code = HMAC-SHA256(secret, str(minute))[:10]` in hex, `minute = unix time // 60`. The link
in the QR code carries slot, minute and code; the server recomputes the code and accepts it
from its minute until VALID_MINUTES later (and one minute early, for a tablet clock a little
ahead). A code shown on the wall works for a few minutes only, so a photo sent round loses
its use quickly; the secret never leaves the run-mode snapshot.

The mark. A check-in is an attendance mark "present" recorded at the server's time of the
scan, merged with the tablet's marks by the rule the sync already uses (latest recorded time
wins, runsheet/events.py): the moderator's later mark overrides it, a mark recorded earlier on
an offline tablet and sent afterwards does not. A person whom the server already holds as
present or late is left as the room marked them. One check-in per person and slot
(`CheckIn`'s constraint); every attempt sent is kept, and RATE_LIMIT attempts per
RATE_PERIOD per user are the most the server looks at."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils.crypto import constant_time_compare

from scheduling.models import Slot

from .checkin_codes import code_for, slot_secret, window_of
from .events import roster
from .models import Attendance, CheckIn

VALID_MINUTES = 3                # a code works in its minute and the next two
EARLY_MINUTES = 1                # a tablet clock up to a minute ahead is still fine
RATE_LIMIT = 10                  # attempts per user ...
RATE_PERIOD = datetime.timedelta(minutes=10)   # ... in this period
IN_THE_ROOM = (Attendance.Status.PRESENT, Attendance.Status.LATE)


@dataclass(frozen=True)
class Result:
    """What a code or a check-in came to. `kind`: valid (a code, not yet used), checked_in,
    kept (already present or late in the room), again (checked in before), unknown,
    expired, early, not_allowed, busy (rate limit)."""

    kind: str
    slot: Slot | None = None
    at: datetime.datetime | None = None        # when they checked in (checked_in, again)
    mark: str = ""                             # their attendance mark now (kept, again)

    @property
    def ok(self):
        return self.kind in ("valid", "checked_in", "kept")

    @property
    def marked_otherwise(self):
        """The room has marked them otherwise than present since they checked in."""
        return self.mark not in ("", Attendance.Status.PRESENT)


def read_code(*, slot_uid, window, code, now):
    """The slot a code opens, or why it opens nothing. Reads only. An authentic code that
    expired still names its slot (the page then says when this person checked in)."""
    slot = Slot.objects.select_related("training").filter(uid=slot_uid).first()
    if slot is None or not constant_time_compare(code_for(slot_secret(slot.uid), window), code):
        return Result("unknown")
    age = window_of(now) - window
    if age >= VALID_MINUTES:
        return Result("expired", slot)
    if age < -EARLY_MINUTES:
        return Result("early", slot)
    return Result("valid", slot)


def previous(*, slot, user):
    """This user's check-in for this slot that was not refused, if any."""
    return (CheckIn.objects.filter(slot=slot, user=user)
            .exclude(outcome=CheckIn.Outcome.REFUSED).first())


def current_mark(*, slot, user):
    mark = (Attendance.objects.filter(slot=slot, participant__user=user)
            .values_list("status", flat=True).first())
    return mark or ""


def over_limit(*, user, now):
    return CheckIn.objects.filter(user=user, at__gt=now - RATE_PERIOD).count() >= RATE_LIMIT


def _mark_present(slot, participant, user, now):
    """Upsert the mark "present" at `now` under the sync's rule (the stored mark stays if it is
    newer) and keep a mark that already has the person in the room. Returns the stored status
    if it was kept, "" if the check-in marked them."""
    table = connection.ops.quote_name(Attendance._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (slot_id, participant_id, status, recorded_at, recorded_by_id) "  # noqa: S608 - our table's quoted name, values as parameters
            f"VALUES (%s, %s, %s, %s, %s) "
            f"ON CONFLICT (slot_id, participant_id) DO UPDATE SET status = EXCLUDED.status, "
            f"recorded_at = EXCLUDED.recorded_at, recorded_by_id = EXCLUDED.recorded_by_id "
            f"WHERE {table}.recorded_at <= EXCLUDED.recorded_at "
            f"AND {table}.status NOT IN (%s, %s) RETURNING status",
            [slot.pk, participant.pk, Attendance.Status.PRESENT, now, user.pk, *IN_THE_ROOM])
        if cursor.fetchone() is not None:
            return ""
    return Attendance.objects.get(slot=slot, participant=participant).status


def check_in(*, user, code, now):
    """Record an attempt (`code` is `read_code`'s result, with the caller's permission check
    applied: kind "not_allowed" when the rule refused) and, for a valid code, mark the person
    present. One transaction; every attempt leaves a `CheckIn` row."""
    slot = code.slot
    with transaction.atomic():
        participant = None
        result = code
        if code.kind == "valid":
            participant = roster(slot.training).filter(user=user).first()
            earlier = previous(slot=slot, user=user)
            if participant is None:
                result = Result("not_allowed", slot)
            elif earlier is not None:
                result = Result("again", slot, at=earlier.at,
                                mark=current_mark(slot=slot, user=user))
        if result.kind != "valid":
            CheckIn.objects.create(user=user, slot=slot, participant=participant, at=now,
                                   outcome=CheckIn.Outcome.REFUSED, reason=result.kind)
            return result
        try:
            with transaction.atomic():   # a second tap arriving at the same moment loses here
                row = CheckIn.objects.create(user=user, slot=slot, participant=participant,
                                             at=now, outcome=CheckIn.Outcome.CHECKED_IN)
        except IntegrityError:
            CheckIn.objects.create(user=user, slot=slot, participant=participant, at=now,
                                   outcome=CheckIn.Outcome.REFUSED, reason="again")
            return Result("again", slot, at=previous(slot=slot, user=user).at,
                          mark=current_mark(slot=slot, user=user))
        kept = _mark_present(slot, participant, user, now)
        if kept:
            row.outcome = CheckIn.Outcome.KEPT
            row.save(update_fields=["outcome"])
            return Result("kept", slot, at=now, mark=kept)
        return Result("checked_in", slot, at=now, mark=Attendance.Status.PRESENT)
