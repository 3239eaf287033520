"""Reads for trainings: what a user may see, dashboards, rosters. Query counts are flat.
Selectors never write and never import services."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import times

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

def _plural(count, word):
    return f"{count} {word}{'s' if count != 1 else ''}"


def _deadline_action(training):
    days = training.days_to_nomination_deadline
    when = (f"due in {_plural(days, 'day')}" if days >= 0
            else f"deadline passed {_plural(-days, 'day')} ago")
    return ("warning" if days < 7 else "info",
            f"Nominations {when} ({training.nomination_deadline:%d %b %Y}): "
            f"{training.n_all} nominated for {training.capacity} seats")


def _next_actions(user, training):
    """What `user` should do next on `training`, as (level, text): asks the rules."""
    if training.is_cancelled:
        return [("danger", f"Cancelled: {training.cancel_reason}")]
    actions = []
    if training.status in (Training.Status.PLANNING, Training.Status.NOMINATIONS_OPEN) \
            and user.has_perm("trainings.nominate", training):
        actions.append(_deadline_action(training))
    if training.n_nominated and user.has_perm("trainings.decide_nominations", training):
        actions.append(("warning", f"{_plural(training.n_nominated, 'nomination')} to decide"))
    if training.n_pending_invitations and user.has_perm("trainings.manage_team", training):
        actions.append(("info", f"{_plural(training.n_pending_invitations, 'invitation')} "
                                "pending"))
    return actions


def _seats_used(now):
    """Seats used per training, as a subquery (`holding_seats`)."""
    per_training = (Nomination.objects.holding_seats(now).filter(training=OuterRef("pk"))
                    .order_by().values("training").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(per_training, output_field=IntegerField()), Value(0))


def dashboard(user):
    """My trainings, each with my roles and what I should do next."""
    now = timezone.now()
    trainings = list(
        visible_trainings(user).exclude(status=Training.Status.COMPLETED).annotate(
            n_nominated=Count("nominations", filter=Q(nominations__status=S.NOMINATED),
                              distinct=True),
            n_seats=_seats_used(now),
            n_all=Count("nominations", filter=~Q(nominations__status__in=Nomination.FINAL_STATES),
                        distinct=True),
            n_pending_invitations=Count(
                "invitations", filter=Q(invitations__accepted_at=None,
                                        invitations__revoked_at=None,
                                        invitations__expires_at__gt=now), distinct=True),
        ).order_by("start_date")
    )
    roles = roles_by_training(user, trainings)  # the rules below then ask no query
    rows = [{"training": t, "roles": role_labels(roles[t.pk]),
             "actions": _next_actions(user, t)} for t in trainings]
    pending_for_me = list(
        Invitation.objects.filter(email=user.email, accepted_at=None, revoked_at=None,
                                  expires_at__gt=now).select_related("training", "nomination")
    )
    past = list(visible_trainings(user).filter(status=Training.Status.COMPLETED)
                .order_by("-start_date")[:50])
    return {"rows": rows, "my_invitations": pending_for_me, "past": past}


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
