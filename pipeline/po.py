"""Read and write gettext PO files. Standard library only.

`parse_po(text, path)` reads the whole PO grammar into a `Catalog` and reports every problem it
finds at once (one `PipelineError` with one located diagnostic per problem). `decode_po(data,
path)` turns the bytes of a file into text, pointing at the line of the first invalid UTF-8 byte.

`format_po(catalog)` writes the text that GNU `msgcat` 0.21 (default options, page width 79)
prints for the same catalog, byte for byte, so catalogs that translators, Poedit, Weblate or
`msgmerge` touched do not churn. What `msgcat` does, and we therefore do as well:

* entry layout: translator comments `# `, extracted `#.`, references `#:`, flags `#,`, previous
  `#|` strings, then msgctxt/msgid/msgid_plural/msgstr; one blank line between entries; obsolete
  (`#~`) entries after all the others, and obsolete entries without a translation are dropped;
* references: a leading `./` is dropped, line numbers are printed as integers, duplicate
  (file, line) pairs are printed once, `#:` lines are filled up to 79 columns counted in bytes;
* flags: `fuzzy` first (dropped when the first msgstr is empty), then the `X-format` /
  `no-X-format` flags in gettext's language order (`possible-X-format` becomes `X-format`,
  `impossible-X-format` disappears, the last word on a language wins), `range: a..b` (not on
  obsolete entries), `no-wrap`. msgcat drops the flags it does not know (such as
  `markdown-text`); we keep them, in their stored order, after those;
* strings: C escapes, `msgid ""` plus continuation lines when the string contains an inner
  `\\n` or does not fit, a line break after every `\\n`, and in between libunistring's line
  breaking (UAX #14 as implemented by libunistring 1.0, Unicode 14 data) over the *escaped*
  text, with a greedy fill to 79 columns (Khmer combining marks are 0 columns wide, CJK 2), no
  break inside an escape sequence nor inside a format directive of the entry's first format
  language (c, objc, python, javascript; python-brace with gettext 0.21's offset quirk).

File names containing spaces are written between U+2068 and U+2069, as gettext 0.22 and later
do, and read back from that form. msgcat 0.21 does not know this convention: it splits such a
name at its spaces like two references, may wrap between the pieces and prints a repeated piece
only once. The writer does exactly the same (so msgcat changes nothing) and the reader puts the
pieces back together.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Iterable, Mapping

from pipeline.characters import HINT as CHARACTER_HINT, character_problem, encoded_surrogate, first_forbidden
from pipeline.errors import PipelineError
from pipeline.model import Catalog, Diagnostic, Message

__all__ = ["decode_po", "format_po", "parse_po", "written_entries"]

PAGE_WIDTH = 79
_FSI, _PDI = "\u2068", "\u2069"  # FIRST STRONG ISOLATE / POP DIRECTIONAL ISOLATE

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


# =============================================================================================
# Decoding
# =============================================================================================


def decode_po(data: bytes, path: str) -> str:
    """Decode the bytes of a PO file as UTF-8; invalid bytes are a located `po-encoding` error."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        surrogate = encoded_surrogate(data, exc.start)
        if surrogate:
            raise PipelineError(Diagnostic(path=path, line=line, code="po-character",
                                           message=character_problem(surrogate), hint=CHARACTER_HINT)) from None
        bad = data[exc.start : exc.end].hex(" ")
        raise PipelineError(
            Diagnostic(
                path=path,
                line=line,
                code="po-encoding",
                message=f"invalid UTF-8 byte sequence ({bad}) in the catalog",
                hint="save the file as UTF-8 (and declare 'charset=UTF-8' in the header)",
            )
        ) from None


# =============================================================================================
# Parsing
# =============================================================================================

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}
_ESCAPE_RE = re.compile(r"\\(?:([ntr\"\\abfv])|([0-7]{1,3})|x([0-9A-Fa-f]+)|(.?))", re.S)
_ONE_STRING_RE = re.compile(r'[ \t]*"([^"\\]*(?:\\.[^"\\]*)*)"[ \t]*')
_STRINGS_RE = re.compile(r'[ \t]*"([^"\\]*(?:\\.[^"\\]*)*)"')
_KEYWORD_RE = re.compile(r"[ \t]*(msgctxt|msgid_plural|msgid|msgstr)(?:\[([^\]]*)\])?(?=[ \t\"]|$)")
_TRAILING_WS_RE = re.compile(r"[ \t]*")
_SIMPLE_KEYWORD_RE = re.compile(
    r'[ \t]*(msgctxt|msgid_plural|msgid|msgstr)(?:\[([0-9]+)\])? '
    r'"([^"\\]*(?:\\.[^"\\]*)*)"[ \t]*',
    re.S,
)
_SURROGATE_RE = re.compile("[\udc80-\udcff]")
_FORBIDDEN_ESCAPES = frozenset("abfv")  # \a \b \f \v: control characters XML forbids
_FORBIDDEN_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0D}  # \001, \x0b…: the same, as numbers


class _Entry:
    """An entry being read."""

    __slots__ = ("tcomments", "xcomments", "refs", "flags", "prev", "prev_cur", "msgctxt",
                 "msgid", "msgid_plural", "msgstr", "plural", "cur", "obsolete", "msgid_line",
                 "key_line", "bad", "has_msgstr", "has_keyword")

    def __init__(self) -> None:
        self.tcomments: list[str] = []
        self.xcomments: list[str] = []
        self.refs: list[str] = []
        self.flags: list[str] = []
        self.prev: dict[str, list[str]] = {}
        self.prev_cur: list[str] | None = None
        self.msgctxt: list[str] | None = None
        self.msgid: list[str] | None = None
        self.msgid_plural: list[str] | None = None
        self.msgstr: list[str] | None = None
        self.plural: list[list[str]] = []
        self.cur: list[str] | None = None
        self.obsolete: bool | None = None
        self.msgid_line = 0
        self.key_line = 0
        self.bad = False
        self.has_msgstr = False
        self.has_keyword = False


