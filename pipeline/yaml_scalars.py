"""How a text can be spelt as a YAML scalar in place of another one: the candidates in the source's
style first, double quotes last. Values in, values out; `content.yaml_scalar` keeps the first
candidate that the YAML reader reads back as the text (double quotes always do)."""

from __future__ import annotations

import re

# What a single-quoted or block scalar cannot hold as it is: line breaks (YAML 1.1 also reads \r,
# NEL, LS and PS as line breaks), what the YAML reader refuses, and the byte order mark.
_QUOTE_UNSAFE = re.compile("[^\t\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_DOUBLE_QUOTE_ESCAPED = re.compile(r'[\\"\t]|' + _QUOTE_UNSAFE.pattern)
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# plain where every YAML reader reads it alike (PyYAML's pure-Python reader stops at a tab, and at `?` in a flow)
_PLAIN_SAFE = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n\t:#,?\[\]{}]*(?<!\s)$")
_BLOCK_HEADER = re.compile(r"[|>][-+1-9]*[^\n]*\n?")  # indicators, then a comment perhaps


def scalar_candidates(value: str, style: str, written: str) -> list[str]:
    """Ways to write `value` in place of `written`, the source text of a scalar of style `style`
    ("" plain, "'", '"', "|" or ">"): in that style when it can hold the value (to be confirmed by
    reading it back), then double quoted, which always holds it. A block scalar's replacement ends
    with the line break its source ends with, so that what follows it stays where it was."""
    if style in ("|", ">"):
        block = _block(value, style, written)
        return ([block] if block is not None else []) + [double_quoted(value) + ("\n" if written.endswith("\n") else "")]
    candidates = []
    if style == "'" and not _QUOTE_UNSAFE.search(value):
        candidates.append("'" + value.replace("'", "''") + "'")
    if style == "" and _PLAIN_SAFE.match(value):
        candidates.append(value)
    return candidates + [double_quoted(value)]


def double_quoted(value: str) -> str:
    """`value` double quoted on one line, every character outside printable text escaped."""
    return '"' + _DOUBLE_QUOTE_ESCAPED.sub(_escape, value) + '"'


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}"


def _block(value: str, style: str, written: str) -> str | None:
    """`value` as a block scalar of `style`, its lines indented as those of `written`; None when
    that style cannot hold it (a value starting with a space, a tab or a line break would need an
    indentation indicator, which depends on the keys around)."""
    header = _BLOCK_HEADER.match(written)
    lines = written[header.end():].split("\n") if header else []
    indent = min((len(line) - len(line.lstrip(" ")) for line in lines if line.strip(" ")), default=0)
    body = value.rstrip("\n")
    if not indent or not body or body[0] in " \t\n" or _QUOTE_UNSAFE.search(body.replace("\n", "")):
        return None
    kept = len(value) - len(body)  # final line breaks: the chomping indicator says how many are kept
    chomping = "-" if kept == 0 else "" if kept == 1 else "+"
    content = body.split("\n") if style == "|" else _folded_lines(body)
    text = "\n".join(" " * indent + line if line else "" for line in content)
    return f"{style}{chomping}\n{text}\n" + "\n" * max(kept - 1, 0)


def _folded_lines(body: str) -> list[str]:
    """The lines of a folded scalar that reads as `body`. Reading folds the line break between two
    lines that start with text into a space, and keeps the others, blank lines included: such a
    break is written with one blank line more."""
    out: list[str] = []
    previous, blank = "", 0
    for line in body.split("\n"):
        if not line:
            blank += 1
            continue
        folds = previous[:1] not in ("", " ", "\t") and line[0] not in " \t"
        out += [""] * (blank + folds)
        out.append(line)
        previous, blank = line, 0
    return out
