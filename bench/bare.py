"""The yardstick: a bare Django view that runs one query and renders a template."""

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

TEMPLATE = engines["django"].from_string(
    "<!doctype html><html><body><h1>Users</h1><p>{{ count }}</p></body></html>"
)


def bare_view(request):
    count = get_user_model().objects.count()
    return HttpResponse(TEMPLATE.render({"count": count}, request))


urlpatterns = [
    path("__bench__/bare/", bare_view),
    path("", include("config.urls")),
]