class _Parser:
    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self.header: Message | None = None
        self.messages: list[Message] = []
        self.seen: dict[tuple[str | None, str], int] = {}
        self.bytes_seen = False  # an octal/hex escape of a byte >= 0x80 in the current entry
        self.raw_forbidden = False  # the file holds a character XML forbids (somewhere: maybe a comment)
        self.escaped_forbidden = False  # an escape in the current entry stands for such a character

    # -- diagnostics -----------------------------------------------------------------------

    def error(self, line: int, message: str, hint: str = "", code: str = "po-syntax") -> None:
        self.diagnostics.append(
            Diagnostic(path=self.path, line=line, code=code, message=message, hint=hint)
        )

    # -- strings ---------------------------------------------------------------------------

    def unescape(self, body: str, lineno: int) -> str | None:
        if "\\" not in body:
            return body
        bad: list[str] = []

        def repl(m: re.Match[str]) -> str:
            if m.group(1) is not None:
                if m.group(1) in _FORBIDDEN_ESCAPES:
                    self.escaped_forbidden = True
                return _ESCAPES[m.group(1)]
            if m.group(2) is not None:
                value = int(m.group(2), 8) & 0xFF
            elif m.group(3) is not None:
                value = int(m.group(3), 16) & 0xFF
            else:
                bad.append(m.group(0))
                return ""
            if value < 0x80:
                if value in _FORBIDDEN_BYTES:
                    self.escaped_forbidden = True
                return chr(value)
            self.bytes_seen = True  # carried as a surrogate escape, decoded in finish()
            return chr(0xDC00 + value)

        text = _ESCAPE_RE.sub(repl, body)
        if bad:
            shown = ", ".join(repr(b) for b in bad)
            self.error(
                lineno,
                f"invalid escape sequence {shown} in a string",
                hint='use one of \\n \\t \\r \\" \\\\ \\a \\b \\f \\v, an octal \\ooo or a hex '
                "\\xHH escape; write a literal backslash as \\\\",
            )
            return None
        return text

    def strings(self, rest: str, lineno: int, what: str) -> str | None:
        """The concatenated value of the string literal(s) making up `rest`, or None (error)."""
        m = _ONE_STRING_RE.fullmatch(rest)
        if m is not None:
            return self.unescape(m.group(1), lineno)
        parts: list[str] = []
        pos = 0
        for m in _STRINGS_RE.finditer(rest):
            if m.start() != pos:
                break
            parts.append(m.group(1))
            pos = m.end()
        tail = rest[pos:]
        if parts and _TRAILING_WS_RE.fullmatch(tail):
            values = [self.unescape(p, lineno) for p in parts]
            if any(v is None for v in values):
                return None
            return "".join(values)  # type: ignore[arg-type]
        stripped = tail.lstrip(" \t")
        if stripped.startswith('"'):
            self.error(
                lineno,
                f"unterminated string after {what}",
                hint='close the string with a double quote on the same line; write a quote '
                'inside the text as \\"',
            )
        elif not parts and not stripped:
            self.error(lineno, f"{what} is not followed by a quoted string",
                       hint=f'write {what} "text" (an empty string is "")')
        else:
            self.error(lineno, f"unexpected text {stripped[:30]!r} after {what}",
                       hint="a line holds a keyword and one quoted string; continue long strings "
                       'on the next line with "..."')
        return None

    # -- entries ---------------------------------------------------------------------------

    def finish(self, e: _Entry) -> None:
        suspect, self.escaped_forbidden = self.raw_forbidden or self.escaped_forbidden, False
        if not e.has_keyword:
            return  # comments without an entry (e.g. at the end of the file) are dropped
        if e.msgid is None:
            if not e.bad:
                self.error(e.key_line, "msgctxt without msgid",
                           hint='follow msgctxt with msgid "..." and msgstr "..."')
            return
        if not e.has_msgstr:
            if not e.bad:
                self.error(e.msgid_line, "entry has no msgstr",
                           hint='add msgstr "" (or msgstr[0] "" for a plural entry) after '
                           "the msgid")
            return
        if e.msgid_plural is not None and not e.plural:
            if not e.bad:
                self.error(e.msgid_line, "plural entry (msgid_plural) has no msgstr[0]",
                           hint='use msgstr[0] "...", msgstr[1] "..." after msgid_plural')
            return
        if e.bad:
            return

        join = "".join
        if self.bytes_seen:  # octal/hex escapes of bytes >= 0x80: decode the strings as UTF-8
            self.bytes_seen = False
            suspect = True  # they may spell U+FFFE or U+FFFF
            for parts in (e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, *e.plural,
                          *e.prev.values()):
                if parts is not None:
                    value = join(parts)
                    if _SURROGATE_RE.search(value):
                        try:
                            value = value.encode("utf-8", "surrogateescape").decode("utf-8", "surrogatepass")
                        except UnicodeDecodeError:
                            self.error(e.msgid_line,
                                       "escaped bytes in a string are not valid UTF-8",
                                       code="po-encoding",
                                       hint="write the characters themselves instead of "
                                       "octal/hex escapes")
                            return
                    parts[:] = [value]
        if suspect and self.forbidden_characters(e):
            return
        msgid = join(e.msgid)
        msgctxt = join(e.msgctxt) if e.msgctxt is not None else None
        prev = e.prev
        message = Message(
            msgid=msgid,
            msgstr=join(e.msgstr) if e.msgstr is not None else "",
            msgctxt=msgctxt,
            msgid_plural=join(e.msgid_plural) if e.msgid_plural is not None else None,
            msgstr_plural=tuple(join(p) for p in e.plural),
            flags=tuple(e.flags),
            translator_comments=tuple(e.tcomments),
            extracted_comments=tuple(e.xcomments),
            references=_parse_references(e.refs) if e.refs else (),
            previous_msgctxt=join(prev["msgctxt"]) if "msgctxt" in prev else None,
            previous_msgid=join(prev["msgid"]) if "msgid" in prev else None,
            previous_msgid_plural=join(prev["msgid_plural"]) if "msgid_plural" in prev else None,
            obsolete=bool(e.obsolete),
            line=e.msgid_line,
        )
        if e.bad:
            return
        key = (msgctxt, msgid)
        first = self.seen.get(key)
        if first is not None:
            ctx = f" (msgctxt {msgctxt!r})" if msgctxt is not None else ""
            self.error(
                e.msgid_line,
                f"duplicate entry msgid {msgid[:60]!r}{ctx}; first defined at line {first}",
                code="po-duplicate",
                hint=f"merge this entry with the one at line {first} and delete one of them",
            )
            return
        self.seen[key] = e.msgid_line
        if msgid == "" and msgctxt is None and not message.obsolete:
            self.header = message
        else:
            self.messages.append(message)

    def forbidden_characters(self, e: _Entry) -> bool:
        """Report a character XML forbids in the entry's strings (after unescaping; a lone surrogate
        comes from escaped UTF-8 bytes such as \\355\\240\\200): the catalog is refused as a whole,
        as for a syntax error, so nothing a translator wrote is lost."""
        strings = (("msgctxt", e.msgctxt), ("msgid", e.msgid), ("msgid_plural", e.msgid_plural),
                   ("msgstr", e.msgstr), *((f"msgstr[{i}]", form) for i, form in enumerate(e.plural)),
                   *((f"#| {name}", value) for name, value in e.prev.items()))
        for name, parts in strings:
            found = first_forbidden("".join(parts)) if parts is not None else None
            if found:
                self.error(e.msgid_line, f"{name}: {character_problem(found.group())}",
                           code="po-character", hint=CHARACTER_HINT)
                return True
        return False

    def run(self, text: str) -> Catalog:
        self.raw_forbidden = first_forbidden(text) is not None
        if text.startswith("\ufeff"):
            self.error(1, "the file starts with a UTF-8 byte order mark (BOM)", code="po-encoding",
                       hint="save the file as UTF-8 without BOM")
            text = text[1:]
        if "\r" in text:
            line = text.count("\n", 0, text.index("\r")) + 1
            self.error(line, "the file has CR or CRLF line endings", code="po-encoding",
                       hint="save the file with LF (Unix) line endings")
            text = text.replace("\r\n", "\n").replace("\r", "\n")

        e = _Entry()
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        for lineno, line in enumerate(lines, 1):
            if not line:
                continue
            c = line[0]
            if c == "#":
                c2 = line[1:2]
                if c2 == "~":
                    rest = line[2:]
                    if rest.startswith("|"):
                        e = self.previous(e, rest[1:], lineno)
                    elif rest.strip(" \t"):
                        e = self.keyword(e, rest, lineno, True)
                    continue
                if c2 == "|":
                    e = self.previous(e, line[2:], lineno)
                    continue
                if e.has_keyword:
                    e = self.new_entry(e, lineno)
                if c2 == ",":
                    e.flags.extend(f for f in (x.strip() for x in line[2:].split(",")) if f)
                elif c2 == ":":
                    e.refs.append(line[2:])
                elif c2 == ".":
                    body = line[2:]
                    e.xcomments.append(body[1:] if body.startswith(" ") else body)
                else:
                    body = line[1:]
                    e.tcomments.append(body[1:] if body.startswith(" ") else body)
                continue
            if c == '"' or (c in " \t" and line.lstrip(" \t").startswith('"')):
                cur = e.cur
                if cur is not None and e.obsolete is False:  # the common case, inline
                    m = _ONE_STRING_RE.fullmatch(line)
                    if m is not None and "\\" not in m.group(1):
                        cur.append(m.group(1))
                        continue
                self.continuation(e, line, lineno, False)
                continue
            if not line.strip(" \t\f\v"):
                continue
            e = self.keyword(e, line, lineno, False)
        self.finish(e)
        if self.diagnostics:
            raise PipelineError(self.diagnostics)
        return Catalog(header=self.header, messages=tuple(self.messages))

    def new_entry(self, e: _Entry, lineno: int) -> _Entry:
        """A comment line or a new keyword after an entry: close that entry."""
        if e.has_keyword and not e.has_msgstr and e.msgid is not None and not e.bad:
            self.error(e.msgid_line, "entry has no msgstr",
                       hint='add msgstr "" after the msgid (comments come before msgid)')
            e.bad = True
        self.finish(e)
        return _Entry()

    def continuation(self, e: _Entry, line: str, lineno: int, obsolete: bool) -> None:
        cur = e.cur
        if cur is not None and e.obsolete is obsolete:
            m = _ONE_STRING_RE.fullmatch(line)
            if m is not None:
                value = m.group(1)
                if "\\" not in value:
                    cur.append(value)
                    return
        if e.cur is None:
            self.error(lineno, "string continuation line without a keyword before it",
                       hint='start the entry with msgid "..." (continuation lines follow it)')
            e.bad = True
            return
        if e.obsolete is not None and e.obsolete != obsolete:
            self.mixed(e, lineno)
        value = self.strings(line, lineno, "continuation line")
        if value is None:
            e.bad = True
        else:
            e.cur.append(value)

    def mixed(self, e: _Entry, lineno: int) -> None:
        if not e.bad:
            self.error(lineno, "entry mixes obsolete (#~) and active lines",
                       hint="prefix every line of an obsolete entry with #~, or none of them")
        e.bad = True

    def previous(self, e: _Entry, rest: str, lineno: int) -> _Entry:
        """A `#|` (or `#~|`) line: previous msgctxt/msgid/msgid_plural or their continuation."""
        if e.has_keyword:
            e = self.new_entry(e, lineno)
        body = rest.lstrip(" \t")
        if body.startswith('"'):
            if e.prev_cur is None:
                self.error(lineno, "'#|' continuation line without a previous keyword",
                           hint='write #| msgid "..." before #| "..." lines')
                e.bad = True
                return e
            value = self.strings(body, lineno, "#| continuation line")
            if value is None:
                e.bad = True
            else:
                e.prev_cur.append(value)
            return e
        m = _KEYWORD_RE.match(body)
        if m is None or m.group(1) == "msgstr":
            self.error(lineno, f"unknown '#|' line {body[:30]!r}",
                       hint="#| lines hold only the previous msgctxt, msgid or msgid_plural")
            e.bad = True
            return e
        name = m.group(1)
        value = self.strings(body[m.end():], lineno, "#| " + name)
        if value is None:
            e.bad = True
            return e
        e.prev_cur = e.prev[name] = [value]
        return e

    def keyword(self, e: _Entry, line: str, lineno: int, obsolete: bool) -> _Entry:
        fast = _SIMPLE_KEYWORD_RE.fullmatch(line)
        m = fast or _KEYWORD_RE.match(line)
        if m is None:
            stripped = line.lstrip(" \t")
            if stripped.startswith('"'):
                self.continuation(e, stripped, lineno, obsolete)
                return e
            word = stripped.split(None, 1)[0] if stripped.strip() else stripped
            self.error(lineno, f"unknown keyword {word[:30]!r}",
                       hint="PO lines start with msgctxt, msgid, msgid_plural, msgstr, msgstr[N], "
                       'a quoted "continuation" or #')
            if e.has_keyword:
                e.bad = True
            return e
        name, index = m.group(1), m.group(2)
        if name in ("msgctxt", "msgid"):
            if e.has_msgstr or (e.has_keyword and (e.msgid is not None or name == "msgctxt")):
                if e.msgctxt is not None and e.msgid is None and name == "msgctxt":
                    self.error(lineno, "second msgctxt in one entry",
                               hint="an entry has at most one msgctxt")
                    e.bad = True
                e = self.new_entry(e, lineno)
        if e.obsolete is not None and e.has_keyword and e.obsolete != obsolete:
            self.mixed(e, lineno)
        if not e.has_keyword:
            e.obsolete = obsolete
            e.key_line = lineno
        e.has_keyword = True
        if fast is not None:
            value = fast.group(3)
            if "\\" in value:
                value = self.unescape(value, lineno)
        else:
            value = self.strings(line[m.end():], lineno,
                                 name if index is None else f"{name}[{index}]")
        if value is None:
            e.bad = True
            value = ""
        if name == "msgctxt":
            e.msgctxt = e.cur = [value]
        elif name == "msgid":
            e.msgid = e.cur = [value]
            e.msgid_line = lineno
        elif name == "msgid_plural":
            if e.msgid is None or e.has_msgstr or e.msgid_plural is not None:
                self.error(lineno, "msgid_plural must directly follow the msgid of its entry",
                           hint="order: msgctxt, msgid, msgid_plural, msgstr[0], msgstr[1], ...")
                e.bad = True
            e.msgid_plural = e.cur = [value]
        elif e.msgid is None:
            shown = name if index is None else f"{name}[{index}]"
            self.error(lineno, f"{shown} without msgid",
                       hint='every msgstr needs a msgid "..." line before it')
            e.bad = True
            e.cur = [value]
            e.msgid_line = e.msgid_line or lineno
            e.msgid = e.msgid or [""]
            e.has_msgstr = True
        elif index is None:
            if e.msgid_plural is not None:
                self.error(lineno, "plural entry uses msgstr instead of msgstr[0]",
                           hint='write msgstr[0] "...", msgstr[1] "..." after msgid_plural')
                e.bad = True
            elif e.has_msgstr:
                self.error(lineno, "second msgstr in one entry",
                           hint="an entry has exactly one msgstr; start a new entry with msgid")
                e.bad = True
            e.msgstr = e.cur = [value]
            e.has_msgstr = True
        else:
            if e.msgid_plural is None:
                self.error(lineno, f"msgstr[{index}] in an entry without msgid_plural",
                           hint='use msgstr "..." for entries without msgid_plural')
                e.bad = True
            expected = len(e.plural)
            if not index.isdigit() or int(index) != expected:
                self.error(lineno, f"msgstr[{index}] where msgstr[{expected}] was expected",
                           hint="number the plural forms msgstr[0], msgstr[1], ... without gaps")
                e.bad = True
            e.cur = [value]
            e.plural.append(e.cur)
            e.has_msgstr = True
        return e


