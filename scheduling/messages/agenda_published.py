from notifications.kinds import Kind, register


@register
class AgendaPublished(Kind):
    """Everyone concerned, when the agenda is published, with their personal .ics."""

    name = "agenda_published"
    label = "Agenda published"
    template = "scheduling/email/agenda_published"
