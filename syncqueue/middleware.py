"""Shared tablets: tell the browser whose offline copies it may show.

- Every signed-in response carries a small readable cookie `offline_owner` ("<user id>.<mac>");
  every anonymous one removes it. The service worker serves a cached run sheet or notes page
  offline only when the cookie names the person the copy was made for, and the pages send a
  queued action only for that person (the server checks it again: 409 otherwise).
- The logout response asks the browser to drop its HTTP cache (`Clear-Site-Data: "cache"`);
  the page and the service worker remove the cached run sheets, snapshots and notes
  themselves (static/js/offline-queue.js `forgetPrivateData`, static/js/sw.js), keeping only
  the unsent queue, which stays bound to its user.
"""

from django.conf import settings
from django.utils.crypto import salted_hmac

COOKIE = "offline_owner"


def owner_token(user):
    return f"{user.pk}.{salted_hmac('syncqueue.offline-owner', str(user.pk)).hexdigest()[:24]}"


class OfflineOwnerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if request.method == "POST" and match is not None and match.url_name == "account_logout":
            response["Clear-Site-Data"] = '"cache"'
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            token = owner_token(user)
            if request.COOKIES.get(COOKIE) != token:
                response.set_cookie(COOKIE, token, max_age=settings.SESSION_COOKIE_AGE,
                                    samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
                                    httponly=False)
        elif COOKIE in request.COOKIES:
            response.delete_cookie(COOKIE, samesite="Lax")
        return response
