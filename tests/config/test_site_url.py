"""Links that work: every absolute link (emails, certificate QR codes, calendar feeds) is
built by `notifications.rendering.absolute_url` from SITE_URL; `make run`
(scripts/devserver.py) sets SITE_URL from the address it serves on; production refuses to
start without a valid one."""

import importlib.util
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from icalendar import Calendar

from scheduling.services import publishing
from tests.builders import training_with_agenda
from tests.factories import UserFactory
from trainings.models import Membership, Role

_spec = importlib.util.spec_from_file_location(
    "devserver_under_test", settings.BASE_DIR / "scripts" / "devserver.py")
devserver = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(devserver)

# What a process started by the dev server builds, printed as JSON: an email's links, the
# certificate's QR code target, the agenda link of the agenda emails, a training's link, and
# the hosts Django answers.
LINKS = """
import datetime, json
from django.conf import settings
from documents.rendering import verification_url
from notifications.rendering import absolute_url, render
from scheduling.services.publishing import agenda_url
from trainings.models import Training
from trainings.services.notify import training_url
training = Training(pk=7, title="Kenya", city="Nairobi", capacity=18,
                    start_date=datetime.date(2027, 3, 1), end_date=datetime.date(2027, 3, 4))
subject, text, html = render("scheduling/email/reminder_nomination_deadline",
                             {"training": training, "user": None})
print(json.dumps({"text": text, "html": html, "qr": verification_url("ABC123"),
                  "agenda": agenda_url(training), "training": training_url(training),
                  "path": absolute_url("/x/"), "hosts": settings.ALLOWED_HOSTS}))
"""


def _links_in_a_process_of(environ):
    env = {k: v for k, v in devserver.child_env(environ).items()
           if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "shell", "-c", LINKS], cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _environ(**extra):
    base = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "RUN_ADDR")}
    return {**base, **extra}


@pytest.mark.parametrize(("addr", "expected"), [
    ("127.0.0.1:8765", "http://127.0.0.1:8765"),
    ("8001", "http://127.0.0.1:8001"),
    ("localhost:9000", "http://localhost:9000"),
    ("[::1]:8002", "http://[::1]:8002"),
])
def test_the_dev_site_url_follows_the_address_served(addr, expected):
    assert devserver.site_url_for(addr) == expected


def test_a_dev_server_on_every_interface_links_to_this_machine_on_its_port():
    url = devserver.site_url_for("0.0.0.0:8003")
    assert url.startswith("http://") and url.endswith(":8003")
    assert "0.0.0.0" not in url  # noqa: S104 - the address it must not link to


def test_a_given_site_url_wins_over_the_address_served():
    env = devserver.child_env(_environ(RUN_ADDR="127.0.0.1:8765",
                                       SITE_URL="https://training.example.org"))
    assert env["SITE_URL"] == "https://training.example.org"
    assert devserver.child_env(_environ())["SITE_URL"] == "http://127.0.0.1:8000"


def test_emails_qr_codes_and_agenda_links_of_a_dev_server_on_another_port_use_that_port():
    links = _links_in_a_process_of(_environ(RUN_ADDR="127.0.0.1:8765"))
    assert "http://127.0.0.1:8765/trainings/7/nominations/" in links["text"]
    assert 'href="http://127.0.0.1:8765/trainings/7/nominations/"' in links["html"]
    assert 'href="http://127.0.0.1:8765/notifications/settings/"' in links["html"]
    assert links["qr"] == "http://127.0.0.1:8765/verify/ABC123/"
    assert links["agenda"] == "http://127.0.0.1:8765/trainings/7/agenda/"
    assert links["training"] == "http://127.0.0.1:8765/trainings/7/"
    assert links["path"] == "http://127.0.0.1:8765/x/"
    assert "8000" not in links["text"] + links["html"]


def test_a_dev_server_on_every_interface_sends_links_it_answers():
    links = _links_in_a_process_of(_environ(RUN_ADDR="0.0.0.0:8766"))
    host = links["path"].removeprefix("http://").split(":")[0]
    assert links["path"] == f"http://{host}:8766/x/"
    assert host in links["hosts"]           # Django answers the links it sent


@pytest.mark.django_db
def test_the_calendar_feed_links_to_the_agenda_on_the_site_url(client, settings):
    settings.SITE_URL = "http://127.0.0.1:8765"
    training = training_with_agenda()
    lead = UserFactory()
    Membership.objects.create(training=training, user=lead, role=Role.LEAD_FACILITATOR)
    feed = publishing.feed_for(user=lead, training=training)
    response = client.get(f"/calendar/{feed.token}.ics")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    agenda = f"http://127.0.0.1:8765/trainings/{training.pk}/agenda/"
    assert events and all(str(event["URL"]) == agenda for event in events)
    assert all(f"Agenda: {agenda}" in str(event["DESCRIPTION"]) for event in events)


def _check_deploy(**env):
    environ = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DJANGO_CHECK_ONLY")}
    environ.update({"DJANGO_SETTINGS_MODULE": "config.production", "DJANGO_ALLOW_ASYNC_UNSAFE": "",
                    "DJANGO_SECRET_KEY": "k" * 20 + "-production-like-secret-" + "z" * 20,
                    "DJANGO_ALLOWED_HOSTS": "training.example.org", **env})
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=environ, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("value", [None, "", "training.example.org", "ftp://training.example.org",
                                   "https://training.example.org/app"])
def test_production_refuses_a_missing_or_bad_site_url(value):
    result = _check_deploy(**({} if value is None else {"SITE_URL": value}))
    assert result.returncode != 0
    assert "ImproperlyConfigured: SITE_URL must be the address people reach the site at" \
        in result.stderr
    assert "https://training.example.org" in result.stderr    # the example to follow


def test_production_accepts_an_https_site_url():
    result = _check_deploy(SITE_URL="https://training.example.org/")
    assert result.returncode == 0, result.stdout + result.stderr
