from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI
from ninja.security import django_auth

from activities.api import router as curricula_router
from curriculum.api import router as reference_router
from documents.api import router as documents_router
from evaluation.api import router as evaluation_router
from notes.api import router as notes_router
from runsheet.api import router as runsheet_router
from scheduling.api import router as agenda_router
from trainings.api import router as trainings_router

api = NinjaAPI(
    title="UNCT Training API",
    version="1",
    description="JSON API of the platform. Session authentication (log in first).",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/curricula", curricula_router)
api.add_router("/reference", reference_router)
api.add_router("/trainings", trainings_router)
api.add_router("/trainings", agenda_router)
api.add_router("/trainings", runsheet_router)
api.add_router("/trainings", notes_router)
api.add_router("/trainings", evaluation_router)
api.add_router("", documents_router)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)
