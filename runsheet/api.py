"""Run mode's API: the snapshot a tablet keeps, and the batch sync of its events."""

from ninja import Router

from syncqueue import http as sync_http

from . import access, selectors
from .events import TYPES

router = Router(tags=["run mode"])


@router.get("/{training_id}/runsheet", summary="Run-sheet snapshot: agenda slots with "
            "activity parts, roster, groups, attendance so far, questions")
def runsheet(request, training_id: int):
    return selectors.snapshot(access.get_training(request, training_id), request.user)


@router.post("/{training_id}/sync", response=sync_http.RESPONSES,
             openapi_extra=sync_http.OPENAPI,
             summary="Apply a batch of device events; answer each: acknowledged, refused "
                     "(with a reason) or retry later")
def sync(request, training_id: int):
    training = access.get_training(request, training_id)
    return sync_http.sync(request, scope=f"training:{training.pk}", scope_obj=training,
                          types=TYPES)
