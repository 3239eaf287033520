"""Two rapporteurs write the same note; one goes offline and keeps typing; both texts
survive; a facilitator publishes; a participant sees only the published version. A long
offline backlog (reloaded offline) with one refused save among valid ones gets through."""

import pytest
from playwright.sync_api import expect

from notes.models import Question, SectionVersion
from scheduling.models import Slot
from tests.browser.login import go_offline, go_online, sign_in
from tests.factories import UserFactory
from tests.scheduling.helpers import make_agenda
from trainings.models import Membership, Nomination, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NETWORK_NOISE = ("ERR_INTERNET_DISCONNECTED", "net::ERR_FAILED")
ARABIC = "نص طويل عن الهجرة والتنمية المستدامة في خطة الأمم المتحدة "


def signed_in(browser, live_server, user):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, base_url=live_server.url)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda m: m.type == "error"
            and not any(noise in m.text for noise in NETWORK_NOISE) and page.errors.append(m.text))
    sign_in(page, user)
    return context, page


def saved(page):
    expect(page.locator("#notes-status")).to_have_attribute("data-queued", "0", timeout=20000)


def test_two_rapporteurs_one_offline_both_texts_survive_then_publish(browser, live_server):
    training = make_agenda()
    slot = Slot.objects.filter(training=training, kind="offline").order_by("start").first()
    r1, r2 = UserFactory(full_name="Ruth One"), UserFactory(full_name="Rose Two")
    facilitator, participant = UserFactory(full_name="Fay"), UserFactory(full_name="Pat")
    for user in (r1, r2):
        Membership.objects.create(training=training, user=user, role=Role.RAPPORTEUR)
    Membership.objects.create(training=training, user=facilitator, role=Role.FACILITATOR)
    Nomination.objects.create(training=training, full_name="Pat", email=participant.email,
                              un_entity="IOM", status="confirmed", user=participant)
    url = f"/trainings/{training.pk}/notes/{slot.pk}/"

    c1, p1 = signed_in(browser, live_server, r1)
    c2, p2 = signed_in(browser, live_server, r2)
    p1.goto(url)
    p2.goto(url)
    saved(p1)
    saved(p2)

    go_offline(c2, p2)
    p2.locator("#section-key_points").fill("Offline point from Rose")
    p2.locator("#section-key_points").press_sequentially(" and more typed offline", delay=10)
    p1.locator("#section-key_points").fill("Online point from Ruth")
    saved(p1)
    # Rose's autosave is queued on her device, not sent
    expect(p2.locator("#notes-status")).to_have_attribute("data-queued", "1")
    expect(p2.locator("#notes-status")).to_contain_text("Offline")

    go_online(c2, p2)
    saved(p2)
    texts = list(SectionVersion.objects.filter(section="key_points").order_by("number")
                 .values_list("text", "conflict_with"))
    assert texts == [("Online point from Ruth", None),
                     ("Offline point from Rose and more typed offline", 1)]
    conflict = p2.locator('[data-conflict="key_points"]')
    expect(conflict).to_be_visible(timeout=15000)
    assert "Online point from Ruth" in conflict.inner_text()
    # Rose merges both texts; the merge is a new version without conflict.
    p2.locator("#section-key_points").fill("Online point from Ruth\nOffline point from Rose")
    saved(p2)
    expect(conflict).to_be_hidden(timeout=15000)

    cf, pf = signed_in(browser, live_server, facilitator)
    pf.goto(url)
    pf.get_by_role("button", name="Publish to participants").click()
    expect(pf.get_by_text("Published: participants now see these notes.")).to_be_visible()

    # An edit after publication is a new version; participants still see the published one.
    p1.reload()
    p1.locator("#section-key_points").fill("A later draft, not published")
    saved(p1)
    cp, pp = signed_in(browser, live_server, participant)
    pp.goto(url)
    body = pp.locator("main").inner_text()
    assert "Online point from Ruth" in body and "Offline point from Rose" in body
    assert "A later draft" not in body
    assert pp.locator("textarea").count() == 0
    for page in (p1, p2, pf, pp):
        assert page.errors == []
    for context in (c1, c2, cf, cp):
        context.close()


def test_a_long_offline_backlog_with_a_refused_save_is_delivered_after_a_reload_offline(
        browser, live_server):
    training = make_agenda()
    slots = list(Slot.objects.filter(training=training, kind="offline").order_by("start")[:2])
    rapporteur = UserFactory(full_name="Ruth One")
    Membership.objects.create(training=training, user=rapporteur, role=Role.RAPPORTEUR)
    urls = [f"/trainings/{training.pk}/notes/{slot.pk}/" for slot in slots]
    context, page = signed_in(browser, live_server, rapporteur)
    batches = []
    page.on("request", lambda r: r.method == "POST" and r.url.endswith("/notes/sync")
            and batches.append(len(r.post_data_buffer)))
    for url in urls:   # opened once online: kept for a reload offline
        page.goto(url)
        expect(page.locator("#notes-editor")).to_have_attribute("data-offline-ready", "true")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        saved(page)

    go_offline(context, page)
    long_text = (ARABIC * 1000)[:50_000]
    sections = ["key_points", "agreements", "activity_outcomes", "follow_up"]
    queued = 0
    for n, url in enumerate(urls):
        page.goto(url)   # offline: the service worker serves the page kept for Ruth
        expect(page.locator("#notes-status")).to_contain_text("Offline")
        for section in sections:
            text = f"{n}{section} {long_text}"[:50_000]
            if n == 0 and section == "agreements":
                text = long_text + "!"   # 50,001 characters: one too many
            page.locator(f"#section-{section}").fill(text)
            queued += 1
            expect(page.locator("#notes-status")).to_have_attribute("data-queued", str(queued))
    page.locator("#nq-text").fill("Which national plan applies here?")
    page.get_by_role("button", name="Add question").click()
    expect(page.locator("#notes-status")).to_have_attribute("data-queued", str(queued + 1))
    page.reload()   # still offline: the page and the queued text are back
    for section in sections:
        expect(page.locator(f"#section-{section}")).to_have_value(
            f"1{section} {long_text}"[:50_000])
    assert not SectionVersion.objects.exists()

    go_online(context, page)
    saved(page)
    refused = page.locator("#notes-refused")
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("1 action could not be applied")
    expect(refused).to_contain_text(
        "Agreements (saved text): text: is too long (at most 50000 characters)")
    versions = SectionVersion.objects.order_by("note__slot__start", "section")
    assert versions.count() == 7
    assert all(len(text) == 50_000 for text in versions.values_list("text", flat=True))
    assert not versions.filter(note__slot=slots[0], section="agreements").exists()
    assert Question.objects.get().text == "Which national plan applies here?"
    assert len(batches) >= 2 and max(batches) <= 512 * 1024   # split by bytes
    assert page.errors == []
    context.close()
