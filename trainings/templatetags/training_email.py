"""Filters for the trainings' emails: an instant in a named zone, with its abbreviation, and
the zone of the account behind an address (the recipient's own time, when they have one).

trainings sits below scheduling, so these do not use scheduling's agenda_tags."""

import zoneinfo

from django import template
from django.contrib.auth import get_user_model

register = template.Library()


def _local(instant, tz_name):
    return instant.astimezone(zoneinfo.ZoneInfo(tz_name or "UTC"))


@register.filter
def when_in(instant, tz_name):
    """e.g. "Wed 3 Mar 2027, 14:00": the wall-clock date and time of `instant` in `tz_name`."""
    if not instant:
        return ""
    here = _local(instant, tz_name)
    return f"{here:%a} {here.day} {here:%b %Y, %H:%M}"


@register.filter
def zone_abbr(instant, tz_name):
    """e.g. "EAT", "EST", "CEST" (the UTC offset, e.g. "+04", where the zone has none)."""
    return _local(instant, tz_name).strftime("%Z") if instant else ""


@register.filter
def account_zone(email):
    """The time zone of the account with this address, or "" if there is none."""
    if not email:
        return ""
    zone = (get_user_model().objects.filter(email__iexact=email, is_active=True)
            .values_list("time_zone", flat=True).first())
    return zone or ""
