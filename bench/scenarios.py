"""What the benchmark measures. Each issue adds its pages to `pages` and figures to `figures`."""

import datetime
import io
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.services import ensure_user
from curriculum.importer import import_file
from curriculum.services import FIXTURES_DIR
from scheduling.models import Slot
from scheduling.services import layout
from scheduling.services.publishing import feed_for
from trainings.csv_nominations import COLUMNS
from trainings.demo import DEMO_TITLE
from trainings.models import Membership, Nomination, Training
from trainings.services import nominations


def prepare():
    call_command("seed_demo", stdout=io.StringIO())
    training = Training.objects.get(title=DEMO_TITLE)
    big = Training.objects.create(
        curriculum=training.curriculum, title="Bench: 200 nominees", country="UG",
        city="Kampala", time_zone="Africa/Kampala", start_date=datetime.date(2027, 6, 7),
        end_date=datetime.date(2027, 6, 10), capacity=150)
    statuses = ["confirmed", "approved", "waitlisted", "nominated", "declined"]
    Nomination.objects.bulk_create([
        Nomination(training=big, full_name=f"Person {i}", email=f"p{i}@bench.org",
                   un_entity=["IOM", "UNDP", "UNICEF"][i % 3], gender=["female", "male"][i % 2],
                   status=statuses[i % 5], waitlist_position=i if i % 5 == 2 else None,
                   decision_reason="Bench" if i % 5 == 4 else "")
        for i in range(200)])
    user = User.objects.get(email="lead@demo.unct.test")
    long = _ten_day_agenda(training)
    feed = feed_for(user=user, training=training)
    return {"user": user, "staff": User.objects.get(email="staff@demo.unct.test"),
            "moderator": User.objects.get(email="moderator@demo.unct.test"),
            "rapporteur": User.objects.get(email="rapporteur@demo.unct.test"),
            "slug": "remote-unct-training", "training": training, "big": big, "long": long,
            "feed_url": f"/calendar/{feed.token}.ics"}


def _ten_day_agenda(training):
    """A 10-day agenda: Option 1's day 1 repeated (16 slots a day)."""
    long = Training.objects.create(
        curriculum=training.curriculum, title="Bench: 10 days", country="KE", city="Nairobi",
        time_zone="Africa/Nairobi", start_date=datetime.date(2027, 9, 6),
        end_date=datetime.date(2027, 9, 15), schedule_option="option-1")
    layout.lay_out(actor=None, training=long)
    first_day = list(Slot.objects.filter(training=long).prefetch_related(
        "sessions", "activity_parts").order_by("start"))[:16]
    for offset in range(2, 10):
        for original in first_day:
            copy = Slot.objects.create(
                training=long, start=original.start + datetime.timedelta(days=offset),
                end=original.end + datetime.timedelta(days=offset), kind=original.kind,
                title=original.title, module=original.module, leads=original.leads)
            copy.activity_parts.set(original.activity_parts.all())
    return long


def pages(context):
    slug, training, big = context["slug"], context["training"].pk, context["big"].pk
    return [
        ("curriculum overview (4 modules)", f"/curricula/{slug}/", "user"),
        ("session page (Session 1)", f"/curricula/{slug}/sessions/1/", "user"),
        ("activity page (Activity 1)", f"/curricula/{slug}/activities/1/", "user"),
        ("API: whole curriculum tree", f"/api/v1/curricula/{slug}", "user"),
        ("dashboard: my trainings (lead facilitator)", "/dashboard/", "user"),
        ("training overview", f"/trainings/{training}/", "user"),
        ("roster, 20 nominees (lead facilitator)", f"/trainings/{training}/nominations/", "user"),
        ("roster, 200 nominees (staff)", f"/trainings/{big}/nominations/", "staff"),
        ("API: training with team and roster", f"/api/v1/trainings/{training}", "user"),
        ("agenda, 4 days / 36 slots (lead facilitator)", f"/trainings/{training}/agenda/", "user"),
        ("agenda, 10 days / 160 slots (staff)", f"/trainings/{context['long'].pk}/agenda/",
         "staff"),
        ("ICS feed of the training (36 events)", context["feed_url"], "user"),
        ("API: agenda", f"/api/v1/trainings/{training}/agenda", "user"),
        ("recap board, Module 1 (lead facilitator)", f"/trainings/{training}/recap/?module=1",
         "user"),
        ("outcome report", f"/trainings/{training}/outcome/", "user"),
    ]


