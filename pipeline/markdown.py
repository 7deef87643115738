"""Markdown through mistune: block parsing with source positions, slot substitution, HTML rendering.

The one module that imports mistune. A parsed `Document` keeps mistune's block tokens *before*
inline parsing, so each translatable piece of inline Markdown (a `Slot`) can be swapped for its
translation and the whole document rendered by mistune exactly as the source would be.
"""

from __future__ import annotations

import copy
import re
import string
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

import mistune
from mistune.core import BlockState, InlineState
from mistune.inline_parser import InlineParser
from mistune.plugins import import_plugin
from mistune.renderers.html import HTMLRenderer
from mistune.renderers.markdown import MarkdownRenderer
from mistune.util import escape as escape_text

from pipeline.urls import url_problem

PLUGINS = ("table", "strikethrough", "footnotes", "task_lists", "url")

Address = tuple  # path of child indexes into the token tree; may end in ("alt", n) or be ("footnote", key)

_BLOCK_TAG = re.compile(r"^(\s*<[a-zA-Z0-9]+)")


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


def _keep_url(kind: str, url: str) -> str:
    return url


class _PageRenderer(HTMLRenderer):
    """mistune's HTML renderer, plus a `lang` attribute on blocks that fall back to the source,
    a hook that maps link and image URLs (to paired pages, to published assets), and, on a
    translated page, raw HTML shown as text unless the source article has the very same markup
    (`trusted_html`; None on a source page)."""

    def __init__(self, escape: bool, rewrite_url: Callable[[str, str], str] = _keep_url):
        super().__init__(escape=escape)
        self._rewrite_url = rewrite_url
        self.trusted_html: frozenset[str] | None = None

    def inline_html(self, html: str) -> str:
        if self.trusted_html is not None and html not in self.trusted_html:
            return escape_text(html)
        return super().inline_html(html)

    def block_html(self, html: str) -> str:
        if self.trusted_html is not None and html not in self.trusted_html:
            return "<p>" + escape_text(html.strip()) + "</p>\n"
        return super().block_html(html)

    def link(self, text: str, url: str, title: str | None = None) -> str:
        return super().link(text, self._rewrite_url("link", url), title)

    def image(self, text: str, url: str, title: str | None = None) -> str:
        return super().image(text, self._rewrite_url("image", url), title)

    def render_token(self, token: dict, state: BlockState) -> str:
        lang = (token.get("attrs") or {}).get("lang")
        if lang is None:
            return super().render_token(token, state)
        attrs = {k: v for k, v in token["attrs"].items() if k != "lang"}
        html = super().render_token({**token, "attrs": attrs}, state)
        attribute = f' lang="{self.escape_attribute(lang)}"'
        tagged = _BLOCK_TAG.match(html)
        if tagged:
            return html[: tagged.end()] + attribute + html[tagged.end():]
        return f"<span{attribute}>{html}</span>"


# Every character that can start inline syntax with our plugins (escape, code, emphasis, links,
# images, footnotes, autolinks, raw HTML, line breaks, strikethrough, bare URLs), and `&`, where
# mistune keeps character references whole. Text without any of them is one text token.
_INLINE_SYNTAX = re.compile(r"[\\`*_!\[\]<>\n\r~&]|http")


class _InlineParser(InlineParser):
    """mistune's inline parser with two shortcuts that change no token. Plain text (most units
    have no markup) becomes the single text token mistune's own scan would end up with. Text
    without `http` goes to a twin parser without the bare-URL rule, which cannot match there:
    with it, mistune stops its text scan at every `h` (URLs start with one), and every stop
    costs a regex match and a text token to merge again. Making the twin costs about as much as
    parsing a paragraph: `twin=False` when the parser reads a few short texts only."""

    def __init__(self, plugins: tuple[str, ...] = PLUGINS, twin: bool = True, memo: dict | None = None) -> None:
        super().__init__()
        self._plugins = plugins
        self._twin = twin and "url" in plugins
        self._without_urls: InlineParser | None = None  # the twin, made when first needed
        self.memo = memo  # text → tokens, shared with other parsers (see `InlineMemo`)

    def __call__(self, s: str, env) -> list[dict[str, Any]]:
        """mistune's tokens of `s`; looked up in the memo when no reference definition can change them."""
        memo = self.memo
        if memo is None or "[^" in s or env.get("ref_links"):
            return super().__call__(s, env)
        tokens = memo.get(s)
        if tokens is None:
            tokens = memo[s] = super().__call__(s, env)
        return tokens

    def parse(self, state: InlineState) -> list[dict[str, Any]]:
        src = state.src
        if src.startswith("!["):  # a paragraph of images, as editors paste them: often read without mistune
            tokens = _plain_image_tokens(src)
            if tokens is not None:
                state.tokens = tokens
                return tokens
        if _INLINE_SYNTAX.search(src) is None:
            self.process_text(src, state)
            state.tokens = self.finalize_tokens(state.tokens, state.depth)
            return state.tokens
        if self._twin and "http" not in src and "&" not in src:
            if self._without_urls is None:
                plugins = tuple(name for name in self._plugins if name != "url")
                self._without_urls = mistune.Markdown(inline=_InlineParser(plugins),
                                                      plugins=[import_plugin(name) for name in plugins]).inline
            return self._without_urls.parse(state)
        return super().parse(state)


