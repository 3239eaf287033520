"""Reads for trainings: what a user may see, dashboards, rosters. Query counts are flat.
Selectors never write and never import services."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import times

from . import next as next_items
from . import timeline
from .audit_labels import change_rows
from .models import (
    AuditEntry,
    CountryAdmin,
    CountryProfile,
    Invitation,
    Membership,
    Nomination,
    Role,
    ScopingSurvey,
    Training,
)
from .rules import PARTICIPANT, RCO_ADMIN, ROSTER_LEVELS, STAFF, roles_by_training

S = Nomination.Status


def visible_trainings(user):
    """The trainings `user` may see: the `trainings.view_training` rule (rules.can_view:
    staff, a role on the training, RCO admin of its country, confirmed participant) as one
    query. Every list of "my trainings" starts here."""
    qs = Training.objects.select_related("curriculum")
    if not user.is_authenticated:
        return qs.none()
    if user.is_staff:
        return qs
    countries = CountryAdmin.objects.filter(user=user).values("country")
    return qs.filter(
        Q(memberships__user=user)
        | Q(country__in=countries)
        | Q(nominations__user=user, nominations__status=S.CONFIRMED)
    ).distinct()


ROLE_LABELS = {**dict(Role.choices), STAFF: "Platform staff", RCO_ADMIN: "RCO admin",
               PARTICIPANT: "Participant"}


def role_labels(roles):
    return sorted(ROLE_LABELS[r] for r in roles)


# --- the roster: who sees whom, and which fields ---------------------------------------------

# Every field of a nomination the roster can show, in order, with its heading on the page.
ROSTER_FIELDS = {
    "name": "Name",
    "un_entity": "UN entity",
    "status": "Status",
    "email": "Email",
    "job_title": "Job title",
    "gender": "Gender",
    "seniority": "Seniority",
    "prior_experience": "Prior migration experience",
    "late": "Late",
    "waitlist_position": "Waiting list",
    "offer_expires_at": "Offer open until",
    "decision_reason": "Decision reason",
}
NAME_FIELDS = ("name", "un_entity", "status")
ALL_FIELDS = tuple(ROSTER_FIELDS)
LEVEL_FIELDS = {"full": ALL_FIELDS, "names": NAME_FIELDS, "self": ALL_FIELDS, "none": ()}
# The CSV export names its columns as the import template does.
CSV_COLUMNS = {**{name: name for name in ROSTER_FIELDS},
               "prior_experience": "prior_migration_experience"}


def _open_offer(nomination):
    return nomination.offer_expires_at if nomination.has_open_offer else None


# field -> the value as data (the API)
_RAW = {
    "name": lambda n: n.full_name,
    "un_entity": lambda n: n.un_entity,
    "status": lambda n: n.status,
    "email": lambda n: n.email,
    "job_title": lambda n: n.job_title,
    "gender": lambda n: n.gender,
    "seniority": lambda n: n.seniority,
    "prior_experience": lambda n: n.prior_experience,
    "late": lambda n: n.late,
    "waitlist_position": lambda n: n.waitlist_position,
    "offer_expires_at": _open_offer,
    "decision_reason": lambda n: n.decision_reason,
}


def _offer_until(nomination):
    return times.when_text(_open_offer(nomination), nomination.training.time_zone,
                           zone_names=False)


# field -> the value as people read it (the page and the CSV export)
_SHOWN = {
    **_RAW,
    "status": lambda n: n.get_status_display(),
    "gender": lambda n: n.get_gender_display(),
    "seniority": lambda n: n.get_seniority_display(),
    "prior_experience": lambda n: n.get_prior_experience_display(),
    "late": lambda n: "yes" if n.late else "",
    "waitlist_position": lambda n: n.waitlist_position or "",
    "offer_expires_at": _offer_until,
}


def roster_value(nomination, name):
    """A field of the roster as data (the API)."""
    return _RAW[name](nomination)


def roster_text(nomination, name):
    """A field of the roster as people read it (the page and the CSV export)."""
    return _SHOWN[name](nomination)


@dataclass
class Roster:
    """What one user may see of a training's nominations (`roster_for`)."""

    level: str                 # "full" | "names" | "self" | "none"
    fields: tuple              # the fields shown, in order (keys of ROSTER_FIELDS)
    rows: list = field(default_factory=list)      # the nominations shown, by name
    waiting: list = field(default_factory=list)   # those of `rows` on the waiting list, in order

    @property
    def headings(self):
        return [ROSTER_FIELDS[name] for name in self.fields]

    @property
    def csv_header(self):
        return [CSV_COLUMNS[name] for name in self.fields]

    @property
    def shows_balance(self):
        """The status counts and the balance of the seats (aggregates of other people)."""
        return self.level in ("full", "names")

    def texts(self, nomination):
        """The row as people read it: the page's cells, word for word (the CSV export)."""
        return [text for _name, text in nomination.roster_cells]

    def data(self, nomination):
        return {name: roster_value(nomination, name) for name in self.fields}


