"""Times, one way: UTC instants ↔ wall-clock times in a named zone (correct across DST), and
the one way every page, email and PDF prints an instant.

An instant is shown in a named zone (usually the training's) with the zone's abbreviation,
and in the viewer's (or recipient's) zone beside it when that differs, with the viewer's
date only when it is another day there: "Mon 1 Mar 2027, 12:30 EAT = 04:30 EST your time".
Templates reach these through the `times` tag library (`{% when %}`, `{% when_text %}`,
`{% time_range %}`); PDFs, CSV and Python code call them directly. Nothing here knows about
trainings: the callers pass the zones."""

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


def day_time(instant, tz_name):
    """"Mon 1 Mar 2027, 12:30": the wall-clock date and time of `instant` in `tz_name`."""
    here = local(instant, tz_name)
    return f"{here:%a} {here.day} {here:%b %Y, %H:%M}"


def viewer_side(instant, tz_name, viewer_tz):
    """The viewer's reading of `instant` beside the one in `tz_name`: "04:30" on the same
    date, "Sun 28 Feb 2027, 21:30" on another; None when the zones are the same or read the
    same clock at that instant (Asia/Amman and Africa/Nairobi are both UTC+3: "08:45 +03"
    beside "08:45 EAT your time" would only repeat it)."""
    if not viewer_tz or viewer_tz == tz_name:
        return None
    there, here = local(instant, viewer_tz), local(instant, tz_name)
    if there.utcoffset() == here.utcoffset():
        return None
    if there.date() == here.date():
        return f"{there:%H:%M}"
    return day_time(instant, viewer_tz)


def when_text(instant, tz_name, viewer_tz=None, *, zone_names=True):
    """The plain-text form (emails, PDFs, CSV): "Mon 1 Mar 2027, 12:30 EAT (Africa/Nairobi)
    = 04:30 EST your time (America/New_York)"; without the zones' names if `zone_names` is
    False."""
    if not instant:
        return ""
    tz_name = tz_name or viewer_tz or "UTC"
    name = f" ({tz_name})" if zone_names else ""
    text = f"{day_time(instant, tz_name)} {abbreviation(instant, tz_name)}{name}"
    other = viewer_side(instant, tz_name, viewer_tz)
    if other:
        name = f" ({viewer_tz})" if zone_names else ""
        text += f" = {other} {abbreviation(instant, viewer_tz)} your time{name}"
    return text


def span(start, end, tz_name):
    """"11:40–13:30" in `tz_name` (the end's date added when it falls on another day)."""
    first, last = local(start, tz_name), local(end, tz_name)
    return f"{first:%H:%M}–" + (f"{last:%H:%M}" if first.date() == last.date()
                                 else day_time(end, tz_name))


def range_text(start, end, tz_name):
    """A time range in one zone, labelled once: "11:40–13:30 EAT". Wrap it in <bdi>
    (HTML/PDF) so it reads left to right in a right-to-left page."""
    return f"{span(start, end, tz_name)} {abbreviation(start, tz_name)}"
