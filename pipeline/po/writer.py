"""Write gettext PO files: the text GNU `msgcat` 0.21 prints, byte for byte. Standard library only.

`format_po(catalog)` writes the text that `msgcat` (default options, page width 79) prints for
the same catalog, so catalogs that translators, Poedit, Weblate or `msgmerge` touched do not
churn. What `msgcat` does, and we therefore do as well:

* entry layout: translator comments `# `, extracted `#.`, references `#:`, flags `#,`, previous
  `#|` strings, then msgctxt/msgid/msgid_plural/msgstr; one blank line between entries; obsolete
  (`#~`) entries after all the others, and obsolete entries without a translation are dropped;
* references: a leading `./` is dropped, line numbers are printed as integers, duplicate
  (file, line) pairs are printed once, `#:` lines are filled up to 79 columns counted in bytes
  (names with spaces: `pipeline.po.references`);
* flags: `fuzzy` first (dropped when the first msgstr is empty), then the `X-format` /
  `no-X-format` flags in gettext's language order (`possible-X-format` becomes `X-format`,
  `impossible-X-format` disappears, the last word on a language wins), `range: a..b` (not on
  obsolete entries), `no-wrap`. msgcat drops the flags it does not know (such as
  `markdown-text`); we keep them, in their stored order, after those;
* strings: C escapes, `msgid ""` plus continuation lines when the string contains an inner
  `\\n` or does not fit, a line break after every `\\n`, and in between libunistring's line
  breaking (`pipeline.po.linebreak`) over the *escaped* text, with a greedy fill to 79 columns,
  no break inside an escape sequence nor inside a format directive of the entry's first format
  language (`pipeline.po.directives`).

`width` is msgcat's `--width` (the page width, 79 by default); `None` is msgcat's `--no-wrap`:
strings are broken only after each `\\n` (what Weblate's "Only wrap lines at newlines" and Translate
Toolkit's `width=65535` write), and `#:` lines are still filled to 79 columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline.model import Catalog, Message
from pipeline.po.directives import _directive_spans
from pipeline.po.linebreak import _break_points, _classify, _codes_width, _fill
from pipeline.po.references import _FSI, _PDI, _PLAIN_REFERENCE_RE, _msgcat_filepos

PAGE_WIDTH = 79

# gettext 0.21 format languages, in the order msgcat prints their flags.
FORMAT_LANGUAGES = (
    "c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript",
    "scheme", "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal",
    "smalltalk", "qt", "qt-plural", "kde", "kde-kuit", "boost", "tcl", "perl", "perl-brace",
    "php", "gcc-internal", "gfc-internal", "ycp",
)
_FORMAT_INDEX = {name: i for i, name in enumerate(FORMAT_LANGUAGES)}
_FORMAT_FLAG_RE = re.compile(r"(possible-|impossible-|no-)?(.+)-format")
_RANGE_FLAG_RE = re.compile(r"range:[ \t]+([0-9]+)\.\.([0-9]+)")

_ESCAPE_TABLE = str.maketrans({"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
                               "\t": "\\t", "\v": "\\v", "\\": "\\\\", '"': '\\"'})
_ESCAPED_CHARS = frozenset("\a\b\f\n\r\t\v\\\"")
_PORTION_RE = re.compile(r"[^\n]*\n|[^\n]+")
_ESCAPE_PAIR_RE = re.compile(r"\\.", re.S)
_NEEDS_ESCAPE_RE = re.compile('[\a\b\f\n\r\t\v\\\\"]')
_INFINITE = 1 << 30


@dataclass(frozen=True, slots=True)
class WrittenEntry:
    """An entry of a file `format_po` wrote, and the text it wrote for it."""

    message: Message
    text: str


Written = Mapping[tuple, WrittenEntry]  # (msgctxt, msgid, obsolete) → the entry as written


def format_po(catalog: Catalog, shared: dict | None = None, written: Written | None = None,
              width: int | None = PAGE_WIDTH) -> str:
    """The PO text GNU msgcat 0.21 writes for `catalog` (header first, obsolete entries last,
    obsolete entries without translation dropped), keeping flags msgcat does not know; `width`:
    its page width, None for no wrapping (`msgcat --no-wrap`).

    Two shortcuts: catalogs with the same msgids (a template and its translations) can share the
    work of wrapping them (pass each the same dict as `shared`), and an entry equal to one of a
    file this function wrote (`written`: `written_entries` of that file) is written again as it
    stood there (`written` must come from a file written with the same `width`)."""
    page = _INFINITE if width is None else width
    out: list[str] = []
    flag_sets: dict[tuple[tuple[str, ...], bool], _Flags] = {}  # a catalog repeats a few sets of flags
    for m in _entries_in_order(catalog):
        if out:
            out.append("")
        flags = flag_sets.get((m.flags, m.obsolete))
        if flags is None:
            flags = flag_sets[m.flags, m.obsolete] = _normalized_flags(m.flags, m.obsolete)
        before = written.get((m.msgctxt, m.msgid, m.obsolete)) if written else None
        if before is not None and before.message == m:
            out.append(before.text)
            if shared is not None:
                _share_wrapped(shared, m, flags, before.text, page)
        else:
            _write_message(out, m, flags, shared, page)
    return "\n".join(out) + "\n" if out else ""


def written_entries(catalog: Catalog, text: str) -> Written:
    """Each entry of a catalog parsed from `text`, with its text, when `text` is what `format_po`
    writes for it (the caller knows: it wrote the file); empty when the entries do not line up."""
    blocks = text[:-1].split("\n\n") if text.endswith("\n") else []  # entries are separated by a blank line
    entries = _entries_in_order(catalog)
    if len(blocks) != len(entries) or len(entries) != len(catalog.messages) + (catalog.header is not None):
        return {}
    return {(m.msgctxt, m.msgid, m.obsolete): WrittenEntry(m, block) for m, block in zip(entries, blocks)}


def _entries_in_order(catalog: Catalog) -> list[Message]:
    """The entries in the order msgcat writes them, without obsolete ones left untranslated."""
    entries = [catalog.header] if catalog.header is not None else []
    entries += [m for m in catalog.messages if not m.obsolete]
    entries += [m for m in catalog.messages if m.obsolete and _first_msgstr(m)]
    return entries


def _first_msgstr(m: Message) -> str:
    """What msgcat tests for "translated": the msgstr, or the first plural form."""
    if m.msgid_plural is not None:
        return m.msgstr_plural[0] if m.msgstr_plural else ""
    return m.msgstr


def _write_message(out: list[str], m: Message, flags: _Flags, shared: dict | None, page: int) -> None:
    """Append the lines of one entry (`flags`: what msgcat makes of its flags; `page`: the page width)."""
    obsolete = m.obsolete
    first_msgstr = _first_msgstr(m)
    for comment in m.translator_comments:
        for line in comment.split("\n"):
            out.append(f"# {line}" if line else "#")
    for comment in m.extracted_comments:
        for line in comment.split("\n"):  # (msgcat would write an inner newline as is)
            out.append(f"#. {line}" if line else "#.")
    if m.references:
        out.extend(_reference_lines(m.references, PAGE_WIDTH if page == _INFINITE else page))
    printed, language = flags.printed, flags.language
    wrap = page if flags.wrap else _INFINITE  # the page width of its strings (a `no-wrap` flag: none)
    if printed and printed[0] == "fuzzy" and not first_msgstr:
        printed = printed[1:]
    if printed:
        out.append("#, " + ", ".join(printed))
    prev_prefix = "#~| " if obsolete else "#| "
    if m.previous_msgctxt is not None:
        _wrap(out, prev_prefix, "msgctxt", m.previous_msgctxt, wrap, language)
    if m.previous_msgid is not None:
        _wrap(out, prev_prefix, "msgid", m.previous_msgid, wrap, language)
    if m.previous_msgid_plural is not None:
        _wrap(out, prev_prefix, "msgid_plural", m.previous_msgid_plural, wrap, language)
    prefix = "#~ " if obsolete else ""
    if m.msgctxt is not None:
        _wrap_shared(out, shared, prefix, "msgctxt", m.msgctxt, wrap, language)
    _wrap_shared(out, shared, prefix, "msgid", m.msgid, wrap, language)
    if m.msgid_plural is not None:
        _wrap(out, prefix, "msgid_plural", m.msgid_plural, wrap, language)
        for i, form in enumerate(m.msgstr_plural or ("",)):
            _wrap(out, prefix, f"msgstr[{i}]", form, wrap, language)
    else:
        _wrap(out, prefix, "msgstr", m.msgstr, wrap, language)


@dataclass(frozen=True, slots=True)
class _Flags:
    """An entry's flags as msgcat prints them, followed by the flags it does not know; the format
    language whose directives must not be broken; whether its strings are wrapped."""

    printed: tuple[str, ...]
    language: str | None
    wrap: bool


_NO_FLAGS = _Flags((), None, True)


def _normalized_flags(flags: tuple[str, ...], obsolete: bool = False) -> _Flags:
    """What msgcat makes of `flags`. msgcat prints no range flag on obsolete entries."""
    if not flags:
        return _NO_FLAGS
    fuzzy = False
    formats: dict[int, str | None] = {}
    value_range: tuple[int, int] | None = None
    wrap: bool | None = None
    extra: list[str] = []
    for flag in flags:
        flag = flag.strip()
        if flag == "fuzzy":
            fuzzy = True
            continue
        if flag == "wrap":
            wrap = True
            continue
        if flag == "no-wrap":
            wrap = False
            continue
        if flag.endswith("-format"):
            m = _FORMAT_FLAG_RE.fullmatch(flag)
            if m is not None and m.group(2) in _FORMAT_INDEX:
                kind = m.group(1)
                formats[_FORMAT_INDEX[m.group(2)]] = (
                    "no" if kind == "no-" else None if kind == "impossible-" else "yes"
                )
                continue
        if flag.startswith("range:"):
            m = _RANGE_FLAG_RE.fullmatch(flag)
            if m is not None:
                low, high = int(m.group(1)), int(m.group(2))
                if low <= high:
                    value_range = (low, high)
                continue
        if flag and flag not in extra:
            extra.append(flag)
    out = ["fuzzy"] if fuzzy else []
    language = None
    for index in sorted(formats):
        state = formats[index]
        if state == "yes":
            out.append(f"{FORMAT_LANGUAGES[index]}-format")
            if language is None:
                language = FORMAT_LANGUAGES[index]
        elif state == "no":
            out.append(f"no-{FORMAT_LANGUAGES[index]}-format")
    if value_range is not None and not obsolete:
        out.append(f"range: {value_range[0]}..{value_range[1]}")
    if wrap is False:
        out.append("no-wrap")
    return _Flags(tuple(out + extra), language, wrap is not False)


def _reference_lines(references: Iterable[str], page: int = PAGE_WIDTH) -> list[str]:
    """The `#:` lines msgcat writes for these references on a page `page` columns wide."""
    if isinstance(references, tuple) and len(references) == 1 and _PLAIN_REFERENCE_RE.fullmatch(references[0]):
        return ["#: " + references[0]]
    parts = []
    for ref in references:
        name, sep, line = ref.rpartition(":")
        if not (sep and line.isdigit() and name):
            name, line = ref, ""
        if " " in name or "\t" in name:
            parts.append(f"{_FSI}{name}{_PDI}" + (f":{line}" if line else ""))
        else:
            parts.append(ref)
    seen: set[tuple[str, int | None]] = set()
    lines: list[str] = []
    current = "#:"
    column = 2
    for name, number in _msgcat_filepos(" ".join(parts)):
        if (name, number) in seen:
            continue
        seen.add((name, number))
        while name.startswith("./"):
            name = name[2:]
        item = name if number is None else f"{name}:{number}"
        size = len(item.encode("utf-8")) + 1 if not item.isascii() else len(item) + 1
        if column > 2 and column + size > page:
            lines.append(current)
            current = "#:"
            column = 2
        current += " " + item
        column += size
    lines.append(current)
    return lines


# --- wrapping shared between catalogs ------------------------------------------------------


def _wrap_shared(out: list[str], shared: dict | None, prefix: str, name: str, value: str, wrap: int,
                 format_language: str | None) -> None:
    """`_wrap` (`wrap`: the page width), with the lines kept in `shared` for the next catalog that
    has the same entry."""
    if shared is None:
        return _wrap(out, prefix, name, value, wrap, format_language)
    key = (prefix, name, value, wrap, format_language)
    lines = shared.get(key)
    if lines is None:
        lines = shared[key] = []
        _wrap(lines, prefix, name, value, wrap, format_language)
    out.extend(lines)


def _share_wrapped(shared: dict, m: Message, flags: _Flags, text: str, page: int) -> None:
    """Give `shared` the msgctxt and msgid lines of an entry's text, as `_wrap_shared` keeps them."""
    language, wrap = flags.language, page if flags.wrap else _INFINITE
    prefix = "#~ " if m.obsolete else ""
    for name, value in (("msgctxt", m.msgctxt), ("msgid", m.msgid)):
        key = (prefix, name, value, wrap, language)
        if value is not None and key not in shared:
            lines = _keyword_lines(text, prefix + name + " ", prefix + "msg")
            if lines is not None:
                shared[key] = lines


