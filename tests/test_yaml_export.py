"""Every translated front-matter value gives front matter that reads back as the translation.

The Markdown export (`pipeline build --markdown`) writes each translation in place of its source
value. Whatever the source style (plain, single or double quoted, literal or folded block scalars
with chomping and indentation indicators), wherever the value stands (a key, a nested mapping, a
block or flow sequence, a list of mappings), and whatever the translation holds (Khmer, quotes, `#`,
`: `, leading spaces, tabs, line breaks, final line breaks), the exported front matter is valid
YAML that PyYAML and the project's own loader read as exactly the translation, every other value
unchanged; the source style is kept when it can hold the translation.
"""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import markdown
from pipeline.content import parse_article
from pipeline.export import export_markdown
from pipeline.segment import segments

TRANSLATED = ("title", "contact.address", "facilities[*]", "team.member[*].role")

# Where a value stands: the front matter with `{v}` for it, its key path, the column of the key or
# dash it belongs to (block scalar content goes further in), and whether it is inside a flow collection.
PLACES = [
    ("title: {v}\ndate: 2025-08-13\n", "title", 0, False),
    ("title: Centre\ncontact:\n  address: {v}\n  phone: '012'\ndate: 2025-08-13\n", "contact.address", 2, False),
    ("title: Centre\nfacilities:\n  - {v}\n  - library\ndate: 2025-08-13\n", "facilities[0]", 2, False),
    ("title: Centre\nteam:\n  member:\n    - role: {v}\n      name: Sok\n    - role: guard\n# a comment\n"
     "date: 2025-08-13\n", "team.member[0].role", 6, False),
    ("title: Centre\nfacilities: [{v}, library]\ndate: 2025-08-13\n", "facilities[0]", 0, True),
    ("title: Centre\ncontact: {{address: {v}, phone: '012'}}\ndate: 2025-08-13\n", "contact.address", 0, True),
]
FLOW_STYLES = ["plain", "single", "double"]
BLOCK_HEADERS = ["|", "|-", "|+", ">", ">-", ">+", "|2", ">2-", "| # a comment", ">+ # kept"]
STYLES = FLOW_STYLES + BLOCK_HEADERS

PIECES = ["ក្រសួង", "ប្រៃសណីយ៍", "និង", "word", "Old", " ", "  ", "\t", "\n", "\n\n", "\r\n", '"', "'", "#",
          ": ", ":", "- ", "[", "]", "{", "}", ",", "|", ">", "&", "*", "!", "%", "@", "`", "\\", "?", "---",
          "...", "១២០", "true", "null", "12", "\u200b", "\u00a0"]
TRANSLATION = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


def source_scalar(style: str, column: int) -> str:
    """The source value "Old text" over two lines where the style allows, written in `style`."""
    if style == "plain":
        return "Old text"
    if style == "single":
        return "'Old text'"
    if style == "double":
        return '"Old text"'
    digit = re.search(r"[1-9]", style)
    indent = " " * (column + (int(digit.group()) if digit else 3))
    extra = "\n" if "+" in style else ""
    return f"{style}\n{indent}Old text\n{indent}second line\n{extra}"


def front_matter(place: tuple, style: str) -> str:
    template, _, column, _ = place
    scalar = source_scalar(style, column)
    if scalar.endswith("\n"):  # a block scalar takes the line break after it
        template = template.replace("{v}\n", "{v}")
    return "---\n" + template.format(v=scalar) + "---\nBody text.\n"


def value_at(data, key_path: str):
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", key_path):
        data = data[int(part[1:-1])] if part.startswith("[") else data[part]
    return data


def exported(text: str, key_path: str, translation: str) -> tuple[str, object]:
    article = parse_article(text, "centers/a", "content/centers/a.md", "en")
    document = markdown.parse(article.body)
    units = segments(article, document, TRANSLATED)
    unit = next(u for u in units if u.key_path == key_path)
    out, problems = export_markdown(article, document, units, {(unit.msgctxt, unit.msgid): translation})
    assert problems == ()
    return out, article


def cases():
    for place in PLACES:
        for style in STYLES:
            if place[3] and style not in FLOW_STYLES:
                continue  # block scalars cannot stand inside a flow collection
            yield pytest.param(place, style, id=f"{place[1]}-{style}" + ("-flow" if place[3] else ""))


@pytest.mark.parametrize("place, style", list(cases()))
@settings(max_examples=60, deadline=None)
@given(translation=TRANSLATION)
def test_every_translated_value_reads_back_as_the_translation(place, style: str, translation: str) -> None:
    text = front_matter(place, style)
    key_path = place[1]
    out, article = exported(text, key_path, translation)
    head, _, body = out[4:].partition("\n---\n")
    assert body == "Body text.\n"
    expected = yaml.safe_load(text[4:].partition("\n---\n")[0])
    _set(expected, key_path, translation)
    assert yaml.safe_load(head) == expected  # PyYAML: the translation, every other value as it was
    again = parse_article(out, "centers/a", "content/centers/a.md", "en")  # the project's loader
    assert value_at(again.metadata, key_path) == translation
    assert {f.key_path: f.value for f in again.fields if f.key_path != key_path} == \
        {f.key_path: f.value for f in article.fields if f.key_path != key_path}


def _set(data, key_path: str, value) -> None:
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", key_path)
    for part in parts[:-1]:
        data = data[int(part[1:-1])] if part.startswith("[") else data[part]
    last = parts[-1]
    data[int(last[1:-1]) if last.startswith("[") else last] = value


BLOCKABLE = TRANSLATION.filter(lambda t: t.rstrip("\n")[:1] not in ("", " ", "\t", "\n") and "\r" not in t)


@pytest.mark.parametrize("header", BLOCK_HEADERS)
@pytest.mark.parametrize("place", [p for p in PLACES if not p[3]], ids=lambda p: p[1])
@settings(max_examples=30, deadline=None)
@given(translation=BLOCKABLE)
def test_a_block_scalar_stays_a_block_scalar_of_its_kind(place, header: str, translation: str) -> None:
    out, _ = exported(front_matter(place, header), place[1], translation)
    again = parse_article(out, "centers/a", "content/centers/a.md", "en")
    field = next(f for f in again.fields if f.key_path == place[1])
    assert field.value == translation and field.style == header[0]


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p[1] + ("-flow" if p[3] else ""))
@settings(max_examples=30, deadline=None)
@given(translation=TRANSLATION.filter(lambda t: "\n" not in t and "\r" not in t))
def test_a_single_quoted_value_stays_single_quoted(place, translation: str) -> None:
    out, _ = exported(front_matter(place, "single"), place[1], translation)
    again = parse_article(out, "centers/a", "content/centers/a.md", "en")
    field = next(f for f in again.fields if f.key_path == place[1])
    assert field.value == translation and field.style == "'"
