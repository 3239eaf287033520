"""What each person should do next: a registry of sources, like `navigation.register_tab`.

A source is a function `source(user, trainings, roles, now)` → [NextItem]: `trainings` is the
list of trainings the list is for (the dashboard's, or the one of an overview), `roles` is
`rules.roles_by_training(user, trainings)` and `now` the instant to judge "due" and
"overdue" by. A source answers for all the trainings at once in a constant number of
queries (whatever the number of trainings or items) and returns only what `user` has to do.
This app's own sources (nominations, invitations) are registered below; the higher apps
(checklists, notes, evaluation, documents) register theirs in their AppConfig.ready(), so
this app never imports them. docs/next.md lists every source."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse

from accounts import times

from .models import Invitation, Nomination, Role, Training
from .rules import FACILITATORS, RCO_ADMIN, STAFF, roles_by_training

# day-level deadlines (the nomination deadline) fall due at the end of the training's day,
# as checklist lines do
DAY_END = datetime.time(17, 0)
OPEN_FOR_NOMINATIONS = (Training.Status.PLANNING, Training.Status.NOMINATIONS_OPEN)
CLOSED = (Training.Status.CANCELLED, Training.Status.COMPLETED)


@dataclass
class NextItem:
    """One thing to do: a sentence, the page where it is done, and its due instant (None: no
    date). `training` is None for what belongs to no training the person can see yet (an
    invitation to accept)."""

    text: str
    url: str
    due: datetime.datetime | None
    kind: str
    training: Training | None = None
    tz: str = ""               # the zone the due instant is shown in (the training's)
    due_label: str = "Due"
    overdue: bool = field(default=False)

    def __post_init__(self):
        if not self.tz and self.training is not None:
            self.tz = self.training.time_zone

    @property
    def training_id(self):
        return self.training.pk if self.training else None


_SOURCES = {}


def register_source(name, source):
    """Add (or replace, by name) a source of next items."""
    _SOURCES[name] = source


def sources():
    return dict(_SOURCES)


def _sort_key(item):
    return (item.due is None, item.due or datetime.datetime.max.replace(tzinfo=datetime.UTC),
            item.text)


def collect(user, trainings, now, roles=None):
    """Every source's items for `trainings`, marked overdue against `now`, by due date (those
    without one last). `roles` defaults to `roles_by_training` (three queries)."""
    trainings = list(trainings)
    if roles is None:
        roles = roles_by_training(user, trainings)
    items = []
    for source in _SOURCES.values():
        items.extend(source(user, trainings, roles, now))
    for item in items:
        item.overdue = item.due is not None and item.due < now
    return sorted(items, key=_sort_key)


def day_end(day, training):
    """A day-level deadline as an instant: 17:00 on `day` in the training's zone."""
    return times.to_utc(day, DAY_END, training.time_zone)


def _plural(count, word):
    return f"{count} {word}{'s' if count != 1 else ''}"


def _open(trainings):
    return [t for t in trainings if t.status not in CLOSED]


# --- this app's sources -----------------------------------------------------------------------

def nominations_to_decide(user, trainings, roles, now):
    """Facilitators (and staff): nominations waiting for a decision, one item per training,
    due by the nomination deadline (once it has passed: by the start)."""
    deciders = [t for t in _open(trainings) if roles[t.pk] & (FACILITATORS | {STAFF})]
    if not deciders:
        return []
    counts = dict(Nomination.objects.filter(training__in=deciders,
                                            status=Nomination.Status.NOMINATED)
                  .order_by().values_list("training").annotate(n=Count("pk")))
    items = []
    for training in deciders:
        if not counts.get(training.pk):
            continue
        due = day_end(training.nomination_deadline, training)
        if due < now:
            due = times.to_utc(training.start_date, datetime.time.min, training.time_zone)
        items.append(NextItem(
            text=f"{_plural(counts[training.pk], 'nomination')} to decide",
            url=reverse("trainings:nominations", args=[training.pk]), due=due,
            kind="nominations_to_decide", training=training))
    return items


