from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.middleware import public_view
from trainings.selectors import visible_trainings
from trainings.services.training import update_training
from trainings.views.access import get_training

from . import ics, selectors
from .forms import (
    AgendaSettingsForm,
    InsertForm,
    LayoutForm,
    MoveDayForm,
    MoveForm,
    ResizeForm,
    TimeZoneForm,
)
from .models import AgendaChange, CalendarFeed, Slot
from .services import editing, layout, publishing
from .services.history import get_agenda
from .timeutils import local_date


def _editable(request, pk):
    training = get_training(request, pk, "trainings.change_training")
    if training.is_cancelled:
        raise PermissionDenied("A cancelled training's agenda cannot change.")
    return training


def _back(training, anchor=""):
    return redirect(reverse("scheduling:agenda", args=[training.pk]) + anchor)


def agenda(request, pk):
    training = get_training(request, pk)
    slots = selectors.slots_of(training)
    report = selectors.agenda_report(training, slots)
    can_edit = request.user.has_perm("trainings.change_training", training) \
        and not training.is_cancelled
    last_change = AgendaChange.objects.filter(training=training).select_related("actor").first() \
        if can_edit else None
    return render(request, "scheduling/agenda.html", {
        "training": training, "agenda": get_agenda(training),
        "days": selectors.by_day(training, slots, report), "report": report,
        "can_edit": can_edit, "last_change": last_change,
        "viewer_tz": request.user.time_zone, "tz": training.time_zone,
        "feeds": {"personal": publishing.feed_for(user=request.user),
                  "training": publishing.feed_for(user=request.user, training=training)},
        "layout_form": LayoutForm(initial={"option": training.schedule_option}),
        "settings_form": AgendaSettingsForm(instance=get_agenda(training)),
        "tz_form": TimeZoneForm(initial={"time_zone": training.time_zone}),
    })


def slot_editor(request, pk, slot_pk):
    """The edit forms of one slot, loaded when its Edit button is first pressed."""
    training = _editable(request, pk)
    slot = _slot(training, slot_pk)
    return render(request, "scheduling/_slot_editor.html", {
        "training": training, "slot": slot, "tz": training.time_zone,
        "day": local_date(slot.start, training.time_zone), "insert_form": InsertForm()})


