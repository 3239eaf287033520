from django.urls import path

from . import views

app_name = "notes"
urlpatterns = [path("trainings/<int:pk>/questions/", views.questions, name="questions")]
