"""Announcements (docs/announcements.md): facilitators and staff write to the participants,
the team, or both; one email per recipient through the outbox, sent once per form (its key).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from notifications.rendering import absolute_url

from .. import announcement_selectors as selectors
from ..markup import one_line, plain
from ..models import Announcement, AnnouncementRecipient, Training
from . import audit, notify

SUBJECT_MAX = 200
BODY_MAX = 20_000
NOBODY = {
    Announcement.Audience.PARTICIPANTS: "Nobody to send to: this training has no confirmed "
                                        "participants yet.",
    Announcement.Audience.TEAM: "Nobody to send to: this training has no team yet.",
    Announcement.Audience.BOTH: "Nobody to send to: this training has neither confirmed "
                                "participants nor a team yet.",
}


def clean(*, audience, subject, body):
    """The announcement as it will be stored and sent: (subject on one line, Markdown body),
    HTML taken out of both. Raises ValidationError {field: message} for what is missing."""
    errors = {}
    if audience not in Announcement.Audience.values:
        errors["audience"] = "Choose who receives it."
    subject, body = one_line(subject), plain(body)
    if not subject:
        errors["subject"] = "Write a subject (text; HTML is removed)."
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = f"The subject is longer than {SUBJECT_MAX} characters."
    if not body:
        errors["body"] = "Write the message (text; HTML is removed)."
    elif len(body) > BODY_MAX:
        errors["body"] = f"The message is longer than {BODY_MAX:,} characters."
    if errors:
        raise ValidationError(errors)
    return subject, body


def _email(announcement, recipient, url):
    user_tz = recipient.user.time_zone if recipient.user is not None else ""
    notify.send(
        key=f"announcement:{announcement.pk}:{recipient.email.lower()}", to=recipient.email,
        template="announcement", recipient=recipient.user,
        context={"training": announcement.training, "announcement": announcement,
                 "author": announcement.author, "name": recipient.name, "user_tz": user_tz,
                 "url": url})


@transaction.atomic
def send(*, actor, training, audience, subject, body, key):
    """Store the announcement and queue one email per recipient (selectors.recipients), once
    per `key` (the form's): a second call with the same key, even at the same moment, sends
    nothing and returns the first. Returns (announcement, created).

    Side effects: an Announcement with its recipients, one outbox message each (rendered
    now, in the recipient's zone), an audit entry."""
    subject, body = clean(audience=audience, subject=subject, body=body)
    Training.objects.select_for_update().filter(pk=training.pk).first()  # double submits wait
    existing = Announcement.objects.filter(training=training, key=key).first()
    if existing is not None:
        return existing, False
    people = selectors.recipients(training, audience)
    if not people:
        raise ValidationError({"audience": NOBODY[audience]})
    announcement = Announcement.objects.create(
        training=training, author=actor if actor is not None and actor.is_authenticated
        else None, audience=audience, subject=subject, body=body, key=key)
    AnnouncementRecipient.objects.bulk_create([
        AnnouncementRecipient(announcement=announcement, user=r.user, name=r.name[:200],
                              email=r.email, group=r.group) for r in people])
    url = absolute_url(reverse("trainings:announcements", args=[training.pk]))
    for recipient in people:
        _email(announcement, recipient, url)
    audit.record(training=training, actor=actor, action="announcement sent", obj=announcement,
                 changes={"audience": [None, announcement.audience],
                          "recipients": [None, len(people)]})
    return announcement, True
