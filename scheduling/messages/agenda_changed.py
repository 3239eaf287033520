from notifications.kinds import Kind, register

from ..services.publishing import agenda_url, personal_ics


@register
class AgendaChanged(Kind):
    """Everyone concerned, 10 minutes after the last change to a published agenda, with the
    updated .ics (one email for a burst of edits), rendered when sent."""

    name = "agenda_changed"
    label = "Agenda changed"
    template = "scheduling/email/agenda_changed"
    render_at_send = True

    def unwanted(self, message):
        if message.training.is_cancelled:
            return "training cancelled"
        return None

    def context(self, message):
        return {"training": message.training, "user": message.recipient,
                "url": agenda_url(message.training)}

    def calendar(self, message, context):
        return personal_ics(context["user"], context["training"])
