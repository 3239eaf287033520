"""Writing to the outbox: queue a message, sync a training's planned messages, and the
outbox page's actions (send now, cancel, resend). Every state change writes a log row.

Sending is `delivery.py`'s job; enqueueing its task is a best-effort nudge after commit.
"""

import base64

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.background import enqueue_on_commit

from . import kinds, rendering
from .models import Message, MessageLog, Preference

S = Message.State


def log(message, before, after, why, by=None):
    """A log row (not saved: callers bulk-create or save it)."""
    return MessageLog(message=message, before=before or "", after=after, why=why[:2000], by=by)


def nudge():
    """Ask a worker to deliver what is due, once the transaction commits (best-effort: the
    beat sweep delivers it anyway within a minute if the broker is down)."""
    enqueue_on_commit("notifications.tasks.deliver_due")


def attachment(filename, content, mimetype):
    """An attachment as stored on the row (text as is, bytes as base64)."""
    if isinstance(content, bytes):
        try:
            content = content.decode()
        except UnicodeDecodeError:
            return {"filename": filename, "base64": base64.b64encode(content).decode(),
                    "mimetype": mimetype}
    return {"filename": filename, "content": content, "mimetype": mimetype}


def references(context):
    """The ids of the records in a template context ({"invitation": 12, ...}), kept on the
    row so that a kind can check at send time that the message is still wanted."""
    return {name: value.pk for name, value in context.items()
            if isinstance(getattr(value, "pk", None), int)}


def queue(*, kind, key, address, context, recipient=None, training=None, send_at=None,
          attachments=None):
    """Queue one message of `kind` for `address`, once per `key`; rendered now.

    Returns the new row, or None if a message with this key exists already. Side effects:
    a Message row and its "queued" log row in the caller's transaction; a delivery nudge
    after commit.
    """
    kind_obj = kinds.get(kind)
    subject, text, html = rendering.render(kind_obj.template, context)
    files = list(attachments or [])
    calendar = kind_obj.calendar(None, context)
    if calendar:
        files.append(attachment("invite.ics", calendar, "text/calendar"))
    now = timezone.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                kind=kind, key=key[:255], address=address, recipient=recipient,
                training=training, send_at=send_at or now, subject=subject, text=text,
                html=html, attachments=files, context=references(context))
            log(message, "", S.SCHEDULED, "queued").save()
    except IntegrityError:
        return None
    nudge()
    return message


@transaction.atomic
def sync_planned(*, training, kind_names, wanted, now=None):
    """Make the training's scheduled messages of `kind_names` match `wanted` (Planned
    objects with their kind's name in `.kind`): create, move, cancel; sent rows stay.

    Concurrent calls for one training are serialised on the training row, and rows are
    created with ON CONFLICT DO NOTHING, so a race never raises after a change was saved.
    Side effects: Message and MessageLog rows. Returns counts.
    """
    from django.apps import apps

    now = now or timezone.now()
    Training = apps.get_model("trainings", "Training")
    Training.objects.select_for_update().filter(pk=training.pk).first()
    wanted = {p.key: p for p in wanted}
    existing = {m.key: m for m in Message.objects.select_for_update().filter(
        training=training, kind__in=kind_names)}
    logs, created, moved, cancelled = [], 0, 0, 0
    new_rows = [Message(training=training, kind=p.kind, key=p.key, address=p.address,
                        recipient=p.recipient, send_at=p.send_at, context=p.context)
                for key, p in wanted.items() if key not in existing and p.send_at > now]
    if new_rows:
        Message.objects.bulk_create(new_rows, ignore_conflicts=True)
        made = Message.objects.filter(key__in=[m.key for m in new_rows], state=S.SCHEDULED)
        for message in made:
            logs.append(log(message, "", S.SCHEDULED,
                            f"planned for {message.send_at:%Y-%m-%d %H:%M} UTC"))
            created += 1
    reason = "training cancelled" if getattr(training, "is_cancelled", False) \
        else "no longer needed"
    for key, row in existing.items():
        planned = wanted.get(key)
        change = _planned_change(row, planned, now, gone=reason)
        if change is None:
            continue
        after, why = change
        logs.append(log(row, row.state, after, why))
        if after == S.CANCELLED:
            row.state = S.CANCELLED
            row.save(update_fields=["state", "updated_at"])
            cancelled += 1
        else:
            row.send_at, row.state, row.context = planned.send_at, S.SCHEDULED, planned.context
            row.address = planned.address
            row.save(update_fields=["send_at", "state", "context", "address", "updated_at"])
            moved += 1
    MessageLog.objects.bulk_create(logs)
    return {"created": created, "moved": moved, "cancelled": cancelled}


