"""The shortcuts taken for speed give exactly what the general code gives.

Each fast path (plain inline Markdown, the bare-URL-free twin parser, ASCII line filling, the
regex letter counts, the reused ICU breaker, fuzzy matching in C++, the Khmer well-formedness
pass) is compared with the slow reference it replaces."""

from __future__ import annotations

import ctypes
import random
import unicodedata

import mistune
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import khmer, markdown, segment, similar
from pipeline.khmer import words
from pipeline.khmer.encoding import _ANY_KHMER, _every_finding, _plainly_well_formed
from pipeline.khmer.numbers import _NOT_PROSE, _NUMBER, canonical_digit_numbers
from pipeline.markdown.document import _image_only_alts
from pipeline.markdown.html import _PageRenderer
from pipeline.markdown.inline import _FootnoteKeys
from pipeline.markdown.setup import _flatten, _markdown
from pipeline.po import writer as po  # _reference_lines, and the _break_points it uses
from test_po import libunistring

# --- inline Markdown ------------------------------------------------------------------------

PIECES = list("ab h*_[]()!`<>~\\\n&#;:/.-") + [
    "http", "https://x.y/z", "www.a.b", "ttp", "&amp;", "&hellip;", "&#1;", "[^1]", "**", "~~", "ក", "ា",
    "  \n", "<a href='x'>", "</a>", "<b>", "![", "](", "<http://a.b>", "<a@b.c>", "[t](u)", "![i](p.jpg)"]


def reference_markdown() -> mistune.Markdown:
    """What markdown._markdown() stood for before its shortcuts."""
    renderer = _PageRenderer(escape=False)
    return mistune.create_markdown(escape=False, renderer=renderer, plugins=list(markdown.PLUGINS))


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=20).map("".join))
def test_inline_shortcuts_give_mistunes_tokens_html_and_features(text: str) -> None:
    ours, reference = _markdown(), reference_markdown()
    assert ours.inline(text, {}) == reference.inline(text, {})
    assert ours(text) == reference(text)
    env = {"ref_links": {}, "ref_footnotes": _FootnoteKeys()}
    tokens = list(_flatten(reference.inline(text, env)))
    found = markdown.inline_features(text, markdown.InlineReader())
    assert found.links == tuple(t["attrs"]["url"] for t in tokens if t["type"] == "link")
    assert found.code == tuple(t["raw"] for t in tokens if t["type"] == "codespan")
    assert found.strong == sum(t["type"] == "strong" for t in tokens)
    assert found.emphasis == sum(t["type"] == "emphasis" for t in tokens)


# --- PO line filling --------------------------------------------------------------------------


def test_ascii_line_filling_matches_libunistring() -> None:
    lib = libunistring()
    if lib is None:
        pytest.skip("libunistring >= 1.0 not available")
    fn = lib.u8_width_linebreaks_v2
    fn.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                   ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
    alphabet = [chr(c) for c in range(0x20, 0x7F)] + [" "] * 30 + list("abcdefghij") * 8
    rng = random.Random(8)
    for _ in range(3000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 250)))
        width, start = rng.randint(1, 90), rng.randint(0, 12)
        forbidden = [i for i in range(len(s)) if rng.random() < 0.05] if rng.random() < 0.5 else []
        overrides = bytes(1 if i in forbidden else 0 for i in range(len(s)))
        out = ctypes.create_string_buffer(len(s))
        fn(s.encode("ascii"), len(s), width, start, 0, overrides, b"UTF-8", out)
        expected = [i for i in range(len(s)) if out.raw[i] == 2]  # UC_BREAK_POSSIBLE
        assert po._break_points(s, width, start, forbidden) == expected, (s, width, start)


def test_a_single_plain_reference_is_written_as_it_is() -> None:
    assert po._reference_lines(("content/news/a.md:12",)) == ["#: content/news/a.md:12"]
    assert po._reference_lines(("./a.md:12",)) == ["#: a.md:12"]
    assert po._reference_lines(("a.md:012",)) == ["#: a.md:12"]


# --- Khmer letters and numbers, words ----------------------------------------------------------