def parse_po(text: str, path: str) -> Catalog:
    """Read PO text. Raises one `PipelineError` listing every problem found, each located."""
    return _Parser(path).run(text)


# --- references ------------------------------------------------------------------------------

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
        j = i
        while j < n and s[j] in _WS:
            j += 1
        if j < n and s[j] == ":":
            j += 1
            while j < n and s[j] in _WS:
                j += 1
            k = j
            while k < n and "0" <= s[k] <= "9":
                k += 1
            if k > j and (k == n or s[k] in _WS):
                out.append((token, int(s[j:k])))
                i = k
                continue
        # "file: 12"
        if token.endswith(":"):
            j = i
            while j < n and s[j] in _WS:
                j += 1
            k = j
            while k < n and "0" <= s[k] <= "9":
                k += 1
            if k > j and (k == n or s[k] in _WS):
                out.append((token[:-1], int(s[j:k])))
                i = k
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


# =============================================================================================
# Line breaking (libunistring 1.0 `ulc_width_linebreaks`, UTF-8, as used by gettext 0.21)
# =============================================================================================

# Line breaking classes, numbered as the pair table below. AI, SA and XX are resolved to AL,
# CB to ID (what libunistring does for a non-CJK encoding) when the table is built.
_WJ, _GL, _B2, _BA, _BB, _HY, _CL, _CP, _CP2, _EX, _IN, _NS, _OP, _OP2, _QU, _IS, _NU, _PO, \
    _PR, _SY, _AL, _H2, _H3, _ID, _ID2, _JL, _JV, _JT, _HL, _RI, _ZWJ, _EB, _EM, _BK, _CR, _LF, \
    _CM, _ZW, _SP = range(39)
