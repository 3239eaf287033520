"""Agenda pages and edits. Access through scheduling.access, reads through
scheduling.selectors, writes through scheduling.services; a GET never writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from trainings.models import Training
from trainings.services.training import update_training

from . import access, ics, selectors
from .access import EDIT
from .forms import (
    AgendaSettingsForm,
    InsertForm,
    LayoutForm,
    MoveDayForm,
    MoveForm,
    ResizeForm,
    TimeZoneForm,
    editor_forms,
)
from .services import editing, layout, publishing


def _back(training, anchor=""):
    return redirect(reverse("scheduling:agenda", args=[training.pk]) + anchor)


def _page(request, training, *, status=200, **extra):
    """The agenda page. After an htmx edit `extra` also holds `note` (the confirmation or the
    refusal, shown beside the slot or the tools that were used) and `editor` (the slot whose
    forms stay open)."""
    user = request.user
    slots = selectors.slots_of(training)
    report = selectors.agenda_report(training, slots)
    agenda = selectors.agenda_of(training)
    can_edit = user.has_perm(EDIT, training)
    return render(request, "scheduling/agenda.html", {
        "training": training, "agenda": agenda,
        "days": selectors.by_day(training, slots, report), "report": report,
        "can_edit": can_edit, "last_change": selectors.last_change(training) if can_edit else None,
        "in_delivery": training.status == Training.Status.IN_DELIVERY,   # "Now and next"
        "viewer_tz": user.time_zone, "tz": training.time_zone,
        "feeds": {"personal": selectors.feed_of(user),
                  "training": selectors.feed_of(user, training)},
        "layout_form": LayoutForm(initial={"option": training.schedule_option}),
        "settings_form": AgendaSettingsForm(instance=agenda),
        "tz_form": TimeZoneForm(initial={"time_zone": training.time_zone}),
        **extra,
    }, status=status)


def agenda(request, pk):
    return _page(request, access.get_training(request, pk))


def slot_editor(request, pk, slot_pk):
    """The edit forms of one slot, loaded when its Edit button is first pressed."""
    slot = access.get_slot(request, pk, slot_pk, EDIT)
    training = slot.training
    return render(request, "scheduling/_slot_editor.html", {
        "training": training, "slot": slot, "tz": training.time_zone,
        "forms": editor_forms(slot, training.time_zone)})


def _form_errors(form):
    return "; ".join(f"{form.fields[f].label or f}: {' '.join(e)}" if f in form.fields
                     else " ".join(e) for f, e in form.errors.items())


def _refuse(form, exc):
    """A service's refusal on the form: beside the fields it names, else above them."""
    if form is None:
        return
    if hasattr(exc, "error_dict") and set(exc.error_dict) <= set(form.fields):
        form.add_error(None, exc)
    else:
        form.add_error(None, exc.messages)


def _run(form, action):
    """(confirmation, refusal) of one edit."""
    if form is not None and not form.is_valid():
        return None, _form_errors(form)
    try:
        return action(form.cleaned_data if form is not None else None), None
    except ValidationError as exc:
        _refuse(form, exc)
        return None, " ".join(exc.messages)


def _apply(request, training, form, action, anchor="", *, slot=None, name=""):
    """Run one edit. A plain post is redirected to the page (messages); an htmx post gets the
    page back at once: the note beside the slot (`slot`) or the tools, the slot's forms open
    (`name` is the one posted), and 422 with the errors beside the fields when refused."""
    text, error = _run(form, action)
    if not request.htmx:
        if error:
            messages.error(request, error)
        elif text:
            messages.success(request, text)
        return _back(training, anchor)
    note = {"at": slot.pk if slot else "tools", "level": "error" if error else "success",
            "text": f"Not saved. {error}" if error else text}
    editor = None
    if slot is not None and name:
        tz = training.time_zone
        editor = {"slot": slot.pk,
                  "forms": editor_forms(slot, tz, bound={name: form} if error else None)}
    return _page(request, training, status=422 if error else 200, note=note, editor=editor)


@require_POST
def move(request, pk, slot_pk):
    slot = access.get_slot(request, pk, slot_pk, EDIT)
    training = slot.training
    return _apply(request, training, MoveForm(request.POST), lambda d: editing.move_slot(
        actor=request.user, slot=slot, day=d["day"], start_time=d["start_time"])
        and f"Moved “{slot.title}”.", f"#slot-{slot.pk}", slot=slot, name="move")


@require_POST
def resize(request, pk, slot_pk):
    slot = access.get_slot(request, pk, slot_pk, EDIT)
    training = slot.training
    return _apply(request, training, ResizeForm(request.POST), lambda d: editing.resize_slot(
        actor=request.user, slot=slot, minutes=d["minutes"],
        shift_following=d["shift_following"]) and f"“{slot.title}” now lasts {d['minutes']} min.",
        f"#slot-{slot.pk}", slot=slot, name="resize")


