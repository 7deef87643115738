"""Articles: split YAML front matter from the Markdown body, keeping every source position.

Owns PyYAML. The YAML node tree is composed here, from the parser's events (a front-matter library
would throw away where each value sits, and translators' references, error messages and the
byte-preserving Markdown export all need the exact line and offset).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

import yaml

from pipeline.characters import HINT as CHARACTER_HINT, character_problem, encoded_surrogate, first_forbidden
from pipeline.config import CollectionConfig
from pipeline.errors import PipelineError, fail
from pipeline.model import Diagnostic
from pipeline.tags import TAGS_KEY, tag_problem, written_tags
from pipeline.urls import url_problem
from pipeline.yaml_scalars import double_quoted, scalar_candidates

try:  # libyaml is much faster; its marks carry the same line/column/index
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loading, except that an impossible date (2025-02-30) stays a string to report."""


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


def _int_or_error(loader: yaml.SafeLoader, node: yaml.ScalarNode):
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        raise yaml.constructor.ConstructorError(None, None, f"the number {node.value[:20]}… is too long; "
                                                "quote it to keep it as text", node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
_Loader.add_constructor("tag:yaml.org,2002:int", _int_or_error)

# The safe profile of YAML that front matter is read with (see _compose): no anchors or aliases
# (billion laughs, self-reference), no merge keys, keys are names and appear once, bounded nesting
# and size. The deepest real front matter (managementTeam.member[*].role) nests four levels.
MAX_DEPTH = 32  # far below libyaml's 1000 and Python's recursion limit for every walker over it
MAX_FRONT_MATTER = 1 << 20  # characters; long text belongs in the body

_OPENING = re.compile(r"\A---[ \t]*\n")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$\n?", re.MULTILINE)


@dataclass(frozen=True)
class FieldValue:
    """One string leaf of the front matter, e.g. `managementTeam.member[2].role`."""

    key_path: str
    value: str
    line: int  # 1-based line in the article file
    start: int  # offsets of the scalar's source text in the article file
    end: int
    style: str  # YAML scalar style: "" plain, "'", '"', "|" or ">"
    is_text: bool = True  # False for numbers, dates, booleans: never translated


@dataclass(frozen=True)
class Article:
    """A source article: its identity, its raw text, front matter values and the Markdown body."""

    id: str  # path under content/ without .md, e.g. "news-and-events/article-19"
    path: str  # path as shown to users, e.g. "content/news-and-events/article-19.md"
    text: str
    metadata: Mapping[str, Any]
    fields: tuple[FieldValue, ...]
    body_offset: int  # where the Markdown body starts in `text`
    body_line: int  # 1-based line number of the body's first line
    lang: str
    key_lines: Mapping[str, int] = dataclasses.field(default_factory=dict)  # line of each top-level key

    @property
    def collection(self) -> str:
        """The first folder under content/: `news-and-events` for `news-and-events/2025/a`."""
        return self.id.split("/", 1)[0]

    @property
    def body(self) -> str:
        return self.text[self.body_offset:]

    @property
    def date(self) -> dt.date | None:
        value = self.metadata.get("date")
        if isinstance(value, dt.datetime):
            return value.date()
        return value if isinstance(value, dt.date) else None

    @property
    def draft(self) -> bool:
        """Anything but an absent or false `draft` holds the article back (`draft: "true"` too, which
        check_front_matter reports): a mistake there must never publish a draft."""
        return self.metadata.get("draft", False) not in (False, None)

    def field(self, key_path: str) -> FieldValue | None:
        return next((f for f in self.fields if f.key_path == key_path), None)

    def line_of_key(self, key: str) -> int:
        """Line of a top-level front-matter key (1 when absent: the opening `---`)."""
        if key in self.key_lines:
            return self.key_lines[key]
        found = self.field(key)
        return found.line if found else 1


def decode_source(data: bytes, path: str) -> str:
    """UTF-8 text of a source file, or a located error at the first undecodable byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        surrogate = encoded_surrogate(data, exc.start)
        if surrogate:
            raise fail(path, line, character_problem(surrogate), code="character", hint=CHARACTER_HINT) from None
        raise fail(path, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                   code="encoding") from None
    if text.startswith("\ufeff"):
        text = text[1:]  # editors on Windows add a BOM; it carries no content
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_article(text: str, article_id: str, path: str, default_lang: str) -> Article:
    """Split and parse one article. Raises PipelineError for a missing or invalid front matter, for
    front matter outside the safe profile of YAML (see _compose), and for a character XML forbids."""
    if not text.strip():
        raise fail(path, 1, "the file is empty; an article needs front matter (title, date) and a body",
                   code="front-matter")
    forbidden = first_forbidden(text)
    if forbidden:
        raise fail(path, _line_at(text, forbidden.start()), character_problem(forbidden.group()),
                   code="character", hint=CHARACTER_HINT)
    opening = _OPENING.match(text)
    if not opening:
        raise fail(path, 1, "no front matter: the file must start with a line '---', the YAML keys, "
                   "and another '---'", code="front-matter")
    closing = _CLOSING.search(text, opening.end())
    if not closing:
        raise fail(path, 1, "front matter is not closed: add a line '---' after the YAML keys",
                   code="front-matter")
    yaml_start, yaml_end = opening.end(), closing.start()
    metadata, fields, key_lines = _parse_yaml(text, yaml_start, yaml_end, path)
    lang = metadata.get("lang", default_lang)
    if not isinstance(lang, str) or not lang:
        raise fail(path, key_lines.get("lang", _line_at(text, yaml_start)),
                   "lang must be a language code such as 'km'", code="front-matter")
    return Article(
        id=article_id,
        path=path,
        text=text,
        metadata=metadata,
        fields=fields,
        body_offset=closing.end(),
        body_line=text.count("\n", 0, closing.end()) + 1,
        lang=lang,
        key_lines=key_lines,
    )


def _parse_yaml(text: str, start: int, end: int, path: str) -> tuple[dict, tuple[FieldValue, ...], dict[str, int]]:
    source = text[start:end]
    first_line = _line_at(text, start)
    if len(source) > MAX_FRONT_MATTER:
        raise fail(path, first_line, f"the front matter is {len(source):,} characters long; the limit is "
                   f"{MAX_FRONT_MATTER:,}", code="front-matter", hint="move long text into the body")
    try:
        node = _compose(source, path, first_line)
        data = _construct(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        surrogate = _escaped_surrogate(source, exc)
        if surrogate:
            raise fail(path, line, character_problem(surrogate), code="character", hint=CHARACTER_HINT) from None
        context = ""
        if exc.context and exc.context_mark is not None:
            context = f" ({exc.context} that starts on line {first_line + exc.context_mark.line})"
        raise fail(path, line, f"invalid YAML in front matter: {exc.problem or exc}{context}",
                   code="front-matter", hint="check quotes, brackets and indentation") from None
    except yaml.YAMLError as exc:
        raise fail(path, first_line, f"invalid YAML in front matter: {exc}", code="front-matter") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise fail(path, first_line, "front matter must be a mapping of keys to values", code="front-matter")
    fields = tuple(_string_leaves(node, "", text, start, first_line)) if node is not None else ()
    key_lines = ({key.value: first_line + key.start_mark.line for key, _ in node.value}
                 if isinstance(node, yaml.MappingNode) else {})
    return data, fields, key_lines


def _escaped_surrogate(source: str, exc: yaml.MarkedYAMLError) -> str | None:
    """The lone surrogate a "\\ud800" escape stands for, when that is what libyaml refused (it says
    only "invalid Unicode character escape code", with its mark on the hex digits)."""
    mark = exc.problem_mark
    if mark is None or exc.problem != "found invalid Unicode character escape code":
        return None
    width = {"u": 4, "U": 8}.get(source[mark.index - 1:mark.index])
    digits = source[mark.index:mark.index + width] if width else ""
    if len(digits) == width and _HEX.fullmatch(digits) and 0xD800 <= int(digits, 16) <= 0xDFFF:
        return chr(int(digits, 16))
    return None


def _compose(source: str, path: str, first_line: int) -> yaml.Node | None:
    """The node tree of the one YAML document in `source`, composed from the parser's events with
    an explicit stack (no recursion, whatever the nesting), in the safe profile of front matter:
    front matter needs none of anchors, aliases and merge keys, and they are what billion-laughs
    and self-referencing documents are made of, so the first one is a located error before anything
    is expanded; nesting deeper than MAX_DEPTH, a key that is not a name, a key given twice and a
    decoded value holding a character XML forbids are located errors too."""
    loader = _Loader(source)
    try:
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # document start
        root = _Composer(loader, path, first_line).document()
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            extra = loader.get_event()
            raise fail(path, first_line + extra.start_mark.line, "the front matter holds a second YAML "
                       "document; it must be one mapping of keys to values", code="front-matter")
        return root
    finally:
        loader.dispose()


@dataclass(slots=True)
class _Open:
    """A collection being composed: its node, the mapping key waiting for its value, the keys seen."""

    node: yaml.CollectionNode
    mapping: bool
    key: yaml.ScalarNode | None = None
    keys: dict[str, int] = dataclasses.field(default_factory=dict)  # key → line of its first occurrence


_COLLECTION_NODES = {yaml.SequenceStartEvent: yaml.SequenceNode, yaml.MappingStartEvent: yaml.MappingNode}
_COLLECTION_ENDS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
_STR_TAG = "tag:yaml.org,2002:str"


class _Composer:
    """Turns the events of one document into nodes, refusing what is outside the safe profile.
    (PyYAML's own composer, in C or Python, recurses once per level and expands nothing only
    because it shares nodes, which every walker over the tree then expands.)"""

    def __init__(self, loader: yaml.SafeLoader, path: str, first_line: int):
        self.loader, self.path, self.first_line = loader, path, first_line
        self.stack: list[_Open] = []
        self.root: yaml.Node | None = None

    def document(self) -> yaml.Node:
        get_event, resolve, stack = self.loader.get_event, self.loader.resolve, self.stack
        while True:
            event = get_event()
            kind = type(event)
            if kind in _COLLECTION_ENDS:
                stack.pop().node.end_mark = event.end_mark
                if stack:
                    continue
                return self.root
            if event.anchor is not None:  # an anchor, or an alias (whose name is its `anchor`)
                raise self.anchor_or_alias(event)
            tag = event.tag
            if kind is yaml.ScalarEvent:
                if event.style == '"':  # only double quotes have escapes; parse_article saw the raw text
                    self.check_characters(event)
                if tag is None or tag == "!":
                    tag = resolve(yaml.ScalarNode, event.value, event.implicit)
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
            else:
                node_kind = _COLLECTION_NODES[kind]
                if tag is None or tag == "!":
                    tag = resolve(node_kind, None, event.implicit)
                node = node_kind(tag, [], event.start_mark, None, event.flow_style)
            if stack:
                self.attach(stack[-1], node, event)
            else:
                self.root = node
            if kind is not yaml.ScalarEvent:
                stack.append(_Open(node, kind is yaml.MappingStartEvent))
                if len(stack) > MAX_DEPTH:
                    raise self.error(event, f"the front matter nests more than {MAX_DEPTH} levels deep here",
                                     "front matter is a few keys, lists and small mappings; flatten it")
            elif not stack:
                return node

    def attach(self, parent: _Open, node: yaml.Node, event: yaml.Event) -> None:
        if not parent.mapping:
            parent.node.value.append(node)
        elif parent.key is None:
            parent.key = self.key(parent, node, event)
        else:
            parent.node.value.append((parent.key, node))
            parent.key = None

    def key(self, parent: _Open, node: yaml.Node, event: yaml.Event) -> yaml.ScalarNode:
        if node.tag != _STR_TAG or not isinstance(node, yaml.ScalarNode):
            raise self.not_a_name(node, event)
        first = parent.keys.get(node.value)
        if first is not None:
            raise self.error(event, f"duplicate key {node.value!r}: it is already set on line {first}",
                             "keep one of the two; YAML would silently keep only the last")
        parent.keys[node.value] = self.first_line + event.start_mark.line
        return node

    def check_characters(self, event: yaml.ScalarEvent) -> None:
        found = first_forbidden(event.value)
        if found:
            raise self.error(event, character_problem(found.group()), CHARACTER_HINT, code="character")

    def anchor_or_alias(self, event: yaml.Event) -> PipelineError:
        if isinstance(event, yaml.AliasEvent):
            return self.error(event, f"alias *{event.anchor}: anchors and aliases are not allowed in front "
                              "matter", "write the value out where it is needed")
        return self.error(event, f"anchor &{event.anchor}: anchors and aliases are not allowed in front matter",
                          "remove the anchor and write the value out where it is needed")

    def not_a_name(self, node: yaml.Node, event: yaml.Event) -> PipelineError:
        if node.tag == "tag:yaml.org,2002:merge":
            return self.error(event, "merge keys (<<) are not allowed in front matter",
                              "write the keys out in this mapping")
        if not isinstance(node, yaml.ScalarNode):
            return self.error(event, "a list or mapping cannot be a key", "front-matter keys are names")
        return self.error(event, f"the key {node.value!r} is not a name (YAML reads it as "
                          f"{node.tag.rsplit(':', 1)[-1]})", f"put the key in quotes: '{node.value}':")

    def error(self, event: yaml.Event, message: str, hint: str, code: str = "front-matter") -> PipelineError:
        return fail(self.path, self.first_line + event.start_mark.line, message, code=code, hint=hint)


def _construct(node: yaml.Node | None) -> Any:
    if node is None:
        return None
    loader = _Loader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _string_leaves(node: yaml.Node, prefix: str, text: str, offset: int, first_line: int) -> Iterator[FieldValue]:
    """Every scalar leaf under `node` with its key path, in source order."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = str(key.value)
            yield from _string_leaves(value, f"{prefix}.{name}" if prefix else name, text, offset, first_line)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _string_leaves(item, f"{prefix}[{index}]", text, offset, first_line)
    elif isinstance(node, yaml.ScalarNode):
        yield FieldValue(
            key_path=prefix,
            value=node.value,
            line=first_line + node.start_mark.line,
            start=offset + node.start_mark.index,
            end=offset + node.end_mark.index,
            style=node.style or "",
            is_text=node.tag == "tag:yaml.org,2002:str",
        )


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


TEXT_KEYS = ("title", "description")  # their values must be text
TYPED_KEYS = (*TEXT_KEYS, "draft", "date", "lang", "image", TAGS_KEY)  # keys with a type: known in every collection
BOOLEAN_SPELLINGS = ("true", "false", "True", "False", "TRUE", "FALSE")  # YAML 1.2 core schema
URL_WORDS = frozenset({"image", "images", "url", "urls", "uri", "href", "link", "links", "src", "cover",
                       "thumbnail", "thumbnails", "permalink"})
NEAR_MISS = 0.75  # difflib ratio from which an unknown key reads as a misspelt known key ("draf", "lnag")
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+")


def check_front_matter(article: Article, collection: CollectionConfig, languages: tuple[str, ...]
                       ) -> tuple[Diagnostic, ...]:
    """Every problem of an article's front matter, located: required keys, the type of each known
    key (title and description text, draft a boolean, date a date, lang a configured language,
    image a URL), every URL-valued key against the one URL rule, and unknown keys that look like a
    misspelt known key ("did you mean `description`?")."""
    return (*_missing_keys(article, collection.required), *_typed_keys(article, languages),
            *_url_keys(article), *_near_misses(article, known_keys(collection)))


def known_keys(collection: CollectionConfig) -> tuple[str, ...]:
    """The top-level keys an article of `collection` is expected to use."""
    configured = (path.split(".", 1)[0].split("[", 1)[0] for path in collection.translate + collection.required)
    return tuple(dict.fromkeys((*TYPED_KEYS, *configured)))


def _missing_keys(article: Article, required: tuple[str, ...]) -> Iterator[Diagnostic]:
    for key in required:
        if key not in article.metadata or article.metadata[key] in (None, ""):
            yield Diagnostic(article.path, 1, "front-matter", f"missing required key {key!r}",
                             hint=f"add a line '{key}: …' to the front matter")


def _typed_keys(article: Article, languages: tuple[str, ...]) -> Iterator[Diagnostic]:
    metadata = article.metadata

    def problem(key: str, message: str, hint: str) -> Diagnostic:
        return Diagnostic(article.path, article.line_of_key(key), "front-matter", message, hint=hint)

    for key in (*TEXT_KEYS, "image"):
        value = metadata.get(key)
        if value is not None and not isinstance(value, str):
            source = article.field(key)
            hint = (f"put it in quotes: {key}: {double_quoted(source.value)}" if source else
                    f"write {key} as one line of text")
            yield problem(key, f"{key} must be text, not {_kind_of(value)}", hint)
    if "draft" in metadata and not _is_boolean(article, "draft"):
        yield problem("draft", f"draft must be true or false, not {_shown(article, 'draft')}",
                      "write draft: true or draft: false, without quotes (YAML 1.2 and Astro read yes, no, on "
                      "and off as text, and a draft written as text would be published)")
    if "date" in metadata and article.date is None:
        yield problem("date", f"date {metadata['date']!r} is not a valid date",
                      "write the date as YYYY-MM-DD, e.g. 2025-08-13")
    if "lang" in metadata and article.lang not in languages:
        yield problem("lang", f"lang {article.lang!r} is not one of the configured languages "
                      f"({', '.join(languages)})", "write one of them, or add the language to "
                      "[tool.pipeline] languages in pyproject.toml")
    yield from _tag_problems(article)


def _tag_problems(article: Article) -> Iterator[Diagnostic]:
    """`tags` is a list of text (`tags: [digital-skills, training]`), each naming a page, or one
    text (`tags: training`, one tag)."""
    value = article.metadata.get(TAGS_KEY)
    items = written_tags(value)
    if value is not None and items is None:
        yield Diagnostic(article.path, article.line_of_key(TAGS_KEY), "front-matter",
                         f"tags must be a list of text, not {_kind_of(value)}",
                         hint="write the tags in square brackets: tags: [first-tag, second-tag]")
        return
    for index, item in enumerate(items or ()):
        problem = tag_problem(item)
        if problem:
            source = article.field(f"{TAGS_KEY}[{index}]")
            line = source.line if source else article.line_of_key(TAGS_KEY)
            where = f"{TAGS_KEY}[{index}]" if isinstance(value, list) else f"{TAGS_KEY}:"
            shown = f"{problem} ({_kind_of(item)})" if not isinstance(item, str) else problem
            yield Diagnostic(article.path, line, "front-matter", f"{where} {shown}",
                             hint="write each tag as a short text with a letter or a digit, e.g. digital-skills")


def _is_boolean(article: Article, key: str) -> bool:
    """True or false, spelt as YAML 1.2 and YAML 1.1 (PyYAML) both read it."""
    source = article.field(key)
    return (isinstance(article.metadata[key], bool) and source is not None and source.style == ""
            and source.value in BOOLEAN_SPELLINGS)


def _shown(article: Article, key: str) -> str:
    source = article.field(key)
    if source is None:
        return _kind_of(article.metadata[key])
    return f"{source.value!r} (text)" if source.is_text else source.value or "empty"


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty" if value is None else type(value).__name__


def is_url_key(key_path: str) -> bool:
    """Whether a front-matter value holds a URL, by its key's last word: `image`, `heroImage`,
    `og_image`, `cover-url`, `gallery.images[2]`, `links[0].href`…"""
    name = key_path.rsplit(".", 1)[-1].split("[", 1)[0]
    words = _WORDS.findall(name)
    return bool(words) and words[-1].lower() in URL_WORDS


def _url_keys(article: Article) -> Iterator[Diagnostic]:
    for value in article.fields:
        if value.is_text and is_url_key(value.key_path):
            problem = url_problem(value.value)
            if problem:
                yield Diagnostic(article.path, value.line, "unsafe-url", f"{value.key_path}: {problem}",
                                 hint="write a path in this site, an @/ asset, or an https:// URL")


def _near_misses(article: Article, known: tuple[str, ...]) -> Iterator[Diagnostic]:
    """Unknown top-level keys that look like a known key: an error when that key is absent (its value
    is most likely lost: `draf: true` publishes a draft), a warning when both are there."""
    lowered = {key.lower(): key for key in known}
    for key in article.metadata:
        if key in known:
            continue
        match = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=NEAR_MISS)
        if not match or _own_key(key, match[0]):
            continue
        meant = lowered[match[0]]
        present = meant in article.metadata
        yield Diagnostic(article.path, article.line_of_key(key), "front-matter",
                         f"unknown key {key!r}: did you mean `{meant}`?",
                         severity="warning" if present else "error",
                         hint=(f"`{meant}` is set too; rename or remove {key!r} if it is a mistake" if present
                               else f"rename it to `{meant}`; as it is, the value is not used as `{meant}`"))


