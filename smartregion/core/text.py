"""Text utilities shared by every app."""

import re

import snowballstemmer
from django.utils.text import slugify

_GERMAN_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def slugify_de(value: str, max_length: int = 200) -> str:
    """A URL slug that spells German umlauts out (Weißenthurm → weissenthurm) instead of dropping them."""
    return slugify(value.translate(_GERMAN_TRANSLITERATION))[:max_length].rstrip("-")


_WORD = re.compile(r"\w+", re.UNICODE)
_stemmer = snowballstemmer.stemmer("german")


def german_stems(text: str) -> list[str]:
    """Lower-cased Snowball stems of the words in ``text`` ("Radwege" and "Radweg" share one)."""
    words = [word.casefold() for word in _WORD.findall(text)]
    return list(_stemmer.stemWords(words))


def search_document(*parts: str) -> str:
    """A space-separated, de-duplicated stem list to store and match against (" stem1 stem2 ")."""
    seen = dict.fromkeys(stem for part in parts for stem in german_stems(part))
    return f" {' '.join(seen)} "