def reference_khmer_ratio(text: str) -> float:
    prose = _NOT_PROSE.sub(" ", text)
    letters = [ch for ch in prose if unicodedata.category(ch)[0] in "LM"]
    native = [ch for ch in letters if "\u1780" <= ch <= "\u17ff" or "\u19e0" <= ch <= "\u19ff"]
    return len(native) / len(letters) if letters else 0.0


TEXT = st.lists(st.sampled_from(
    [chr(c) for c in range(0x1780, 0x1800)] + list("abcXYZ 019,.`%{}<>&;:/") + ["é", "\u0300", "ก", "中", "១,២០០",
                                                                                "1.5", "https://a.b/1", "`x1`"]),
    max_size=40).map("".join)


@settings(max_examples=1000, deadline=None)
@given(TEXT)
def test_khmer_ratio_and_numbers_count_as_the_plain_definitions(text: str) -> None:
    assert khmer.khmer_ratio(text) == reference_khmer_ratio(text)
    latin = khmer.to_latin_digits(text)
    expected = [n for m in _NUMBER.finditer(latin) for n in canonical_digit_numbers(m.group(0))]
    assert khmer.numbers_in(text) == tuple(expected)


def test_a_reused_word_breaker_counts_like_a_fresh_one() -> None:
    breaker = words.WordBreaker()
    for text in ["ខ្ញុំស្រលាញ់ភាសាខ្មែរ", "Two words.", "", "e.g. 1,000 km – ១២០ គីឡូម៉ែត្រ", "𝐀 astral 😀 ok"]:
        assert breaker.count(text) == len(words.words(text)) == len(breaker.words(text))
        assert words.count_words(text, breaker) == words.count_words(text)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(list("ab `:/.<>1 _\n") + ["www.", "https://", "mailto:", "ក", "`x`"]), max_size=12)
       .map("".join))
def test_translatable_text_is_found_with_or_without_the_shortcut(text: str) -> None:
    words_left = segment._URL.sub(" ", segment.without_code_spans(text))
    assert segment.is_translatable(text) == bool(text.strip() and segment._LETTER.search(words_left))


# --- fuzzy matching -------------------------------------------------------------------------


def lcs_similarity(a, b) -> float:
    """The reference: 2·LCS/(|a|+|b|) by the textbook dynamic programme."""
    if not a and not b:
        return 1.0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return 2 * previous[-1] / (len(a) + len(b))


def every_candidate_best(query, candidates, threshold, bonuses):
    """The reference search: every candidate scored, the highest at or above the threshold."""
    best, best_score = None, 0.0
    for index, candidate in enumerate(candidates):
        score = lcs_similarity(query, candidate)
        if score + 1e-9 >= threshold and (best is None or score + bonuses[index] > best_score + 1e-9):
            best, best_score = index, score + bonuses[index]
    return best


WORDS = st.sampled_from("the a new centre center minister opened in on Monday Siem Reap . , ក ខ្មែរ".split())


@settings(max_examples=400, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=10), st.lists(st.lists(WORDS, max_size=12), max_size=10),
       st.sampled_from([0.0, 0.5, 0.6, 0.7]), st.booleans(), st.randoms(use_true_random=False))
def test_fuzzy_search_in_cpp_finds_what_the_textbook_lcs_finds(query, candidates, threshold, as_text, rng) -> None:
    if as_text:  # character sequences, as catalog updates compare msgids
        query, candidates = " ".join(query), [" ".join(c) for c in candidates]
    for candidate in candidates:
        assert similar.similarity(query, candidate) == pytest.approx(lcs_similarity(query, candidate))
    bonuses = [rng.choice([0.0, 0.01]) for _ in candidates]
    assert similar.best_match(query, candidates, threshold, bonuses) == \
        every_candidate_best(query, candidates, threshold, bonuses)
    assert similar.best_match(query, candidates, threshold) == \
        every_candidate_best(query, candidates, threshold, [0.0] * len(candidates))


def test_a_candidate_exactly_at_the_threshold_is_found() -> None:
    query, candidate = "to market report health.", "Village to program health."  # LCS 15 of 50 characters
    assert lcs_similarity(query, candidate) == 0.6
    assert similar.best_match(query, [candidate], 0.6) == 0