def _markdown(rewrite_url: Callable[[str, str], str] = _keep_url, twin: bool = True,
              memo: dict | None = None) -> mistune.Markdown:
    """What `mistune.create_markdown(escape=False, renderer=…, plugins=PLUGINS)` makes, with
    the shortcuts of `_InlineParser` in its inline parser."""
    renderer = _PageRenderer(escape=False, rewrite_url=rewrite_url)
    md = mistune.Markdown(renderer=renderer, inline=_InlineParser(twin=twin, memo=memo),
                          plugins=[import_plugin(name) for name in PLUGINS])
    md.before_render_hooks.append(_heading_anchors)
    use_linear_rules(md)
    return md


def _heading_anchors(md: mistune.Markdown, state: BlockState) -> None:
    """`## Title {#title}` (Hugo, Pandoc, kramdown) becomes `<h2 id="title">Title</h2>`."""
    for token in _flatten(state.tokens):
        if token["type"] == "heading" and "text" in token:
            found = _HEADING_ANCHOR.search(token["text"].rstrip())
            if found:
                token["text"] = token["text"].rstrip()[: found.start()]
                token["attrs"] = {**token.get("attrs", {}), "id": found.group(1)}


def html_of(text: str) -> str:
    """mistune's HTML of a Markdown text: the reference every translated page is compared with."""
    return _markdown()(text)


class Parser:
    """Parses many Markdown bodies with one mistune parser (making one costs about as much as
    parsing a short article). Keep each to one thread."""

    def __init__(self) -> None:
        self._md = _markdown(twin=False)  # its inline parser reads only paragraphs that start with an image

    def parse(self, body: str) -> Document:
        """The block structure of a Markdown body and every translatable slot in it."""
        md = self._md
        state = md.block.state_cls()
        state.process(_normalise(body))
        md.block.parse(state)
        tokens = tuple(state.tokens)
        env = state.env
        slots = tuple(_locate(body, list(_walk(md, tokens, env))))
        return Document(tokens=tokens, env=env, slots=slots)


def use_linear_rules(md: mistune.Markdown) -> None:
    """Replace the rules of mistune's block parser that take more than linear time on some text
    with rules that give the same tokens in linear time: today the ATX heading, whose closing
    `#`s mistune removes with the regex `(\\s+|^)#+\\s*$`, quadratic in a run of blanks (a
    heading with 40,000 spaces took 35 s)."""
    md.block.register("atx_heading", None, _atx_heading)


def _atx_heading(block: Any, found: re.Match[str], state: BlockState) -> int:
    """mistune's ATX heading token (`## Title ##` → level 2, text `Title`)."""
    text = _without_closing_hashes(found.group("atx_2").strip(string.whitespace))
    state.append_token({"type": "heading", "text": text, "attrs": {"level": len(found.group("atx_1"))},
                        "style": "atx"})
    return found.end() + 1


def _without_closing_hashes(text: str) -> str:
    """`text` without an ATX heading's closing sequence: blanks, then `#`s, then blanks to the end
    (or `#`s and blanks only). One backward scan."""
    end = len(text.rstrip())
    hashes = end
    while hashes > 0 and text[hashes - 1] == "#":
        hashes -= 1
    if hashes == end:
        return text  # no closing `#`
    blanks = hashes
    while blanks > 0 and text[blanks - 1].isspace():
        blanks -= 1
    if blanks == hashes and hashes > 0:
        return text  # `#`s glued to a word (`C#`) close nothing
    return text[:blanks]


