from django import template

from ..timeutils import abbreviation, local

register = template.Library()


@register.filter
def local_time(instant, tz_name):
    return local(instant, tz_name).strftime("%H:%M") if instant else ""


@register.filter
def local_day(instant, tz_name):
    return local(instant, tz_name).strftime("%a %d %b") if instant else ""


@register.filter
def local_iso_date(instant, tz_name):
    """YYYY-MM-DD in `tz_name` (for date inputs read back in that zone)."""
    return local(instant, tz_name).date().isoformat() if instant else ""


@register.filter
def tz_abbr(instant, tz_name):
    return abbreviation(instant, tz_name) if instant else ""


@register.filter
def same_day(instant, args):
    """True when the instant falls on the same local date in both zones."""
    tz_a, tz_b = args.split("|")
    return local(instant, tz_a).date() == local(instant, tz_b).date()
