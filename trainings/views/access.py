from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from ..models import Training


def get_training(request, pk, perm="trainings.view_training"):
    """The training if the user may see it (404 otherwise: ids leak nothing), and 403 if
    they may see it but not do `perm`."""
    training = get_object_or_404(Training.objects.select_related("curriculum"), pk=pk)
    if not request.user.has_perm("trainings.view_training", training):
        raise Http404("No training found.")
    if perm != "trainings.view_training" and not request.user.has_perm(perm, training):
        raise PermissionDenied("Your role on this training does not allow this.")
    return training


def require(request, perm, obj):
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied("Your role on this training does not allow this.")
