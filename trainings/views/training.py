from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import selectors
from ..forms import CancelForm, StatusForm, TrainingForm
from ..rules import training_roles
from ..services import training as training_services
from .access import get_training


def dashboard(request):
    return render(request, "trainings/dashboard.html", selectors.dashboard(request.user))


def create(request):
    if not request.user.has_perm("trainings.create_training"):
        raise PermissionDenied("Only platform staff create trainings.")
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        curriculum = data.pop("curriculum")
        try:
            training = training_services.create_training(actor=request.user,
                                                         curriculum=curriculum, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Training created. Next: invite the lead facilitator.")
            return redirect("trainings:team", training.pk)
    return render(request, "trainings/training_form.html", {"form": form, "creating": True})


def detail(request, pk):
    training = get_training(request, pk)
    user = request.user
    return render(request, "trainings/training_detail.html", {
        "training": training,
        "my_roles": selectors.role_labels(training_roles(user, training)),
        "team": selectors.team(training),
        "can_change": user.has_perm("trainings.change_training", training)
        and not training.is_cancelled,
        "can_cancel": user.has_perm("trainings.cancel_training", training),
        "status_form": StatusForm(initial={"status": training.status}),
    })


def edit(request, pk):
    training = get_training(request, pk, "trainings.change_training")
    form = TrainingForm(request.POST or None, instance=training)
    if request.method == "POST" and form.is_valid():
        try:
            training_services.update_training(actor=request.user, training=training,
                                              data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Training saved.")
            return redirect(training)
    training.refresh_from_db()
    return render(request, "trainings/training_form.html", {"form": form, "training": training})


@require_POST
def change_status(request, pk):
    training = get_training(request, pk, "trainings.change_training")
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            training_services.change_status(actor=request.user, training=training,
                                            status=form.cleaned_data["status"])
            messages.success(request, "Status changed.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect(training)


def cancel(request, pk):
    training = get_training(request, pk, "trainings.cancel_training")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training_services.cancel_training(actor=request.user, training=training,
                                              reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc)
        else:
            messages.success(request, "The training is cancelled; everyone concerned is told.")
            return redirect(training)
    return render(request, "trainings/cancel.html", {"training": training, "form": form})


def audit_log(request, pk):
    training = get_training(request, pk, "trainings.view_audit")
    return render(request, "trainings/audit.html", {"training": training,
                                                   "entries": selectors.audit_entries(training)})
