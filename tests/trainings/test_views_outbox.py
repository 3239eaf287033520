"""The outbox pages over HTTP: a training's outbox and a message's page (staff and the
training's facilitators), the actions (send now, cancel, send again), the outbox across
trainings, and the messages API.

The world (one user per role on a Kenyan training, a Ugandan training with its own
facilitator) is built once per module with the trainings' planned messages (the real
planning) and a team invitation (queued by the team service); tests add rows in a given
state directly. Outsiders get 404, like a missing id; other roles 403."""

import datetime
import html as htmllib
import itertools
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications import kinds
from notifications.models import Message, MessageLog
from scheduling.messages import plan_training
from tests.factories import UserFactory
from tests.html import links, page_without_tokens
from tests.querycount import count_queries
from trainings.models import Role

from .factories import ALL_ROLES, OUTSIDERS, ROLES, MembershipFactory, RoleWorld, TrainingFactory

S = Message.State
OUTBOX_ROLES = {"staff", "lead_facilitator", "facilitator"}
REFUSED_ROLES = sorted(set(ROLES) - OUTBOX_ROLES)  # may see the training, not its outbox
UTC = datetime.UTC
_keys = itertools.count()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        w = RoleWorld()
        plan_training(training=w.training)
        plan_training(training=w.other_training)
        yield w
        transaction.set_rollback(True)


def login(client, world, role):
    client.force_login(world.users[role])
    return world.users[role]


def add_message(training, *, kind="invitation", state=S.SCHEDULED, recipient=None,
                address=None, send_at=None, by=None, **fields):
    """A message row in a given state, with its first log row."""
    n = next(_keys)
    message = Message.objects.create(
        kind=kind, key=f"test:{kind}:{n}", training=training, recipient=recipient,
        address=address or (recipient.email if recipient else f"someone{n}@example.org"),
        send_at=send_at or timezone.now() + datetime.timedelta(days=2), state=state,
        subject=fields.pop("subject", f"[UNCT] Test message {n}"),
        text=fields.pop("text", f"Hello {n}\n"), html=fields.pop("html", f"<p>Hello {n}</p>"),
        **fields)
    MessageLog.objects.create(message=message, before="", after=S.SCHEDULED, why="queued",
                              by=by)
    return message


def outbox_url(training):
    return reverse("trainings:outbox", args=[training.pk])


def message_url(message, training=None):
    return reverse("trainings:outbox_message", args=[(training or message.training).pk,
                                                     message.pk])


def action_url(message, action, training=None):
    return reverse("trainings:outbox_action", args=[(training or message.training).pk,
                                                    message.pk, action])


def message_count(response):
    assert response.status_code == 200, response.status_code
    match = re.search(r'id="message-count">(\d+) messages?<', response.content.decode())
    assert match, "no #message-count on the page"
    return int(match[1])


def row_of(html, message):
    match = re.search(rf'<tr id="message-{message.pk}">(.*?)</tr>', html, re.S)
    assert match, f"message {message.pk} is not listed"
    return match[1]