def _own_key(key: str, known: str) -> bool:
    """A plural (`images`) or a compound (`og_image`, `pubDate`) of a known key is a key of its own."""
    words = [word.lower() for word in _WORDS.findall(key)]
    return key.lower() in (known + "s", known + "es") or (len(words) > 1 and known in words)


def raise_if_errors(diagnostics: tuple[Diagnostic, ...]) -> None:
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise PipelineError(errors)


def yaml_scalar(value: str, style: str, written: str) -> str:
    """`value` written as a YAML scalar in place of `written`, the source text of a scalar of style
    `style` ("" plain, "'", '"', "|" or ">"): in that style where it reads back as the value, else
    double quoted (`yaml_scalars.scalar_candidates`). A block scalar (`|`, `>`, with any indicators)
    keeps its indentation and the line break its source ends with."""
    candidates = scalar_candidates(value, style, written)
    return next((c for c in candidates[:-1] if _reads_back(c, value)), candidates[-1])


def _reads_back(scalar: str, value: str) -> bool:
    """Whether `scalar` reads as the text `value` as the value of a key at column 0, and, unless it
    is a block scalar, inside a flow sequence too (where `,`, `?`, `[`… end a plain scalar)."""
    if scalar.endswith("\n"):
        documents = [(f"k: {scalar}", {"k": value})]
    else:
        documents = [(f"k: {scalar}\n", {"k": value}), (f"k: [{scalar}]\n", {"k": [value]})]
    try:
        return all(yaml.load(text, Loader=_Loader) == expected for text, expected in documents)
    except yaml.YAMLError:
        return False


def front_matter_skeleton(model: Article | None, keys: tuple[str, ...], today: dt.date, lang: str | None) -> str:
    """A new article's text: the keys of `model` (the collection's latest article) with empty values,
    plus `keys`, today's date and `draft: true`, then an empty body."""
    data: dict[str, Any] = {}
    for key, value in (model.metadata.items() if model else ()):
        data[key] = _emptied(value)
    for key in keys:
        data.setdefault(key, "")
    data["date"] = today
    if lang:
        data["lang"] = lang
    else:
        data.pop("lang", None)
    data["draft"] = True
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return f"---\n{text}---\n\nWrite the article here.\n"


def _emptied(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _emptied(v) for k, v in value.items()}
    if isinstance(value, list):
        return []
    if isinstance(value, bool):
        return value
    return ""
