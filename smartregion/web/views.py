"""Public pages: start page, municipalities, network, legal and accessibility pages."""

from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousFileOperation
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils._os import safe_join
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from smartregion.core.images import IMAGE_MEDIA_TYPES
from smartregion.events import selectors as events
from smartregion.events.services import ATTACHMENT_TYPES
from smartregion.network import selectors as network

from . import services
from .forms import AccessibilityFeedbackForm


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The region, its municipalities on a list and a map, and the program's key facts."""
    municipalities = list(network.municipality_list())
    return render(
        request,
        "web/home.html",
        {
            "municipalities": municipalities,
            "geojson": network.municipality_geojson(municipalities),
            "facts": network.key_facts(),
        },
    )


@require_GET
def municipality_geojson(request: HttpRequest) -> JsonResponse:
    """Member municipalities as GeoJSON points (RFC 7946)."""
    return JsonResponse(
        network.municipality_geojson(network.municipality_list()), content_type="application/geo+json"
    )


@require_GET
def network_overview(request: HttpRequest) -> HttpResponse:
    """All partner organizations by kind, and the expert advisory board."""
    return render(
        request,
        "web/network.html",
        {
            "organizations": network.organization_list(),
            "board_members": network.expert_board_members(),
        },
    )


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate="5/h", method="POST", block=True)
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (BITV 2.0) with its feedback form."""
    form = AccessibilityFeedbackForm(request.POST if request.method == "POST" else None)
    # A filled honeypot makes the form invalid: answered like any invalid form, nothing stored.
    if request.method == "POST" and form.is_valid():
        services.accessibility_feedback_submit(
            message=form.cleaned_data["message"],
            page_url=form.cleaned_data["page_url"],
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
        )
        messages.success(request, _("Thank you. Your message has been sent to the program office."))
        return redirect(reverse("web:accessibility") + "#feedback")
    return render(request, "web/accessibility.html", {"form": form}, status=400 if form.errors else 200)


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer for a request over a rate limit (RATELIMIT_VIEW)."""
    return render(request, "web/rate_limited.html", status=429)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Allow public pages, keep crawlers out of accounts and the admin, point to the sitemap."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /konto/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links to: send them to the SVG icon."""
    # Resolved per request, not at import: with the manifest storage of production, static() needs
    # collectstatic's manifest, and URLconf import (migrate, check) must work before collectstatic.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


# What the site stores, by the suffix its checks gave the file (images are re-encoded, attachments checked
# by content), and nothing else: never HTML or SVG, which a browser would run as part of this site.
MEDIA_TYPES = {**IMAGE_MEDIA_TYPES, **{suffix: kind for suffix, (kind, _magic) in ATTACHMENT_TYPES.items()}}
# Attachments of minutes: documents to save rather than show, and only for those who may see the minutes.
# nginx passes this folder on to the app instead of serving it (deploy/nginx/smartregion.conf).
MINUTES_FOLDER = "events/minutes/"


@require_safe
def media(request: HttpRequest, path: str) -> FileResponse:
    """An uploaded file, in the embedded mode; in production nginx serves /media/ with the same headers
    (deploy/nginx.conf), except the attachments of minutes, which always come from here because they need
    a permission check. The type comes from the checked suffix, nosniff keeps browsers from guessing."""
    content_type = MEDIA_TYPES.get(PurePosixPath(path).suffix.lower())
    try:
        file = Path(safe_join(settings.MEDIA_ROOT, path))
    except SuspiciousFileOperation as error:
        raise Http404 from error
    if content_type is None:
        raise Http404
    public = True
    if path.startswith(MINUTES_FOLDER):
        attachment = events.attachment_by_path(path)
        # Not found and not allowed look the same, so nobody learns which file names exist.
        if attachment is None or not request.user.has_perm("events.view_attachment", attachment):
            raise Http404
        public = attachment.event.minutes_published_at is not None
    if not file.is_file():
        raise Http404
    response = FileResponse(
        file.open("rb"), content_type=content_type, as_attachment=path.startswith(MINUTES_FOLDER)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if public:
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