def nominations_to_send(user, trainings, roles, now):
    """RCO admins: send nominations while they are open, by the deadline (three weeks before
    the start); still listed, overdue, after the deadline while seats remain unfilled."""
    senders = [t for t in trainings if RCO_ADMIN in roles[t.pk]
               and t.status in OPEN_FOR_NOMINATIONS]
    if not senders:
        return []
    counts = dict(Nomination.objects.filter(training__in=senders)
                  .exclude(status__in=Nomination.FINAL_STATES)
                  .order_by().values_list("training").annotate(n=Count("pk")))
    items = []
    for training in senders:
        nominated = counts.get(training.pk, 0)
        due = day_end(training.nomination_deadline, training)
        if due < now and nominated >= training.capacity:
            continue
        days = (training.nomination_deadline - times.local_date(now, training.time_zone)).days
        when = (f"due in {_plural(days, 'day')}" if days >= 0
                else f"deadline passed {_plural(-days, 'day')} ago")
        items.append(NextItem(
            text=f"Nominations {when}: {nominated} nominated for {training.capacity} seats",
            url=reverse("trainings:nominations", args=[training.pk]), due=due,
            kind="nominations_to_send", training=training))
    return items


def invitations_to_resend(user, trainings, roles, now):
    """Leads (and staff): team and RCO admin invitations nobody accepted, revoked or replaced
    (the newest per address and role counts), due when the first expires; expired ones are
    overdue and need resending. One item per training."""
    managers = [t for t in _open(trainings) if roles[t.pk] & {Role.LEAD_FACILITATOR, STAFF}]
    if not managers:
        return []
    newest = {}
    for inv in (Invitation.objects.filter(training__in=managers)
                .exclude(kind=Invitation.Kind.PARTICIPANT).order_by("created_at", "pk")
                .only("training_id", "email", "kind", "role", "expires_at", "accepted_at",
                      "revoked_at", "created_at")):
        newest[(inv.training_id, inv.email.lower(), inv.kind, inv.role)] = inv
    waiting = {}
    for inv in newest.values():
        if inv.accepted_at is None and inv.revoked_at is None:
            waiting.setdefault(inv.training_id, []).append(inv)
    items = []
    for training in managers:
        found = waiting.get(training.pk)
        if not found:
            continue
        expired = sum(1 for inv in found if inv.expires_at <= now)
        pending = len(found) - expired
        parts = []
        if pending:
            parts.append(f"{_plural(pending, 'invitation')} pending")
        if expired:
            parts.append(f"{_plural(expired, 'invitation')} expired")
        items.append(NextItem(
            text=f"{' and '.join(parts)}: resend or revoke",
            url=reverse("trainings:team", args=[training.pk]),
            due=min(inv.expires_at for inv in found), kind="invitations_to_resend",
            training=training))
    return items


def my_invitations(user, now):
    """The invitations sent to `user`'s address that still work: to accept (one query)."""
    if not user.is_authenticated or not user.email:
        return []
    found = (Invitation.objects.filter(email__iexact=user.email, accepted_at=None,
                                       revoked_at=None, expires_at__gt=now)
             .exclude(training__status=Training.Status.CANCELLED)
             .select_related("training", "nomination").order_by("expires_at"))
    return list(found)


def invitations_to_accept(invitations):
    """Items for `my_invitations`: accept each, by the time it expires. They carry no
    training: the invitee cannot open the training before accepting."""
    return [NextItem(text=f"Accept your invitation: {inv.role_label} – {inv.training}",
                     url=reverse("trainings:my_invitation", args=[inv.pk]),
                     due=inv.expires_at, kind="invitation_to_accept",
                     tz=inv.training.time_zone, due_label="Open until")
            for inv in invitations]


def my_open_nominations(user):
    """`user`'s own nominations (`Nomination.objects.made_out_to`) that give no seat yet
    (nominated, approved, waitlisted) on trainings not cancelled: the training's pages are
    not theirs yet, so the dashboard links to "My seat" (one query)."""
    if not user.is_authenticated:
        return []
    waiting = (Nomination.Status.NOMINATED, Nomination.Status.APPROVED,
               Nomination.Status.WAITLISTED)
    return list(Nomination.objects.made_out_to(user).filter(status__in=waiting)
                .exclude(training__status=Training.Status.CANCELLED)
                .select_related("training").order_by("training__start_date", "pk"))


def nominations_to_follow(nominations):
    """Items for `my_open_nominations`: see where the nomination stands (the waiting-list
    position, the offer, withdraw) on the "My seat" page. No due date: nothing is asked of
    the nominee until a seat is offered (the offer is an invitation to accept)."""
    return [NextItem(text=f"Your nomination to {n.training}: {n.get_status_display().lower()}"
                          " – see where you stand",
                     url=reverse("trainings:my_seat", args=[n.training_id]), due=None,
                     kind="my_nomination", tz=n.training.time_zone)
            for n in nominations]


def for_training(user, training, now):
    """The items of one training (the overview's list)."""
    return collect(user, [training], now)


register_source("nominations_to_decide", nominations_to_decide)
register_source("nominations_to_send", nominations_to_send)
register_source("invitations_to_resend", invitations_to_resend)
