import zoneinfo

import nh3
from django import forms
from django.forms.models import construct_instance

from curriculum.models import Curriculum

from .markup import plain
from .models import CountryProfile, Invitation, Nomination, Role, ScopingSurvey, Training

TIME_ZONES = [(z, z) for z in sorted(zoneinfo.available_timezones())]


class DateInput(forms.DateInput):
    input_type = "date"


class TrainingForm(forms.ModelForm):
    meeting_link = forms.URLField(assume_scheme="https", required=False,
                                  help_text="Teams/Webex/Zoom link for the online elements.")
    time_zone = forms.ChoiceField(
        choices=[("", "Default for the country"), *TIME_ZONES], required=False,
        help_text="Where the room is. Left empty, the country's main zone is used.")

    class Meta:
        model = Training
        fields = ["curriculum", "title", "country", "city", "time_zone", "start_date", "end_date",
                  "schedule_option", "online_platform", "meeting_link", "venue", "capacity",
                  "offer_hours"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = {"title": "Left empty: “City – Month Year”."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        if self.instance.pk:
            del self.fields["curriculum"]
            self.fields["time_zone"].required = True
            self.fields["time_zone"].choices = TIME_ZONES
        else:
            curricula = Curriculum.objects.order_by("title")
            self.fields["curriculum"].queryset = curricula
            self.fields["curriculum"].empty_label = None
            self.fields["curriculum"].initial = curricula.first()

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date is before the start date.")
        if not data.get("time_zone"):
            data.pop("time_zone", None)
        return data


class StatusForm(forms.Form):
    """One step of the stepper (which steps are allowed: services.training.check_transition)."""

    status = forms.ChoiceField(choices=[c for c in Training.Status.choices
                                        if c[0] != Training.Status.CANCELLED])


class CancelForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             help_text="Every member will see this reason.")


class InviteForm(forms.Form):
    """The team page's invitation. The role starts on an empty "Choose a role" (a default
    role was sent by mistake when only the email was filled in)."""

    email = forms.EmailField()
    role = forms.ChoiceField(
        choices=[("", "Choose a role"), *Role.choices, (Invitation.Kind.RCO_ADMIN, "RCO admin")],
        error_messages={"required": "Choose the role this person will have."})
    message = forms.CharField(
        label="Personal message (optional)", required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown in the invitation email and on the invitation page. Markdown: "
                  "**bold**, *italics*, lists with “-”. HTML is removed.")

    def clean_message(self):
        return plain(self.cleaned_data["message"])

    def invitation_kind(self):
        role = self.cleaned_data["role"]
        if role == Invitation.Kind.RCO_ADMIN:
            return Invitation.Kind.RCO_ADMIN, ""
        return Invitation.Kind.TEAM, role


def _nominee_messages():
    """The messages of a nominee's fields, written once: the page's form and the CSV import
    show the same words (the CSV import names the column, the page the field)."""
    messages = {}
    for name in Nomination.NOMINEE_FIELDS:
        field = Nomination._meta.get_field(name)
        messages[name] = {"required": "is required",
                          "max_length": "is longer than %(limit_value)d characters"}
        if field.choices:
            allowed = ", ".join(value for value, _label in field.choices if value)
            messages[name]["invalid_choice"] = f"“%(value)s” is not one of: {allowed}"
    messages["email"]["invalid"] = "“%(value)s” is not an email address"
    return messages


class NominationForm(forms.ModelForm):
    """The one validation of a nominee: the page's form, `services.nominations.nominate`
    (through `check_nominee`) and every row of a CSV import go through it. Lengths, choices
    and required fields come from the model."""

    class Meta:
        model = Nomination
        fields = list(Nomination.NOMINEE_FIELDS)
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        error_messages = _nominee_messages()

    def __init__(self, *args, training=None, existing=None, **kwargs):
        """`existing`: the addresses already nominated for `training` ({email: status}, or a
        set), when the caller has them: a CSV import asks once for the whole file. Without
        it, clean_email asks the database."""
        self.training = training
        self.existing = existing
        super().__init__(*args, **kwargs)
        self.fields["gender"].required = False  # left out (API, CSV): the model's default

    def check(self, data):
        """Validate `data` with this form's fields and rules, exactly as
        `NominationForm(data, ...)` would, reusing this form: a CSV import checks thousands of
        rows, and building a form per row (Django copies every field) cost three times the
        checks. Returns (cleaned fields or None, errors {field: [messages]})."""
        self.data, self.is_bound = data, True
        self.full_clean()
        return (None if self.errors else self.cleaned_data), self.errors

    def _nominated_as(self, email):
        """None if `email` is not nominated for the training yet; else its status ("" when
        `existing` does not say)."""
        if self.existing is None:
            found = Nomination.objects.filter(training=self.training, email=email).first()
            return found.get_status_display().lower() if found else None
        if email not in self.existing:
            return None
        status = self.existing.get(email) if isinstance(self.existing, dict) else None
        return Nomination.Status(status).label.lower() if status else ""

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        status = self._nominated_as(email)
        if status is not None:
            raise forms.ValidationError(f"{email} is already nominated for this training"
                                        + (f" ({status})." if status else "."))
        return email

    def clean_gender(self):
        return self.cleaned_data["gender"] or Nomination._meta.get_field("gender").default

    def _post_clean(self):
        # Every rule on a nominee is above: the fields (built from the model) and
        # clean_email. Django would next run the model's own checks on the same values and
        # build a query per model constraint (those concern decisions and the (training,
        # email) pair, checked in clean_email with a clear message): that doubled the cost
        # of a 5,000-row CSV import. `nominate` saves one nomination after full_clean().
        self.instance = construct_instance(self, self.instance, self._meta.fields,
                                           self._meta.exclude)

    def validate_unique(self):
        # The unique (training, email) rule is checked in clean_email with a clear message.
        pass


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        help_text="An Excel workbook (.xlsx, the first sheet) or a CSV file (UTF-8), at most "
                  "5 MB. Download the template first.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))


class DecisionForm(forms.Form):
    ACTIONS = [("approve", "Approve"), ("waitlist", "Waitlist"), ("decline", "Decline")]
    action = forms.ChoiceField(choices=ACTIONS)
    nominations = forms.ModelMultipleChoiceField(queryset=Nomination.objects.none())
    reason = forms.CharField(required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Required to decline: the nominee and the RCO see it.")

    def __init__(self, *args, training, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = Nomination.objects.filter(training=training)

    def clean(self):
        data = super().clean()
        if data.get("action") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give a reason to decline.")
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class SurveyForm(forms.ModelForm):
    blocked_dates_text = forms.CharField(
        label="Dates to avoid", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: YYYY-MM-DD and a label, e.g. “2027-03-02 National day”. "
                  "The agenda warns about these dates.")

    class Meta:
        model = ScopingSurvey
        fields = ["connectivity", "connectivity_notes", "scheduling_constraints",
                  "national_events", "proposed_participation", "cf_status", "cf_notes",
                  "ndp_status", "un_network", "vnr_timing", "it_support"]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in [
            "connectivity_notes", "scheduling_constraints", "national_events",
            "proposed_participation", "cf_notes", "ndp_status", "it_support"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["blocked_dates_text"].initial = "\n".join(
            f"{d['date']} {d.get('label', '')}".strip() for d in self.instance.blocked_dates)

    def clean_blocked_dates_text(self):
        import datetime

        dates, problems = [], []
        for number, line in enumerate(self.cleaned_data["blocked_dates_text"].splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            day, _, label = line.partition(" ")
            try:
                parsed = datetime.date.fromisoformat(day)
            except ValueError:
                problems.append(f"line {number}: “{day}” is not a date as YYYY-MM-DD")
                continue
            dates.append({"date": parsed.isoformat(), "label": label.strip()})
        if problems:
            raise forms.ValidationError("; ".join(problems))
        return sorted(dates, key=lambda d: d["date"])


ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "a", "blockquote"}


def sanitise(html):
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


class CountryProfileForm(forms.ModelForm):
    class Meta:
        model = CountryProfile
        fields = ["migration_dynamics", "trends", "priorities", "un_engagement"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}
        help_texts = dict.fromkeys(fields, "Simple HTML allowed: paragraphs, lists, bold, italics, links.")

    def clean(self):
        data = super().clean()
        return {name: sanitise(value) for name, value in data.items()}


class InvitationSignupForm(forms.Form):
    full_name = forms.CharField(max_length=200)
    time_zone = forms.ChoiceField(choices=TIME_ZONES, initial="UTC",
                                  help_text="Times are shown in your zone and the training's.")
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput)
    password2 = forms.CharField(label="Password (again)", widget=forms.PasswordInput)

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.password_validation import validate_password

        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        elif data.get("password1"):
            user = get_user_model()(email=self.email, full_name=data.get("full_name", ""))
            try:
                validate_password(data["password1"], user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data




class DuplicateForm(forms.Form):
    """A copy of a training on new dates. The copy options come from the apps that own what
    is copied (trainings.lifecycle.register_copier), plus the team. Title and city are plain
    text (escaped wherever shown), as in TrainingForm."""

    title = forms.CharField(max_length=200, required=False,
                            help_text="Left empty: “City – Month Year”.")
    city = forms.CharField(max_length=100)
    start_date = forms.DateField(widget=DateInput())
    end_date = forms.DateField(widget=DateInput())
    copy_team = forms.BooleanField(required=False, initial=True,
                                   label="Copy the team roles (invite the same people again)")

    def __init__(self, *args, source, options=(), **kwargs):
        initial = {"city": source.city, "start_date": None, "end_date": None,
                   **kwargs.pop("initial", {})}
        super().__init__(*args, initial=initial, **kwargs)
        for option, label in options:
            self.fields[f"copy_{option}"] = forms.BooleanField(required=False, initial=True,
                                                               label=label)
        self.order_fields(["title", "city", "start_date", "end_date",
                           *[f"copy_{option}" for option, _label in options], "copy_team"])
        self.options = [option for option, _label in options]

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date is before the start date.")
        return data

    def chosen_options(self):
        return [option for option in self.options if self.cleaned_data.get(f"copy_{option}")]
