"""The rotating codes of QR self check-in (docs/run-mode.md, "Self check-in"), without any
database access: the server (runsheet/checkin.py) and the run-sheet snapshot use them, and
static/js/checkin.js computes the same codes on the tablet (tests/runsheet/test_checkin.py
compares the two)."""

import hashlib
import hmac

from django.urls import reverse
from django.utils.crypto import salted_hmac

from notifications.rendering import absolute_url

CODE_LENGTH = 10                 # hex digits: 40 bits


def slot_secret(slot_uid):
    """The secret a tablet derives a slot's codes from (hex)."""
    return salted_hmac("runsheet.checkin.slot", str(slot_uid), algorithm="sha256").hexdigest()


def code_for(secret, window):
    return hmac.new(secret.encode(), str(window).encode(), hashlib.sha256).hexdigest()[
        :CODE_LENGTH]


def window_of(instant):
    """The minute a code belongs to: whole minutes since 1970 (UTC)."""
    return int(instant.timestamp()) // 60


def checkin_base_url():
    """The start of every check-in link (SITE_URL); the tablet adds `<slot>/<minute>/<code>/`."""
    placeholder = "00000000-0000-0000-0000-000000000000"
    path = reverse("runsheet:checkin", args=[placeholder, 0, "x"])
    return absolute_url(path[:path.index(placeholder)])


def checkin_url(slot_uid, window):
    return absolute_url(reverse("runsheet:checkin", args=[
        slot_uid, window, code_for(slot_secret(slot_uid), window)]))
