"""The single definition of a translatable unit, used by extraction and by translation alike."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.config import Config
from pipeline.content import Article
from pipeline.errors import fail
from pipeline.markdown import MAX_EMPHASIS_NESTING, Address, Document, Parser, emphasis_nesting_bound, parse

_BACKTICKS = re.compile(r"`+")
_URL = re.compile(r"<?(?:https?|ftp|mailto):[^\s>]*>?|www\.[^\s]+")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Segment:
    """A unit a translator sees: one msgid (with its context), where it comes from, what it is."""

    msgid: str
    msgctxt: str | None
    kind: str  # heading, paragraph, list item, table cell, blockquote, footnote, image alt, front matter
    line: int  # 1-based line in the article file
    address: Address | None = None  # the body slot it fills; None for front matter
    key_path: str | None = None  # the front-matter key path it fills; None for body units

    @property
    def is_markdown(self) -> bool:
        return self.address is not None


def key_path_pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for configured key paths: `facilities[*]` matches `facilities[3]`."""
    if not patterns:
        return re.compile(r"(?!)")
    parts = [re.escape(p).replace(r"\[\*\]", r"\[\d+\]") for p in patterns]
    return re.compile("^(?:" + "|".join(parts) + ")$")


MAX_UNIT_CHARS = 50_000  # far beyond any real paragraph; translation tools choke long before


def segments(article: Article, document: Document, translated_keys: tuple[str, ...]) -> tuple[Segment, ...]:
    """Every unit of an article in source order: front-matter values first, then the body."""
    found = front_matter_segments(article, translated_keys) + body_segments(article, document)
    for segment in found:
        if len(segment.msgid) > MAX_UNIT_CHARS:
            raise fail(article.path, segment.line,
                       f"this {segment.kind} is {len(segment.msgid):,} characters long; a unit to translate "
                       f"may have at most {MAX_UNIT_CHARS:,}", code="too-long",
                       hint="split it into paragraphs separated by a blank line")
        if segment.is_markdown and emphasis_nesting_bound(segment.msgid) > MAX_EMPHASIS_NESTING:
            raise fail(article.path, segment.line,
                       f"this {segment.kind} has emphasis markers (*, _, ~) that could nest more than "
                       f"{MAX_EMPHASIS_NESTING} deep with more closing markers after them than the Markdown "
                       "reader can take in reasonable time",
                       code="too-deep", hint="split it, or write a literal asterisk or underscore as \\* or \\_")
    return found


def front_matter_segments(article: Article, translated_keys: tuple[str, ...]) -> tuple[Segment, ...]:
    pattern = key_path_pattern(translated_keys)
    return tuple(
        Segment(msgid=field.value, msgctxt=field.key_path, kind="front matter", line=field.line,
                key_path=field.key_path)
        for field in article.fields
        if field.is_text and pattern.match(field.key_path) and is_translatable(field.value)
    )


def body_segments(article: Article, document: Document) -> tuple[Segment, ...]:
    return tuple(
        Segment(msgid=slot.text, msgctxt=None, kind=slot.kind, line=article.body_line + slot.line - 1,
                address=slot.address)
        for slot in document.slots
        if is_translatable(slot.text)
    )


def is_translatable(text: str) -> bool:
    """Whether a text holds words to translate: not only code, URLs, numbers or punctuation."""
    if not text.strip():
        return False
    if "`" not in text and ":" not in text and "www." not in text:  # no code span, no URL
        return bool(_LETTER.search(text))
    words = _URL.sub(" ", without_code_spans(text) if "`" in text else text)
    return bool(_LETTER.search(words))


def without_code_spans(text: str) -> str:
    """The text with each inline code span replaced by a space, read as CommonMark and mistune
    read it: a backtick string not escaped by a backslash opens a span, which the next backtick
    string of the same length closes; one with no such closer is literal text. One pass over the
    backtick strings, whatever their number and lengths (a backtracking regex takes cubic time
    on a long run of backticks)."""
    runs = [(found.start(), found.end()) for found in _BACKTICKS.finditer(text)]
    closers: dict[int, list[int]] = {}  # length → starts of the backtick strings of that length
    for start, end in runs:
        closers.setdefault(end - start, []).append(start)
    checked = dict.fromkeys(closers, 0)  # length → how many of its closers lie before the last opener
    pieces: list[str] = []
    kept_from = 0  # everything before this is in `pieces` (or a span already replaced)
    for start, end in runs:
        if start < kept_from:
            continue  # inside a span already replaced
        opener = start + _escaped_backtick(text, start, kept_from)
        length = end - opener
        candidates = closers.get(length, ())
        index = checked.get(length, 0)
        while index < len(candidates) and candidates[index] < end:
            index += 1
        if length in checked:
            checked[length] = index
        if length and index < len(candidates):
            pieces += [text[kept_from:opener], " "]
            kept_from = candidates[index] + length
    pieces.append(text[kept_from:])
    return "".join(pieces)


def _escaped_backtick(text: str, start: int, low: int) -> int:
    """1 when the backtick at `start` is escaped (an odd number of backslashes before it, from
    `low` on), else 0. Each backslash run is counted for the one backtick string after it."""
    before = start
    while before > low and text[before - 1] == "\\":
        before -= 1
    return (start - before) % 2


@dataclass(frozen=True)
class SourceArticle:
    """An article with its parsed body and units, ready to be extracted or published in any language."""

    article: Article
    document: Document
    segments: tuple[Segment, ...]

    @property
    def keys(self) -> set[tuple[str | None, str]]:
        """(msgctxt, msgid) of every unit: what a catalog of the article holds."""
        return {(s.msgctxt, s.msgid) for s in self.segments}


def prepare(config: Config, article: Article, parser: Parser | None = None) -> SourceArticle:
    """An article parsed, with its units (`parser`: one to reuse for many articles)."""
    document = parse(article.body, parser)
    return SourceArticle(article, document, segments(article, document, config.collection(article.collection).translate))
