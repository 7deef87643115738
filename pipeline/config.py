"""Load and validate `[tool.pipeline]` from pyproject.toml once; report every problem at once, each at
the line of pyproject.toml that holds it."""

from __future__ import annotations

import bisect
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from pipeline.errors import PipelineError
from pipeline.model import Diagnostic

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
KEY_PATH = re.compile(r"^[A-Za-z_][\w-]*(\[(\d+|\*)\])*(\.[A-Za-z_][\w-]*(\[(\d+|\*)\])*)*$")
DEFAULT_TRANSLATED_KEYS = ("title", "description")
DEFAULT_REQUIRED_KEYS = ("title", "date")
TEXT_SETTINGS = ("project", "version", "site_name", "author")
FOLDER_SETTINGS = ("content_dir", "locale_dir", "site_dir", "templates_dir", "asset_root", "public_dir")
SETTINGS = (*TEXT_SETTINGS, *FOLDER_SETTINGS, "languages", "default_language", "home_language", "base_url",
            "min_translated", "page_size", "po_wrap", "collections", "glossary")
COLLECTION_SETTINGS = ("translate", "required", "lunar_date")
EXPORT_LAYOUTS = ("flat", "astro", "hugo")  # how `build --markdown` lays its files out (see `pipeline.export`)
DEFAULT_PO_WRAP = 79  # msgcat's page width: .po and .pot lines are wrapped to fit 79 columns
MIN_PO_WRAP = 20  # narrower pages leave no room for a keyword and its quotes
SPELLING_CUTOFF = 0.75  # two names at least this alike (difflib's ratio, letter case aside) are one name misspelt

Where = tuple  # a place in a TOML document: its key names and list indexes, e.g. ("collections", "news", "translate", 1)


@dataclass(frozen=True)
class CollectionConfig:
    """Per-collection settings: which front-matter key paths are translated, which are required."""

    translate: tuple[str, ...] = DEFAULT_TRANSLATED_KEYS
    required: tuple[str, ...] = DEFAULT_REQUIRED_KEYS
    lunar_date: str = ""  # "" off; "line": lunar date line above the date; "official": combined form


