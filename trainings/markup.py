"""Text that facilitators write for others to read (announcements, the personal message of an
invitation): Markdown, with any HTML taken out when it is saved (`plain`) and the rendering
sanitised with nh3 when it is shown (`to_html`), on pages and in emails alike.

(`notes.rendering` does the same for rapporteurs' notes; `notes` sits above `trainings`, so
this app keeps its own, with the tags an email can show.)"""

import html

import markdown
import nh3
from django.utils.safestring import mark_safe

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "blockquote", "code", "pre",
        "a", "hr", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}}
SCHEMES = {"http", "https", "mailto"}


def plain(text):
    """`text` without any HTML tag (a <script> goes with its content), as plain text: what is
    stored, and the text part of an email. Repeated until nothing changes, so an escaped tag
    (&lt;script&gt;) does not come back as a tag once unescaped."""
    text = (text or "").replace("\r\n", "\n")
    for _ in range(5):
        cleaned = html.unescape(nh3.clean(text, tags=set()))
        if cleaned == text:
            break
        text = cleaned
    return text.strip()


def one_line(text):
    """A subject: plain text on one line."""
    return " ".join(plain(text).split())


def to_html(text):
    """Markdown rendered to HTML and sanitised by nh3 (the allowed tags above, links with
    http, https or mailto only)."""
    rendered = markdown.markdown(text or "", extensions=["sane_lists", "tables"],
                                 output_format="html")
    clean = nh3.clean(rendered, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
                      link_rel="noopener noreferrer nofollow")
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
