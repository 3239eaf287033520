import zoneinfo

from django import forms

from .models import ApiToken, User
from .services import TOKEN_LIFETIMES

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES)

    class Meta:
        model = User
        fields = ["full_name", "un_entity", "job_title", "time_zone", "language"]



class ApiTokenForm(forms.Form):
    """A new personal API token (accounts.services.create_api_token)."""

    name = forms.CharField(max_length=100, help_text="What will use it, e.g. “Power BI report”.")
    expires_in = forms.TypedChoiceField(
        label="Expires after", coerce=int, initial=90,
        choices=[(days, label) for days, label in TOKEN_LIFETIMES.items()])
    scope = forms.ChoiceField(
        label="Access", choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ,
        help_text="Read only answers GET requests. Read and write may also ask for documents "
                  "and send run-mode and notes batches, where your role allows it.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "token-%s")
        super().__init__(*args, **kwargs)
