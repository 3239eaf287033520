"""Every page, as each role reaches it, passes axe-core's WCAG 2.1 A/AA rules with no
serious or critical violation (docs/accessibility.md).

One browser, one context per role of the demo training (`seed_demo`). Each role signs in
through the form and walks the site by clicking: the links of the navigation, the training
and its tabs, and from each page the links to kinds of page it has not seen yet. Agenda and
run-mode pages are checked at tablet size (768x1024), the rest at 1280x900. The login and
password-reset pages are walked signed out; the 403 and 404 pages are opened by address (no
link leads to them) and the static 500 page is served by the browser's router on the site's
origin, so that its stylesheets load as they would.
"""

import os
import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from playwright.sync_api import expect

from accounts.models import User
from demo.people import DEMO_PASSWORD
from tests.browser import axe
from tests.browser.login import sign_in
from tests.browser.training_nav import open_tab
from trainings.demo import DEMO_TITLE
from trainings.models import Training

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}
TABLET_PAGES = re.compile(r"/(agenda|run)/")
ROLES = [
    ("staff", "staff@demo.unct.test"),
    ("lead facilitator", "lead@demo.unct.test"),
    ("facilitator", "facilitator@demo.unct.test"),
    ("moderator", "moderator@demo.unct.test"),
    ("rapporteur", "rapporteur@demo.unct.test"),
    ("RCO admin", "rco@demo.unct.test"),
    ("participant", "participant@demo.unct.test"),
]
# Not pages: files, feeds, the admin (Django's own), the API, e-mails shown in a frame.
NOT_A_PAGE = re.compile(r"\.(csv|pdf|ics|json|js|svg|png)$|/download/|/html/$|^/api/|^/admin/"
                        r"|^/media/|/logout/")
# Segments that name a kind of page; any other segment (an id, a slug, a key) is a "*".
WORDS = {
    "trainings", "dashboard", "agenda", "mine", "now", "checklist", "checklists", "notes",
    "questions", "outputs", "recap", "outcome", "evaluation", "results", "action-plan",
    "documents", "request", "run", "team", "nominations", "add", "upload", "survey",
    "country-profile", "outbox", "audit", "edit", "new", "cancel", "settings", "reference",
    "gcm-objectives", "guiding-principles", "sdgs", "curricula", "sessions", "activities",
    "notifications", "profile", "accounts", "password", "reset", "email", "change", "login",
    "mfa", "2fa", "totp", "recovery-codes", "activate", "deactivate", "reauthenticate", "verify",
}
LINKS = """() => Array.from(document.querySelectorAll('header a[href], nav a[href], main a[href]'))
    .filter(a => !a.target && !a.hasAttribute('download'))
    .map(a => a.getAttribute('href'))"""
# What a page offers: a kind of page is checked again for another role only if it shows
# other kinds of controls (an editor's form, a participant's read-only view...).
CONTROLS = """() => Array.from(new Set(Array.from(document.querySelectorAll(
    'form, input, select, textarea, button, table, details, iframe, dialog, [role]'))
    .map(e => e.tagName + (e.type ? ':' + e.type : '') + (e.getAttribute('role') || ''))))
    .sort().join(' ')"""


def kind(path):
    return "/".join(s if s in WORDS or not s else "*" for s in path.split("/"))


class Findings:
    """What axe found, on which pages; and every page visited."""

    def __init__(self):
        self.results, self.fingerprints, self.visited, self.visits = {}, set(), set(), set()
        self.shared = set()     # kinds of page outside a training, the same for every role

    def check(self, page, role, where, path=None):
        self.visited.add(path or where)
        self.visits.add((role, path or where))
        if path and not path.startswith("/trainings/"):
            self.shared.add(kind(urlsplit(path).path))
        fingerprint = (kind(urlsplit(path).path) if path else where, page.evaluate(CONTROLS))
        if fingerprint not in self.fingerprints:
            self.fingerprints.add(fingerprint)
            self.results[(role, where)] = axe.violations(page) + axe.small_targets(page)


class Walk:
    """The pages one role reaches by clicking from its dashboard, breadth first, one page of
    each kind; axe checks a page unless a page of that kind with the same controls was
    already checked (for any role)."""

    def __init__(self, page, role, findings):
        self.page, self.role, self.findings = page, role, findings
        self.clicked, self.landed = set(), set()

    def path(self):
        url = urlsplit(self.page.url)
        return url.path + (f"?{url.query}" if url.query else "")

    def check(self):
        path = self.path()
        self.page.set_viewport_size(TABLET if TABLET_PAGES.search(path) else DESKTOP)
        if "/run/" in path:
            expect(self.page.locator("#run")).to_have_attribute("data-offline-ready", "true")
        self.findings.check(self.page, self.role, path, path)

    def new_links(self):
        found = []
        for href in self.page.evaluate(LINKS):
            path = urlsplit(href).path
            if (href.startswith("/") and not NOT_A_PAGE.search(path)
                    and kind(path) not in self.clicked | self.findings.shared
                    and href not in found):
                found.append(href)
        return found

    def click(self, href):
        """Click the link as a person would: open its menu first if it sits in one."""
        link = self.page.locator(f'a[href="{href}"]:visible').first
        if not link.count():
            hidden = self.page.locator(f'a[href="{href}"]').first
            menu = hidden.locator("xpath=ancestor::li[contains(concat(' ', @class, ' '), "
                                  "' dropdown ')]")
            menu.locator(".dropdown-toggle").click()
        with self.page.expect_navigation():
            self.page.locator(f'a[href="{href}"]:visible').first.click()

    def visit(self, parent, href):
        """Follow `href` from the current page if it shows that link (navigation and tabs are on
        every page), otherwise from the page where it was found."""
        self.clicked.add(kind(urlsplit(href).path))
        if not self.page.locator(f'a[href="{href}"]').count():
            self.page.goto(parent)
        self.page.set_viewport_size(DESKTOP)
        self.click(href)
        landed = kind(urlsplit(self.page.url).path)
        if landed in self.landed:       # a link that led back to a page seen (e.g. "/")
            return []
        self.landed.add(landed)
        self.check()
        return [(self.page.url, link) for link in self.new_links()]

    def walk(self):
        self.landed.add(kind(urlsplit(self.page.url).path))
        self.check()
        queue = deque((self.page.url, link) for link in self.new_links())
        while queue:
            parent, href = queue.popleft()
            if kind(urlsplit(href).path) not in self.clicked:
                queue.extend(self.visit(parent, href))


