from django import template

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
