"""allauth integration: account mails are rendered in the request, in the site's layout, and sent by the
task worker."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from smartregion.core.http import client_ip
from smartregion.core.mail import compose, email_enqueue
from smartregion.network.selectors import region_get


def _on_site(request: HttpRequest | None, context: dict[str, Any]) -> dict[str, Any]:
    """The mail's links at SITE_URL: allauth builds them from the request's host, which behind a proxy or
    on another port is not the address people reach the site at."""
    if request is None:
        return context
    origin = request.build_absolute_uri("/")[:-1]
    return {
        key: settings.SITE_URL + value[len(origin) :]
        if isinstance(value, str) and value.startswith(origin + "/")
        else value
        for key, value in context.items()
    }


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
        mail_context.update(_on_site(request, context))
        rendered = self.render_mail(template_prefix, email, mail_context)
        email_enqueue(compose(subject=str(rendered.subject), text=str(rendered.body), to=list(rendered.to)))

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's limits (failed logins, password resets) count per client like all others, not per
        # proxy: behind nginx, REMOTE_ADDR is the proxy for everybody.
        return client_ip(request)
