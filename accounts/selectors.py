"""Reads of the accounts app."""

from django.utils import timezone

from .models import ApiToken


def tokens_of(user):
    """The user's API tokens, newest first, each with its `state` ("active", "expired" or
    "revoked") worked out once for the page. One query."""
    now = timezone.now()
    rows = list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))
    for row in rows:
        row.state = ("revoked" if row.revoked_at is not None else
                     "expired" if row.is_expired(now) else "active")
    return rows
