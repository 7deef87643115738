"""mistune as this project runs it: the plugins, the parsers with their shortcuts, the rules that
replace mistune's super-linear ones, and the bound on emphasis nesting past which a unit is refused.

Everything here gives exactly the tokens `mistune.create_markdown(escape=False, plugins=PLUGINS)`
gives, only faster or in linear time (`tests/test_fast_paths.py` and `tests/test_pathological.py`
compare them).
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Any, Callable, Iterator, Mapping

import mistune
from mistune._inline import emphasis as _mistune_emphasis
from mistune.core import BlockState, InlineState
from mistune.inline_parser import InlineParser
from mistune.plugins import import_plugin
from mistune.renderers.html import HTMLRenderer

PLUGINS = ("table", "strikethrough", "footnotes", "task_lists", "url")

Tokens = list[dict[str, Any]]  # mistune's inline tokens of a text

# Every character that can start inline syntax with our plugins (escape, code, emphasis, links,
# images, footnotes, autolinks, raw HTML, line breaks, strikethrough, bare URLs), and `&`, where
# mistune keeps character references whole. Text without any of them is one text token.
_INLINE_SYNTAX = re.compile(r"[\\`*_!\[\]<>\n\r~&]|http")

# `## Title {#title}`. The look-behind starts a match only at the first blank of a run: from every
# blank of a long run, `[ \t]+` would read the rest of the run again (quadratic time).
_HEADING_ANCHOR = re.compile(r"(?<![ \t])[ \t]+\{#([\w.:-]+)\}$")

# The characters mistune keeps as they are in a link destination (it percent-encodes the others, and
# reads `&` as the start of a character reference).
_PLAIN_IMAGE = re.compile(r"!\[([^\\`*_!\[\]<>\n\r~&:]*)\]\(([A-Za-z0-9!#$%*+,\-./:;=?@_~]*)\)(?:(\n)|( +))?")


def _is_unicode_whitespace(char: str) -> bool:
    """CommonMark's Unicode whitespace: the Zs category, tab, line feed, form feed, carriage return."""
    return char in "\t\n\f\r" or unicodedata.category(char) == "Zs"


def _is_unicode_punctuation(char: str) -> bool:
    """CommonMark's Unicode punctuation: the P (punctuation) and S (symbol) categories. Combining
    marks are not: a Khmer word ends in a vowel sign or a diacritic far more often than not."""
    return unicodedata.category(char)[0] in "PS"


def _flanking(text: str, start: int, size: int) -> tuple[bool, bool, bool, bool]:
    """(left-flanking, right-flanking, punctuation before, punctuation after) of the delimiter run
    text[start:start + size], as CommonMark defines them; the ends of the text count as whitespace."""
    before = text[start - 1] if start > 0 else "\n"
    after = text[start + size] if start + size < len(text) else "\n"
    space_before, space_after = _is_unicode_whitespace(before), _is_unicode_whitespace(after)
    mark_before, mark_after = _is_unicode_punctuation(before), _is_unicode_punctuation(after)
    left = not space_after and (not mark_after or space_before or mark_before)
    right = not space_before and (not mark_before or space_after or mark_after)
    return left, right, mark_before, mark_after


def _can_open_emphasis(text: str, start: int, size: int, marker: str) -> bool:
    left, right, mark_before, _ = _flanking(text, start, size)
    return left and (marker == "*" or not right or mark_before)


def _can_close_emphasis(text: str, start: int, size: int, marker: str) -> bool:
    left, right, _, mark_after = _flanking(text, start, size)
    return right and (marker == "*" or not left or mark_after)


# mistune decides whether `*` and `_` open or close emphasis by `str.isalnum`, which calls every
# combining mark punctuation: `ពី**មូលដ្ឋានគ្រឹះ**នៃ` kept its asterisks, since the closing `**`
# follows the sign ះ. These two functions are CommonMark's rules (spec 0.31.2, 6.2), by Unicode
# category; tests/test_markdown.py holds them to markdown-it-py's reading of generated texts.
_mistune_emphasis._can_open_emphasis = _can_open_emphasis
_mistune_emphasis._can_close_emphasis = _can_close_emphasis

_EMPHASIS_MARKER = re.compile("[*_]")


def _next_delimiter_run(text: str, pos: int) -> int:
    """Where the next `*` or `_` of `text` is from `pos` (its length when there is none): what
    mistune finds by looking at one character after another in Python, found by a regex in C.
    mistune asks it for every stretch of text around emphasis markers, a long paragraph's whole
    length at a time."""
    found = _EMPHASIS_MARKER.search(text, pos)
    return max(pos, len(text)) if found is None else found.start()


_mistune_emphasis._next_delimiter_run = _next_delimiter_run


