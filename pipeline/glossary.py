"""The project's glossary: English terms and the Khmer the ministry writes for them.

`glossary.csv` has a header row and three columns: the English term, its Khmer term or terms
(several separated by `|`), and a note (where the term comes from). It is read as Excel and
LibreOffice save it: UTF-8 with or without a byte-order mark, cells separated by commas (or by
semicolons or tabs, as the header row shows). TBX (TermBase eXchange, as Weblate's glossary reads and
writes it) goes both ways. A source unit uses a term when it holds the English, letter case aside,
on word boundaries (a hyphen and a space count alike, and the plural counts too); its translation
follows the glossary when it holds one of the Khmer terms, both compared as `comparable_khmer`
makes them. Values in, values out: no file is read or written here."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from pipeline.errors import PipelineError
from pipeline.khmer.encoding import comparable_khmer
from pipeline.model import Diagnostic

KHMER_SEPARATOR = "|"  # between the Khmer terms of one row (a `;` may be the cells' separator)
COLUMNS = ("english", "khmer", "note")
DELIMITERS = (",", ";", "\t")
MAX_XML_DEPTH = 64  # TBX nests a handful of elements; deeper is not a glossary
_BOM = "\ufeff"


@dataclass(frozen=True)
class Term:
    """One glossary row: an English term, the Khmer terms that translate it, and a note (its source)."""

    english: str
    khmer: tuple[str, ...]
    note: str = ""
    line: int = field(default=0, compare=False)  # its line in glossary.csv (0: not from a file)

    @property
    def key(self) -> str:
        """What makes two rows one term: the English, letter case and spacing aside."""
        return " ".join(self.english.split()).casefold()


@dataclass(frozen=True)
class Glossary:
    """The terms, in the file's order; `bom` and `delimiter`: how the file was saved (kept when it is
    written again)."""

    terms: tuple[Term, ...] = ()
    shown: str = field(default="glossary.csv", compare=False)
    bom: bool = field(default=False, compare=False)
    delimiter: str = field(default=",", compare=False)

    @cached_property
    def _finder(self) -> re.Pattern | None:
        """One pattern for every term, longer terms first: at each place the longest term is found."""
        variants = {variant for term in self.terms for variant in english_variants(term.english)}
        if not variants:
            return None
        # (not inside a word, nor a web or e-mail address: `www.mptc.gov.kh` does not say MPTC)
        return re.compile(r"(?<![\w.@/])" + _trie_regex(variants) + r"(?!\w|\.\w)", re.IGNORECASE)

    @cached_property
    def _by_variant(self) -> dict[str, Term]:
        found: dict[str, Term] = {}
        for term in self.terms:
            for variant in english_variants(term.english):
                found.setdefault(_english_key(variant), term)
        return found

    @cached_property
    def _normalized(self) -> dict[str, tuple[str, ...]]:
        return {term.key: tuple(comparable_khmer(k) for k in term.khmer) for term in self.terms}

    def normalized(self, term: Term) -> tuple[str, ...]:
        """A term's Khmer terms as `comparable_khmer` makes them."""
        return self._normalized.get(term.key) or tuple(comparable_khmer(k) for k in term.khmer)

    def terms_in(self, english: str) -> tuple[Term, ...]:
        """The terms an English text uses, each once, in the order they first appear; where terms
        overlap (`Secretary of State` in `Under-Secretary of State`) the longest counts."""
        if self._finder is None:
            return ()
        found: dict[str, Term] = {}
        for match in self._finder.finditer(_prose(english)):
            term = self._by_variant.get(_english_key(match.group()))
            if term is not None:
                found.setdefault(term.key, term)
        return tuple(found.values())


@dataclass(frozen=True)
class Use:
    """A term found in a source unit, and whether its translation holds one of the term's Khmer."""

    term: Term
    followed: bool


def uses(glossary: Glossary, english: str, khmer: str) -> tuple[Use, ...]:
    """The glossary terms a source unit uses, each with whether its translation follows the glossary."""
    terms = glossary.terms_in(english)
    if not terms:
        return ()
    translation = comparable_khmer(khmer)
    return tuple(Use(term, any(k in translation for k in glossary.normalized(term))) for term in terms)