def parse(body: str, parser: Parser | None = None) -> Document:
    """Parse the block structure of a Markdown body and find every translatable slot; pass a
    `parser` when parsing many bodies."""
    return (parser or Parser()).parse(body)


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.endswith("\n") else text + "\n"


class InlineMemo(dict):
    """The inline tokens of texts (text → mistune's tokens), shared by an `InlineReader` and a
    `Renderer`, so that a translation checked is not parsed again to be published. Only texts no
    reference definition or footnote can change are kept; the tokens are read, never changed.
    Clear it between articles: it holds every text it saw."""


class Renderer:
    """Renders many documents with one mistune instance (making one costs more than rendering a
    short page). Keep each to one thread."""

    def __init__(self, memo: InlineMemo | None = None) -> None:
        self._rewrite_url = _keep_url
        self._md = _markdown(lambda kind, url: self._rewrite_url(kind, url), memo=memo)

    def render(self, doc: Document, replacements: Mapping[Address, str], fallback: Mapping[Address, str],
               rewrite_url: Callable[[str, str], str] = _keep_url, translated: bool = False) -> str:
        """See `render`."""
        self._rewrite_url = rewrite_url
        page = self._md.renderer
        page.trusted_html = _source_html(self._md, doc) if translated else None
        try:
            return _render(self._md, doc, replacements, fallback)
        finally:
            self._rewrite_url = _keep_url
            page.trusted_html = None


def render(doc: Document, replacements: Mapping[Address, str], fallback: Mapping[Address, str],
           rewrite_url: Callable[[str, str], str] = _keep_url, renderer: Renderer | None = None,
           translated: bool = False) -> str:
    """HTML of the document with slot texts replaced; `fallback` slots get a `lang` attribute;
    `rewrite_url(kind, url)` maps each link ("link") and image ("image") URL. When the
    replacements are `translated` (untrusted text), raw HTML the source article does not have is
    shown as text. Pass a `renderer` when rendering many documents."""
    return (renderer or Renderer()).render(doc, replacements, fallback, rewrite_url, translated)


def _source_html(md: mistune.Markdown, doc: Document) -> frozenset[str]:
    """Every piece of raw HTML in the source document: its HTML blocks and the inline HTML of its
    units, as mistune tokenizes them."""
    found = set(doc.html_blocks)
    for slot in doc.slots:
        if "<" not in slot.text:
            continue
        found.update(token["raw"] for token in _flatten(md.inline(slot.text, dict(doc.env)))
                     if token["type"] == "inline_html")
        if slot.address[0] == "footnote":  # a footnote is read as blocks: it may hold HTML blocks
            state = md.block.state_cls()
            state.process(_normalise(slot.text))
            md.block.parse(state)
            found.update(token["raw"] for token in _flatten(state.tokens) if token["type"] == "block_html")
    return frozenset(found)


def _render(md: mistune.Markdown, doc: Document, replacements: Mapping[Address, str],
            fallback: Mapping[Address, str]) -> str:
    kept = {slot.address: slot.keep for slot in doc.slots if slot.keep != ("", "")}
    tokens = _copied(list(doc.tokens))
    env = _copied(dict(doc.env))
    alt_edits: dict[Address, dict[int, str]] = {}
    for address, text in replacements.items():
        if address[0] == "footnote":
            env["ref_footnotes"][address[1]] = text + "\n"
        elif len(address) > 2 and address[-2] == "alt":
            alt_edits.setdefault(address[:-2], {})[address[-1]] = text
        else:
            before, after = kept.get(address, ("", ""))
            _token_at(tokens, address)["text"] = before + text + after
    for address, edits in alt_edits.items():
        token = _token_at(tokens, address)
        token["text"] = _replace_alts(token["text"], edits)
    for address, lang in fallback.items():
        if address[0] != "footnote" and "alt" not in address:
            token = _token_at(tokens, address)
            token["attrs"] = {**(token.get("attrs") or {}), "lang": lang}
    state = md.block.state_cls()
    state.tokens = tokens
    state.env = env
    for hook in md.before_render_hooks:
        hook(md, state)
    result = md.render_state(state)
    for after in md.after_render_hooks:
        result = after(md, result, state)
    return result


