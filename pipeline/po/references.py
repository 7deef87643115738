"""The `#:` reference lines of a catalog, as GNU gettext 0.21 reads them.

`_msgcat_filepos` splits the text of `#:` lines into (file, line) pairs the way gettext does;
the reader (`_parse_references`) and the writer (`_reference_lines`) both go through it.

File names containing spaces are written between U+2068 and U+2069, as gettext 0.22 and later
do, and read back from that form. msgcat 0.21 does not know this convention: it splits such a
name at its spaces like two references, may wrap between the pieces and prints a repeated piece
only once. The writer does exactly the same (so msgcat changes nothing) and the reader puts the
pieces back together.
"""

from __future__ import annotations

import re

_FSI, _PDI = "\u2068", "\u2069"  # FIRST STRONG ISOLATE / POP DIRECTIONAL ISOLATE

# One "file:12" that gettext reads and msgcat writes as it is (no spaces, isolates, "./" or 0 lead)
_PLAIN_REFERENCE_RE = re.compile("(?!\\./)[^ \t\n:\u2068\u2069][^ \t\n\u2068\u2069]*:[1-9][0-9]*")
_REF_TOKEN_RE = re.compile("\u2068([^\u2069]*)\u2069(?::([0-9]+))?|[^ \t\n]+")


def _parse_references(lines: list[str]) -> tuple[str, ...]:
    """`#:` lines to "file:line" items, read the way gettext 0.21 reads them, except that file
    names between U+2068 and U+2069 may contain spaces.

    msgcat 0.21 does not know that convention: it splits such a name at its spaces, may put the
    pieces on two `#:` lines, and drops pieces equal to an earlier piece (so the second of
    `my file.md:3` and `my file.md:9` is written `file.md\u2069:9`). Such a stray end is
    completed from the previous name with spaces."""
    if not lines:
        return ()
    if len(lines) == 1:
        word = lines[0].strip(" \t")
        if _PLAIN_REFERENCE_RE.fullmatch(word):  # one "file:12": read as it is written
            return (word,)
    text = " ".join(line.strip(" \t") for line in lines)
    if _FSI not in text and _PDI not in text:
        return tuple(_format_ref(f, n) for f, n in _msgcat_filepos(text))
    refs: list[str] = []
    previous: list[str] | None = None  # words of the last name with spaces
    plain: list[int] = []  # indices in refs of the bare words read since then
    for m in _REF_TOKEN_RE.finditer(text):
        if m.group(1) is not None:
            name, line = m.group(1), m.group(2)
            refs.append(_format_ref(name, int(line) if line is not None else None))
            previous = name.split(" ")
            plain = []
            continue
        for name, number in _msgcat_filepos(m.group(0)):
            if previous is not None and name.endswith(_PDI) and _FSI not in name:
                middle = [refs[i] for i in plain]
                if plain:
                    del refs[plain[0]:]
                words = ([previous[0], *middle] if middle else previous[:-1]) + [name[:-1]]
                refs.append(_format_ref(" ".join(words), number))
                previous = words
                plain = []
            else:
                refs.append(_format_ref(name, number))
                plain = plain + [len(refs) - 1] if number is None else []
    return tuple(refs)


def _format_ref(name: str, line: int | None) -> str:
    return name if line is None else f"{name}:{line}"


_WS = " \t\n"
_WORD_RE = re.compile(r"[^ \t\n]+")
_FILE_LINE_RE = re.compile(r"(.+):([0-9]+)", re.S)


def _msgcat_filepos(s: str) -> list[tuple[str, int | None]]:
    """How gettext 0.21 splits the text of a `#:` line into (file, line) pairs."""
    words = _WORD_RE.findall(s)
    if not any(w[0] == ":" or w[-1] == ":" for w in words):  # only "file:12" and "file"
        pairs: list[tuple[str, int | None]] = []
        for w in words:
            m = _FILE_LINE_RE.fullmatch(w)
            pairs.append((m.group(1), int(m.group(2))) if m else (w, None))
        return pairs
    out: list[tuple[str, int | None]] = []
    n = len(s)
    i = 0
    while i < n:
        while i < n and s[i] in _WS:
            i += 1
        if i >= n:
            break
        start = i
        while i < n and s[i] not in _WS:
            i += 1
        token = s[start:i]
        # "file : 12" / "file :12"
        j = _skip_blanks(s, i)
        if j < n and s[j] == ":":
            number = _number_after(s, j + 1)
            if number is not None:
                out.append((token, number[0]))
                i = number[1]
                continue
        # "file: 12"
        if token.endswith(":"):
            number = _number_after(s, i)
            if number is not None:
                out.append((token[:-1], number[0]))
                i = number[1]
                continue
        # "file:12"
        k = len(token)
        while k > 0 and "0" <= token[k - 1] <= "9":
            k -= 1
        if k < len(token) and k > 1 and token[k - 1] == ":":
            out.append((token[: k - 1], int(token[k:])))
        else:
            out.append((token, None))
    return out


def _skip_blanks(s: str, j: int) -> int:
    while j < len(s) and s[j] in _WS:
        j += 1
    return j


def _number_after(s: str, j: int) -> tuple[int, int] | None:
    """A line number standing alone after blanks from s[j] (the number, the index after it), or None."""
    j = _skip_blanks(s, j)
    k = j
    while k < len(s) and "0" <= s[k] <= "9":
        k += 1
    return (int(s[j:k]), k) if k > j and (k == len(s) or s[k] in _WS) else None
