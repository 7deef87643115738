"""Translations written back as Markdown (the export), so that no Markdown reader finds in them
HTML or a URL the source unit does not have, nor a block the unit does not stand for."""

from __future__ import annotations

import re

from mistune.core import BlockState
from mistune.renderers.markdown import MarkdownRenderer

from pipeline.markdown.inline import InlineReader
from pipeline.markdown.setup import _INLINE_SYNTAX, _flatten
from pipeline.urls import url_problem

_MARKDOWN_ESCAPE = re.compile(r"\\(.)")
# What a text needs for a Markdown reader to find HTML in it (`<`), or a URL that may not be
# published (`pipeline.urls.url_problem`): a scheme (`:`, or `&#58;` and the like), or another host
# (`//`, or a backslash, which browsers read as a slash).
_MAY_BE_UNSAFE = re.compile(r"[<:&\\]|//")
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")
# What may start a block at the beginning of a line (a quote, a heading, a list item, a fence, a
# setext underline or thematic break, a table row or delimiter row): its first character gets a
# backslash, which Markdown readers drop.
_BLOCK_MARKER = re.compile(r"^(?:[>#|]|[-+*](?=[ \t]|$)|\d{1,9}(?=[.)](?:[ \t]|$))|`{3,}|~{3,}|[=-]+[ \t]*$|[-:|]+(?=[-:| \t]*$))")


def without_untrusted_html(reader: InlineReader, source: str, text: str, blocks: bool = False) -> str:
    """A translation of the unit `source`, written so that no Markdown reader can find HTML
    or a URL in it that the source does not have (for Markdown that other tools publish).
    The unit is one block, and a blank line in its translation (which would start another
    one) is dropped, unless it is read as `blocks` (a footnote). `reader` parses both."""
    if not blocks:
        text = one_block(text)
    if _INLINE_SYNTAX.search(text) is None:
        return text  # plain text: no HTML, no URL
    if _MAY_BE_UNSAFE.search(text) is None:
        return text  # no HTML and no URL that may not be published, however it is read
    wanted = reader.features(source)
    trusted, urls = frozenset(wanted.raw_html), set(wanted.links + wanted.images)
    state = reader.blocks(text)  # as the reader of the Markdown will see it
    if not any((token["type"] in ("inline_html", "block_html") and token["raw"] not in trusted)
               or (token["type"] in ("link", "image") and token["attrs"]["url"] not in urls
                   and url_problem(token["attrs"]["url"]))
               for token in _flatten(state.tokens)):
        return text  # as the translator wrote it
    written = _SafeMarkdownWriter(trusted, urls).render_tokens(state.tokens, state)
    if _opens_html_block(reader, written):  # the source's own markup, where a block starts: as text too
        written = _SafeMarkdownWriter(frozenset(), urls).render_tokens(state.tokens, state)
    return written.rstrip("\n")


def _opens_html_block(reader: InlineReader, text: str) -> bool:
    """Whether a Markdown reader would read a line of `text` as the start of an HTML block
    (where HTML passes as it is, and a backslash escapes nothing)."""
    if "<" not in text:
        return False
    return any(token["type"] == "block_html" for token in _flatten(reader.blocks(text).tokens))


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
