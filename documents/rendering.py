"""HTML for each document kind, from the data it prints; WeasyPrint turns it into PDF.

The HTML is built first (cheap) and hashed: the hash is the document's cache key, so the
same inputs give the same file without rendering again."""

import hashlib
import io
import math
import urllib.parse

import segno
from django.conf import settings
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from accounts.times import local_date
from activities.models import Activity
from curriculum.models import GuidingPrinciple, Handout, Sdg, ThematicArea
from notifications.rendering import absolute_url
from scheduling.blocks import session_blocks
from scheduling.models import PARTICIPANT_KINDS, Slot, SlotKind
from trainings.models import Nomination

RENDER_VERSION = "2"  # raise when templates change, so cached files are rebuilt
ATTENDED = ("present", "late")


def _handouts(training):
    handouts = list(Handout.objects.filter(curriculum=training.curriculum).order_by("position"))
    return {
        "handouts": handouts,
        "areas": ThematicArea.objects.prefetch_related("objectives"),
        "principles": GuidingPrinciple.objects.all(),
        "sdgs": Sdg.objects.prefetch_related("targets"),
        "activities": Activity.objects.filter(curriculum=training.curriculum)
        .prefetch_related("parts__module", "handouts").order_by("number"),
    }


MEETING_SERVICES = {"teams.microsoft.com": "Microsoft Teams", "teams.live.com": "Microsoft Teams",
                    "zoom.us": "Zoom", "webex.com": "Webex", "meet.google.com": "Google Meet"}
SHORT_URL = 40


def _host(url):
    return urllib.parse.urlsplit(url).hostname or ""


def meeting_service(url):
    """"Microsoft Teams", "Zoom", "Webex", "Google Meet", else the link's host."""
    host = _host(url)
    return next((name for domain, name in MEETING_SERVICES.items()
                 if host == domain or host.endswith("." + domain)), host)


def short_url(url, limit=SHORT_URL):
    """The printed form of a long link: host and path, cut at a "/" with an ellipsis when
    longer than `limit` ("teams.microsoft.com/l/meetup-join/…"); the PDF link keeps the
    whole URL as its target."""
    parts = urllib.parse.urlsplit(url)
    text = (parts.hostname or "") + parts.path.rstrip("/")
    if len(text) <= limit and not parts.query:
        return text
    cut = text.rfind("/", 0, limit)
    return text[:cut if cut > len(parts.hostname or "") else limit] + "/…"


def place(where):
    """(text, link target) of where a slot takes place: a meeting link reads "Join the online
    session (Microsoft Teams)" and links to the URL; a room is printed as it is."""
    if where.startswith(("https://", "http://")):
        return f"Join the online session ({meeting_service(where)})", where
    return where, ""


def _days(training, tz, *, participant_view):
    """[(local day, [row])] of the agenda in `tz`; each row keeps the slot's instants, which
    the template prints through {% time_range %} (the one time helper)."""
    days = {}
    for slot in Slot.objects.filter(training=training).select_related("module").order_by("start"):
        if participant_view and slot.kind not in PARTICIPANT_KINDS:
            continue
        where, url = place(slot.where(training) if slot.kind != SlotKind.BREAK else "")
        days.setdefault(local_date(slot.start, tz), []).append({
            "start": slot.start, "end": slot.end,
            "kind": slot.get_kind_display(), "heading": slot.heading, "items": slot.items,
            "module": slot.module.number if slot.module else "", "where": where, "url": url})
    return sorted(days.items())


def meeting(training):
    """The training's meeting link as the pack prints it once: service, short form, URL."""
    url = training.meeting_link
    if not url:
        return None
    return {"service": meeting_service(url), "short": short_url(url), "url": url}


def sign_in_blocks(training):
    """Each offline block (`scheduling.blocks`: one module, one day) gets a sign-in page."""
    return session_blocks(training, SlotKind.OFFLINE)


def attendance_percent(rate):
    """A share 0..1 as a whole percentage, rounded down (0.9 → 90; never more than was
    attended: 0.999 → 99)."""
    return math.floor(rate * 100 + 1e-9)


def attendance_rates(training):
    """{nomination id: share of the sessions with attendance taken that the person attended}."""
    taken = Slot.objects.filter(training=training, attendance__isnull=False).distinct().count()
    rows = Nomination.objects.filter(training=training, status="confirmed").annotate(
        attended=Count("attendance", filter=Q(attendance__status__in=ATTENDED), distinct=True))
    return {n.pk: (n.attended / taken if taken else 0.0) for n in rows}, taken


def qr_svg(url):
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=3, xmldecl=False, svgns=True,
                                    dark="#1d2125")
    return mark_safe(out.getvalue().decode())  # noqa: S308 - generated by segno from our URL


def verification_url(code):
    return absolute_url(reverse("documents:verify", args=[code]))


def build(kind, training, participant=None, *, certificate=None, extra=None):
    """The document's HTML."""
    tz = training.time_zone
    context = {"training": training, "tz": tz, "RENDER_VERSION": RENDER_VERSION}
    if kind == "handouts":
        context.update(_handouts(training))
    elif kind == "agenda":
        context["days"] = _days(training, tz, participant_view=False)
    elif kind == "pack":
        viewer_tz = participant.user.time_zone if participant.user else tz
        context.update(_handouts(training), participant=participant, viewer_tz=viewer_tz,
                       days=_days(training, viewer_tz, participant_view=True),
                       show_training_time=viewer_tz != tz, meeting=meeting(training))
    elif kind == "sign_in":
        context["blocks"] = sign_in_blocks(training)
        context["roster"] = list(Nomination.objects.filter(training=training, status="confirmed")
                                 .order_by("full_name"))
    elif kind == "certificate":
        url = verification_url(certificate.code)
        context.update(participant=participant, certificate=certificate, verify_url=url,
                       qr=qr_svg(url),
                       attendance_percent=attendance_percent(certificate.attendance_rate))
    elif kind == "outcome":
        context.update(extra or {})
    return render_to_string(f"documents/pdf/{kind}.html", context)


def input_hash(kind, html):
    return hashlib.sha256(f"{RENDER_VERSION}|{kind}|{html}".encode()).hexdigest()


def to_pdf(html):
    """(pdf bytes, number of pages). Tagged PDF, fonts embedded (subsets)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    return document.write_pdf(pdf_tags=True), len(document.pages)
