"""The header and footer of every page, rendered once per language, page and rights, not per request.

The header is the same for everybody who reads the same page in the same language with the same rights,
apart from three parts of the request: the CSRF token of its two forms (sign out, language), the address
the language form returns to, and the badge of the person's unread notifications. It is rendered once
per such key and process with a marker for each of them, and the markers are filled in for each request
(about 2 ms of every page's rendering, with some twenty reversed URLs, became a dictionary lookup and
three string replacements; docs/decisions/0013). The key holds everything else the templates read, so a
cached copy can never show one person's parts to another.
"""

from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Private-use characters: no text of a page contains them, and escaping leaves them alone.
CSRF_INPUT = "\ue000csrf\ue000"
NEXT_PATH = "\ue000next\ue000"
BADGE = "\ue000badge\ue000"

# Rights the header asks about: each shows a link when the person holds it.
HEADER_RIGHTS = {
    "may_moderate": "participation.view_moderation_queue",
    "may_assess": "strategy.view_assessment_round",
    "may_administrate": "accounts.access_admin",
}


REGION_FIELDS = ("program_name", "name", "operator")


@lru_cache(maxsize=512)
def _shared(template_name: str, key: tuple[tuple[str, Any], ...]) -> str:
    """The part as everybody with ``key`` sees it, with the markers in place of the request's parts."""
    values = dict(key)
    return render_to_string(
        template_name,
        {
            **values,
            "region": dict(zip(REGION_FIELDS, values["region"], strict=True)),
            "csrf_input": mark_safe(CSRF_INPUT),  # noqa: S308 (a constant)
            "next_path": NEXT_PATH,
            "badge": mark_safe(BADGE),  # noqa: S308 (a constant)
        },
    ).strip()


def _part(context: template.Context, template_name: str, **values: Any) -> SafeString:
    """``template_name`` rendered with ``values`` (its key besides language, region and URL prefix) from
    this process's copy, with the request's parts filled in."""
    request = context.get("request")
    region = context.get("region")
    key = (
        ("language", get_language()),
        ("prefix", get_script_prefix()),
        ("region", tuple(getattr(region, name, "") or "" for name in REGION_FIELDS)),
        *sorted(values.items()),
    )
    # With DEBUG, templates are read afresh on every request; so are these parts.
    html = _shared.__wrapped__(template_name, key) if settings.DEBUG else _shared(template_name, key)
    if CSRF_INPUT in html:
        token = context.get("csrf_token")
        html = html.replace(
            CSRF_INPUT,
            format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
            if token and str(token) != "NOTPROVIDED"
            else "",
        )
    if NEXT_PATH in html:
        html = html.replace(NEXT_PATH, escape(request.get_full_path()) if request is not None else "")
    if BADGE in html:
        count = context.get("unread_notification_count")
        badge = render_to_string("web/_unread_badge.html", {"count": count}) if count else ""
        html = html.replace(BADGE, badge)
    return mark_safe(html)  # noqa: S308 (rendered by templates; the filled-in parts escaped)


@register.simple_tag(takes_context=True)
def page_header(context: template.Context) -> SafeString:
    """The page's header: navigation, the person's account links, the language switch."""
    user = context.get("user")
    match = getattr(context.get("request"), "resolver_match", None)
    if user is None or not user.is_authenticated:
        rights = dict.fromkeys(HEADER_RIGHTS, False)
    else:
        rights = {name: user.has_perm(perm) for name, perm in HEADER_RIGHTS.items()}
    return _part(
        context,
        "web/_header.html",
        view_name=match.view_name if match else None,
        signed_in=user is not None and user.is_authenticated,
        **rights,
    )


@register.simple_tag(takes_context=True)
def page_footer(context: template.Context) -> SafeString:
    """The page's footer: legal pages, open data, the operator."""
    return _part(context, "web/_footer.html")
