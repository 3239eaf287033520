"""The post-training thank-you, with a short outcome summary and a link to the outcome page.

The kind lives here, above `scheduling`, because the outcome report is built in `notes`;
when it goes is the rule of the messages that follow a completed training
(scheduling.messages.thank_you.AfterTraining)."""

from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator

from notifications.kinds import register
from scheduling.messages.thank_you import AfterTraining

from .models import OutcomeReport

SUMMARY_WORDS = 80


def short_summary(training):
    """(html, text) of the outcome summary cut to SUMMARY_WORDS words, or ("", "")."""
    report = OutcomeReport.objects.filter(training=training).first()
    if report is None or not strip_tags(report.summary).strip():
        return "", ""
    # sanitised when saved (services.save_outcome_summary); the cut keeps tags balanced
    html = Truncator(report.summary).words(SUMMARY_WORDS, html=True, truncate=" …")
    text = Truncator(" ".join(strip_tags(report.summary).split())).words(
        SUMMARY_WORDS, truncate=" …")
    return html, text


@register
class ThankYou(AfterTraining):
    """Confirmed participants, the morning after the last day once the training is
    completed (soon after, if it is completed later)."""

    name = "thank_you"
    label = "Post-training thank-you"
    template = "notes/email/thank_you"
    subject = "thank-you"

    def context(self, message):
        context = super().context(message)
        html, text = short_summary(message.training)
        context.update(summary_html=html, summary_text=text,
                       outcome_path=reverse("notes:outcome", args=[message.training_id]))
        return context
