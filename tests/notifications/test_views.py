"""Notification settings over HTTP: every kind listed, only the kinds that allow muting can
be turned off, saving goes through the notifications service, and a muted kind is not sent."""

import datetime
import html as htmllib
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications import kinds, services
from notifications.delivery import deliver_due
from notifications.models import Message, Preference
from tests.factories import UserFactory
from tests.html import links

pytestmark = pytest.mark.django_db
URL = "/notifications/settings/"
ALWAYS_SENT = ("Some emails are always sent: they concern deadlines, seats, notes or the "
               "training itself.")


def checkbox(html, name):
    match = re.search(rf'<input[^>]*id="kind-{name}"[^>]*>', html)
    assert match, f"no checkbox for {name}"
    return match[0]


def label(html, name):
    match = re.search(rf'<label[^>]*for="kind-{name}">(.*?)</label>', html, re.S)
    assert match, f"no label for {name}"
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", match[1])).split())


@pytest.fixture
def person(client):
    user = UserFactory(full_name="Pat Person")
    client.force_login(user)
    return user


def test_the_url_and_the_user_menu_link(client, person):
    assert reverse("notifications:settings") == URL
    page = client.get(reverse("trainings:dashboard")).content.decode()
    assert ("Notification settings", URL) in links(page)


def test_every_kind_is_listed_and_only_mutable_ones_can_be_turned_off(client, person):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    shown = [k for k in kinds.all_kinds() if k.name != "legacy"]
    mutable = {k.name for k in kinds.mutable_kinds()}
    assert {"session_24h", "checklist_digest"} <= mutable
    assert {"nomination_deadline", "invitation", "notes_due", "training_cancelled"}.isdisjoint(
        mutable)
    for kind in shown:
        box, text = checkbox(html, kind.name), label(html, kind.name)
        assert kind.label in text
        assert " checked" in box  # nothing muted yet
        if kind.name in mutable:
            assert "disabled" not in box and "(always sent)" not in text
        else:
            assert "disabled" in box and text.endswith("(always sent)")
            assert 'aria-describedby="always-sent-reason"' in box
    assert f'id="always-sent-reason">{ALWAYS_SENT}<' in htmllib.unescape(html)
    assert 'id="kind-legacy"' not in html


def test_saving_mutes_the_unticked_mutable_kinds(client, person):
    mutable = sorted(k.name for k in kinds.mutable_kinds())
    keep = ["session_24h"]
    response = client.post(URL, {"receive": [*keep, "nomination_deadline", "bogus"]})
    assert response.status_code == 302 and response["Location"] == URL
    assert services.muted_kinds(person) == set(mutable) - set(keep)

    html = client.get(URL).content.decode()
    assert "Your notification settings are saved." in html
    assert " checked" in checkbox(html, "session_24h")
    assert " checked" not in checkbox(html, "checklist_digest")
    # kinds that are always sent stay ticked whatever was posted
    assert " checked" in checkbox(html, "nomination_deadline")
    assert " checked" in checkbox(html, "invitation")

    # ticking everything again unmutes; unticking everything mutes every mutable kind only
    client.post(URL, {"receive": mutable})
    assert Preference.objects.get(user=person).muted_kinds == []
    client.post(URL, {})
    assert Preference.objects.get(user=person).muted_kinds == mutable


def test_settings_are_per_person(client, person):
    other = UserFactory()
    services.set_muted(user=other, kind_names=["checklist_digest"])
    html = client.get(URL).content.decode()
    assert " checked" in checkbox(html, "checklist_digest")
    client.post(URL, {"receive": []})
    assert Preference.objects.get(user=other).muted_kinds == ["checklist_digest"]


def test_a_muted_kind_is_not_sent(client, person, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post(URL, {"receive": []})  # mutes every mutable kind
    now = timezone.now()
    muted = Message.objects.create(kind="checklist_digest", key="t:digest", recipient=person,
                                   address=person.email, send_at=now - datetime.timedelta(
                                       minutes=1), context={"items": []})
    always = Message.objects.create(kind="invitation", key="t:invitation", recipient=person,
                                    address=person.email, send_at=now, subject="[UNCT] Hi",
                                    text="Hello\n", html="<p>Hello</p>")
    deliver_due()
    muted.refresh_from_db()
    always.refresh_from_db()
    assert (muted.state, muted.log.last().why) == ("cancelled", "muted by the recipient")
    assert always.state == "sent"
    assert [m.subject for m in mail.outbox] == ["[UNCT] Hi"]


def test_anonymous_is_sent_to_login(client):
    for response in (client.get(URL), client.post(URL, {"receive": []})):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert not Preference.objects.exists()


def test_the_old_settings_link_goes_to_the_new_page(client, person):
    response = client.get("/reminders/settings/")
    assert response.status_code == 301
    assert response["Location"] == URL
