"""Background tasks shared by every app."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def email_send(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str | None = None,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Send one already-rendered e-mail; rendering happens in the request, sending in a worker."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, reply_to=reply_to, headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
