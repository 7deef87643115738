"""Slots found in Markdown bodies, and rendering with substituted slots."""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pipeline import markdown
from pipeline.markdown import html_of, inline_features

BODY = """# Title with *emphasis*

First paragraph with a [link](https://example.org "Site") and `code`.
Second line of the same paragraph.

> Quoted words
> over two lines.

- Item one
  1. Nested first
  2. Nested second
- Item two

| Service | Code |
|---------|------|
| Balance | `*123#` |

```
code is never a slot
```

![Photo one](one.jpg)
![Photo two](two.jpg "Title")

A note.[^n]

[^n]: The footnote text.
"""


def slots_by_kind(body: str) -> list[tuple[str, str, int]]:
    return [(s.kind, s.text, s.line) for s in markdown.parse(body).slots]


def test_every_unit_kind_is_found_with_its_line() -> None:
    assert slots_by_kind(BODY) == [
        ("heading", "Title with *emphasis*", 1),
        ("paragraph", 'First paragraph with a [link](https://example.org "Site") and `code`.\n'
                      "Second line of the same paragraph.", 3),
        ("blockquote", "Quoted words\nover two lines.", 6),
        ("list item", "Item one", 9),
        ("list item", "Nested first", 10),
        ("list item", "Nested second", 11),
        ("list item", "Item two", 12),
        ("table cell", "Service", 14),
        ("table cell", "Code", 14),
        ("table cell", "Balance", 16),
        ("table cell", "`*123#`", 16),
        ("image alt", "Photo one", 22),
        ("image alt", "Photo two", 23),
        ("paragraph", "A note.[^n]", 25),
        ("footnote", "The footnote text.", 27),
    ]


def test_identity_substitution_renders_like_mistune() -> None:
    doc = markdown.parse(BODY)
    same = {s.address: s.text for s in doc.slots}
    assert markdown.render(doc, same, {}) == markdown.html_of(BODY)


def test_substitution_reaches_every_slot_and_marks_fallbacks() -> None:
    doc = markdown.parse(BODY)
    upper = {s.address: s.text.upper() for s in doc.slots if s.kind != "paragraph"}
    fallback = {s.address: "en" for s in doc.slots if s.kind == "paragraph"}
    html = markdown.render(doc, upper, fallback)
    assert '<p lang="en">First paragraph' in html
    assert "<h1>TITLE WITH <em>EMPHASIS</em></h1>" in html
    assert 'alt="PHOTO ONE"' in html and 'alt="PHOTO TWO"' in html and 'title="Title"' in html
    assert "<td>BALANCE</td>" in html
    assert "THE FOOTNOTE TEXT." in html
    assert "code is never a slot" in html


def test_parsed_document_is_not_changed_by_rendering() -> None:
    doc = markdown.parse(BODY)
    before = [s.text for s in doc.slots]
    markdown.render(doc, {s.address: "x" for s in doc.slots}, {})
    assert [s.text for s in markdown.parse(BODY).slots] == before
    assert markdown.render(doc, {}, {}) == markdown.html_of(BODY)


def test_a_paragraph_with_text_beside_images_is_one_unit() -> None:
    assert slots_by_kind("See ![a](a.png) here.\n") == [("paragraph", "See ![a](a.png) here.", 1)]


def test_spans_point_at_the_verbatim_source() -> None:
    for slot in markdown.parse(BODY).slots:
        if slot.span and "\n" not in slot.text:
            assert BODY[slot.span[0]:slot.span[1]] == slot.text


@pytest.mark.parametrize("name", ["commonmark.json", "gfm.json"])
def test_identity_round_trip_on_spec_examples(corpora, name) -> None:
    """With every translation equal to its source, the HTML equals mistune's for every example."""
    examples = json.loads((corpora / name).read_text(encoding="utf-8"))
    mismatched = []
    for example in examples:
        source = example["markdown"]
        doc = markdown.parse(source)
        if markdown.render(doc, {s.address: s.text for s in doc.slots}, {}) != markdown.html_of(source):
            mismatched.append(example["example"])
    assert mismatched == []


@pytest.mark.parametrize("name", ["commonmark.json", "gfm.json"])
def test_one_parser_for_many_bodies_parses_each_as_a_fresh_one(corpora, name) -> None:
    """A parser reused from example to example (as extraction and publishing reuse one per
    process) carries nothing over: each document equals the one a new parser makes."""
    examples = json.loads((corpora / name).read_text(encoding="utf-8"))
    parser = markdown.Parser()
    for example in examples + examples[:50]:
        assert parser.parse(example["markdown"]) == markdown.parse(example["markdown"]), example["example"]


# --- emphasis next to Khmer combining marks ------------------------------------------------------------

# Khmer letters, a vowel sign (ា), a sign (ះ), a diacritic (៍), the coeng (្), a zero-width space,
# Latin, digits, punctuation of both scripts, spaces, and every emphasis marker.
_FLANKING_PIECES = ("ក", "ា", "ះ", "៍", "្", "\u200b", "a", "1", " ", ".", "។", "(", ")", "*", "**", "_", "__")


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_FLANKING_PIECES), min_size=2, max_size=14).map("".join))
def test_emphasis_opens_and_closes_as_commonmark_says_next_to_khmer_marks(text):
    """A Khmer word ends in a vowel sign or a diacritic more often than not: those are combining
    marks, which CommonMark counts as neither whitespace nor punctuation. Where `*` and `_` open
    and close emphasis, our pages agree with markdown-it-py, an independent CommonMark reader."""
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py is a test dependency")
    text = text.strip()
    assume(text and not text.startswith("* "))  # ("* *" is a list holding an empty list: not emphasis, and
    assert html_of(text) == markdown_it.MarkdownIt("commonmark").render(text)  # mistune spaces it otherwise)


@pytest.mark.parametrize("khmer, words", [
    ("ផ្ដល់នូវ**មូលដ្ឋានគ្រឹះ**ពីបច្ចេកវិទ្យា", "មូលដ្ឋានគ្រឹះ"),
    ("ក្រសួង**ប្រៃសណីយ៍**និងទូរគមនាគមន៍", "ប្រៃសណីយ៍"),
    ("សិស្ស*ថ្នាក់ទី១០*ទាំងអស់", "ថ្នាក់ទី១០"),
])
def test_khmer_bold_and_italic_without_spaces_are_read_and_published(khmer, words):
    html = html_of(khmer)
    assert f">{words}</" in html and "*" not in html
    assert inline_features(khmer).strong + inline_features(khmer).emphasis == 1
