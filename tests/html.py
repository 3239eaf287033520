"""Reading a page as a person would: its visible text and its links, whatever the markup."""

import re
from html.parser import HTMLParser


class _Reader(HTMLParser):
    SKIP = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words, self.links, self._href, self._link_words, self._skipping = [], [], None, [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        elif tag == "a":
            self._href, self._link_words = dict(attrs).get("href"), []

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skipping -= 1
        elif tag == "a" and self._href is not None:
            self.links.append((" ".join(" ".join(self._link_words).split()), self._href))
            self._href = None

    def handle_data(self, data):
        if not self._skipping:
            self.words.append(data)
            if self._href is not None:
                self._link_words.append(data)


def _read(html):
    reader = _Reader()
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    return reader


def text_of(html):
    """The page's text, whitespace collapsed."""
    return " ".join(" ".join(_read(html).words).split())


def links(html):
    """[(text, href)] of every link."""
    return _read(html).links


def page_without_tokens(response):
    """A response's HTML without its per-request CSRF tokens (a form on every page carries one),
    to assert that two answers are the same page."""
    html = re.sub(rb'(name="csrfmiddlewaretoken" value=")[^"]*', rb"\1", response.content)
    return re.sub(rb'("X-CSRFToken": ")[^"]*', rb"\1", html)
