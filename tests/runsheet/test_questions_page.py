import datetime
import uuid

import pytest

from notes.models import Question
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "status"), [
    (Role.RAPPORTEUR, 200), (Role.FACILITATOR, 200), (Role.MODERATOR, 200),
    (Role.LEAD_FACILITATOR, 200), (Role.TECH_SUPPORT, 403)])
def test_questions_from_the_room_are_visible_to_rapporteurs_and_facilitators(client, role, status):
    training = make_agenda()
    Question.objects.create(id=uuid.uuid4(), training=training, text="<b>Why</b> 10.7?",
                            asked_by_name="Amina", captured_at=datetime.datetime.now(datetime.UTC))
    user = UserFactory()
    Membership.objects.create(training=training, user=user, role=role)
    client.force_login(user)
    response = client.get(f"/trainings/{training.pk}/questions/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "&lt;b&gt;Why&lt;/b&gt; 10.7?" in html   # user text is escaped
        assert "Asked by Amina" in html


def test_outsiders_get_404(client):
    training = make_agenda()
    other = make_agenda(title="Other")
    user = UserFactory()
    Membership.objects.create(training=other, user=user, role=Role.RAPPORTEUR)
    client.force_login(user)
    assert client.get(f"/trainings/{training.pk}/questions/").status_code == 404
