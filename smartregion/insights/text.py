"""Text preparation for the offline insights: German words, Snowball stems, stop words, sentences.

Everything here is pure Python and picklable (module-level classes, no lambdas), because the trained
category models are stored pickled and loaded again by another process.
"""

import itertools
import re
import unicodedata

import snowballstemmer

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9„\"])|\n+")

# Common German function words: they carry no topic, and left in they dominate top terms and summaries.
STOP_WORDS = frozenset(
    """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes
    anders auch auf aus bei bin bis bist bitte da dabei dadurch dafür dagegen daher dahin damals
    damit dann daran darauf daraus darf darin darum darunter das dass davon davor dazu dein deine
    dem den denen denn der deren des deshalb dessen die dies diese diesem diesen dieser dieses doch
    dort du durch ein eine einem einen einer eines einfach einige einmal er es etwa etwas euch euer
    eure für gab gar gegen gehen geht gemacht gerade gibt ging gut habe haben hat hatte hätte hier
    hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im immer in ins ist ja jede jedem jeden
    jeder jedes jedoch jetzt kann kein keine keinem keinen keiner können könnte man manche mehr mein
    meine meinem meinen meiner mich mir mit muss müssen müsste nach nicht nichts noch nun nur ob
    oder ohne schon sehr sein seine seinem seinen seiner seit sich sie sind so sollte sollten
    sondern sowie über um und uns unser unsere unter viel viele vom von vor wann war waren warum was
    weil weiter welche welchem welchen welcher wenn wer werden wie wieder will wir wird wo wollen
    würde würden zu zum zur zwar zwischen ganz eher stadt bereits sowohl dafür wäre wären sollen
    soll wurde wurden worden sei mal ab
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_stemmer = snowballstemmer.stemmer("german")
# The pure-Python Snowball stemmer costs ~50 µs a word; texts repeat their words, so a cache makes
# stemming 5,000 ideas take about a second instead of half a minute (bench/insights_ml.py).
_STEM_CACHE: dict[str, str] = {}
_STEM_CACHE_LIMIT = 500_000


def stem(word: str) -> str:
    """The Snowball stem of one folded word, cached."""
    cached = _STEM_CACHE.get(word)
    if cached is None:
        if len(_STEM_CACHE) >= _STEM_CACHE_LIMIT:
            _STEM_CACHE.clear()
        cached = _STEM_CACHE[word] = _stemmer.stemWord(word)
    return cached


def fold(text: str) -> str:
    """Lower case in composed form (NFC); not casefold(), which would turn "ß" into "ss"."""
    return unicodedata.normalize("NFC", text).lower()


def words(text: str) -> list[str]:
    """The words of ``text``, folded, without digits and punctuation."""
    return _WORD.findall(fold(text))


def stems(text: str, *, drop_stop_words: bool = True) -> list[str]:
    """Snowball stems of the words ("Radwege" and "Radweg" share one), without stop and 1-letter words."""
    tokens = [w for w in words(text) if len(w) > 1 and not (drop_stop_words and w in STOP_WORDS)]
    return [stem(token) for token in tokens]


class StemAnalyzer:
    """A scikit-learn ``analyzer``: stem unigrams and, optionally, stem bigrams. Picklable."""

    def __init__(self, bigrams: bool = True) -> None:
        self.bigrams = bigrams

    def __call__(self, text: str) -> list[str]:
        tokens = stems(text)
        if self.bigrams:
            tokens += [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
        return tokens


def sentences(text: str) -> list[str]:
    """Split a contribution into sentences (a line break ends one too); empty pieces are dropped."""
    return [piece.strip() for piece in _SENTENCE.split(text) if piece and piece.strip()]


def idea_text(title: str, body: str) -> str:
    """The one text the models see for an idea: the title, then the description."""
    return f"{title}.\n{body}" if title else body
