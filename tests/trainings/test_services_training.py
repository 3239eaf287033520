import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from trainings.models import AuditEntry, Invitation, Nomination, Role, Training
from trainings.services import team
from trainings.services.training import cancel_training, change_status, create_training, update_training
from trainings.timezones import default_time_zone

pytestmark = pytest.mark.django_db


def test_time_zone_defaults_from_the_country():
    assert default_time_zone("KE") == "Africa/Nairobi"
    assert default_time_zone("ch") == "Europe/Zurich"
    assert default_time_zone("XX") == "UTC"


def test_create_training_defaults_time_zone_title_and_survey(training):
    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True)
    created = create_training(actor=staff, curriculum=training.curriculum, country="UG",
                              city="Kampala", start_date=training.start_date,
                              end_date=training.end_date)
    assert created.time_zone == "Africa/Kampala"
    assert created.title.startswith("Kampala – ")
    assert created.capacity == 18
    assert created.survey is not None
    assert AuditEntry.objects.filter(training=created, action="training created").exists()


def test_update_is_audited_with_before_and_after(training, lead):
    update_training(actor=lead, training=training, data={"city": "Mombasa", "capacity": 16})
    entry = AuditEntry.objects.get(training=training, action="training changed")
    assert entry.changes == {"city": ["Nairobi", "Mombasa"], "capacity": [18, 16]}
    assert entry.actor == lead


def test_end_before_start_is_refused(training, lead):
    with pytest.raises(ValidationError):
        update_training(actor=lead, training=training,
                        data={"end_date": training.start_date.replace(year=2000)})


def test_cancel_needs_a_reason_keeps_the_row_and_tells_everyone(
        training, lead, rco, nominate_many, django_capture_on_commit_callbacks):
    nominate_many(training, 2, status=Nomination.Status.APPROVED)
    invitation, token = team.invite(actor=lead, training=training, email="late@example.org",
                                    kind=Invitation.Kind.TEAM, role=Role.RAPPORTEUR)
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        cancel_training(actor=lead, training=training, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        cancel_training(actor=lead, training=training, reason="Elections moved to that week")
    training.refresh_from_db()
    assert training.status == Training.Status.CANCELLED
    assert training.cancel_reason == "Elections moved to that week"
    assert Training.objects.filter(pk=training.pk).exists()
    recipients = {m.to[0] for m in mail.outbox}
    assert {lead.email, rco.email, "p0@example.org", "p1@example.org"} <= recipients
    assert all("Elections moved" in m.body for m in mail.outbox)
    assert team.find_invitation(token).state == "revoked"
    with pytest.raises(ValidationError):
        change_status(actor=lead, training=training, status=Training.Status.PLANNING)
    assert not lead.has_perm("trainings.nominate", training)
