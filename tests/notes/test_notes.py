import datetime
import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from activities.models import ActivityPart
from notes import services
from notes.models import Attachment, GroupOutput, Question, SectionVersion, SessionNote
from scheduling.models import Slot
from tests.factories import UserFactory
from tests.querycount import count_queries
from tests.scheduling.helpers import make_agenda
from trainings.models import CountryAdmin, Membership, Nomination, Role

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2027, 3, 1, 10, 0, tzinfo=datetime.UTC)
PAYLOADS = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>',
            '<a href="javascript:alert(1)">x</a>', '"><svg onload=alert(1)>',
            '<iframe src="https://evil.example"></iframe>', "[x](javascript:alert(1))",
            '<b onmouseover=alert(1)>bold</b>']


@pytest.fixture
def team():
    training = make_agenda()
    people = {role: UserFactory(full_name=role.title()) for role in
              ("rapporteur", "rapporteur2", "facilitator", "moderator", "participant", "rco")}
    Membership.objects.create(training=training, user=people["rapporteur"], role=Role.RAPPORTEUR)
    Membership.objects.create(training=training, user=people["rapporteur2"], role=Role.RAPPORTEUR)
    Membership.objects.create(training=training, user=people["facilitator"], role=Role.FACILITATOR)
    Membership.objects.create(training=training, user=people["moderator"], role=Role.MODERATOR)
    Nomination.objects.create(training=training, full_name="P", email=people["participant"].email,
                              un_entity="IOM", status="confirmed", user=people["participant"])
    CountryAdmin.objects.create(user=people["rco"], country="KE")
    slot = Slot.objects.filter(training=training, kind="offline", module__number=1).order_by("start")[1]
    return training, people, slot


def save(user, slot, text, base, section="key_points", minutes=0):
    return services.save_section(user=user, slot=slot, section=section, text=text, base_number=base,
                                 saved_at=NOW + datetime.timedelta(minutes=minutes))


def test_versions_conflicts_and_merges(team):
    training, people, slot = team
    r1, r2 = people["rapporteur"], people["rapporteur2"]
    v1 = save(r1, slot, "A", 0)
    v2 = save(r1, slot, "A and more", 0, minutes=1)   # own continuation: no conflict
    assert (v1.number, v2.number, v2.conflict_with) == (1, 2, None)
    v3 = save(r2, slot, "B", 0, minutes=2)             # saw nothing of r1: conflict
    assert (v3.number, v3.conflict_with) == (3, 2)
    with pytest.raises(ValidationError, match="Resolve the conflicting edits"):
        services.publish(user=people["facilitator"], note=v3.note)
    v4 = save(r2, slot, "A and more\nB", 3, minutes=3)  # merged from the latest
    assert v4.conflict_with is None
    assert save(r2, slot, "A and more\nB", 4).pk == v4.pk   # unchanged text: no new version
    note = services.publish(user=people["facilitator"], note=v4.note)
    assert note.state == SessionNote.State.PUBLISHED
    assert list(SectionVersion.objects.filter(published=True).values_list("number", flat=True)) == [4]
    v5 = save(r1, slot, "after publication", 4, minutes=5)
    assert v5.change_note == "Edited after publication"
    assert not v5.published


def test_note_sync_through_the_queue_applies_once(client, team):
    training, people, slot = team
    client.force_login(people["rapporteur"])
    event = {"id": str(uuid.uuid4()), "type": "note.save", "recorded_at": NOW.isoformat(),
             "payload": {"slot": str(slot.uid), "section": "agreements", "text": "We agree",
                         "base": 0}}
    url = f"/api/v1/trainings/{training.pk}/notes/sync"
    for _ in range(2):
        body = client.post(url, data=json.dumps({"events": [event]}),
                           content_type="application/json").json()
        assert body["acknowledged"] == [event["id"]]
    assert SectionVersion.objects.count() == 1
    client.force_login(people["moderator"])   # moderators capture questions, not notes
    assert client.post(url, data=json.dumps({"events": []}),
                       content_type="application/json").status_code == 403


def test_api_returns_only_what_the_caller_may_see(client, team):
    training, people, slot = team
    v = save(people["rapporteur"], slot, "Published text", 0)
    services.publish(user=people["facilitator"], note=v.note)
    save(people["rapporteur"], slot, "Draft text", 1, minutes=1)
    Question.objects.create(id=uuid.uuid4(), training=training, text="Q?", captured_at=NOW)
    url = f"/api/v1/trainings/{training.pk}/notes"
    for role, expected in [("rapporteur", "Draft text"), ("facilitator", "Draft text"),
                           ("participant", "Published text"), ("rco", "Published text")]:
        client.force_login(people[role])
        (note,) = client.get(url).json()
        assert note["sections"]["key_points"]["text"] == expected, role
    client.force_login(people["participant"])
    assert client.get(f"/api/v1/trainings/{training.pk}/questions").status_code == 403
    client.force_login(people["moderator"])
    assert len(client.get(f"/api/v1/trainings/{training.pk}/questions").json()) == 1
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(url).status_code == 404


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


def test_attachments_are_checked_and_served_safely(client, team):
    training, people, slot = team
    part = ActivityPart.objects.filter(activity__number=1, phase="offline").first()
    output = services.save_group_output(user=people["rapporteur"], training=training, part=part,
                                        group_number=1, data={})
    with pytest.raises(ValidationError, match="Only photos"):
        services.add_attachment(user=people["rapporteur"], output=output, uploaded=SimpleUploadedFile(
            "photo.jpg", b"<html><script>alert(1)</script>", content_type="image/jpeg"))
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="the limit is 10 MB"):
        services.add_attachment(user=people["rapporteur"], output=output, uploaded=big)
    jpeg = services.add_attachment(user=people["rapporteur"], output=output,
                                   uploaded=SimpleUploadedFile("chart.svg", b"\xff\xd8\xff\xe0rest"))
    assert (jpeg.content_type, jpeg.original_name) == ("image/jpeg", "chart.svg")
    assert jpeg.file.name.endswith(".jpg") and "chart" not in jpeg.file.name
    client.force_login(people["participant"])
    response = client.get(f"/attachments/{jpeg.pk}/")
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    client.force_login(UserFactory())
    assert client.get(f"/attachments/{jpeg.pk}/").status_code == 404
    assert Attachment.objects.count() == 1


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


def test_participants_see_published_notes_only_and_no_history(client, team):
    training, people, slot = team
    save(people["rapporteur"], slot, "Not yet", 0)
    client.force_login(people["participant"])
    assert client.get(f"/trainings/{training.pk}/notes/{slot.pk}/").status_code == 404
    assert client.get(f"/trainings/{training.pk}/notes/{slot.pk}/history/key_points/").status_code == 403
    assert client.get(f"/trainings/{training.pk}/recap/").status_code == 403


def test_history_shows_every_version_with_a_diff(client, team):
    training, people, slot = team
    save(people["rapporteur"], slot, "line one", 0)
    save(people["rapporteur"], slot, "line one\nline two", 1, minutes=1)
    client.force_login(people["facilitator"])
    html = client.get(f"/trainings/{training.pk}/notes/{slot.pk}/history/key_points/").content.decode()
    assert "Version 2" in html and "Version 1" in html
    assert 'class="diff-add">+ line two' in html