_HL_BA = 99  # "Hebrew letter followed by hyphen or break-after" (rule LB21a)

_TRANSLATED = 0x20000  # code points below this are classified by str.translate
_CODES: list[int] | None = None  # code point -> 1 + 3 * class + width (an ASCII character)
_CODE_WIDTH: dict[int, str | None] = {}  # that character -> width as a string of that length
_PAIR: bytes = b""  # _PAIR[64 * class_before + class_after]: 0 no break, 1 direct, 2 indirect
_LB: bytes = b""  # class of every code point
_WIDTH: bytes = b""  # width of every code point
_ASCII_BREAK: re.Pattern[str] | None = None  # matches end where printable ASCII may break
_SP_CODE = chr(1 + 3 * _SP + 1)
_AL_CODES = (chr(1 + 3 * _AL), chr(2 + 3 * _AL), chr(3 + 3 * _AL))
# a run of letters (or any other single character) and the spaces after it
_RUN_RE = re.compile(
    f"([{re.escape(_AL_CODES[0])}-{re.escape(_AL_CODES[2])}]+|.)({re.escape(_SP_CODE)}*)", re.S
)


def _ranges(data: str) -> list[tuple[int, int]]:
    raw = zlib.decompress(base64.b64decode(data))
    out: list[tuple[int, int]] = []
    pos = i = 0
    while i < len(raw):
        delta = shift = 0
        while True:
            b = raw[i]
            i += 1
            delta |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        pos += delta
        out.append((pos, raw[i]))
        i += 1
    return out


def _expand(ranges: list[tuple[int, int]]) -> bytes:
    table = bytearray(0x110000)
    bounds = [start for start, _ in ranges[1:]] + [0x110000]
    for (start, value), end in zip(ranges, bounds):
        if value:
            table[start:end] = bytes([value]) * (end - start)
    return bytes(table)


def _load_tables() -> list[int]:
    """Decode the Unicode data below (once)."""
    global _CODES, _PAIR, _LB, _WIDTH, _ASCII_BREAK
    if _CODES is None:
        _LB = _expand(_ranges("".join(_LB_DATA)))
        _WIDTH = _expand(_ranges("".join(_WIDTH_DATA)))
        rows = [_PAIRS[i : i + 33] for i in range(0, len(_PAIRS), 33)]
        _PAIR = bytes(int(ch) for row in rows for ch in row.ljust(64, "0"))
        for code in range(1, 3 * _SP + 4):
            w = (code - 1) % 3
            _CODE_WIDTH[code] = "xx"[:w] or None
        _CODES = [1 + 3 * c + w for c, w in zip(_LB[:_TRANSLATED], _WIDTH[:_TRANSLATED])]
        _ASCII_BREAK = _ascii_break_pattern()
    return _CODES


def _ascii_break_pattern() -> re.Pattern[str]:
    """A regex whose matches end where the pair table allows a break in printable ASCII: after a
    character directly followed by one it may be broken from (`-a`, `/a`), or after spaces
    between two characters it may be broken from across spaces (`a b`). Printable ASCII holds
    none of the classes with rules of their own (BK, CR, LF, CM, ZW, ZWJ, HL, RI)."""
    chars: dict[int, str] = {}  # line breaking class -> its characters
    for code in range(0x21, 0x7F):
        chars[_LB[code]] = chars.get(_LB[code], "") + chr(code)
    direct: dict[str, str] = {}  # characters after -> characters before
    spaced: dict[str, str] = {}
    for before, lefts in chars.items():
        row = [(_PAIR[before * 64 + after], rights) for after, rights in chars.items()]
        after_direct = "".join(rights for kind, rights in row if kind == 1)
        after_spaces = "".join(rights for kind, rights in row if kind != 0)
        if after_direct:
            direct[after_direct] = direct.get(after_direct, "") + lefts
        if after_spaces:
            spaced[after_spaces] = spaced.get(after_spaces, "") + lefts
    # Every match starts with a space or with a character that may be broken from directly (one
    # set of characters, no letter, which lets the search skip letters quickly); the branches
    # then look back.
    parts = [f"(?<=[{re.escape(lefts)}])(?=[{re.escape(rights)}])" for rights, lefts in direct.items()]
    parts += [f"(?<=[{re.escape(lefts)}] ) *(?=[{re.escape(rights)}])" for rights, lefts in spaced.items()]
    return re.compile(f"[ {re.escape(''.join(direct.values()))}](?:{'|'.join(parts)})")


def _classify(s: str) -> str:
    """One ASCII character per character of `s`: chr(1 + 3 * line breaking class + width)."""
    codes = s.translate(_CODES or _load_tables())
    if not codes.isascii():  # characters beyond the translated range were left as they were
        codes = "".join(
            c if c < "\x80" else chr(1 + 3 * _LB[ord(c)] + _WIDTH[ord(c)]) for c in codes
        )
    return codes


def _text_width(s: str) -> int:
    """Columns of `s` as libunistring's uc_width counts them (control characters count 0)."""
    if s.isascii() and s.isprintable():
        return len(s)
    return len(_classify(s).translate(_CODE_WIDTH))


def _break_points(s: str, width: int, start_column: int, prohibited: Iterable[int],
                  codes: str | None = None) -> list[int]:
    """Indices i of `s` before which msgcat starts a new line."""
    return _fill(s, width, start_column, prohibited, codes)[0]


