"""The one builder of "a training with an agenda", through the services as a facilitator's
request would build it: the training, its scoping survey, its agenda laid out from the
schedule option, its checklist and its planned messages (the after-commit follow-up runs as
a committed request would run it).

The fixtures (reference data, curricula, schedule templates, checklists, surveys) are
in the test database from the start of the session (tests/conftest.py, tests/dbtemplate.py);
`seed_curriculum` puts them back only where a transactional test flushed the database.
"""

import datetime

from django.test import TestCase


def seed_curriculum():
    """The seed 000 curriculum with every fixture, put back only if missing (from the
    session's snapshot, or by importing the fixture files where there is none)."""
    from curriculum.models import Curriculum
    from curriculum.services import import_all_fixtures
    from tests.dbtemplate import restore_fixtures

    curriculum = Curriculum.objects.filter(slug="remote-unct-training").first()
    if curriculum is None:
        if not restore_fixtures():
            import_all_fixtures()
        curriculum = Curriculum.objects.get(slug="remote-unct-training")
    return curriculum


def training_with_agenda(*, option="option-2", start=datetime.date(2027, 3, 1),
                         tz="Africa/Nairobi", country="KE", title="Kenya", actor=None,
                         **fields):
    """A Nairobi training of seed 000 (1-4 March 2027, Option 2 by default) created by the
    trainings service, its agenda laid out, its checklist and messages planned."""
    from trainings.services.training import create_training

    defaults = {"city": "Nairobi", "meeting_link": "https://teams.example.org/x",
                "venue": "Room 4", "end_date": start + datetime.timedelta(days=3)}
    with TestCase.captureOnCommitCallbacks(execute=True):
        training = create_training(
            actor=actor, curriculum=seed_curriculum(), title=title, country=country,
            time_zone=tz, start_date=start, schedule_option=option, **{**defaults, **fields})
    training.refresh_from_db()
    return training
