from django import template
from django.urls import reverse

from ..navigation import tabs

register = template.Library()


@register.inclusion_tag("trainings/_tabs.html", takes_context=True)
def training_tabs(context, training):
    request = context["request"]
    match = request.resolver_match
    here = f"{match.namespace}:{match.url_name}" if match else ""
    items = []
    for tab in tabs():
        if not request.user.has_perm(tab.perm, training):
            continue
        active = any(here == name or (name.endswith(":") and here.startswith(name))
                     for name in tab.active_for)
        items.append({"label": tab.label, "url": reverse(tab.url_name, args=[training.pk]),
                      "active": active})
    return {"items": items}
