"""The site's search index: the files the browser's search page (`templates/static/search.js`)
reads, made at build time. Values in, bytes out; no file I/O.

Khmer is written without spaces between words, so a search tool that splits text at spaces finds
whole sentences, not words. Here every text is split into words by ICU's dictionary (the same
breaker as word counts), after its Khmer is typed the standard way (`repair`: split vowels joined,
coeng RO last, zero-width characters dropped…), and each word is folded (`fold`: lower case, Khmer
digits as Latin ones, the spellings writers use alike made one). The browser does the same to the
query with `Intl.Segmenter`; the two segmenters do not always agree, so the index also knows which
words stand inside a longer word that ICU kept whole (`_Inside`), and the browser can put a query
word together from several indexed words. The format, and how the browser matches, is in
`docs/SEARCH.md`.

Per language L the index is:
    L/search/index.json          the manifest: number of pages, the first term of each terms chunk
    L/search/terms/<i>.json      terms → pages and scores, in chunks of sorted terms
    L/search/pages/<k>.json      the pages' records (URL, title, date, the other languages' pages)
and each published page has its text for excerpts at `<lang>/search/text/<article id>.json`, made
with the article's pages (`page_search`), so that an unchanged article's is kept as they are."""

from __future__ import annotations

import datetime as dt
from array import array
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from html import unescape
from typing import Iterable, Iterator, Mapping
from urllib.parse import quote

from pipeline.khmer.encoding import standard_khmer
from pipeline.khmer.script import BASE, kind_of, scan_cluster
from pipeline.khmer.words import WordBreaker
from pipeline.links import SEARCH_FOLDER, in_site
from pipeline.locales import format_date
from pipeline.urls import is_external

