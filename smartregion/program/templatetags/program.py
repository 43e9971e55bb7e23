"""Template filters for money and figures on the program pages."""

from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def euro(amount: Any) -> str:
    """An amount in the reader's language with two decimal places and the euro sign: "1.234.567,89 €".

    A no-break space keeps the sign with its number when a table cell wraps.
    """
    if amount is None or amount == "":
        return ""
    number = formats.number_format(Decimal(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{number}\u00a0€"


@register.filter
def figure(number: Any) -> str:
    """A measured figure (an indicator value) in the reader's language, without trailing zeros."""
    if number is None or number == "":
        return ""
    value = Decimal(number)
    places = 0 if value == value.to_integral_value() else max(0, -value.normalize().as_tuple().exponent)  # type: ignore[operator]
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