def _fill(s: str, width: int, start_column: int, prohibited: Iterable[int],
          codes: str | None = None) -> tuple[list[int], bool, bool]:
    """(`_break_points`, whether `s` has a break opportunity, whether it has a mandatory one).

    One pass doing both libunistring steps: the UAX #14 break opportunities of
    `u8_possible_linebreaks_v2` and the greedy fill of `u8_width_linebreaks_v2`. `prohibited`
    holds the indices where gettext's overrides forbid a break. A run of letters (class AL) and
    the spaces after it are taken in one step: inside them nothing can break. `codes` is
    `_classify(s)` when the caller has it already."""
    if s.isascii() and s.isprintable():
        return _ascii_fill(s, width, start_column, prohibited)
    if codes is None:
        codes = _classify(s)
    pairs = _PAIR
    forbid = set(prohibited)
    al0, al2 = _AL_CODES[0], _AL_CODES[2]
    zero_width_letters = al0 in codes
    wide_letters = al2 in codes
    result: list[int] = []
    opportunity = mandatory = False
    prev_prop = last_prop = _BK
    seen_space = False
    ri_count = 0
    last_p = -1
    last_column = start_column
    piece_width = 0
    i = 0
    for run, spaces in _RUN_RE.findall(codes):
        code = ord(run[0]) - 1
        p = code // 3
        # -- break opportunity before s[i] ---------------------------------------------------
        if p < _BK and p != _ZWJ:
            if last_prop == _BK:
                brk = 0
            elif last_prop == _ZW:
                brk = 1
            elif prev_prop == _ZWJ or prev_prop == _HL_BA:
                brk = 0
            elif p == _RI and last_prop == _RI:
                brk = 1 if (seen_space or ri_count % 2 == 0) else 0
            else:
                t = pairs[last_prop * 64 + p]
                brk = 1 if t == 1 or (t == 2 and seen_space) else 0
            last_prop = p
            seen_space = False
            if p == _RI:
                ri_count += 1
                prev_prop = p
            else:
                ri_count = 0
                prev_prop = _HL_BA if (prev_prop == _HL and (p == _HY or p == _BA)) else p
        elif _BK <= p <= _LF:  # BK, CR, LF: mandatory break
            brk = 3
            prev_prop = p
            last_prop = _BK
            seen_space = False
            ri_count = 0
        else:
            if p == _SP:
                brk = 0
                seen_space = True
            elif p == _ZW:
                brk = 0
                last_prop = _ZW
                seen_space = False
            else:  # CM or ZWJ
                if last_prop == _BK:
                    brk = 0
                    last_prop = _AL
                    seen_space = False
                elif last_prop == _ZW or seen_space:
                    brk = 1
                    last_prop = _AL
                    seen_space = False
                else:
                    brk = 0
            prev_prop = p
            ri_count = 0
        # -- greedy fill ---------------------------------------------------------------------
        if brk:
            if forbid and i in forbid:
                pass
            elif brk == 1:
                opportunity = True
                if last_p >= 0 and last_column + piece_width > width:
                    result.append(last_p)
                    last_column = 0
                last_p = i
                last_column += piece_width
                piece_width = 0
            else:
                mandatory = True
                if last_p >= 0 and last_column + piece_width > width:
                    result.append(last_p)
                last_p = -1
                last_column = 0
                piece_width = -(code % 3)  # the mandatory break character itself is not counted
        n = len(run)
        if n == 1:
            piece_width += code % 3
        else:  # a run of letters: nothing changes inside it
            piece_width += n
            if zero_width_letters:
                piece_width -= run.count(al0)
            if wide_letters:
                piece_width += run.count(al2)
        i += n
        if spaces:  # no break before a space, and more spaces change nothing
            k = len(spaces)
            if p != _SP:
                seen_space = True
                prev_prop = _SP
                ri_count = 0
            piece_width += k
            i += k
    if last_p >= 0 and last_column + piece_width > width:
        result.append(last_p)
    return result, opportunity, mandatory


def _ascii_fill(s: str, width: int, start_column: int, prohibited: Iterable[int]) -> tuple[list[int], bool, bool]:
    """`_fill` for printable ASCII, a line at a time instead of a character at a time.

    The greedy fill breaks a line at its last break opportunity before the first opportunity (or
    the end of the text) that would overflow it, and never before the first opportunity after
    the line's start. Every character is one column wide, so columns are indexes."""
    if _ASCII_BREAK is None:
        _load_tables()
    forbid = set(prohibited)
    result: list[int] = []
    line_start, column = 0, start_column
    while True:
        limit = line_start + width - column  # the last index the line may reach
        if len(s) <= limit:
            break
        cut = _last_ascii_break(s, line_start, limit, forbid)
        if cut < 0:  # one piece longer than the line: it stays whole
            cut = _next_ascii_break(s, line_start, forbid)
            if cut < 0:
                break
        result.append(cut)
        line_start, column = cut, 0
    return result, bool(result) or _next_ascii_break(s, 0, forbid) >= 0, False


_LOOK_BACK = 16  # how far back from a line's end to look for its last break first


def _last_ascii_break(s: str, low: int, limit: int, forbid: set[int]) -> int:
    """The last break opportunity in s[low + 1 : limit + 1], or -1."""
    assert _ASCII_BREAK is not None
    start = max(low, limit - _LOOK_BACK)
    while start > low and s[start - 1] == " ":  # a match starts at the first space of a run
        start -= 1
    while True:
        last = -1
        for found in _ASCII_BREAK.finditer(s, start, limit + 1):
            if found.end() not in forbid:
                last = found.end()
        if last >= 0 or start == low:
            return last
        start = low


def _next_ascii_break(s: str, low: int, forbid: set[int]) -> int:
    """The first break opportunity after index `low`, or -1."""
    assert _ASCII_BREAK is not None
    for found in _ASCII_BREAK.finditer(s, low):
        if found.end() not in forbid:
            return found.end()
    return -1


# =============================================================================================
# Format directives (gettext does not break lines inside them)
# =============================================================================================

# What gettext 0.21's c, objc, python, python-brace and javascript format parsers accept (the
# other languages are not modelled: no break is forbidden for them). A parser stops at the first
# invalid directive; the valid directives before it are kept.
_C_CONVERSIONS = frozenset("diouxXeEfFgGaAcCsSpnm%")
_PY_CONVERSIONS = frozenset("diouxXeEfgGcrs%")
_JS_CONVERSIONS = frozenset("bcdfjosxX%")
_PRI_RE = re.compile(r"<PRI[diouxX](?:MAX|PTR|(?:LEAST|FAST)?(?:8|16|32|64))>")
_DIGITS_RE = re.compile(r"[0-9]+")


