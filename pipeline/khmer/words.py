"""Words of mixed Khmer/English text: counts, reading time and excerpts. The one module that
imports ICU (through the `pyicu-wheels` package, which ships ICU's Khmer dictionary).

Khmer is written without spaces between words, so splitting on spaces (as Jinja2's `wordcount`
and `truncate` do) counts a whole sentence as one word and cuts inside words and even inside
letter clusters. ICU's dictionary-based word breaker finds the real boundaries."""

from __future__ import annotations

import re
from dataclasses import dataclass

import icu

from pipeline.khmer.encoding import check_khmer

# Inline markup not read: code, image and link syntax with link targets, tags, URLs, markers. A
# target ends at the next `](` and a tag at the next `<`: a match tried from each of thousands of
# `](` or `<` with no end would otherwise read the rest of the text every time (quadratic time).
_MARKUP = re.compile(r"`[^`]*`|!\[|\]\((?:[^)\]]|\](?!\())*\)|<[^<>]+>|https?://\S+|[*_~#>|\[\]]")
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
_WORD_STATUS = 100  # ICU rule status at or above this value marks a word (number, letter, kana, ideo)
WORDS_PER_MINUTE = {"km": 150, "en": 230}


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int


def plain_text(markdown_text: str) -> str:
    """Inline Markdown without its markup, for counting what a person reads."""
    return _MARKUP.sub(" ", markdown_text)


def repaired(text: str) -> str:
    """The text with mechanical Khmer encoding mistakes fixed (split vowels, deprecated
    characters…), so that the word breaker sees the words its dictionary knows."""
    fixes = set()
    for finding in check_khmer(text):
        if finding.fix is None:
            continue
        # `offset` points at the offending mark; `excerpt` is its whole cluster, which may start earlier
        start = text.find(finding.excerpt, max(0, finding.offset - len(finding.excerpt)))
        if start >= 0:
            fixes.add((start, start + len(finding.excerpt), finding.fix))
    pieces, kept = [], 0  # the text is rebuilt once, not once per fix
    for start, end, fix in sorted(fixes):
        if start < kept:
            continue  # overlaps a fix already made (two findings over one cluster)
        pieces += [text[kept:start], fix]
        kept = end
    pieces.append(text[kept:])
    return "".join(pieces)


class WordBreaker:
    """ICU's word breaker (Khmer by dictionary, other scripts by Unicode rules), made once and used
    for many texts: making one costs more than breaking a paragraph. ICU break iterators are not
    thread-safe: keep each WordBreaker to one thread."""

    def __init__(self) -> None:
        self._breaker = icu.BreakIterator.createWordInstance(icu.Locale("km"))

    def words(self, text: str) -> list[Word]:
        return [Word(text[start:end], start, end) for start, end in self.spans(text)]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the words of `text` are: (start, end) string indexes, in order; what `words`
        gives without making a Word of each (a page has hundreds)."""
        breaker = self._breaker
        breaker.setText(text)
        status = breaker.getRuleStatus
        found, start = [], 0
        for end in breaker:
            if status() >= _WORD_STATUS:
                found.append((start, end))
            start = end
        if _ASTRAL.search(text) is None:
            return found
        offsets = _python_offsets(text)
        return [(offsets(start), offsets(end)) for start, end in found]

    def count(self, text: str) -> int:
        """len(self.words(text)), without building the words."""
        breaker = self._breaker
        breaker.setText(text)
        status = breaker.getRuleStatus
        return sum(1 for _end in breaker if status() >= _WORD_STATUS)


def words(text: str, breaker: WordBreaker | None = None) -> list[Word]:
    """The words of a text (Khmer by dictionary, other scripts by Unicode rules), in order."""
    return (breaker or WordBreaker()).words(text)


def _python_offsets(text: str):
    """ICU counts UTF-16 units; map them to Python string indexes (they differ past U+FFFF)."""
    if _ASTRAL.search(text) is None:
        return lambda index: index
    table, units = {}, 0
    for index, char in enumerate(text):
        table[units] = index
        units += 2 if ord(char) >= 0x10000 else 1
    table[units] = len(text)
    return lambda index: table[index]


def count_words(text: str, breaker: WordBreaker | None = None) -> int:
    """Words a translator has to read in a unit of inline Markdown (markup and URLs not counted).
    Pass a `breaker` when counting many texts."""
    return (breaker or WordBreaker()).count(repaired(plain_text(text)))


def reading_minutes(word_count: int, lang: str) -> int:
    return max(1, round(word_count / WORDS_PER_MINUTE.get(lang, 200)))


def excerpt(text: str, limit: int) -> str:
    """At most `limit` characters of plain text, cut only between words, with `…` when cut."""
    text = " ".join(plain_text(text).split())
    if len(text) <= limit:
        return text
    cut = 0
    for word in words(text):
        if word.end > limit:
            break
        cut = word.end
    if cut == 0:  # a single word longer than the limit: cut between characters clusters
        clusters = icu.BreakIterator.createCharacterInstance(icu.Locale("km"))
        clusters.setText(text)
        offsets = _python_offsets(text)
        cut = max((offsets(e) for e in clusters if offsets(e) <= limit), default=0)
    return text[:cut].rstrip(" ,;:–-") + "…"
