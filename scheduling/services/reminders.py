"""Reminders as rows (AMY-style): planned from the training's state, re-planned whenever it
changes, swept every minute, sent once. See docs/reminders.md."""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from mailer.models import OutgoingEmail
from trainings.models import CountryAdmin, Membership, Nomination, Role, Training

from ..models import (
    MUTABLE_KINDS,
    ChecklistItem,
    Reminder,
    ReminderKind,
    ReminderLog,
    ReminderPreference,
    Slot,
    SlotKind,
)
from ..timeutils import local, to_utc

logger = logging.getLogger(__name__)
K = ReminderKind
S = Reminder.State
MAX_ATTEMPTS = 5
STUCK_AFTER = datetime.timedelta(minutes=10)
BATCH = 500
MORNING = datetime.time(9, 0)
DIGEST_TIME = datetime.time(8, 0)
OFFER_WARNING = datetime.timedelta(hours=12)
NOTES_AFTER = datetime.timedelta(hours=2)


def _at_local(day, time, user_tz):
    return to_utc(day, time, user_tz or "UTC")


def sessions(training, slots=None):
    """Blocks of consecutive online or offline slots of one module: what people attend."""
    blocks = []
    for slot in slots if slots is not None else Slot.objects.filter(
            training=training, kind__in=[SlotKind.ONLINE, SlotKind.OFFLINE]).order_by("start"):
        if slot.kind not in (SlotKind.ONLINE, SlotKind.OFFLINE):
            continue
        last = blocks[-1] if blocks else None
        if last and last["kind"] == slot.kind and last["module_id"] == slot.module_id \
                and slot.start - last["end"] <= datetime.timedelta(minutes=20):
            last["end"] = max(last["end"], slot.end)
            last["last_uid"] = str(slot.uid)
        else:
            blocks.append({"kind": slot.kind, "module_id": slot.module_id,
                           "module": slot.module.number if slot.module else None,
                           "start": slot.start, "end": slot.end, "first_uid": str(slot.uid),
                           "last_uid": str(slot.uid)})
    return blocks


def desired(training, *, now=None):
    """Every reminder the training should have from now on: {key: fields}."""
    now = now or timezone.now()
    if training.is_cancelled:
        return {}
    wanted = {}

    def add(kind, user, subject, send_at, email=None, **context):
        if send_at <= now:
            return
        email = email or user.email
        key = f"{kind}:{training.pk}:{subject}:{user.pk if user else email}"
        wanted[key] = {"kind": kind, "recipient": user, "email": email, "subject_key": subject,
                       "send_at": send_at, "context": context}

    members = list(Membership.objects.filter(training=training).select_related("user"))
    team = {m.user for m in members}
    facilitators = {m.user for m in members
                    if m.role in (Role.LEAD_FACILITATOR, Role.FACILITATOR)}
    rapporteurs = {m.user for m in members if m.role == Role.RAPPORTEUR}
    rco = [a.user for a in CountryAdmin.objects.filter(country=training.country)
           .select_related("user")]
    nominations = list(Nomination.objects.filter(training=training).select_related("user"))
    participants = {n.user for n in nominations
                    if n.status == Nomination.Status.CONFIRMED and n.user}

    deadline = training.nomination_deadline
    if training.status in (Training.Status.DRAFT, Training.Status.PLANNING,
                           Training.Status.NOMINATIONS_OPEN):
        for user in rco:
            for days in (28, 22):
                day = training.start_date - datetime.timedelta(days=days)
                add(K.NOMINATION_DEADLINE, user, f"deadline-{days}",
                    _at_local(day, MORNING, user.time_zone), deadline=deadline.isoformat())
        for user in facilitators:
            add(K.NOMINATIONS_SHORT, user, "short",
                _at_local(deadline, MORNING, user.time_zone))

    for block in sessions(training):
        for user in team | participants:
            add(K.SESSION_24H, user, f"session:{block['first_uid']}",
                block["start"] - datetime.timedelta(hours=24))
            add(K.SESSION_1H, user, f"session:{block['first_uid']}",
                block["start"] - datetime.timedelta(hours=1))
        if block["kind"] == SlotKind.OFFLINE:
            for user in rapporteurs:
                add(K.NOTES_DUE, user, f"notes:{block['last_uid']}", block["end"] + NOTES_AFTER)

    for n in nominations:
        if n.has_open_offer:
            add(K.OFFER_LAPSING, n.user, f"offer:{n.pk}:{n.offer_expires_at:%Y%m%d%H%M}",
                n.offer_expires_at - OFFER_WARNING, email=n.email)

    for user in participants:
        day_after = training.end_date + datetime.timedelta(days=1)
        add(K.THANK_YOU, user, "thank-you", _at_local(day_after, MORNING, user.time_zone))
        for kind, days in ((K.ACTION_PLAN_30, 30), (K.ACTION_PLAN_90, 90)):
            day = training.end_date + datetime.timedelta(days=days)
            add(kind, user, f"action-plan-{days}", _at_local(day, MORNING, user.time_zone))
    return wanted