_BRACE_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+")
_BRACE_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _brace_directive(value: str, i: int, toplevel: bool) -> tuple[int, int | None, int | None]:
    """gettext 0.21 python-brace `parse_directive` at value[i] == "{":
    (index after it, index of its "}" or None for "{{", error index or None)."""
    j = i + 1
    if value.startswith("{", j):
        return j + 1, None, None
    m = _BRACE_NAME_RE.match(value, j)
    if m is None:
        return j, None, j
    j = m.end()
    while j < len(value) and value[j] in ".[":
        if value[j] == ".":
            m = _BRACE_IDENT_RE.match(value, j + 1)
            if m is None:
                return j + 1, None, j + 1
            j = m.end()
        else:
            m = _BRACE_NAME_RE.match(value, j + 1)
            if m is None:
                return j + 1, None, j + 1
            j = m.end()
            if not value.startswith("]", j):
                return j, None, j
            j += 1
    if value.startswith(":", j):
        if not toplevel:
            return j, None, j
        j += 1
        if value.startswith("{", j):
            end, _, error = _brace_directive(value, j, False)
            if error is not None:
                return end, None, error
            j = end
        else:
            if j >= len(value):
                return j, None, j
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
    if not value.startswith("}", j):
        return j, None, j
    return j + 1, j, None


def _brace_spans(value: str) -> list[tuple[int, int]]:
    """gettext 0.21's python-brace parser records each directive's marks relative to the
    directive's own "{" instead of to the string, so every valid directive marks the bytes
    0..len(directive)-1 of the string: breaks there are forbidden, up to the first such end or
    error offset (an error offset makes that stretch "invalid", which forbids nothing)."""
    ends: list[int] = []
    error: int | None = None
    i = value.find("{")
    while i >= 0:
        nxt, close, err = _brace_directive(value, i, True)
        if err is not None:
            error = len(value[i:err].encode("utf-8"))
            break
        if close is not None:
            ends.append(len(value[i:close].encode("utf-8")))
        i = value.find("{", nxt)
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


def _directive_spans(language: str, value: str, is_msgstr: bool) -> list[tuple[int, int]]:
    """(start, end) index pairs, end inclusive, of the valid format directives of `value`."""
    spans: list[tuple[int, int]] = []
    if language == "python-brace":
        return _brace_spans(value) if "{" in value else spans
    if language not in ("c", "objc", "python", "javascript") or "%" not in value:
        return spans
    n = len(value)
    numbered = unnumbered = 0  # python: named / unnamed
    pos = value.find("%")
    while pos >= 0:
        j = pos + 1
        if language == "python":
            named = False
            if j < n and value[j] == "(":
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
                    return spans
                j += 1
                named = True
            while j < n and value[j] in "-+ #0":
                j += 1
            for part in ("width", "precision"):
                if part == "precision":
                    if j < n and value[j] == ".":
                        j += 1
                    else:
                        break
                if j < n and value[j] == "*":
                    if named or numbered:
                        return spans
                    unnumbered += 1
                    j += 1
                else:
                    m = _DIGITS_RE.match(value, j)
                    if m:
                        j = m.end()
            if j < n and value[j] in "hlL":
                j += 1
            if j >= n or value[j] not in _PY_CONVERSIONS:
                return spans
            if value[j] != "%":
                if named:
                    if unnumbered:
                        return spans
                    numbered += 1
                else:
                    if numbered:
                        return spans
                    unnumbered += 1
        else:
            number = 0
            m = _DIGITS_RE.match(value, j)
            if m and value.startswith("$", m.end()):
                number = int(m.group())
                if number == 0:
                    return spans
                j = m.end() + 1
            if language == "javascript":
                while j < n and value[j] in "-+ 0":
                    j += 1
                m = _DIGITS_RE.match(value, j)
                if m:
                    j = m.end()
                if j < n and value[j] == ".":
                    m = _DIGITS_RE.match(value, j + 1)
                    j = m.end() if m else j + 1
                if j >= n or value[j] not in _JS_CONVERSIONS:
                    return spans
                takes_argument = value[j] != "%"
            else:
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
                            if int(m.group()) == 0 or unnumbered:
                                return spans
                            numbered += 1
                            j = m.end() + 1
                        else:
                            if numbered:
                                return spans
                            unnumbered += 1
                    else:
                        m = _DIGITS_RE.match(value, j)
                        if m:
                            j = m.end()
                m = _PRI_RE.match(value, j)
                if m:
                    j = m.end() - 1
                    takes_argument = True
                else:
                    while j < n and value[j] in "hlLqjzZt":  # 0.21 accepts any sequence
                        j += 1
                    if j >= n or not (value[j] in _C_CONVERSIONS
                                      or (value[j] == "@" and language == "objc")):
                        return spans
                    takes_argument = value[j] not in "%m"
            if takes_argument:
                if number:
                    if unnumbered:
                        return spans
                    numbered += 1
                else:
                    if numbered:
                        return spans
                    unnumbered += 1
        spans.append((pos, j))
        pos = value.find("%", j + 1)
    return spans


# =============================================================================================
# Writing
# =============================================================================================

_ESCAPE_TABLE = str.maketrans({"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
                               "\t": "\\t", "\v": "\\v", "\\": "\\\\", '"': '\\"'})
_ESCAPED_CHARS = frozenset("\a\b\f\n\r\t\v\\\"")
_PORTION_RE = re.compile(r"[^\n]*\n|[^\n]+")
_ESCAPE_PAIR_RE = re.compile(r"\\.", re.S)
_NEEDS_ESCAPE_RE = re.compile('[\a\b\f\n\r\t\v\\\\"]')
_INFINITE = 1 << 30


def _wrap(out: list[str], prefix: str, name: str, value: str, wrap: bool,
          format_language: str | None) -> None:
    """Append the lines msgcat writes for `name "value"` (gettext write-po.c `wrap`)."""
    if not value:
        out.append(f'{prefix}{name} ""')
        return
    width = (PAGE_WIDTH if wrap else _INFINITE) - 2 - len(prefix)
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
            total = len(codes.translate(_CODE_WIDTH))
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
            breaks, opportunity, mandatory = _fill(escaped, width, 0, forbidden, codes)
            if mandatory:
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


def _normalized_flags(flags: tuple[str, ...], obsolete: bool = False
                      ) -> tuple[list[str], str | None, bool]:
    """(flags as msgcat prints them followed by our own flags, format language whose
    directives must not be broken, wrap). msgcat prints no range flag on obsolete entries."""
    if not flags:
        return [], None, True
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
    return out + extra, language, wrap is not False


def _reference_lines(references: Iterable[str]) -> list[str]:
    """The `#:` lines msgcat writes for these references."""
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
        if column > 2 and column + size > PAGE_WIDTH:
            lines.append(current)
            current = "#:"
            column = 2
        current += " " + item
        column += size
    lines.append(current)
    return lines


def _first_msgstr(m: Message) -> str:
    """What msgcat tests for "translated": the msgstr, or the first plural form."""
    if m.msgid_plural is not None:
        return m.msgstr_plural[0] if m.msgstr_plural else ""
    return m.msgstr


def _wrap_shared(out: list[str], shared: dict | None, prefix: str, name: str, value: str, wrap: bool,
                 format_language: str | None) -> None:
    """`_wrap`, with the lines kept in `shared` for the next catalog that has the same entry."""
    if shared is None:
        return _wrap(out, prefix, name, value, wrap, format_language)
    key = (prefix, name, value, wrap, format_language)
    lines = shared.get(key)
    if lines is None:
        lines = shared[key] = []
        _wrap(lines, prefix, name, value, wrap, format_language)
    out.extend(lines)


