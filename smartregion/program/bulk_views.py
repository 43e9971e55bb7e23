"""Pages of the bulk update: download the measures as XLSX, upload the edited file, see every change
before it applies, apply all or nothing (program/bulk.py)."""

import base64

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from smartregion.core.permissions import permitted_user

from . import bulk

MAX_BYTES = 2 * 1024 * 1024
SALT = "program.bulk-import"
POST_RATE = "30/m"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The edited spreadsheet (XLSX)"),
        help_text=gettext_lazy("The file downloaded here, at most 2 MB."),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."))
        return bytes(upload.read())


def _page(request: HttpRequest, form: UploadForm, status: int = 200, **context: object) -> HttpResponse:
    return render(request, "program/bulk.html", {"form": form, **context}, status=status)


@require_GET
def bulk_page(request: HttpRequest) -> HttpResponse:
    """The download link and the upload form."""
    permitted_user(request, "program.bulk_update")
    return _page(request, UploadForm())


@require_GET
def bulk_export(request: HttpRequest) -> HttpResponse:
    user = permitted_user(request, "program.bulk_update")
    response = HttpResponse(
        bulk.export_xlsx(actor=user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"massnahmen-{timezone.localdate().isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def bulk_preview(request: HttpRequest) -> HttpResponse:
    """Every change the uploaded file would make, or its errors by sheet, row and column."""
    user = permitted_user(request, "program.bulk_update")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    content: bytes = form.cleaned_data["file"]
    result = bulk.read_import(actor=user, content=content)
    token = ""
    if result.changes and not result.errors:
        token = signing.dumps(base64.b64encode(content).decode(), salt=SALT, compress=True)
    return _page(
        request,
        UploadForm(),
        status=400 if result.errors else 200,
        result=result,
        token=token,
        previewed=True,
    )


@require_POST
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def bulk_apply(request: HttpRequest) -> HttpResponse:
    """Apply the previewed file: all changes or none."""
    user = permitted_user(request, "program.bulk_update")
    try:
        content = base64.b64decode(signing.loads(request.POST.get("token", ""), salt=SALT, max_age=3600))
    except (signing.BadSignature, ValueError):
        messages.error(request, _("The preview has expired. Please upload the file again."))
        return redirect("program:bulk")
    try:
        applied = bulk.apply_import(actor=user, content=content)
    except ValidationError as error:
        return _page(request, UploadForm(), status=400, apply_errors=error.messages)
    messages.success(request, _("%(count)s changes are applied.") % {"count": applied})
    return redirect("program:bulk")


urlpatterns: list[URLPattern] = [
    path("massnahmen-tabelle/", bulk_page, name="bulk"),
    path("massnahmen-tabelle/massnahmen.xlsx", bulk_export, name="bulk_export"),
    path("massnahmen-tabelle/vorschau/", bulk_preview, name="bulk_preview"),
    path("massnahmen-tabelle/anwenden/", bulk_apply, name="bulk_apply"),
]
