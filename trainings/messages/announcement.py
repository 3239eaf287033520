from notifications.kinds import Kind, register


@register
class Announcement(Kind):
    """An announcement a facilitator wrote to the participants and/or the team: queued by
    `trainings.services.announcements.send`, one per recipient, rendered when queued (the
    author's words as sent; the time in the recipient's zone). Not mutable: it is the
    facilitators' one channel to the room (docs/announcements.md)."""

    name = "announcement"
    label = "Announcement from the facilitators"
    template = "trainings/email/announcement"

    def unwanted(self, message):
        """An announcement deleted (with its training) before its email went is not sent."""
        from trainings.models import Announcement as AnnouncementRow

        pk = message.context.get("announcement")
        if pk is not None and not AnnouncementRow.objects.filter(pk=pk).exists():
            return "announcement deleted"
        return None
