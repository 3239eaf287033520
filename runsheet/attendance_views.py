"""The attendance report page and its CSV and XLSX exports (docs/attendance.md). Thin: access
through runsheet.access, the level from runsheet.rules, the report from runsheet.report."""

from django import forms
from django.shortcuts import render

from trainings.spreadsheets import csv_response, xlsx_response

from . import access, report
from .rules import ATTENDANCE_LEVELS


class AttendanceFilter(forms.Form):
    """The report's filters. A value the form does not offer is refused with a message next
    to its field and filters nothing."""

    kind = forms.ChoiceField(
        label="Sessions", required=False,
        choices=[("", "All sessions"), ("online", "Online elements"),
                 ("offline", "Offline elements")],
        error_messages={"invalid_choice": "Choose the sessions from the list."})
    people = forms.ChoiceField(
        label="People", required=False,
        choices=[("", "Everyone"), ("below", "Below the certificate threshold")],
        error_messages={"invalid_choice": "Choose the people from the list."})

    def __init__(self, data, *, level):
        super().__init__(data)
        if level != report.FULL:
            del self.fields["people"]    # only the full report shows who is below it

    @property
    def form(self):
        """The shared filter fields (trainings/_filter_fields.html) read `filter.form`."""
        return self

    def chosen(self):
        """{name: value} of the valid filters in force (kept in the export links)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


def _level(user, training):
    return next(level for level, perm in ATTENDANCE_LEVELS if user.has_perm(perm, training))


def _report(request, pk):
    training = access.get_attendance_training(request, pk)
    level = _level(request.user, training)
    found = AttendanceFilter(request.GET or None, level=level)
    chosen = found.chosen()
    return training, found, chosen, report.attendance_report(
        training, level=level, user=request.user, kind=chosen.get("kind", ""),
        below=chosen.get("people") == "below")


def attendance(request, pk):
    training, found, chosen, table = _report(request, pk)
    query = "&".join(f"{name}={value}" for name, value in chosen.items())
    return render(request, "runsheet/attendance.html", {
        "training": training, "filter": found, "report": table,
        "query": f"?{query}" if query else ""})


def _filename(training, chosen, extension):
    parts = ["attendance", str(training.pk), *chosen.values()]
    return f"{'-'.join(parts)}.{extension}"


def export_csv(request, pk):
    training, _found, chosen, table = _report(request, pk)
    return csv_response(_filename(training, chosen, "csv"), table.header(), table.rows())


def export_xlsx(request, pk):
    training, _found, chosen, table = _report(request, pk)
    return xlsx_response(_filename(training, chosen, "xlsx"), table.header(), table.rows(),
                         title="Attendance")
