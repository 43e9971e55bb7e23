"""allauth integration: account mails are rendered in the request, in the site's layout, and sent by the
task worker."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from smartregion.core.mail import compose, email_enqueue
from smartregion.network.selectors import region_get


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's mails (verification, password reset, security notices) through the task queue."""

    def format_email_subject(self, subject: str) -> str:
        # core.mail.compose puts the region's name in front of every subject.
        return subject

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # The context allauth's own send_mail adds, and the region our mail templates (templates/account/
        # email/) greet and sign with instead of the host name.
        request = allauth_context.request
        mail_context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "region": region_get(),
        }
        mail_context.update(context)
        rendered = self.render_mail(template_prefix, email, mail_context)
        email_enqueue(compose(subject=str(rendered.subject), text=str(rendered.body), to=list(rendered.to)))
