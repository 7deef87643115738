"""Articles: split YAML front matter from the Markdown body, keeping every source position.

Owns PyYAML (python-frontmatter's own parser). We compose the YAML node tree ourselves because
`frontmatter.loads` throws away where each value sits, and translators' references, error
messages and the byte-preserving Markdown export all need the exact line and offset.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

import yaml

from pipeline.errors import PipelineError, fail
from pipeline.model import Diagnostic

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


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)

_OPENING = re.compile(r"\A---[ \t]*\n")
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
        return self.metadata.get("draft") is True

    def field(self, key_path: str) -> FieldValue | None:
        return next((f for f in self.fields if f.key_path == key_path), None)

    def line_of_key(self, key: str) -> int:
        """Line of a top-level front-matter key (1 when absent: the opening `---`)."""
        found = self.field(key)
        return found.line if found else 1


def decode_source(data: bytes, path: str) -> str:
    """UTF-8 text of a source file, or a located error at the first undecodable byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise fail(path, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                   code="encoding") from None
    if text.startswith("\ufeff"):
        text = text[1:]  # editors on Windows add a BOM; it carries no content
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_article(text: str, article_id: str, path: str, default_lang: str) -> Article:
    """Split and parse one article. Raises PipelineError for a missing or invalid front matter."""
    if not text.strip():
        raise fail(path, 1, "the file is empty; an article needs front matter (title, date) and a body",
                   code="front-matter")
    opening = _OPENING.match(text)
    if not opening:
        raise fail(path, 1, "no front matter: the file must start with a line '---', the YAML keys, "
                   "and another '---'", code="front-matter")
    closing = _CLOSING.search(text, opening.end())
    if not closing:
        raise fail(path, 1, "front matter is not closed: add a line '---' after the YAML keys",
                   code="front-matter")
    yaml_start, yaml_end = opening.end(), closing.start()
    metadata, fields = _parse_yaml(text, yaml_start, yaml_end, path)
    lang = metadata.get("lang", default_lang)
    if not isinstance(lang, str) or not lang:
        raise fail(path, _line_at(text, yaml_start), "lang must be a language code such as 'km'",
                   code="front-matter")
    return Article(
        id=article_id,
        path=path,
        text=text,
        metadata=metadata,
        fields=fields,
        body_offset=closing.end(),
        body_line=text.count("\n", 0, closing.end()) + 1,
        lang=lang,
    )


def _parse_yaml(text: str, start: int, end: int, path: str) -> tuple[dict, tuple[FieldValue, ...]]:
    source = text[start:end]
    first_line = _line_at(text, start)
    try:
        node = yaml.compose(source, Loader=_Loader)
        data = _construct(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
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
    return data, fields


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


def check_front_matter(article: Article, required: tuple[str, ...]) -> tuple[Diagnostic, ...]:
    """Required keys present and a valid ISO date: every problem, located."""
    problems = []
    for key in required:
        if key not in article.metadata or article.metadata[key] in (None, ""):
            problems.append(Diagnostic(article.path, 1, "front-matter", f"missing required key {key!r}",
                                       hint=f"add a line '{key}: …' to the front matter"))
    if "date" in article.metadata and article.date is None:
        problems.append(Diagnostic(article.path, article.line_of_key("date"), "front-matter",
                                   f"date {article.metadata['date']!r} is not a valid date",
                                   hint="write the date as YYYY-MM-DD, e.g. 2025-08-13"))
    return tuple(problems)


def raise_if_errors(diagnostics: tuple[Diagnostic, ...]) -> None:
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise PipelineError(errors)


_PLAIN_SAFE = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n:#,\[\]{}]*(?<!\s)$")


def yaml_scalar(value: str, style: str) -> str:
    """`value` written as a YAML scalar, in the original style where that is safe."""
    if style == "'" and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    if style == "" and _PLAIN_SAFE.match(value) and _reads_back(value):
        return value
    return _double_quoted(value)


def _double_quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _reads_back(value: str) -> bool:
    try:
        return yaml.load(f"k: {value}\n", Loader=_Loader) == {"k": value}
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
