"""Certificates in bulk (issue 21, part 4): the certificates page lists who may get one and
why not; "issue all" issues them at once, each emailed once through the outbox with its PDF
attached; nothing before the last session has started; logos and signature lines per
training, printed on a landscape certificate; the role matrix."""

import datetime
import io
import re
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from documents import services
from documents.models import Certificate, CertificateLogo, CertificateSignatory, Document
from notifications.delivery import deliver_due
from notifications.models import Message
from runsheet.models import Attendance
from scheduling.models import Slot
from tests.factories import UserFactory
from tests.html import text_of
from tests.querycount import writes_of_get
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Nomination, Role

from .helpers import make

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
AFTER = datetime.datetime(2027, 3, 5, 12, 0, tzinfo=UTC)    # the day after the training
DURING = datetime.datetime(2027, 3, 2, 9, 0, tzinfo=UTC)    # its second day
KIND = "certificate_issued"


def attend(training, people, share, sessions=10):
    slots = list(Slot.objects.filter(training=training, kind="offline").order_by("start")
                 [:sessions])
    Attendance.objects.bulk_create([
        Attendance(slot=slot, participant=person, recorded_at=slot.start,
                   status="present" if i < share * len(slots) else "absent")
        for person in people for i, slot in enumerate(slots)])


def png(size=(60, 30), pad=0):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (0, 85, 140)).save(out, format="PNG")
    return out.getvalue() + b"\0" * pad


def render_queued(training):
    for pk in Document.objects.filter(training=training, kind="certificate",
                                      state="queued").values_list("pk", flat=True):
        services.render(document_id=pk)


def pdf_of(content):
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def course(room):
    """The room's four people: three attended 9 of 10 sessions, David Otieno 5 of 10."""
    training, lead, people = room
    attend(training, people[:3], 0.9)
    attend(training, people[3:], 0.5)
    return training, lead, people


def test_issue_all_emails_each_eligible_person_once_with_the_pdf_attached(course, client):
    training, lead, people = course
    CertificateSignatory.objects.create(training=training, name="Stephen Jackson",
                                        title="UN Resident Coordinator, Kenya")
    with time_machine.travel(AFTER, tick=False):
        client.force_login(lead)
        confirm = client.get(reverse("documents:issue_all", args=[training.pk]))
        assert "Issue 3 certificates" in text_of(confirm.content)
        assert not Certificate.objects.exists()          # the confirmation issues nothing
        response = client.post(reverse("documents:issue_all", args=[training.pk]), follow=True)
        assert "3 certificates issued." in text_of(response.content)
        render_queued(training)
        deliver_due()
    rows = Message.objects.filter(training=training, kind=KIND)
    assert rows.count() == 3
    assert sorted(rows.values_list("address", flat=True)) == sorted(p.email for p in people[:3])
    assert len(mail.outbox) == 3
    for email in mail.outbox:
        person = next(p for p in people if p.email == email.to[0])
        assert email.subject.endswith(f"Your certificate of participation: {training}")
        [(name, content, mimetype)] = email.attachments
        assert (name, mimetype) == ("certificate-of-participation.pdf", "application/pdf")
        _reader, text = pdf_of(content)
        assert person.full_name in text and "Stephen Jackson" in text
        assert Certificate.objects.get(participant=person).code in email.body

    # Again: nothing more is issued, queued or sent.
    with time_machine.travel(AFTER + datetime.timedelta(hours=1), tick=False):
        client.force_login(lead)
        again = client.post(reverse("documents:issue_all", args=[training.pk]), follow=True)
        assert "Nothing to issue" in text_of(again.content)
        assert services.issue_all(training=training, actor=lead) == 0
        render_queued(training)
        deliver_due()
    assert Message.objects.filter(training=training, kind=KIND).count() == 3
    assert len(mail.outbox) == 3
    assert not Certificate.objects.filter(participant=people[3]).exists()


