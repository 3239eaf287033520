"""Reads for trainings: what a user may see, dashboards, rosters. Query counts are flat."""

from collections import Counter, defaultdict

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from .models import (
    CountryAdmin,
    Invitation,
    Membership,
    Nomination,
    Role,
    Training,
)
from .rules import FACILITATORS, PARTICIPANT, RCO_ADMIN, STAFF

S = Nomination.Status


def visible_trainings(user):
    """Trainings the user may see (the `view_training` rule, as a query)."""
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


def roles_by_training(user, trainings):
    """{training id: set of roles} for many trainings in three queries."""
    ids = [t.pk for t in trainings]
    roles = defaultdict(set)
    for training_id, role in Membership.objects.filter(user=user, training__in=ids).values_list(
            "training_id", "role"):
        roles[training_id].add(role)
    countries = set(CountryAdmin.objects.filter(user=user).values_list("country", flat=True))
    participant = set(Nomination.objects.filter(user=user, training__in=ids, status=S.CONFIRMED)
                      .values_list("training_id", flat=True))
    for training in trainings:
        if user.is_staff:
            roles[training.pk].add(STAFF)
        if training.country.code in countries:
            roles[training.pk].add(RCO_ADMIN)
        if training.pk in participant:
            roles[training.pk].add(PARTICIPANT)
    return roles


ROLE_LABELS = {**dict(Role.choices), STAFF: "Platform staff", RCO_ADMIN: "RCO admin",
               PARTICIPANT: "Participant"}


def dashboard(user):
    """My trainings, each with my roles and what I should do next."""
    now = timezone.now()
    trainings = list(
        visible_trainings(user).exclude(status=Training.Status.COMPLETED).annotate(
            n_nominated=Count("nominations", filter=Q(nominations__status=S.NOMINATED),
                              distinct=True),
            n_seats=Count("nominations", filter=Q(nominations__status__in=Nomination.SEAT_STATES)
                          | Q(nominations__status=S.WAITLISTED,
                              nominations__offer_expires_at__gt=now), distinct=True),
            n_all=Count("nominations", filter=~Q(nominations__status__in=[S.DECLINED,
                                                                            S.WITHDRAWN]),
                        distinct=True),
            n_pending_invitations=Count(
                "invitations", filter=Q(invitations__accepted_at=None,
                                        invitations__revoked_at=None,
                                        invitations__expires_at__gt=now), distinct=True),
        ).order_by("start_date")
    )
    roles = roles_by_training(user, trainings)
    rows = []
    for training in trainings:
        mine = roles[training.pk]
        actions = []
        if training.is_cancelled:
            actions.append(("danger", f"Cancelled: {training.cancel_reason}"))
        else:
            if RCO_ADMIN in mine and training.status in (Training.Status.PLANNING,
                                                         Training.Status.NOMINATIONS_OPEN):
                days = training.days_to_nomination_deadline
                when = (f"due in {days} day{'s' if days != 1 else ''}" if days >= 0
                        else f"deadline passed {-days} day{'s' if days != -1 else ''} ago")
                actions.append(("warning" if days < 7 else "info",
                                f"Nominations {when} ({training.nomination_deadline:%d %b %Y}): "
                                f"{training.n_all} nominated for {training.capacity} seats"))
            if mine & (FACILITATORS | {STAFF}) and training.n_nominated:
                actions.append(("warning", f"{training.n_nominated} nomination"
                                           f"{'s' if training.n_nominated != 1 else ''} to decide"))
            if mine & {Role.LEAD_FACILITATOR, STAFF} and training.n_pending_invitations:
                actions.append(("info", f"{training.n_pending_invitations} invitation"
                                        f"{'s' if training.n_pending_invitations != 1 else ''} "
                                        "pending"))
        rows.append({"training": training, "roles": sorted(ROLE_LABELS[r] for r in mine),
                     "actions": actions})
    pending_for_me = list(
        Invitation.objects.filter(email=user.email, accepted_at=None, revoked_at=None,
                                  expires_at__gt=now).select_related("training", "nomination")
    )
    return {"rows": rows, "my_invitations": pending_for_me}


def team(training):
    memberships = list(Membership.objects.filter(training=training).select_related("user")
                       .order_by("role", "user__full_name"))
    admins = list(CountryAdmin.objects.filter(country=training.country).select_related("user"))
    invitations = list(Invitation.objects.filter(training=training).exclude(
        kind=Invitation.Kind.PARTICIPANT).select_related("invited_by").order_by("-created_at"))
    order = {role: i for i, role in enumerate(Role.values)}
    memberships.sort(key=lambda m: (order[m.role], m.user.full_name))
    return {"memberships": memberships, "country_admins": admins, "invitations": invitations}


def _share(counter, total):
    return [{"label": label, "count": count, "percent": round(100 * count / total) if total else 0}
            for label, count in counter.most_common()]


def roster(training):
    """Every nomination, seats, the waiting list in order, and the balance of the seats."""
    now = timezone.now()
    nominations = list(Nomination.objects.filter(training=training)
                       .select_related("nominated_by", "decided_by", "user")
                       .prefetch_related(Prefetch("invitations", queryset=Invitation.objects
                                                  .order_by("-created_at")))
                       .order_by("full_name"))
    for nomination in nominations:  # the permission checks per row need it, without a query
        nomination.training = training
    seated = [n for n in nominations if n.status in Nomination.SEAT_STATES]
    offers = [n for n in nominations if n.status == S.WAITLISTED and n.offer_expires_at
              and n.offer_expires_at > now]
    waiting = sorted((n for n in nominations if n.status == S.WAITLISTED),
                     key=lambda n: (n.waitlist_position or 0, n.created_at))
    by_status = Counter(n.status for n in nominations)
    gender_labels = dict(Nomination.Gender.choices)
    seniority_labels = dict(Nomination.Seniority.choices)
    seated_total = len(seated)
    return {
        "nominations": nominations,
        "seats_used": seated_total + len(offers),
        "seated": seated_total,
        "open_offers": len(offers),
        "capacity": training.capacity,
        "seats_free": max(training.capacity - seated_total - len(offers), 0),
        "waiting": waiting,
        "by_status": [(label, by_status.get(value, 0)) for value, label in S.choices],
        "balance": {
            "gender": _share(Counter(gender_labels[n.gender] for n in seated), seated_total),
            "un_entity": _share(Counter(n.un_entity for n in seated), seated_total),
            "seniority": _share(Counter(seniority_labels.get(n.seniority, "Not given")
                                        for n in seated), seated_total),
        },
    }
