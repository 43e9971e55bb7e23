"""The German catalogue is complete: every entry translated, none fuzzy, every string of ours in it.

German is the default language (STYLE.md rule 7), so an untranslated string shows English to everyone.
Strings are collected the way ``makemessages`` does, without needing GNU gettext: Python files with
Babel's extractor, templates through Django's own ``templatize`` (which turns {% translate %} and
{% blocktranslate %} into gettext calls, with the same msgids makemessages would write).
"""

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po
from django.utils.translation.template import templatize

PACKAGE = Path(__file__).resolve().parents[2] / "smartregion"
PO_FILE = PACKAGE / "locale" / "de" / "LC_MESSAGES" / "django.po"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}

MessageKey = tuple[str | None, str]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with PO_FILE.open("rb") as handle:
        return read_po(handle, locale="de")


def _entries(catalog: Catalog) -> list:
    return [message for message in catalog if message.id]


def _key(context: str | None, message: str | tuple[str, ...]) -> MessageKey:
    return context, message if isinstance(message, str) else message[0]


def _messages_in(source: bytes) -> list[tuple[int, MessageKey]]:
    found = []
    for lineno, message, _comments, context in extract("python", io.BytesIO(source), keywords=KEYWORDS):
        key = _key(context, message)
        if key[1]:
            found.append((lineno, key))
    return found


def _source_of(path: Path) -> bytes | None:
    if path.suffix == ".py" and "migrations" not in path.parts:
        return path.read_bytes()
    if path.suffix in (".html", ".txt") and "templates" in path.parts:
        # templatize keeps the template's layout as placeholder text around the gettext calls; that
        # layout's indentation is not Python's, so the lines are dedented before tokenizing.
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        return "\n".join(line.lstrip() for line in code.splitlines()).encode()
    return None


def _used_messages() -> dict[MessageKey, str]:
    used: dict[MessageKey, str] = {}
    for path in sorted(PACKAGE.rglob("*")):
        source = _source_of(path)
        if source is None:
            continue
        for lineno, key in _messages_in(source):
            used.setdefault(key, f"{path.relative_to(PACKAGE.parent)}:{lineno}")
    return used


def test_no_entry_is_untranslated(catalog):
    untranslated = [
        message.id
        for message in _entries(catalog)
        if not (all(message.string) if isinstance(message.string, tuple) else message.string)
    ]
    assert untranslated == []


def test_no_entry_is_fuzzy(catalog):
    assert [message.id for message in _entries(catalog) if message.fuzzy] == []


def test_every_string_in_our_code_and_templates_is_in_the_catalogue(catalog):
    known = {_key(message.context, message.id) for message in _entries(catalog)}
    missing = {f"{where}: {key[1]!r}" for key, where in _used_messages().items() if key not in known}
    assert sorted(missing) == []


def test_the_extractor_finds_strings_of_every_kind():
    # Guards the test above against passing vacuously: one string of each kind we use.
    used = _used_messages()
    assert (None, "Your profile has been saved.") in used  # gettext in Python
    assert (None, "Display name") in used  # gettext_lazy in Python
    assert (None, "Skip to content") in used  # {% translate %}
    assert (None, "Represented by: %(name)s") in used  # {% blocktranslate with %}
    assert (None, "%(counter)s city") in used  # {% blocktranslate count %}


def test_placeholders_survive_translation(catalog):
    # An invented placeholder raises KeyError when the page renders; a dropped one hides data.
    broken = []
    for message in _entries(catalog):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        allowed = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in filter(None, strings):
            used = set(PLACEHOLDER.findall(string))
            # A German plural form may say "eine Stadt" for "%(counter)s city"; a singular drops nothing.
            if not used <= allowed or (len(ids) == 1 and used != allowed):
                broken.append(ids[0])
    assert broken == []
