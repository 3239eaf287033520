"""Notes and questions for "What to do next" (`trainings.next`, registered in apps.py).

- Rapporteurs: the notes of each offline element that has ended, due 2 hours after its end
  (as the "notes due" reminder says), until every session of it has its notes submitted or
  published. The link opens the first session still without them.
- Facilitators: the questions still open or carried forward, one entry per training, due a
  day after the oldest was asked (the next online element opens with them).
A constant number of queries whatever the number of trainings."""

import datetime

from django.db.models import Count, Min
from django.urls import reverse

from scheduling.blocks import blocks_of
from scheduling.messages.notes_due import NOTES_AFTER
from scheduling.models import Slot, SlotKind
from trainings.models import Role, Training
from trainings.next import NextItem, register_source
from trainings.rules import FACILITATORS

from .models import Question, SessionNote

FILED = (SessionNote.State.SUBMITTED, SessionNote.State.PUBLISHED)
ANSWER_WITHIN = datetime.timedelta(days=1)
WAITING = (Question.Status.OPEN, Question.Status.CARRIED_FORWARD)


def _live(trainings):
    return [t for t in trainings if t.status != Training.Status.CANCELLED]


def _note_item(block, unfiled, training):
    first = unfiled[0]
    more = f" (and {len(unfiled) - 1} more)" if len(unfiled) > 1 else ""
    module = f"Module {block.module_number} offline element: " if block.module_id else ""
    return NextItem(text=f"File your notes: {module}{first.title}{more}",
                    url=reverse("notes:note", args=[training.pk, first.pk]),
                    due=block.end + NOTES_AFTER, kind="notes_to_file", training=training)


def notes_to_file(user, trainings, roles, now):
    mine = {t.pk: t for t in _live(trainings) if Role.RAPPORTEUR in roles[t.pk]}
    if not mine:
        return []
    slots = {}
    for slot in (Slot.objects.filter(training__in=list(mine), kind=SlotKind.OFFLINE)
                 .select_related("module").order_by("start")):
        slots.setdefault(slot.training_id, []).append(slot)
    filed = set(SessionNote.objects.filter(training__in=list(mine), state__in=FILED)
                .values_list("slot_id", flat=True))
    items = []
    for training_id, found in slots.items():
        training = mine[training_id]
        for block in blocks_of(found, training.time_zone):
            unfiled = [slot for slot in block.slots if slot.pk not in filed]
            if block.end <= now and unfiled:
                items.append(_note_item(block, unfiled, training))
    return items


def questions_to_answer(user, trainings, roles, now):
    mine = {t.pk: t for t in _live(trainings) if roles[t.pk] & FACILITATORS}
    if not mine:
        return []
    rows = (Question.objects.filter(training__in=list(mine), status__in=WAITING)
            .order_by().values("training").annotate(n=Count("pk"), oldest=Min("captured_at")))
    return [NextItem(text=f"Answer {row['n']} question{'s' if row['n'] != 1 else ''} from "
                          "the room",
                     url=reverse("notes:questions", args=[row["training"]]),
                     due=row["oldest"] + ANSWER_WITHIN, kind="questions_to_answer",
                     training=mine[row["training"]])
            for row in rows]


SOURCES = {
    "notes_to_file": notes_to_file,
    "questions_to_answer": questions_to_answer,
}
for _name, _source in SOURCES.items():
    register_source(_name, _source)
