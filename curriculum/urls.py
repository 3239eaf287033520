from django.urls import path

from . import views

app_name = "curriculum"
urlpatterns = [
    path("curricula/", views.curriculum_list, name="list"),
    path("curricula/<slug:slug>/", views.curriculum_detail, name="detail"),
    path("reference/gcm-objectives/", views.gcm_objectives, name="gcm_objectives"),
    path("reference/guiding-principles/", views.guiding_principles, name="guiding_principles"),
    path("reference/sdgs/", views.sdgs, name="sdgs"),
]
