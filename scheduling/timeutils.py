"""Local wall-clock times of a training ↔ UTC instants, correct across DST changes."""

import datetime
import zoneinfo

UTC = datetime.UTC


def zone(name):
    return zoneinfo.ZoneInfo(name)


def to_utc(day, time, tz_name):
    """The UTC instant of a local date and wall-clock time in `tz_name`."""
    local = datetime.datetime.combine(day, time, tzinfo=zone(tz_name))
    # A wall-clock time inside a spring-forward gap does not exist; zoneinfo maps it with
    # the offset before the change, which pushes it past the gap: the sensible reading.
    return local.astimezone(UTC)


def local(instant, tz_name):
    return instant.astimezone(zone(tz_name))


def local_date(instant, tz_name):
    return local(instant, tz_name).date()


def shift_keeping_wall_clock(instant, *, days=0, from_tz=None, to_tz=None):
    """Move an instant by whole days and/or into another zone, keeping its local time."""
    from_tz = from_tz or to_tz
    to_tz = to_tz or from_tz
    here = local(instant, from_tz)
    day = here.date() + datetime.timedelta(days=days)
    return to_utc(day, here.time().replace(tzinfo=None), to_tz)


def abbreviation(instant, tz_name):
    """e.g. 'EAT', 'CET', 'CEST'; falls back to the UTC offset ('+03') where the zone has none."""
    return local(instant, tz_name).strftime("%Z")
