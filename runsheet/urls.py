from django.urls import path

from . import views

app_name = "runsheet"
urlpatterns = [
    path("trainings/<int:pk>/run/", views.run, name="run"),
    path("sw.js", views.service_worker, name="service_worker"),
]
