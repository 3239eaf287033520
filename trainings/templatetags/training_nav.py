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


@register.simple_tag(takes_context=True)
def may_see_outbox(context):
    """Whether the navbar shows "Outbox": the `trainings.view_outbox_all` rule (staff, or a
    facilitator of some training; one query, cached on the user for the request)."""
    user = context.get("user")
    return bool(user is not None and user.is_authenticated
                and user.has_perm("trainings.view_outbox_all"))
