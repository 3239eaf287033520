from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("trainings/<int:pk>/evaluation/", views.home, name="home"),
    path("trainings/<int:pk>/evaluation/results/", views.results, name="results"),
    path("trainings/<int:pk>/evaluation/results.csv", views.results_csv, name="results_csv"),
    path("trainings/<int:pk>/evaluation/action-plan/", views.plan, name="plan"),
    path("trainings/<int:pk>/evaluation/<slug:survey_key>/", views.answer, name="answer"),
    path("trainings/<int:pk>/evaluation/<slug:survey_key>/module-<int:module_number>/",
         views.answer, name="answer_module"),
]