def _write_message(out: list[str], m: Message, shared: dict | None = None) -> None:
    obsolete = m.obsolete
    first_msgstr = _first_msgstr(m)
    for comment in m.translator_comments:
        for line in comment.split("\n"):
            out.append(f"# {line}" if line else "#")
    for comment in m.extracted_comments:
        for line in comment.split("\n"):  # (msgcat would write an inner newline as is)
            out.append(f"#. {line}" if line else "#.")
    if m.references:
        out.extend(_reference_lines(m.references))
    flags, language, wrap = _normalized_flags(m.flags, obsolete)
    if flags and flags[0] == "fuzzy" and not first_msgstr:
        flags = flags[1:]
    if flags:
        out.append("#, " + ", ".join(flags))
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


Written = Mapping[tuple, tuple[Message, str]]  # (msgctxt, msgid, obsolete) → entry and its text


def format_po(catalog: Catalog, shared: dict | None = None, written: Written | None = None) -> str:
    """The PO text GNU msgcat 0.21 writes for `catalog` (header first, obsolete entries last,
    obsolete entries without translation dropped), keeping flags msgcat does not know.

    Two shortcuts: catalogs with the same msgids (a template and its translations) can share the
    work of wrapping them (pass each the same dict as `shared`), and an entry equal to one of a
    file this function wrote (`written`: `written_entries` of that file) is written again as it
    stood there."""
    out: list[str] = []
    for m in _entries_in_order(catalog):
        if out:
            out.append("")
        before = written.get((m.msgctxt, m.msgid, m.obsolete)) if written else None
        if before is not None and before[0] == m:
            out.append(before[1])
            if shared is not None:
                _share_wrapped(shared, m, before[1])
        else:
            _write_message(out, m, shared)
    return "\n".join(out) + "\n" if out else ""


def _share_wrapped(shared: dict, m: Message, text: str) -> None:
    """Give `shared` the msgctxt and msgid lines of an entry's text, as `_wrap_shared` keeps them."""
    _, language, wrap = _normalized_flags(m.flags, m.obsolete)
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


def _entries_in_order(catalog: Catalog) -> list[Message]:
    entries = [catalog.header] if catalog.header is not None else []
    entries += [m for m in catalog.messages if not m.obsolete]
    entries += [m for m in catalog.messages if m.obsolete and _first_msgstr(m)]
    return entries


def written_entries(catalog: Catalog, text: str) -> Written:
    """Each entry of a catalog parsed from `text`, with its text, when `text` is what `format_po`
    writes for it (the caller knows: it wrote the file); empty when the entries do not line up."""
    blocks = text[:-1].split("\n\n") if text.endswith("\n") else []  # entries are separated by a blank line
    entries = _entries_in_order(catalog)
    if len(blocks) != len(entries) or len(entries) != len(catalog.messages) + (catalog.header is not None):
        return {}
    return {(m.msgctxt, m.msgid, m.obsolete): (m, block) for m, block in zip(entries, blocks)}


# =============================================================================================
# Unicode data: Unicode 14.0 as compiled into libunistring 1.0, the library gettext 0.21 breaks
# lines with. Read out of that library (its line breaking property and pair tables, and uc_width
# for every code point), with the classes resolved the way it resolves them for UTF-8 (AI, SA
# and XX become AL, CB becomes ID). tests/test_po.py compares the result with the library.
# _PAIRS: the UAX #14 pair table, 33 rows (class before) of 33 columns (class after):
#   0 no break, 1 direct break, 2 indirect break (only across spaces).
# _LB_DATA / _WIDTH_DATA: zlib+base64 of (varint code point delta, value) runs giving the line
# breaking class (numbered as above) and the column width (0, 1, 2) of every code point.
# =============================================================================================

