"""Compile every django.po under smartregion/locale into django.mo with Babel (no gettext needed)."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parent.parent / "smartregion" / "locale"


def main() -> None:
    """Rebuild a .mo file only when its .po file is newer."""
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        print(f"compiled {mo_path.relative_to(LOCALE.parent.parent)}")


if __name__ == "__main__":
    main()
