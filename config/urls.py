from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from . import views
from .api import api


def public(urls):
    """Mark every view of an included URL conf as reachable without a login: the JSON API
    answers 401 itself (django-ninja's session auth) instead of redirecting."""
    patterns, app_name, namespace = urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
        elif isinstance(pattern, URLResolver):
            public((pattern.url_patterns, None, None))
    return urls


urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("accounts.urls")),
    path("api/docs", login_not_required(RedirectView.as_view(url="/api/v1/docs",
                                                             permanent=False))),
    path("api/v1/", public(api.urls)),
    path("", include("trainings.urls")),
    path("", include("notifications.urls")),
    # The reminder log and its settings became the outbox (old links in sent emails).
    path("reminders/settings/", RedirectView.as_view(pattern_name="notifications:settings",
                                                     permanent=True)),
    path("reminders/", RedirectView.as_view(pattern_name="trainings:outbox_all",
                                            permanent=True, query_string=True)),
    path("", include("scheduling.urls")),
    path("", include("runsheet.urls")),
    path("", include("notes.urls")),
    path("", include("evaluation.urls")),
    path("", include("documents.urls")),
    path("", include("curriculum.urls")),
    path("", include("activities.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
