"""Where the link and image destinations of a Markdown text stand, so that an export can point
them elsewhere (another generator's URL of a page, an image's language variant) and change
nothing else of the text.

Destinations are found in the text itself: inline links and images `[text](url)`, `![alt](<url>)`
and reference definitions `[name]: url`, outside code blocks, raw HTML blocks and code spans."""

from __future__ import annotations

import re
from typing import Callable, Iterable

_INLINE = re.compile(r"\]\([ \t]*(?:<([^<>\n]*)>|((?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))+))")
_DEFINITION = re.compile(r"^[ \t>]*\[(?:[^\]\\\n]|\\.)+\]:[ \t]*\n?[ \t]*(?:<([^<>\n]*)>|(\S+))", re.MULTILINE)
_BACKTICKS = re.compile(r"`+")
_BRACKETS = re.compile(r"\\.|[\[\]]", re.DOTALL)

Rewrite = Callable[[str, str], "str | None"]  # (kind: "image", "link" or "definition", url) → new URL or None


def rewrite_destinations(text: str, rewrite: Rewrite, verbatim: Iterable[str] = ()) -> str:
    """`text` with every destination for which `rewrite(kind, url)` gives a new URL replaced by it.
    `verbatim`: the text's code and HTML blocks, in order (`Document.verbatim_blocks`), left alone."""
    masked = _masked(text, verbatim)
    opening = _bracket_pairs(masked)
    edits = []
    for pattern in (_INLINE, _DEFINITION):
        for found in pattern.finditer(masked):
            group = 1 if found.group(1) is not None else 2
            url = found.group(group)
            if pattern is _DEFINITION:
                kind = "definition"
            elif found.start() not in opening:
                continue  # an escaped `\]`, or one that closes no `[`: text
            else:
                start = opening[found.start()]
                kind = "image" if start > 0 and masked[start - 1] == "!" else "link"
            replacement = rewrite(kind, url)
            if replacement is not None and replacement != url:
                edits.append((found.start(group), found.end(group), _destination(replacement, group == 1)))
    pieces, kept = [], 0
    for start, end, new in sorted(edits):
        pieces += [text[kept:start], new]
        kept = end
    return "".join(pieces) + text[kept:]


def _masked(text: str, verbatim: Iterable[str]) -> str:
    """The text with code blocks, HTML blocks and code spans blanked out (same length)."""
    spans, cursor = [], 0
    for block in verbatim:
        block = block.strip("\n")
        at = _line_start_find(text, block, cursor) if block else -1
        if at >= 0:
            spans.append((at, at + len(block)))
            cursor = at + len(block)
    chars = list(text)
    for start, end in spans + _code_spans(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _line_start_find(text: str, block: str, start: int) -> int:
    """Where `block` next starts a line (after indentation or quote markers), from `start`; -1
    when nowhere."""
    at = text.find(block, start)
    while at > 0 and text[text.rfind("\n", 0, at) + 1:at].strip(" \t>"):
        at = text.find(block, at + 1)
    return at


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Each code span: a run of backticks up to the next run of the same length (linear time)."""
    runs = [(found.start(), found.end()) for found in _BACKTICKS.finditer(text)]
    later: dict[int, list[int]] = {}  # run length → indexes of the runs of that length, last first
    for index in range(len(runs) - 1, -1, -1):
        later.setdefault(runs[index][1] - runs[index][0], []).append(index)
    spans, closed_up_to = [], -1
    for index, (start, end) in enumerate(runs):
        same = later[end - start]
        same.pop()  # this run itself
        if index <= closed_up_to or not same:
            continue
        closing = same[-1]
        spans.append((start, runs[closing][1]))
        closed_up_to = closing
    return spans


def _bracket_pairs(text: str) -> dict[int, int]:
    """The `[` that each `]` closes (escaped brackets are text), in one pass."""
    pairs, opened = {}, []
    for found in _BRACKETS.finditer(text):
        char = found.group()
        if char == "[":
            opened.append(found.start())
        elif char == "]" and opened:
            pairs[found.start()] = opened.pop()
    return pairs


def _destination(url: str, in_angles: bool) -> str:
    """A URL written where a destination stood: inside the `<…>` it had, or in new ones when it holds
    a space or parentheses."""
    if in_angles:
        return url.replace("<", "%3C").replace(">", "%3E")
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url
