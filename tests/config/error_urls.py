"""A URL conf for the error-page tests only (tests/config/test_error_pages.py): views that fail
on purpose, so that no production URL has to."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.urls import include, path


@login_not_required
def crash(request):
    raise RuntimeError("a bug in a view")


@login_not_required
def refuse_without_reason(request):
    raise PermissionDenied


def broken_context(request):
    """A context processor that fails as one reading the database would when it is down."""
    raise RuntimeError("the database is down")


urlpatterns = [
    path("test-errors/crash/", crash),
    path("test-errors/refuse/", refuse_without_reason),
    path("", include("config.urls")),
]
