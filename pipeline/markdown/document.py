"""A Markdown body parsed into a `Document`: mistune's block tokens and the slots in them.

A parsed `Document` keeps mistune's block tokens *before* inline parsing, so each translatable
piece of inline Markdown (a `Slot`) can be swapped for its translation and the whole document
rendered by mistune exactly as the source would be. Each slot is located in the source: its line,
its verbatim span, and what its continuation lines start with.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

import mistune

from pipeline.markdown.setup import (_HEADING_ANCHOR, MAX_EMPHASIS_NESTING, _flatten, _markdown, _read_blocks,
                                     emphasis_nesting_bound)

Address = tuple  # path of child indexes into the token tree; may end in ("alt", n) or be ("footnote", key)


@dataclass(frozen=True)
class Slot:
    """One piece of inline Markdown in a document that a translation may replace."""

    kind: str  # heading, paragraph, list item, table cell, blockquote, footnote, image alt
    text: str  # the inline Markdown, stripped as mistune strips it
    address: Address
    line: int  # 1-based line within the body where the text starts
    span: tuple[int, int] | None  # offsets of the text in the body when it stands there verbatim
    prefix: str  # what continuation lines of this block start with in the source (e.g. "> ", "  ")
    keep: tuple[str, str] = ("", "")  # markup around the text that is not translated: `[!note] `, ` {#id}`


@dataclass(frozen=True)
class Document:
    """A parsed Markdown body. `tokens` and `env` are mistune's and must be treated as read-only."""

    tokens: tuple[dict, ...]
    env: Mapping[str, Any]
    slots: tuple[Slot, ...]

    @property
    def html_blocks(self) -> tuple[str, ...]:
        """The raw HTML blocks of the body (not translated: they hold no slot)."""
        return tuple(token["raw"] for token in _flatten(list(self.tokens)) if token["type"] == "block_html")

    @property
    def verbatim_blocks(self) -> tuple[str, ...]:
        """The code and raw HTML blocks of the body, in order: text that is never Markdown."""
        return tuple(token["raw"] for token in _flatten(list(self.tokens))
                     if token["type"] in ("block_code", "block_html"))


class Parser:
    """Parses many Markdown bodies with one mistune parser (making one costs about as much as
    parsing a short article). Keep each to one thread."""

    def __init__(self) -> None:
        self._md = _markdown(twin=False)  # its inline parser reads only paragraphs that start with an image

    def parse(self, body: str) -> Document:
        """The block structure of a Markdown body and every translatable slot in it."""
        state = _read_blocks(self._md, body)
        tokens = tuple(state.tokens)
        env = state.env
        slots = tuple(_walk(self._md, tokens, env, _Locator(body)))
        return Document(tokens=tokens, env=env, slots=slots)


def parse(body: str, parser: Parser | None = None) -> Document:
    """Parse the block structure of a Markdown body and find every translatable slot; pass a
    `parser` when parsing many bodies."""
    return (parser or Parser()).parse(body)


# --- finding the slots in the tokens ------------------------------------------------------------

_CALLOUT = re.compile(r"\[![\w-]+\][+-]?[ \t]*")  # Obsidian: `> [!note] Title`


def _walk(md: mistune.Markdown, tokens: tuple | list, env: Mapping, locator: _Locator, address: Address = (),
          context: str = "") -> Iterator[Slot]:
    """Every slot, in source order, located by `locator` (which steps over code and HTML blocks
    too: they hold no slot, but their text must not be taken for one)."""
    for index, token in enumerate(tokens):
        here = address + (index,)
        kind = token["type"]
        if "text" in token:
            text = token["text"].strip(" \r\n\t\f")
            if not text:
                continue
            if kind == "heading":
                yield locator.locate("heading", _HEADING_ANCHOR.sub("", text), here, text)
            elif kind == "table_cell":
                yield locator.locate("table cell", text, here, text)
            elif kind in ("paragraph", "block_text"):
                alts = _image_only_alts(md, text, env)
                if alts is not None:
                    for n, alt in enumerate(alts):
                        if alt.strip():
                            yield locator.locate("image alt", alt, here + ("alt", n), alt)
                elif context == "blockquote" and _CALLOUT.match(text):
                    yield locator.locate("callout", text[_CALLOUT.match(text).end():].lstrip(), here, text)
                else:
                    yield locator.locate(context or "paragraph", text, here, text)
        elif "children" in token:
            inner = {"block_quote": "blockquote", "list_item": "list item"}.get(kind, context)
            yield from _walk(md, token["children"], env, locator, here, inner)
        elif kind in ("block_code", "block_html") and token.get("raw", "").strip():
            locator.step_over(token["raw"])
    if not address:
        for key, raw in (env.get("ref_footnotes") or {}).items():
            text = raw.strip()
            if text:
                yield locator.locate("footnote", text, ("footnote", key), text)


