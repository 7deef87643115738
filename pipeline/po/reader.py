"""Read gettext PO files. Standard library only.

`parse_po(text, path)` reads the whole PO grammar into a `Catalog` and reports every problem it
finds at once (one `PipelineError` with one located diagnostic per problem). `decode_po(data,
path)` turns the bytes of a file into text, pointing at the line of the first invalid UTF-8 byte.
"""

from __future__ import annotations

import re

from pipeline.characters import HINT as CHARACTER_HINT, character_problem, encoded_surrogate, first_forbidden
from pipeline.errors import PipelineError
from pipeline.model import Catalog, Diagnostic, Message
from pipeline.po.references import _parse_references

# --- decoding --------------------------------------------------------------------------------


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


# --- parsing ---------------------------------------------------------------------------------

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

    def string_parts(self) -> dict[str, list[str] | None]:
        """The entry's strings by name (`msgstr[1]`, `#| msgid`), each as the pieces read so far."""
        return {"msgctxt": self.msgctxt, "msgid": self.msgid, "msgid_plural": self.msgid_plural,
                "msgstr": self.msgstr, **{f"msgstr[{i}]": form for i, form in enumerate(self.plural)},
                **{f"#| {name}": value for name, value in self.prev.items()}}


class _Parser:
    """Reads the lines of a PO file into entries, collecting every problem it finds."""

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
        """Record a problem found at `line`."""
        self.diagnostics.append(
            Diagnostic(path=self.path, line=line, code=code, message=message, hint=hint)
        )

    # -- strings ---------------------------------------------------------------------------

    def unescape(self, body: str, lineno: int) -> str | None:
        """A string literal's body with its escapes resolved; None (reported) if one is invalid."""
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
        """Close an entry: report what it lacks, or keep the message it makes."""
        suspect, self.escaped_forbidden = self.raw_forbidden or self.escaped_forbidden, False
        if not e.has_keyword:
            return  # comments without an entry (e.g. at the end of the file) are dropped
        if e.msgid is None or not e.has_msgstr or (e.msgid_plural is not None and not e.plural):
            if not e.bad:
                self.incomplete(e)
            return
        if e.bad:
            return
        if self.bytes_seen:  # octal/hex escapes of bytes >= 0x80: decode the strings as UTF-8
            self.bytes_seen = False
            suspect = True  # they may spell U+FFFE or U+FFFF
            if not self.decode_bytes(e):
                return
        if suspect and self.forbidden_characters(e):
            return
        join = "".join
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
        key = (msgctxt, msgid)
        first = self.seen.get(key)
        if first is not None:
            self.duplicate(message, first)
            return
        self.seen[key] = e.msgid_line
        if msgid == "" and msgctxt is None and not message.obsolete:
            self.header = message
        else:
            self.messages.append(message)

    def incomplete(self, e: _Entry) -> None:
        """Report what an entry lacks: its msgid, its msgstr or its first plural form."""
        if e.msgid is None:
            self.error(e.key_line, "msgctxt without msgid",
                       hint='follow msgctxt with msgid "..." and msgstr "..."')
        elif not e.has_msgstr:
            self.error(e.msgid_line, "entry has no msgstr",
                       hint='add msgstr "" (or msgstr[0] "" for a plural entry) after the msgid')
        else:
            self.error(e.msgid_line, "plural entry (msgid_plural) has no msgstr[0]",
                       hint='use msgstr[0] "...", msgstr[1] "..." after msgid_plural')

    def duplicate(self, message: Message, first: int) -> None:
        """Report an entry with the msgctxt and msgid of the one at line `first`."""
        ctx = f" (msgctxt {message.msgctxt!r})" if message.msgctxt is not None else ""
        self.error(
            message.line,
            f"duplicate entry msgid {message.msgid[:60]!r}{ctx}; first defined at line {first}",
            code="po-duplicate",
            hint=f"merge this entry with the one at line {first} and delete one of them",
        )

    def decode_bytes(self, e: _Entry) -> bool:
        """Join each string of the entry, its escaped bytes decoded as UTF-8; False (reported)
        when they are not UTF-8."""
        for parts in e.string_parts().values():
            if parts is not None:
                value = "".join(parts)
                if _SURROGATE_RE.search(value):
                    try:
                        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "surrogatepass")
                    except UnicodeDecodeError:
                        self.error(e.msgid_line, "escaped bytes in a string are not valid UTF-8",
                                   code="po-encoding",
                                   hint="write the characters themselves instead of octal/hex escapes")
                        return False
                parts[:] = [value]
        return True

    def forbidden_characters(self, e: _Entry) -> bool:
        """Report a character XML forbids in the entry's strings (after unescaping; a lone surrogate
        comes from escaped UTF-8 bytes such as \\355\\240\\200): the catalog is refused as a whole,
        as for a syntax error, so nothing a translator wrote is lost."""
        for name, parts in e.string_parts().items():
            found = first_forbidden("".join(parts)) if parts is not None else None
            if found:
                self.error(e.msgid_line, f"{name}: {character_problem(found.group())}",
                           code="po-character", hint=CHARACTER_HINT)
                return True
        return False

    # -- lines -----------------------------------------------------------------------------

    def run(self, text: str) -> Catalog:
        """Read the whole text: the catalog, or one `PipelineError` listing every problem."""
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
        """A `"..."` line continuing the string of the keyword before it."""
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
        """Report an entry with both obsolete and active lines (once)."""
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
        """A msgctxt, msgid, msgid_plural, msgstr or msgstr[N] line (a msgctxt or msgid may
        start a new entry: the one it belongs to is returned)."""
        fast = _SIMPLE_KEYWORD_RE.fullmatch(line)
        m = fast or _KEYWORD_RE.match(line)
        if m is None:
            self.not_keyword(e, line, lineno, obsolete)
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

    def not_keyword(self, e: _Entry, line: str, lineno: int, obsolete: bool) -> None:
        """A line that starts with no keyword: an indented continuation, or an error."""
        stripped = line.lstrip(" \t")
        if stripped.startswith('"'):
            self.continuation(e, stripped, lineno, obsolete)
            return
        word = stripped.split(None, 1)[0] if stripped.strip() else stripped
        self.error(lineno, f"unknown keyword {word[:30]!r}",
                   hint="PO lines start with msgctxt, msgid, msgid_plural, msgstr, msgstr[N], "
                   'a quoted "continuation" or #')
        if e.has_keyword:
            e.bad = True


def parse_po(text: str, path: str) -> Catalog:
    """Read PO text. Raises one `PipelineError` listing every problem found, each located."""
    return _Parser(path).run(text)

