"""Template helpers: form widgets with KERN UX classes, plain text from rendered markup."""

from html import unescape
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import strip_tags
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def field_widget(field: BoundField, css_class: str) -> SafeString:
    """Render a field's widget with the KERN class added; Django adds aria-invalid/-describedby."""
    existing = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{css_class} {existing}".strip()})


@register.simple_tag
def choice_widget(choice: Any, widget_type: str) -> SafeString:
    """Render one radio or checkbox of a multiple-choice field with the KERN class."""
    css = "kern-form-check__radio" if widget_type == "radioselect" else "kern-form-check__checkbox"
    choice.data["attrs"] = {**choice.data["attrs"], "class": css}
    return choice.tag()


@register.filter
def plain_text(html: str) -> str:
    """The text a reader sees in rendered markup, unescaped so that autoescaping escapes it exactly once.

    ``striptags`` alone keeps the entities ("Bus &amp; Bahn"), which autoescaping escapes a second time.
    """
    return unescape(strip_tags(html))