def _image_only_alts(md: mistune.Markdown, text: str, env: Mapping) -> list[str] | None:
    """The raw alt texts when a paragraph holds nothing but images (and spaces), else None."""
    if not text.startswith("![") or emphasis_nesting_bound(text) > MAX_EMPHASIS_NESTING:
        return None  # (a unit nested that deep is refused, located, when its segments are made)
    inline = md.inline(text, dict(env))  # (plain images are read without mistune: `_plain_image_tokens`)
    images = [t for t in inline if t["type"] == "image"]
    others = [t for t in inline if t["type"] not in ("image", "softbreak", "linebreak")
              and not (t["type"] == "text" and not t["raw"].strip())]
    if not images or others:
        return None
    spans = _alt_spans(text)
    if len(spans) != len(images):
        return None
    return [text[start:end] for start, end in spans]


def _alt_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the alt text of each `![alt](…)` in order (brackets may nest, `\\` escapes)."""
    spans = []
    position = text.find("![")
    while position != -1:
        depth, cursor = 1, position + 2
        while cursor < len(text) and depth:
            char = text[cursor]
            if char == "\\":
                cursor += 1
            elif char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
            cursor += 1
        if depth:
            break
        spans.append((position + 2, cursor - 1))
        position = text.find("![", cursor)
    return spans


# --- locating the slots in the source -----------------------------------------------------------

_NEWLINE = re.compile("\n")
# A footnote definition's label, as mistune's footnotes plugin reads it (`[^label]:`).
_FOOTNOTE_DEFINITION = re.compile(r"\[\^((?:[^\\\[\]\s]|\\.){1,500})\]:")
_SINGLE_LINE_KINDS = ("heading", "table cell", "image alt")  # no continuation line in the source
_LINE_LEAD = re.compile(r"(?:[ \t>]|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))*(?:\[![\w-]+\][+-]?[ \t]*)?")
# A link reference definition's start; its label, as mistune reads it, is at most 999 characters.
_REFERENCE_DEFINITION = re.compile(r"[ \t>]*\[(?:[^\]\\]|\\.){1,999}\]:")


class _BodyIndex:
    """What locating slots asks of a body many times, each found once: where its lines start
    (line numbers and line starts by bisection), where the container markers of a line end, and
    where each footnote is defined. With them, a slot costs no rescan of its line or of the body,
    however many slots share a line (a wide table, a row of images) or follow (many footnotes)."""

    def __init__(self, body: str) -> None:
        self.body = body
        self._newlines = [found.start() for found in _NEWLINE.finditer(body)]
        self._lead_ends: dict[int, int] = {}
        self._footnotes: dict[str, int] | None = None

    def line_number(self, offset: int) -> int:
        """The 1-based line of the character at `offset`."""
        return bisect_left(self._newlines, offset) + 1

    def line_start(self, offset: int) -> int:
        """The offset where the line holding `offset` starts."""
        before = bisect_left(self._newlines, offset)
        return self._newlines[before - 1] + 1 if before else 0

    def lead_end(self, line_start: int) -> int:
        """Where the longest run of indentation and container markers from `line_start` ends."""
        end = self._lead_ends.get(line_start)
        if end is None:
            end = self._lead_ends[line_start] = _LINE_LEAD.match(self.body, line_start).end()
        return end

    def footnote_definition(self, key: str) -> int:
        """Where the first definition of the footnote `key` (mistune's key: `unikey(label)`)
        starts; 0 when none is found."""
        if self._footnotes is None:
            self._footnotes = {}
            for found in _FOOTNOTE_DEFINITION.finditer(self.body):
                self._footnotes.setdefault(mistune.unikey(found.group(1)), found.start())
        return self._footnotes.get(key, 0)


class _Locator:
    """Locates the slots of a body in source order, each searched for after the one before:
    attaches its source line, its verbatim span and its continuation prefix."""

    def __init__(self, body: str) -> None:
        self._index = _BodyIndex(body)
        self._cursor = 0  # where the next slot is searched from

    def step_over(self, block: str) -> None:
        """Move past a code or HTML block, which holds no slot."""
        last_line = block.rstrip("\n").rsplit("\n", 1)[-1].strip()
        at = self._index.body.find(last_line, self._cursor) if last_line else -1
        self._cursor = at + len(last_line) if at >= 0 else self._cursor

    def locate(self, kind: str, text: str, address: Address, raw: str) -> Slot:
        """The slot of `text`, found by the walk of the tokens in a token whose whole text is
        `raw` (with a heading's anchor, a callout's marker: kept, not translated). A "callout"
        is a blockquote that starts with its marker."""
        index, body = self._index, self._index.body
        footnote = address[0] == "footnote"
        start = index.footnote_definition(address[1]) if footnote else self._cursor
        span = _find_lines(index, text, start, kind)
        if span is None:
            first = text.split("\n", 1)[0].strip()
            at = body.find(first, start)
            line_offset = at if at >= 0 else start
            prefix = ""
            if at >= 0 and not footnote:  # the next slot stands after this one's first line
                self._cursor = at + len(first)
        else:
            line_offset = span[0]
            prefix = _continuation_prefix(index, span[0], text, kind)
            if not footnote:
                self._cursor = span[1]
        keep = ("", "")
        if kind == "heading":
            keep = ("", raw[len(text):])
        elif kind == "callout":
            kind, keep = "blockquote", (raw[: len(raw) - len(text)], "")
        return Slot(kind, text, address, index.line_number(line_offset), span, prefix, keep)


def _starts_block(index: _BodyIndex, begin: int, text: str) -> bool:
    """Whether only indentation and container markers (`>`, list bullets) precede `begin` on its
    line, and the line is not a link reference definition (which holds no slot)."""
    body = index.body
    line_start = index.line_start(begin)
    if begin > index.lead_end(line_start) or _LINE_LEAD.fullmatch(body, line_start, begin) is None:
        return False
    definition = _REFERENCE_DEFINITION.match(body, line_start)
    return definition is None or _REFERENCE_DEFINITION.match(text) is not None


def _find_lines(index: _BodyIndex, text: str, start: int, kind: str = "") -> tuple[int, int] | None:
    """Where `text` stands in the body from `start` on, each of its lines on consecutive lines.
    Paragraphs, list items and quotes must start their line (after container markers)."""
    body = index.body
    lines = text.split("\n")
    begin = body.find(lines[0], start)
    if kind in ("paragraph", "list item", "blockquote"):
        while begin >= 0 and not _starts_block(index, begin, text):
            begin = body.find(lines[0], begin + 1)
    if begin < 0:
        return None
    end = begin + len(lines[0])
    for line in lines[1:]:
        line_start = body.find("\n", end)
        if line_start < 0:
            return None
        line_end = body.find("\n", line_start + 1)
        line_end = len(body) if line_end < 0 else line_end
        stripped = line.lstrip(" \t")
        at = body.find(stripped, line_start + 1, line_end) if stripped else line_start + 1
        if at < 0:
            return None
        end = at + len(stripped)
    return begin, end


def _continuation_prefix(index: _BodyIndex, begin: int, text: str, kind: str) -> str:
    """What a new line inside this block must start with: taken from the source's second line,
    or derived from the first line's container markers (`> ` kept, list markers become spaces).
    A one-line heading, table cell or image alt has none: nothing can continue it on another
    line (and what stands before it on its line may be thousands of other cells or images)."""
    body = index.body
    if "\n" in text:
        second = body.find("\n", begin) + 1
        second_text = text.split("\n", 2)[1].lstrip(" \t")
        line_end = body.find("\n", second)
        at = body.find(second_text, second, len(body) if line_end < 0 else line_end) if second_text else second
        if at >= second:
            return body[second:at]
    elif kind in _SINGLE_LINE_KINDS:
        return ""
    lead = body[index.line_start(begin):begin]
    return "".join(c if c in ">\t" else " " for c in lead)