def test_a_certificate_made_before_the_bulk_issue_is_emailed_once_too(course):
    training, lead, people = course
    with time_machine.travel(AFTER, tick=False):
        make(training, "certificate", people[0], user=lead)     # one by one, as before
        assert Message.objects.filter(kind=KIND).count() == 1
        assert services.issue_all(training=training, actor=lead) == 2
        render_queued(training)
        make(training, "certificate", people[0], user=lead)     # asked for again: same file
    assert Message.objects.filter(kind=KIND).count() == 3
    assert Message.objects.filter(kind=KIND, address=people[0].email).count() == 1


def test_a_certificate_revoked_before_its_email_went_is_not_sent(course):
    training, lead, people = course
    with time_machine.travel(AFTER, tick=False):
        services.issue_all(training=training, actor=lead)
        render_queued(training)
        services.revoke_certificate(certificate=Certificate.objects.get(participant=people[1]),
                                    reason="Issued by mistake")
        deliver_due()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people[0].email, people[2].email])
    assert Message.objects.get(kind=KIND, address=people[1].email).state == "cancelled"


def test_the_page_lists_who_is_below_the_threshold_and_why(course, client):
    training, lead, people = course
    with time_machine.travel(AFTER, tick=False):
        client.force_login(lead)
        page = text_of(client.get(reverse("documents:certificates", args=[training.pk])).content)
    assert "Issue all eligible (3)" in page
    assert ("David Otieno IOM 50% Below the threshold: attended 50% of the 10 sessions where "
            "attendance was taken; a certificate needs 80%") in page
    assert "Amina Njoroge IOM 90% Eligible" in page


def test_without_attendance_the_page_says_so_and_nothing_is_issued(room, client):
    training, lead, people = room
    with time_machine.travel(AFTER, tick=False):
        client.force_login(lead)
        page = text_of(client.get(reverse("documents:certificates", args=[training.pk])).content)
        response = client.post(reverse("documents:issue_all", args=[training.pk]), follow=True)
    assert "No attendance has been taken yet, so no certificate can be issued." in page
    assert "Amina Njoroge IOM – Not yet: no attendance has been taken" in page
    assert "Issue all eligible" not in page
    assert "No attendance has been taken yet" in text_of(response.content)
    assert not Certificate.objects.exists()


def test_issuing_before_the_last_session_has_started_is_refused(course, client):
    training, lead, people = course
    with time_machine.travel(DURING, tick=False):
        client.force_login(lead)
        page = text_of(client.get(reverse("documents:certificates", args=[training.pk])).content)
        response = client.post(reverse("documents:issue_all", args=[training.pk]), follow=True)
        with pytest.raises(Exception, match="once the last session has started"):
            services.request_document(user=lead, training=training, kind="certificate",
                                      participant=people[0])
    last = Slot.objects.filter(training=training, kind__in=["online", "offline"]) \
        .order_by("start").last()
    here = last.start.astimezone(zoneinfo.ZoneInfo("Africa/Nairobi"))
    reason = ("Certificates can be issued once the last session has started: "
              f"{here:%a} {here.day} {here:%b %Y, %H:%M} EAT (Africa/Nairobi).")
    assert reason in page and "Issue all eligible" not in page
    assert reason in text_of(response.content)
    assert not Certificate.objects.exists() and not Message.objects.filter(kind=KIND).exists()


def test_the_certificate_is_one_landscape_page_with_logos_names_and_signatures(course):
    training, lead, people = course
    CertificateLogo.objects.create(training=training, mimetype="image/png",
                                   description="IOM", image=SimpleUploadedFile("iom.png", png()))
    for name, title in (("Stephen Jackson", "UN Resident Coordinator, Kenya"),
                        ("Amy Pope", "Director General, IOM")):
        CertificateSignatory.objects.create(training=training, name=name, title=title)
    with time_machine.travel(AFTER, tick=False):
        document = make(training, "certificate", people[1], user=lead)
    assert document.state == "ready", document.error
    with document.file.open("rb") as handle:
        reader, text = pdf_of(handle.read())
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)   # A4 landscape
    assert "Иван Петров" in text and "Certificate of participation" in text
    assert "Stephen Jackson" in text and "Director General, IOM" in text
    assert "Attendance: 90% of the sessions where attendance was taken." in text
    assert "Issued on 5 March 2027" in text
    assert "Page 1 of" not in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]       # tagged
    images = [x for x in reader.pages[0]["/Resources"]["/XObject"].values()
              if x.get_object()["/Subtype"] == "/Image"]
    assert images                                             # the logo is printed


