"""The one way a template shows an instant (pages, HTML and text emails, PDFs): the tags and
filters over `accounts.times`. `agenda_tags` and `training_email` are this library under the
names the templates already load."""

from django import template

from .. import times

register = template.Library()


def _zones(context, tz, viewer_tz):
    """(zone shown first, viewer's zone). The viewer is the one passed (an email's recipient),
    else the signed-in user of a page, else nobody (the first zone only)."""
    if viewer_tz is None:
        user = getattr(context.get("request"), "user", None)
        viewer_tz = getattr(user, "time_zone", "") or tz
    tz = tz or viewer_tz or "UTC"
    return tz, viewer_tz or tz


@register.inclusion_tag("times/_when.html", takes_context=True)
def when(context, instant, tz, viewer_tz=None):
    """An instant in `tz` (usually the training's zone), labelled with its abbreviation, and in
    the viewer's zone beside it when that differs (the viewer's date only if another day)."""
    tz, viewer_tz = _zones(context, tz, viewer_tz)
    return {"instant": instant, "tz": tz, "viewer_tz": viewer_tz,
            "shown": times.day_time(instant, tz) if instant else "",
            "abbr": times.abbreviation(instant, tz) if instant else "",
            "viewer": times.viewer_side(instant, tz, viewer_tz) if instant else None,
            "viewer_abbr": times.abbreviation(instant, viewer_tz) if instant else ""}


@register.inclusion_tag("times/_when_email.html", takes_context=True)
def when_email(context, instant, tz, viewer_tz=None):
    """`when` for HTML emails: the zones' names spelt out (mail clients show no tooltips)."""
    return when(context, instant, tz, viewer_tz)


@register.simple_tag(takes_context=True)
def when_text(context, instant, tz, viewer_tz=None):
    """`when` for plain text: "Mon 1 Mar 2027, 12:30 EAT (Africa/Nairobi) = 04:30 EST your
    time (America/New_York)"."""
    tz, viewer_tz = _zones(context, tz, viewer_tz)
    return times.when_text(instant, tz, viewer_tz)


@register.inclusion_tag("times/_range.html", takes_context=True)
def time_range(context, start, end, tz, viewer_tz=None):
    """A slot's or a block's range in `tz`, labelled once ("11:40–13:30 EAT"), and in the
    viewer's zone beside it when that differs (with the viewer's day if another)."""
    tz, viewer_tz = _zones(context, tz, viewer_tz)
    if not (start and end):
        return {}
    shown = {"start": start, "tz": tz, "viewer_tz": viewer_tz,
             "span": times.span(start, end, tz), "abbr": times.abbreviation(start, tz)}
    if viewer_tz != tz:
        there = times.local(start, viewer_tz)
        other_day = there.date() != times.local_date(start, tz)
        shown.update(viewer_span=times.span(start, end, viewer_tz),
                     viewer_abbr=times.abbreviation(start, viewer_tz),
                     viewer_day=f"{there:%a} {there.day} {there:%b}" if other_day else "")
    return shown


@register.filter
def local_time(instant, tz_name):
    return times.local(instant, tz_name).strftime("%H:%M") if instant else ""


@register.filter
def local_day(instant, tz_name):
    return times.local(instant, tz_name).strftime("%a %d %b") if instant else ""


@register.filter
def local_iso_date(instant, tz_name):
    """YYYY-MM-DD in `tz_name` (for date inputs read back in that zone)."""
    return times.local_date(instant, tz_name).isoformat() if instant else ""


@register.filter
def tz_abbr(instant, tz_name):
    return times.abbreviation(instant, tz_name) if instant else ""


@register.filter
def same_day(instant, args):
    """True when the instant falls on the same local date in both zones."""
    tz_a, tz_b = args.split("|")
    return times.local_date(instant, tz_a) == times.local_date(instant, tz_b)


@register.filter
def in_zone(instant, tz_name):
    """"Thu 3 Dec 2026, 12:00 EAT": one zone, short (a subject line, a table cell)."""
    return times.when_text(instant, tz_name, zone_names=False) if instant else ""
