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


def when_text(instant, tz_name, viewer_tz=None):
    """The plain-text form of the one time helper (emails, PDFs, CSV): the instant in
    `tz_name` with its abbreviation, and in `viewer_tz` beside it when that zone differs:
    "2027-03-01 12:30 EAT (2027-03-01 10:30 CET your time)"."""
    if not instant:
        return ""
    tz_name = tz_name or viewer_tz or "UTC"
    here = local(instant, tz_name)
    text = f"{here:%Y-%m-%d %H:%M} {abbreviation(instant, tz_name)}"
    if viewer_tz and viewer_tz != tz_name:
        there = local(instant, viewer_tz)
        text += f" ({there:%Y-%m-%d %H:%M} {abbreviation(instant, viewer_tz)} your time)"
    return text


def range_text(start, end, tz_name):
    """A time range in one zone, labelled once: "11:40–13:30 EAT" (the end's date is added
    when it falls on another day). Wrap it in <bdi> (HTML/PDF) so it reads left to right in
    a right-to-left page."""
    first, last = local(start, tz_name), local(end, tz_name)
    end_text = f"{last:%H:%M}" if first.date() == last.date() else f"{last:%Y-%m-%d %H:%M}"
    return f"{first:%H:%M}–{end_text} {abbreviation(start, tz_name)}"