FORMAT = 1
LONGEST_TERM = 64  # UTF-16 units; longer "words" are pasted garbage, not something anyone types
WEIGHTS = {"title": 8, "description": 3, "body": 1}  # a word in the title counts as 8 in the body
HIGHEST_SCORE = 1000
CHUNK_BYTES = 24_000  # about what one terms chunk weighs before compression
PAGES_PER_RECORD_FILE = 200
LONGEST_COMPOUND = 16  # clusters; a longer word is not looked inside
_KHMER_WITH_DIGITS = re.compile("[\u1780-\u17ff][0-9]|[0-9][\u1780-\u17ff]")
_DIGITS_OR_NOT = re.compile("[0-9]+|[^0-9]+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # two UTF-16 units each
_AND = "និង"  # the context a part of a word is read in (see `_Inside`)
# (spelling, the one it is read as): no spelling holds another's result, so the order is free
_ALIKE = (("\u17b2", "\u17b1"), *((chr(0x17E0 + d), str(d)) for d in range(10)), ("\u17d7", ""))


def repair(text: str) -> str:
    """The text as it is indexed and searched: NFC, its Khmer typed the standard way (see
    `pipeline.khmer.encoding.standard_khmer`). Spaces and other scripts stay as they are."""
    return standard_khmer(unicodedata.normalize("NFC", text))


def folded(text: str) -> str:
    """The text with the spellings a reader may type alike made one: lower case, subscript DA as
    subscript TA (សម្ដេច, សម្តេច), ឲ as ឱ, Khmer digits as Latin ones (១៨ = 18), the repetition sign
    ៗ left out."""
    text = text.lower().replace("\u17d2\u178a", "\u17d2\u178f")
    for spelling, one in _ALIKE:  # a scan in C each: `str.translate` looks every character up in Python's dict
        text = text.replace(spelling, one)
    return text


def fold(word: str) -> str:
    """The term a word is indexed and searched by: the word `folded`; "" for a word that is not one
    (nothing left, or longer than any real word)."""
    term = folded(word)
    return term if len(term) <= LONGEST_TERM // 2 or _utf16_length(term) <= LONGEST_TERM else ""


def terms_of(text: str, breaker: WordBreaker) -> list[str]:
    """The terms of a text, in order (repeats kept)."""
    text = repair(text)
    return [term for start, end in breaker.spans(text) for term in word_terms(text[start:end])]


def word_terms(word: str) -> list[str]:
    """The terms of one word: its fold, or, for a Khmer word with a number glued to it (ICU reads
    ឆ្នាំ២០២៥ "year 2025" and ថ្ងៃទី១៥ "the 15th" as one word), its letters and its numbers apart."""
    return _terms_of_fold(folded(word))


def terms_of_words(words: Iterable[str]) -> dict[str, list[str]]:
    """Each word's terms (`word_terms`), the words folded together: `folded` of the words joined
    by line breaks is their folds joined by line breaks (no rule of `folded` reads across a line
    break, lower case's final sigma included), one pass where a page has hundreds of words."""
    distinct = list(set(words))
    joined = "\n".join(distinct)
    folds = folded(joined).split("\n")
    if len(folds) != len(distinct) or joined.count("\n") != len(distinct) - 1:  # a word with a line break
        return {word: word_terms(word) for word in distinct}
    return {word: _terms_of_fold(term) for word, term in zip(distinct, folds)}


def _terms_of_fold(term: str) -> list[str]:
    """The terms of a word that is `term` once `folded`."""
    if not term or not (len(term) <= LONGEST_TERM // 2 or _utf16_length(term) <= LONGEST_TERM):
        return []  # nothing left, or longer than any real word
    if _KHMER_WITH_DIGITS.search(term) is None:
        return [term]
    return [piece for piece in _DIGITS_OR_NOT.findall(term) if fold(piece)]


def _utf16_length(text: str) -> int:
    return len(text) + len(_ASTRAL.findall(text))


# --- one page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchPage:
    """What the index needs of one published page: where it is, what it is called, and its terms
    with their scores (how often each is used, a title's words weighing most)."""

    id: str
    lang: str
    url: str  # its site path, not under the base path (`/km/news/x/`)
    title: str
    date: dt.date | None
    words: str  # its terms, each followed by a line break (a page's record stays small: 10,000 articles'
    scores: bytes  # records are all held at once), and each one's score, as unsigned 16-bit numbers

    @property
    def terms(self) -> Iterator[tuple[str, int]]:
        """(term, score) of each term, in order."""
        return zip(self.words.split("\n"), array("H", self.scores))


def text_path(lang: str, article_id: str) -> str:
    """Where a page's text for excerpts is, in the site."""
    return f"{lang}/{SEARCH_FOLDER}/text/{article_id}.json"


def page_search(article_id: str, lang: str, url: str, title: str, description: str, body_html: str,
                date: dt.date | None, breaker: WordBreaker, data: Iterable = ()) -> tuple[SearchPage, bytes]:
    """A page's record for the index, and its text file (the body as plain text, with where each
    of its words is, for the browser to mark the words a query matched). `data`: the front-matter
    values the page shows besides (a data article's content: `data_text`)."""
    body = repair(" ".join((html_text(body_html) + " " + " ".join(data_text(data))).split()))
    scores: dict[str, int] = defaultdict(int)
    for field, text in (("title", title), ("description", description)):
        for term in terms_of(text, breaker):
            scores[term] += WEIGHTS[field]
    spans = breaker.spans(body)
    words = [body[start:end] for start, end in spans]
    terms_of_word = terms_of_words(words)  # a page uses most of its words many times
    for word, uses in Counter(words).items():
        for term in terms_of_word[word]:
            scores[term] += WEIGHTS["body"] * uses
    terms = sorted(scores.items())
    found = _utf16_spans(body, [span for span, word in zip(spans, words) if terms_of_word[word]])
    text = _json({"text": body, "words": _gaps_and_lengths(found)})
    return SearchPage(article_id, lang, url, title, date, "\n".join(term for term, _ in terms),
                      array("H", (min(score, HIGHEST_SCORE) for _, score in terms)).tobytes()), text


def _gaps_and_lengths(spans: list[tuple[int, int]]) -> list[int]:
    """Each word's distance from the last one's end and its length: small numbers, for a small file."""
    ends = [0, *(end for _start, end in spans)]
    return [number for (start, end), last in zip(spans, ends) for number in (start - last, end - start)]


def _utf16_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Python string indexes → JavaScript ones (they differ past U+FFFF)."""
    if _ASTRAL.search(text) is None:
        return spans
    table, units = [], 0
    for char in text:
        table.append(units)
        units += 2 if ord(char) > 0xFFFF else 1
    table.append(units)
    return [(table[start], table[end]) for start, end in spans]


def data_text(values: Iterable) -> list[str]:
    """The texts and numbers among front-matter values (inside mappings and lists too) that a page
    shows as its data, but not addresses: links and images are no words to search for."""
    found = []
    for value in values:
        if isinstance(value, Mapping):
            found += data_text(value.values())
        elif isinstance(value, (list, tuple)):
            found += data_text(value)
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = str(value)
            if not (is_external(text) or text.startswith(("/", "@/", "#"))):
                found.append(text)
    return found


_BLOCKS = frozenset("address article aside blockquote br dd details div dl dt figcaption figure footer h1 h2 h3 "
                    "h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th thead tr "
                    "ul".split())


# A tag as the sanitizer writes it (`pipeline.sanitize`): its name, then attributes whose quoted
# values may hold a `>`. The sanitizer writes every `<` of text as `&lt;` and drops comments.
_TAG = re.compile(r"""<(/?)([A-Za-z][^\t\n\f\r />]*)(?:"[^"]*"|'[^']*'|[^"'>])*>""")


def html_text(html: str) -> str:
    """The text a reader sees in a page body the pipeline rendered and sanitized: character
    references read, a space where a block element starts or ends (two for a `<br/>`)."""
    pieces, at = [], 0
    for tag in _TAG.finditer(html):
        pieces.append(unescape(html[at:tag.start()]))
        if tag[2].lower() in _BLOCKS:
            pieces.append("  " if not tag[1] and tag[0].endswith("/>") else " ")
        at = tag.end()
    pieces.append(unescape(html[at:]))
    return "".join(pieces)


# --- the index of a language ------------------------------------------------------------------------


def index_files(pages: Iterable[SearchPage], languages: tuple[str, ...], base_path: str,
                breaker: WordBreaker) -> dict[str, bytes]:
    """Every language's index files: site path → bytes."""
    pages = list(pages)
    by_id: dict[str, list[SearchPage]] = defaultdict(list)
    for page in pages:
        by_id[page.id].append(page)
    inside = _Inside(breaker)
    files = {}
    for lang in languages:
        listed = _newest_first([p for p in pages if p.lang == lang or not any(o.lang == lang for o in by_id[p.id])])
        files.update(_language_files(lang, listed, by_id, base_path, inside))
    return files


def _newest_first(pages: list[SearchPage]) -> list[SearchPage]:
    return sorted(pages, key=lambda p: (-(p.date.toordinal() if p.date else 0), p.url))


def _language_files(lang: str, pages: list[SearchPage], by_id: Mapping[str, list[SearchPage]], base_path: str,
                    inside: _Inside) -> dict[str, bytes]:
    whole: dict[str, list[int]] = defaultdict(list)  # term → page, score, page, score…
    for number, page in enumerate(pages):
        for term, score in page.terms:
            whole[term] += [number, score]
    within: dict[str, dict[int, int]] = defaultdict(dict)  # term → page → score, where it is inside a word
    for term, postings in whole.items():
        for piece in inside.pieces(term, whole):
            found = within[piece]
            for at in range(0, len(postings), 2):
                found[postings[at]] = min(HIGHEST_SCORE, found.get(postings[at], 0) + postings[at + 1])
    inner = {term: [value for number in sorted(found) for value in (number, found[number])]
             for term, found in within.items()}
    folder = f"{lang}/{SEARCH_FOLDER}"
    files, firsts = {}, []
    for number, chunk in enumerate(_chunks(whole, inner)):
        firsts.append("" if number == 0 else min(chunk["w"].keys() | chunk["i"].keys(), key=_utf16_key))
        files[f"{folder}/terms/{number}.json"] = _json(chunk)
    for number in range(0, max(len(pages), 1), PAGES_PER_RECORD_FILE):
        records = [_record(lang, page, by_id, base_path) for page in pages[number:number + PAGES_PER_RECORD_FILE]]
        files[f"{folder}/pages/{number // PAGES_PER_RECORD_FILE}.json"] = _json(records)
    files[f"{folder}/index.json"] = _json({"format": FORMAT, "lang": lang, "pages": len(pages), "chunks": firsts,
                                           "per_meta": PAGES_PER_RECORD_FILE})
    return files


def _chunks(whole: Mapping[str, list[int]], inner: Mapping[str, list[int]]) -> list[dict]:
    """The terms in order of UTF-16 code units (as JavaScript compares strings), cut into chunks
    of about CHUNK_BYTES. Always one chunk at least."""
    chunks = [{"w": {}, "i": {}}]
    size = 0
    for term in sorted(whole.keys() | inner.keys(), key=_utf16_key):
        weight = len(term.encode()) + 6 * (len(whole.get(term, ())) + len(inner.get(term, ())))
        if size and size + weight > CHUNK_BYTES:
            chunks.append({"w": {}, "i": {}})
            size = 0
        size += weight
        for key, postings in (("w", whole), ("i", inner)):
            if term in postings:
                chunks[-1][key][term] = postings[term]
    return chunks


def _utf16_key(term: str) -> bytes:
    return term.encode("utf-16-be")


def _record(lang: str, page: SearchPage, by_id: Mapping[str, list[SearchPage]], base_path: str) -> dict:
    return {"url": in_site(base_path, page.url), "title": page.title, "lang": page.lang,
            "date": page.date.isoformat() if page.date else None,
            "shown_date": format_date(page.date, lang) if page.date else "",
            "text": in_site(base_path, "/" + quote(text_path(page.lang, page.id))),
            "pairs": [{"lang": other.lang, "url": in_site(base_path, other.url), "title": other.title}
                      for other in sorted(by_id[page.id], key=lambda o: o.lang) if other.lang != page.lang]}


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class _Inside:
    """Which words stand inside a longer word that ICU keeps whole (ខេត្តតាកែវ, "Takeo province",
    holds ខេត្ត and តាកែវ), for the browser, whose segmenter may split it, to find them. A word is
    looked inside only where it splits into exactly two parts that ICU reads as one word each
    between two words it knows (និង "and" before and after: alone, ICU reads many a fragment as one
    unknown word, but between known words it cuts a fragment wrongly); a part of one letter
    cluster must also be a word of the index on its own. One part may be
    found inside another only through its own entry, never by splitting again: តាកែវ is not
    split into តា and កែវ."""

    def __init__(self, breaker: WordBreaker) -> None:
        self.breaker = breaker
        self.one_word: dict[str, bool] = {}

    def pieces(self, term: str, vocabulary: Mapping[str, list[int]]) -> set[str]:
        cuts = _cluster_cuts(term)
        if not cuts or len(cuts) >= LONGEST_COMPOUND:
            return set()
        found = set()
        for cut in cuts:
            left, right = term[:cut], term[cut:]
            if self._is_word(left, vocabulary) and self._is_word(right, vocabulary):
                found.update((left, right))
        return found

    def _is_word(self, piece: str, vocabulary: Mapping[str, list[int]]) -> bool:
        if not _cluster_cuts(piece) and piece not in vocabulary:
            return False  # a single cluster: a word only where the index has it standing alone
        known = self.one_word.get(piece)
        if known is None:
            read = [word.text for word in self.breaker.words(f"{_AND}{piece}{_AND}")]
            known = self.one_word[piece] = read == [_AND, piece, _AND]
        return known


def _cluster_cuts(text: str) -> list[int]:
    """Where a text of Khmer letters may be cut between letter clusters (none inside a cluster);
    [] when it is not all Khmer or is one cluster."""
    cuts, at = [], 0
    while at < len(text):
        if kind_of(text[at]) != BASE:
            return []
        at = scan_cluster(text, at).end
        cuts.append(at)
    return cuts[:-1]
