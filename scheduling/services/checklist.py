"""A training's checklist: created from the curriculum's template when the training's dates
are set, due dates following the dates (and the module slots) unless set by hand."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.times import to_utc
from trainings.services import audit

from ..models import Anchor, ChecklistItem, ChecklistTemplateItem, Slot, SlotKind

DUE_TIME = datetime.time(17, 0)  # day-level deadlines fall due at the end of the local day


def _module_bounds(training):
    bounds = {}
    for slot in Slot.objects.filter(training=training, module__isnull=False,
                                    kind__in=[SlotKind.ONLINE, SlotKind.OFFLINE]
                                    ).select_related("module"):
        first, last = bounds.get(slot.module, (slot.start, slot.end))
        bounds[slot.module] = (min(first, slot.start), max(last, slot.end))
    return bounds


def desired_items(training):
    """{key: fields} for every checklist line the training should have now."""
    templates = ChecklistTemplateItem.objects.filter(curriculum=training.curriculum)
    bounds = None
    wanted = {}
    for template in templates:
        base = {"template": template, "title": template.title, "owner": template.owner,
                "position": template.position}
        if template.anchor in (Anchor.START, Anchor.END):
            day = training.start_date if template.anchor == Anchor.START else training.end_date
            day += datetime.timedelta(days=template.offset_days or 0)
            if template.window_days:
                day += datetime.timedelta(days=template.window_days)  # the window's last day
            wanted[template.key] = {**base, "module": None,
                                    "due_at": to_utc(day, DUE_TIME, training.time_zone)}
            continue
        if bounds is None:
            bounds = _module_bounds(training)
        for module, (first, last) in sorted(bounds.items(), key=lambda kv: kv[0].number):
            anchor = first if template.anchor == Anchor.MODULE_START else last
            wanted[f"{template.key}:m{module.number}"] = {
                **base, "module": module, "title": f"{template.title} – Module {module.number}",
                "due_at": anchor + datetime.timedelta(minutes=template.offset_minutes or 0)}
    return wanted


@transaction.atomic
def plan(*, training):
    """Create missing lines, move due dates not set by hand, drop lines no longer wanted
    (only if nobody touched them)."""
    wanted = desired_items(training)
    existing = {item.key: item for item in ChecklistItem.objects.filter(training=training)}
    for key, fields in wanted.items():
        item = existing.get(key)
        if item is None:
            ChecklistItem.objects.create(training=training, key=key, **fields)
            continue
        changed = []
        for name in ("title", "owner", "position", "module", "template"):
            if getattr(item, name) != fields[name]:
                setattr(item, name, fields[name])
                changed.append(name)
        if not item.due_set_by_hand and item.due_at != fields["due_at"]:
            item.due_at = fields["due_at"]
            changed.append("due_at")
        if changed:
            item.save(update_fields=changed)
    stale = [item.pk for key, item in existing.items()
             if key not in wanted and item.status == ChecklistItem.Status.TODO and not item.note]
    ChecklistItem.objects.filter(pk__in=stale).delete()


@transaction.atomic
def set_status(*, actor, item, status, note=None, evidence_link=None):
    if status not in ChecklistItem.Status.values:
        raise ValidationError({"status": "Choose to do, in progress, done or not applicable."})
    before = {"status": item.status, "note": item.note, "evidence_link": item.evidence_link}
    item.status = status
    item.status_by = actor
    item.status_at = timezone.now()
    if note is not None:
        item.note = note
    if evidence_link is not None:
        item.evidence_link = evidence_link
    item.full_clean(exclude=["training", "template", "module", "status_by"])
    item.save()
    changes = {k: [v, getattr(item, k)] for k, v in before.items() if getattr(item, k) != v}
    if changes:
        audit.record(training=item.training, actor=actor, action="checklist item updated",
                     obj=item, changes=changes)
    return item


@transaction.atomic
def set_due(*, actor, item, due_at):
    """A due date set by hand stays put when the training's dates move; None gives it back
    to the rule."""
    before = item.due_at.isoformat() if item.due_at else None
    if due_at is None:
        item.due_set_by_hand = False
        item.save(update_fields=["due_set_by_hand"])
        plan(training=item.training)
        item.refresh_from_db()
    else:
        item.due_at = due_at
        item.due_set_by_hand = True
        item.save(update_fields=["due_at", "due_set_by_hand"])
    audit.record(training=item.training, actor=actor, action="checklist due date changed",
                 obj=item, changes={"due_at": [before, item.due_at.isoformat()]})
    return item
