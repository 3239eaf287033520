import zoneinfo

from django import forms

from accounts.times import local
from trainings.models import Training

from .models import Agenda
from .services.editing import INSERTABLE


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class MoveForm(forms.Form):
    day = forms.DateField(widget=DateInput, label="Day")
    start_time = forms.TimeField(widget=TimeInput, label="Start time")


class ResizeForm(forms.Form):
    minutes = forms.IntegerField(min_value=1, max_value=720, label="Length (minutes)")
    shift_following = forms.BooleanField(required=False, initial=True,
                                         label="Shift the rest of the day")


class MoveDayForm(forms.Form):
    from_day = forms.DateField(widget=DateInput, label="Day to move")
    to_day = forms.DateField(widget=DateInput, label="New day")


class InsertForm(forms.Form):
    kind = forms.ChoiceField(choices=list(INSERTABLE.items()))
    minutes = forms.IntegerField(min_value=1, max_value=480, initial=15, label="Minutes")
    title = forms.CharField(required=False, max_length=200)
    shift_following = forms.BooleanField(required=False, initial=True,
                                         label="Shift the rest of the day")


def editor_forms(slot, tz, *, bound=None):
    """The forms of one slot's editor, filled with its values in the training's zone `tz`;
    `bound` replaces some of them by name (the form just posted, with its errors)."""
    start = local(slot.start, tz)
    return {"move": MoveForm(initial={"day": start.date().isoformat(),
                                      "start_time": f"{start:%H:%M}"}),
            "resize": ResizeForm(initial={"minutes": slot.minutes, "shift_following": True}),
            "insert": InsertForm(),
            "rest": MoveForm(initial={"start_time": f"{start:%H:%M}"}),
            **(bound or {})}


class LayoutForm(forms.Form):
    option = forms.ChoiceField(choices=Training.ScheduleOption.choices)


class AgendaSettingsForm(forms.ModelForm):
    class Meta:
        model = Agenda
        fields = ["max_day_hours", "max_gap_days"]
        labels = {"max_day_hours": "Longest day (hours)",
                  "max_gap_days": "Most days between modules"}


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(choices=[(z, z) for z in sorted(zoneinfo.available_timezones())])
    policy = forms.ChoiceField(
        widget=forms.RadioSelect, initial="keep_local",
        choices=[("keep_local", "Keep the local wall-clock times (08:30 stays 08:30 in the new "
                                "zone)"),
                 ("keep_instant", "Keep the same moments (local times change)")])


class DueForm(forms.Form):
    """A checklist line's due date, a day in the training's zone (empty: back to the rule)."""

    due = forms.DateField(required=False, input_formats=["%Y-%m-%d"],
                          error_messages={"invalid": "Give the due date as YYYY-MM-DD."})