def field_error(response, field):
    html = response.content.decode()
    found = re.search(rf'id="id_{field}-errors">(.*?)</div>', html, re.S)
    return found and " ".join(found.group(1).split())


@pytest.mark.parametrize(("upload", "error"), [
    (SimpleUploadedFile("logo.png", b"just some text, not an image"),
     "This file is not a PNG or JPEG image."),
    (SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
                        content_type="image/svg+xml"),
     "SVG logos are not accepted"),
    (SimpleUploadedFile("broken.png", b"\x89PNG\r\n\x1a\n" + b"x" * 200),
     "This file is not a PNG or JPEG image."),
    (SimpleUploadedFile("big.png", png(pad=3000)), "a logo may be at most 2 KB"),
], ids=["text", "svg", "broken-png", "too-big"])
def test_a_wrong_logo_is_refused_next_to_its_field(room, client, settings, upload, error):
    settings.CERTIFICATE_LOGO_MAX_BYTES = 2048
    training, lead, _people = room
    client.force_login(lead)
    response = client.post(reverse("documents:logo_add", args=[training.pk]),
                           {"logo-image": upload, "logo-description": "IOM"})
    assert response.status_code == 400
    assert error in field_error(response, "logo-image")
    assert not CertificateLogo.objects.exists()


def test_logos_up_to_three_and_signature_lines_are_added_and_removed(room, client):
    training, lead, _people = room
    client.force_login(lead)
    url = reverse("documents:logo_add", args=[training.pk])
    for name in ("IOM", "UNDP", "RCO Kenya"):
        response = client.post(url, {"logo-image": SimpleUploadedFile(f"{name}.png", png()),
                                     "logo-description": name}, follow=True)
        assert "Logo added" in text_of(response.content)
    assert list(CertificateLogo.objects.values_list("mimetype", flat=True)) == ["image/png"] * 3
    fourth = client.post(url, {"logo-image": SimpleUploadedFile("x.png", png()),
                               "logo-description": "UNHCR"})
    assert fourth.status_code == 400 and CertificateLogo.objects.count() == 3
    missing = client.post(url, {"logo-image": SimpleUploadedFile("x.png", png())})
    assert "Say whose logo it is" in field_error(missing, "logo-description")
    logo = CertificateLogo.objects.first()
    client.post(reverse("documents:logo_remove", args=[training.pk, logo.pk]))
    assert CertificateLogo.objects.count() == 2

    sig = reverse("documents:signatory_add", args=[training.pk])
    empty = client.post(sig, {"sig-name": "Stephen Jackson", "sig-title": " "})
    assert empty.status_code == 400
    assert "Give the title" in field_error(empty, "sig-title")
    client.post(sig, {"sig-name": "Stephen Jackson", "sig-title": "Resident Coordinator"})
    page = text_of(client.get(reverse("documents:certificates", args=[training.pk])).content)
    assert "Stephen Jackson, Resident Coordinator" in page and "RCO Kenya" in page
    signatory = CertificateSignatory.objects.get()
    client.post(reverse("documents:signatory_remove", args=[training.pk, signatory.pk]))
    assert not CertificateSignatory.objects.exists()


@pytest.fixture
def roles(course):
    training, lead, people = course
    team = {role: UserFactory() for role in (Role.FACILITATOR, Role.MODERATOR,
                                              Role.RAPPORTEUR, Role.TECH_SUPPORT)}
    for role, user in team.items():
        Membership.objects.create(training=training, user=user, role=role)
    logo = CertificateLogo.objects.create(training=training, mimetype="image/png",
                                          description="IOM",
                                          image=SimpleUploadedFile("iom.png", png()))
    other = make_agenda(title="Uganda", country="UG", tz="Africa/Kampala")
    return training, {"lead": lead, "facilitator": team[Role.FACILITATOR],
                      "staff": UserFactory(is_staff=True),
                      "moderator": team[Role.MODERATOR], "rapporteur": team[Role.RAPPORTEUR],
                      "support": team[Role.TECH_SUPPORT], "participant": people[0].user,
                      "outsider": UserFactory()}, logo, other