# --- paragraphs made only of images ---------------------------------------------------------

ALT_PIECES = st.sampled_from(["a", "Photo", " ", "*", "_", "!", "&amp;", "&", "[", "]", "`", "<", ">", ":",
                              "\\", "http://x.y", "www.a.b", "[^1]", "ក", "(", ")", "'", '"', "~~", "#"])
URL_PIECES = st.sampled_from(["p.jpg", "@/assets/x/", "a b", "(", ")", "<", ">", "\\", "&", "%20", '"t"', "'", "#f",
                              "~~", "*", "_", "`", "http://a.b", "[", "]"])
SEPARATORS = st.sampled_from(["", " ", "\n", "  \n", " \t\n ", "\n\n", " and ", "\\\n"])


@st.composite
def image_paragraphs(draw) -> str:
    images = draw(st.lists(st.tuples(st.lists(ALT_PIECES, max_size=6).map("".join),
                                     st.lists(URL_PIECES, max_size=4).map("".join)), min_size=1, max_size=4))
    text = ""
    for alt, url in images:
        text += f"![{alt}]({url})" + draw(SEPARATORS)
    return text.strip(" \r\n\t\f")


@settings(max_examples=1500, deadline=None)
@given(image_paragraphs())
def test_plain_image_paragraphs_give_the_alts_mistune_finds(text: str) -> None:
    assert _image_only_alts(_markdown(twin=False), text, {}) == \
        _image_only_alts(reference_markdown(), text, {})


# --- inline tokens shared between the checks and the page ------------------------------------

BODY_PIECES = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(BODY_PIECES, min_size=1, max_size=5), st.lists(BODY_PIECES, min_size=1, max_size=5),
       st.sampled_from(["", "\n[r]: /target\n", "\n[^1]: A note.\n"]))
def test_tokens_shared_by_checks_and_rendering_give_the_same_pages(sources, translations, definitions) -> None:
    """Texts read for the checks first (as publishing reads each catalog), then pages rendered from
    the same memo: the HTML equals what fresh parsers give, rendered once or twice."""
    body = "\n\n".join(f"- {text}" if n % 2 else text for n, text in enumerate(sources)) + "\n" + definitions
    doc = markdown.parse(body)
    replaced = {slot.address: translations[n % len(translations)] for n, slot in enumerate(doc.slots)}
    memo = markdown.InlineMemo()
    reader, renderer = markdown.InlineReader(memo), markdown.Renderer(memo)
    for text in sources + translations:
        assert reader.features(text) == markdown.InlineReader().features(text)
    for _ in range(2):
        assert renderer.render(doc, replaced, {}) == markdown.render(doc, replaced, {})
        assert renderer.render(doc, {}, {}) == markdown.render(doc, {}, {})


@settings(max_examples=2000, deadline=None)
@given(image_paragraphs())
def test_plain_image_paragraphs_give_mistunes_tokens(text: str) -> None:
    assert _markdown().inline(text, {}) == reference_markdown().inline(text, {})


# --- Khmer well-formedness ------------------------------------------------------------------

# Consonants, independent vowels, dependent vowels, signs, coeng, digits and punctuation, zero-width
# space, and the neighbours that are not Khmer: every kind of character the fast pass tells apart.
KHMER_PIECES = st.sampled_from(list("កខគងចញដតនបមយរលវសហឡអឥឦឱាិីឹឺុូួើឿៀេែៃោៅំះៈ៉៊់៌៍៎៏័៑្៓។៕៖ៗ៘៙៚៛០១២៩") +
                               ["\u200b", "\u17b4", "\u17b5", "\u17dd", "្រ", "្ដ", "a", " ", ".", "1", "\u0301"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(KHMER_PIECES, max_size=14).map("".join))
def test_text_the_fast_pass_lets_through_has_no_finding(text: str) -> None:
    if _plainly_well_formed(text):
        assert _every_finding(text) == ()
    assert khmer.check_khmer(text) == (_every_finding(text) if _ANY_KHMER.search(text) else ())
