"""Property tests: for generated Markdown, every text unit reaches the template, deterministically."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import catalog, markdown
from pipeline.content import parse_article
from pipeline.po import format_po
from pipeline.segment import segments

WORD = st.sampled_from(["post", "office", "parcel", "Takeo", "digital", "skills", "ministry", "center",
                        "ប្រៃសណីយ៍", "ក្រសួង", "ឌីជីថល", "សហគមន៍", "2025", "hours", "letter", "school"])
SENTENCE = st.lists(WORD, min_size=2, max_size=9).map(lambda ws: " ".join(ws).capitalize() + ".")
INLINE = st.one_of(
    SENTENCE,
    st.tuples(SENTENCE, WORD).map(lambda p: f"{p[0]} **{p[1]}** more."),
    st.tuples(SENTENCE, WORD).map(lambda p: f"{p[0]} [{p[1]}](https://example.org/{p[1]}) end."),
    st.tuples(SENTENCE, WORD).map(lambda p: f"{p[0]} `{p[1]}` and *{p[1]}* words."),
)


@st.composite
def block(draw) -> tuple[str, list[str]]:
    """(markdown of one block, the inline texts a translator must see)."""
    kind = draw(st.sampled_from(["heading", "paragraph", "list", "nested", "quote", "table", "code", "images"]))
    if kind == "heading":
        text = draw(SENTENCE)
        return f"{'#' * draw(st.integers(1, 4))} {text}", [text]
    if kind == "paragraph":
        text = draw(INLINE)
        return text, [text]
    if kind == "list":
        items = draw(st.lists(INLINE, min_size=1, max_size=4))
        return "\n".join(f"- {i}" for i in items), items
    if kind == "nested":
        outer, inner = draw(INLINE), draw(st.lists(INLINE, min_size=1, max_size=3))
        return f"- {outer}\n" + "\n".join(f"  {n + 1}. {i}" for n, i in enumerate(inner)), [outer, *inner]
    if kind == "quote":
        text = draw(INLINE)
        return f"> {text}", [text]
    if kind == "table":
        cells = draw(st.lists(SENTENCE, min_size=4, max_size=4))
        return f"| {cells[0]} | {cells[1]} |\n|---|---|\n| {cells[2]} | {cells[3]} |", cells
    if kind == "images":
        alts = draw(st.lists(SENTENCE, min_size=1, max_size=3))
        return "\n".join(f"![{a}](img-{n}.jpg)" for n, a in enumerate(alts)), alts
    code = draw(SENTENCE)
    return f"```\n{code}\n```", []


@st.composite
def document(draw) -> tuple[str, list[str]]:
    blocks = draw(st.lists(block(), min_size=1, max_size=8))
    title = draw(SENTENCE)
    text = f"---\ntitle: {title}\ndate: 2025-08-13\n---\n" + "\n\n".join(b for b, _ in blocks) + "\n"
    return text, [title] + [unit for _, units in blocks for unit in units]


def template_text(text: str) -> str:
    article = parse_article(text, "news/generated", "content/news/generated.md", "en")
    units = segments(article, markdown.parse(article.body), ("title", "description"))
    info = catalog.CatalogInfo("p", "1", dt.datetime(2025, 8, 13, tzinfo=dt.timezone.utc))
    return format_po(catalog.template("t", article.path, units, info)), [u.msgid for u in units]


@settings(max_examples=150, deadline=None)
@given(document())
def test_every_text_unit_reaches_the_template_deterministically(doc) -> None:
    text, expected_units = doc
    first, msgids = template_text(text)
    with_words = {u for u in expected_units if re.search(r"[A-Za-z\u1780-\u17ff]", u)}
    assert with_words <= set(msgids)
    code_blocks = [line for line in text.split("```")[1::2]]
    for code in (c.strip() for c in code_blocks):
        if code and not any(code in unit for unit in expected_units):
            assert all(code not in m for m in msgids)
    second, _ = template_text(text)
    assert first == second
