from django import template

from curriculum.selectors import source_titles

register = template.Library()


@register.filter
def duration(minutes):
    """180 -> '3h', 135 -> '2h 15m', 45 -> '45m'."""
    if minutes in (None, ""):
        return "–"
    minutes = int(minutes)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours}h {rest:02d}m"
    return f"{hours}h" if hours else f"{rest}m"


@register.simple_tag(takes_context=True)
def source_title(context, file):
    """The title of the seed document stored as `file` (fixture metadata `sources:`), or the
    file name when no title is known. One query per page, however many citations it shows."""
    titles = getattr(context, "_source_titles", None)
    if titles is None:
        titles = source_titles()
        context._source_titles = titles
    return titles.get(file, file or "")
