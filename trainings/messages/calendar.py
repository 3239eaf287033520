"""The .ics attached to the trainings' messages about a dated thing (an invitation, a seat
offer, a confirmed seat, a cancellation): one all-day VEVENT spanning the training's dates.

trainings sits below scheduling, so it does not use the agenda's slots: the agenda's own
.ics (agenda published / changed) carries the sessions. The event's UID is stable per
training (`training-<pk>@<site host>`), so a later message updates the same calendar entry
instead of adding one, and a cancellation (METHOD:CANCEL, STATUS:CANCELLED) removes it.
"""

import datetime
from email.utils import parseaddr
from urllib.parse import urlparse

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from notifications.kinds import Kind
from notifications.rendering import absolute_url

PRODID = "-//UN Network on Migration//UNCT Training platform//EN"
# SEQUENCE must rise with every change of the event: minutes since this epoch of the
# training's last change (a small integer, rising with every save of the training).
SEQUENCE_EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


def uid(training):
    host = urlparse(settings.SITE_URL).hostname or "localhost"
    return f"training-{training.pk}@{host}"


def sequence(training):
    changed = getattr(training, "updated_at", None)
    if changed is None:
        return 0
    return max(0, int((changed - SEQUENCE_EPOCH).total_seconds() // 60))


def location(training):
    """The venue if known, with the city and the country."""
    place = ", ".join(part for part in (training.city, training.country.name) if part)
    return f"{training.venue}, {place}" if training.venue else place


def training_ics(training, *, cancelled=None):
    """The training's dates as one all-day event (bytes). `cancelled` defaults to the
    training's state; a cancelled event is sent with METHOD:CANCEL."""
    cancelled = training.is_cancelled if cancelled is None else cancelled
    url = absolute_url(training.get_absolute_url())
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", uid(training))
    event.add("sequence", sequence(training))
    event.add("dtstamp", datetime.datetime.now(datetime.UTC))
    event.add("dtstart", training.start_date)
    event.add("dtend", training.end_date + datetime.timedelta(days=1))  # exclusive
    event.add("summary", training.title)
    event.add("location", location(training))
    event.add("url", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # The sessions come with the agenda's own .ics: the span does not block the day.
    event.add("transp", "TRANSPARENT")
    lines = [f"{training.title} ({location(training)})"]
    if cancelled and training.cancel_reason:
        lines.append(f"Cancelled: {training.cancel_reason}")
    lines.append(f"Training page: {url}")
    event.add("description", "\n".join(lines))
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if address:
        organizer = vCalAddress(f"mailto:{address}")
        organizer.params["cn"] = vText(name or "UNCT Training")
        event.add("organizer", organizer, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()


class TrainingCalendar(Kind):
    """A kind whose messages carry the training's dates as an .ics (context["training"])."""

    cancels = False

    def calendar(self, message, context):
        training = context.get("training")
        if training is None:
            return None
        return training_ics(training, cancelled=True if self.cancels else None)