def _keyword_lines(text: str, head: str, keyword: str) -> list[str] | None:
    """The lines of an entry's text from the one starting with `head` up to the next keyword line
    (only a keyword's first line starts with `keyword`: comments start with #, continuations with ")."""
    if text.startswith(head):
        start = 0
    else:
        start = text.find("\n" + head) + 1
        if start == 0:
            return None
    end = text.find("\n" + keyword, start)
    return (text[start:] if end < 0 else text[start:end]).split("\n")


# --- strings --------------------------------------------------------------------------------


def _wrap(out: list[str], prefix: str, name: str, value: str, wrap: int,
          format_language: str | None) -> None:
    """Append the lines msgcat writes for `name "value"` on a page `wrap` columns wide (gettext
    write-po.c `wrap`)."""
    if not value:
        out.append(f'{prefix}{name} ""')
        return
    width = wrap - 2 - len(prefix)
    if value.isascii() and value.isprintable():  # fast path: no \n, nothing wide or invisible
        escaped = value.translate(_ESCAPE_TABLE) if ('"' in value or "\\" in value) else value
        if len(name) + 1 + len(escaped) <= width:
            out.append(f'{prefix}{name} "{escaped}"')
            return
    newline = value.find("\n")
    portions = [value] if newline < 0 or newline == len(value) - 1 else _PORTION_RE.findall(value)
    spans = (_directive_spans(format_language, value, name.startswith("msgstr"))
             if format_language else [])
    first = True
    offset = 0
    first_span = 0  # spans before this one end before the portion: each portion reads only its own
    last_index = len(portions) - 1
    for k, portion in enumerate(portions):
        while first_span < len(spans) and spans[first_span][1] < offset:
            first_span += 1
        escaped = portion.translate(_ESCAPE_TABLE) if _NEEDS_ESCAPE_RE.search(portion) else portion
        if first and k < last_index:  # an inner \n: msgcat starts with an empty first line
            out.append(f'{prefix}{name} ""')
            first = False
        start_column = len(name) + 1 if first else 0
        codes = None
        if escaped.isascii() and escaped.isprintable():
            total = len(escaped)
        elif start_column + 2 * len(escaped) <= width:  # fits even if every character is wide
            total = 2 * len(escaped)
        else:
            codes = _classify(escaped)
            total = _codes_width(codes)
        if start_column + total <= width:
            breaks = []
        elif not first:
            breaks = _break_points(
                escaped, width, 0, _prohibited(portion, escaped, offset, spans, first_span), codes)
        else:
            # The first line: msgcat breaks the string as if it followed `name "`, and if that
            # breaks anything, it writes `name ""` and breaks the string again from column 0.
            # Without mandatory breaks, the first pass breaks something exactly when the string
            # has a break opportunity (it does not fit), so the pass from column 0 also answers.
            forbidden = _prohibited(portion, escaped, offset, spans, first_span)
            filled = _fill(escaped, width, 0, forbidden, codes)
            breaks, opportunity = filled.breaks, filled.opportunity
            if filled.mandatory:
                opportunity = bool(_break_points(escaped, width, start_column, forbidden, codes))
            if opportunity:
                out.append(f'{prefix}{name} ""')
                first = False
            else:
                breaks = []
        lead = f"{prefix}{name} " if first else prefix
        first = False
        if not breaks:
            out.append(f'{lead}"{escaped}"')
        else:
            pos = 0
            for b in breaks:
                out.append(f'{lead}"{escaped[pos:b]}"')
                lead = prefix
                pos = b
            out.append(f'{prefix}"{escaped[pos:]}"')
        offset += len(portion)


def _prohibited(portion: str, escaped: str, offset: int,
                spans: list[tuple[int, int]], first_span: int = 0) -> list[int]:
    """Indices of `escaped` where gettext's overrides forbid a break: the second character of
    each escape sequence, the backslash of a final \\n, and the inside of format directives.
    `spans` are in order; those before `first_span` end before the portion."""
    result = [m.start() + 1 for m in _ESCAPE_PAIR_RE.finditer(escaped)] if "\\" in escaped else []
    if portion.endswith("\n"):
        result.append(len(escaped) - 2)
    if spans:
        end = offset + len(portion)
        positions: list[int] | None = None
        for index in range(first_span, len(spans)):
            a, b = spans[index]
            if a >= end:
                break  # this and every later span start after the portion
            if b < offset:
                continue
            if positions is None:
                positions = []
                pos = 0
                for ch in portion:
                    positions.append(pos)
                    pos += 2 if ch in _ESCAPED_CHARS else 1
            for j in range(max(a + 1, offset), min(b, end - 1) + 1):
                result.append(positions[j - offset])
    return result
