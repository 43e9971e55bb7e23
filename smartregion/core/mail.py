"""Queue e-mails for the task worker once the surrounding transaction has committed."""

from functools import partial

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from .tasks import email_send


def email_enqueue(message: EmailMessage) -> None:
    """Send a rendered message from a background task after commit (never from a rolled-back request)."""
    html = None
    if isinstance(message, EmailMultiAlternatives):
        html = next((str(content) for content, mime in message.alternatives if mime == "text/html"), None)
    transaction.on_commit(
        partial(
            email_send.enqueue,
            subject=str(message.subject),
            body=str(message.body),
            to=list(message.to),
            html=html,
            reply_to=list(message.reply_to) or None,
            headers=dict(message.extra_headers) or None,
        )
    )
