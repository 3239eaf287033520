from django.urls import path

from . import views

app_name = "notes"
urlpatterns = [
    path("trainings/<int:pk>/questions/", views.questions, name="questions"),
    path("questions/", views.open_questions, name="open_questions"),
    path("questions/<uuid:question_id>/", views.question_action, name="question_action"),
    path("trainings/<int:pk>/notes/", views.notes_index, name="index"),
    path("trainings/<int:pk>/notes/<int:slot_pk>/", views.note_page, name="note"),
    path("trainings/<int:pk>/notes/<int:slot_pk>/state/", views.note_state, name="note_state"),
    path("trainings/<int:pk>/notes/<int:slot_pk>/history/<str:section>/", views.note_history,
         name="history"),
    path("trainings/<int:pk>/outputs/", views.outputs_index, name="outputs"),
    path("trainings/<int:pk>/outputs/<int:part_pk>/<int:group_number>/", views.output_form,
         name="output"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("trainings/<int:pk>/recap/", views.recap, name="recap"),
    path("trainings/<int:pk>/outcome/", views.outcome, name="outcome"),
]
