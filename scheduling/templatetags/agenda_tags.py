from django import template

from .. import timeutils
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


def _zones(context, tz, viewer_tz):
    if viewer_tz is None:
        user = getattr(context.get("request"), "user", None)
        viewer_tz = getattr(user, "time_zone", "") or tz
    tz = tz or viewer_tz or "UTC"
    return tz, viewer_tz or tz


@register.inclusion_tag("scheduling/_when.html", takes_context=True)
def when(context, instant, tz, viewer_tz=None):
    """The one way a page or an HTML email shows an instant: in `tz` (usually the training's
    zone), labelled with its abbreviation, and in the viewer's zone beside it when that
    differs. The viewer is the recipient (`viewer_tz`) in an email, the signed-in user on a
    page."""
    tz, viewer_tz = _zones(context, tz, viewer_tz)
    return {"instant": instant, "tz": tz, "viewer_tz": viewer_tz, "differs": viewer_tz != tz}


@register.simple_tag(takes_context=True)
def when_text(context, instant, tz, viewer_tz=None):
    """`when` for plain-text emails: "2027-03-01 08:45 EAT (06:45 CET your time)"."""
    tz, viewer_tz = _zones(context, tz, viewer_tz)
    return timeutils.when_text(instant, tz, viewer_tz)


@register.simple_tag
def time_range(start, end, tz):
    """A slot's or block's range in one zone, labelled: "11:40–13:30 EAT"."""
    return timeutils.range_text(start, end, tz) if start and end else ""
