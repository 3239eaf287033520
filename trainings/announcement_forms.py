"""The form a facilitator writes an announcement in (docs/announcements.md). Its `key` is made
when the form is first shown and travels through the preview, so sending the same form twice
sends once."""

import uuid

from django import forms
from django.core.exceptions import ValidationError

from .models import Announcement
from .services import announcements as services


class AnnouncementForm(forms.Form):
    audience = forms.ChoiceField(label="To", choices=Announcement.Audience.choices,
                                 error_messages={"required": "Choose who receives it."})
    subject = forms.CharField(max_length=services.SUBJECT_MAX,
                              error_messages={"required": "Write a subject."})
    body = forms.CharField(
        label="Message", max_length=services.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Write the message."},
        help_text="Markdown: **bold**, *italics*, lists with “-”, links as "
                  "[text](https://…). HTML is removed.")
    key = forms.UUIDField(widget=forms.HiddenInput,
                          error_messages={"required": "This form is incomplete: open "
                                                      "“Write an announcement” again.",
                                          "invalid": "This form is incomplete: open "
                                                     "“Write an announcement” again."})

    def __init__(self, *args, counts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4())
        if counts is not None:
            self.fields["audience"].choices = [
                (value, f"{label} ({counts[value]} {'person' if counts[value] == 1 else 'people'})")
                for value, label in Announcement.Audience.choices]

    def clean(self):
        data = super().clean()
        if "key" in self.errors:   # a hidden field: its error is shown above the form
            self.add_error(None, self.errors.pop("key"))
        if {"audience", "subject", "body"} <= data.keys():
            try:
                data["subject"], data["body"] = services.clean(
                    audience=data["audience"], subject=data["subject"], body=data["body"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field, errors)
        return data
