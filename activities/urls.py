from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("curricula/<slug:slug>/sessions/<slug:key>/", views.session_detail, name="session"),
    path("curricula/<slug:slug>/activities/<int:number>/", views.activity_detail, name="activity"),
]