def _copied(value: Any) -> Any:
    """A deep copy of mistune's token tree (dicts, lists and strings), faster than copy.deepcopy."""
    kind = type(value)
    if kind is dict:
        return {key: _copied(item) for key, item in value.items()}
    if kind is list:
        return [_copied(item) for item in value]
    if kind is str or kind is int or kind is bool or value is None:
        return value
    return copy.deepcopy(value)


def _token_at(tokens: list, address: Address) -> dict:
    token = tokens[address[0]]
    for index in address[1:]:
        token = token["children"][index]
    return token


# --- finding the slots --------------------------------------------------------------------------


def _walk(md: mistune.Markdown, tokens: tuple | list, env: Mapping, address: Address = (),
          context: str = "") -> Iterator[tuple[str, str, Address, str]]:
    """(kind, text, address, whole token text) for every slot, in source order."""
    for index, token in enumerate(tokens):
        here = address + (index,)
        kind = token["type"]
        if "text" in token:
            text = token["text"].strip(" \r\n\t\f")
            if not text:
                continue
            if kind == "heading":
                yield "heading", _HEADING_ANCHOR.sub("", text), here, text
            elif kind == "table_cell":
                yield "table cell", text, here, text
            elif kind in ("paragraph", "block_text"):
                alts = _image_only_alts(md, text, env)
                if alts is not None:
                    for n, alt in enumerate(alts):
                        if alt.strip():
                            yield "image alt", alt, here + ("alt", n), alt
                elif context == "blockquote" and _CALLOUT.match(text):
                    yield "callout", text[_CALLOUT.match(text).end():].lstrip(), here, text
                else:
                    yield context or "paragraph", text, here, text
        elif "children" in token:
            inner = {"block_quote": "blockquote", "list_item": "list item"}.get(kind, context)
            yield from _walk(md, token["children"], env, here, inner)
        elif kind in ("block_code", "block_html") and token.get("raw", "").strip():
            yield _SKIP, token["raw"], here, token["raw"]  # not a slot, but the locator must step over it
    if not address:
        for key, raw in (env.get("ref_footnotes") or {}).items():
            text = raw.strip()
            if text:
                yield "footnote", text, ("footnote", key), text


# The characters mistune keeps as they are in a link destination (it percent-encodes the others, and
# reads `&` as the start of a character reference).
_PLAIN_IMAGE = re.compile(r"!\[([^\\`*_!\[\]<>\n\r~&:]*)\]\(([A-Za-z0-9!#$%*+,\-./:;=?@_~]*)\)(?:(\n)|( +))?")


def _plain_image_tokens(text: str) -> list[dict[str, Any]] | None:
    """mistune's tokens for images with plain alt texts and plain ASCII URLs, one per line or
    spaces apart; None for any other text."""
    tokens: list[dict[str, Any]] = []
    position = 0
    while position < len(text):
        found = _PLAIN_IMAGE.match(text, position)
        if found is None:
            return None
        alt, url, newline, spaces = found.groups()
        tokens.append({"type": "image", "children": [{"type": "text", "raw": alt}] if alt else [],
                       "attrs": {"url": url}})
        position = found.end()
        if newline or spaces:
            if position == len(text):
                return None  # (mistune's texts never end with a space)
            tokens.append({"type": "softbreak"} if newline else {"type": "text", "raw": spaces})
    return tokens


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


def _replace_alts(text: str, edits: Mapping[int, str]) -> str:
    spans = _alt_spans(text)
    for n in sorted(edits, reverse=True):
        start, end = spans[n]
        alt = edits[n] if edits[n] == text[start:end] else enclosed_alt(edits[n])
        text = text[:start] + alt + text[end:]
    return text


def enclosed_alt(alt: str) -> str:
    """An alt text written to stay inside the brackets of its `![…](…)`: a translation cannot
    close the image and open another link. Brackets get a backslash; escapes stay as they are,
    and a backslash left at the end (which would escape the closing bracket) is doubled."""
    out, position = [], 0
    while position < len(alt):
        char = alt[position]
        if char == "\\":
            out.append(alt[position:position + 2] if position + 1 < len(alt) else "\\\\")
            position += 2
            continue
        out.append("\\" + char if char in "[]" else char)
        position += 1
    return "".join(out)


