"""Every mail the site sends, in one layout: the region's name in the subject, a plain-text part and the
same text as HTML; queued for the task worker once the surrounding transaction has committed."""

from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from smartregion.network.selectors import region_get

from .tasks import email_send


def compose(
    *,
    subject: str,
    text: str,
    to: list[str],
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """A mail in the region's layout: "[Landkreis …] subject", the text with the region's signature as
    plain text, and the same in the branded HTML layout (links made clickable, nothing else added)."""
    region = region_get()
    name = region.name if region else "SmartRegion"
    context = {"region": region, "text": text.strip(), "site_url": settings.SITE_URL, "subject": subject}
    message = EmailMultiAlternatives(
        subject=f"[{name}] {' '.join(subject.split())}",
        body=render_to_string("email/layout.txt", context),
        to=to,
        reply_to=reply_to,
        headers=headers,
    )
    message.attach_alternative(render_to_string("email/layout.html", context), "text/html")
    return message


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
