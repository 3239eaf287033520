from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from .. import lifecycle, selectors
from ..audit_labels import change_rows
from ..filters import AuditFilter
from ..forms import CancelForm, DuplicateForm, StatusForm, TrainingForm
from ..models import Training
from ..paging import page_of
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


def _steps(training):
    """The stepper: [(label, "done" | "current" | "todo")]; a draft stands on the first step."""
    here = training_services.step_of(training.status)
    steps = []
    for i, status in enumerate(training_services.STEPS):
        label = "Draft / planning" if i == 0 else Training.Status(status).label
        state = "todo" if here is None or i > here else "current" if i == here else "done"
        steps.append((label, state))
    return steps


def _transitions(training):
    return [{"status": status, "label": Training.Status(status).label, "direction": direction,
             "refused": reason}
            for status, direction, reason in training_services.transitions(training)]


def detail(request, pk):
    training = get_training(request, pk)
    user = request.user
    can_change = (user.has_perm("trainings.change_training", training)
                  and not training.is_cancelled)
    return render(request, "trainings/training_detail.html", {
        "training": training,
        "my_roles": selectors.role_labels(training_roles(user, training)),
        "team": selectors.team(training),
        "can_change": can_change,
        "can_cancel": user.has_perm("trainings.cancel_training", training),
        "can_duplicate": user.has_perm("trainings.create_training"),
        "steps": _steps(training),
        "transitions": _transitions(training) if can_change else [],
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


def change_status(request, pk):
    """GET ?status=…: what the step will do (or why it is refused); POST: do it."""
    training = get_training(request, pk, "trainings.change_training")
    form = StatusForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        messages.error(request, "Choose a status from the steps.")
        return redirect(training)
    status = form.cleaned_data["status"]
    if request.method == "POST":
        try:
            training_services.change_status(actor=request.user, training=training,
                                            status=status)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"The training is now “{Training.Status(status).label}”.")
        return redirect(training)
    refused = training_services.check_transition(training, status)
    return render(request, "trainings/status_confirm.html", {
        "training": training, "status": status, "label": Training.Status(status).label,
        "back": training_services.step_of(status) < training_services.step_of(training.status),
        "refused": refused, "effects": [] if refused else lifecycle.effects(training, status)})


def _add_errors(form, exc):
    """A service's ValidationError next to the field it names, on top of the form otherwise."""
    for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
        form.add_error(field if field in form.fields else None, errors)


def duplicate(request, pk):
    training = get_training(request, pk, "trainings.create_training")
    options = lifecycle.copy_options()
    form = DuplicateForm(request.POST or None, source=training, options=options)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            copy = training_services.duplicate_training(
                actor=request.user, source=training, start_date=data["start_date"],
                end_date=data["end_date"], city=data["city"], title=data["title"],
                options=form.chosen_options(), copy_team=data["copy_team"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"“{copy}” is a copy of “{training}”, in planning.")
            return redirect(copy)
    return render(request, "trainings/duplicate.html", {"training": training, "form": form})


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
    """The audit log, newest first, 50 entries a page, filtered by what and who."""
    training = get_training(request, pk, "trainings.view_audit")
    found = AuditFilter(request.GET or None, training=training)
    context = page_of(request, found.qs.order_by("-created_at", "-pk"), found.chosen())
    entries = list(context["page"].object_list)
    for entry in entries:
        entry.change_rows = change_rows(entry)
    return render(request, "trainings/audit.html", {
        **context, "training": training, "entries": entries, "filter": found})