def roster_level(user, training):
    """The first level of rules.ROSTER_LEVELS the user holds on the training, else "none"."""
    return next((level for level, perm in ROSTER_LEVELS if user.has_perm(perm, training)),
                "none")


def roster_for(user, training):
    """Which nominations of `training` `user` may see, and which of their fields: the one
    answer the roster page, its CSV export and the API print. One query."""
    level = roster_level(user, training)
    nominations = Nomination.objects.filter(training=training).order_by("full_name", "pk")
    if level == "names":
        nominations = nominations.seated()
    elif level == "self":
        nominations = nominations.filter(user=user)
    elif level == "none":
        return Roster(level=level, fields=())
    fields = LEVEL_FIELDS[level]
    rows = list(nominations)
    for nomination in rows:
        nomination.training = training  # the permission checks per row need it, no query
        nomination.roster_cells = [(name, roster_text(nomination, name)) for name in fields]
    waiting = sorted((n for n in rows if n.status == S.WAITLISTED),
                     key=lambda n: (n.waitlist_position or 0, n.created_at))
    for nomination in waiting:
        nomination.offer_until = dict(nomination.roster_cells).get("offer_expires_at", "")
    return Roster(level=level, fields=fields, rows=rows, waiting=waiting)


def _share(counter, total):
    return [{"label": label, "count": count, "percent": round(100 * count / total) if total else 0}
            for label, count in counter.most_common()]


def seats(training, *, now=None):
    """Capacity, seats used (`Nomination.objects.holding_seats`), open offers, the waiting
    list's length, counts by status and the balance of the seats. Aggregates only (no
    personal data); three queries whatever the number of nominations."""
    now = now or timezone.now()
    nominations = Nomination.objects.filter(training=training).order_by()
    holding = list(nominations.holding_seats(now).values_list("status", "gender", "un_entity",
                                                              "seniority"))
    seated = [row for row in holding if row[0] != S.WAITLISTED]
    offers = len(holding) - len(seated)
    counts = dict(nominations.values_list("status").annotate(n=Count("pk")))
    gender_labels = dict(Nomination.Gender.choices)
    seniority_labels = dict(Nomination.Seniority.choices)
    return {
        "capacity": training.capacity,
        "seats_used": len(holding),
        "seated": len(seated),
        "open_offers": offers,
        "seats_free": max(training.capacity - len(holding), 0),
        "waiting": counts.get(S.WAITLISTED, 0),
        "by_status": [(label, counts.get(value, 0)) for value, label in S.choices],
        "balance": {
            "gender": _share(Counter(gender_labels[g] for _, g, _, _ in seated), len(seated)),
            "un_entity": _share(Counter(e for _, _, e, _ in seated), len(seated)),
            "seniority": _share(Counter(seniority_labels.get(s, "Not given")
                                        for _, _, _, s in seated), len(seated)),
        },
    }


# --- the dashboard ---------------------------------------------------------------------------

def _next_actions(user, trainings, now, roles):
    """What `user` should do next on `trainings`, and on invitations sent to them: every
    source of `trainings.next` (the higher apps register theirs), by due date. A constant
    number of queries whatever the number of trainings or items."""
    items = next_items.collect(user, trainings, now, roles)
    invitations = next_items.invitations_to_accept(next_items.my_invitations(user, now))
    invitations += next_items.nominations_to_follow(next_items.my_open_nominations(user))
    return items, invitations


def _seats_used(now):
    """Seats used per training, as a subquery (`holding_seats`)."""
    per_training = (Nomination.objects.holding_seats(now).filter(training=OuterRef("pk"))
                    .order_by().values("training").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(per_training, output_field=IntegerField()), Value(0))


