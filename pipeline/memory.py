"""Translation memory: every translated unit of one language, searchable exactly and by similarity.

Close-match search must stay fast with 100,000 entries, so candidates come from an inverted index
of word tokens (rarest tokens of the query first) and only a handful are scored with difflib.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Callable, Iterable, Mapping

from pipeline.model import Message

TOKEN = re.compile(r"\w+")
MEMORY_THRESHOLD = 0.7  # a pre-filled suggestion must be close; the translator reviews it as fuzzy
QUERY_TOKENS = 8  # how many of the query's rarest tokens look up candidates
CANDIDATES = 12  # how many candidates are scored exactly


@dataclass(frozen=True)
class Remembered:
    msgctxt: str | None
    msgid: str
    msgstr: str


@dataclass(frozen=True)
class TranslationMemory:
    entries: tuple[Remembered, ...]
    by_key: Mapping[tuple[str | None, str], str] = field(repr=False)
    index: Mapping[str, tuple[int, ...]] = field(repr=False)

    def exact(self, msgctxt: str | None, msgid: str) -> str | None:
        return self.by_key.get((msgctxt, msgid))

    def closest(self, msgid: str) -> Remembered | None:
        """The remembered unit most similar to `msgid` (ratio ≥ MEMORY_THRESHOLD), or None."""
        tokens = set(_tokens(msgid))
        known = sorted((t for t in tokens if t in self.index), key=lambda t: len(self.index[t]))
        votes: Counter[int] = Counter()
        for token in known[:QUERY_TOKENS]:
            votes.update(self.index[token])
        best, best_score = None, MEMORY_THRESHOLD
        for position, _ in votes.most_common(CANDIDATES):
            candidate = self.entries[position]
            matcher = SequenceMatcher(None, msgid, candidate.msgid, autojunk=False)
            if matcher.real_quick_ratio() < best_score or matcher.quick_ratio() < best_score:
                continue
            score = matcher.ratio()
            if score > best_score or (score == best_score and best is None):
                best, best_score = candidate, score
        return best


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in TOKEN.findall(text)]


def build_memory(messages: Iterable[Message]) -> TranslationMemory:
    """A memory of every translated (not fuzzy, not obsolete) singular message given."""
    by_key: dict[tuple[str | None, str], str] = {}
    for message in messages:
        if message.translated and message.msgid and message.msgid_plural is None:
            by_key.setdefault(message.key, message.msgstr)
    entries = tuple(Remembered(ctxt, msgid, msgstr) for (ctxt, msgid), msgstr in by_key.items())
    postings: dict[str, list[int]] = {}
    for position, entry in enumerate(entries):
        for token in set(_tokens(entry.msgid)):
            postings.setdefault(token, []).append(position)
    index = {token: tuple(positions) for token, positions in postings.items()}
    return TranslationMemory(entries=entries, by_key=by_key, index=index)


class LazyMemory:
    """A memory built on first use: an extraction where no new unit needs it reads no catalogs."""

    def __init__(self, load: Callable[[], TranslationMemory]):
        self._load = load
        self._memory: TranslationMemory | None = None

    def _get(self) -> TranslationMemory:
        if self._memory is None:
            self._memory = self._load()
        return self._memory

    def exact(self, msgctxt: str | None, msgid: str) -> str | None:
        return self._get().exact(msgctxt, msgid)

    def closest(self, msgid: str) -> Remembered | None:
        return self._get().closest(msgid)