_PAIRS = (
    "022222000022222022202222222222222"
    "022222000022222022202222222222222"
    "020212000022112011101111111111111"
    "011212000022112011101111111111111"
    "022222000022222022202222222222222"
    "011212000022112021101111111111111"
    "021212000020112012201111111111111"
    "021212000022112022202111111121211"
    "021212000022112012201111111111111"
    "021212000022112011101111111111111"
    "021212000022112011101111111111111"
    "021212000022112011101111111111111"
    "000000000000000000000000000000000"
    "000000000000000000000000000000000"
    "022222000022002022202222222222222"
    "021212000022112021101111111111111"
    "021212000022212022202111111121211"
    "021212000022222021102111111121211"
    "021212000022222021102222222221222"
    "021212000022112021101111111121111"
    "021212000022212022202111111121211"
    "021212000022112012101111112211111"
    "021212000022112012101111111211111"
    "021212000022112012101111111111111"
    "021212000022112012101111111111112"
    "021212000022112012101221122111111"
    "021212000022112012101111112211111"
    "021212000022112012101111111211111"
    "021212000022212022202111111121211"
    "021212000022112011101111111111111"
    "021212000022212022202112211121222"
    "021212000022112012101111111111112"
    "021212000022112012101111111111111"
)
_LB_DATA = (
    "eNrtWE2IZVcRnjp17v999933prrPnX6v+/bMnIxNMj2ZGUh6MLaGwQQl5keJoIhhIJpFQiCLkEBWDUkgmgkEkoHgIiDq"
    "0p24UnCjIgjJJtlEF2pw5c9kFVHM+FXdO+MkPQm670Xdc07VqTqn6vzVdw/Fguk4HXXHKM5PUEENCc1phm9DNWXWmlIC"
    "OkxtOXXCBcmiBhey9ZqYUvSJ6VGKawSNGc1ZErXCJA4tfD1JCg7XJC94NBg0B23G+4kiRokTaaYkz7mYyRUMBVU/V7Pb"
    "TFFLp1RoPV8uxC+9rM4Yk3GxUm7BcktcacsZtZggej1cqFYGeQpSbS+uLSVAthEX8o1YyRTto7EQP4XbqjV3sop+BB5F"
    "BiWwyvKZmMvNsUP7qNxu/LnZLqNjtTkD71y8Op7OiaVAu9Q65G7mJJlZICEjkw/9E/Fjf52ztKqhtepaj3ycCYuM1tRK"
    "Dq/oBqNmoKujziG7AyOw6XubUQN+Af0U/J1Rl0Z5Br1q1M2wNkXUVfqkXi3aOxbb/8qv97uAzzqju8HzNuPBo1Rjgj73"
    "YCZtW7KTJ8H5lEfkvSMQE1GREHrbujjTKMedYFRj0ylBdiY2kCSs9QSrSjFi60EHPQu1BS8ScvJtG+nzsPTIkQtrX1h8"
    "TX6vIdOt9rp+rnh81tSo3McsEc4sI0NlAcMboAvsqmFXgzB1D1NdgS3gdaIaBsw74ozIY+h9DMM/FWs4XkteaDj2VLSL"
    "yD9sndSn1dhj/oncGmdS2fyIPeJXSMFmEANPLJYnYyOnowhzMupG9HjAor6CQcj8VYd+RfFO+beuneOMiPkmTGoD0dGo"
    "snOIaONqanAYcSR9yYzDHxHtGfZag1ErxG5q0a1YanMXK8N8CHGMpUwsRI19Z/MMB7wBeZAddtAU52SOtdc9XyNQ/9KD"
    "9Q6VJN3VdZMmOJlMtPZLCl4uenxa8FzAeIF7Qv1IYDmJ9ipoNyCUg0xUxmNfh3aOMg2J8qGnvFzlvZd7m1SXJtjVk9LH"
    "kdxv3/6Gslc+UXVf989dq23a971Ez2WB+OluRjSfADVYqwtxs2k4181U21WJ2DtdmQ8bZK83me0M7G/n1A6j16BpXC72"
    "a5EcC2uIyNelDm9jX2v4cFO7gD0cnAb+o7SfW+nXhTIiuJFCUmmwwQ0fpSOg/rp2aqRXkquwaND7HzWC1/6ShFsw9YdA"
    "D0pdtaFHbQvLfPl2uTNc+qEqvK9LvCM7cP8l7GyLLO4Sucvu7xIvi54OjVoi39VLl+0SIjwAiZUVNucd3uHc5uh2Fld6"
    "bpd5ilrp7aJGaxnBhc5E6iPrsOFxVBtJsQh2fEHarvVZGi89huxFvY+c3Vx/wYVnV5PZXqHVxQEd0AEd0AEd0P9DUq8F"
    "8Ysz8tz5sOdlfYm0bgk4sJyAkPwskQws3Uil/I01E5CfKZLj2E7xkk/x2um7Xmqy2IbkRlnA/owgZCDDeJXTVOpDPZCE"
    "BEv68Gq/QocsYw/OGIOyG5RDpckDZIvJ0F4fS0sxlCwRKMM2+vV42oHarhHQkWaWgZFGziNjqGc1DfqnYoE/6ueSIilk"
    "33Ia9Ia+2z/OUPu1JgV/GJCJYgMvW6jr498ie3pJmQWniMZ5zuRdfdxzqL7nNFWW1whY4gx4z0DntjjFe74OfEaGXErw"
    "tyFnVmvbljYoZGgEg2u2jD4nFal4RUOMzL1B+qXZCFl+YjhOYQPc+FKsx+xOXXkUQ98GyGBZ/nX4ah+uBI/h9S8UjHod"
    "0uCDZjpfBkyoof7WoFd42Eaawzw1tPmVOEPHidr3E/ksUhv1+hHFZJjNXylO5UcawrsNsalJP6IulReQPG12s8EDSJbI"
    "t7YMA3rzyY/8AhE6FVvNWL0CqYtscDa3pKzU/MkrwNuMq+A2CHRqWRpdg5RkUzsNNwdeYu3f6Iz+TDMvGwjW5RzG/rSo"
    "OcUCpNcl+vJ3LZz8hCiz9qXjVrz8RdjQxXgA5QkFjvLpmGGSAJgKwuTnKYQ/HVzeAYAFjKg8kcHeJvzjViSie6ns+VDI"
    "+3eFHzjZBk6aVdg94SLL9w/r9oHS72I8hTAFed0bCl+1mG1A8qpuye9U7VkYwQg+nkX2OIACh5Vszd+pvFlaEGZDrMcA"
    "PK8NXYR3dal3o4LQBBjrzQr8x0G6cXzt5LepHnzQG2k42fnwra4O086ByOimDlAOR+uboN1A3bn1tcDdxPoWXRZc14S0"
    "+x6F5wmgCpMPAaQgK+nZgJZDeWozCed7oIq+Civ9YQNuHnwCZQrGQI3eESMlKpcBpN0rWWgR0Yl04WbY8JCtmL4Luwhm"
    "B1B3D+xwn8iJhhFkH45D3oJXoKyUuiS0HYdJx/JkV8tXg8fca/hA3VRQyrkul7JLZQvlBvx33X1S9wNUzPs8pCiLvjRv"
    "zqG+i9HJiMLMPJmEY/IgotdAO8FYSllXhHWUOj733JUBY4S8y3tI5LLh++4DHJPwwRUev8/ubdnPpwuyR/EyyX8Adzdx"
    "Cw=="
)
_WIDTH_DATA = (
    "eNpVVUtoXFUYPt9/7r1z505mkknN28RUo8aENI9KayO1waKWguDCKuqisRAXQqEbXejCKfVBUbHgq8WFKepCoRs3UoLd"
    "CC5cFRduqmB14a50p0u//7sng8J8nP+e//zvx4Qwi5NhL9oB+DkLZ/ChhQbesbAE8ArBEoCHQoEqtETvCyMY4rkVSn4X"
    "ML3JsFcywEyYwgt8ux6aaPJ7nDyQRohEjkWeD1KmoPxCOISDSS7jd8Yz0omK/GnS67rPUPK8g3eTPN3eId2bYNQXZdd0"
    "tvr8XP5nSXaUviLpNNms9TbIc5kZ0oeJAWJNfiD5FpHL96z/dte3QdKu+07ZtP/56m+OSX+U3edlt0H9JU6JblJXgeN8"
    "O5VyANnsKE/ue66czymPLymPhe49BxOyF1mLTCU05dR9Ak7ZZtgGfvPcfOsOTCvAGhsqWEOOGg248iUafIX3d5N+le89"
    "sX5fkL5RW6wjdsFdT42RFKESbyXchVV6siJeLn5OzDPKAcrPkld3SmQ31d0VU3bXqcd5F+sWactIJuteBsOPCBt41ws6"
    "SaxKfYVN9u7XmRnaxDVYhkj9pHHeb0eINRvAIi/2EG2i5F2XyImS3zkxQjRcir8sKWiIZl153kPUvKjzMM9xnh3iRsFH"
    "+5PgpUj33/fANzlZPdg3MWTWpdBzwexKpMXbB7Bh168An0dVs2JeDE8RFyy1nMc9odIDn0I9P6z63scsTbBcHZuGW1pR"
    "Beqs3k/6aJpFh/ewl3eZ2J+ybFJaz/MCT+ffQhoGtzpsXz5LyTF+rOLNR62XaSZu5mHIhogNfMDn9iLesAaGqfGsS/3h"
    "Kj72kr/dVvncSsa6Ryn9yi++97k455W8BEbgffI6eQfCIB5InVvx/WqKZtehSpMYMaeCl3hE02ncHk3yMr07qcjqfvJ2"
    "2YbyWGIkjaTn9F72U6SSH6BOq+dxjHg67YQs7bpbPuRF+pgiTkigVv9yv+1roS2ZztTu50wbztCzlGIP4AJSRP4xm+oz"
    "r7PeE03RkTu1LelPosaroGOjWha7S/g13sX+Uq5H8Fh/hNiIrnlngU58d5ruPMwnF93AERp60tx8i53asX+W2YW/NLFg"
    "Tfz1GEcGrKVa3r4wLLG1u7ws7b2Iy3vSYv91LuyjM2PY9nXTDEPybIacj7yvdgbDQQa4poA6xKjKNYjrlRzt/ieQHG/5"
    "x9+mXZvh9xa/ThNXfTp/8vG6Bs1ghS27zEamn7DHiVHSi5yznGdXkx7tCQ0kbMcljnDCPZ5xNjIwqb0APGMnsEIFhQRY"
    "MCInPB0NKv8TXBE+vZ+ZLVO6Iq4CZ2gnCg00feCsRTH+CfJBYSUz1MD5ynq9Emd78/r32eTIh9vAv0tmZz8="
)
