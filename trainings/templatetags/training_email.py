"""The trainings' emails: the time tags (`accounts.templatetags.times`, one implementation)
and the zone of the account behind an address (the recipient's own time, when they have
one)."""

from django import template
from django.contrib.auth import get_user_model

from accounts.templatetags.times import register as times

register = template.Library()
register.tags.update(times.tags)
register.filters.update(times.filters)


@register.filter
def account_zone(email):
    """The time zone of the account with this address, or "" if there is none."""
    if not email:
        return ""
    zone = (get_user_model().objects.filter(email__iexact=email, is_active=True)
            .values_list("time_zone", flat=True).first())
    return zone or ""
