import datetime

from django.urls import reverse
from ninja import Router, Schema

from accounts.times import local

from . import access, selectors
from .models import PARTICIPANT_KINDS
from .services.publishing import feed_for

router = Router(tags=["agenda"])


class AgendaSlotOut(Schema):
    uid: str
    sequence: int
    kind: str
    title: str
    items: list[str]
    start_utc: datetime.datetime
    end_utc: datetime.datetime
    start_local: datetime.datetime
    end_local: datetime.datetime
    time_zone: str
    module: int | None
    sessions: list[str]
    activity_parts: list[str]
    leads: list[str]
    location: str
    for_participants: bool
    issues: list[str]


class AgendaOut(Schema):
    training: int
    time_zone: str
    published: bool
    version: int
    errors: int
    warnings: int
    calendar_url: str
    slots: list[AgendaSlotOut]


@router.get("/{training_id}/agenda", response=AgendaOut,
            summary="A training's agenda: UTC and local times, kinds, contents, leads")
def agenda(request, training_id: int):
    training = access.get_training(request, training_id)
    slots = selectors.slots_of(training)
    report = selectors.agenda_report(training, slots)
    agenda = selectors.agenda_of(training)
    tz = training.time_zone
    # The one write of a GET here: the caller's personal calendar link is made on first
    # read, because the response hands it out (the pages offer "Make a link" instead).
    feed = selectors.feed_of(request.user) or feed_for(user=request.user)
    return {
        "training": training.pk, "time_zone": tz, "published": agenda.is_published,
        "version": agenda.version, "errors": len(report.errors),
        "warnings": len(report.warnings),
        "calendar_url": request.build_absolute_uri(reverse("scheduling:feed", args=[feed.token])),
        "slots": [{
            "uid": str(s.uid), "sequence": s.sequence, "kind": s.kind, "title": s.title,
            "items": s.items,
            "start_utc": s.start, "end_utc": s.end, "start_local": local(s.start, tz),
            "end_local": local(s.end, tz), "time_zone": tz,
            "module": s.module.number if s.module else None,
            "sessions": [x.key for x in s.sessions.all()],
            "activity_parts": [f"{p.activity.number}/{p.key}" for p in s.activity_parts.all()],
            "leads": s.leads, "location": s.where(training),
            "for_participants": s.kind in PARTICIPANT_KINDS,
            "issues": [f"{i.level}: {i.message}" for i in report.by_slot.get(s.pk, [])],
        } for s in slots],
    }
