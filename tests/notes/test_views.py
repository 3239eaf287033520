import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities.models import ActivityPart
from notes import services
from notes.models import GroupOutput, Question, SessionNote
from scheduling.models import Slot
from tests.factories import UserFactory
from tests.querycount import count_queries, writes_of_get

from .helpers import NOW, PAYLOADS, save

pytestmark = pytest.mark.django_db


def test_questions_are_answered_on_the_recap_board(client, team):
    training, people, slot = team
    question = Question.objects.create(id=uuid.uuid4(), training=training, slot=slot,
                                       text="How do we fund this?", captured_at=NOW)
    client.force_login(people["facilitator"])
    recap = client.get(f"/trainings/{training.pk}/recap/?module=1").content.decode()
    assert "How do we fund this?" in recap
    response = client.post(f"/questions/{question.pk}/", {"answer": "Joint programme",
                                                          "next_page": "recap", "module": "1"})
    assert response["Location"].endswith("/recap/?module=1")
    question.refresh_from_db()
    assert (question.status, question.answer, question.answered_by) == (
        "answered", "Joint programme", people["facilitator"])
    assert "How do we fund this?" not in client.get(
        f"/trainings/{training.pk}/recap/?module=1").content.decode()
    client.force_login(people["rapporteur"])
    assert client.post(f"/questions/{question.pk}/", {"answer": "x"}).status_code == 403


def test_a_question_carried_forward_goes_back_to_the_questions_page(client, team):
    training, people, slot = team
    question = Question.objects.create(id=uuid.uuid4(), training=training, slot=slot,
                                       text="Later please", captured_at=NOW)
    client.force_login(people["facilitator"])
    response = client.post(f"/questions/{question.pk}/", {"action": "carry"})
    assert response["Location"] == reverse("notes:questions", args=[training.pk])
    question.refresh_from_db()
    assert question.status == Question.Status.CARRIED_FORWARD
    html = client.get(reverse("notes:open_questions")).content.decode()
    assert "Later please" in html and "Carried forward" in html


def test_recap_board_query_count_does_not_grow_with_notes(client, team):
    training, people, slot = team
    client.force_login(people["facilitator"])
    url = f"/trainings/{training.pk}/recap/?module=1"
    part = ActivityPart.objects.filter(activity__number=1, phase="offline").first()
    save(people["rapporteur"], slot, "one", 0)
    services.save_group_output(user=people["rapporteur"], training=training, part=part,
                               group_number=1, data={"actions_1": "g1"})
    Question.objects.create(id=uuid.uuid4(), training=training, text="Q", captured_at=NOW)
    small = count_queries(client, url)
    offline = list(Slot.objects.filter(training=training, kind="offline", module__number=1))
    for i, other in enumerate(offline):
        for section in ("key_points", "agreements", "activity_outcomes", "follow_up"):
            for n in range(3):
                save(people["rapporteur"], other, f"text {i} {n}", n, section=section, minutes=n)
    for g in range(2, 7):
        services.save_group_output(user=people["rapporteur"], training=training, part=part,
                                   group_number=g, data={"actions_1": f"g{g}"})
    for i in range(10):
        Question.objects.create(id=uuid.uuid4(), training=training, text=f"Q{i}", captured_at=NOW)
    assert count_queries(client, url) == small


def test_recap_board_with_a_module_that_is_not_a_number_shows_the_first(client, team):
    training, people, slot = team
    save(people["rapporteur"], slot, "Module one point", 0)
    client.force_login(people["facilitator"])
    response = client.get(f"/trainings/{training.pk}/recap/?module=one")
    assert response.status_code == 200
    assert "Module 1's offline element" in response.content.decode()
    assert "Module one point" in response.content.decode()


