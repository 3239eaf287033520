"""Surveys and action-plan follow-ups for "What to do next" (`trainings.next`, registered
in apps.py). Participants only (the `evaluation.respond` rule).

- A survey is listed while it is open (`selectors.is_open`, computed here for many trainings
  at once) and the person has not answered it: the prior-knowledge survey due when the
  training starts; each module's feedback due a day after the module's last session ends;
  the closing evaluation due a week after the last session ends. Feedback and closing drop
  off 30 days after their due date.
- Action-plan follow-ups at +30 and +90 days after the last day (09:00 in the person's
  zone, as the reminder emails): listed from a week before until 30 days after, while some
  commitment is neither closed nor updated since that week began.
A constant number of queries whatever the number of trainings."""

import datetime

from django.urls import reverse

from accounts import times
from curriculum.models import Module
from scheduling.models import Slot, SlotKind
from trainings.models import Training
from trainings.next import NextItem, register_source
from trainings.rules import PARTICIPANT

from .models import Commitment, Response, Survey

D = datetime.timedelta
MODULE_DUE = D(days=1)
CLOSING_DUE = D(days=7)
STALE = D(days=30)
FOLLOW_UPS = (30, 90)
FOLLOW_UP_OPENS = D(days=7)
FOLLOW_UP_TIME = datetime.time(9, 0)
CLOSED = (Commitment.Status.DONE, Commitment.Status.DROPPED)


class _Times:
    """What `selectors.is_open` reads about one training's slots."""

    def __init__(self, training):
        self.training = training
        self.first_start = None
        self.last_start = None
        self.last_end = None
        self.offline_start = {}    # module id -> first offline slot's start
        self.module_end = {}       # module id -> last slot's end

    def add(self, start, end, kind, module_id):
        self.first_start = min(filter(None, [self.first_start, start]))
        self.last_start = max(filter(None, [self.last_start, start]))
        self.last_end = max(filter(None, [self.last_end, end]))
        if module_id is not None:
            if kind == SlotKind.OFFLINE:
                self.offline_start[module_id] = min(
                    filter(None, [self.offline_start.get(module_id), start]))
            self.module_end[module_id] = max(filter(None, [self.module_end.get(module_id), end]))

    @property
    def starts(self):
        return self.first_start or datetime.datetime.combine(
            self.training.start_date, datetime.time.min, tzinfo=datetime.UTC)

    @property
    def ends(self):
        return self.last_end or times.to_utc(self.training.end_date, datetime.time(23, 59),
                                             self.training.time_zone)

    def prior_open(self, now):
        return now < self.starts

    def module_open(self, module_id, now):
        if self.training.status == Training.Status.COMPLETED:
            return True
        start = self.offline_start.get(module_id)
        return start is not None and start <= now

    def closing_open(self, now):
        return self.training.status in (Training.Status.IN_DELIVERY,
                                        Training.Status.COMPLETED) or (
            self.last_start is not None and self.last_start <= now)


def _slot_times(trainings):
    found = {t.pk: _Times(t) for t in trainings}
    for training_id, start, end, kind, module_id in Slot.objects.filter(
            training__in=list(found)).values_list("training_id", "start", "end", "kind",
                                                  "module_id"):
        found[training_id].add(start, end, kind, module_id)
    return found


def _survey_item(training, survey, module, due):
    if module is None:
        return NextItem(text=f"Answer: {survey.title}",
                        url=reverse("evaluation:answer", args=[training.pk, survey.key]),
                        due=due, kind=f"survey_{survey.kind}", training=training)
    return NextItem(text=f"Answer: {survey.title}, Module {module.number} – {module.title}",
                    url=reverse("evaluation:answer_module",
                                args=[training.pk, survey.key, module.number]),
                    due=due, kind="survey_module", training=training)


def _surveys_of(training, clock, surveys, modules, answered, now):
    items = []
    for survey in surveys:
        if survey.kind == Survey.Kind.PRIOR:
            if clock.prior_open(now) and (survey.pk, None) not in answered:
                items.append(_survey_item(training, survey, None, clock.starts))
        elif survey.kind == Survey.Kind.MODULE:
            for module in modules:
                due = clock.module_end.get(module.pk, clock.ends) + MODULE_DUE
                if (clock.module_open(module.pk, now) and (survey.pk, module.pk) not in answered
                        and now < due + STALE):
                    items.append(_survey_item(training, survey, module, due))
        elif clock.closing_open(now) and (survey.pk, None) not in answered:
            due = clock.ends + CLOSING_DUE
            if now < due + STALE:
                items.append(_survey_item(training, survey, None, due))
    return items


def surveys_to_answer(user, trainings, roles, now):
    mine = [t for t in trainings if PARTICIPANT in roles[t.pk] and not t.is_cancelled]
    if not mine:
        return []
    curricula = {t.curriculum_id for t in mine}
    surveys, modules = {}, {}
    for survey in Survey.objects.filter(curriculum__in=curricula).order_by("position"):
        surveys.setdefault(survey.curriculum_id, []).append(survey)
    for module in Module.objects.filter(curriculum__in=curricula).order_by("number"):
        modules.setdefault(module.curriculum_id, []).append(module)
    answered = {}
    for training_id, survey_id, module_id in Response.objects.filter(
            training__in=mine, respondent=user).values_list("training_id", "survey_id",
                                                           "module_id"):
        answered.setdefault(training_id, set()).add((survey_id, module_id))
    clocks = _slot_times(mine)
    items = []
    for training in mine:
        items += _surveys_of(training, clocks[training.pk],
                             surveys.get(training.curriculum_id, []),
                             modules.get(training.curriculum_id, []),
                             answered.get(training.pk, set()), now)
    return items


def _follow_up(training, days, commitments, user, now):
    day = training.end_date + D(days=days)
    due = times.to_utc(day, FOLLOW_UP_TIME, user.time_zone or training.time_zone)
    opens = due - FOLLOW_UP_OPENS
    if not opens <= now < due + STALE:
        return None
    waiting = [c for c in commitments if c["status"] not in CLOSED and c["updated_at"] < opens]
    if not waiting:
        return None
    return NextItem(text=f"Action plan: +{days}-day follow-up – update "
                         f"{len(waiting)} commitment{'s' if len(waiting) != 1 else ''}",
                    url=reverse("evaluation:plan", args=[training.pk]), due=due,
                    kind=f"action_plan_{days}", training=training)


def action_plan_follow_ups(user, trainings, roles, now):
    mine = {t.pk: t for t in trainings if PARTICIPANT in roles[t.pk] and not t.is_cancelled}
    if not mine:
        return []
    commitments = {}
    for row in Commitment.objects.filter(plan__training__in=list(mine),
                                         plan__participant=user).values(
            "plan__training_id", "status", "updated_at"):
        commitments.setdefault(row["plan__training_id"], []).append(row)
    items = []
    for training_id, found in commitments.items():
        for days in FOLLOW_UPS:
            item = _follow_up(mine[training_id], days, found, user, now)
            if item:
                items.append(item)
    return items


SOURCES = {
    "surveys_to_answer": surveys_to_answer,
    "action_plan_follow_ups": action_plan_follow_ups,
}
for _name, _source in SOURCES.items():
    register_source(_name, _source)