def _csv(rows):
    lines = [",".join(COLUMNS)]
    lines += [f"Person {i},person{i}@import.org,IOM,Officer,female,mid,some," for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def figures(context):
    results = []
    path = FIXTURES_DIR / "curricula" / "remote-unct-training.yaml"
    start = time.perf_counter()
    result = import_file(path)
    results.append(("re-import of the seed 000 curriculum (no changes)",
                    f"{(time.perf_counter() - start) * 1000:.0f} ms, "
                    f"{result.unchanged} records unchanged"))

    training = context["big"]
    data = _csv(5000)
    upload = SimpleUploadedFile("nominees.csv", data, content_type="text/csv")
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        created = nominations.import_csv(actor=context["staff"], training=training,
                                         uploaded=upload)
        seconds = time.perf_counter() - start
    results.append((f"CSV import of 5,000 nominees ({len(data) // 1024} KB)",
                    f"{seconds:.2f} s, {len(queries.captured_queries)} SQL queries, "
                    f"{len(created)} created"))
    results += reminder_sweep_figures(context)
    return results


def reminder_sweep_figures(context):
    """10,000 trainings x 15 checklist lines, then sweeps over 100 and 1,000 due reminders."""
    from django.utils import timezone

    from notifications import delivery
    from notifications.models import Message
    from scheduling.messages.checklist_digest import plan_digests
    from scheduling.models import ChecklistItem

    curriculum = context["training"].curriculum
    user = context["staff"]
    now = timezone.now()
    start = time.perf_counter()
    trainings = Training.objects.bulk_create([
        Training(curriculum=curriculum, title=f"Sweep {i}", country="KE", city="Nairobi",
                 time_zone="Africa/Nairobi", start_date=datetime.date(2028, 1, 10),
                 end_date=datetime.date(2028, 1, 13)) for i in range(10_000)], batch_size=2000)
    ChecklistItem.objects.bulk_create([
        ChecklistItem(training=t, key=f"item-{n}", title=f"Item {n}", owner="lead_facilitator",
                      due_at=now + datetime.timedelta(days=1 if n == 0 and i < 1000 else 30 + n))
        for i, t in enumerate(trainings) for n in range(15)], batch_size=5000)
    # 1,000 trainings have a line due tomorrow; 10 lead facilitators share them
    leads = [ensure_user(email=f"lead{k}@bench.org", full_name=f"Lead {k}") for k in range(10)]
    Membership.objects.bulk_create([
        Membership(training=t, user=leads[i % 10], role="lead_facilitator")
        for i, t in enumerate(trainings[:1000])])
    setup = time.perf_counter() - start
    results = [("sweep data: 10,000 trainings, 150,000 checklist lines",
                f"created in {setup:.1f} s")]
    for count in (100, 1000):
        Message.objects.bulk_create([
            Message(training=trainings[i], kind="thank_you", recipient=user, address=user.email,
                    key=f"bench:{count}:{i}", send_at=now) for i in range(count)])
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            sent = delivery.deliver_due()
            seconds = time.perf_counter() - start
        results.append((f"minute sweep with {count:,} due reminders",
                        f"{seconds:.2f} s, {len(queries.captured_queries)} SQL queries, "
                        f"{sent} sent"))
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        delivery.deliver_due()
        seconds = time.perf_counter() - start
    results.append(("minute sweep with nothing due (150,000 lines, 1,100 sent rows)",
                    f"{seconds * 1000:.1f} ms, {len(queries.captured_queries)} SQL queries"))
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        made = plan_digests()
        seconds = time.perf_counter() - start
    results.append(("checklist digest planning over 150,000 lines (1,000 due soon)",
                    f"{seconds:.2f} s, {len(queries.captured_queries)} SQL queries, "
                    f"{made} digests"))
    return results


def run_mode_figures(context, client):
    """Bytes a tablet downloads on first opening run mode, and applying 500 attendance events
    in one sync request (median of 5 batches of fresh events, and the SQL statements of one)."""
    import gzip
    import re

    from django.contrib.staticfiles import finders

    training = context["training"]
    page = client.get(f"/trainings/{training.pk}/run/")
    html = page.content
    assets = re.search(rb'data-assets="([^"]+)"', html).group(1).decode().split()
    files = [html]
    for asset in assets:
        with open(finders.find(asset.removeprefix("/static/")), "rb") as handle:
            files.append(handle.read())
    files.append(client.get(f"/api/v1/trainings/{training.pk}/runsheet").content)
    raw = sum(len(f) for f in files)
    packed = sum(len(gzip.compress(f)) for f in files)
    results = [("run mode, first load (page, CSS, JS modules, icon, snapshot)",
                f"{raw / 1024:.0f} KB ({packed / 1024:.0f} KB gzipped), {len(files)} requests")]
    seconds, statements = sync_attendance_figure(training, client, events=500)
    results.append(("run mode, sync a batch of 500 attendance events (median of 5)",
                    f"{seconds:.3f} s, {statements} SQL statements per batch "
                    f"({connection.vendor})"))
    return results


def attendance_batch(training, count, offset=0):
    """`count` attendance marks spread over the offline slots and the roster, as a tablet
    sends them (recorded a second apart, in the past)."""
    import uuid

    from scheduling.models import Slot
    from trainings.models import Nomination

    slots = list(Slot.objects.filter(training=training, kind="offline").order_by("start"))
    people = list(Nomination.objects.filter(training=training, status="confirmed"))
    base = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    return [{"id": str(uuid.uuid4()), "type": "attendance.mark",
             "recorded_at": (base + datetime.timedelta(seconds=offset + i)).isoformat(),
             "payload": {"slot": str(slots[(i // len(people)) % len(slots)].uid),
                         "participant": people[i % len(people)].pk,
                         "status": ["present", "late", "absent", "excused"][i % 4]}}
            for i in range(count)]


def sync_attendance_figure(training, client, events=500, runs=5):
    """(median seconds, SQL statements) of one sync request carrying `events` marks."""
    import json as jsonlib
    import statistics

    url = f"/api/v1/trainings/{training.pk}/sync"

    def post(batch):
        response = client.post(url, data=jsonlib.dumps({"events": batch}),
                               content_type="application/json")
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        assert len(body["acknowledged"]) == len(batch) and not body["errors"], body["errors"]
        return response

    post(attendance_batch(training, 5))   # warm up (imports, schemas, connection)
    timings = []
    for run in range(runs):
        batch = attendance_batch(training, events, offset=(run + 1) * 10_000)
        start = time.perf_counter()
        post(batch)
        timings.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        post(attendance_batch(training, events, offset=(runs + 1) * 10_000))
    return statistics.median(timings), len(queries.captured_queries)


def autosave_figures(context, client):
    """One autosave round trip of a rapporteur: the queued save, then the notes read back."""
    import json as jsonlib
    import statistics
    import uuid

    from scheduling.models import Slot

    training = context["training"]
    slot = Slot.objects.filter(training=training, kind="offline").order_by("start").last()
    timings, base = [], 0
    for i in range(20):
        event = {"id": str(uuid.uuid4()), "type": "note.save",
                 "recorded_at": datetime.datetime.now(datetime.UTC).isoformat(),
                 "payload": {"slot": str(slot.uid), "section": "key_points",
                             "text": f"Typing... {i}", "base": base}}
        start = time.perf_counter()
        client.post(f"/api/v1/trainings/{training.pk}/notes/sync",
                    data=jsonlib.dumps({"events": [event]}), content_type="application/json")
        notes = client.get(f"/api/v1/trainings/{training.pk}/notes").json()
        timings.append((time.perf_counter() - start) * 1000)
        base = next(n for n in notes if n["slot"] == str(slot.uid))["sections"]["key_points"]["number"]
    return [("notes autosave round trip (save + read back), median of 20",
             f"{statistics.median(timings):.1f} ms")]


def document_figures(context):
    """Seconds per page and per training (18 packs), and our overhead against WeasyPrint
    rendering the same HTML directly."""
    from weasyprint import HTML

    from documents import rendering, services
    from documents.models import Document
    from trainings.models import Nomination

    training = context["training"]
    person = Nomination.objects.filter(training=training, status="confirmed").first()
    html = services.html_for("pack", training, person)
    start = time.perf_counter()
    HTML(string=html, base_url=str(rendering.settings.BASE_DIR)).write_pdf(pdf_tags=True)
    direct = time.perf_counter() - start
    Document.objects.filter(training=training).delete()
    start = time.perf_counter()
    pack = services.request_document(user=None, training=training, kind="pack", participant=person)
    services.render(document_id=pack.pk)
    ours = time.perf_counter() - start
    pack.refresh_from_db()
    start = time.perf_counter()
    cached = services.request_document(user=None, training=training, kind="pack",
                                       participant=person)
    cached_seconds = time.perf_counter() - start
    assert cached.pk == pack.pk
    Document.objects.filter(training=training).delete()
    start = time.perf_counter()
    archive = services.request_document(user=None, training=training, kind="all_packs")
    services.render(document_id=archive.pk)
    full = time.perf_counter() - start
    archive.refresh_from_db()
    packs = Document.objects.filter(training=training, kind="pack", state="ready")
    pages = sum(d.pages for d in packs)
    return [
        ("participant pack", f"{pack.pages} pages, {pack.size / 1024:.0f} KB, {ours:.2f} s "
                             f"({ours / pack.pages * 1000:.0f} ms per page)"),
        ("WeasyPrint alone on the same HTML", f"{direct:.2f} s → our overhead x{ours / direct:.2f}"),
        ("the same pack asked again (unchanged inputs)", f"{cached_seconds * 1000:.0f} ms, "
                                                          "no rendering"),
        (f"full training: {packs.count()} packs + ZIP",
         f"{full:.1f} s for {pages} pages ({full / max(pages, 1) * 1000:.0f} ms per page), "
         f"ZIP {archive.size / 1024:.0f} KB"),
    ]