def _log(reminder, event, detail=""):
    return ReminderLog(reminder=reminder, event=event, detail=detail[:2000])


@transaction.atomic
def replan(*, training, now=None):
    """Make the scheduled rows match `desired`: create, move, cancel. Sent rows stay."""
    now = now or timezone.now()
    wanted = desired(training, now=now)
    existing = {r.key: r for r in Reminder.objects.select_for_update().filter(training=training)}
    logs, created, moved, cancelled = [], 0, 0, 0
    for key, fields in wanted.items():
        row = existing.get(key)
        if row is None:
            row = Reminder.objects.create(training=training, key=key, **fields)
            logs.append(_log(row, "planned", f"for {row.send_at:%Y-%m-%d %H:%M} UTC"))
            created += 1
        elif row.state == S.CANCELLED or (row.state == S.SCHEDULED and row.send_at != fields["send_at"]):
            logs.append(_log(row, "re-planned" if row.state == S.SCHEDULED else "planned again",
                             f"{row.send_at:%Y-%m-%d %H:%M} → {fields['send_at']:%Y-%m-%d %H:%M} UTC"))
            row.send_at, row.state, row.context = fields["send_at"], S.SCHEDULED, fields["context"]
            row.save(update_fields=["send_at", "state", "context", "updated_at"])
            moved += 1
    for key, row in existing.items():
        if key not in wanted and row.state == S.SCHEDULED:
            row.state = S.CANCELLED
            row.save(update_fields=["state", "updated_at"])
            reason = "training cancelled" if training.is_cancelled else "no longer needed"
            logs.append(_log(row, "cancelled", reason))
            cancelled += 1
    ReminderLog.objects.bulk_create(logs)
    return {"created": created, "moved": moved, "cancelled": cancelled}


# Daily checklist digests ---------------------------------------------------------------


def _owners(trainings):
    """{(training id, owner role): [users]} for the given trainings, in three queries."""
    holders = defaultdict(list)
    for m in Membership.objects.filter(training__in=trainings).select_related("user"):
        holders[(m.training_id, m.role)].append(m.user)
    countries = {t.country.code: t.pk for t in trainings}
    by_country = defaultdict(list)
    for admin in CountryAdmin.objects.filter(country__in=list(countries)).select_related("user"):
        by_country[admin.country.code].append(admin.user)
    for training in trainings:
        holders[(training.pk, "rco_admin")] = by_country[training.country.code]
    return holders


def plan_digests(*, now=None, horizon_days=3):
    """One digest per person and local day, listing their checklist lines due within
    `horizon_days` or overdue. Runs often; a unique key makes it idempotent."""
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
    made = 0
    for user, user_items in per_user.items():
        today = local(now, user.time_zone or "UTC").date()
        limit = to_utc(today + datetime.timedelta(days=horizon_days + 1), datetime.time(0, 0),
                       user.time_zone or "UTC")
        due = [i for i in user_items if i.due_at < limit]
        if not due:
            continue
        key = f"{K.CHECKLIST_DIGEST}:{user.pk}:{today.isoformat()}"
        send_at = max(now, _at_local(today, DIGEST_TIME, user.time_zone))
        try:
            with transaction.atomic():
                row = Reminder.objects.create(
                    kind=K.CHECKLIST_DIGEST, recipient=user, email=user.email, key=key,
                    subject_key=f"digest:{today.isoformat()}", send_at=send_at,
                    context={"items": [i.pk for i in due]})
                ReminderLog.objects.create(reminder=row, event="planned",
                                           detail=f"{len(due)} checklist lines")
                made += 1
        except IntegrityError:
            continue  # today's digest exists already
    return made


