from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import selectors
from ..models import Nomination, Training

ROLE_DOES_NOT_ALLOW = "Your role on this training does not allow this."


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


def get_visible(request, queryset, perm=None, *, reason=ROLE_DOES_NOT_ALLOW, training_of=None,
                **lookup):
    """One object of `queryset` (a training, or anything that belongs to one), checked the way
    `get_training` checks a training, for views and the API alike (django-ninja answers
    Http404 with 404 and the project's handler answers PermissionDenied with 403):

    - no such object, or its training is not visible to the user: Http404, the same answer
      for both, so an id leaks nothing;
    - visible, but the user may not do `perm`: PermissionDenied with the human `reason`.

    The training is the object itself, its `.training`, or `training_of(obj)`. `perm` is
    checked on the object when it carries `.training` (rules such as "owns this checklist
    item" look at the object), and on the training when `training_of` is given."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        training = None
    elif training_of is not None:
        training = training_of(obj)
    else:
        training = obj if isinstance(obj, Training) else obj.training
    if training is None or not request.user.has_perm("trainings.view_training", training):
        raise Http404(f"No {queryset.model._meta.verbose_name} found.")
    if perm is not None and not request.user.has_perm(
            perm, training if training_of is not None else obj):
        raise PermissionDenied(reason)
    return obj


def get_nomination(request, pk, nomination_pk, perm):
    """A nomination of training `pk`, for those who see the training and for the nominee
    themselves (whose nomination is theirs to see even before they have a seat): 404 for
    anyone else or no such nomination (the same answer), 403 if they may not do `perm` on it."""
    nomination = (Nomination.objects.select_related("training__curriculum")
                  .filter(pk=nomination_pk, training_id=pk).first())
    own = nomination is not None and nomination.is_made_out_to(request.user)
    if nomination is None or not (
            own or request.user.has_perm("trainings.view_training", nomination.training)):
        raise Http404("No nomination found.")
    require(request, perm, nomination)
    return nomination


def get_my_seat(request, pk):
    """The training `pk` and the user's own place on it (`selectors.my_seat`), for anyone
    nominated to it, seated or not: 404 for anyone without a nomination there, whether or
    not the training exists."""
    training = Training.objects.select_related("curriculum").filter(pk=pk).first()
    seat = selectors.my_seat(request.user, training) if training is not None else None
    if seat is None:
        raise Http404("No training found.")
    return training, seat
