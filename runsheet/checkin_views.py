"""The page a participant's phone opens from the QR code of run mode (docs/run-mode.md,
"Self check-in"): GET shows the agenda item and a "Check me in" button (a GET never writes,
and a link preview must not check anyone in); POST checks in, then shows the result."""

from django.shortcuts import redirect, render
from django.utils import timezone

from . import checkin
from .access import CHECK_IN
from .models import CheckIn

# What each answer is for the browser (the page says it in words).
HTTP_STATUS = {"valid": 200, "checked_in": 200, "kept": 200, "again": 409, "unknown": 404,
               "expired": 410, "early": 400, "not_allowed": 403, "busy": 429}


def _read(request, slot, window, code, now):
    """The code's result with the role matrix applied: a participant of another training, or
    of this one without a confirmed seat, or once the training closed, gets "not_allowed"."""
    result = checkin.read_code(slot_uid=slot, window=window, code=code, now=now)
    if result.kind == "valid" and not request.user.has_perm(CHECK_IN, result.slot.training):
        return checkin.Result("not_allowed", result.slot)
    return result


def check_in(request, slot, window, code):
    now = timezone.now()
    if checkin.over_limit(user=request.user, now=now):
        result = checkin.Result("busy")
    elif request.method == "POST":
        result = checkin.check_in(user=request.user, now=now,
                                  code=_read(request, slot, window, code, now))
        if result.ok:
            return redirect(request.path)
    else:
        result = _read(request, slot, window, code, now)
        earlier = (checkin.previous(slot=result.slot, user=request.user)
                   if result.slot is not None and result.kind != "not_allowed" else None)
        if earlier is not None:   # after the check-in (the POST redirects here) or a rescan
            kind = "kept" if earlier.outcome == CheckIn.Outcome.KEPT else "done"
            result = checkin.Result(kind, result.slot, at=earlier.at,
                                    mark=checkin.current_mark(slot=result.slot,
                                                              user=request.user))
    return render(request, "runsheet/checkin.html", {
        "result": result, "slot": result.slot,
        "training": result.slot.training if result.slot else None,
        "minutes": checkin.VALID_MINUTES,
    }, status=HTTP_STATUS.get(result.kind, 200))