# Sending --------------------------------------------------------------------------------


def _claim(now, batch):
    with transaction.atomic():
        ids = list(Reminder.objects.select_for_update(skip_locked=True)
                   .filter(state=S.SCHEDULED, send_at__lte=now)
                   .order_by("send_at").values_list("pk", flat=True)[:batch])
        if ids:
            Reminder.objects.filter(pk__in=ids).update(
                state=S.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now)
    return ids


def recover_stuck(*, now=None):
    """Rows left in "sending" by a worker that died: sent if their email went, else retried."""
    now = now or timezone.now()
    stuck = list(Reminder.objects.filter(state=S.SENDING, claimed_at__lt=now - STUCK_AFTER))
    if not stuck:
        return 0
    sent_keys = set(OutgoingEmail.objects.filter(
        key__in=[f"reminder:{r.pk}" for r in stuck], state=OutgoingEmail.State.SENT
    ).values_list("key", flat=True))
    logs = []
    for row in stuck:
        if f"reminder:{row.pk}" in sent_keys:
            row.state, row.sent_at = S.SENT, row.sent_at or now
            logs.append(_log(row, "recovered", "the email had gone; marked sent"))
        else:
            row.state = S.SCHEDULED
            logs.append(_log(row, "recovered", "stuck in sending; will retry"))
        row.save(update_fields=["state", "sent_at", "updated_at"])
    ReminderLog.objects.bulk_create(logs)
    return len(stuck)


def sweep(*, now=None, batch=BATCH):
    """Claim due rows (SKIP LOCKED, so parallel sweeps never share a row) and send them."""
    now = now or timezone.now()
    recover_stuck(now=now)
    sent = 0
    while ids := _claim(now, batch):
        sent += _deliver(ids, now)
    return sent


def _render(reminder, related):
    context = {"reminder": reminder, "SITE_URL": settings.SITE_URL.rstrip("/"), **related}
    text = render_to_string(f"scheduling/email/reminder_{reminder.kind}.txt", context)
    subject, _, body = text.strip().partition("\n")
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject.strip(), body.strip() + "\n"


def _related(reminders):
    """What the emails need, loaded in a fixed number of queries for the whole batch."""
    slot_uids = {r.subject_key.split(":", 1)[1] for r in reminders
                 if r.subject_key.startswith(("session:", "notes:"))}
    slots = {str(s.uid): s for s in Slot.objects.filter(uid__in=slot_uids)
             .select_related("module")}
    item_ids = {pk for r in reminders if r.kind == K.CHECKLIST_DIGEST
                for pk in r.context.get("items", [])}
    items = {i.pk: i for i in ChecklistItem.objects.filter(pk__in=item_ids)
             .select_related("training")}
    training_ids = {r.training_id for r in reminders if r.kind == K.NOMINATIONS_SHORT}
    counts = defaultdict(int)
    for training_id in Nomination.objects.filter(training__in=training_ids).exclude(
            status__in=[Nomination.Status.DECLINED, Nomination.Status.WITHDRAWN]
    ).values_list("training_id", flat=True):
        counts[training_id] += 1
    muted = {p.user_id: set(p.muted_kinds) for p in ReminderPreference.objects.filter(
        user__in={r.recipient_id for r in reminders if r.recipient_id})}
    return slots, items, counts, muted


