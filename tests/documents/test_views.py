import pytest
from django.urls import reverse

from documents.models import Certificate, Document
from tests.querycount import writes_of_get

pytestmark = pytest.mark.django_db


def test_a_participant_is_offered_only_the_documents_they_may_have(client, room):
    training, lead, people = room
    client.force_login(people[0].user)
    html = client.get(reverse("documents:list", args=[training.pk])).content.decode()
    for label in ("Handouts and activity sheets", "Participant pack",
                  "Certificate of participation"):
        assert label in html
    for label in ("Printable agenda", "Attendance sign-in sheets", "Outcome report",
                  "All participant packs (ZIP)"):
        assert label not in html
    client.force_login(lead)
    html = client.get(reverse("documents:list", args=[training.pk])).content.decode()
    assert "Attendance sign-in sheets" in html and "Amina Njoroge" in html


def test_a_participant_sees_the_handouts_and_their_own_documents_only(client, room):
    training, lead, people = room
    for person in people[:2]:
        Document.objects.create(training=training, kind="pack", participant=person,
                                input_hash=str(person.pk) * 8)
    Document.objects.create(training=training, kind="handouts", input_hash="h" * 64)
    Document.objects.create(training=training, kind="sign_in", input_hash="s" * 64)
    client.force_login(people[0].user)
    html = client.get(reverse("documents:list", args=[training.pk])).content.decode()
    assert "Amina Njoroge" in html and "Иван Петров" not in html
    assert "Handouts and activity sheets" in html and "Attendance sign-in sheets" not in html


@pytest.mark.parametrize("who", ["lead", "participant"])
def test_the_documents_page_writes_nothing_on_get(client, room, who):
    training, lead, people = room
    Document.objects.create(training=training, kind="handouts", input_hash="h" * 64)
    Certificate.objects.create(training=training, participant=people[0], attendance_rate=1.0)
    client.force_login(lead if who == "lead" else people[0].user)
    assert writes_of_get(client, reverse("documents:list", args=[training.pk])) == []
