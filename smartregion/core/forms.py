"""Form rendering with KERN UX markup, used project-wide (settings.FORM_RENDERER)."""

from django import forms
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