ANSWERS = {"lead": 200, "facilitator": 200, "staff": 200, "moderator": 403,
           "rapporteur": 403, "support": 403, "participant": 403, "outsider": 404}


@pytest.mark.parametrize("who", list(ANSWERS))
def test_facilitators_and_staff_issue_others_get_403_or_404(roles, client, who):
    training, users, logo, _other = roles
    pk = training.pk
    with time_machine.travel(AFTER, tick=False):
        client.force_login(users[who])
        answers = {
            "page": client.get(reverse("documents:certificates", args=[pk])).status_code,
            "confirm": client.get(reverse("documents:issue_all", args=[pk])).status_code,
            "issue": client.post(reverse("documents:issue_all", args=[pk])).status_code,
            "sign": client.post(reverse("documents:signatory_add", args=[pk]),
                                {"sig-name": "A", "sig-title": "B"}).status_code,
            "unlogo": client.post(reverse("documents:logo_remove",
                                          args=[pk, logo.pk])).status_code,
        }
    wanted = ANSWERS[who]
    changed = 302 if wanted == 200 else wanted
    assert answers == {"page": wanted, "confirm": wanted, "issue": changed, "sign": changed,
                       "unlogo": changed}
    issued = Certificate.objects.count()
    assert issued == (3 if wanted == 200 else 0)
    assert CertificateLogo.objects.exists() == (wanted != 200)


def test_a_logo_of_another_training_is_a_missing_one(roles, client):
    training, users, logo, other = roles
    Membership.objects.create(training=other, user=users["lead"], role=Role.LEAD_FACILITATOR)
    client.force_login(users["lead"])
    response = client.post(reverse("documents:logo_remove", args=[other.pk, logo.pk]))
    assert response.status_code == 404 and CertificateLogo.objects.count() == 1


def test_the_tab_and_the_documents_page_lead_to_the_certificates(course, client):
    training, lead, people = course
    client.force_login(lead)
    html = client.get(reverse("documents:list", args=[training.pk])).content.decode()
    url = reverse("documents:certificates", args=[training.pk])
    assert html.count(f'href="{url}"') == 2          # the "After" tab and the page's link
    client.force_login(people[0].user)
    html = client.get(reverse("documents:list", args=[training.pk])).content.decode()
    assert url not in html


def test_the_page_asks_the_same_queries_for_more_people_and_writes_nothing(course, client):
    training, lead, people = course

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("documents:certificates",
                                      args=[training.pk])).status_code == 200
        return len(queries)

    with time_machine.travel(AFTER, tick=False):
        client.force_login(lead)
        services.issue_all(training=training, actor=lead)
        small = count()
        more = [Nomination.objects.create(training=training, full_name=f"Person {i}",
                                          email=f"person{i}@example.org", un_entity="UNDP",
                                          status="confirmed") for i in range(8)]
        attend(training, more, 0.9)
        services.issue_all(training=training, actor=lead)
        assert count() == small
        assert writes_of_get(client, reverse("documents:certificates",
                                             args=[training.pk])) == []


def test_a_certificate_is_revoked_from_the_certificates_page(course, client):
    training, lead, people = course
    with time_machine.travel(AFTER, tick=False):
        client.force_login(lead)
        services.issue_all(training=training, actor=lead)
        certificate = Certificate.objects.get(participant=people[0])
        empty = client.post(reverse("documents:revoke", args=[training.pk, certificate.pk]),
                            {"reason": " ", "back": "certificates"}, follow=True)
        assert "Give a reason." in text_of(empty.content)
        response = client.post(reverse("documents:revoke", args=[training.pk, certificate.pk]),
                               {"reason": "Left on day one", "back": "certificates"},
                               follow=True)
    assert response.redirect_chain[-1][0] == reverse("documents:certificates",
                                                     args=[training.pk])
    assert "Amina Njoroge IOM 90% Revoked: Left on day one" in text_of(response.content)
    assert Certificate.objects.get(pk=certificate.pk).revoked_reason == "Left on day one"
