from django.urls import path

from .views import invitations, nominations, survey, team, training

app_name = "trainings"
urlpatterns = [
    path("dashboard/", training.dashboard, name="dashboard"),
    path("trainings/new/", training.create, name="create"),
    path("trainings/<int:pk>/", training.detail, name="detail"),
    path("trainings/<int:pk>/edit/", training.edit, name="edit"),
    path("trainings/<int:pk>/status/", training.change_status, name="status"),
    path("trainings/<int:pk>/cancel/", training.cancel, name="cancel"),
    path("trainings/<int:pk>/audit/", training.audit_log, name="audit"),
    path("trainings/<int:pk>/team/", team.team, name="team"),
    path("trainings/<int:pk>/team/invitations/<int:invitation_pk>/resend/", team.resend,
         name="resend"),
    path("trainings/<int:pk>/team/invitations/<int:invitation_pk>/revoke/", team.revoke,
         name="revoke"),
    path("trainings/<int:pk>/team/members/<int:membership_pk>/remove/", team.remove_member,
         name="remove_member"),
    path("trainings/<int:pk>/nominations/", nominations.roster, name="nominations"),
    path("trainings/<int:pk>/nominations/add/", nominations.nominate, name="nominate"),
    path("trainings/<int:pk>/nominations/upload/", nominations.upload_csv, name="upload_csv"),
    path("trainings/<int:pk>/nominations/template.csv", nominations.csv_template,
         name="csv_template"),
    path("trainings/<int:pk>/nominations/decide/", nominations.decide, name="decide"),
    path("trainings/<int:pk>/nominations/export.csv", nominations.export, name="export"),
    path("trainings/<int:pk>/nominations/<int:nomination_pk>/withdraw/", nominations.withdraw,
         name="withdraw"),
    path("trainings/<int:pk>/survey/", survey.survey, name="survey"),
    path("trainings/<int:pk>/country-profile/", survey.country_profile, name="country_profile"),
    path("invitations/<str:token>/", invitations.invitation, name="invitation"),
]
