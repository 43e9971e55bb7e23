"""Form rendering with KERN UX markup, used project-wide (settings.FORM_RENDERER)."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class KernFormRenderer(TemplatesSetting):
    """Render every form and field with the KERN UX templates in core/templates/forms/."""

    form_template_name = "forms/kern_form.html"
    field_template_name = "forms/kern_field.html"


class HoneypotMixin(forms.Form):
    """A field that people never see and bots fill in; a filled honeypot invalidates the form."""

    website = forms.CharField(required=False, label="Website", max_length=200)

    honeypot_field = "website"

    def clean_website(self) -> str:
        value: str = self.cleaned_data.get("website", "")
        if value:
            raise forms.ValidationError("", code="honeypot")
        return value


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form: to its visible field if it has one, else on top.

    Errors of hidden fields (a reply's parent) go on top, because a hidden field cannot show its error.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        visible = field in form.fields and not form.fields[field].widget.is_hidden
        form.add_error(field if visible else None, errors)
