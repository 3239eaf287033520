"""`{{ text|markdown }}`: facilitators' Markdown (announcements, invitations' personal
messages) rendered and sanitised (trainings.markup)."""

from django import template

from ..markup import to_html

register = template.Library()


@register.filter
def markdown(text):
    return to_html(text)
