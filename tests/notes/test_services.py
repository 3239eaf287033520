import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from activities.models import ActivityPart
from notes import services
from notes.models import Attachment, Question, SectionVersion, SessionNote

from .helpers import NOW, save

pytestmark = pytest.mark.django_db


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


def test_user_errors_are_validation_errors(team):
    training, people, slot = team
    with pytest.raises(ValidationError, match="Unknown section"):
        save(people["rapporteur"], slot, "x", 0, section="nonsense")
    with pytest.raises(ValidationError, match="needs text"):
        services.capture_question(id=uuid.uuid4(), training=training, user=people["moderator"],
                                  text="  ", captured_at=NOW)
    question = Question.objects.create(id=uuid.uuid4(), training=training, text="Q?",
                                       captured_at=NOW)
    with pytest.raises(ValidationError) as excinfo:
        services.answer_question(user=people["facilitator"], question=question, answer=" ")
    assert "answer" in excinfo.value.message_dict
    part = ActivityPart.objects.filter(activity__number=1, phase="offline").first()
    with pytest.raises(ValidationError) as excinfo:
        services.save_group_output(user=people["rapporteur"], training=training, part=part,
                                   group_number=13, data={})
    assert "group_number" in excinfo.value.message_dict


def test_attachments_are_checked_by_their_first_bytes(team):
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
    assert Attachment.objects.count() == 1