def open_error_pages(page, findings):
    """403 (a participant asks to create a training), 404 (no such training) and the 500
    page, as a participant sees them."""
    page.set_viewport_size(DESKTOP)
    page.goto("/trainings/new/")
    expect(page.get_by_text("Only platform staff create trainings.")).to_be_visible()
    findings.check(page, "participant", "403 page")
    page.goto("/trainings/999999/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    findings.check(page, "participant", "404 page")
    page.route("**/500-page", lambda route: route.fulfill(
        status=500, content_type="text/html; charset=utf-8", body=render_to_string("500.html")))
    page.goto("/500-page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Something went wrong")
    findings.check(page, "participant", "500 page")


def see_focus(page):
    """A keyboard user sees where they are: the first Tab shows "Skip to content", and the
    focused control carries a visible outline."""
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    outline = skip.evaluate("e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]")
    assert outline[0] != "none" and float(outline[1].removesuffix("px")) >= 2, outline


def signed_out(browser, live_server, findings):
    """The login page, and the password reset page reached from its link."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    try:
        page = context.new_page()
        page.goto("/")
        expect(page.get_by_role("button", name="Sign In")).to_be_visible()
        findings.check(page, "signed out", "/accounts/login/", "/accounts/login/")
        see_focus(page)
        page.get_by_role("link", name=re.compile("forgot", re.I)).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Password Reset")
        findings.check(page, "signed out", "/accounts/password/reset/",
                       "/accounts/password/reset/")
    finally:
        context.close()


def test_every_page_every_role_has_no_serious_accessibility_violation(browser, live_server):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    training = Training.objects.get(title=DEMO_TITLE)
    findings = Findings()
    signed_out(browser, live_server, findings)
    for role, email in ROLES:
        context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
        try:
            page = context.new_page()
            sign_in(page, User.objects.get(email=email), password=DEMO_PASSWORD)
            Walk(page, role, findings).walk()
            if role == "participant":
                open_error_pages(page, findings)
        finally:
            context.close()

    results = findings.results
    failures = [line for (role, path), found in results.items()
                for line in axe.report(f"{role} {path}", axe.blocking(found))]
    counted = sum(len(v["targets"]) for found in results.values() for v in axe.blocking(found))
    print(f"\naxe: {len(findings.visits)} pages visited by {len(ROLES)} roles and signed out, "
          f"{len(findings.visited)} distinct addresses, {len(results)} checked by axe; "
          f"{counted} serious or critical violations on "
          f"{sum(1 for found in results.values() if axe.blocking(found))} pages")
    assert f"/trainings/{training.pk}/run/" in findings.visited
    assert len(findings.visited) >= 40, sorted(findings.visited)
    assert not failures, "\n".join(failures)


def test_run_mode_with_every_attendance_status_and_groups_has_no_serious_violation(
        browser, live_server):
    """The walk sees run mode as the demo leaves it (nobody marked); a moderator in the room
    marks people present, late, absent and excused and splits them into groups."""
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    context = browser.new_context(viewport=TABLET, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, User.objects.get(email="moderator@demo.unct.test"), password=DEMO_PASSWORD)
    page.get_by_role("link", name=DEMO_TITLE).first.click()
    open_tab(page, "Run mode")
    expect(page.locator("#run")).to_have_attribute("data-offline-ready", "true")
    people = page.locator("button[data-person]")
    cycle = ["present", "late", "absent", "excused"]
    for taps, status in enumerate(cycle, start=1):
        for step in cycle[:taps]:  # each tap shows its state before the next (none is lost)
            people.nth(taps).click()
            expect(people.nth(taps)).to_have_accessible_name(re.compile(f", {step}\\. Tap"))
        expect(people.nth(taps)).to_have_accessible_name(re.compile(f", {status}\\. Tap"))
    page.get_by_role("button", name="Split the people present").click()
    expect(page.locator("#groups select").first).to_be_visible()

    found = axe.blocking(axe.violations(page))
    context.close()

    assert not found, "\n".join(axe.report("run mode", found))