def _deliver(ids, now):
    reminders = list(Reminder.objects.filter(pk__in=ids).select_related("training", "recipient"))
    slots, items, counts, muted = _related(reminders)
    logs, done, cancel, to_send = [], [], [], []
    for r in reminders:
        reason = None
        if r.kind in MUTABLE_KINDS and r.kind in muted.get(r.recipient_id, ()):
            reason = "muted by the recipient"
        elif r.training and r.training.is_cancelled:
            reason = "training cancelled"
        elif r.kind == K.NOMINATIONS_SHORT and counts[r.training_id] >= r.training.capacity:
            reason = f"not needed: {counts[r.training_id]} nominations for " \
                     f"{r.training.capacity} seats"
        if reason:
            cancel.append(r.pk)
            logs.append(_log(r, "cancelled", reason))
            continue
        related = {"training": r.training, "user": r.recipient}
        if r.subject_key.startswith(("session:", "notes:")):
            related["slot"] = slots.get(r.subject_key.split(":", 1)[1])
        if r.kind == K.CHECKLIST_DIGEST:
            related["items"] = [items[pk] for pk in r.context.get("items", []) if pk in items
                                and items[pk].is_open]
            if not related["items"]:
                cancel.append(r.pk)
                logs.append(_log(r, "cancelled", "nothing left to do"))
                continue
        if r.kind == K.NOMINATIONS_SHORT:
            related["count"] = counts[r.training_id]
        subject, body = _render(r, related)
        to_send.append((r, subject, body))

    # One email row per reminder (unique key): a retried batch never sends a row twice.
    OutgoingEmail.objects.bulk_create(
        [OutgoingEmail(key=f"reminder:{r.pk}", to=r.email, recipient=r.recipient,
                       subject=subject[:300], body=body) for r, subject, body in to_send],
        ignore_conflicts=True)
    already = set(OutgoingEmail.objects.filter(
        key__in=[f"reminder:{r.pk}" for r, _s, _b in to_send],
        state=OutgoingEmail.State.SENT).values_list("key", flat=True))
    failed = []
    with get_connection() as connection:
        for r, subject, body in to_send:
            if f"reminder:{r.pk}" in already:
                done.append(r.pk)
                logs.append(_log(r, "sent", "already sent earlier"))
                continue
            try:
                EmailMessage(subject=subject, body=body, to=[r.email],
                             connection=connection).send()
            except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
                failed.append((r, exc))
            else:
                done.append(r.pk)
                logs.append(_log(r, "sent", f"to {r.email}"))
    sent_at = timezone.now()
    OutgoingEmail.objects.filter(key__in=[f"reminder:{pk}" for pk in done]).update(
        state=OutgoingEmail.State.SENT, sent_at=sent_at)
    Reminder.objects.filter(pk__in=done).update(state=S.SENT, sent_at=sent_at, last_error="")
    Reminder.objects.filter(pk__in=cancel).update(state=S.CANCELLED)
    for r, exc in failed:
        if r.attempts >= MAX_ATTEMPTS:
            Reminder.objects.filter(pk=r.pk).update(state=S.FAILED, last_error=str(exc)[:2000])
            logs.append(_log(r, "failed", f"attempt {r.attempts}: {exc}"))
        else:
            retry_at = now + datetime.timedelta(minutes=2 ** r.attempts)
            Reminder.objects.filter(pk=r.pk).update(state=S.SCHEDULED, send_at=retry_at,
                                                    last_error=str(exc)[:2000])
            logs.append(_log(r, "retry", f"attempt {r.attempts} failed ({exc}); "
                                         f"next at {retry_at:%H:%M} UTC"))
    ReminderLog.objects.bulk_create(logs)
    return len(done)


@transaction.atomic
def send_now(*, actor, reminder):
    if reminder.state not in (S.SCHEDULED, S.FAILED, S.CANCELLED):
        raise ValueError(f"This reminder is {reminder.get_state_display().lower()}.")
    Reminder.objects.filter(pk=reminder.pk).update(state=S.SCHEDULED, send_at=timezone.now(),
                                                   attempts=0)
    ReminderLog.objects.create(reminder=reminder, event="send now", detail=f"by {actor}")


@transaction.atomic
def cancel(*, actor, reminder):
    if reminder.state != S.SCHEDULED:
        raise ValueError(f"Only scheduled reminders can be cancelled; this one is "
                         f"{reminder.get_state_display().lower()}.")
    Reminder.objects.filter(pk=reminder.pk).update(state=S.CANCELLED)
    ReminderLog.objects.create(reminder=reminder, event="cancelled", detail=f"by {actor}")


@transaction.atomic
def set_muted(*, user, kinds):
    kinds = sorted(set(kinds) & {str(k) for k in MUTABLE_KINDS})
    ReminderPreference.objects.update_or_create(user=user, defaults={"muted_kinds": kinds})
    return kinds


def cancel_all(*, training):
    rows = list(Reminder.objects.filter(training=training, state=S.SCHEDULED))
    Reminder.objects.filter(pk__in=[r.pk for r in rows]).update(state=S.CANCELLED)
    ReminderLog.objects.bulk_create([_log(r, "cancelled", "training cancelled") for r in rows])
    return len(rows)
