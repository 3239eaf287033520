"""Long lists of a training page through them (issue 16): the audit log (no longer capped at
500) and the outbox, 50 rows a page, "Page 2 of 5" with page links that keep the filters,
filters whose unknown values are named next to the field, and a constant number of queries.
The outbox's own filters and paging are in test_views_outbox.py; this adds the page links."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Message, MessageLog
from tests.factories import UserFactory
from tests.html import links, text_of
from tests.querycount import count_queries
from trainings.models import AuditEntry

pytestmark = pytest.mark.django_db


def audit_url(training):
    return reverse("trainings:audit", args=[training.pk])


def add_entries(training, count, *, actor=None, action="training updated", start=0):
    """`count` entries, the later the number the newer, in one INSERT."""
    base = timezone.now() - datetime.timedelta(days=30)
    entries = AuditEntry.objects.bulk_create([
        AuditEntry(training=training, actor=actor, action=action, object_type="training",
                   object_id=training.pk, object_repr=f"Entry {n}",
                   changes={"city": [f"City {n}", f"City {n + 1}"]})
        for n in range(start, start + count)])
    # auto_now_add ignores given values: order them by hand.
    for n, entry in enumerate(entries, start=start):
        AuditEntry.objects.filter(pk=entry.pk).update(
            created_at=base + datetime.timedelta(minutes=n))
    return entries


def rows(html):
    return re.findall(r'<tr id="entry-\d+">', html)


def page_links(html):
    """{link text: href} of the pager."""
    nav = re.search(r'<nav aria-label="Pages of [^"]*">(.*?)</nav>', html, re.S)
    assert nav, "no pager on the page"
    return dict(links(nav[1]))


def test_audit_log_pages_through_every_entry(client, training, lead):
    add_entries(training, 520)  # more than the old cap of 500
    client.force_login(lead)
    first = client.get(audit_url(training)).content.decode()
    assert "520 entries, newest first" in text_of(first)
    assert len(rows(first)) == 50
    assert "Page 1 of 11" in text_of(first)
    assert "Showing 1–50 of 520." in text_of(first)
    assert "Entry 519" in first and "Entry 469" not in first
    pager = page_links(first)
    assert pager["Next page"] == "?page=2"
    assert pager["Page 2"] == "?page=2" and pager["Page 11"] == "?page=11"
    assert "Previous page" not in pager
    # The oldest entries, beyond the old cap, are on the last page.
    last = client.get(audit_url(training), {"page": 11}).content.decode()
    assert "Page 11 of 11" in text_of(last)
    assert len(rows(last)) == 20
    assert "training updated: Entry 0 " in text_of(last)
    assert "City: City 0 → City 1" in text_of(last)
    assert "Next page" not in page_links(last)
    # Out of range: the last page; not a number: the first; never an error.
    assert "Page 11 of 11" in text_of(client.get(audit_url(training), {"page": 99}).content)
    assert "Page 1 of 11" in text_of(client.get(audit_url(training), {"page": "x"}).content)


def test_audit_log_filters_by_what_and_who_and_keeps_them_in_the_links(client, training, lead):
    someone = UserFactory(full_name="Sam Someone")
    add_entries(training, 60, actor=lead, action="member removed")
    add_entries(training, 5, actor=someone, action="member removed", start=60)
    add_entries(training, 7, actor=None, action="training updated", start=65)
    client.force_login(lead)
    page = client.get(audit_url(training)).content.decode()
    assert '<option value="member removed">Member removed</option>' in page
    assert f'<option value="user-{lead.pk}">Lena Lead</option>' in page
    assert '<option value="system">The platform (no person)</option>' in page

    removed = client.get(audit_url(training), {"action": "member removed"}).content.decode()
    assert "65 entries" in text_of(removed)
    assert page_links(removed)["Next page"] == "?action=member+removed&page=2"
    mine = client.get(audit_url(training), {"action": "member removed",
                                            "who": f"user-{lead.pk}", "page": 2})
    html = mine.content.decode()
    assert "60 entries" in text_of(html) and "Page 2 of 2" in text_of(html)
    assert len(rows(html)) == 10
    assert page_links(html)["Previous page"] == f"?action=member+removed&who=user-{lead.pk}&page=1"
    system = client.get(audit_url(training), {"who": "system"}).content.decode()
    assert "7 entries" in text_of(system) and "Sam Someone" not in text_of(
        re.search(r"<tbody>.*</tbody>", system, re.S)[0])


def test_audit_log_unknown_filter_values_are_named_and_filter_nothing(client, training, lead):
    add_entries(training, 3, actor=lead)
    client.force_login(lead)
    response = client.get(audit_url(training), {"action": "dropped tables", "who": "user-x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'id="id_action"[^>]*aria-invalid="true" aria-describedby="id_action-errors"',
                     html)
    assert 'id="id_action-errors">Choose what happened from the list.</div>' in html
    assert 'id="id_who-errors">Choose who from the list.</div>' in html
    assert "3 entries" in text_of(html)


def test_audit_log_of_another_training_stays_out(client, training, lead, make_training):
    other = make_training(title="Other training")
    add_entries(other, 3, action="secret thing")
    add_entries(training, 2)
    client.force_login(lead)
    html = client.get(audit_url(training)).content.decode()
    assert "2 entries" in text_of(html) and "secret thing" not in html.lower()
    assert client.get(audit_url(training), {"action": "secret thing"}).status_code == 200
    assert client.get(audit_url(other)).status_code == 404


def test_audit_log_queries_do_not_grow_with_the_entries(client, training, lead):
    client.force_login(lead)
    add_entries(training, 5, actor=UserFactory())
    few = count_queries(client, audit_url(training))
    for n in range(20):  # 20 more people, 80 more entries: a full page and more
        add_entries(training, 4, actor=UserFactory(), start=10 + 4 * n)
    many = count_queries(client, audit_url(training))
    assert many == few
    assert count_queries(client, f"{audit_url(training)}?page=2") == few


def add_messages(training, count):
    now = timezone.now()
    for n in range(count):
        message = Message.objects.create(
            kind="invitation", key=f"paging:{n}", training=training,
            address=f"person{n}@example.org", send_at=now + datetime.timedelta(minutes=n),
            state=Message.State.FAILED, subject=f"Message {n}", text="x", html="<p>x</p>")
        MessageLog.objects.create(message=message, before="", after="scheduled", why="queued")


def test_outbox_has_page_links_that_keep_the_filters(client, training, lead):
    add_messages(training, 260)
    client.force_login(lead)
    url = reverse("trainings:outbox", args=[training.pk])
    html = client.get(url, {"state": "failed", "page": 3}).content.decode()
    assert "Page 3 of 6" in text_of(html)
    assert "Showing 101–150 of 260." in text_of(html)
    pager = page_links(html)
    assert pager["Page 1"] == "?state=failed&page=1"
    assert pager["Page 6"] == "?state=failed&page=6"
    assert pager["Previous page"] == "?state=failed&page=2"
    assert pager["Next page"] == "?state=failed&page=4"


def test_outbox_unknown_filter_values_are_named_next_to_the_field(client, training, lead):
    add_messages(training, 3)
    client.force_login(lead)
    url = reverse("trainings:outbox", args=[training.pk])
    html = client.get(url, {"kind": "spam", "state": "lost"}).content.decode()
    assert 'id="f-kind-errors">Choose a kind from the list.</div>' in html
    assert 'id="f-state-errors">Choose a state from the list.</div>' in html
    assert re.search(r'id="f-kind"[^>]*aria-invalid="true"', html)
    assert "3 messages" in text_of(html)
