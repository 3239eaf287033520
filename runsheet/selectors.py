"""The run-sheet snapshot a tablet keeps offline: agenda, roster, groups, attendance."""

from collections import defaultdict

from django.db.models import F, Prefetch

from accounts.times import local
from activities.models import ActivityPart
from notes.models import Question
from scheduling.models import Slot

from .checkin_codes import checkin_base_url, slot_secret
from .events import roster
from .models import Attendance, Group, SlotRun


def snapshot(training, user):
    tz = training.time_zone
    parts = ActivityPart.objects.select_related("activity").prefetch_related("activity__handouts")
    slots = list(Slot.objects.filter(training=training).select_related("module").prefetch_related(
        Prefetch("activity_parts", queryset=parts)).order_by("start"))
    runs = {r.slot_id: r for r in SlotRun.objects.filter(slot__training=training)}
    attendance = defaultdict(dict)
    for row in Attendance.objects.filter(slot__training=training).select_related("slot").annotate(
            own_user=F("participant__user_id")):
        attendance[str(row.slot.uid)][str(row.participant_id)] = {
            "status": row.status, "recorded_at": row.recorded_at.isoformat(),
            # a self check-in (docs/run-mode.md): marked by the participant's own account
            "by_phone": row.recorded_by_id is not None and row.recorded_by_id == row.own_user}
    groups = defaultdict(list)
    for group in Group.objects.filter(training=training).select_related("slot").prefetch_related(
            "members").order_by("slot", "number"):
        groups[str(group.slot.uid)].append({
            "number": group.number, "name": group.name,
            "members": sorted(m.pk for m in group.members.all()),
            "chair": group.chair_id, "rapporteur": group.rapporteur_id,
            "recorded_at": group.recorded_at.isoformat()})
    people = list(roster(training).order_by("full_name"))
    return {
        "training": {"id": training.pk, "title": training.title, "time_zone": tz,
                     "meeting_link": training.meeting_link, "venue": training.venue},
        "permissions": {"capture_questions": user.has_perm("runsheet.capture_question", training)},
        # QR self check-in: the tablet derives each minute's code from the slot's secret,
        # offline too (runsheet/checkin_codes.py, static/js/checkin.js)
        "checkin": {"url": checkin_base_url(),
                    "secrets": {str(s.uid): slot_secret(s.uid) for s in slots}},
        "slots": [{
            "uid": str(s.uid), "kind": s.kind, "title": s.title,
            "start": s.start.isoformat(), "end": s.end.isoformat(),
            "local_start": local(s.start, tz).strftime("%a %d %b %H:%M"),
            "local_day": local(s.start, tz).strftime("%a %d %b"),
            "local_end": local(s.end, tz).strftime("%H:%M"),
            "module": s.module.number if s.module else None,
            "run": {"started_at": runs[s.pk].started_at.isoformat() if s.pk in runs
                    and runs[s.pk].started_at else None,
                    "ended_at": runs[s.pk].ended_at.isoformat() if s.pk in runs
                    and runs[s.pk].ended_at else None,
                    "extended_minutes": runs[s.pk].extended_minutes if s.pk in runs else 0},
            "parts": [{
                "activity": p.activity.number, "activity_title": p.activity.title,
                "label": p.label, "minutes": p.minutes, "phase": p.phase,
                "instructions": p.instructions, "guiding_questions": p.guiding_questions,
                "expected_output": p.expected_output,
                "handouts": [{"number": h.number, "title": h.title}
                             for h in p.activity.handouts.all()],
            } for p in s.activity_parts.all()],
        } for s in slots],
        "roster": [{"id": n.pk, "name": n.full_name, "entity": n.un_entity, "gender": n.gender}
                   for n in people],
        "attendance": attendance,
        "groups": groups,
        "questions": [{"id": str(q.id), "text": q.text, "slot": str(q.slot.uid) if q.slot else None,
                       "asked_by_name": q.asked_by_name or (q.asked_by.full_name if q.asked_by
                                                            else ""),
                       "captured_at": q.captured_at.isoformat()}
                      for q in Question.objects.filter(training=training)
                      .select_related("slot", "asked_by")],
    }
