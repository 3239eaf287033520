from django import forms


class UploadForm(forms.Form):
    file = forms.FileField(label="Photo or PDF (flip chart, notes)",
                           help_text="JPEG, PNG or PDF, at most 10 MB.")


class ModuleForm(forms.Form):
    """The recap board's ?module= (a module number; anything else shows the first module)."""

    module = forms.IntegerField(required=False, min_value=1)

    def module_or(self, default):
        return (self.cleaned_data.get("module") if self.is_valid() else None) or default
