from notifications.kinds import register

from .thank_you import AfterTraining


@register
class ActionPlan30(AfterTraining):
    """Confirmed participants, 30 days after the training: how is the action plan going?"""

    name = "action_plan_30"
    label = "Action-plan follow-up (+30 days)"
    template = "scheduling/email/reminder_action_plan_30"
    mutable = True
    days_after = 30
    subject = "action-plan-30"
