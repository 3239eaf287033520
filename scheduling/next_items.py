"""Checklist lines for "What to do next" (`trainings.next`, registered in apps.py).

A person's lines are the open ones whose owner is a role they hold on the training (a lead
also owns the facilitators' lines, as `rules.owns_item` says); staff and participants own
none. Listed: the overdue ones and those due within `HORIZON`, at most `PER_TRAINING` lines
per training and then one "more" entry; when none is due that soon, the next one, so that
there is always a next step while lines remain. One query whatever the number of trainings."""

import datetime

from django.db.models import Q
from django.urls import reverse

from trainings.models import Role, Training
from trainings.next import NextItem, register_source
from trainings.rules import PARTICIPANT, STAFF

from .models import ChecklistItem

HORIZON = datetime.timedelta(days=14)
PER_TRAINING = 5


def owned_by(roles):
    """The checklist owner values of the lines someone with `roles` owns."""
    owned = set(roles) - {STAFF, PARTICIPANT}
    if Role.LEAD_FACILITATOR in roles:
        owned.add(Role.FACILITATOR)
    return {str(role) for role in owned}


def _item(line, training):
    return NextItem(text=f"Checklist: {line.title}",
                    url=reverse("scheduling:checklist", args=[training.pk]) + f"#item-{line.pk}",
                    due=line.due_at, kind="checklist", training=training)


def _for_training(lines, training, now):
    soon = [line for line in lines if line.due_at <= now + HORIZON]
    if not soon:
        return [_item(lines[0], training)] if lines else []
    items = [_item(line, training) for line in soon[:PER_TRAINING]]
    rest = soon[PER_TRAINING:]
    if rest:
        items.append(NextItem(
            text=f"{len(rest)} more checklist line{'s' if len(rest) != 1 else ''} due",
            url=reverse("scheduling:checklist", args=[training.pk]), due=rest[0].due_at,
            kind="checklist", training=training))
    return items


def checklist_lines(user, trainings, roles, now):
    owners = {t.pk: owned_by(roles[t.pk]) for t in trainings
              if t.status != Training.Status.CANCELLED}
    wanted = Q()
    for training_id, owned in owners.items():
        if owned:
            wanted |= Q(training_id=training_id, owner__in=owned)
    if not wanted:
        return []
    lines = {}
    for line in (ChecklistItem.objects.filter(wanted, status__in=ChecklistItem.OPEN,
                                              due_at__isnull=False)
                 .order_by("due_at", "position", "pk")):
        lines.setdefault(line.training_id, []).append(line)
    by_pk = {t.pk: t for t in trainings}
    return [item for training_id, found in lines.items()
            for item in _for_training(found, by_pk[training_id], now)]


SOURCES = {
    "checklist": checklist_lines,
}
for _name, _source in SOURCES.items():
    register_source(_name, _source)
