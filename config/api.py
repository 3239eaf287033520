from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from accounts import tokens
from activities.api import router as curricula_router
from curriculum.api import router as reference_router
from documents.api import router as documents_router
from evaluation.api import router as evaluation_router
from notes.api import router as notes_router
from runsheet.api import router as runsheet_router
from scheduling.api import router as agenda_router
from trainings.api import router as trainings_router


class ApiToken(HttpBearer):
    """`Authorization: Bearer <token>`: a personal API token made on the profile page
    (accounts.tokens). The request then acts as the token's user, through the same rules as
    their pages; a read-only token may only read; each token has a rate limit per minute.
    A request that presents a bearer token is judged by it alone (a wrong one is 401 even
    with a session cookie) and needs no CSRF token: it is not cookie-authenticated."""

    def authenticate(self, request, token):
        row = tokens.check(token)
        tokens.count_request(row)
        reason = tokens.allows(row, request.method)
        if reason:
            raise PermissionDenied(reason)
        request.user = row.user
        request.api_token = row
        return row.user


api = NinjaAPI(
    title="UNCT Training API",
    version="1",
    description="JSON API of the platform. Authenticate with the browser session (log in "
                "first; requests that change something then need the CSRF token) or with a "
                "personal API token made on your profile page, sent as `Authorization: Bearer "
                "<token>`. A token acts as you and sees what you may see; a read-only token "
                "may only send GET requests; each token may send "
                f"{tokens.rate_per_minute()} requests a minute (then 429 with Retry-After).",
    # The bearer token first: a session's CSRF check would refuse a token's POST otherwise.
    auth=[ApiToken(), django_auth],
    urls_namespace="api",
)
api.add_router("/curricula", curricula_router)
api.add_router("/reference", reference_router)
api.add_router("/trainings", trainings_router)
api.add_router("/trainings", agenda_router)
api.add_router("/trainings", runsheet_router)
api.add_router("/trainings", notes_router)
api.add_router("/trainings", evaluation_router)
api.add_router("", documents_router)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(tokens.TokenRefused)
def token_refused(request, exc):
    response = api.create_response(request, {"detail": str(exc)}, status=401)
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


@api.exception_handler(tokens.RateLimited)
def rate_limited(request, exc):
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response
