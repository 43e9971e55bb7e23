"""Writes triggered from the public pages."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from smartregion.core.mail import compose, email_enqueue

from .models import AccessibilityFeedback


@transaction.atomic
def accessibility_feedback_submit(
    *, message: str, page_url: str, name: str, email: str
) -> AccessibilityFeedback:
    """Store a barrier report and forward it to the program office by e-mail."""
    feedback = AccessibilityFeedback.objects.create(
        message=message.strip(), page_url=page_url.strip(), name=name.strip(), email=email.strip()
    )
    email_enqueue(
        compose(
            subject=_("Accessibility feedback #%(id)s") % {"id": feedback.pk},
            text=render_to_string("web/email/accessibility_feedback.txt", {"feedback": feedback}),
            to=[settings.PROGRAM_OFFICE_EMAIL],
            reply_to=[feedback.email] if feedback.email else None,
        )
    )
    return feedback
