from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("trainings/<int:pk>/documents/", views.document_list, name="list"),
    path("trainings/<int:pk>/documents/request/", views.request_view, name="request"),
    path("trainings/<int:pk>/documents/certificates/<int:certificate_id>/revoke/", views.revoke,
         name="revoke"),
    path("trainings/<int:pk>/certificates/", views.certificates, name="certificates"),
    path("trainings/<int:pk>/certificates/issue/", views.issue_all, name="issue_all"),
    path("trainings/<int:pk>/certificates/logos/", views.logo_add, name="logo_add"),
    path("trainings/<int:pk>/certificates/logos/<int:logo_id>/remove/", views.logo_remove,
         name="logo_remove"),
    path("trainings/<int:pk>/certificates/signatures/", views.signatory_add,
         name="signatory_add"),
    path("trainings/<int:pk>/certificates/signatures/<int:signatory_id>/remove/",
         views.signatory_remove, name="signatory_remove"),
    path("documents/<int:document_id>/download/", views.download, name="download"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
