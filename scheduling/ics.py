"""iCalendar (RFC 5545) for agenda slots: VTIMEZONE, stable UIDs, rising SEQUENCE, VALARM."""

import datetime

from django.urls import reverse
from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from accounts.times import local
from notifications.rendering import absolute_url

from .models import SlotKind

PRODID = "-//UN Network on Migration//UNCT Training platform//EN"


def _attendee(user, role):
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(str(user))
    address.params["role"] = vText(role)
    return address


def build(*, name, entries, attendees=None):
    """`entries`: (training, slot) pairs. `attendees`: {training id: [(user, role)]}."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = datetime.datetime.now(datetime.UTC)
    for training, slot in entries:
        event = Event()
        event.add("uid", f"{slot.uid}@unct-training")
        event.add("sequence", slot.sequence)
        event.add("status", "CANCELLED" if training.is_cancelled else "CONFIRMED")
        event.add("dtstamp", stamp)
        event.add("dtstart", local(slot.start, training.time_zone))
        event.add("dtend", local(slot.end, training.time_zone))
        event.add("summary", f"{slot.title} – {training}")
        where = slot.where(training)
        if where:
            event.add("location", where)
        lines = [slot.get_kind_display()]
        lines += [f"- {item}" for item in slot.items]
        if slot.module_id:
            lines.append(f"Module {slot.module.number}")
        lines += [s.label for s in slot.sessions.all()]
        lines += [f"Activity {p.activity.number}, {p.label}" for p in slot.activity_parts.all()]
        if slot.kind == SlotKind.ONLINE and training.meeting_link:
            lines.append(f"Join: {training.meeting_link}")
        agenda = absolute_url(reverse("scheduling:agenda", args=[training.pk]))
        lines.append(f"Agenda: {agenda}")
        event.add("description", "\n".join(lines))
        event.add("url", agenda)
        for user, role in (attendees or {}).get(training.pk, []):
            event.add("attendee", _attendee(user, role), encode=0)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"In 15 minutes: {slot.title}")
        alarm.add("trigger", datetime.timedelta(minutes=-15))
        event.add_component(alarm)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
