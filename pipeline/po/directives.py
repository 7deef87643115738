"""The format directives of a string, where GNU gettext 0.21 does not break a line.

`_directive_spans(language, value, is_msgstr)` gives the spans of the directives that gettext's
format parser for the entry's first format language accepts: c, objc, python and javascript
(`%…` directives), and python-brace (`{…}`, with gettext 0.21's offset quirk). The other
languages are not modelled: no break is forbidden for them. A parser stops at the first invalid
directive; the valid directives before it are kept.
"""

from __future__ import annotations

import re

_C_CONVERSIONS = frozenset("diouxXeEfFgGaAcCsSpnm%")
_PY_CONVERSIONS = frozenset("diouxXeEfgGcrs%")
_JS_CONVERSIONS = frozenset("bcdfjosxX%")
_PRI_RE = re.compile(r"<PRI[diouxX](?:MAX|PTR|(?:LEAST|FAST)?(?:8|16|32|64))>")
_DIGITS_RE = re.compile(r"[0-9]+")

_BRACE_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+")
_BRACE_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _directive_spans(language: str, value: str, is_msgstr: bool) -> list[tuple[int, int]]:
    """(start, end) index pairs, end inclusive, of the valid format directives of `value`."""
    spans: list[tuple[int, int]] = []
    if language == "python-brace":
        return _brace_spans(value) if "{" in value else spans
    if language not in ("c", "objc", "python", "javascript") or "%" not in value:
        return spans
    arguments = _Arguments()
    pos = value.find("%")
    while pos >= 0:
        if language == "python":
            end = _python_directive(value, pos + 1, arguments)
        else:
            end = _printf_directive(language, value, pos + 1, arguments, is_msgstr)
        if end < 0:
            return spans
        spans.append((pos, end))
        pos = value.find("%", end + 1)
    return spans


# --- % directives -----------------------------------------------------------------------------


class _Arguments:
    """Counts the arguments the directives of a string take: by number (`%1$d`, `%*2$d`; in
    Python, by name) or in order. A string may not mix the two."""

    __slots__ = ("numbered", "unnumbered")

    def __init__(self) -> None:
        self.numbered = self.unnumbered = 0

    def take(self, numbered: bool) -> bool:
        """Count one more argument taken that way; False if that mixes the two."""
        if numbered:
            if self.unnumbered:
                return False
            self.numbered += 1
        else:
            if self.numbered:
                return False
            self.unnumbered += 1
        return True


def _python_directive(value: str, j: int, arguments: _Arguments) -> int:
    """The index of the last character of the python directive whose "%" is just before
    value[j], or -1 if it is not valid."""
    n = len(value)
    named = value.startswith("(", j)
    if named:
        depth = 0
        while j < n:
            if value[j] == "(":
                depth += 1
            elif value[j] == ")":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j >= n:
            return -1
        j += 1
    while j < n and value[j] in "-+ #0":
        j += 1
    for part in ("width", "precision"):
        if part == "precision":
            if j < n and value[j] == ".":
                j += 1
            else:
                break
        if j < n and value[j] == "*":
            if named or not arguments.take(False):
                return -1
            j += 1
        else:
            m = _DIGITS_RE.match(value, j)
            if m:
                j = m.end()
    if j < n and value[j] in "hlL":
        j += 1
    if j >= n or value[j] not in _PY_CONVERSIONS:
        return -1
    if value[j] != "%" and not arguments.take(named):
        return -1
    return j


def _printf_directive(language: str, value: str, j: int, arguments: _Arguments, is_msgstr: bool) -> int:
    """The index of the last character of the c, objc or javascript directive whose "%" is just
    before value[j], or -1 if it is not valid."""
    number = 0
    m = _DIGITS_RE.match(value, j)
    if m and value.startswith("$", m.end()):
        number = int(m.group())
        if number == 0:
            return -1
        j = m.end() + 1
    if language == "javascript":
        end = _javascript_conversion(value, j)
    else:
        end = _c_conversion(value, j, arguments, language == "objc", is_msgstr)
    if end < 0:
        return -1
    if value[end] not in "%m" and not arguments.take(number != 0):  # %% and %m take no argument
        return -1
    return end


def _javascript_conversion(value: str, j: int) -> int:
    """Flags, width, precision and the conversion of a javascript directive from value[j]: the
    index of the conversion, or -1."""
    n = len(value)
    while j < n and value[j] in "-+ 0":
        j += 1
    m = _DIGITS_RE.match(value, j)
    if m:
        j = m.end()
    if j < n and value[j] == ".":
        m = _DIGITS_RE.match(value, j + 1)
        j = m.end() if m else j + 1
    if j >= n or value[j] not in _JS_CONVERSIONS:
        return -1
    return j


