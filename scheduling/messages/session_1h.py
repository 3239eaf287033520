import datetime

from notifications.kinds import register

from .session_24h import Session24h


@register
class Session1h(Session24h):
    """The team and confirmed participants, 1 hour before each online or offline element."""

    name = "session_1h"
    label = "Session starting in 1 hour"
    template = "scheduling/email/reminder_session_1h"
    before = datetime.timedelta(hours=1)