# --- matching English ---------------------------------------------------------------------------------

_CODE = re.compile(r"`[^`]*`")
_TARGET = re.compile(r"\]\([^()\s]*(?:\s+\"[^\"()]*\")?\)|<[^<>]*>|https?://\S+")  # each stops at the next `(` or `<`
_WORD_GAP = re.compile(r"[\s\-\u2010\u2011]+")


def _prose(markdown_text: str) -> str:
    """The words of a unit: link targets, tags, addresses and code left out."""
    return _TARGET.sub("] ", _CODE.sub(" ", markdown_text))


def _english_key(text: str) -> str:
    return " ".join(_WORD_GAP.split(text.strip())).casefold()


_GAP = r"[\s\-\u2010\u2011]+"  # between the words of a term: spaces or hyphens


def _trie_regex(variants: Iterable[str]) -> str:
    """One pattern that finds any of the variants, the longest where several begin at one place, in
    the shape of a trie: at each place the text is read letter by letter down the variants that
    share it, not against each variant in turn (a glossary of thousands of terms stays fast)."""
    trie: dict = {}
    for variant in variants:
        node = trie
        for word_index, word in enumerate(_WORD_GAP.split(variant.strip().lower())):
            for unit in ([_GAP] if word_index else []) + list(word):
                node = node.setdefault(unit, {})
        node[""] = {}  # a variant ends here
    return _node_regex(trie)


def _node_regex(node: dict) -> str:
    branches = [(unit if unit == _GAP else re.escape(unit)) + _node_regex(child)
                for unit, child in sorted(node.items()) if unit]
    if not branches:
        return ""
    pattern = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{pattern})?" if "" in node else pattern  # greedy: the longer variant is tried first


def english_variants(english: str) -> tuple[str, ...]:
    """The term and its plurals: of its last word (`Community Tech Centers`) and, in an `X of Y`
    term, of the word before `of` (`Secretaries of State`)."""
    words = _WORD_GAP.split(english.strip())
    variants = [" ".join(words)]
    if words and words[-1][-1:].isalpha():
        variants.append(" ".join(words[:-1] + [plural(words[-1])]))
    lowered = [w.lower() for w in words]
    if "of" in lowered[1:]:
        at = lowered.index("of", 1) - 1
        variants.append(" ".join(words[:at] + [plural(words[at])] + words[at + 1:]))
    return tuple(dict.fromkeys(variants))


def plural(word: str) -> str:
    """An English noun's regular plural (`Ministry` → `Ministries`, `Tax` → `Taxes`)."""
    lower = word.lower()
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + ("IES" if word.isupper() else "ies")
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + ("ES" if word.isupper() else "es")
    return word + "s"


# --- glossary.csv ----------------------------------------------------------------------------------------


def read_glossary_csv(data: bytes, shown: str = "glossary.csv") -> Glossary:
    """The glossary in a CSV file's bytes; raise one error listing every bad row at its line."""
    bom = data.startswith(_BOM.encode())
    text = _decoded(data[3:] if bom else data, shown)
    rows, problems = _csv_rows(text, shown)
    if not rows:
        return Glossary((), shown, bom)
    (header_line, header), delimiter = rows[0], _delimiter_of(text)
    columns = [cell.strip().casefold() for cell in header]
    while columns and not columns[-1]:  # (a spreadsheet may save empty cells after the last column)
        columns.pop()
    if columns[:2] != list(COLUMNS[:2]) or columns[2:] not in ([], [COLUMNS[2]]):
        raise PipelineError(Diagnostic(shown, header_line, "glossary", f"the first row must name the columns "
                                       f"{', '.join(COLUMNS)} (it has {', '.join(header) or 'nothing'})",
                                       hint="save the glossary as CSV with the header row English,Khmer,Note"))
    terms, seen = [], {}
    for line, cells in rows[1:]:
        term, problem = _term_of(line, cells, len(columns))
        if problem:
            problems.append(Diagnostic(shown, line, "glossary", problem))
        elif term is not None and term.key in seen:
            problems.append(Diagnostic(shown, line, "glossary", f"“{term.english}” is already a term at line "
                                       f"{seen[term.key]}", hint="give one row several Khmer terms, separated by |"))
        elif term is not None:
            seen[term.key] = line
            terms.append(term)
    if problems:
        raise PipelineError(problems)
    return Glossary(tuple(terms), shown, bom, delimiter)


