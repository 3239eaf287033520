"""Trainings in the API: those the caller may see; team and roster per the role matrix."""

import datetime

from ninja import Router, Schema

from notifications.models import Message

from . import selectors
from .models import Training
from .rules import training_roles
from .selectors import role_labels
from .views.access import get_visible

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
    offer_expires_at: datetime.datetime | None = None
    decision_reason: str | None = None


class RosterOut(Schema):
    visibility: str
    fields: list[str]
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
        "my_roles": role_labels(roles),
    }


@router.get("", response=list[TrainingOut], summary="Trainings the caller may see")
def list_trainings(request):
    trainings = list(selectors.visible_trainings(request.user))
    roles = selectors.roles_by_training(request.user, trainings)
    return [_summary(t, roles[t.pk]) for t in trainings]


@router.get("/{training_id}", response=TrainingDetailOut,
            summary="A training with its team and roster (people and fields per the role "
                    "matrix: `roster.visibility` and `roster.fields`)")
def get_training(request, training_id: int):
    training = get_visible(request, Training.objects.select_related("curriculum"), pk=training_id)
    user = request.user
    roles = training_roles(user, training)
    emails = user.has_perm("trainings.view_personal_data", training)
    team = selectors.team(training)
    members = [{"name": str(m.user), "un_entity": m.user.un_entity,
                "role": m.get_role_display(), "email": m.user.email if emails else None}
               for m in team["memberships"]]
    members += [{"name": str(a.user), "un_entity": a.user.un_entity, "role": "RCO admin",
                 "email": a.user.email if emails else None} for a in team["country_admins"]]
    roster = selectors.roster_for(user, training)
    seats = selectors.seats(training)
    return {
        **_summary(training, roles), "meeting_link": training.meeting_link,
        "venue": training.venue, "team": members,
        "roster": {"visibility": roster.level, "fields": list(roster.fields),
                   "capacity": training.capacity, "seats_used": seats["seats_used"],
                   "waiting": seats["waiting"],
                   "people": [roster.data(n) for n in roster.rows]},
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
    training = get_visible(request, Training.objects, "trainings.view_outbox",
                           reason="The outbox is for facilitators and staff.", pk=training_id)
    limit, offset = max(1, min(limit, MAX_MESSAGES)), max(0, offset)
    rows = (Message.objects.filter(training=training).select_related("recipient")
            .only("pk", "kind", "address", "recipient__full_name", "recipient__email",
                  "send_at", "state", "attempts", "last_error")
            .order_by("send_at", "pk")[offset:offset + limit])
    return [{"id": m.pk, "kind": m.kind, "address": m.address,
             "recipient": str(m.recipient) if m.recipient else None, "send_at": m.send_at,
             "state": m.state, "attempts": m.attempts, "last_error": m.last_error}
            for m in rows]
