from django.shortcuts import render

from . import selectors


def session_detail(request, slug, key):
    session = selectors.session_page(slug, key)
    items = sorted(session.agenda_items.all(),
                   key=lambda item: (item.element.module.number, item.element.phase != "online",
                                     item.position))
    return render(request, "activities/session_detail.html", {
        "session": session,
        "curriculum": session.curriculum,
        "items": items,
        "activities": session.activities.all(),
    })


def activity_detail(request, slug, number):
    activity = selectors.activity_page(slug, number)
    return render(request, "activities/activity_detail.html", {
        "activity": activity,
        "curriculum": activity.curriculum,
        "parts": activity.parts.all(),
    })