def _decoded(data: bytes, shown: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PipelineError(Diagnostic(shown, 1, "glossary", "saved as UTF-16 text; the glossary is read as UTF-8",
                                       hint="save it as “CSV UTF-8” (Excel) or CSV with the UTF-8 character set"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise PipelineError(Diagnostic(shown, line, "glossary", f"not UTF-8 text: byte {data[error.start]:#04x} "
                                       "cannot be read", hint="save it as “CSV UTF-8” (Excel) or CSV with the "
                                       "UTF-8 character set (LibreOffice)")) from None


def _delimiter_of(text: str) -> str:
    """The cells' separator: the one the header row has (Excel writes `;` in some countries)."""
    header = text.split("\n", 1)[0]
    return max(DELIMITERS, key=lambda d: (header.count(d), d == ","))


def _csv_rows(text: str, shown: str) -> tuple[list[tuple[int, list[str]]], list[Diagnostic]]:
    """Each row that is not blank, with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter_of(text), strict=True)
    rows, start = [], 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        return rows, [Diagnostic(shown, start, "glossary", f"this row cannot be read as CSV ({error})",
                                 hint="close every quoted cell with a \"; write a quote inside one as \"\"")]
    return rows, []


def _term_of(line: int, cells: list[str], width: int) -> tuple[Term | None, str]:
    """The term of one row, or why it is not one."""
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        return None, f"this row has {len(cells)} cells; the glossary has {width} columns (quote a cell that holds " \
                     "the separator)"
    english, khmer, note = (cells + ["", ""])[:3]
    english, note = " ".join(english.split()), " ".join(note.split())
    terms = tuple(dict.fromkeys(" ".join(k.split()) for k in khmer.split(KHMER_SEPARATOR) if k.strip()))
    if any(_is_control(ch) for ch in english + "".join(terms) + note):
        return None, "this row holds a control character (an invisible one that is not a space)"
    if _formula_problem((english, *terms, note)):
        return None, _formula_problem((english, *terms, note))
    if not english:
        return None, "the English term is empty"
    if not terms:
        return None, f"“{english}” has no Khmer term"
    if not any("\u1780" <= ch <= "\u17ff" for ch in comparable_khmer("".join(terms))):
        return None, f"the Khmer column of “{english}” holds no Khmer letters (are the columns swapped?)"
    return Term(english, terms, note, line), ""


# What makes Excel and LibreOffice read a CSV cell as a formula (a term from a shared TBX file could
# carry `=HYPERLINK(…)` or a command into the spreadsheet of whoever opens glossary.csv).
_FORMULA_STARTS = ("=", "+", "-", "@")


def _formula_problem(cells: Iterable[str]) -> str:
    """Why one of the cells cannot be in glossary.csv: it would be a formula in a spreadsheet; or ""."""
    formula = next((cell for cell in cells if cell.startswith(_FORMULA_STARTS)), None)
    if formula is None:
        return ""
    return f"“{formula[:40]}” begins with {formula[0]!r}: a spreadsheet opening the glossary would run it as a " \
           "formula (write the cell without it, or begin it with another character)"


def _is_control(ch: str) -> bool:
    """A character no glossary cell holds (nor XML carries): controls, lone surrogates, non-characters."""
    code = ord(ch)
    return code < 32 or 127 <= code < 160 or 0xD800 <= code < 0xE000 or code in (0xFFFE, 0xFFFF)


def glossary_csv(glossary: Glossary) -> bytes:
    """The glossary as CSV, with a header row, in the style it was read in."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=glossary.delimiter, lineterminator="\r\n" if glossary.bom else "\n")
    writer.writerow(("English", "Khmer", "Note"))
    for term in glossary.terms:
        writer.writerow((term.english, f" {KHMER_SEPARATOR} ".join(term.khmer), term.note))
    return ((_BOM if glossary.bom else "") + out.getvalue()).encode("utf-8")


# --- merging -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Merged:
    """A glossary with imported terms merged in, and what changed: terms added, terms that gained
    Khmer terms or a note."""

    glossary: Glossary
    added: tuple[str, ...] = ()
    extended: tuple[str, ...] = ()


def merged(glossary: Glossary, imported: Iterable[Term]) -> Merged:
    """`imported` merged into `glossary`: no row is dropped, no Khmer term lost; a term already there
    gains the Khmer terms it lacked (after its own), and a note when it had none."""
    terms = {term.key: term for term in glossary.terms}
    added, extended = [], []
    for new in imported:
        old = terms.get(new.key)
        if old is None:
            terms[new.key] = Term(new.english, new.khmer, new.note)
            added.append(new.english)
            continue
        khmer = tuple(dict.fromkeys(old.khmer + new.khmer))
        note = old.note or new.note
        if (khmer, note) != (old.khmer, old.note):
            terms[new.key] = Term(old.english, khmer, note, old.line)
            extended.append(old.english)
    return Merged(Glossary(tuple(terms.values()), glossary.shown, glossary.bom, glossary.delimiter),
                  tuple(added), tuple(dict.fromkeys(extended)))


# --- TBX ---------------------------------------------------------------------------------------------------------


def glossary_tbx(glossary: Glossary, source: str = "en", target: str = "km") -> bytes:
    """The glossary as TBX (the TBX-Basic layout Weblate and Translate Toolkit read): one concept
    (`termEntry`) per term, its note as the concept's `note`, each Khmer term its own `tig`."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<martif type="TBX" xml:lang={quoteattr(source)}>',
             "<martifHeader><fileDesc><sourceDesc><p>pipeline glossary</p></sourceDesc></fileDesc></martifHeader>",
             "<text>", "<body>"]
    for number, term in enumerate(glossary.terms, 1):
        lines.append(f'<termEntry id="term-{number}">')
        if term.note:
            lines.append(f"<note>{escape(term.note)}</note>")
        lines.append(f'<langSet xml:lang={quoteattr(source)}><tig><term>{escape(term.english)}</term></tig></langSet>')
        lines.append(f"<langSet xml:lang={quoteattr(target)}>"
                     + "".join(f"<tig><term>{escape(khmer)}</term></tig>" for khmer in term.khmer) + "</langSet>")
        lines.append("</termEntry>")
    lines += ["</body>", "</text>", "</martif>", ""]
    return "\n".join(lines).encode("utf-8")


@dataclass(frozen=True)
class TbxTerms:
    """The terms of a TBX file, and how many concepts it has without an English or a Khmer term."""

    terms: tuple[Term, ...]
    incomplete: int = 0


def terms_from_tbx(data: bytes, shown: str, source: str = "en", target: str = "km") -> TbxTerms:
    """The English–Khmer terms of a TBX file (TBX-Basic's `martif`/`termEntry`/`langSet`/`tig`, or
    TBX 3's `conceptEntry`/`langSec`/`termSec`): each English term of a concept becomes a term with
    every Khmer term of the concept that is not marked deprecated, and the concept's notes. A file
    with entity declarations or any other inline DTD is refused (no entity is ever expanded)."""
    root = _parse_xml(data, shown)
    terms, incomplete = [], 0
    for entry in root.find_all({"termEntry", "conceptEntry"}):
        english = _language_terms(entry, source)
        khmer = [part.strip() for k in _language_terms(entry, target)
                 for part in k.split(KHMER_SEPARATOR) if part.strip()]  # (read back from glossary.csv as split)
        if not english or not any("\u1780" <= ch <= "\u17ff" for ch in "".join(khmer)):
            incomplete += 1
            continue
        note = "; ".join(dict.fromkeys(n for n in (_text(node) for node in entry.find_all(_NOTES)
                                                   if node.attrs.get("type") != "Translation needed") if n))
        terms += [Term(" ".join(e.split()), tuple(dict.fromkeys(khmer)), note, entry.line) for e in english]
    problems = [Diagnostic(shown, term.line, "glossary", _formula_problem((term.english, *term.khmer, term.note)))
                for term in terms if _formula_problem((term.english, *term.khmer, term.note))]
    if problems:
        raise PipelineError(problems)
    return TbxTerms(tuple(terms), incomplete)


_NOTES = {"note", "descrip"}


def _language_terms(entry: _Node, lang: str) -> list[str]:
    found = []
    for language in entry.find_all({"langSet", "langSec"}):
        tag = language.attrs.get("lang", "")
        if re.split(r"[-_]", tag)[0].lower() != lang:
            continue
        for tig in language.find_all({"tig", "ntig", "termSec"}):
            status = " ".join(_text(n) for n in tig.find_all({"termNote"})
                              if n.attrs.get("type") == "administrativeStatus").lower()
            texts = [_text(node).strip() for node in tig.find_all({"term"})]
            if "deprecated" not in status and "superseded" not in status:
                found += [text for text in texts if text]
    return found


@dataclass
class _Node:
    """An element of a parsed TBX file: its local name, attributes (local names), line, and content."""

    tag: str
    attrs: dict[str, str]
    line: int
    parts: list = field(default_factory=list)  # text and child nodes, in order

    def find_all(self, tags: set[str]) -> list[_Node]:
        """The elements named one of `tags` below this one, in document order, not looking inside them."""
        found, stack = [], list(reversed([p for p in self.parts if isinstance(p, _Node)]))
        while stack:
            node = stack.pop()
            if node.tag in tags:
                found.append(node)
            else:
                stack += reversed([p for p in node.parts if isinstance(p, _Node)])
        return found


def _text(node: _Node) -> str:
    pieces, stack = [], [node]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            pieces.append(current)
        else:
            stack += reversed(current.parts)
    return " ".join("".join(" " if _is_control(ch) else ch for ch in "".join(pieces)).split())


class _Refused(Exception):
    pass


def _parse_xml(data: bytes, shown: str) -> _Node:
    """The document's root element, read by expat with every DTD declaration refused."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    top = _Node("", {}, 0)
    stack = [top]

    def refuse(*_args) -> None:
        raise _Refused("a TBX file may not declare or use entities (an inline DTD); it is not read")

    def doctype(_name, _system, _public, internal: int) -> None:
        if internal:
            raise _Refused("a TBX file may not have an inline DTD (<!DOCTYPE … [ … ]>); it is not read")

    def start(name: str, attrs: dict) -> None:
        if len(stack) > MAX_XML_DEPTH:
            raise _Refused(f"elements nested more than {MAX_XML_DEPTH} deep; a TBX glossary is not")
        node = _Node(name.rsplit(" ", 1)[-1], {k.rsplit(" ", 1)[-1]: v for k, v in attrs.items()},
                     parser.CurrentLineNumber)
        stack[-1].parts.append(node)
        stack.append(node)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = parser.ExternalEntityRefHandler = parser.SkippedEntityHandler = refuse
    parser.UnparsedEntityDeclHandler = parser.NotationDeclHandler = parser.ElementDeclHandler = refuse
    parser.AttlistDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda _name: stack.pop()
    parser.CharacterDataHandler = lambda text: stack[-1].parts.append(text)
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        raise PipelineError(Diagnostic(shown, parser.CurrentLineNumber, "glossary", str(refused))) from None
    except expat.ExpatError as error:
        raise PipelineError(Diagnostic(shown, error.lineno, "glossary",
                                       f"not well-formed XML: {expat.errors.messages[error.code]}")) from None
    roots = [p for p in top.parts if isinstance(p, _Node)]
    if not roots or roots[0].tag not in ("martif", "tbx"):
        raise PipelineError(Diagnostic(shown, roots[0].line if roots else 1, "glossary",
                                       "not a TBX file: its root element is not <martif> or <tbx>"))
    return roots[0]
