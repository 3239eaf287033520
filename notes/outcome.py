"""Sections other apps add to the outcome report (e.g. the evaluation's results summary),
registered in their AppConfig.ready() so notes never imports them."""

_SECTIONS = []


def register_section(title, lines_for):
    """`lines_for(training)` returns a list of plain-text lines (escaped when shown)."""
    _SECTIONS.append((title, lines_for))


def extra_sections(training):
    return [(title, lines) for title, lines_for in _SECTIONS if (lines := lines_for(training))]
