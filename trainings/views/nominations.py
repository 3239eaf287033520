from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import csv_nominations, selectors, spreadsheets
from ..forms import CsvUploadForm, DecisionForm, NominationForm, WithdrawForm
from ..rules import forget_roles
from ..services import nominations as services
from .access import get_my_seat, get_nomination, get_training


def _page(request, training, **forms):
    user = request.user
    can_nominate = user.has_perm("trainings.nominate", training)
    can_decide = user.has_perm("trainings.decide_nominations", training)
    context = {
        "training": training,
        "seats": selectors.seats(training),
        "roster": selectors.roster_for(user, training),
        "can_nominate": can_nominate,
        "can_decide": can_decide,
        "nomination_form": forms.get("nomination_form") or (
            NominationForm(training=training) if can_nominate else None),
        "csv_form": forms.get("csv_form") or (CsvUploadForm() if can_nominate else None),
        "csv_errors": forms.get("csv_errors"),
        "decision_form": forms.get("decision_form") or (
            DecisionForm(training=training) if can_decide else None),
    }
    return render(request, "trainings/nominations.html", context,
                  status=forms.get("status", 200))


def roster(request, pk):
    training = get_training(request, pk, "trainings.view_roster")
    return _page(request, training)


@require_POST
def nominate(request, pk):
    training = get_training(request, pk, "trainings.nominate")
    form = NominationForm(request.POST, training=training)
    if form.is_valid():
        try:
            nomination = services.nominate(actor=request.user, training=training,
                                           data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            late = " (after the deadline: flagged as late)" if nomination.late else ""
            messages.success(request, f"{nomination.full_name} nominated{late}.")
            return redirect("trainings:nominations", pk)
    return _page(request, training, nomination_form=form, status=400)


@require_POST
def upload_csv(request, pk):
    training = get_training(request, pk, "trainings.nominate")
    form = CsvUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            created = services.import_csv(actor=request.user, training=training,
                                          uploaded=form.cleaned_data["file"])
        except ValidationError as exc:  # the file (csv_nominations.CsvError) or its rows
            form.add_error("file", exc.messages)
            return _page(request, training, csv_form=form, csv_errors=getattr(exc, "rows", None),
                         status=400)
        else:
            messages.success(request, f"{len(created)} nominees imported.")
            return redirect("trainings:nominations", pk)
    return _page(request, training, csv_form=form, status=400)


def csv_template(request, pk):
    """The template of the upload, as CSV or (`?format=xlsx`) as an Excel workbook."""
    get_training(request, pk, "trainings.nominate")
    if spreadsheets.wants_xlsx(request):
        response = HttpResponse(csv_nominations.template_xlsx(),
                                content_type=spreadsheets.XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="nominations-template.xlsx"'
        return response
    response = HttpResponse(csv_nominations.template_csv(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="nominations-template.csv"'
    return response


@require_POST
def decide(request, pk):
    training = get_training(request, pk, "trainings.decide_nominations")
    form = DecisionForm(request.POST, training=training)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            done = services.bulk_decide(actor=request.user, training=training,
                                        nominations=form.cleaned_data["nominations"],
                                        action=action, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            verb = {"approve": "approved", "waitlist": "waitlisted", "decline": "declined"}[action]
            messages.success(request, f"{len(done)} nomination{'s' if len(done) != 1 else ''} "
                                      f"{verb}; the people concerned are told by email.")
            return redirect("trainings:nominations", pk)
    return _page(request, training, decision_form=form, status=400)


def withdraw(request, pk, nomination_pk):
    """Withdraw a nomination (an RCO admin, or the nominee themselves: "My seat"), with a
    reason; a seat it held goes to the waiting list (`services.withdraw`)."""
    nomination = get_nomination(request, pk, nomination_pk, "trainings.withdraw_nomination")
    training = nomination.training
    own = nomination.user_id == request.user.pk
    form = WithdrawForm(request.POST or None)
    form.fields["reason"].required = True
    form.fields["reason"].error_messages["required"] = (
        "Give a reason: the facilitators and the RCO admin see it.")
    frees_seat = nomination.holds_seat()
    if request.method == "POST" and form.is_valid():
        someone_waits = frees_seat and selectors.waiting_queue(training).exists()
        try:
            services.withdraw(actor=request.user, nomination=nomination,
                              reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            forget_roles(request.user)  # withdrawing one's own seat ends the participant role
            text = _withdrawn_message(nomination, training, own=own, frees_seat=frees_seat,
                                      someone_waits=someone_waits)
            if own and not request.user.has_perm("trainings.view_training", training):
                text += " The training's pages are no longer open to you."
            messages.success(request, text)
            return redirect(_after_withdrawal(request.user, training))
    return render(request, "trainings/withdraw.html",
                  {"training": training, "nomination": nomination, "form": form,
                   "frees_seat": frees_seat, "own": own, "back": _back(request.user, training)},
                  status=400 if form.errors else 200)


def _withdrawn_message(nomination, training, *, own, frees_seat, someone_waits):
    who = f"You have withdrawn from {training}." if own else f"{nomination.full_name} is withdrawn."
    if someone_waits:
        then = (" The seat is offered to the next person on the waiting list, who has "
                f"{training.offer_hours} hours to accept it.")
    elif frees_seat:
        then = " The seat is free again; no one is on the waiting list."
    else:
        then = ""
    return who + then


def my_seat(request, pk):
    """"My seat" on its own, for a nominee who does not (yet) see the training's pages:
    nominated, approved, waitlisted or offered a seat (the overview shows the same box)."""
    training, seat = get_my_seat(request, pk)
    return render(request, "trainings/my_seat.html", {"training": training, "seat": seat})


def _back(user, training):
    if user.has_perm("trainings.view_training", training):
        return training.get_absolute_url()
    return reverse("trainings:my_seat", args=[training.pk])


def _after_withdrawal(user, training):
    if user.has_perm("trainings.view_roster", training):
        return reverse("trainings:nominations", args=[training.pk])
    if user.has_perm("trainings.view_training", training):
        return training.get_absolute_url()
    return reverse("trainings:dashboard")


def export(request, pk):
    """The roster as CSV, or as XLSX with `?format=xlsx`: the same people and fields as the
    page (`roster_for`), formula-safe (`spreadsheets.spreadsheet_safe`)."""
    training = get_training(request, pk, "trainings.view_roster")
    roster = selectors.roster_for(request.user, training)
    rows = (roster.texts(nomination) for nomination in roster.rows)
    return spreadsheets.table_response(request, f"roster-{training.pk}", roster.csv_header, rows,
                                       title="Roster")


