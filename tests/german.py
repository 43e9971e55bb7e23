"""Django's and allauth's German messages that the tests expect on pages (they ship these translations)."""

REQUIRED = "Dieses Feld ist zwingend erforderlich."
INVALID_EMAIL = "Bitte gültige E-Mail-Adresse eingeben."


def too_long(limit: int, actual: int) -> str:
    """Django's message for a text longer than a field's max_length."""
    return (
        f"Bitte sicherstellen, dass der Wert aus höchstens {limit} Zeichen besteht. "
        f"(Er besteht aus {actual} Zeichen.)"
    )


def invalid_choice(value: str | None = None) -> str:
    """Django's message for a value that is not among a field's choices (model choices omit the value)."""
    if value is None:
        return "Bitte eine gültige Auswahl treffen. Dies ist keine gültige Auswahl."
    return f"Bitte eine gültige Auswahl treffen. {value} ist keine gültige Auswahl."
