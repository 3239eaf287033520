from pathlib import Path

from django.conf import settings

from curriculum.importer import import_file
from evaluation.models import Survey
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Nomination, Role, Training


def evaluated_training(participants=6, status=Training.Status.COMPLETED):
    training = make_agenda()
    import_file(Path(settings.BASE_DIR) / "fixtures/surveys/remote-unct-training.yaml")
    Training.objects.filter(pk=training.pk).update(status=status)
    training.refresh_from_db()
    facilitator = UserFactory(email="fac@example.org")
    Membership.objects.create(training=training, user=facilitator, role=Role.FACILITATOR)
    people = []
    for i in range(participants):
        user = UserFactory(email=f"part{i}@example.org")
        Nomination.objects.create(training=training, full_name=f"P{i}", email=user.email,
                                  un_entity="IOM", status="confirmed", user=user)
        people.append(user)
    return training, facilitator, people


def answers(survey_kind, rating=3, text=""):
    data = {}
    survey = Survey.objects.get(kind=survey_kind)
    for q in survey.questions.all():
        if q.type == "module_rating":
            for number in (1, 2, 3, 4):
                data[f"{q.key}_{number}"] = str(rating)
        elif q.type == "rating":
            data[q.key] = str(rating)
        elif text:
            data[q.key] = text
    return survey, data
