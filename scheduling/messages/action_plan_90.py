from notifications.kinds import register

from .thank_you import AfterTraining


@register
class ActionPlan90(AfterTraining):
    """Confirmed participants, 90 days after the training: the action plan's follow-up."""

    name = "action_plan_90"
    label = "Action-plan follow-up (+90 days)"
    template = "scheduling/email/reminder_action_plan_90"
    mutable = True
    days_after = 90
    subject = "action-plan-90"