def test_injection_in_every_text_field_and_file_name_is_inert(client, team):
    training, people, slot = team
    evil = " ".join(PAYLOADS)
    for section in ("key_points", "agreements", "activity_outcomes", "follow_up"):
        save(people["rapporteur"], slot, evil, 0, section=section)
    services.capture_question(id=uuid.uuid4(), training=training, user=people["moderator"],
                              text=evil, captured_at=NOW, slot=slot, asked_by_name=evil)
    part = ActivityPart.objects.filter(activity__number=4, phase="offline").first()
    output = services.save_group_output(user=people["rapporteur"], training=training, part=part,
                                        group_number=1, data={"partner_1": evil}, group_name=evil)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    services.add_attachment(user=people["rapporteur"], output=output, uploaded=SimpleUploadedFile(
        '"><img src=x onerror=alert(1)>.png', png, content_type="image/png"))
    services.save_outcome_summary(user=people["facilitator"], training=training,
                                  summary="<p>ok</p>" + evil)
    services.publish(user=people["facilitator"], note=SessionNote.objects.get())
    client.force_login(people["facilitator"])
    pages = [f"/trainings/{training.pk}/notes/{slot.pk}/", f"/trainings/{training.pk}/recap/?module=1",
             f"/trainings/{training.pk}/questions/", f"/trainings/{training.pk}/outcome/",
             f"/trainings/{training.pk}/outputs/{part.pk}/1/", f"/trainings/{training.pk}/outputs/",
             f"/trainings/{training.pk}/notes/{slot.pk}/history/key_points/"]
    for url in pages:
        html = client.get(url).content.decode()
        # escaped text may show these words; what must never appear is a live tag
        for bad in ("<script>alert", "<img src=x onerror", 'href="javascript:', "<iframe",
                    "<svg onload", "<b onmouseover", "onerror=alert(1)>"):
            assert bad not in html, (url, bad)
    client.force_login(people["rapporteur"])
    assert "<script>alert" not in client.get(f"/trainings/{training.pk}/notes/{slot.pk}/").content.decode()


def test_attachments_are_served_safely_to_readers_only(client, team):
    training, people, slot = team
    part = ActivityPart.objects.filter(activity__number=1, phase="offline").first()
    output = services.save_group_output(user=people["rapporteur"], training=training, part=part,
                                        group_number=1, data={})
    jpeg = services.add_attachment(user=people["rapporteur"], output=output,
                                   uploaded=SimpleUploadedFile("chart.svg", b"\xff\xd8\xff\xe0rest"))
    client.force_login(people["participant"])
    response = client.get(f"/attachments/{jpeg.pk}/")
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    client.force_login(UserFactory())
    assert client.get(f"/attachments/{jpeg.pk}/").status_code == 404


def test_group_output_form_is_shaped_by_the_activity(client, team):
    training, people, slot = team
    part = ActivityPart.objects.filter(activity__number=1, phase="offline").first()
    client.force_login(people["rapporteur"])
    url = f"/trainings/{training.pk}/outputs/{part.pk}/2/"
    html = client.get(url).content.decode()
    assert html.count("GCM objective") >= 5 and "Priority actions in the country" in html
    response = client.post(url, {"objective_1": "99", "actions_1": "x"})
    assert "choose one of the 23 GCM objectives" in response.content.decode()
    assert not GroupOutput.objects.exists()
    client.post(url, {"objective_1": "1", "actions_1": "Better data", "group_name": "Blue"})
    output = GroupOutput.objects.get()
    assert (output.group_number, output.group_name, output.data["objective_1"]) == (2, "Blue", "1")
    client.force_login(people["moderator"])
    assert client.post(url, {"actions_1": "x"}).status_code == 403


