"""Trainings in the API: those the caller may see; team and roster per the role matrix."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from notifications.models import Message

from . import selectors
from .models import Nomination, Training
from .rules import PARTICIPANT, training_roles
from .selectors import ROLE_LABELS

router = Router(tags=["trainings"])


class TrainingOut(Schema):
    id: int
    title: str
    curriculum: str
    country: str
    country_name: str
    city: str
    time_zone: str
    start_date: datetime.date
    end_date: datetime.date
    schedule_option: str
    online_platform: str
    status: str
    cancel_reason: str
    capacity: int
    nomination_deadline: datetime.date
    my_roles: list[str]


class MemberOut(Schema):
    name: str
    un_entity: str
    role: str
    email: str | None = None


class NomineeOut(Schema):
    name: str
    un_entity: str
    status: str
    email: str | None = None
    job_title: str | None = None
    gender: str | None = None
    seniority: str | None = None
    prior_experience: str | None = None
    late: bool | None = None
    waitlist_position: int | None = None
    decision_reason: str | None = None


class RosterOut(Schema):
    visibility: str
    capacity: int
    seats_used: int
    waiting: int
    people: list[NomineeOut]


class TrainingDetailOut(TrainingOut):
    meeting_link: str
    venue: str
    team: list[MemberOut]
    roster: RosterOut


def _summary(training, roles):
    return {
        "id": training.pk, "title": training.title, "curriculum": training.curriculum.slug,
        "country": training.country.code, "country_name": training.country.name,
        "city": training.city, "time_zone": training.time_zone,
        "start_date": training.start_date, "end_date": training.end_date,
        "schedule_option": training.schedule_option, "online_platform": training.online_platform,
        "status": training.status, "cancel_reason": training.cancel_reason,
        "capacity": training.capacity, "nomination_deadline": training.nomination_deadline,
        "my_roles": sorted(ROLE_LABELS[r] for r in roles),
    }


@router.get("", response=list[TrainingOut], summary="Trainings the caller may see")
def list_trainings(request):
    trainings = list(selectors.visible_trainings(request.user))
    roles = selectors.roles_by_training(request.user, trainings)
    return [_summary(t, roles[t.pk]) for t in trainings]


def _person(nomination, full):
    row = {"name": nomination.full_name, "un_entity": nomination.un_entity,
           "status": nomination.status}
    if full:
        row.update(email=nomination.email, job_title=nomination.job_title,
                   gender=nomination.gender, seniority=nomination.seniority,
                   prior_experience=nomination.prior_experience, late=nomination.late,
                   waitlist_position=nomination.waitlist_position,
                   decision_reason=nomination.decision_reason)
    return row


@router.get("/{training_id}", response=TrainingDetailOut,
            summary="A training with its team and roster (fields per the role matrix)")
def get_training(request, training_id: int):
    training = get_object_or_404(Training.objects.select_related("curriculum"), pk=training_id)
    user = request.user
    if not user.has_perm("trainings.view_training", training):
        raise Http404("No training found.")
    roles = training_roles(user, training)
    full = user.has_perm("trainings.view_personal_data", training)
    team = selectors.team(training)
    members = [{"name": str(m.user), "un_entity": m.user.un_entity,
                "role": m.get_role_display(), "email": m.user.email if full else None}
               for m in team["memberships"]]
    members += [{"name": str(a.user), "un_entity": a.user.un_entity, "role": "RCO admin",
                 "email": a.user.email if full else None} for a in team["country_admins"]]
    roster = selectors.roster(training)
    if full:
        visibility, people = "full", [_person(n, True) for n in roster["nominations"]]
    elif user.has_perm("trainings.view_roster", training):
        visibility = "names"
        people = [_person(n, False) for n in roster["nominations"]
                  if n.status in Nomination.SEAT_STATES]
    elif PARTICIPANT in roles:
        visibility = "self"
        people = [_person(n, True) for n in roster["nominations"] if n.user_id == user.pk]
    else:
        visibility, people = "none", []
    return {
        **_summary(training, roles), "meeting_link": training.meeting_link,
        "venue": training.venue, "team": members,
        "roster": {"visibility": visibility, "capacity": training.capacity,
                   "seats_used": roster["seats_used"], "waiting": len(roster["waiting"]),
                   "people": people},
    }




class MessageOut(Schema):
    id: int
    kind: str
    address: str
    recipient: str | None
    send_at: datetime.datetime
    state: str
    attempts: int
    last_error: str


MAX_MESSAGES = 200


@router.get("/{training_id}/messages", response=list[MessageOut],
            summary="The training's outbox: every message and its state (facilitators and "
                    "staff); `limit` (at most 200) and `offset` page through it")
def messages(request, training_id: int, limit: int = 50, offset: int = 0):
    training = get_object_or_404(Training, pk=training_id)
    if not request.user.has_perm("trainings.view_training", training):
        raise Http404("No training found.")
    if not request.user.has_perm("trainings.view_outbox", training):
        raise PermissionDenied("The outbox is for facilitators and staff.")
    limit, offset = max(1, min(limit, MAX_MESSAGES)), max(0, offset)
    rows = (Message.objects.filter(training=training).select_related("recipient")
            .only("pk", "kind", "address", "recipient__full_name", "recipient__email",
                  "send_at", "state", "attempts", "last_error")
            .order_by("send_at", "pk")[offset:offset + limit])
    return [{"id": m.pk, "kind": m.kind, "address": m.address,
             "recipient": str(m.recipient) if m.recipient else None, "send_at": m.send_at,
             "state": m.state, "attempts": m.attempts, "last_error": m.last_error}
            for m in rows]
