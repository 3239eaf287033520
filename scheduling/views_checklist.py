"""Checklist pages (per training and across trainings) and the reminder log."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from trainings.selectors import visible_trainings
from trainings.views.access import get_training

from .models import MUTABLE_KINDS, ChecklistItem, Reminder, ReminderKind, ReminderPreference
from .services import checklist as checklist_services
from .services import reminders as reminder_services
from .timeutils import to_utc


def _require(request, perm, obj):
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied("Your role on this training does not allow this.")


def _progress(items):
    closed = sum(1 for i in items if not i.is_open)
    return {"closed": closed, "total": len(items),
            "percent": round(100 * closed / len(items)) if items else 0}


def checklist(request, pk):
    training = get_training(request, pk)
    _require(request, "scheduling.view_checklist", training)
    items = list(ChecklistItem.objects.filter(training=training).select_related(
        "status_by", "module", "template"))
    for item in items:
        item.can_change = request.user.has_perm("scheduling.change_checklist_item", item)
    return render(request, "scheduling/checklist.html", {
        "training": training, "items": items, "progress": _progress(items),
        "now": timezone.now(), "statuses": ChecklistItem.Status.choices,
        "tz": training.time_zone})


@require_POST
def update_item(request, pk, item_pk):
    training = get_training(request, pk)
    item = get_object_or_404(ChecklistItem.objects.select_related("training"), pk=item_pk,
                             training=training)
    _require(request, "scheduling.change_checklist_item", item)
    try:
        if "due" in request.POST:
            due = request.POST["due"].strip()
            day = datetime.date.fromisoformat(due) if due else None
            checklist_services.set_due(
                actor=request.user, item=item,
                due_at=to_utc(day, checklist_services.DUE_TIME, training.time_zone) if day else None)
        else:
            checklist_services.set_status(
                actor=request.user, item=item, status=request.POST.get("status", item.status),
                note=request.POST.get("note"), evidence_link=request.POST.get("evidence_link"))
    except (ValidationError, ValueError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else \
            "Give the due date as YYYY-MM-DD."
        messages.error(request, f"{item.title}: {text}")
    else:
        messages.success(request, f"Saved: {item.title}.")
    return redirect(f"/trainings/{training.pk}/checklist/#item-{item.pk}")


def my_checklists(request):
    """Across the trainings a facilitator or staff member works on: overdue, due this week."""
    trainings = [t for t in visible_trainings(request.user).exclude(status="cancelled")
                 if request.user.has_perm("scheduling.change_checklist_item",
                                          ChecklistItem(training=t, owner="facilitator"))]
    now = timezone.now()
    week = now + datetime.timedelta(days=7)
    items = list(ChecklistItem.objects.filter(
        training__in=trainings, status__in=ChecklistItem.OPEN, due_at__lte=week,
    ).select_related("training", "module").order_by("due_at"))
    return render(request, "scheduling/my_checklists.html", {
        "overdue": [i for i in items if i.due_at < now],
        "this_week": [i for i in items if i.due_at >= now],
        "trainings": trainings, "now": now})


def reminder_log(request):
    trainings = [t for t in visible_trainings(request.user)
                 if request.user.has_perm("scheduling.view_reminders", t)]
    if not trainings and not request.user.is_staff:
        raise PermissionDenied("The reminder log is for facilitators and staff.")
    rows = Reminder.objects.filter(Q(training__in=trainings) | Q(
        training__isnull=True, recipient=request.user) if not request.user.is_staff
        else Q()).select_related("training", "recipient").prefetch_related("log")
    selected = {"training": request.GET.get("training", ""), "kind": request.GET.get("kind", ""),
                "state": request.GET.get("state", "")}
    if selected["training"].isdigit():
        rows = rows.filter(training_id=int(selected["training"]))
    if selected["kind"] in ReminderKind.values:
        rows = rows.filter(kind=selected["kind"])
    if selected["state"] in Reminder.State.values:
        rows = rows.filter(state=selected["state"])
    return render(request, "scheduling/reminders.html", {
        "rows": rows.order_by("send_at")[:300], "count": rows.count(),
        "trainings": trainings, "kinds": ReminderKind.choices,
        "states": Reminder.State.choices, "selected": selected})


def _reminder(request, reminder_pk):
    reminder = get_object_or_404(Reminder.objects.select_related("training"), pk=reminder_pk)
    if reminder.training is None or not request.user.has_perm("trainings.view_training",
                                                               reminder.training):
        raise Http404("No reminder found.")  # ids of other trainings leak nothing
    if not request.user.has_perm("scheduling.view_reminders", reminder.training):
        raise PermissionDenied("The reminder log is for facilitators and staff.")
    return reminder


@require_POST
def reminder_action(request, reminder_pk, action):
    if action not in ("send", "cancel"):
        raise Http404("Unknown action.")
    reminder = _reminder(request, reminder_pk)
    try:
        if action == "send":
            reminder_services.send_now(actor=request.user, reminder=reminder)
            messages.success(request, "Queued to go out within a minute.")
        else:
            reminder_services.cancel(actor=request.user, reminder=reminder)
            messages.success(request, "Cancelled.")
    except ValueError as exc:
        messages.error(request, str(exc))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("scheduling:reminders")
    return redirect(back or reverse("scheduling:reminders"))


def reminder_settings(request):
    preference = ReminderPreference.objects.filter(user=request.user).first()
    muted = set(preference.muted_kinds) if preference else set()
    if request.method == "POST":
        muted = set(reminder_services.set_muted(user=request.user,
                                                kinds=request.POST.getlist("muted")))
        messages.success(request, "Your reminder settings are saved.")
        return redirect("scheduling:reminder_settings")
    kinds = [(kind, label, kind in muted, kind in MUTABLE_KINDS)
             for kind, label in ReminderKind.choices]
    return render(request, "scheduling/reminder_settings.html", {"kinds": kinds})