def _apply(request, training, form, action, anchor=""):
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[f].label or f}: {' '.join(e)}" if f in form.fields
                           else " ".join(e) for f, e in form.errors.items())
        messages.error(request, errors)
        return _back(training, anchor)
    try:
        result = action(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if isinstance(result, str):
            messages.success(request, result)
    return _back(training, anchor)


def _slot(training, slot_pk):
    return get_object_or_404(Slot, pk=slot_pk, training=training)


@require_POST
def move(request, pk, slot_pk):
    training = _editable(request, pk)
    slot = _slot(training, slot_pk)
    return _apply(request, training, MoveForm(request.POST), lambda d: editing.move_slot(
        actor=request.user, slot=slot, day=d["day"], start_time=d["start_time"])
        and f"Moved “{slot.title}”.", f"#slot-{slot.pk}")


@require_POST
def resize(request, pk, slot_pk):
    training = _editable(request, pk)
    slot = _slot(training, slot_pk)
    return _apply(request, training, ResizeForm(request.POST), lambda d: editing.resize_slot(
        actor=request.user, slot=slot, minutes=d["minutes"],
        shift_following=d["shift_following"]) and f"“{slot.title}” now lasts {d['minutes']} min.",
        f"#slot-{slot.pk}")


@require_POST
def move_rest(request, pk, slot_pk):
    training = _editable(request, pk)
    slot = _slot(training, slot_pk)
    return _apply(request, training, MoveForm(request.POST), lambda d: editing.move_rest_of_day(
        actor=request.user, slot=slot, to_day=d["day"], start_time=d["start_time"])
        and "Moved the rest of the day.")


@require_POST
def insert(request, pk, slot_pk):
    training = _editable(request, pk)
    slot = _slot(training, slot_pk)
    return _apply(request, training, InsertForm(request.POST), lambda d: editing.insert_slot(
        actor=request.user, after=slot, kind=d["kind"], minutes=d["minutes"], title=d["title"],
        shift_following=d["shift_following"]) and "Inserted.", f"#slot-{slot.pk}")


@require_POST
def delete(request, pk, slot_pk):
    training = _editable(request, pk)
    slot = _slot(training, slot_pk)
    editing.delete_slot(actor=request.user, slot=slot)
    messages.success(request, f"Removed “{slot.title}”. Undo brings it back.")
    return _back(training)


@require_POST
def move_day(request, pk):
    training = _editable(request, pk)
    return _apply(request, training, MoveDayForm(request.POST), lambda d: editing.move_day(
        actor=request.user, training=training, from_day=d["from_day"], to_day=d["to_day"])
        and f"Moved {d['from_day']:%a %d %b} to {d['to_day']:%a %d %b}.")


@require_POST
def briefings(request, pk):
    training = _editable(request, pk)
    try:
        created = editing.add_briefings(actor=request.user, training=training)
        messages.success(request, f"Added {len(created)} briefings and debriefings.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(training)


@require_POST
def undo(request, pk):
    training = _editable(request, pk)
    try:
        description = editing.undo(actor=request.user, training=training)
        messages.success(request, f"Undone: {description}.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(training)


@require_POST
def relayout(request, pk):
    training = _editable(request, pk)
    form = LayoutForm(request.POST)
    if form.is_valid():
        option = form.cleaned_data["option"]
        with transaction.atomic():
            if option != training.schedule_option:
                update_training(actor=request.user, training=training,
                                data={"schedule_option": option})  # lays out (signal)
            else:
                layout.lay_out(actor=request.user, training=training, option=option)
        messages.success(request, "The agenda was laid out again. Undo restores the previous one.")
    return _back(training)


@require_POST
def settings_view(request, pk):
    training = _editable(request, pk)
    form = AgendaSettingsForm(request.POST, instance=get_agenda(training))
    if form.is_valid():
        form.save()
        messages.success(request, "Checks updated.")
    else:
        messages.error(request, "Give whole numbers for the longest day and the gap.")
    return _back(training)


@require_POST
def time_zone(request, pk):
    training = _editable(request, pk)
    form = TimeZoneForm(request.POST)
    if form.is_valid():
        try:
            update_training(actor=request.user, training=training,
                            data={"time_zone": form.cleaned_data["time_zone"]},
                            time_zone_policy=form.cleaned_data["policy"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"The training's zone is now {form.cleaned_data['time_zone']}.")
    return _back(training)


@require_POST
def publish(request, pk):
    training = _editable(request, pk)
    try:
        publishing.publish(actor=request.user, training=training)
        messages.success(request, "Published: everyone concerned gets an email with the "
                                  "calendar file.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(training)


def mine(request, pk):
    training = get_training(request, pk)
    rows = selectors.personal_slots(request.user, [training])
    return render(request, "scheduling/mine.html", {
        "training": training, "slots": [slot for _t, slot in rows],
        "tz": training.time_zone, "viewer_tz": request.user.time_zone,
        "feed": publishing.feed_for(user=request.user)})


def now_next(request, pk):
    training = get_training(request, pk)
    current, upcoming = selectors.now_and_next(training, selectors.slots_of(training))
    return render(request, "scheduling/now.html", {
        "training": training, "current": current, "upcoming": upcoming,
        "tz": training.time_zone, "viewer_tz": request.user.time_zone})


@require_POST
def reset_feed(request, pk):
    training = get_training(request, pk)
    scope = training if request.POST.get("scope") == "training" else None
    publishing.reset_feed(user=request.user, training=scope)
    messages.success(request, "New calendar link made; the old one no longer works.")
    return _back(training, "#calendar")


@public_view
def feed(request, token):
    feed = CalendarFeed.objects.select_related("user", "training").filter(
        token=token, revoked_at=None).first()
    if feed is None or not feed.user.is_active:
        raise Http404("Unknown calendar link.")
    user = feed.user
    if feed.training is not None:
        if not user.has_perm("trainings.view_training", feed.training):
            raise Http404("Unknown calendar link.")
        training = feed.training
        entries = [(training, s) for s in selectors.slots_of(training)]
        name = f"{training} – agenda"
    else:
        mine = [t for t in visible_trainings(user)
                if selectors.training_roles(user, t) - {selectors.STAFF}]
        entries = selectors.personal_slots(user, mine)
        name = "My UNCT trainings"
    attendees = {t.pk: publishing.attendees(t) for t in {t for t, _ in entries}}
    response = HttpResponse(ics.build(name=name, entries=entries, attendees=attendees),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
