"""Personal API tokens: their format, how a presented token is checked, the rate limit.

A token reads `unct_<prefix>_<secret>`: 10 hex characters that find the row (and that the
profile page shows), then 256 random bits. The row keeps the SHA-256 of the whole token,
never the token; a presented token is hashed and compared in constant time. Making and
revoking tokens are services (accounts.services); this module is what the API's bearer
authentication (config/api.py) asks on every request.
"""

import datetime
import hashlib
import hmac
import logging
import math
import secrets
import time

from django.conf import settings
from django.core.cache import caches
from django.db.models import Q
from django.utils import timezone

from .models import ApiToken

logger = logging.getLogger(__name__)

PREFIX = "unct_"
LAST_USED_EVERY = 60            # seconds: the last-used time is written at most this often
DEFAULT_RATE_PER_MINUTE = 120   # settings.API_TOKEN_RATE_PER_MINUTE overrides it
RATE_CACHE = "api-tokens"       # the cache alias (settings.CACHES): Redis when REDIS_URL is set


class TokenRefused(Exception):
    """The presented token is unknown, wrong, expired or revoked (answered 401)."""


class RateLimited(Exception):
    """Too many requests with this token in the current minute (answered 429)."""

    def __init__(self, retry_after):
        super().__init__(f"Too many requests with this token; try again in {retry_after} s.")
        self.retry_after = retry_after


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def new_token():
    """(prefix, token): a fresh token and the prefix that finds its row."""
    prefix = secrets.token_hex(5)
    return prefix, f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def _prefix_of(token):
    if not token.startswith(PREFIX):
        return None
    prefix, sep, secret = token[len(PREFIX):].partition("_")
    if not sep or not secret or len(prefix) != 10:
        return None
    return prefix


def check(token):
    """The ApiToken a request presents, its user loaded, or TokenRefused. Records when it
    was last used (at most once a minute). Does not look at the scope (see `allows`)."""
    prefix = _prefix_of(token.strip())
    row = (ApiToken.objects.select_related("user").filter(prefix=prefix).first()
           if prefix else None)
    if row is None or not hmac.compare_digest(row.key_hash, digest(token.strip())):
        raise TokenRefused("Invalid API token.")
    now = timezone.now()
    if row.revoked_at is not None:
        raise TokenRefused("This API token was revoked.")
    if row.is_expired(now):
        raise TokenRefused("This API token has expired.")
    if not row.user.is_active:
        raise TokenRefused("The account of this API token is deactivated.")
    _touch(row, now)
    return row


def _touch(row, now):
    stale = now - datetime.timedelta(seconds=LAST_USED_EVERY)
    ApiToken.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale),
                            pk=row.pk).update(last_used_at=now)


WRITE_METHODS_REFUSED = ("This API token is read-only: it may only read (GET). Make a token "
                         "with write access on your profile page to send {method} requests.")


def allows(row, method):
    """None if the token's scope allows the HTTP method, else the reason it does not."""
    if method in ("GET", "HEAD", "OPTIONS") or row.scope == ApiToken.Scope.WRITE:
        return None
    return WRITE_METHODS_REFUSED.format(method=method)


def rate_per_minute():
    return getattr(settings, "API_TOKEN_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE)


def _rate_cache():
    return caches[RATE_CACHE]


def count_request(row, *, now=None):
    """Count one request against the token's limit for the current minute (a fixed window
    in the cache, shared by every process when the cache is Redis); RateLimited beyond it.
    If the cache cannot be reached the request goes through (logged): the limit protects
    the site, it must not take the API down with the cache."""
    limit = rate_per_minute()
    now = time.time() if now is None else now
    window = int(now // 60)
    key = f"api-token-rate:{row.prefix}:{window}"
    try:
        cache = _rate_cache()
        cache.add(key, 0, timeout=120)
        used = cache.incr(key)
    except Exception:   # noqa: BLE001 - any cache failure: let the request through
        logger.warning("API token rate limit not counted (cache unavailable)", exc_info=True)
        return
    if used > limit:
        raise RateLimited(retry_after=max(1, math.ceil((window + 1) * 60 - now)))