_SKIP = "skip"  # code and HTML blocks: text a slot must not be found in
# `## Title {#title}`. The look-behind starts a match only at the first blank of a run: from every
# blank of a long run, `[ \t]+` would read the rest of the run again (quadratic time).
_HEADING_ANCHOR = re.compile(r"(?<![ \t])[ \t]+\{#([\w.:-]+)\}$")
_CALLOUT = re.compile(r"\[![\w-]+\][+-]?[ \t]*")  # Obsidian: `> [!note] Title`
_NEWLINE = re.compile("\n")
# A footnote definition's label, as mistune's footnotes plugin reads it (`[^label]:`).
_FOOTNOTE_DEFINITION = re.compile(r"\[\^((?:[^\\\[\]\s]|\\.){1,500})\]:")
_SINGLE_LINE_KINDS = ("heading", "table cell", "image alt")  # no continuation line in the source


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


def _locate(body: str, found: list[tuple[str, str, Address, str]]) -> Iterator[Slot]:
    """Attach source lines, verbatim spans and continuation prefixes, scanning forward in order."""
    index = _BodyIndex(body)
    cursor = 0
    for kind, text, address, raw_text in found:
        if kind == _SKIP:
            last_line = text.rstrip("\n").rsplit("\n", 1)[-1].strip()
            at = body.find(last_line, cursor) if last_line else -1
            cursor = at + len(last_line) if at >= 0 else cursor
            continue
        footnote = address[0] == "footnote"
        start = index.footnote_definition(address[1]) if footnote else cursor
        span = _find_lines(index, text, start, kind)
        if span is None:
            first = text.split("\n", 1)[0].strip()
            at = body.find(first, start)
            line_offset = at if at >= 0 else start
            prefix = ""
            if at >= 0 and not footnote:  # the next slot stands after this one's first line
                cursor = at + len(first)
        else:
            line_offset = span[0]
            prefix = _continuation_prefix(index, span[0], text, kind)
            if not footnote:
                cursor = span[1]
        keep = ("", "")
        if kind == "heading":
            keep = ("", raw_text[len(text):])
        elif kind == "callout":
            kind, keep = "blockquote", (raw_text[: len(raw_text) - len(text)], "")
        yield Slot(kind, text, address, index.line_number(line_offset), span, prefix, keep)


_LINE_LEAD = re.compile(r"(?:[ \t>]|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))*(?:\[![\w-]+\][+-]?[ \t]*)?")


# A link reference definition's start; its label, as mistune reads it, is at most 999 characters.
_REFERENCE_DEFINITION = re.compile(r"[ \t>]*\[(?:[^\]\\]|\\.){1,999}\]:")


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


# --- what mistune's inline parser may take super-linear time on ------------------------------------

# mistune 3.4 nests emphasis, strong and strikethrough at most 20 deep (less inside links). Past
# that depth it refuses each further closing run after walking every token between it and its
# opener: 21 nested `*a ` and 8,000 ` a*` after them took 20 s to parse (time grows with the
# square of the closers). Below the depth, or with few closing runs after the deep point, it is
# linear. A unit where both could happen is refused before mistune reads it
# (`emphasis_nesting_bound`); real text measures 4 at most in the corpora, and the margin covers
# links and strikethrough around emphasis.
MAX_EMPHASIS_NESTING = 16
# Marker runs, and everything else that can start inline syntax (a match between two runs means
# they may not pair as plain text would).
_NESTING_SCAN = re.compile(r"(\*+|_+|~+)|[\\`\[\]<>\n&]|://|www\.")


