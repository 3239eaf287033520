"""Demo answers: the Kenya training's participants answered the prior-knowledge survey,
Module 1 feedback and the closing evaluation (the demo participant all but the first); some
wrote action plans."""

import datetime
import random

from django.db import transaction

from trainings.models import Nomination

from .models import ActionPlan, Answer, Commitment, Response, Survey
from .selectors import modules_of


@transaction.atomic
def seed(*, training):
    if Response.objects.filter(training=training).exists():
        return
    rng = random.Random(training.pk)  # the same demo every time
    people = [n.user for n in Nomination.objects.filter(training=training, status="confirmed")
              .select_related("user").order_by("pk") if n.user]
    modules = modules_of(training)
    surveys = {s.kind: s for s in Survey.objects.filter(curriculum=training.curriculum)
               .prefetch_related("questions")}
    # the demo participant (the first) has not answered the prior-knowledge survey yet: it
    # is their next step on the dashboard
    plan = [("prior", None, people[1:16], 2), ("module", modules[0], people[:9], 4),
            ("closing", None, people[:12], 4)]
    for kind, module, respondents, level in plan:
        survey = surveys.get(kind)
        if survey is None:
            continue
        for person in respondents:
            response = Response.objects.create(training=training, survey=survey, module=module,
                                               respondent=person)
            rows = []
            for q in survey.questions.all():
                if q.type == "module_rating":
                    rows += [Answer(response=response, question=q, module=m,
                                    value=max(1, min(5, level + rng.choice([-1, 0, 0, 1]))))
                             for m in modules]
                elif q.type == "rating":
                    rows.append(Answer(response=response, question=q,
                                       value=max(1, min(5, 4 + rng.choice([-1, 0, 0, 1])))))
                elif rng.random() < 0.4:
                    rows.append(Answer(response=response, question=q,
                                       text=rng.choice(["More time for the group work, please.",
                                                        "Share the slides before each module.",
                                                        "Very relevant to our CF roadmap."])))
            Answer.objects.bulk_create(rows)
    for person in people[:10]:
        action_plan, _ = ActionPlan.objects.get_or_create(training=training, participant=person)
        Commitment.objects.create(
            plan=action_plan, action="Add migration data to our agency's CCA inputs",
            by_when=training.end_date + datetime.timedelta(days=60), with_whom="RCO data team",
            status=rng.choice(["not_started", "in_progress", "done"]))