@dataclass(frozen=True)
class Config:
    """The whole project configuration. Paths are absolute. `lines`: the pyproject.toml line of each
    setting written there (a `Where` under `[tool.pipeline]`; `()` is the table itself); left out of
    comparisons, so that moving a setting in the file changes nothing a build keeps."""

    root: Path
    project: str = "pipeline"
    version: str = "0.1"
    languages: tuple[str, ...] = ("en", "km")
    default_language: str = "en"  # the language the articles are written in (and the templates' strings)
    home_language: str = ""  # the language the root and 404 pages put first and x-default names; "" = default_language
    content_dir: Path = Path("content")
    locale_dir: Path = Path("locale")
    site_dir: Path = Path("site")
    templates_dir: Path = Path("templates")
    asset_root: Path = Path("content")
    public_dir: Path | None = None  # files served at the site's root as they are (`/blog/x/photo.jpg`); None: none
    glossary: Path = Path("glossary.csv")  # the terminology `check` holds Khmer translations to; missing: none
    base_url: str = "https://example.org"
    site_name: str = "Pipeline"
    author: str = ""  # who the feeds name as their author; "" for the site's name
    min_translated: float = 100.0
    page_size: int = 10
    po_wrap: int | None = DEFAULT_PO_WRAP  # page width of written catalogs; None: no wrapping (msgcat --no-wrap)
    collections: Mapping[str, CollectionConfig] = field(default_factory=lambda: MappingProxyType({}))
    lines: Mapping[Where, int] = field(default_factory=lambda: MappingProxyType({}), compare=False, repr=False)
    shown: str = field(default="pyproject.toml", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.home_language:
            object.__setattr__(self, "home_language", self.default_language)

    def collection(self, name: str) -> CollectionConfig:
        return self.collections.get(name, CollectionConfig())

    @property
    def base_path(self) -> str:
        """The path of `base_url` without its trailing slash: "" for a site at the root of its host,
        "/posts-site" for one served under `/posts-site/` (a GitHub Pages project site)."""
        return urlsplit(self.base_url).path.rstrip("/")

    def relative(self, path: Path) -> str:
        """A path as shown to users: relative to the project root when inside it."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def line_of(self, *where: str | int) -> int:
        """The pyproject.toml line of a setting (`"collections", "news"`), or of the nearest table or
        list around it written there; 0 when there is none."""
        return line_at(self.lines, where)


def line_at(lines: Mapping[Where, int], where: Where) -> int:
    """The line of `where`, or of the closest place holding it that has one; 0 when none has."""
    for end in range(len(where), -1, -1):
        if where[:end] in lines:
            return lines[where[:end]]
    return 0


def closest(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate spelled most like `name`, letter case aside (the first of equals), or None when
    none is at least `cutoff` alike (difflib's ratio: 1 for equal names)."""
    best, best_score = None, cutoff
    for candidate in candidates:
        score = difflib.SequenceMatcher(None, name.lower(), candidate.lower()).ratio()
        if score > best_score or (best is None and score == best_score):
            best, best_score = candidate, score
    return best


def did_you_mean(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    """`; did you mean `x`?` for the closest candidate, or nothing when none is close."""
    found = closest(name, candidates, cutoff)
    return f"; did you mean `{found}`?" if found is not None else ""


# --- reading pyproject.toml ------------------------------------------------------------------------


def config_from_toml(data: bytes, root: Path, shown: str = "pyproject.toml") -> Config:
    """The configuration in the `[tool.pipeline]` table of a pyproject.toml's bytes, validated; raise
    one error listing all problems, each at its line. `root`: the project folder its paths are
    relative to."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise PipelineError(Diagnostic(shown, line, "config", f"not UTF-8 text: byte {data[exc.start]:#04x} "
                                                              "cannot be read")) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, reason = _toml_error(str(exc), text)
        raise PipelineError(Diagnostic(shown, line, "config", f"invalid TOML: {reason}")) from None
    lines = {where[2:]: line for where, line in key_lines(text).items() if where[:2] == ("tool", "pipeline")}
    tool = document.get("tool", {})
    table = tool.get("pipeline", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise PipelineError(Diagnostic(shown, line_at(lines, ()), "config",
                                       f"[tool.pipeline] must be a table, not {table!r}"))
    return config_from_table(root, table, shown, lines)


def _toml_error(message: str, text: str) -> tuple[int, str]:
    """The line and the reason of tomllib's error message (`… (at line 3, column 7)`, or `… (at end
    of document)`: the last line written)."""
    found = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", message, re.DOTALL)
    if found:
        return int(found.group(2)), f"{found.group(1)[:1].lower()}{found.group(1)[1:]} (column {found.group(3)})"
    found = re.fullmatch(r"(.*) \(at end of document\)", message, re.DOTALL)
    if found:
        return text.rstrip().count("\n") + 1, f"{found.group(1)[:1].lower()}{found.group(1)[1:]} at the end of the file"
    return 0, message


# --- validating the table --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Problem:
    where: Where
    message: str


@dataclass
class _Reader:
    """The `[tool.pipeline]` table being read: each setting checked against its type, with every
    problem kept at its place."""

    table: Mapping[str, Any]
    problems: list[_Problem] = field(default_factory=list)

    def add(self, where: Where, message: str) -> None:
        self.problems.append(_Problem(where, message))

    def get(self, key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        """The setting, or `default` when it is missing or of another type (a problem then)."""
        value = self.table.get(key, default)
        if not _is(value, kind):
            self.add((key,), f"[tool.pipeline] {key} must be {_kind_name(kind)}, not {value!r}")
            return default
        return value

    def text(self, key: str, default: str) -> str:
        """A one-line text setting (it lands in catalog headers and page titles)."""
        value = self.get(key, str, default)
        if _control(value):
            self.add((key,), f"[tool.pipeline] {key} must be one line of text, without control characters")
            return default
        return value

    def folder(self, key: str, default: str) -> str:
        """A folder setting, relative to the project folder."""
        value = self.get(key, str, default)
        if not value.strip() or _control(value):
            self.add((key,), f"[tool.pipeline] {key} must name a folder (such as {default!r}), not {value!r}")
            return default
        return value


def _is(value: Any, kind: type | tuple[type, ...]) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)


def _control(text: str) -> bool:
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


def config_from_table(root: Path, table: Mapping[str, Any], shown: str = "pyproject.toml",
                      lines: Mapping[Where, int] | None = None) -> Config:
    """Build a Config from the `[tool.pipeline]` table, collecting every problem before failing;
    `lines`: where each setting stands in `shown` (see `key_lines`), for locating the problems."""
    lines = lines or {}
    reader = _Reader(table)
    for key in sorted(set(table) - set(SETTINGS)):
        reader.add((key,), f"[tool.pipeline] unknown setting {key!r}{did_you_mean(key, SETTINGS)}")
    languages, default_language = _languages(reader)
    min_translated = reader.get("min_translated", (int, float), 100)
    if not 0 <= min_translated <= 100:
        reader.add(("min_translated",), "[tool.pipeline] min_translated must be between 0 and 100")
        min_translated = 100
    page_size = reader.get("page_size", int, 10)
    if page_size < 1:
        reader.add(("page_size",), "[tool.pipeline] page_size must be at least 1")
        page_size = 10
    base_url = reader.get("base_url", str, "https://example.org")
    if not re.match(r"^https?://[^/\s]+", base_url):
        reader.add(("base_url",), f"[tool.pipeline] base_url {base_url!r} must start with http:// or https://")
    folders = {key: root / reader.folder(key, default) for key, default in (
        ("content_dir", "content"), ("locale_dir", "locale"), ("site_dir", "site"),
        ("templates_dir", "templates"), ("asset_root", "content"))}
    if "public_dir" in table:
        folders["public_dir"] = root / reader.folder("public_dir", "public")
    config = Config(
        root=root,
        project=reader.text("project", "pipeline"),
        version=reader.text("version", "0.1"),
        languages=languages,
        default_language=default_language,
        home_language=_home_language(reader, languages, default_language),
        **folders,
        base_url=base_url.rstrip("/"),
        site_name=reader.text("site_name", "Pipeline"),
        author=reader.text("author", ""),
        min_translated=float(min_translated),
        page_size=page_size,
        po_wrap=_po_wrap(reader),
        glossary=root / _glossary_file(reader),
        collections=MappingProxyType(_collections(reader)),
        lines=MappingProxyType(dict(lines)),
        shown=shown,
    )
    if reader.problems:
        raise PipelineError(sorted((Diagnostic(shown, line_at(lines, p.where), "config", p.message)
                                    for p in reader.problems), key=lambda d: d.line))
    return config


def _glossary_file(reader: _Reader) -> str:
    """The glossary's CSV file, relative to the project folder (a missing file: no glossary)."""
    value = reader.get("glossary", str, "glossary.csv")
    if not value.strip() or _control(value) or value.endswith(("/", "\\")):
        reader.add(("glossary",), f"[tool.pipeline] glossary must name a CSV file (such as 'glossary.csv'), "
                                  f"not {value!r}")
        return "glossary.csv"
    return value


def _po_wrap(reader: _Reader) -> int | None:
    """The page width catalogs are written to: an integer (msgcat's `--width`), or "none" for no
    wrapping at all (msgcat's `--no-wrap`, Weblate's "Only wrap lines at newlines")."""
    value = reader.table.get("po_wrap", DEFAULT_PO_WRAP)
    if value == "none":
        return None
    if _is(value, int) and value >= MIN_PO_WRAP:
        return value
    reader.add(("po_wrap",), f"[tool.pipeline] po_wrap must be a page width of at least {MIN_PO_WRAP} columns "
                             f"(such as {DEFAULT_PO_WRAP}) or \"none\" (no wrapping), not {value!r}")
    return DEFAULT_PO_WRAP


def _languages(reader: _Reader) -> tuple[tuple[str, ...], str]:
    """The languages and the default language, each code checked."""
    languages = reader.get("languages", list, ["en", "km"])
    for index, lang in enumerate(languages):
        if not isinstance(lang, str) or not LANGUAGE_CODE.match(lang):
            reader.add(("languages", index),
                       f"[tool.pipeline] languages: {lang!r} is not a language code like 'km' or 'en'")
        elif lang == "kh":
            reader.add(("languages", index), "[tool.pipeline] languages: 'kh' is the country code; Khmer is 'km'")
        elif lang in languages[:index]:
            reader.add(("languages", index), f"[tool.pipeline] languages: {lang!r} is listed twice")
    default_language = reader.get("default_language", str, "en")
    if all(isinstance(lang, str) for lang in languages) and default_language not in languages \
            and _is(reader.table.get("default_language", "en"), str):
        where = ("default_language",) if "default_language" in reader.table else ("languages",)
        reader.add(where, f"[tool.pipeline] default_language {default_language!r} is not in languages "
                          f"{languages!r}{did_you_mean(default_language, [str(x) for x in languages])}")
    return tuple(languages), default_language


def _home_language(reader: _Reader, languages: tuple, default_language: str) -> str:
    """The language the root and 404 pages put first and `x-default` names: one of the languages,
    the default language unless set."""
    home = reader.get("home_language", str, default_language)
    codes = [str(lang) for lang in languages]
    languages_valid = all(isinstance(lang, str) and LANGUAGE_CODE.match(lang) and lang != "kh" for lang in languages)
    if languages_valid and "home_language" in reader.table and _is(reader.table["home_language"], str) \
            and home not in codes:
        hint = "; 'kh' is the country code: did you mean `km`?" if home == "kh" and "km" in codes \
            else did_you_mean(home, codes)
        reader.add(("home_language",), f"[tool.pipeline] home_language {home!r} is not in languages "
                                       f"{list(languages)!r}{hint}")
        return default_language
    return home


def _collections(reader: _Reader) -> dict[str, CollectionConfig]:
    result = {}
    for name, settings in reader.get("collections", dict, {}).items():
        where = f"[tool.pipeline.collections.{name}]"
        if not name or "/" in name or "\\" in name or name.startswith(".") or _control(name):
            reader.add(("collections", name), f"{where}: {name!r} is not a folder name under the content folder")
        if not isinstance(settings, dict):
            reader.add(("collections", name), f"{where} must be a table, not {settings!r}")
            continue
        for key in sorted(set(settings) - set(COLLECTION_SETTINGS)):
            reader.add(("collections", name, key),
                       f"{where} unknown setting {key!r}{did_you_mean(key, COLLECTION_SETTINGS)}")
        translate = _key_paths(reader, settings, ("collections", name, "translate"), DEFAULT_TRANSLATED_KEYS)
        required = _key_paths(reader, settings, ("collections", name, "required"), DEFAULT_REQUIRED_KEYS)
        lunar = settings.get("lunar_date", False)
        lunar = {True: "line", False: ""}.get(lunar, lunar) if isinstance(lunar, bool) else lunar
        if lunar not in ("", "line", "official"):
            reader.add(("collections", name, "lunar_date"),
                       f"{where} lunar_date must be false, true (or \"line\") or \"official\", not {lunar!r}")
            lunar = ""
        result[name] = CollectionConfig(translate=translate, required=required, lunar_date=lunar)
    return result


def _key_paths(reader: _Reader, settings: Mapping[str, Any], where: Where, default: tuple[str, ...]) -> tuple[str, ...]:
    value = settings.get(where[-1], list(default))
    shown = f"[tool.pipeline.collections.{where[1]}] {where[-1]}"
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        reader.add(where, f"{shown} must be a list of key paths such as 'contact.address' or 'facilities[*]'")
        return ()
    for index, path in enumerate(value):
        if not KEY_PATH.match(path):
            reader.add((*where, index), f"{shown}: {path!r} is not a key path such as 'managementTeam.member[*].role'")
    return tuple(value)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", list: "a list", dict: "a table", int: "an integer", float: "a number"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


# --- where each key stands ---------------------------------------------------------------------------
# tomllib gives values without positions; this reads the keys of a document tomllib accepted, table
# headers, dotted and quoted keys, inline tables and lists spanning lines, and says on which line each
# stands.

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_STRINGS = (re.compile(r'"""(?:\\[\s\S]|[^\\])*?"""(?:"{1,2})?'), re.compile(r"'''[\s\S]*?'''(?:'{1,2})?"),
            re.compile(r'"(?:[^"\\\n]|\\.)*"'), re.compile(r"'[^'\n]*'"))
_SCALAR = re.compile(r"[^,\]}#\n]*")
_BLANK = re.compile(r"(?:[ \t]|#[^\n]*)*")
_BLANK_LINES = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")


def key_lines(text: str) -> dict[Where, int]:
    """The 1-based line of every key of a valid TOML document, by its place from the top: a table
    header's (`[tool.pipeline.collections.news]` → `("tool", "pipeline", "collections", "news")`),
    a key's under its table (dotted keys spelt out, quoted keys unquoted), a key's inside an inline
    table, and each element of a list (its index). A table only implied (`[a.b]` implies `a`) takes
    the line that first implies it. Keys inside arrays of tables (`[[…]]`) take the first one's lines."""
    reader = _KeyReader(text)
    try:
        reader.document()
    except (ValueError, IndexError, tomllib.TOMLDecodeError):
        pass  # not TOML after all: the keys found so far
    return {**reader.implied, **reader.defined}


class _KeyReader:
    """A cursor over a TOML document that notes where each key stands."""

    def __init__(self, text: str):
        self.text, self.pos = text, 0
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.defined: dict[Where, int] = {}
        self.implied: dict[Where, int] = {}

    def note(self, where: Where, pos: int) -> None:
        line = bisect.bisect_right(self.starts, pos)
        self.defined.setdefault(where, line)
        for end in range(1, len(where)):
            self.implied.setdefault(where[:end], line)

    def skip(self, pattern: re.Pattern = _BLANK) -> str:
        """Move past `pattern` at the cursor; the next character ('' at the end)."""
        self.pos = pattern.match(self.text, self.pos).end()
        return self.text[self.pos:self.pos + 1]

    def document(self) -> None:
        table: Where = ()
        while self.skip(_BLANK_LINES):
            start = self.pos
            if self.text.startswith("[", start):
                double = self.text.startswith("[[", start)
                self.pos += 2 if double else 1
                table = self.key()
                self.pos += 2 if double else 1  # past ] or ]]
                self.note(table, start)
            else:
                where = table + self.key()
                self.note(where, start)
                self.expect("=")
                self.value(where)

    def key(self) -> Where:
        """A key, dotted or not, from the cursor (blanks around it and its dots skipped)."""
        parts = []
        while True:
            self.skip()
            parts.append(self.simple_key())
            if self.skip() != ".":
                return tuple(parts)
            self.pos += 1

    def simple_key(self) -> str:
        for pattern in _STRINGS[2:]:
            found = pattern.match(self.text, self.pos)
            if found:
                self.pos = found.end()
                return tomllib.loads(f"k = {found.group()}")["k"]
        found = _BARE_KEY.match(self.text, self.pos)
        if not found:
            raise ValueError(f"no key at {self.pos}")
        self.pos = found.end()
        return found.group()

    def expect(self, mark: str) -> None:
        if self.skip() != mark:
            raise ValueError(f"no {mark!r} at {self.pos}")
        self.pos += 1

    def value(self, where: Where) -> None:
        """Move past a value, noting the keys of the inline tables and the elements of the lists in it."""
        first = self.skip()
        if first == "[":
            self.pos += 1
            index = 0
            while self.more("]"):
                self.note((*where, index), self.pos)
                self.value((*where, index))
                if self.skip(_BLANK_LINES) == ",":
                    self.pos += 1
                    index += 1
            self.pos += 1
        elif first == "{":
            self.pos += 1
            while self.more("}"):
                start = self.pos
                inner = where + self.key()
                self.note(inner, start)
                self.expect("=")
                self.value(inner)
                if self.skip(_BLANK_LINES) == ",":
                    self.pos += 1
            self.pos += 1
        else:
            for pattern in _STRINGS:
                found = pattern.match(self.text, self.pos)
                if found:
                    self.pos = found.end()
                    return
            end = _SCALAR.match(self.text, self.pos).end()
            if end == self.pos:
                raise ValueError(f"no value at {self.pos}")
            self.pos = end

    def more(self, closing: str) -> bool:
        """Whether a list or an inline table goes on past blanks, comments and line ends (False at its
        `closing` mark)."""
        char = self.skip(_BLANK_LINES)
        if not char:
            raise ValueError("unclosed list or table")
        return char != closing
