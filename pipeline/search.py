"""The words of the site's search index: what each published page gives the index, made at build
time with the page (`pipeline.search_index` puts the pages' records together). Values in, bytes
out; no file I/O.

Khmer is written without spaces between words, so a search tool that splits text at spaces finds
whole sentences, not words. Here every text is split into words by ICU's dictionary (the same
breaker as word counts), after its Khmer is typed the standard way (`repair`: split vowels joined,
coeng RO last, zero-width characters dropped…), and each word is folded (`fold`: lower case, Khmer
digits as Latin ones, the spellings writers use alike made one). The browser does the same to the
query with `Intl.Segmenter`; the two segmenters do not always agree, so the index also knows which
words stand inside a longer word that ICU kept whole (`search_index._Inside`), and the browser can
put a query word together from several indexed words. The format, and how the browser matches,
is in `docs/SEARCH.md`.

Each published page has its text for excerpts at `<lang>/search/text/<article id>.json`, made
with the article's pages (`page_search`), so that an unchanged article's is kept as they are."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import unicodedata
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from html import unescape
from typing import Iterable, Iterator, Mapping

from pipeline.khmer.encoding import standard_khmer
from pipeline.khmer.words import WordBreaker
from pipeline.links import SEARCH_FOLDER
from pipeline.urls import is_external

LONGEST_TERM = 64  # UTF-16 units; longer "words" are pasted garbage, not something anyone types
WEIGHTS = {"title": 8, "description": 3, "body": 1}  # a word in the title counts as 8 in the body
HIGHEST_SCORE = 1000
_KHMER_WITH_DIGITS = re.compile("[\u1780-\u17ff][0-9]|[0-9][\u1780-\u17ff]")
_DIGITS_OR_NOT = re.compile("[0-9]+|[^0-9]+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # two UTF-16 units each
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
    digest: bytes = dataclasses.field(init=False, repr=False, compare=False)  # of all the above: two pages with one
    # digest give the index the same (`search_index` brings an index up to date by them)

    def __post_init__(self) -> None:
        content = repr((self.id, self.lang, self.url, self.title, self.date, self.words)).encode() + self.scores
        object.__setattr__(self, "digest", hashlib.blake2b(content, digest_size=16).digest())

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
    text = compact_json({"text": body, "words": _gaps_and_lengths(found)})
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


def compact_json(value) -> bytes:
    """JSON as the browser reads it: UTF-8, no spaces."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
