from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications/settings/", views.settings, name="settings"),
]