def test_a_file_needs_the_output_saved_first(client, team):
    training, people, slot = team
    part = ActivityPart.objects.filter(activity__number=1, phase="offline").first()
    client.force_login(people["rapporteur"])
    url = f"/trainings/{training.pk}/outputs/{part.pk}/3/"
    png = SimpleUploadedFile("flip.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    response = client.post(url, {"file": png})
    assert response.status_code == 200
    assert "Save the group&#x27;s output first." in response.content.decode()
    assert not GroupOutput.objects.exists()


def test_participants_see_published_notes_only_and_no_history(client, team):
    training, people, slot = team
    save(people["rapporteur"], slot, "Not yet", 0)
    client.force_login(people["participant"])
    assert client.get(f"/trainings/{training.pk}/notes/{slot.pk}/").status_code == 404
    assert client.get(f"/trainings/{training.pk}/notes/{slot.pk}/history/key_points/").status_code == 403
    assert client.get(f"/trainings/{training.pk}/recap/").status_code == 403
    services.publish(user=people["facilitator"], note=SessionNote.objects.get())
    response = client.get(f"/trainings/{training.pk}/notes/{slot.pk}/")
    assert response.status_code == 200 and "Not yet" in response.content.decode()
    index = client.get(f"/trainings/{training.pk}/notes/").content.decode()
    assert slot.title in index


def test_history_shows_every_version_with_a_diff(client, team):
    training, people, slot = team
    save(people["rapporteur"], slot, "line one", 0)
    save(people["rapporteur"], slot, "line one\nline two", 1, minutes=1)
    client.force_login(people["facilitator"])
    html = client.get(f"/trainings/{training.pk}/notes/{slot.pk}/history/key_points/").content.decode()
    assert "Version 2" in html and "Version 1" in html
    assert "+ line two" in html and "  line one" in html


def test_submit_and_publish_through_the_page(client, team):
    training, people, slot = team
    save(people["rapporteur"], slot, "Ready", 0)
    url = reverse("notes:note_state", args=[training.pk, slot.pk])
    client.force_login(people["rapporteur"])
    assert client.post(url, {"action": "publish"}).status_code == 403
    response = client.post(url, {"action": "submit"}, follow=True)
    assert "Submitted to the facilitators for review." in response.content.decode()
    client.force_login(people["facilitator"])
    assert client.post(url, {"action": "nonsense"}).status_code == 404
    response = client.post(url, {"action": "publish"}, follow=True)
    assert "Published: participants now see these notes." in response.content.decode()
    assert SessionNote.objects.get().state == SessionNote.State.PUBLISHED


def test_a_participant_posting_a_state_change_writes_nothing(client, team):
    training, people, slot = team
    client.force_login(people["participant"])
    for action in ("submit", "publish"):
        response = client.post(reverse("notes:note_state", args=[training.pk, slot.pk]),
                               {"action": action})
        assert response.status_code == 403
    assert not SessionNote.objects.exists()


def test_the_note_page_names_its_api_urls(client, team):
    training, people, slot = team
    client.force_login(people["rapporteur"])
    html = client.get(reverse("notes:note", args=[training.pk, slot.pk])).content.decode()
    assert f'data-notes-url="/api/v1/trainings/{training.pk}/notes"' in html
    assert f'data-sync-url="/api/v1/trainings/{training.pk}/notes/sync"' in html


@pytest.mark.parametrize("role", ["rapporteur", "facilitator", "participant"])
def test_notes_pages_write_nothing_on_get(client, team, role):
    training, people, slot = team
    part = ActivityPart.objects.filter(activity__number=1, phase="offline").first()
    save(people["rapporteur"], slot, "Point", 0)
    services.save_group_output(user=people["rapporteur"], training=training, part=part,
                               group_number=1, data={"actions_1": "g1"})
    services.publish(user=people["facilitator"], note=SessionNote.objects.get())
    other = Slot.objects.filter(training=training, kind="online").first()   # no note yet
    pages = [reverse("notes:index", args=[training.pk]),
             reverse("notes:note", args=[training.pk, slot.pk]),
             reverse("notes:outcome", args=[training.pk])]
    if role != "participant":
        pages += [reverse("notes:note", args=[training.pk, other.pk]),
                  reverse("notes:history", args=[training.pk, slot.pk, "key_points"]),
                  reverse("notes:outputs", args=[training.pk]),
                  reverse("notes:output", args=[training.pk, part.pk, 1]),
                  reverse("notes:output", args=[training.pk, part.pk, 2]),
                  reverse("notes:recap", args=[training.pk]),
                  reverse("notes:questions", args=[training.pk])]
    client.force_login(people[role])
    for url in pages:
        assert writes_of_get(client, url) == [], url
