"""Translation memory: every translated unit of one language, searchable exactly and by similarity.

The memory lives in an SQLite file (stdlib `sqlite3` with its FTS5 full-text index) in the cache
folder, so that an extraction reads from disk only the entries it looks up, and refreshes only the
catalogs that changed since the memory last saw them. `build_memory` makes the same memory in RAM.

Every answer depends only on the set of units remembered, never on the order they were added in,
so a memory refreshed bit by bit answers exactly like one built from scratch:
- a text's id is a hash of the text itself (not an insertion counter);
- an exact match is the first translation in (catalog path, context, translation) order;
- close-match candidates are ranked by (votes, id) and the best score wins, ties to the lower id.

Close-match search stays in milliseconds with 100,000 entries: candidates come from the FTS5
posting lists of the query's rarest word tokens (how many texts hold each word is kept in `terms`),
singly and two at a time, weighted by rarity; the PRESELECTED best are compared word set to word set,
and the CANDIDATES closest of those scored by `similar.similarity` over word tokens rather than
characters.
"""

from __future__ import annotations

import errno
import hashlib
import heapq
import itertools
import os
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from pipeline.model import Catalog, Message
from pipeline.similar import best_match

WORD = re.compile(r"[^\W_]+")  # the tokens that find candidates (FTS5's `ascii` tokenizer splits the same way)
SCORE_TOKEN = re.compile(r"\w+|[^\w\s]")  # the tokens compared when scoring a candidate
MEMORY_THRESHOLD = 0.7  # a pre-filled suggestion must be close; the translator reviews it as fuzzy
QUERY_TOKENS = 8  # how many of the query's rarest tokens look up candidates
POSTINGS = 5_000  # how many postings one query reads at most (common words add little)
PAIRED = 4  # the rarest words also find candidates holding two of them at once
PRESELECTED = 64  # how many candidates (by weighted votes of rare words) are compared word by word
CANDIDATES = 12  # how many of those (most words in common) are scored exactly
SCHEMA = "memory-5"  # bump when the tables or the tokenisation change: old files are rebuilt

