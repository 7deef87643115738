"""The search record of a page is what the straightforward reading gives: the body's text as the
standard library's HTML parser reads the sanitized body, each ICU word counted where it stands,
its offsets mapped to JavaScript string indexes one word at a time. `pipeline.search` takes
shortcuts (a tag pattern for sanitizer output, word spans counted once per distinct word); these
tests hold them to that reading."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from html.parser import HTMLParser

import icu
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline import search
from pipeline.khmer import encoding
from pipeline.khmer.words import WordBreaker
from pipeline.sanitize import clean_body

BREAKER = WordBreaker()


class _ReferenceText(HTMLParser):
    """The text of an HTML fragment, with a space where a block element starts or ends."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in search._BLOCKS:
            self.pieces.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in search._BLOCKS:
            self.pieces.append(" ")

    def handle_data(self, data: str) -> None:
        self.pieces.append(data)


def reference_words(text: str) -> list[tuple[str, int, int]]:
    """ICU's words of a text, each boundary's UTF-16 index mapped to a string index as it comes."""
    breaker = icu.BreakIterator.createWordInstance(icu.Locale("km"))
    breaker.setText(text)
    index_of, units = {0: 0}, 0
    for index, char in enumerate(text, 1):
        units += 2 if ord(char) > 0xFFFF else 1
        index_of[units] = index
    found, start = [], 0
    for end in breaker:
        if breaker.getRuleStatus() >= 100:
            found.append((text[index_of[start]:index_of[end]], index_of[start], index_of[end]))
        start = end
    return found


def reference_text(html: str) -> str:
    reader = _ReferenceText()
    reader.feed(html)
    reader.close()
    return "".join(reader.pieces)


def reference_record(body_html: str, title: str, description: str) -> tuple[tuple, dict]:
    """The page's terms and text file, one word at a time."""
    body = search.repair(" ".join(reference_text(body_html).split()))
    scores: dict[str, int] = defaultdict(int)
    for text, weight in ((title, search.WEIGHTS["title"]), (description, search.WEIGHTS["description"])):
        for word, _start, _end in reference_words(search.repair(text)):
            for term in search.word_terms(word):
                scores[term] += weight
    units = [0]
    for char in body:
        units.append(units[-1] + (2 if ord(char) > 0xFFFF else 1))
    offsets, end = [], 0
    for word, start, stop in reference_words(body):
        terms = search.word_terms(word)
        for term in terms:
            scores[term] += search.WEIGHTS["body"]
        if terms:
            offsets += [units[start] - end, units[stop] - units[start]]
            end = units[stop]
    terms = tuple((term, min(score, search.HIGHEST_SCORE)) for term, score in sorted(scores.items()))
    return terms, {"text": body, "words": offsets}


# Pieces of HTML and text as translations bring them: tags the sanitizer keeps and drops, quoted
# attributes holding `>`, character references, Khmer with digits, astral characters, stray `<`.
PIECES = st.sampled_from([
    "<p>", "</p>", "<br>", "<br/>", "<li>", "</li>", "<em>", "</em>", "<strong>", "<code>", "</code>",
    '<a href="/x?a=1&amp;b=2">', '<a title="a > b">', "</a>", '<img alt="x > y" src="a.jpg">', "<script>",
    "</script>", "<!-- note -->", "<div class='c'>", "</div>", "<table><tr><td>", "</td></tr></table>",
    "&amp;", "&lt;", "&gt;", "&nbsp;", "&#x1F600;", "&quot;", "&copy", "< ", "<3", ">", "&", "\n",
    " ", "word", "Word's", "4,000", "3.5", "e.g.", "ខេត្តតាកែវ", "ឆ្នាំ២០២៥", "សម្ដេច", "ៗ", "\U0001F600", "𝒜bc",
])
HTMLISH = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(HTMLISH)
@example("<p>a<br/>b</p>")
@example('<p><img alt="1 > 0" src="x.png"> &amp;lt; &copy 2025</p>')
def test_the_text_of_a_sanitized_body_is_what_an_html_parser_reads(html: str) -> None:
    body = clean_body(html)
    assert search.html_text(body) == reference_text(body)


@settings(max_examples=200, deadline=None)
@given(HTMLISH, st.lists(PIECES, max_size=6).map("".join), st.lists(PIECES, max_size=6).map("".join))
@example("<p>ខេត្តតាកែវ \U0001F600 word word 𝒜bc ឆ្នាំ២០២៥</p>", "Word", "")
def test_a_page_record_is_its_words_counted_one_at_a_time(html: str, title: str, description: str) -> None:
    body = clean_body(html)
    found, text = search.page_search("a", "km", "/km/a/", title, description, body, dt.date(2025, 1, 1), BREAKER)
    assert (tuple(found.terms), json.loads(text)) == reference_record(body, title, description)


@settings(max_examples=200, deadline=None)
@given(HTMLISH)
def test_word_spans_are_icus_words(text: str) -> None:
    words = reference_words(text)
    assert BREAKER.spans(text) == [(start, end) for _, start, end in words]
    assert [(word.text, word.start, word.end) for word in BREAKER.words(text)] == words
    assert BREAKER.count(text) == len(words)


# Khmer clusters in and out of the standard order, the letters Unicode deprecates or discourages,
# zero-width characters, and other scripts.
KHMER_PIECES = st.sampled_from(["ក", "ា", "ុ", "ះ", "្រ", "្ដ", "្ក", "េ", "ី", "ឣ", "ឤ", "ឨ", "ឲ", "\u17b4", "\u17b5",
                                "\u17d3", "\u17d8", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "១", "។",
                                " ", "a", "\u25cc"])


@settings(max_examples=500, deadline=None)
@given(st.lists(KHMER_PIECES, max_size=20).map("".join))
def test_standard_khmer_is_each_run_made_standard_after_the_left_out_letters(text: str) -> None:
    reference = encoding._KHMER_RUN.sub(encoding._standard_run, text.translate(encoding._LEFT_OUT))
    assert encoding.standard_khmer(text) == reference


WORD_PIECES = st.sampled_from(["a", "A", "Σ", "ΑΣ", "σ", "İ", "ß", "'", ".", "ឆ្នាំ", "២០២៥", "15", "ៗ", "ឲ", "្ដ", "\u0301",
                               "\n", "x" * 40, "ក" * 20, "\U0001F600"])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(WORD_PIECES, min_size=1, max_size=4).map("".join), max_size=12))
def test_words_folded_together_have_the_terms_each_has_alone(words: list[str]) -> None:
    assert search.terms_of_words(words) == {word: reference_word_terms(word) for word in words}
    assert all(search.word_terms(word) == reference_word_terms(word) for word in words)


def reference_word_terms(word: str) -> list[str]:
    """A word's fold, or its letters and numbers apart when a number is glued to Khmer letters."""
    term = search.fold(word)
    if not term or search._KHMER_WITH_DIGITS.search(term) is None:
        return [term] if term else []
    return [piece for piece in search._DIGITS_OR_NOT.findall(term) if search.fold(piece)]


REFERENCE_ALIKE = str.maketrans({"\u17b2": "\u17b1", **{chr(0x17E0 + d): str(d) for d in range(10)}, "\u17d7": None})


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("aAΣİ \u17b2\u17b1\u17e0\u17e5\u17e9\u17d7\u17d2\u178a\u178f៣ក"), max_size=20))
def test_folding_reads_each_spelling_as_the_one_it_stands_for(text: str) -> None:
    reference = text.lower().replace("\u17d2\u178a", "\u17d2\u178f").translate(REFERENCE_ALIKE)
    assert search.folded(text) == reference
