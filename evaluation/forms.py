from django import forms


class CommitmentForm(forms.Form):
    """A new commitment as typed. The service says what is missing; a date that does not
    parse counts as none given."""

    action = forms.CharField(required=False)
    by_when = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    with_whom = forms.CharField(required=False)

    def values(self):
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in ("action", "by_when", "with_whom")}
