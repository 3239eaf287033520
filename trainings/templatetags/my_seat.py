"""The "My seat" box of a training's overview: `{% my_seat training %}` shows the signed-in
user's own nomination (its state in words, the waiting-list position, the offer's deadline),
a Withdraw button when the rules allow it, and links to their agenda, documents and surveys
(each shown only when its app's rule allows it). Nothing for someone without a
nomination."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("trainings/_my_seat.html", takes_context=True)
def my_seat(context, training):
    request = context["request"]
    return {"request": request, "user": request.user, "training": training,
            "seat": selectors.my_seat(request.user, training)}
