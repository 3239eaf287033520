import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from documents import services
from documents.models import Certificate, Document
from runsheet.models import Attendance
from scheduling.models import Slot
from tests.factories import UserFactory
from trainings.models import Nomination

from .helpers import make

pytestmark = pytest.mark.django_db
# Certificates are issued once the last session has started (the training: 1-4 March 2027).
AFTER_THE_TRAINING = datetime.datetime(2027, 3, 5, 12, 0, tzinfo=datetime.UTC)


def pdf_text(document):
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def attend(training, people, share):
    slots = list(Slot.objects.filter(training=training, kind="offline")[:10])
    for person in people:
        for i, slot in enumerate(slots):
            status = "present" if i < share * len(slots) else "absent"
            Attendance.objects.create(slot=slot, participant=person, status=status,
                                      recorded_at=slot.start)


def test_handouts_carry_the_training_and_the_gcm_objectives(room):
    training, lead, people = room
    document = make(training, "handouts", user=lead)
    reader, text = pdf_text(document)
    assert document.state == "ready" and document.pages == len(reader.pages) > 5
    assert "Kenya" in text and "1 March 2027" in text and "4 March 2027" in text
    assert "Collect and utilize accurate and disaggregated data" in text
    assert "Activity 1: Adapting GCM actions to local realities – instructions" in text
    assert "Page 1 of" in text                          # page numbers
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)   # A4
    assert "/StructTreeRoot" in reader.trailer["/Root"]   # tagged PDF


def test_sign_in_sheet_lists_the_roster(room):
    training, lead, people = room
    _reader, text = pdf_text(make(training, "sign_in", user=lead))
    assert "Attendance – Module 1, offline element" in text
    for person in people:
        assert person.full_name.split()[0] in text or person.full_name in text
    assert "Signature" in text


def test_certificate_names_the_participant_embeds_fonts_and_verifies(room, client):
    training, lead, people = room
    attend(training, people, share=0.9)
    for person in people[:3]:   # Latin, Cyrillic, Arabic names
        with time_machine.travel(AFTER_THE_TRAINING, tick=False):
            document = make(training, "certificate", person, user=lead)
        reader, text = pdf_text(document)
        assert "Certificate of participation" in text
        fonts = {str(font["/BaseFont"]) for page in reader.pages
                 for font in page["/Resources"]["/Font"].values()
                 for font in [font.get_object()]}
        assert any("Noto" in f or "DejaVu" in f for f in fonts), fonts
        certificate = Certificate.objects.get(participant=person)
        assert certificate.code in text
    assert "Amina Njoroge" in pdf_text(Document.objects.get(participant=people[0],
                                                            kind="certificate"))[1]
    assert "Иван Петров" in pdf_text(Document.objects.get(participant=people[1],
                                                          kind="certificate"))[1]
    code = Certificate.objects.get(participant=people[0]).code
    genuine = client.get(f"/verify/{code}/")
    assert genuine.status_code == 200 and "Genuine" in genuine.content.decode()
    assert "Amina Njoroge" in genuine.content.decode()
    forged = client.get("/verify/ABCD-EFGH-JKLM/")
    assert forged.status_code == 404 and "Not genuine" in forged.content.decode()
    services.revoke_certificate(certificate=Certificate.objects.get(code=code),
                                reason="Issued by mistake")
    revoked = client.get(f"/verify/{code}/")
    assert revoked.status_code == 404 and "Revoked" in revoked.content.decode()


def test_no_certificate_under_the_attendance_threshold(room):
    training, lead, people = room
    attend(training, people, share=0.5)
    with time_machine.travel(AFTER_THE_TRAINING, tick=False), \
            pytest.raises(ValidationError, match="a certificate needs 80%"):
        services.request_document(user=lead, training=training, kind="certificate",
                                  participant=people[0])
    assert not Certificate.objects.exists()


def test_unchanged_inputs_give_the_same_file_without_rendering(room):
    training, lead, people = room
    first = make(training, "pack", people[0], user=lead)
    again = services.request_document(user=lead, training=training, kind="pack",
                                      participant=people[0])
    assert again.pk == first.pk and again.state == "ready"
    assert services.render(document_id=again.pk) is False     # nothing to render
    Nomination.objects.filter(pk=people[0].pk).update(full_name="Amina N. Njoroge")
    people[0].refresh_from_db()
    changed = services.request_document(user=lead, training=training, kind="pack",
                                        participant=people[0])
    assert changed.pk != first.pk and changed.state == "queued"


def test_a_twenty_page_pack_is_under_one_megabyte(room):
    training, lead, people = room
    pack = make(training, "pack", people[1], user=lead)
    assert pack.pages >= 20
    assert pack.size < 1024 * 1024
    _reader, text = pdf_text(pack)
    assert "Иван Петров" in text and "Your agenda" in text


def test_all_packs_in_one_zip(room):
    training, lead, people = room
    archive = make(training, "all_packs", user=lead)
    with archive.file.open("rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert len(names) == 4 and all(name.endswith(".pdf") for name in names)
    assert Document.objects.filter(kind="pack", state="ready").count() == 4


def test_outcome_report_pdf(room):
    training, lead, people = room
    from notes import services as notes_services

    notes_services.save_outcome_summary(user=lead, training=training,
                                        summary="<p>Strong engagement on data.</p>")
    _reader, text = pdf_text(make(training, "outcome", user=lead))
    assert "Outcome report" in text and "Strong engagement on data." in text


def test_who_may_have_which_document(client, room):
    training, lead, people = room
    participant_user = people[0].user
    client.force_login(participant_user)
    url = f"/trainings/{training.pk}/documents/request/"
    assert client.post(url, {"kind": "handouts"}).status_code == 302
    assert client.post(url, {"kind": "pack", "participant": people[0].pk}).status_code == 302
    assert client.post(url, {"kind": "pack", "participant": people[1].pk}).status_code == 403
    assert client.post(url, {"kind": "sign_in"}).status_code == 403
    other = make(training, "pack", people[1], user=lead)
    assert client.get(f"/documents/{other.pk}/download/").status_code == 403
    mine = Document.objects.get(kind="pack", participant=people[0])
    services.render(document_id=mine.pk)
    response = client.get(f"/documents/{mine.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(UserFactory())
    assert client.get(f"/documents/{mine.pk}/download/").status_code == 404


def test_api_request_and_state(client, room):
    training, lead, people = room
    client.force_login(lead)
    body = client.post(f"/api/v1/trainings/{training.pk}/documents",
                       data={"kind": "agenda"}, content_type="application/json").json()
    assert body["kind"] == "agenda"
    services.render(document_id=body["id"])
    state = client.get(f"/api/v1/documents/{body['id']}").json()
    assert state["state"] == "ready" and state["download_url"].endswith("/download/")
    bad = client.post(f"/api/v1/trainings/{training.pk}/documents",
                      data={"kind": "pack"}, content_type="application/json")
    assert bad.status_code == 422
