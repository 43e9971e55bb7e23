"""allauth integration: account mails are rendered in the request and sent by the task worker."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from smartregion.core.mail import email_enqueue


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's mails (verification, password reset) through the task queue."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # The same context allauth's own send_mail adds: its mail templates greet with the site's name
        # and quote the address; without these keys they read "Hallo von !" and leave the address out.
        request = allauth_context.request
        mail_context = {"request": request, "email": email, "current_site": get_current_site(request)}
        mail_context.update(context)
        email_enqueue(self.render_mail(template_prefix, email, mail_context))
