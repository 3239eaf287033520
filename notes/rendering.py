"""Markdown written by rapporteurs, rendered and then sanitised with nh3 before display."""

import markdown
import nh3
from django.utils.safestring import mark_safe

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "blockquote", "code", "pre",
        "a", "hr", "table", "thead", "tbody", "tr", "th", "td"}


def to_html(text):
    html = markdown.markdown(text or "", extensions=["sane_lists", "tables"],
                             output_format="html")
    clean = nh3.clean(html, tags=TAGS, attributes={"a": {"href", "title"}},
                      url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def sanitise_html(html):
    return nh3.clean(html or "", tags=TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")
