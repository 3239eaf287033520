"""Run mode's API: the snapshot a tablet keeps, and the batch sync of its events."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from syncqueue.services import apply_batch
from trainings.models import Training

from . import selectors
from .events import HANDLERS

router = Router(tags=["run mode"])


def _training(request, training_id):
    training = get_object_or_404(Training, pk=training_id)
    if not request.user.has_perm("trainings.view_training", training):
        raise Http404("No training found.")
    if not request.user.has_perm("runsheet.run", training):
        raise PermissionDenied("Run mode is for the facilitators and the moderator.")
    return training


@router.get("/{training_id}/runsheet", summary="Run-sheet snapshot: agenda slots with "
            "activity parts, roster, groups, attendance so far, questions")
def runsheet(request, training_id: int):
    return selectors.snapshot(_training(request, training_id), request.user)




class SyncIn(Schema):
    events: list[dict]


class SyncOut(Schema):
    acknowledged: list[str]
    errors: dict[str, str]
    server_time: datetime.datetime


@router.post("/{training_id}/sync", response=SyncOut,
             summary="Apply a batch of device events once each; acknowledge what the server "
                     "holds, with a reason for each refused event")
def sync(request, training_id: int, body: SyncIn):
    training = _training(request, training_id)
    acked, errors = apply_batch(user=request.user, scope=f"training:{training.pk}",
                                scope_obj=training, events=body.events, handlers=HANDLERS)
    return {"acknowledged": acked, "errors": errors,
            "server_time": datetime.datetime.now(datetime.UTC)}