class InlineMemo:
    """The inline tokens of the texts parsed so far, for parsers to share. Its one purpose: the
    `InlineReader` that checks an article's translations and the `Renderer` that publishes its
    pages are given the same memo, so each text is parsed once for both (`pipeline.pages.Tools`
    makes one memo and hands it to both). Whoever makes a memo owns that sharing.

    It keeps only tokens no other text can change: none of a text with a footnote reference, and
    none parsed where reference links are defined. The tokens it hands out are the same lists to
    every parser: they are read, never changed. It holds every text it saw: clear it between
    articles."""

    def __init__(self) -> None:
        self._tokens: dict[str, Tokens] = {}

    def tokens(self, text: str, env: Mapping[str, Any], parse: Callable[[str, Any], Tokens]) -> Tokens:
        """The tokens of `text` in `env`: kept from an earlier call, or `parse(text, env)`."""
        if "[^" in text or env.get("ref_links"):
            return parse(text, env)
        found = self._tokens.get(text)
        if found is None:
            found = self._tokens[text] = parse(text, env)
        return found

    def clear(self) -> None:
        """Forget every text."""
        self._tokens.clear()


class _InlineParser(InlineParser):
    """mistune's inline parser with two shortcuts that change no token. Plain text (most units
    have no markup) becomes the single text token mistune's own scan would end up with. Text
    without `http` goes to a twin parser without the bare-URL rule, which cannot match there:
    with it, mistune stops its text scan at every `h` (URLs start with one), and every stop
    costs a regex match and a text token to merge again. Making the twin costs about as much as
    parsing a paragraph: `twin=False` when the parser reads a few short texts only. With a
    `memo`, texts are looked up there first (see `InlineMemo`)."""

    def __init__(self, plugins: tuple[str, ...] = PLUGINS, twin: bool = True, memo: InlineMemo | None = None) -> None:
        super().__init__()
        self._plugins = plugins
        self._twin = twin and "url" in plugins
        self._without_urls: InlineParser | None = None  # the twin, made when first needed
        self._memo = memo
        self._parse_text = super().__call__  # mistune's own, for the memo to call

    def __call__(self, s: str, env) -> Tokens:
        """mistune's tokens of `s`, from the memo when there is one."""
        if self._memo is None:
            return self._parse_text(s, env)
        return self._memo.tokens(s, env, self._parse_text)

    def parse(self, state: InlineState) -> Tokens:
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


def _plain_image_tokens(text: str) -> Tokens | None:
    """mistune's tokens for images with plain alt texts and plain ASCII URLs, one per line or
    spaces apart; None for any other text."""
    tokens: Tokens = []
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


def _markdown(renderer: HTMLRenderer | None = None, twin: bool = True,
              memo: InlineMemo | None = None) -> mistune.Markdown:
    """What `mistune.create_markdown(escape=False, renderer=…, plugins=PLUGINS)` makes, with
    the shortcuts of `_InlineParser` in its inline parser (`renderer`: mistune's HTML renderer
    when None), heading anchors and linear-time block rules."""
    md = mistune.Markdown(renderer=renderer or HTMLRenderer(escape=False),
                          inline=_InlineParser(twin=twin, memo=memo),
                          plugins=[import_plugin(name) for name in PLUGINS])
    md.before_render_hooks.append(_heading_anchors)
    use_linear_rules(md)
    return md


def _read_blocks(md: mistune.Markdown, text: str, env: dict[str, Any] | None = None) -> BlockState:
    """The block tokens of a Markdown text (no inline parsing yet), read in `env` when given."""
    state = md.block.state_cls()
    if env is not None:
        state.env = env
    state.process(_normalise(text))
    md.block.parse(state)
    return state


def _normalise(text: str) -> str:
    """The text with `\\n` line ends and a final one, as mistune's block parser takes it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.endswith("\n") else text + "\n"


def _heading_anchors(md: mistune.Markdown, state: BlockState) -> None:
    """`## Title {#title}` (Hugo, Pandoc, kramdown) becomes `<h2 id="title">Title</h2>`."""
    for token in _flatten(state.tokens):
        if token["type"] == "heading" and "text" in token:
            found = _HEADING_ANCHOR.search(token["text"].rstrip())
            if found:
                token["text"] = token["text"].rstrip()[: found.start()]
                token["attrs"] = {**token.get("attrs", {}), "id": found.group(1)}


def _flatten(tokens: list[dict]) -> Iterator[dict]:
    """Every token of a token tree, each before its children (children a caller gives a token
    while it is being walked included). One generator, however deep the tree."""
    pending = [iter(tokens)]  # the siblings still to walk, at each depth
    while pending:
        for token in pending[-1]:
            yield token
            children = token.get("children")
            if children:
                pending.append(iter(children))
                break
        else:
            pending.pop()


# --- what mistune's block parser takes super-linear time on -----------------------------------------


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