def _planned_change(row, planned, now, *, gone):
    """What re-planning does to an existing row: None (leave it), or (new state, why).

    Sent, sending and failed rows are history and stay. A scheduled row that is no longer
    wanted is cancelled. One whose time moved is moved, unless the new time has already
    passed: then a row that is due or retrying stays (it is on its way), and one still
    waiting for a time that no longer holds is cancelled (a "tomorrow" email after the
    session would mislead). A cancelled row wanted again in the future is planned again.
    """
    if planned is None:
        return (S.CANCELLED, gone) if row.state == S.SCHEDULED else None
    if row.state == S.CANCELLED:
        if planned.send_at > now:
            return S.SCHEDULED, f"planned again for {planned.send_at:%Y-%m-%d %H:%M} UTC"
        return None
    if row.state != S.SCHEDULED or (row.send_at == planned.send_at
                                    and row.context == planned.context):
        return None
    if planned.send_at > now:
        return S.SCHEDULED, (f"re-planned from {row.send_at:%Y-%m-%d %H:%M} to "
                             f"{planned.send_at:%Y-%m-%d %H:%M} UTC")
    if row.send_at <= now or row.attempts:
        return None
    return S.CANCELLED, (f"its time ({planned.send_at:%Y-%m-%d %H:%M} UTC) has passed after "
                         f"a change")


@transaction.atomic
def cancel_scheduled(*, training, kind_names, why):
    """Cancel the training's scheduled messages of `kind_names` (e.g. its reminders when the
    training is cancelled; the announcement of the cancellation itself still goes)."""
    rows = list(Message.objects.select_for_update().filter(training=training, kind__in=kind_names,
                                                           state=S.SCHEDULED))
    Message.objects.filter(pk__in=[m.pk for m in rows]).update(state=S.CANCELLED,
                                                               updated_at=timezone.now())
    MessageLog.objects.bulk_create([log(m, S.SCHEDULED, S.CANCELLED, why) for m in rows])
    return len(rows)


def _locked(message):
    return Message.objects.select_for_update().get(pk=message.pk)


@transaction.atomic
def send_now(*, actor, message):
    """Send a scheduled message now. Side effects: state and log; a delivery nudge."""
    message = _locked(message)
    if message.state != S.SCHEDULED:
        raise ValidationError(f"Only a scheduled message can be sent now; this one is "
                              f"{message.get_state_display().lower()}.")
    before = message.send_at
    message.send_at = timezone.now()
    message.save(update_fields=["send_at", "updated_at"])
    log(message, S.SCHEDULED, S.SCHEDULED,
        f"send now (was planned for {before:%Y-%m-%d %H:%M} UTC)", by=actor).save()
    nudge()
    return message


@transaction.atomic
def cancel(*, actor, message):
    message = _locked(message)
    if message.state != S.SCHEDULED:
        raise ValidationError(f"Only a scheduled message can be cancelled; this one is "
                              f"{message.get_state_display().lower()}.")
    message.state = S.CANCELLED
    message.save(update_fields=["state", "updated_at"])
    log(message, S.SCHEDULED, S.CANCELLED, "cancelled by hand", by=actor).save()
    return message


@transaction.atomic
def resend(*, actor, message):
    """A failed or cancelled message goes out again (attempts start afresh)."""
    message = _locked(message)
    if message.state not in (S.FAILED, S.CANCELLED):
        raise ValidationError(f"Only a failed or cancelled message can be sent again; this "
                              f"one is {message.get_state_display().lower()}.")
    before = message.state
    message.state, message.send_at, message.attempts = S.SCHEDULED, timezone.now(), 0
    message.save(update_fields=["state", "send_at", "attempts", "updated_at"])
    log(message, before, S.SCHEDULED, "sent again by hand", by=actor).save()
    nudge()
    return message


@transaction.atomic
def set_muted(*, user, kind_names):
    allowed = {kind.name for kind in kinds.mutable_kinds()}
    names = sorted(set(kind_names) & allowed)
    Preference.objects.update_or_create(user=user, defaults={"muted_kinds": names})
    return names


def muted_kinds(user):
    if user is None:
        return set()
    preference = Preference.objects.filter(user=user).first()
    return set(preference.muted_kinds) if preference else set()


@transaction.atomic
def debounce(*, kind, key, address, send_at, recipient=None, training=None, context=None):
    """One pending message of `kind` per training and address: a later call moves the
    pending one to `send_at` instead of adding another (e.g. "agenda changed" ten minutes
    after the last of a burst of edits). Returns the row."""
    pending = (Message.objects.select_for_update()
               .filter(kind=kind, training=training, address=address, state=S.SCHEDULED)
               .first())
    if pending is not None:
        if pending.send_at != send_at:
            log(pending, S.SCHEDULED, S.SCHEDULED,
                f"moved to {send_at:%Y-%m-%d %H:%M} UTC by a later change").save()
            pending.send_at = send_at
            pending.save(update_fields=["send_at", "updated_at"])
        return pending
    message, created = Message.objects.get_or_create(
        key=key[:255], defaults={"kind": kind, "address": address, "recipient": recipient,
                                 "training": training, "send_at": send_at,
                                 "context": context or {}})
    if created:
        log(message, "", S.SCHEDULED, f"planned for {send_at:%Y-%m-%d %H:%M} UTC").save()
    return message
