"""One digest per person and local day, listing their checklist lines due within three days
or overdue. Planned by a periodic task across trainings (the unique key makes it once)."""

import datetime
from collections import defaultdict

from django.utils import timezone

from accounts.times import local, to_utc
from notifications.kinds import Kind, register
from notifications.models import Message, MessageLog
from notifications.services import log
from trainings.models import CountryAdmin, Membership, Role, Training

from ..models import ChecklistItem
from .base import at_local

DIGEST_TIME = datetime.time(8, 0)


@register
class ChecklistDigest(Kind):
    name = "checklist_digest"
    label = "Checklist digest (due soon and overdue)"
    template = "scheduling/email/reminder_checklist_digest"
    mutable = True
    render_at_send = True

    def _items(self, message):
        return [i for i in ChecklistItem.objects.filter(pk__in=message.context.get("items", []))
                .select_related("training").order_by("due_at") if i.is_open]

    def unwanted(self, message):
        return None if self._items(message) else "nothing left to do"

    def context(self, message):
        return {"reminder": message, "user": message.recipient, "items": self._items(message)}


def _owners(trainings):
    """{(training id, owner role): [users]} for the given trainings, in two queries."""
    holders = defaultdict(list)
    for m in Membership.objects.filter(training__in=trainings).select_related("user"):
        holders[(m.training_id, m.role)].append(m.user)
    by_country = defaultdict(list)
    for admin in CountryAdmin.objects.filter(
            country__in={t.country.code for t in trainings}).select_related("user"):
        by_country[admin.country.code].append(admin.user)
    for training in trainings:
        holders[(training.pk, "rco_admin")] = by_country[training.country.code]
    return holders


def plan_digests(*, now=None, horizon_days=3):
    """Queue today's digest for everyone with checklist lines due soon. Idempotent."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=horizon_days + 1)
    items = list(ChecklistItem.objects.filter(status__in=ChecklistItem.OPEN, due_at__lte=horizon)
                 .exclude(training__status=Training.Status.CANCELLED)
                 .select_related("training").order_by("due_at"))
    trainings = {i.training_id: i.training for i in items}
    holders = _owners(list(trainings.values()))
    per_user = defaultdict(list)
    for item in items:
        users = holders.get((item.training_id, item.owner)) or \
            holders.get((item.training_id, Role.LEAD_FACILITATOR), [])
        for user in users:
            per_user[user].append(item)
    rows = []
    for user, user_items in per_user.items():
        today = local(now, user.time_zone or "UTC").date()
        limit = to_utc(today + datetime.timedelta(days=horizon_days + 1), datetime.time(0, 0),
                       user.time_zone or "UTC")
        due = [i.pk for i in user_items if i.due_at < limit]
        if due:
            rows.append(Message(
                kind=ChecklistDigest.name, key=f"{ChecklistDigest.name}:{user.pk}:{today}",
                recipient=user, address=user.email, context={"items": due},
                send_at=max(now, at_local(today, DIGEST_TIME, user.time_zone))))
    existing = set(Message.objects.filter(key__in=[r.key for r in rows])
                   .values_list("key", flat=True))
    rows = [r for r in rows if r.key not in existing]
    Message.objects.bulk_create(rows, ignore_conflicts=True)
    made = Message.objects.filter(key__in=[r.key for r in rows])
    MessageLog.objects.bulk_create([log(m, "", Message.State.SCHEDULED,
                                        f"{len(m.context['items'])} checklist lines")
                                    for m in made])
    return len(rows)