@require_POST
def move_rest(request, pk, slot_pk):
    slot = access.get_slot(request, pk, slot_pk, EDIT)
    training = slot.training
    return _apply(request, training, MoveForm(request.POST), lambda d: editing.move_rest_of_day(
        actor=request.user, slot=slot, to_day=d["day"], start_time=d["start_time"])
        and "Moved the rest of the day.", f"#slot-{slot.pk}", slot=slot, name="rest")


@require_POST
def insert(request, pk, slot_pk):
    slot = access.get_slot(request, pk, slot_pk, EDIT)
    training = slot.training
    return _apply(request, training, InsertForm(request.POST), lambda d: editing.insert_slot(
        actor=request.user, after=slot, kind=d["kind"], minutes=d["minutes"], title=d["title"],
        shift_following=d["shift_following"]) and "Inserted.", f"#slot-{slot.pk}",
        slot=slot, name="insert")


@require_POST
def delete(request, pk, slot_pk):
    slot = access.get_slot(request, pk, slot_pk, EDIT)
    training = slot.training
    return _apply(request, training, None, lambda _d: editing.delete_slot(
        actor=request.user, slot=slot) or f"Removed “{slot.title}”. Undo brings it back.")


@require_POST
def move_day(request, pk):
    training = access.get_training(request, pk, EDIT)
    return _apply(request, training, MoveDayForm(request.POST), lambda d: editing.move_day(
        actor=request.user, training=training, from_day=d["from_day"], to_day=d["to_day"])
        and f"Moved {d['from_day']:%a %d %b} to {d['to_day']:%a %d %b}.")


@require_POST
def briefings(request, pk):
    training = access.get_training(request, pk, EDIT)
    def add(_data):
        created = editing.add_briefings(actor=request.user, training=training)
        return f"Added {len(created)} briefings and debriefings."
    return _apply(request, training, None, add)


@require_POST
def undo(request, pk):
    training = access.get_training(request, pk, EDIT)
    def step_back(_data):
        return f"Undone: {editing.undo(actor=request.user, training=training)}."
    return _apply(request, training, None, step_back)


@require_POST
def relayout(request, pk):
    training = access.get_training(request, pk, EDIT)
    return _apply(request, training, LayoutForm(request.POST), lambda d: layout.choose_layout(
        actor=request.user, training=training, option=d["option"])
        or "The agenda was laid out again. Undo restores the previous one.")


@require_POST
def settings_view(request, pk):
    training = access.get_training(request, pk, EDIT)
    form = AgendaSettingsForm(request.POST, instance=selectors.agenda_of(training))
    if form.is_valid():
        editing.set_checks(actor=request.user, training=training,
                           max_day_hours=form.cleaned_data["max_day_hours"],
                           max_gap_days=form.cleaned_data["max_gap_days"])
        messages.success(request, "Checks updated.")
    else:
        messages.error(request, "Give whole numbers for the longest day and the gap.")
    return _back(training)


@require_POST
def time_zone(request, pk):
    training = access.get_training(request, pk, EDIT)
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
    training = access.get_training(request, pk, EDIT)
    return _apply(request, training, None, lambda _d: publishing.publish(
        actor=request.user, training=training)
        and "Published: everyone concerned gets an email with the calendar file.")


def mine(request, pk):
    training = access.get_training(request, pk)
    return render(request, "scheduling/mine.html", {
        "training": training, "days": selectors.personal_days(request.user, training),
        "tz": training.time_zone, "viewer_tz": request.user.time_zone,
        "feed": selectors.feed_of(request.user)})


def now_next(request, pk):
    training = access.get_training(request, pk)
    current, upcoming = selectors.now_and_next(training, selectors.slots_of(training))
    return render(request, "scheduling/now.html", {
        "training": training, "current": current, "upcoming": upcoming,
        "tz": training.time_zone, "viewer_tz": request.user.time_zone})


@require_POST
def reset_feed(request, pk):
    """Make the user's calendar link (all their trainings, or this one), or replace it."""
    training = access.get_training(request, pk)
    scope = training if request.POST.get("scope") == "training" else None
    had_one = selectors.feed_of(request.user, scope) is not None
    publishing.reset_feed(user=request.user, training=scope)
    messages.success(request, "New calendar link made; the old one no longer works." if had_one
                     else "Calendar link made.")
    return _back(training, "#calendar")


@login_not_required
def feed(request, token):
    feed = access.get_feed(token)
    name, entries = selectors.feed_entries(feed)
    attendees = {t.pk: publishing.attendees(t) for t in {t for t, _ in entries}}
    response = HttpResponse(ics.build(name=name, entries=entries, attendees=attendees),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
