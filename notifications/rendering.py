"""A message's content: subject and text from `<template>.txt` (first line the subject), HTML
from `<template>.html` with its CSS inlined (css-inline), attachments as given.

Emails carry no remote images or styles: mail clients block them and tablets are offline.
"""

import hashlib
from urllib.parse import urlparse

import css_inline
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)


def site_url():
    """The site's address (settings.SITE_URL) without a trailing slash."""
    return settings.SITE_URL.rstrip("/")


def absolute_url(path):
    """The absolute URL of a path of this site ("/trainings/1/" -> "https://host/trainings/1/"):
    the one place every link leaving the site (emails, QR codes, calendar feeds, the API's
    messages) is built, so they all follow SITE_URL."""
    return site_url() + "/" + path.lstrip("/")


def render(template, context):
    """(subject, text, html) of a template pair with `context` (plus SITE_URL)."""
    context = {"SITE_URL": site_url(), **context}
    text = render_to_string(f"{template}.txt", context)
    subject, _, body = text.strip().partition("\n")
    subject = (settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject.strip())[:300]
    body = body.strip() + "\n"
    try:
        inner = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        inner = render_to_string("notifications/email/text_body.html", {"body": body})
    html = render_to_string("notifications/email/base.html",
                            {**context, "subject": subject, "content": inner})
    return subject, body, _INLINER.inline(html)


def message_id(key):
    """A stable Message-ID derived from the message's unique key: a retried send of the same
    message carries the same id, so mail systems can recognise the duplicate."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    domain = urlparse(site_url()).hostname or "localhost"
    return f"<{digest}@{domain}>"