_TABLES = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS catalogs(path TEXT PRIMARY KEY, stamp TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS units(path TEXT NOT NULL, text INTEGER NOT NULL, msgctxt TEXT, msgstr TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS units_path ON units(path);
CREATE INDEX IF NOT EXISTS units_text ON units(text);
CREATE TABLE IF NOT EXISTS texts(id INTEGER PRIMARY KEY, msgid TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5(tokens, content='', detail=none, columnsize=0, tokenize='ascii');
CREATE TABLE IF NOT EXISTS terms(term TEXT PRIMARY KEY, texts INTEGER NOT NULL) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class Remembered:
    msgctxt: str | None
    msgid: str
    msgstr: str
    text: int = field(default=0, repr=False, compare=False)  # text_id(msgid), when computed already
    words: str = field(default="", repr=False, compare=False)  # its word tokens, space-separated


def remember(msgctxt: str | None, msgid: str, msgstr: str) -> Remembered:
    """A unit with its text id and word tokens worked out (where the catalog was read: in a worker)."""
    return Remembered(msgctxt, msgid, msgstr, text_id(msgid), " ".join(_words(msgid)))


def _rememberable(message: Message) -> bool:
    return message.translated and bool(message.msgid) and message.msgid_plural is None


def remembered(catalog: Catalog) -> tuple[Remembered, ...]:
    """What a catalog gives the memory: its translated (not fuzzy, not obsolete) singular units."""
    return tuple(remember(m.msgctxt, m.msgid, m.msgstr) for m in catalog.messages if _rememberable(m))


UnitKey = tuple  # (msgctxt, msgid, msgstr) of a remembered unit


@dataclass(frozen=True)
class Change:
    """How a catalog rewritten from a version the memory knows differs from it, for the memory:
    the units it no longer gives, and the new ones (worked out as `remember` does)."""

    removed: tuple[UnitKey, ...]
    added: tuple[Remembered, ...]


def change(before: Catalog, after: Catalog) -> Change:
    """What the memory must forget and learn when `before` (as the memory knows it) becomes `after`."""
    old = {(m.msgctxt, m.msgid, m.msgstr) for m in before.messages if _rememberable(m)}
    new = {(m.msgctxt, m.msgid, m.msgstr): None for m in after.messages if _rememberable(m)}
    return Change(removed=tuple(sorted(old - new.keys(), key=repr)),
                  added=tuple(remember(*key) for key in new if key not in old))


def text_id(msgid: str) -> int:
    """A text's id: 63 bits of its hash, the same in every run (a collision is ~1e-9 at 200,000 texts)."""
    return int.from_bytes(hashlib.blake2b(msgid.encode("utf-8"), digest_size=8).digest(), "big") >> 1


def _words(text: str) -> list[str]:
    return sorted({t.lower() for t in WORD.findall(text)})


# SQLite's primary result codes for faults of the machine, as the errors the system would give
_FAULTS = {13: errno.ENOSPC, 8: errno.EROFS, 3: errno.EPERM, 14: errno.EACCES, 10: errno.EIO}


def _system_fault(error: BaseException, path: str) -> BaseException:
    """A full disk or a file that cannot be written, met by SQLite, as the OSError naming the
    memory's file that the command line shows in one line; any other error as it is."""
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(error, sqlite3.Error) and code is not None and code & 0xFF in _FAULTS:
        number = _FAULTS[code & 0xFF]
        return OSError(number, os.strerror(number), path)
    return error


class TranslationMemory:
    """One language's memory, in the SQLite file `path` (":memory:" for one in RAM).

    The connection opens on first use, so a memory handed to forked workers opens one per process."""

    def __init__(self, path: Path | str, readonly: bool = False):
        self.path = str(path)
        self.readonly = readonly
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    def _connect(self) -> sqlite3.Connection:
        if self._pid != os.getpid():  # a connection must not cross a fork: a worker opens its own
            self._db, self._pid = None, os.getpid()
        if self._db is None:
            try:
                if self.readonly:
                    db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=60, isolation_level=None)
                else:
                    db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
                    db.execute("PRAGMA synchronous=OFF")  # a cache: a crash loses no work (kill -9 is safe)
                    db.execute("PRAGMA cache_size=-32000")
                    db.executescript(_TABLES)
            except sqlite3.Error as error:
                raise _system_fault(error, self.path)
            self._db = db
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # --- what it was read from -----------------------------------------------------------------------

    def version(self) -> str | None:
        row = self._connect().execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return row[0] if row else None

    def set_version(self, version: str) -> None:
        try:
            self._connect().execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('version', ?)", (version,))
        except sqlite3.Error as error:
            raise _system_fault(error, self.path)

    def stamps(self) -> dict[str, str]:
        """Catalog path → the stamp it had when its units were remembered."""
        return dict(self._connect().execute("SELECT path, stamp FROM catalogs"))

    def size(self) -> int:
        return self._connect().execute("SELECT count(*) FROM texts").fetchone()[0]

    def update(self, catalogs: Mapping[str, tuple[str, Sequence[Remembered] | Change]],
               removed: Iterable[str] = ()) -> None:
        """Remember each given catalog (path → (stamp, its units, or how it changed since the memory
        last saw it)), and forget the removed ones, in one transaction."""
        db = self._connect()
        replaced = [path for path, (_, units) in catalogs.items() if not isinstance(units, Change)]
        paths = replaced + [p for p in removed if p not in catalogs]
        if not catalogs and not paths:
            return
        db.execute("BEGIN")
        try:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS dropped(id INTEGER PRIMARY KEY)")
            db.execute("CREATE TEMP TABLE IF NOT EXISTS incoming(id INTEGER PRIMARY KEY, msgid TEXT, words TEXT)")
            for path in paths:
                db.execute("INSERT OR IGNORE INTO dropped SELECT text FROM units WHERE path = ?", (path,))
            db.executemany("DELETE FROM units WHERE path = ?", ((p,) for p in paths))
            forgotten = [(path, text_id(msgid), msgctxt, msgstr) for path, (_, units) in catalogs.items()
                         if isinstance(units, Change) for msgctxt, msgid, msgstr in units.removed]
            db.executemany("DELETE FROM units WHERE path = ? AND text = ? AND msgctxt IS ? AND msgstr = ?", forgotten)
            db.executemany("INSERT OR IGNORE INTO dropped(id) VALUES (?)", ((row[1],) for row in forgotten))
            db.executemany("DELETE FROM catalogs WHERE path = ?", ((p,) for p in list(catalogs) + paths))
            rows, texts = [], {}
            for path, (stamp, units) in catalogs.items():
                for unit in units.added if isinstance(units, Change) else units:
                    if not unit.text:
                        unit = remember(unit.msgctxt, unit.msgid, unit.msgstr)
                    texts[unit.text] = unit
                    rows.append((path, unit.text, unit.msgctxt, unit.msgstr))
            db.executemany("INSERT OR IGNORE INTO incoming(id, msgid, words) VALUES (?, ?, ?)",
                           ((unit.text, unit.msgid, unit.words) for unit in texts.values()))
            added = db.execute("SELECT id, words FROM incoming WHERE id NOT IN (SELECT id FROM texts)").fetchall()
            db.executemany("INSERT INTO words(rowid, tokens) VALUES (?, ?)", added)
            db.execute("INSERT OR IGNORE INTO texts(id, msgid) SELECT id, msgid FROM incoming")
            db.executemany("INSERT INTO units(path, text, msgctxt, msgstr) VALUES (?, ?, ?, ?)", rows)
            db.executemany("INSERT INTO catalogs(path, stamp) VALUES (?, ?)",
                           ((path, stamp) for path, (stamp, _) in catalogs.items()))
            unused = db.execute("SELECT id, msgid FROM texts WHERE id IN (SELECT id FROM dropped) "
                                "AND NOT EXISTS (SELECT 1 FROM units WHERE text = texts.id)").fetchall()
            gone = [(identity, " ".join(_words(msgid))) for identity, msgid in unused]
            db.executemany("INSERT INTO words(words, rowid, tokens) VALUES ('delete', ?, ?)", gone)
            _count_terms(db, added, gone)
            db.executemany("DELETE FROM texts WHERE id = ?", ((identity,) for identity, _ in unused))
            db.execute("DELETE FROM dropped")
            db.execute("DELETE FROM incoming")
            db.execute("COMMIT")
        except BaseException as error:
            if db.in_transaction:  # (SQLite ends the transaction itself on a full disk)
                db.execute("ROLLBACK")
            raise _system_fault(error, self.path)

    # --- lookups ----------------------------------------------------------------------------------------

    def exact(self, msgctxt: str | None, msgid: str) -> str | None:
        """The translation of exactly this unit (the first in catalog path order), or None."""
        row = self._connect().execute(
            "SELECT units.msgstr FROM units JOIN texts ON texts.id = units.text "
            "WHERE units.text = ? AND units.msgctxt IS ? AND texts.msgid = ? "
            "ORDER BY units.path, units.msgstr LIMIT 1", (text_id(msgid), msgctxt, msgid)).fetchone()
        return row[0] if row else None

    def closest(self, msgid: str) -> Remembered | None:
        """The remembered unit most similar to `msgid` (score ≥ MEMORY_THRESHOLD), or None."""
        db = self._connect()
        words = _words(msgid)
        if not words:
            return None
        frequency = dict(db.execute(f"SELECT term, texts FROM terms WHERE term IN ({','.join('?' * len(words))})",
                                    words))
        rarest = sorted(frequency, key=lambda t: (frequency[t], t))[:QUERY_TOKENS]
        votes: dict[int, float] = {}
        read = 0
        for token in rarest:  # a rare word says more than a common one: weight 1/√(texts holding it)
            if read and read + frequency[token] > POSTINGS:
                break
            weight = frequency[token] ** -0.5
            for (identity,) in db.execute("SELECT rowid FROM words WHERE words MATCH ? LIMIT ?",
                                          (f'"{token}"', POSTINGS)):
                votes[identity] = votes.get(identity, 0.0) + weight
            read += frequency[token]
        for first, second in itertools.combinations(rarest[:PAIRED], 2):  # common words, taken two at a time
            if frequency[first] + frequency[second] <= POSTINGS:
                continue  # both were read one by one
            weight = frequency[first] ** -0.5 + frequency[second] ** -0.5
            for (identity,) in db.execute("SELECT rowid FROM words WHERE words MATCH ? LIMIT ?",
                                          (f'"{first}" AND "{second}"', POSTINGS)):
                votes[identity] = votes.get(identity, 0.0) + weight
        ranked = heapq.nsmallest(PRESELECTED, votes, key=lambda identity: (-votes[identity], identity))
        if not ranked:
            return None
        found = db.execute(f"SELECT id, msgid FROM texts WHERE id IN ({','.join('?' * len(ranked))})", ranked)
        query = set(words)
        shared = []
        for identity, text in found:  # Dice coefficient of the word sets
            other = {t.lower() for t in WORD.findall(text)}
            shared.append((-len(query & other) / (len(query) + len(other)), identity, text))
        shared = sorted(shared)[:CANDIDATES]
        best = _best_match(msgid, ((identity, text) for _, identity, text in shared))
        if best is None:
            return None
        row = db.execute("SELECT msgctxt, msgstr FROM units WHERE text = ? ORDER BY path, msgctxt, msgstr LIMIT 1",
                         (best[0],)).fetchone()
        return remember(row[0], best[1], row[1])


def _count_terms(db: sqlite3.Connection, added: list[tuple[int, str]], gone: list[tuple[int, str]]) -> None:
    """Keep `terms` (how many texts hold each word) in step with the texts added and removed."""
    counts: Counter[str] = Counter()
    for _, words in added:
        counts.update(words.split())
    for _, words in gone:
        counts.subtract(words.split())
    db.executemany("INSERT INTO terms(term, texts) VALUES (?, ?) "
                   "ON CONFLICT(term) DO UPDATE SET texts = texts + excluded.texts",
                   ((term, count) for term, count in counts.items() if count))
    db.execute("DELETE FROM terms WHERE texts <= 0")


def _best_match(msgid: str, candidates: Iterable[tuple[int, str]]) -> tuple[int, str] | None:
    """The candidate (id, text) with the highest similarity ≥ MEMORY_THRESHOLD (ties: the first),
    texts compared as sequences of word and punctuation tokens."""
    candidates = list(candidates)
    found = best_match(SCORE_TOKEN.findall(msgid), [SCORE_TOKEN.findall(text) for _, text in candidates],
                       MEMORY_THRESHOLD)
    return None if found is None else candidates[found]


def build_memory(messages: Iterable[Message]) -> TranslationMemory:
    """A memory in RAM of every translated (not fuzzy, not obsolete) singular message given."""
    memory = TranslationMemory(":memory:")
    units = remembered(Catalog(header=None, messages=tuple(messages)))
    memory.update({"": ("", units)})
    return memory


def open_memory(path: Path, version: str) -> TranslationMemory:
    """The memory file at `path`, emptied when it was written by another version or is unreadable
    (it is a cache: it can always be rebuilt from the catalogs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    memory = TranslationMemory(path)
    try:
        if memory.version() == f"{SCHEMA} {version}":
            return memory
    except sqlite3.DatabaseError:
        pass
    memory.close()
    for stale in (path, path.with_name(path.name + "-journal")):
        stale.unlink(missing_ok=True)
    memory = TranslationMemory(path)
    memory.set_version(f"{SCHEMA} {version}")
    return memory
