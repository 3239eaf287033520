"""Forms of the certificates page. They only parse; `documents.services` validates what
matters (the logo's type and size, how many logos and signatures fit) and the view puts its
messages next to the fields."""

from django import forms

from .images import max_logo_bytes


class LogoForm(forms.Form):
    image = forms.FileField(label="Logo image", required=False, help_text="")
    description = forms.CharField(label="Whose logo", max_length=120, required=False,
                                  help_text="The organisation's name, read aloud in place of "
                                            "the image.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kb = max_logo_bytes() // 1024
        self.fields["image"].help_text = f"PNG or JPEG, at most {kb:,} KB (no SVG)."
        self.fields["image"].widget.attrs["accept"] = "image/png,image/jpeg"


class SignatoryForm(forms.Form):
    name = forms.CharField(label="Name under the signature line", max_length=120,
                           required=False)
    title = forms.CharField(label="Title", max_length=160, required=False,
                            help_text="e.g. UN Resident Coordinator, Kenya")
