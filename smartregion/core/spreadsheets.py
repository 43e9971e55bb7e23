"""Helpers for files that people open in spreadsheet programs (CSV, XLSX)."""

# A cell starting with one of these is run as a formula by Excel and LibreOffice (CSV injection); a tab or
# carriage return first hides the sign from a naive check.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """Text that a spreadsheet would run as a formula (=, +, -, @ first) is quoted with an apostrophe."""
    return f"'{value}" if value[:1] in FORMULA_PREFIXES else value
