from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("trainings/<int:pk>/documents/", views.document_list, name="list"),
    path("trainings/<int:pk>/documents/request/", views.request_view, name="request"),
    path("trainings/<int:pk>/documents/certificates/<int:certificate_id>/revoke/", views.revoke,
         name="revoke"),
    path("documents/<int:document_id>/download/", views.download, name="download"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