def emphasis_nesting_bound(text: str) -> int:
    """How much nesting mistune may have to walk through in a unit of inline Markdown, in one pass:
    the largest, over the points of the text, of the smaller of the marker characters (`*`, `_`,
    `~`) open there and the marker runs after it that can close. Where it is at most 19, mistune
    refuses at most that many closing runs (none at all when nothing nests 20 deep).

    A run can open unless a blank follows it, and close unless a blank precedes it (`_` between
    letters does neither; a backslash escapes a run's first character). It stays open until a
    run that surely closes it: the next match of the scan, of the same marker and length, with a
    letter or digit before it, when the opener has a letter or digit after it (mistune pairs such
    runs whatever else the text holds). So `**a** **b**` and `a*b*c` measure 2 however long."""
    open_after: list[int] = []  # after each run: marker characters open
    closing: list[bool] = []  # each run: whether it can close
    open_chars = 0
    previous = None  # the previous match of the scan: (marker, length) of a run that surely opens
    for found in _NESTING_SCAN.finditer(text):
        if found.group(1) is None:
            previous = None
            continue
        start, end = found.span()
        backslashes = start
        while backslashes > 0 and text[backslashes - 1] == "\\":  # each backslash run is read once
            backslashes -= 1
        start += (start - backslashes) % 2  # `\*` is a literal asterisk
        marker, length = text[end - 1], end - start
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if length == 0 or (marker == "_" and before.isalnum() and after.isalnum()):
            previous = None
            continue
        if previous == (marker, length) and before.isalnum():
            open_chars -= length  # this run closes the one just before it
            previous = None
        else:
            open_chars += 0 if after.isspace() else length
            previous = (marker, length) if after.isalnum() else None
        open_after.append(open_chars)
        closing.append(not before.isspace())
    bound, closers_after = 0, 0
    for opened, closes in zip(reversed(open_after), reversed(closing)):
        bound = max(bound, min(opened, closers_after))
        closers_after += closes
    return bound


# --- what a unit of inline Markdown contains (for translation checks) ---------------------------------


@dataclass(frozen=True)
class InlineFeatures:
    """The parts of inline Markdown a translation must keep."""

    links: tuple[str, ...]
    images: tuple[str, ...]
    code: tuple[str, ...]
    strong: int
    emphasis: int
    strikethrough: int
    footnotes: tuple[str, ...]
    raw_html: tuple[str, ...]


_NO_FEATURES = InlineFeatures(links=(), images=(), code=(), strong=0, emphasis=0, strikethrough=0,
                              footnotes=(), raw_html=())


class InlineReader:
    """Reads the InlineFeatures of many texts with one mistune parser. Create one for a batch of
    texts (a catalog, or every catalog a process reads) and keep it to one thread; with a `memo`,
    the tokens it parses are there for a `Renderer` given the same memo."""

    def __init__(self, memo: InlineMemo | None = None) -> None:
        self._md = _markdown(memo=memo)

    def features(self, text: str) -> InlineFeatures:
        if _INLINE_SYNTAX.search(text) is None:
            return _NO_FEATURES  # plain text: one text token
        found: dict[str, list] = {"links": [], "images": [], "code": [], "footnotes": [], "raw_html": []}
        counts = {"strong": 0, "emphasis": 0, "strikethrough": 0}
        env = {"ref_links": {}, "ref_footnotes": _FootnoteKeys()}
        for token in _flatten(self._md.inline(text, env)):
            kind = token["type"]
            if kind == "link":
                found["links"].append(token["attrs"]["url"])
            elif kind == "image":
                found["images"].append(token["attrs"]["url"])
            elif kind == "codespan":
                found["code"].append(token["raw"])
            elif kind == "footnote_ref":
                found["footnotes"].append(token["raw"])
            elif kind == "inline_html":
                found["raw_html"].append(token["raw"])
            elif kind in counts:
                counts[kind] += 1
        return InlineFeatures(**{k: tuple(v) for k, v in found.items()}, **counts)


    def without_untrusted_html(self, source: str, text: str, blocks: bool = False) -> str:
        """A translation of the unit `source`, written so that no Markdown reader can find HTML
        or a URL in it that the source does not have (for Markdown that other tools publish).
        The unit is one block, and a blank line in its translation (which would start another
        one) is dropped, unless it is read as `blocks` (a footnote)."""
        if not blocks:
            text = one_block(text)
        if _INLINE_SYNTAX.search(text) is None:
            return text  # plain text: no HTML, no URL
        wanted = self.features(source)
        trusted, urls = frozenset(wanted.raw_html), set(wanted.links + wanted.images)
        state = self._md.block.state_cls()
        state.env = {"ref_links": {}, "ref_footnotes": _FootnoteKeys()}
        state.process(_normalise(text))
        self._md.block.parse(state)
        for token in _flatten(state.tokens):  # as the reader of the Markdown will see them
            if "text" in token:
                token["children"] = self._md.inline(token.pop("text"), state.env)
        if not any((token["type"] in ("inline_html", "block_html") and token["raw"] not in trusted)
                   or (token["type"] in ("link", "image") and token["attrs"]["url"] not in urls
                       and url_problem(token["attrs"]["url"]))
                   for token in _flatten(state.tokens)):
            return text  # as the translator wrote it
        written = _SafeMarkdownWriter(trusted, urls).render_tokens(state.tokens, state)
        if self._opens_html_block(written):  # the source's own markup, where a block starts: as text too
            written = _SafeMarkdownWriter(frozenset(), urls).render_tokens(state.tokens, state)
        return written.rstrip("\n")

    def _opens_html_block(self, text: str) -> bool:
        """Whether a Markdown reader would read a line of `text` as the start of an HTML block
        (where HTML passes as it is, and a backslash escapes nothing)."""
        if "<" not in text:
            return False
        state = self._md.block.state_cls()
        state.process(_normalise(text))
        self._md.block.parse(state)
        return any(token["type"] == "block_html" for token in _flatten(state.tokens))


