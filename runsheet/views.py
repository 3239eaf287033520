from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from . import access


def run(request, pk):
    training = access.get_training(request, pk)
    return render(request, "runsheet/run.html", {
        "training": training,
        "snapshot_url": f"/api/v1/trainings/{training.pk}/runsheet",
        "sync_url": f"/api/v1/trainings/{training.pk}/sync",
        "login_url": reverse("account_login") + f"?next={request.path}",
    })


def display(request, pk):
    """The room display for the projector (docs/run-mode.md, "Room display"): a shell that
    run mode on the same device fills through a BroadcastChannel, never through the server,
    so it follows the tablet offline. Who may open it is who may run the room."""
    training = access.get_training(request, pk)
    return render(request, "runsheet/display.html", {"training": training})


@login_not_required
@never_cache
def service_worker(request):
    """The service worker must be served from the root to control /trainings/…/run/."""
    path = finders.find("js/sw.js")
    with open(path, encoding="utf-8") as handle:
        response = HttpResponse(handle.read(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response
