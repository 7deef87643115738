"""The HTML of a `Document` with its slots replaced (by translations), rendered by mistune.

Replacements go into a copy of the document's block tokens, and mistune renders that copy as it
renders a source: with every slot replaced by its own text, the HTML is the source's
(`html_of`). On a translated page, raw HTML the source article does not have is shown as text.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Callable, Mapping

import mistune
from mistune.core import BlockState
from mistune.renderers.html import HTMLRenderer
from mistune.util import escape as escape_text

from pipeline.markdown.document import Address, Document, _alt_spans
from pipeline.markdown.setup import InlineMemo, _flatten, _markdown, _read_blocks

_BLOCK_TAG = re.compile(r"^(\s*<[a-zA-Z0-9]+)")
ALT_LANGS = "alt_langs"  # token attribute: the alt texts of a paragraph of images that fell back (n → language)
FALLBACK_NOTES = "fallback_footnotes"  # env key: the footnotes that fell back (label → language)


def _keep_url(kind: str, url: str) -> str:
    return url


class _PageRenderer(HTMLRenderer):
    """mistune's HTML renderer, plus a `lang` attribute on blocks that fall back to the source,
    a hook that maps link and image URLs (`rewrite_url`: to paired pages, to published assets),
    and, on a translated page, raw HTML shown as text unless the source article has the very same
    markup (`trusted_html`; None on a source page). Both are set for the page at hand."""

    def __init__(self, escape: bool, rewrite_url: Callable[[str, str], str] = _keep_url):
        super().__init__(escape=escape)
        self.rewrite_url = rewrite_url
        self.trusted_html: frozenset[str] | None = None
        self.alt_langs: Mapping[int, str] = {}  # of the paragraph of images being rendered: n → language
        self.images_seen = 0

    def inline_html(self, html: str) -> str:
        if self.trusted_html is not None and html not in self.trusted_html:
            return escape_text(html)
        return super().inline_html(html)

    def block_html(self, html: str) -> str:
        if self.trusted_html is not None and html not in self.trusted_html:
            return "<p>" + escape_text(html.strip()) + "</p>\n"
        return super().block_html(html)

    def link(self, text: str, url: str, title: str | None = None) -> str:
        return super().link(text, self.rewrite_url("link", url), title)

    def image(self, text: str, url: str, title: str | None = None) -> str:
        html = super().image(text, self.rewrite_url("image", url), title)
        lang = self.alt_langs.get(self.images_seen)  # this image's alt text fell back to the source
        self.images_seen += 1
        return html if lang is None else html[:4] + f' lang="{self.escape_attribute(lang)}"' + html[4:]

    def render_token(self, token: dict, state: BlockState) -> str:
        attrs = token.get("attrs") or {}
        lang = attrs.get("lang")
        if token["type"] == "footnote_item":  # made by the footnotes plugin: its fallback is in env
            lang = state.env.get(FALLBACK_NOTES, {}).get(attrs.get("key"))
        if ALT_LANGS in attrs:  # a paragraph of images: `image` marks the alt texts that fell back
            self.alt_langs, self.images_seen = attrs[ALT_LANGS], 0
        if lang is None and ALT_LANGS not in attrs:
            return super().render_token(token, state)
        attrs = {k: v for k, v in attrs.items() if k not in ("lang", ALT_LANGS)}
        try:
            html = super().render_token({**token, "attrs": attrs}, state)
        finally:
            self.alt_langs = {}
        if lang is None:
            return html
        attribute = f' lang="{self.escape_attribute(lang)}"'
        tagged = _BLOCK_TAG.match(html)
        if tagged:
            return html[: tagged.end()] + attribute + html[tagged.end():]
        return f"<span{attribute}>{html}</span>"


def html_of(text: str) -> str:
    """mistune's HTML of a Markdown text: the reference every translated page is compared with."""
    return _markdown(_PageRenderer(escape=False))(text)


class Renderer:
    """Renders many documents with one mistune instance (making one costs more than rendering a
    short page). Keep each to one thread. With a `memo`, the inline tokens of texts are taken
    from it and kept there (see `InlineMemo`: an `InlineReader` given the same memo has parsed
    the translations it checked)."""

    def __init__(self, memo: InlineMemo | None = None) -> None:
        self._page = _PageRenderer(escape=False)
        self._md = _markdown(self._page, memo=memo)

    def render(self, doc: Document, replacements: Mapping[Address, str], fallback: Mapping[Address, str],
               rewrite_url: Callable[[str, str], str] = _keep_url, translated: bool = False) -> str:
        """See `render`."""
        page = self._page
        page.rewrite_url = rewrite_url
        page.trusted_html = _source_html(self._md, doc) if translated else None
        try:
            return _render(self._md, doc, replacements, fallback)
        finally:
            page.rewrite_url = _keep_url
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
            state = _read_blocks(md, slot.text)
            found.update(token["raw"] for token in _flatten(state.tokens) if token["type"] == "block_html")
    return frozenset(found)


def _render(md: mistune.Markdown, doc: Document, replacements: Mapping[Address, str],
            fallback: Mapping[Address, str]) -> str:
    """The HTML of a copy of the document's tokens with the replacements and fallbacks put in."""
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
        if address[0] == "footnote":
            env.setdefault(FALLBACK_NOTES, {})[address[1]] = lang
        elif len(address) > 2 and address[-2] == "alt":
            token = _token_at(tokens, address[:-2])
            attrs = token["attrs"] = dict(token.get("attrs") or {})
            attrs[ALT_LANGS] = {**attrs.get(ALT_LANGS, {}), address[-1]: lang}
        else:
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


def _replace_alts(text: str, edits: Mapping[int, str]) -> str:
    """A paragraph of images with the alt texts numbered in `edits` replaced."""
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
