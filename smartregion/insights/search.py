"""German full-text search over the index, the same on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

Text is reduced to terms once, in Python, for documents and queries alike: words are Snowball-stemmed
(German), umlaut spellings folded ("Maerkte" and "Märkte" → markt, "Straße" and "Strasse" → strass) and stop
words dropped. Each engine then only matches and ranks those terms, so both databases find the same
documents. A query never reaches the engine as typed: only terms made of letters and digits do, so no
quote, star, colon or NEAR can change its meaning.

Results are ranked ids, capped at ``MATCH_CAP`` per query: the idea list and the API filter and count
within those (decision 0003), instead of counting every match a second time.
"""

import difflib
import functools
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import snowballstemmer
from django.db import connection
from django.db.models import (
    BigIntegerField,
    CharField,
    Func,
    IntegerField,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat, StrIndex
from django.utils.safestring import SafeString, mark_safe

from .models import KIND_BITS, KIND_CODES, KIND_MASK, KINDS_BY_CODE, SearchKind, SearchTerm

# The best this many matches of one query are what lists page through and count.
MATCH_CAP = 1000
# At most this many query terms reach the engine.
MAX_QUERY_TERMS = 8
# Similar ideas rank by at most this many of the typed text's terms, and find candidates by the rarest
# few of them (similar_query).
MAX_SIMILAR_TERMS = 12
SIMILAR_MIN_TERMS = 2
SIMILAR_MAX_TERMS = 6
SIMILAR_CANDIDATES = 300
# Similar ideas rank at most this many of their newest candidates.
SIMILAR_WINDOW = 1000
# Relative weight of a title match against a match in the text (FTS5 bm25; PostgreSQL uses A/B weights).
TITLE_WEIGHT = 4.0

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_stemmer = snowballstemmer.stemmer("german")
# After stemming (which turns ä into a), spelled-out umlauts meet their letters: "maerkt" → "markt".
_FOLD = (("ae", "a"), ("oe", "o"), ("ue", "u"))

# Words too common to find anything by: articles, pronouns, prepositions, auxiliaries (German and a few
# English ones people type). Compared before stemming, in lower case.
_STOP_WORDS_TEXT = (
    "aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch "
    "auf aus bei bin bis bist da damit dann das dass dein deine dem den denn der des dessen deshalb die "
    "dies diese diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines einig "
    "einige er es etwas euch euer eure für fuer gegen gewesen hab habe haben hat hatte hätte hier hin "
    "hinter ich ihm ihn ihnen ihr ihre im in indem ins ist jede jedem jeden jeder jedes jene jener jetzt "
    "kann kein keine keinem keinen keiner können koennen könnte man manche mancher mein meine mich mir "
    "mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner "
    "selbst sich sie sind so solche soll sollte sondern sonst über ueber um und uns unser unsere unter "
    "viel vom von vor war waren warum was weg weil welche welcher wenn wer werde werden wie wieder will "
    "wir wird wo wollen wurde würde zu zum zur zwar zwischen a an and are for in is of on or the to "
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


def _fold(stem: str) -> str:
    for spelled, letter in _FOLD:
        stem = stem.replace(spelled, letter)
    return stem


@functools.lru_cache(maxsize=200_000)
def _term(word: str) -> str:
    # Cached: a region's texts reuse a few tens of thousands of words, and stemming is the costly step.
    if word in STOP_WORDS or len(word) >= 60:
        return ""
    return _fold(_stemmer.stemWord(word))


def index_terms(text: str) -> list[str]:
    """The terms of ``text`` as the index stores them: stems, folded, without stop words, in order."""
    terms = (_term(word.casefold()) for word in _WORD.findall(text))
    return [term for term in terms if term]


def index_document(text: str) -> str:
    """The space-separated, de-duplicated terms of ``text`` for the engine's index."""
    return " ".join(dict.fromkeys(index_terms(text)))


@dataclass(frozen=True)
class ParsedQuery:
    """A typed query as the engine will see it."""

    text: str
    terms: tuple[str, ...]
    # The query had words, but all of them are stop words: nothing to search for.
    only_stop_words: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.terms


def parse_query(text: str) -> ParsedQuery:
    """The distinct terms of a typed query, at most MAX_QUERY_TERMS."""
    text = text.replace("\x00", " ").strip()[:500]
    terms = tuple(dict.fromkeys(index_terms(text)))[:MAX_QUERY_TERMS]
    return ParsedQuery(text=text, terms=terms, only_stop_words=not terms and bool(_WORD.search(text)))


def _fts5_words(terms: Sequence[str], operator: str) -> str:
    # Terms are letters and digits only; quoting them keeps FTS5 keywords such as NEAR or OR plain words.
    # Every term is a prefix, as word forms share a stem's beginning (the old LIKE search did the same).
    return f" {operator} ".join(f'"{term}"*' for term in terms)


def _fts5_query(words: str, process_id: int | None = None) -> str:
    # The words are looked for in title and text only; the process column only holds "p<id>".
    query = f"{{title_stems body_stems}} : ({words})"
    return query if process_id is None else f'{query} AND process : "p{int(process_id)}"'


def _tsquery(terms: Sequence[str], operator: str) -> str:
    return f" {operator} ".join(f"{term}:*" for term in terms)


def _tsfilter(kind: str | None, process_id: int | None) -> str:
    # The side table's vectors carry "~k<kind>" and "~p<process id>" (migration 0004), so the GIN index
    # narrows by kind and process itself; a query's terms (letters and digits) never match these.
    lexemes = [f"'~k{SearchKind(kind).value}'"] if kind else []
    if process_id is not None:
        lexemes.append(f"'~p{int(process_id)}'")
    return " & ".join(lexemes)


def _ts_match(
    terms: Sequence[str], operator: str, kind: str | None, process_id: int | None
) -> tuple[str, list[str]]:
    """A WHERE clause over the side table's vectors, and its parameters."""
    words = _tsquery(terms, operator)
    narrow = _tsfilter(kind, process_id)
    if not narrow:
        return "v.vector @@ to_tsquery('simple', %s)", [words]
    return "v.vector @@ (to_tsquery('simple', %s) && %s::tsquery)", [words, narrow]


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    entry_id: int


# Ranking reads every candidate's statistics, so it is bounded: a query is ranked over its RANK_WINDOW most
# recently indexed matches (decision 0003). Below that size (every process of MYK's size, most queries at
# 100,000 ideas) the ranking is complete; above it, the newest matches are ranked and older ones are not
# reached by this query, which the page's "more than 1,000 results" asks to narrow anyway.
RANK_WINDOW = 5000


def match(terms: Sequence[str], **options: Any) -> list[Hit]:
    """Public entries containing every term (or any, for similarity), best first: see ``match_ids``."""
    return [Hit(KINDS_BY_CODE[rid & KIND_MASK], rid >> KIND_BITS, rid) for rid in match_ids(terms, **options)]


def match_ids(
    terms: Sequence[str],
    *,
    kind: str | None = None,
    process_id: int | None = None,
    any_term: bool = False,
    rank_terms: Sequence[str] = (),
    window: int = RANK_WINDOW,
    limit: int = MATCH_CAP,
    among: QuerySet[Any] | None = None,
) -> list[int]:
    """The entry ids of the public entries containing every term (or any, for similarity), best first, at
    most ``limit``.

    ``rank_terms`` (any of them) rank the matches instead of ``terms`` on PostgreSQL: similar ideas match
    on a few rare terms and rank those candidates by many (SQLite ranks by ``terms``, see below).

    ``among`` (a queryset of ``kind``'s model) keeps, of the best ``limit``, those whose object is one of
    its rows, in the same statement (see ``RankedRows``).
    """
    if not terms:
        return []
    if connection.vendor == "postgresql":
        # Each candidate is scored as the window is read, newest first: only the ids and scores are sorted,
        # never the vectors (sorting those spilled to disk), and the entries' wide rows are not read at all.
        where, match_params = _ts_match(terms, "|" if any_term else "&", kind, process_id)
        best = (
            "SELECT id AS rid, score FROM ("  # noqa: S608 - only constants and %s parameters are formatted in
            "SELECT v.id, ts_rank(v.vector, to_tsquery('simple', %s)) AS score FROM insights_searchvector v "
            f"WHERE {where} ORDER BY v.id DESC LIMIT %s) w ORDER BY score DESC, id DESC LIMIT %s"
        )
        params: list[Any] = [
            _tsquery(rank_terms or terms, "|" if any_term or rank_terms else "&"),
            *match_params,
            window,
            limit,
        ]
        best_first = "score DESC"  # ts_rank: higher is better
    else:
        # The FTS5 table holds public documents only and walks its newest matches first (rowid order needs
        # no sort); only the window's rows are scored, and the rowid names the document (no join). bm25
        # scores the query's own terms: adding the rank terms as a group made FTS5 read every one of their
        # doclists (similar ideas p95 93 ms instead of 11 ms at 100,000 ideas), so here they are not used.
        kind_filter = f"AND (rowid & {KIND_MASK}) = {KIND_CODES[SearchKind(kind)]}" if kind else ""
        words = _fts5_words(terms, "OR" if any_term else "AND")
        best = (
            "SELECT rid, score FROM ("  # noqa: S608 - only constants and %s parameters are formatted in
            f"SELECT rowid AS rid, bm25(insights_search_fts, {TITLE_WEIGHT}, 1.0, 0.0) AS score "
            f"FROM insights_search_fts WHERE insights_search_fts MATCH %s {kind_filter} "
            "ORDER BY rowid DESC LIMIT %s) ORDER BY score, rid DESC LIMIT %s"
        )
        params = [_fts5_query(words, process_id), window, limit]
        best_first = "score"  # bm25: lower is better
    passing = ""
    if among is not None:
        # A correlated EXISTS: each of the (at most ``limit``) ranked ids is looked up by primary key. With an
        # uncorrelated IN, SQLite first read every row of ``among`` into a list (43 ms instead of 8 ms of CPU
        # for 1,000 ranked ids among 100,000 ideas).
        own = RawSQL(f"best.rid >> {KIND_BITS}", (), output_field=BigIntegerField())  # noqa: S611 - a constant
        among_sql, among_params = among.order_by().filter(pk=own).values("pk").query.sql_with_params()
        passing = f"WHERE EXISTS ({among_sql})"
        params.extend(among_params)
    sql = f"SELECT rid FROM ({best}) best {passing} ORDER BY {best_first}, rid DESC"  # noqa: S608 - as above
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [rid for (rid,) in cursor.fetchall()]


@dataclass(frozen=True)
class Found:
    """One page of a query's ranked hits, how many of each kind it reaches (its window's, each capped), and
    how many hits the pages hold (of ``kind`` if given, capped)."""

    hits: list[Hit]
    counts: dict[str, int]
    total: int


def match_everything(
    terms: Sequence[str], *, kind: str = "", offset: int = 0, size: int = 20, limit: int = MATCH_CAP
) -> Found:
    """The page ``offset`` to ``offset + size`` of the public entries containing every term, best first (of
    ``kind`` only, if given), among the best ``limit``, with a count per kind: one read of the query's
    window, ranked, cut and counted by the engine.

    The search page shows results and a count per kind; reading the window once replaced one capped count
    per kind, each of which redid the engine's match (on PostgreSQL the expansion of every prefix term in
    the GIN index, the costly step). The window is read into a materialized CTE; the page and the counts
    come from it in the same statement, so only 20 rows and five counts leave the database instead of the
    window's up to 5,000 rows being sorted and counted in Python. The counts are what the query reaches:
    its window's matches, each capped at ``limit`` as the page shows "more than".
    """
    if not terms:
        return Found([], {}, 0)
    if connection.vendor == "postgresql":
        where, match_params = _ts_match(terms, "&", None, None)
        window = (
            "SELECT v.id AS rid, ts_rank(v.vector, to_tsquery('simple', %s)) AS score "  # noqa: S608 - only constants and %s parameters are formatted in
            f"FROM insights_searchvector v WHERE {where} ORDER BY v.id DESC LIMIT %s"
        )
        window_params: list[Any] = [_tsquery(terms, "&"), *match_params, RANK_WINDOW]
        best_first = "score DESC"  # ts_rank: higher is better
    else:
        window = (
            f"SELECT rowid AS rid, bm25(insights_search_fts, {TITLE_WEIGHT}, 1.0, 0.0) AS score "  # noqa: S608 - only constants and %s parameters are formatted in
            "FROM insights_search_fts WHERE insights_search_fts MATCH %s ORDER BY rowid DESC LIMIT %s"
        )
        window_params = [_fts5_query(_fts5_words(terms, "AND")), RANK_WINDOW]
        best_first = "score"  # bm25: lower is better
    of_kind = f"WHERE (rid & {KIND_MASK}) = {KIND_CODES[SearchKind(kind)]}" if kind else ""
    # The page never reaches past the best ``limit``.
    size = max(0, min(size, limit - offset))
    sql = (
        f"WITH w AS MATERIALIZED ({window}) "  # noqa: S608 - only constants and %s parameters are formatted in
        f"SELECT * FROM (SELECT 0 AS part, rid, 0 AS n FROM w {of_kind} "
        f"ORDER BY {best_first}, rid DESC LIMIT %s OFFSET %s) page "
        f"UNION ALL SELECT 1, rid & {KIND_MASK}, COUNT(*) FROM w GROUP BY rid & {KIND_MASK}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*window_params, size, offset])
        rows = cursor.fetchall()
    counts = dict.fromkeys(SearchKind.values, 0)
    counts.update({KINDS_BY_CODE[code]: count for part, code, count in rows if part == 1})
    hits = [Hit(KINDS_BY_CODE[rid & KIND_MASK], rid >> KIND_BITS, rid) for part, rid, _ in rows if part == 0]
    total = counts[kind] if kind else sum(counts.values())
    return Found(hits, {name: min(count, limit) for name, count in counts.items()}, min(total, limit))


def ranked_ids(
    text: str, *, kind: str, process_id: int | None = None, among: QuerySet[Any] | None = None
) -> list[int]:
    """Ids of the public documents of ``kind`` matching the typed ``text``, best first (capped), of those
    among the rows of ``among`` if given (see ``match_ids``)."""
    # From the entry ids directly: no Hit for each of up to 1,000 ids.
    terms = parse_query(text).terms
    return [rid >> KIND_BITS for rid in match_ids(terms, kind=kind, process_id=process_id, among=among)]


def rank_position(ids: Sequence[int]) -> Func | Value:
    """An expression giving each row's place in ``ids`` (ascending = best first), for order_by.

    The ids are written as ",3,17,5," and a row's place is where ",<its id>," starts in that text: one
    string search per row instead of a CASE with a thousand branches, and the same on both databases.
    """
    if not ids:
        return Value(0, output_field=IntegerField())
    haystack = Value("," + ",".join(str(pk) for pk in ids) + ",")
    needle = Concat(Value(","), Cast("pk", CharField()), Value(","), output_field=CharField())
    return StrIndex(haystack, needle)


def ranked(queryset: QuerySet[Any], text: str, *, kind: str) -> QuerySet[Any]:
    """``queryset`` narrowed to the public documents of ``kind`` matching ``text``, annotated with
    ``search_position`` (ascending = best first) for ordering and keyset cursors."""
    ids = ranked_ids(text, kind=kind)
    return queryset.filter(pk__in=ids).annotate(search_position=rank_position(ids))


class RankedRows:
    """The rows of ``queryset`` with the ranked ``ids``, in the ranking's order, for a Paginator.

    Ordering the query by the place in the ranking (``rank_position``) made the database read and sort every
    matching row, the wide text columns included, to keep 20 (SQLite: 20 ms of a string search per 1,000
    rows; PostgreSQL: 30 ms at 100,000 ideas), and counting them was a second pass over the same ids. Here
    the ids are those of the ranking that pass the queryset's filters (``ranked_ids(among=queryset)``: the
    ranking and the filters in one statement, so the count is their number), the page is cut from them and
    only the page's rows are read.
    """

    def __init__(self, queryset: QuerySet[Any], ids: Sequence[int]) -> None:
        self.queryset = queryset.order_by()
        self.ids = ids

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: slice) -> list[Any]:
        ids = self.ids[index]
        rows = {row.pk: row for row in self.queryset.filter(pk__in=ids)} if ids else {}
        return [rows[pk] for pk in ids if pk in rows]


def similar_terms(text: str) -> list[str]:
    """The terms that best describe a typed text: longer (rarer) stems first, then in their order."""
    terms = list(dict.fromkeys(index_terms(text)))
    informative = [term for term in terms if len(term) >= 4] or terms
    return sorted(informative, key=lambda term: (-len(term), informative.index(term)))[:MAX_SIMILAR_TERMS]


@dataclass(frozen=True)
class SimilarQuery:
    """How similar ideas ask the index: candidates hold any ``match`` term, ``rank`` terms order them."""

    match: tuple[str, ...]
    rank: tuple[str, ...]


def similar_query(text: str) -> SimilarQuery:
    """The fewest rare terms of ``text`` that still find enough candidates, and its telling terms to rank.

    Asking with all telling terms matched most of a large process and ranked it all (decision 0003). The
    index's vocabulary knows in how many documents each term occurs: the rarest known terms are taken
    until their documents add up to SIMILAR_CANDIDATES (at least SIMILAR_MIN_TERMS, at most
    SIMILAR_MAX_TERMS); terms no document holds find nothing and are left out.
    """
    telling = similar_terms(text)
    documents = dict(SearchTerm.objects.filter(term__in=telling).values_list("term", "documents"))
    known = sorted((term for term in telling if documents.get(term)), key=lambda term: documents[term])
    chosen: list[str] = []
    for term in known:
        enough = sum(documents[t] for t in chosen) >= SIMILAR_CANDIDATES
        if len(chosen) >= SIMILAR_MAX_TERMS or (enough and len(chosen) >= SIMILAR_MIN_TERMS):
            break
        chosen.append(term)
    return SimilarQuery(match=tuple(chosen), rank=tuple(known))


def did_you_mean(parsed: ParsedQuery) -> str:
    """A corrected query from the index's vocabulary when some term is unknown there, else ''."""
    if parsed.is_empty:
        return ""
    known = set(SearchTerm.objects.filter(term__in=parsed.terms).values_list("term", flat=True))
    unknown = [term for term in parsed.terms if term not in known]
    if not unknown:
        return ""
    corrections: dict[str, str] = {}
    for term in unknown:
        # Candidates of a similar length that share the first letter: a few hundred rows, not the vocabulary.
        candidates = list(
            SearchTerm.objects.filter(
                term__startswith=term[0],
                term__regex=rf"^.{{{max(len(term) - 2, 1)},{len(term) + 2}}}$",
            ).values_list("term", flat=True)[:5000]
        )
        best = difflib.get_close_matches(term, candidates, n=1, cutoff=0.75)
        if best:
            corrections[term] = best[0]
    if not corrections:
        return ""
    # The suggestion is shown in the words that were typed, each unknown word replaced by a known word form.
    words = _WORD.findall(parsed.text)
    fixed = []
    for word in words:
        stems = index_terms(word)
        fixed.append(corrections.get(stems[0], word) if stems else word)
    return " ".join(fixed)


def highlight(text: str, terms: Sequence[str], *, length: int = 220) -> SafeString:
    """``text`` shortened around its first match, HTML-escaped, with the matching words in <mark>."""
    if not text:
        return mark_safe("")
    wanted = set(terms)
    # Words are checked only up to the end of the shown part: a long text's words after it cost nothing.
    first = next((m for m in _WORD.finditer(text) if _matches(m.group(0), wanted)), None)
    start = 0
    if first is not None and len(text) > length:
        start = max(0, first.start() - length // 3)
        # Start at a word boundary.
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + length)
    if end < len(text):
        while end > start + length // 2 and not text[end - 1].isspace():
            end -= 1
    hits = [m for m in _WORD.finditer(text, start, end) if _matches(m.group(0), wanted)]
    pieces: list[str] = ["… " if start > 0 else ""]
    position = start
    for m in hits:
        if m.start() < start or m.end() > end:
            continue
        pieces.append(html.escape(text[position : m.start()]))
        pieces.append(f"<mark>{html.escape(m.group(0))}</mark>")
        position = m.end()
    pieces.append(html.escape(text[position:end]))
    if end < len(text):
        pieces.append(" …")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text above is escaped


_PLAIN = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def _matches(word: str, wanted: set[str]) -> bool:
    # Stemming only changes a word's end, so a word whose plain spelling does not begin like a wanted stem
    # is skipped without stemming it (which is the slow step: most words of a text are skipped here).
    plain = _fold(word.casefold().translate(_PLAIN))
    if not any(plain.startswith(term[:3]) for term in wanted):
        return False
    terms = index_terms(word)
    return bool(terms) and any(terms[0].startswith(term) for term in wanted)
