"""allauth integration: account mails are rendered in the request and sent by the task worker."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter

from smartregion.core.mail import email_enqueue


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's mails (verification, password reset) through the task queue."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        email_enqueue(self.render_mail(template_prefix, email, context))