_MARKDOWN_ESCAPE = re.compile(r"\\(.)")
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")
# What may start a block at the beginning of a line (a quote, a heading, a list item, a fence, a
# setext underline or thematic break, a table row or delimiter row): its first character gets a
# backslash, which Markdown readers drop.
_BLOCK_MARKER = re.compile(r"^(?:[>#|]|[-+*](?=[ \t]|$)|\d{1,9}(?=[.)](?:[ \t]|$))|`{3,}|~{3,}|[=-]+[ \t]*$|[-:|]+(?=[-:| \t]*$))")


def one_block(text: str) -> str:
    """A translated unit written so that it stays the one block it replaces wherever a Markdown
    reader meets it: no blank line, no indentation, no line opening another kind of block."""
    lines = [line.lstrip(" \t") for line in _BLANK_LINES.sub("\n", text).split("\n")]
    return "\n".join(_BLOCK_MARKER.sub(lambda m: "\\" + m[0] if not m[0][0].isdigit() else
                                       m[0] + "\\", line, count=1) for line in lines)


class _SafeMarkdownWriter(MarkdownRenderer):
    """Writes inline tokens back as Markdown in which no `<` opens HTML: text writes it as `&lt;`
    (which stays text inside an HTML block, where a backslash does not escape), raw HTML the
    source does not have is written as text, and a URL the source does not have that may not be
    published becomes `#`."""

    def __init__(self, trusted_html: frozenset[str], source_urls: set[str]) -> None:
        super().__init__()
        self._trusted_html = trusted_html
        self._source_urls = source_urls

    def text(self, token: dict, state: BlockState) -> str:
        escaped = super().text(token, state)
        return _MARKDOWN_ESCAPE.sub(lambda m: "&lt;" if m[1] == "<" else m[0], escaped)

    def inline_html(self, token: dict, state: BlockState) -> str:
        raw = token["raw"]
        return raw if raw in self._trusted_html else self.text({"type": "text", "raw": raw}, state)

    def block_html(self, token: dict, state: BlockState) -> str:
        raw = token["raw"]
        return raw + "\n\n" if raw in self._trusted_html else self.text({"type": "text", "raw": raw.strip()}, state) + "\n\n"

    def link(self, token: dict, state: BlockState) -> str:
        url = token["attrs"]["url"]
        if url not in self._source_urls and url_problem(url):
            token = {**token, "attrs": {**token["attrs"], "url": "#"}}
        return super().link(token, state)

    def footnote_ref(self, token: dict, state: BlockState) -> str:
        return "[^" + token["raw"] + "]"


def inline_features(text: str, reader: InlineReader | None = None) -> InlineFeatures:
    """The links, images, code spans, emphasis, footnotes and raw HTML of a unit of inline
    Markdown; pass a `reader` when reading many texts."""
    return (reader or InlineReader()).features(text)


class _FootnoteKeys(dict):
    """Pretends every footnote key is defined, so `[^n]` in a lone unit parses as a reference."""

    def __contains__(self, key: object) -> bool:
        return True

    def __bool__(self) -> bool:
        return True


def _flatten(tokens: list[dict]) -> Iterator[dict]:
    for token in tokens:
        yield token
        yield from _flatten(token.get("children", []))
