from django.urls import path

from . import attendance_views, checkin_views, views

app_name = "runsheet"
urlpatterns = [
    path("trainings/<int:pk>/run/", views.run, name="run"),
    path("trainings/<int:pk>/run/display/", views.display, name="display"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("trainings/<int:pk>/attendance/", attendance_views.attendance, name="attendance"),
    path("trainings/<int:pk>/attendance/export.csv", attendance_views.export_csv,
         name="attendance_csv"),
    path("trainings/<int:pk>/attendance/export.xlsx", attendance_views.export_xlsx,
         name="attendance_xlsx"),
    path("checkin/<uuid:slot>/<int:window>/<str:code>/", checkin_views.check_in,
         name="checkin"),
]
