import datetime

from curriculum.models import Curriculum
from curriculum.services import import_all_fixtures
from scheduling.selectors import agenda_report, slots_of
from scheduling.services import layout
from scheduling.timeutils import local
from trainings.models import Training


def make_agenda(*, option="option-2", start=datetime.date(2027, 3, 1), tz="Africa/Nairobi",
                country="KE", title="Kenya"):
    if not Curriculum.objects.filter(slug="remote-unct-training").exists():
        import_all_fixtures()
    training = Training.objects.create(
        curriculum=Curriculum.objects.get(slug="remote-unct-training"), title=title,
        country=country, city="Nairobi", time_zone=tz, start_date=start,
        end_date=start + datetime.timedelta(days=3), schedule_option=option,
        meeting_link="https://teams.example.org/x", venue="Room 4")
    layout.lay_out(actor=None, training=training)
    return training


def rows(training):
    """(local day, start, end, kind, title) of every slot."""
    return [(local(s.start, training.time_zone).strftime("%Y-%m-%d"),
             local(s.start, training.time_zone).strftime("%H:%M"),
             local(s.end, training.time_zone).strftime("%H:%M"), s.kind, s.title)
            for s in slots_of(training)]


def issues(training):
    report = agenda_report(training)
    return report


def slot(training, day, start):
    for s in slots_of(training):
        here = local(s.start, training.time_zone)
        if here.strftime("%Y-%m-%d") == day and here.strftime("%H:%M") == start:
            return s
    raise AssertionError(f"no slot at {day} {start}")