def _c_conversion(value: str, j: int, arguments: _Arguments, objc: bool, is_msgstr: bool) -> int:
    """Flags, width, precision, size and the conversion of a c or objc directive from value[j]:
    the index of the conversion (of the ">" of a `<PRI…>` macro), or -1."""
    n = len(value)
    flags = "-+ #0'I" if is_msgstr else "-+ #0'"
    while j < n and value[j] in flags:
        j += 1
    for part in ("width", "precision"):
        if part == "precision":
            if j < n and value[j] == ".":
                j += 1
            else:
                break
        if j < n and value[j] == "*":
            j += 1
            m = _DIGITS_RE.match(value, j)
            if m and value.startswith("$", m.end()):
                if int(m.group()) == 0 or not arguments.take(True):
                    return -1
                j = m.end() + 1
            elif not arguments.take(False):
                return -1
        else:
            m = _DIGITS_RE.match(value, j)
            if m:
                j = m.end()
    m = _PRI_RE.match(value, j)
    if m:
        return m.end() - 1
    while j < n and value[j] in "hlLqjzZt":  # 0.21 accepts any sequence
        j += 1
    if j >= n or not (value[j] in _C_CONVERSIONS or (value[j] == "@" and objc)):
        return -1
    return j


# --- python-brace -----------------------------------------------------------------------------


class _Invalid(Exception):
    """gettext's python-brace parser finds a directive invalid at `index`."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


def _brace_directive(value: str, i: int, toplevel: bool) -> int:
    """gettext 0.21's python-brace `parse_directive` at value[i] == "{": the index after the
    directive (or after "{{"). Raises `_Invalid` where it is not valid."""
    j = i + 1
    if value.startswith("{", j):
        return j + 1
    m = _BRACE_NAME_RE.match(value, j)
    if m is None:
        raise _Invalid(j)
    j = m.end()
    while j < len(value) and value[j] in ".[":
        if value[j] == ".":
            m = _BRACE_IDENT_RE.match(value, j + 1)
            if m is None:
                raise _Invalid(j + 1)
            j = m.end()
        else:
            m = _BRACE_NAME_RE.match(value, j + 1)
            if m is None:
                raise _Invalid(j + 1)
            j = m.end()
            if not value.startswith("]", j):
                raise _Invalid(j)
            j += 1
    if value.startswith(":", j):
        if not toplevel:
            raise _Invalid(j)
        j += 1
        if value.startswith("{", j):
            j = _brace_directive(value, j, False)
        elif j >= len(value):
            raise _Invalid(j)
        else:
            j = _format_spec_end(value, j)
    if not value.startswith("}", j):
        raise _Invalid(j)
    return j + 1


def _format_spec_end(value: str, j: int) -> int:
    """The index after the format spec (`[[fill]align][sign][#][0][width][.precision][type]`)
    that starts at value[j]."""
    if value[j + 1 : j + 2] in ("<", ">", "=", "^") and j + 1 < len(value):
        j += 2
    elif value[j] in "<>=^":
        j += 1
    if value[j : j + 1] in ("+", "-", " "):
        j += 1
    if value.startswith("#", j):
        j += 1
    if value.startswith("0", j):
        j += 1
    m = _DIGITS_RE.match(value, j)
    if m:
        j = m.end()
    if value.startswith(".", j):
        m = _DIGITS_RE.match(value, j + 1)
        if m:
            j = m.end()
    if value[j : j + 1] and value[j] in "bcdoxXneEfFgG%":
        j += 1
    return j


def _brace_spans(value: str) -> list[tuple[int, int]]:
    """gettext 0.21's python-brace parser records each directive's marks relative to the
    directive's own "{" instead of to the string, so every valid directive marks the bytes
    0..len(directive)-1 of the string: breaks there are forbidden, up to the first such end or
    error offset (an error offset makes that stretch "invalid", which forbids nothing)."""
    ends: list[int] = []
    error: int | None = None
    i = value.find("{")
    while i >= 0:
        try:
            end = _brace_directive(value, i, True)
        except _Invalid as invalid:
            error = len(value[i : invalid.index].encode("utf-8"))
            break
        if not value.startswith("{{", i):  # a directive, "}" last
            ends.append(len(value[i : end - 1].encode("utf-8")))
        i = value.find("{", end)
    if not ends:
        return []
    k = min(ends)
    if error is not None and error <= k:
        return []
    # the span covers the characters of `value` whose first byte lies in 0..k
    if value.isascii():
        return [(0, min(k, len(value) - 1))]
    offset = last = 0
    for index, ch in enumerate(value):
        if offset > k:
            break
        last = index
        offset += len(ch.encode("utf-8"))
    return [(0, last)]