def dashboard(user, *, now=None):
    """My trainings, each with my roles and the timeline of its phases; what I should do
    next across them (completed trainings too: the follow-ups come after), by due date; the
    invitations waiting for me."""
    now = now or timezone.now()
    trainings = list(visible_trainings(user).exclude(status=Training.Status.COMPLETED)
                     .annotate(n_seats=_seats_used(now)).order_by("start_date"))
    past = list(visible_trainings(user).filter(status=Training.Status.COMPLETED)
                .order_by("-start_date")[:50])
    roles = roles_by_training(user, trainings + past)  # the rules below then ask no query
    items, invitations = _next_actions(user, trainings + past, now, roles)
    by_training = {}
    for item in items:
        by_training.setdefault(item.training_id, []).append(item)
    rows = [{"training": t, "roles": role_labels(roles[t.pk]),
             "actions": by_training.get(t.pk, []),
             "timeline": timeline.phases(t, now)} for t in trainings]
    return {"rows": rows, "next_items": items, "my_invitations": invitations, "past": past}


# --- other pages ---------------------------------------------------------------------------

def team(training):
    memberships = list(Membership.objects.filter(training=training).select_related("user")
                       .order_by("role", "user__full_name"))
    admins = list(CountryAdmin.objects.filter(country=training.country).select_related("user"))
    invitations = list(Invitation.objects.filter(training=training).exclude(
        kind=Invitation.Kind.PARTICIPANT).select_related("invited_by").order_by("-created_at"))
    order = {role: i for i, role in enumerate(Role.values)}
    memberships.sort(key=lambda m: (order[m.role], m.user.full_name))
    return {"memberships": memberships, "country_admins": admins, "invitations": invitations}


def survey_of(training):
    """The training's scoping survey; an unsaved empty one if it has none yet (saving the
    form creates it)."""
    return ScopingSurvey.objects.filter(training=training).first() or \
        ScopingSurvey(training=training)


def country_profile(country):
    return CountryProfile.objects.filter(country=country).first() or \
        CountryProfile(country=country)


def audit_entries(training, *, limit=500):
    """The training's audit log, newest first; each entry's `change_rows` are
    (field label, before, after) as people read them."""
    entries = list(AuditEntry.objects.filter(training=training).select_related("actor")[:limit])
    for entry in entries:
        entry.change_rows = change_rows(entry)
    return entries


# --- my seat: a nominee's own nomination ---------------------------------------------------

def waiting_queue(training, *, now=None):
    """The training's waiting list in the order seats are offered: by position, then by
    date of nomination (people holding an open offer are out of the queue). The one order:
    `services.seats.promote_from_waitlist` offers free seats in it and "My seat" counts a
    person's position in it."""
    now = now or timezone.now()
    return (Nomination.objects.filter(training=training, status=S.WAITLISTED)
            .filter(Q(offer_expires_at__isnull=True) | Q(offer_expires_at__lte=now))
            .order_by("waitlist_position", "created_at", "pk"))


@dataclass
class MySeat:
    """Where `user` stands on a training (`my_seat`)."""

    nomination: Nomination
    # confirmed | approved | offered | waitlisted | nominated | declined | withdrawn
    state: str
    position: int | None = None    # on the waiting list, counted as seats are offered
    waiting: int = 0               # people in the waiting queue
    can_withdraw: bool = False     # the trainings.withdraw_nomination rule


def own_nomination(user, training):
    """`user`'s nomination on `training`: the one linked to their account, or the one made out
    to their (verified) address before they had an account linked to it; an open one before
    a closed one. None if they have none. One query."""
    if not user.is_authenticated or training is None:
        return None
    found = list(Nomination.objects.made_out_to(user).filter(training=training)
                 .order_by("-created_at"))
    found.sort(key=lambda n: n.is_final)  # stable: newest first within open, then closed
    return found[0] if found else None


def my_seat(user, training, *, now=None):
    """The "My seat" box: `user`'s nomination on `training`, its state in words' terms, the
    position on the waiting list (`waiting_queue`) and whether they may withdraw. None when
    they have no nomination. At most two queries, whatever the size of the waiting list."""
    nomination = own_nomination(user, training)
    if nomination is None:
        return None
    nomination.training = training
    now = now or timezone.now()
    seat = MySeat(nomination=nomination, state=nomination.status,
                  can_withdraw=user.has_perm("trainings.withdraw_nomination", nomination))
    if nomination.offer_open_at(now):
        seat.state = "offered"
    elif nomination.status == S.WAITLISTED:
        queue = list(waiting_queue(training, now=now).values_list("pk", flat=True))
        seat.waiting = len(queue)
        seat.position = queue.index(nomination.pk) + 1 if nomination.pk in queue else None
    return seat
