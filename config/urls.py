from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from . import views
from .api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("accounts.urls")),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("api/v1/", api.urls),
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
