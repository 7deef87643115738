"""The single definition of a translatable unit, used by extraction and by translation alike."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.content import Article
from pipeline.errors import fail
from pipeline.markdown import Address, Document

_CODE_SPAN = re.compile(r"(`+).+?\1", re.DOTALL)
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
    words = _URL.sub(" ", _CODE_SPAN.sub(" ", text))
    return bool(_LETTER.search(words))