def text_of(fragment):
    """The visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def state_of(message):
    row = Message.objects.get(pk=message.pk)
    return (row.state, row.send_at, row.attempts, MessageLog.objects.filter(message=row).count())


def last_log(message):
    return MessageLog.objects.filter(message=message).order_by("at", "pk").last()


# --- who may see the outbox ---------------------------------------------------------------


def expected_status(role):
    if role in OUTSIDERS:
        return 404
    return 200 if role in OUTBOX_ROLES else 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_outbox_pages_for_every_role(client, world, role):
    login(client, world, role)
    message = Message.objects.filter(training=world.training).first()
    html_url = reverse("trainings:outbox_message_html", args=[world.training.pk, message.pk])
    for url in (outbox_url(world.training), message_url(message), html_url):
        response = client.get(url)
        assert response.status_code == expected_status(role), (role, url)
        if response.status_code != 200:
            assert b"invitee@example.org" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_actions_for_every_role(client, world, role):
    login(client, world, role)
    message = add_message(world.training)
    before = state_of(message)
    response = client.post(action_url(message, "cancel"))
    if role in OUTBOX_ROLES:
        assert response.status_code == 302
        assert Message.objects.get(pk=message.pk).state == S.CANCELLED
    else:
        assert response.status_code == expected_status(role)
        assert state_of(message) == before


@pytest.mark.django_db
def test_outbox_of_another_training_is_404_like_a_missing_one(client, world):
    login(client, world, "other_facilitator")
    missing_pk = world.training.pk + 10_000
    existing = client.get(outbox_url(world.training))
    missing = client.get(reverse("trainings:outbox", args=[missing_pk]))
    assert existing.status_code == missing.status_code == 404
    assert page_without_tokens(existing) == page_without_tokens(missing)
    message = Message.objects.filter(training=world.training).first()
    existing = client.get(message_url(message))
    missing = client.get(reverse("trainings:outbox_message", args=[missing_pk, message.pk]))
    assert existing.status_code == missing.status_code == 404
    assert page_without_tokens(existing) == page_without_tokens(missing)


@pytest.mark.django_db
def test_a_message_of_another_training_is_404_under_this_one(client, world):
    login(client, world, "lead_facilitator")
    other = Message.objects.filter(training=world.other_training, state=S.SCHEDULED).first()
    before = state_of(other)
    assert client.get(message_url(other, training=world.training)).status_code == 404
    for action in ("send", "cancel", "resend"):
        response = client.post(action_url(other, action, training=world.training))
        assert response.status_code == 404
    assert state_of(other) == before
    missing = reverse("trainings:outbox_message", args=[world.training.pk, other.pk + 10_000])
    assert client.get(missing).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, world):
    message = add_message(world.training)
    before = state_of(message)
    for url in (outbox_url(world.training), message_url(message),
                reverse("trainings:outbox_all")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(action_url(message, "cancel"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert state_of(message) == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_outbox_tab_only_for_those_who_may_open_it(client, world, role):
    login(client, world, role)
    response = client.get(reverse("trainings:detail", args=[world.training.pk]))
    if role in OUTSIDERS:
        assert response.status_code == 404
        return
    link = f'href="{outbox_url(world.training)}">Outbox</a>'
    assert (link in response.content.decode()) is (role in OUTBOX_ROLES)


# --- the list -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_lists_every_message_of_the_training(client, world):
    login(client, world, "lead_facilitator")
    failed = add_message(world.training, kind="nomination_confirmed", state=S.FAILED,
                         attempts=5, recipient=world.users["participant"],
                         last_error="SMTPRecipientsRefused: 550 mailbox unavailable")
    MessageLog.objects.create(message=failed, before=S.SENDING, after=S.FAILED,
                              why="attempt 5 failed; given up")
    MessageLog.objects.create(message=failed, before=S.FAILED, after=S.SCHEDULED,
                              why="sent again by hand", by=world.users["facilitator"])
    response = client.get(outbox_url(world.training))
    rows = Message.objects.filter(training=world.training)
    assert message_count(response) == rows.count() > 5
    html = response.content.decode()
    for message in rows:
        row = text_of(row_of(html, message))
        assert kinds.get(message.kind).label in row
        assert message.address in row
        assert message.get_state_display() in row
    assert len(re.findall(r'<tr id="message-', html)) == rows.count()
    # nothing of the other training
    for message in Message.objects.filter(training=world.other_training):
        assert f'id="message-{message.pk}"' not in html
    row = text_of(row_of(html, failed))
    assert "Pat Participant" in row and failed.address in row
    assert "Seat confirmed" in row and "Failed" in row and " 5 " in f" {row} "
    assert "550 mailbox unavailable" in row
    # the log: before → after, why, by whom
    assert "Log: 3 entries" in row
    assert "– → scheduled: queued (by the platform)" in row
    assert "sending → failed: attempt 5 failed; given up" in row
    assert f"failed → scheduled: sent again by hand (by {world.users['facilitator']})" in row
    # the invitation queued by the team service is there, with its recipient address
    invitation = rows.get(kind="invitation")
    assert "invitee@example.org" in text_of(row_of(html, invitation))


@pytest.mark.django_db
def test_send_at_in_the_training_zone_and_the_viewer_zone(client, world):
    user = login(client, world, "lead_facilitator")
    at = datetime.datetime(2027, 3, 1, 6, 0, tzinfo=UTC)
    message = add_message(world.training, send_at=at)
    first_cell = re.search(r"<td[^>]*>(.*?)</td>", row_of(
        client.get(outbox_url(world.training)).content.decode(), message), re.S)[1]
    # a viewer in the training's zone (Nairobi) sees one time
    assert text_of(first_cell) == "Mon 1 Mar 2027, 09:00 EAT"
    user.time_zone = "America/New_York"
    user.save(update_fields=["time_zone"])
    first_cell = re.search(r"<td[^>]*>(.*?)</td>", row_of(
        client.get(outbox_url(world.training)).content.decode(), message), re.S)[1]
    assert text_of(first_cell) == "Mon 1 Mar 2027, 09:00 EAT 01:00 EST your time"
    assert "UTC" not in first_cell
    user.time_zone = "Asia/Tokyo"
    user.save(update_fields=["time_zone"])
    page = client.get(message_url(message)).content.decode()
    assert "Mon 1 Mar 2027, 09:00 EAT 15:00 JST your time" in text_of(page)


@pytest.mark.django_db
def test_filters(client, world):
    login(client, world, "facilitator")
    training = world.training
    url = outbox_url(training)
    rows = Message.objects.filter(training=training)
    total = rows.count()
    deadlines = rows.filter(kind="nomination_deadline").count()
    assert deadlines == 2
    assert message_count(client.get(url, {"kind": "nomination_deadline"})) == deadlines
    assert message_count(client.get(url, {"state": "cancelled"})) == 0
    reminder = rows.filter(kind="nomination_deadline").first()
    Message.objects.filter(pk=reminder.pk).update(state=S.CANCELLED)
    assert message_count(client.get(url, {"state": "cancelled"})) == 1
    assert message_count(client.get(url, {"state": "cancelled",
                                          "kind": "nomination_deadline"})) == 1
    assert message_count(client.get(url, {"state": "cancelled", "kind": "thank_you"})) == 0
    # the search looks at the address and the recipient's name
    assert message_count(client.get(url, {"q": "INVITEE@example"})) == 1
    rco = world.users["rco_admin"]
    assert message_count(client.get(url, {"q": str(rco)[:8]})) == \
        rows.filter(recipient=rco).count() > 0
    assert message_count(client.get(url, {"q": "nobody-has-this"})) == 0
    # unknown values are ignored, and the form shows what is selected
    response = client.get(url, {"kind": "nope", "state": "nope"})
    assert message_count(response) == total
    page = client.get(url, {"kind": "thank_you", "q": "o'brien"}).content.decode()
    assert '<option value="thank_you" selected>' in page
    assert 'value="o&#x27;brien"' in page
    for label in ('for="f-kind">Kind', 'for="f-state">State', 'for="f-q">Recipient or address'):
        assert label in page


@pytest.mark.django_db
def test_pagination_keeps_the_filters(client, world):
    login(client, world, "lead_facilitator")
    failed = [add_message(world.training, state=S.FAILED,
                          send_at=timezone.now() + datetime.timedelta(minutes=i))
              for i in range(120)]
    url = outbox_url(world.training)
    first = client.get(url, {"state": "failed", "q": "example"})
    assert message_count(first) == 120
    html = first.content.decode()
    assert "Page 1 of 3" in html
    assert len(re.findall(r'<tr id="message-', html)) == 50
    assert 'href="?state=failed&amp;q=example&amp;page=2"' in html
    assert "Previous page" not in html
    assert f'id="message-{failed[0].pk}"' in html and f'id="message-{failed[50].pk}"' not in html
    second = client.get(url, {"state": "failed", "q": "example", "page": 2}).content.decode()
    assert "Page 2 of 3" in second
    assert f'id="message-{failed[50].pk}"' in second
    assert 'href="?state=failed&amp;q=example&amp;page=1"' in second
    assert 'href="?state=failed&amp;q=example&amp;page=3"' in second
    last = client.get(url, {"state": "failed", "q": "example", "page": 3}).content.decode()
    assert "Page 3 of 3" in last and "Next page" not in last
    assert len(re.findall(r'<tr id="message-', last)) == 20
    # a page out of range shows the last one, not an error
    assert "Page 3 of 3" in client.get(url, {"state": "failed", "page": 99}).content.decode()


@pytest.mark.django_db
def test_the_list_runs_a_constant_number_of_queries(client, world):
    training = TrainingFactory(title="Query count training")
    lead = MembershipFactory(training=training, role=Role.LEAD_FACILITATOR).user
    staff = world.users["staff"]

    def add(count):
        for _ in range(count):
            message = add_message(training, recipient=UserFactory(), by=lead,
                                  state=S.FAILED, last_error="550 no")
            MessageLog.objects.create(message=message, before=S.SCHEDULED, after=S.FAILED,
                                      why="given up", by=UserFactory())

    add(5)
    counts = {}
    for name, user, url in (("training", lead, outbox_url(training)),
                            ("across", staff, reverse("trainings:outbox_all") +
                             f"?training={training.pk}"),
                            ("facilitator across", lead, reverse("trainings:outbox_all"))):
        client.force_login(user)
        counts[name] = count_queries(client, url)
    add(55)  # 60 messages: a full page of 50
    for name, user, url in (("training", lead, outbox_url(training)),
                            ("across", staff, reverse("trainings:outbox_all") +
                             f"?training={training.pk}"),
                            ("facilitator across", lead, reverse("trainings:outbox_all"))):
        client.force_login(user)
        assert count_queries(client, url) == counts[name], name
        assert message_count(client.get(url)) == 60


# --- a message's page ---------------------------------------------------------------------


@pytest.mark.django_db
def test_message_page_shows_what_was_sent(client, world):
    login(client, world, "lead_facilitator")
    message = add_message(
        world.training, kind="nomination_confirmed", state=S.SENT,
        subject="[UNCT] Your seat is confirmed", text="Dear Pat,\nyour seat <is> confirmed.\n",
        html='<html><body><p style="color: #00558c">Dear Pat, your seat is confirmed.</p>'
             "</body></html>",
        attachments=[{"filename": "training.ics", "content": "BEGIN:VCALENDAR",
                      "mimetype": "text/calendar"}],
        sent_at=timezone.now())
    response = client.get(message_url(message))
    assert response.status_code == 200
    html = response.content.decode()
    assert "[UNCT] Your seat is confirmed" in html
    assert "<pre" in html and "Dear Pat,\nyour seat &lt;is&gt; confirmed." in html
    assert "training.ics" in html and "text/calendar" in html
    assert "Preview" not in html
    assert "– → scheduled: queued" in text_of(html)
    assert "<script>" not in html and "style=" not in html  # strict CSP: none of ours
    # The HTML version, in a sandboxed frame of its own: the email's inline styles apply
    # there only, under a policy that runs no script, loads nothing, and lets only our own
    # pages frame it.
    iframe = re.search(r"<iframe([^>]*)>", html)[1]
    assert 'sandbox=""' in iframe and 'title="HTML version of the message"' in iframe
    src = re.search(r'src="([^"]*)"', iframe)[1]
    assert src == reverse("trainings:outbox_message_html", args=[world.training.pk, message.pk])
    frame = client.get(src)
    assert frame.status_code == 200 and frame["Content-Type"] == "text/html; charset=utf-8"
    assert frame.content.decode() == message.html
    policy = frame["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy.split("; ")
    assert "frame-ancestors 'self'" in policy and "script-src" not in policy
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    # our pages keep the strict policy
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_message_page_previews_a_message_built_when_sent(client, world):
    login(client, world, "facilitator")
    message = Message.objects.filter(training=world.training, kind="nominations_short",
                                     state=S.SCHEDULED).first()
    assert not message.is_rendered
    response = client.get(message_url(message))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: the content is built again when it is sent" in html
    subject = re.search(r'id="message-subject">([^<]+)<', html)[1]
    assert subject.strip() and world.training.title in htmllib.unescape(html)
    frame = client.get(reverse("trainings:outbox_message_html",
                               args=[world.training.pk, message.pk]))
    assert frame.status_code == 200 and "<html" in frame.content.decode()
    assert Message.objects.get(pk=message.pk).subject == ""  # nothing stored by a preview


@pytest.mark.django_db
def test_message_page_shows_the_error_of_a_preview_that_cannot_be_built(client, world):
    login(client, world, "lead_facilitator")
    message = Message.objects.filter(training=world.training, kind="nomination_deadline",
                                     state=S.SCHEDULED).first()
    Message.objects.filter(pk=message.pk).update(context={"slot": "not-a-uuid"})
    response = client.get(message_url(message))
    assert response.status_code == 200
    html = htmllib.unescape(response.content.decode())
    assert "The content cannot be built now" in html
    assert "not-a-uuid" in html and "is not a valid UUID" in html


# --- actions ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_buttons_match_the_state(client, world):
    login(client, world, "lead_facilitator")
    scheduled = add_message(world.training)
    failed = add_message(world.training, state=S.FAILED)
    cancelled = add_message(world.training, state=S.CANCELLED)
    sent = add_message(world.training, state=S.SENT)
    html = client.get(outbox_url(world.training)).content.decode()
    buttons = {m.pk: re.findall(r"<button[^>]*>([^<]+)<", row_of(html, m))
               for m in (scheduled, failed, cancelled, sent)}
    assert buttons == {scheduled.pk: ["Send now", "Cancel"], failed.pk: ["Send again"],
                       cancelled.pk: ["Send again"], sent.pk: []}
    # every button has a name that says which message it acts on, and a CSRF token
    row = row_of(html, scheduled)
    assert f"Send now – Invitation to join a training or to take a seat to {scheduled.address}" \
        in text_of(row)
    assert row.count("csrfmiddlewaretoken") == 2
    assert f'action="{action_url(scheduled, "send")}"' in row
    # the message page has them too
    page = client.get(message_url(failed)).content.decode()
    assert f'action="{action_url(failed, "resend")}"' in page


@pytest.mark.django_db
def test_send_now(client, world):
    user = login(client, world, "facilitator")
    # (planned thank-yous wait for a completed training: a far one added here)
    message = add_message(world.training, kind="thank_you",
                          send_at=timezone.now() + datetime.timedelta(days=60))
    assert message.send_at > timezone.now() + datetime.timedelta(days=30)
    back = f"{outbox_url(world.training)}?kind=thank_you"
    response = client.post(action_url(message, "send"), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    message.refresh_from_db()
    assert message.state == S.SCHEDULED
    assert abs(message.send_at - timezone.now()) < datetime.timedelta(minutes=1)
    entry = last_log(message)
    assert (entry.before, entry.after, entry.by) == (S.SCHEDULED, S.SCHEDULED, user)
    assert entry.why.startswith("send now (was planned for ")
    page = client.get(back).content.decode()
    assert "Queued to go out within a minute." in page
    assert "scheduled → scheduled: send now" in text_of(row_of(page, message))


@pytest.mark.django_db
def test_cancel(client, world):
    user = login(client, world, "lead_facilitator")
    message = add_message(world.training, kind="action_plan_30")
    response = client.post(action_url(message, "cancel"), follow=True)
    assert response.redirect_chain[-1][0] == outbox_url(world.training)
    assert "Cancelled." in response.content.decode()
    message.refresh_from_db()
    assert message.state == S.CANCELLED
    entry = last_log(message)
    assert (entry.before, entry.after, entry.why, entry.by) == (
        S.SCHEDULED, S.CANCELLED, "cancelled by hand", user)


@pytest.mark.django_db
@pytest.mark.parametrize("state", [S.FAILED, S.CANCELLED])
def test_send_again(client, world, state):
    user = login(client, world, "staff")
    message = add_message(world.training, state=state, attempts=5, last_error="550 no",
                          send_at=timezone.now() - datetime.timedelta(days=1))
    response = client.post(action_url(message, "resend"), {"next": message_url(message)},
                           follow=True)
    assert response.redirect_chain[-1][0] == message_url(message)
    assert "Queued to go out again within a minute." in response.content.decode()
    message.refresh_from_db()
    assert (message.state, message.attempts) == (S.SCHEDULED, 0)
    assert abs(message.send_at - timezone.now()) < datetime.timedelta(minutes=1)
    entry = last_log(message)
    assert (entry.before, entry.after, entry.why, entry.by) == (
        state, S.SCHEDULED, "sent again by hand", user)


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "action", "reason"), [
    (S.SENT, "send", "Only a scheduled message can be sent now; this one is sent."),
    (S.CANCELLED, "cancel", "Only a scheduled message can be cancelled; this one is cancelled."),
    (S.SENT, "cancel", "Only a scheduled message can be cancelled; this one is sent."),
    (S.SCHEDULED, "resend",
     "Only a failed or cancelled message can be sent again; this one is scheduled."),
    (S.SENDING, "resend",
     "Only a failed or cancelled message can be sent again; this one is sending."),
])
def test_refused_actions_show_the_reason_and_change_nothing(client, world, state, action,
                                                            reason):
    login(client, world, "lead_facilitator")
    message = add_message(world.training, state=state)
    before = state_of(message)
    response = client.post(action_url(message, action), follow=True)
    assert response.status_code == 200
    assert reason in htmllib.unescape(response.content.decode())
    assert state_of(message) == before


@pytest.mark.django_db
def test_unknown_action_is_404_and_actions_need_post(client, world):
    login(client, world, "lead_facilitator")
    message = add_message(world.training)
    before = state_of(message)
    assert client.post(action_url(message, "delete")).status_code == 404
    assert client.get(action_url(message, "cancel")).status_code == 405
    assert state_of(message) == before


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example.org/outbox/", "//evil.example.org/",
                                    "http://evil.example.org", "javascript:alert(1)"])
def test_next_to_another_host_is_ignored(client, world, target):
    login(client, world, "lead_facilitator")
    response = client.post(action_url(add_message(world.training), "send"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == outbox_url(world.training)


# --- the outbox across trainings ----------------------------------------------------------


def all_url():
    return reverse("trainings:outbox_all")


@pytest.mark.django_db
def test_staff_see_every_message(client, world):
    login(client, world, "staff")
    digest = add_message(None, kind="checklist_digest", recipient=world.users["facilitator"])
    total = Message.objects.count()
    assert message_count(client.get(all_url())) == total
    uganda = Message.objects.filter(training=world.other_training).count()
    assert message_count(client.get(all_url(), {"training": world.other_training.pk})) \
        == uganda > 0
    assert message_count(client.get(all_url(), {"training": "none"})) == 1
    assert message_count(client.get(all_url(), {"kind": "nomination_deadline"})) == \
        Message.objects.filter(kind="nomination_deadline").count() == 4
    assert message_count(client.get(all_url(), {"training": "x", "kind": "x"})) == total
    html = client.get(all_url(), {"training": "none"}).content.decode()
    assert "(spans trainings)" in text_of(row_of(html, digest))
    assert 'for="f-training">Training' in html
    # staff act on a message of no training too
    response = client.post(reverse("trainings:outbox_all_action", args=[digest.pk, "cancel"]),
                           {"next": f"{all_url()}?training=none"})
    assert response["Location"] == f"{all_url()}?training=none"
    assert Message.objects.get(pk=digest.pk).state == S.CANCELLED
    page = client.get(reverse("trainings:outbox_all_message", args=[digest.pk]))
    assert page.status_code == 200 and "Checklist digest" in page.content.decode()
    frame = client.get(reverse("trainings:outbox_all_message_html", args=[digest.pk]))
    assert frame.content.decode() == digest.html and "sandbox" in frame[
        "Content-Security-Policy"]


@pytest.mark.django_db
def test_facilitator_sees_their_trainings_and_their_own_messages(client, world):
    user = login(client, world, "lead_facilitator")
    own_digest = add_message(None, kind="checklist_digest", recipient=user)
    others_digest = add_message(None, kind="checklist_digest",
                                recipient=world.users["other_facilitator"])
    # addressed to them in a training they do not facilitate (e.g. as a participant)
    elsewhere = add_message(world.other_training, kind="nomination_confirmed",
                            address=user.email.upper())
    kenya = Message.objects.filter(training=world.training).count()
    response = client.get(all_url())
    assert message_count(response) == kenya + 2
    html = response.content.decode()
    for message in (own_digest, elsewhere):
        assert f'id="message-{message.pk}"' in html
    assert f'id="message-{others_digest.pk}"' not in html
    for message in Message.objects.filter(training=world.other_training).exclude(
            pk=elsewhere.pk):
        assert f'id="message-{message.pk}"' not in html
    # another training's id narrows down to what they may see, it never widens the view
    assert message_count(client.get(all_url(), {"training": world.other_training.pk})) == 1
    assert message_count(client.get(all_url(), {"training": world.training.pk})) == kenya
    # their own messages: the page, but no actions (those are the training's facilitators')
    assert "<button" not in row_of(html, own_digest)
    assert client.get(reverse("trainings:outbox_all_message", args=[own_digest.pk])
                      ).status_code == 200
    before = state_of(own_digest)
    assert client.post(reverse("trainings:outbox_all_action",
                               args=[own_digest.pk, "cancel"])).status_code == 403
    assert state_of(own_digest) == before
    # someone else's message: 404, like a missing id
    for url in (reverse("trainings:outbox_all_message", args=[others_digest.pk]),
                reverse("trainings:outbox_all_message_html", args=[others_digest.pk]),
                reverse("trainings:outbox_all_message", args=[others_digest.pk + 10_000])):
        assert client.get(url).status_code == 404
    assert client.post(reverse("trainings:outbox_all_action",
                               args=[others_digest.pk, "cancel"])).status_code == 404
    # a message of their training: acted on from the page across trainings too
    kenya_message = add_message(world.training)
    response = client.post(reverse("trainings:outbox_all_action",
                                   args=[kenya_message.pk, "cancel"]))
    assert response["Location"] == all_url()
    assert Message.objects.get(pk=kenya_message.pk).state == S.CANCELLED


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["moderator", "rapporteur", "tech_support", "liaison",
                                  "rco_admin", "participant", "other_rco_admin", "no_role"])
def test_outbox_across_trainings_is_refused_to_others(client, world, role):
    user = login(client, world, role)
    own = add_message(None, kind="checklist_digest", recipient=user)
    assert client.get(all_url()).status_code == 403
    assert client.get(reverse("trainings:outbox_all_message", args=[own.pk])).status_code == 403
    home = client.get(reverse("trainings:dashboard")).content.decode()
    assert f'href="{all_url()}"' not in home


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "lead_facilitator", "facilitator",
                                  "other_facilitator"])
def test_navbar_links_to_the_outbox_for_staff_and_facilitators(client, world, role):
    login(client, world, role)
    home = client.get(reverse("trainings:dashboard")).content.decode()
    assert ("Outbox", all_url()) in links(home)


@pytest.mark.django_db
def test_old_reminder_log_link_goes_to_the_outbox(client, world):
    login(client, world, "lead_facilitator")
    response = client.get("/reminders/?state=failed")
    assert response.status_code == 301
    assert response["Location"] == f"{all_url()}?state=failed"


# --- the API ------------------------------------------------------------------------------


def api_url(training):
    return f"/api/v1/trainings/{training.pk}/messages"


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(OUTBOX_ROLES))
def test_api_messages_for_facilitators_and_staff(client, world, role):
    login(client, world, role)
    failed = add_message(world.training, state=S.FAILED, attempts=5, last_error="550 no",
                         send_at=timezone.now() - datetime.timedelta(days=400))
    response = client.get(api_url(world.training))
    assert response.status_code == 200, response.content
    rows = response.json()
    expected = Message.objects.filter(training=world.training)
    assert [r["id"] for r in rows] == list(expected.order_by("send_at", "pk")
                                           .values_list("pk", flat=True))
    for row in rows:
        assert set(row) == {"id", "kind", "address", "recipient", "send_at", "state",
                            "attempts", "last_error"}
        datetime.datetime.fromisoformat(row["send_at"])
    assert rows[0] == {"id": failed.pk, "kind": "invitation", "address": failed.address,
                       "recipient": None, "send_at": rows[0]["send_at"], "state": "failed",
                       "attempts": 5, "last_error": "550 no"}
    deadline = next(r for r in rows if r["kind"] == "nomination_deadline")
    assert deadline["recipient"] == str(world.users["rco_admin"])
    assert deadline["address"] == world.users["rco_admin"].email
    assert deadline["state"] == "scheduled"


@pytest.mark.django_db
def test_api_messages_are_paged(client, world):
    login(client, world, "lead_facilitator")
    for i in range(230):
        add_message(world.training, send_at=timezone.now() + datetime.timedelta(
            days=1000, minutes=i))
    ids = list(Message.objects.filter(training=world.training).order_by("send_at", "pk")
               .values_list("pk", flat=True))
    url = api_url(world.training)
    assert [r["id"] for r in client.get(url).json()] == ids[:50]
    assert [r["id"] for r in client.get(url, {"limit": 10, "offset": 5}).json()] == ids[5:15]
    assert len(client.get(url, {"limit": 1000}).json()) == 200
    assert [r["id"] for r in client.get(url, {"limit": 200, "offset": 200}).json()] == \
        ids[200:400]
    assert client.get(url, {"offset": 10_000}).json() == []


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [
    *((role, 403) for role in REFUSED_ROLES), *((role, 404) for role in OUTSIDERS)])
def test_api_messages_refused(client, world, role, status):
    login(client, world, role)
    response = client.get(api_url(world.training))
    assert response.status_code == status
    assert b"invitee@example.org" not in response.content


@pytest.mark.django_db
def test_api_messages_anonymous_and_missing(client, world):
    assert client.get(api_url(world.training)).status_code == 401
    login(client, world, "staff")
    assert client.get(f"/api/v1/trainings/{world.training.pk + 10_000}/messages"
                      ).status_code == 404


@pytest.mark.django_db
def test_an_invitations_one_time_link_is_never_shown_in_the_outbox(client, world):
    token = "Abc123-_" * 5
    link = f"https://training.example.org/invitations/{token}/"
    message = add_message(world.training, kind="invitation", state=S.SENT,
                          text=f"Accept here:\n{link}\n", html=f'<a href="{link}">Accept</a>')
    login(client, world, "facilitator")
    for url in (message_url(message), message_url(message) + "html/"):
        page = client.get(url).content.decode()
        assert token not in page
    assert "one-time link hidden" in client.get(message_url(message)).content.decode()
