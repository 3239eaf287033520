from django import template
from django.urls import reverse

from ..navigation import grouped, tabs

register = template.Library()


def _is_here(tab, here):
    return any(here == name or (name.endswith(":") and here.startswith(name))
               for name in tab.active_for)


@register.inclusion_tag("trainings/_tabs.html", takes_context=True)
def training_tabs(context, training):
    """The training's tabs the user may open (each tab's perm is the one its view asks), in
    their groups; the group holding the current page says which page it is."""
    request = context["request"]
    match = request.resolver_match
    here = f"{match.namespace}:{match.url_name}" if match else ""
    shown = [tab for tab in tabs() if request.user.has_perm(tab.perm, training)]
    groups = []
    for key, label, members in grouped(shown):
        items = [{"label": tab.label, "url": reverse(tab.url_name, args=[training.pk]),
                  "active": _is_here(tab, here)} for tab in members]
        current = next((item["label"] for item in items if item["active"]), "")
        groups.append({"key": key, "label": label, "items": items, "current": current})
    return {"groups": groups, "training": training}


@register.simple_tag(takes_context=True)
def may_see_outbox(context):
    """Whether the navbar shows "Outbox": the `trainings.view_outbox_all` rule (staff, or a
    facilitator of some training; one query, cached on the user for the request)."""
    user = context.get("user")
    return bool(user is not None and user.is_authenticated
                and user.has_perm("trainings.view_outbox_all"))
