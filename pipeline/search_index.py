"""The site's search index: the files the browser's search page (`templates/static/search.js`)
reads, put together at build time from every published page's record (`pipeline.search.SearchPage`).
Values in, bytes out; no file I/O. The format, and how the browser matches, is in `docs/SEARCH.md`.

Per language L the index is:
    L/search/index.json          the manifest: number of pages, the first term of each terms chunk
    L/search/terms/<i>.json      terms → pages and scores, in chunks of sorted terms
    L/search/pages/<k>.json      the pages' records (URL, title, date, the other languages' pages)

Made anew, a language's index at 10,000 articles is 4.6 million postings and 25 MB of JSON. A build
that changed a few pages brings the last index up to date instead (`Last`): the changed pages'
postings are taken out of the terms they had and put into the terms they have, and only the
chunks and record files whose content changes are written. Pages are known by their digest, so a
memo that does not describe the pages it is given, or a file that is not as it was made, is never
used: the index is then made anew. Both ways give the same bytes (tests/test_search_update.py)."""

from __future__ import annotations

import json
from array import array
from bisect import bisect_left, insort
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Mapping, Sequence
from urllib.parse import quote

from pipeline.khmer.script import BASE, kind_of, scan_cluster
from pipeline.khmer.words import WordBreaker
from pipeline.links import SEARCH_FOLDER, in_site
from pipeline.locales import format_date
from pipeline.search import HIGHEST_SCORE, SearchPage, compact_json, text_path

FORMAT = 1
CHUNK_BYTES = 24_000  # about what one terms chunk weighs before compression
PAGES_PER_RECORD_FILE = 200
LONGEST_COMPOUND = 16  # clusters; a longer word is not looked inside
UPDATE_SHARE = 20  # an index is updated when at most one page in 20 changed, and the changed pages'
UPDATE_CHUNKS = 2  # terms are in at most half of its chunks; it is made anew past that
_AND = "និង"  # the context a part of a word is read in (see `_Inside`)


@dataclass(frozen=True)
class Memo:
    """What a language's index was made from: what the next build needs to bring it up to date."""

    pages: tuple[bytes, ...]  # each numbered page's digest (`SearchPage.digest`), by number
    groups: tuple[bytes, ...]  # by number, the digests of the page's versions in every language (its record)
    counts: Mapping[str, tuple[int, int]]  # term → how many pages have it as a word, and inside a word
    chunks: tuple[tuple[str, ...], ...]  # each terms chunk's terms, in order


@dataclass(frozen=True)
class Last:
    """The last index: each language's memo, the pages it was made from (others may be among them),
    and its files (`read`: a file's bytes by site path, None unless they are what was made)."""

    memos: Mapping[str, Memo]
    pages: Iterable[SearchPage]
    read: Callable[[str], bytes | None]


@dataclass(frozen=True)
class Index:
    """Every language's index files, and the memos for the next build. A file whose content is
    what the last index has at the same path is None."""

    files: dict[str, bytes | None]
    memos: dict[str, Memo]


def index_files(pages: Iterable[SearchPage], languages: tuple[str, ...], base_path: str,
                breaker: WordBreaker, last: Last | None = None) -> Index:
    """Every language's index: brought up to date from `last` where that can be done, else made anew."""
    files: dict[str, bytes | None] = {}
    memos = {}
    for lang, (made_files, memos[lang]) in language_indexes(pages, languages, base_path, breaker, last):
        files.update(made_files)
    return Index(files, memos)


def language_indexes(pages: Iterable[SearchPage], languages: tuple[str, ...], base_path: str, breaker: WordBreaker,
                     last: Last | None = None) -> Iterator[tuple[str, tuple[dict[str, bytes | None], Memo]]]:
    """`index_files`, one language at a time: (language, (its files, its memo)). The next language's
    index is made when it is asked for, so a caller that writes each one's files before asking
    holds one language's at a time (at 10,000 articles, the English index is 25 MB)."""
    pages = list(pages)
    by_id: dict[str, list[SearchPage]] = defaultdict(list)
    for page in pages:
        by_id[page.id].append(page)
    inside = _Inside(breaker)
    before = {page.digest: page for page in last.pages} if last is not None else {}
    for lang in languages:
        listed = _newest_first([p for p in pages if p.lang == lang or not any(o.lang == lang for o in by_id[p.id])])
        language = _Language(lang, listed, by_id, base_path, inside)
        memo = last.memos.get(lang) if last is not None else None
        # (in one expression: no variable of this frame holds a language's files while the next is made)
        yield lang, (memo is not None and _updated(language, memo, before, last.read)) or _made(language)


def _newest_first(pages: list[SearchPage]) -> list[SearchPage]:
    return sorted(pages, key=lambda p: (-(p.date.toordinal() if p.date else 0), p.url))


@dataclass(frozen=True)
class _Language:
    """One language's index being made: its pages by number (newest first)."""

    lang: str
    pages: list[SearchPage]
    by_id: Mapping[str, list[SearchPage]]
    base_path: str
    inside: "_Inside"

    @property
    def folder(self) -> str:
        return f"{self.lang}/{SEARCH_FOLDER}"

    def groups(self) -> tuple[bytes, ...]:
        return tuple(b"".join(o.digest for o in sorted(self.by_id[page.id], key=lambda o: o.lang))
                     for page in self.pages)

    def record_files(self, redo: Callable[[int], bool]) -> dict[str, bytes | None]:
        """The pages' record files; one that `redo` (given its first page's number) says is unchanged is None."""
        return {f"{self.folder}/pages/{start // PAGES_PER_RECORD_FILE}.json":
                compact_json([_record(self.lang, page, self.by_id, self.base_path)
                              for page in self.pages[start:start + PAGES_PER_RECORD_FILE]]) if redo(start) else None
                for start in range(0, max(len(self.pages), 1), PAGES_PER_RECORD_FILE)}

    def manifest(self, chunks: list[tuple[str, ...]]) -> dict[str, bytes]:
        firsts = ["" if number == 0 or not terms else terms[0] for number, terms in enumerate(chunks)]
        return {f"{self.folder}/index.json": compact_json({
            "format": FORMAT, "lang": self.lang, "pages": len(self.pages), "chunks": firsts,
            "per_meta": PAGES_PER_RECORD_FILE})}

    def memo(self, counts: Mapping[str, tuple[int, int]], chunks: list[tuple[str, ...]],
             groups: tuple[bytes, ...] | None = None) -> Memo:
        return Memo(tuple(page.digest for page in self.pages), groups if groups is not None else self.groups(), counts,
                    tuple(chunks))


# --- made anew -------------------------------------------------------------------------------------


def _made(language: _Language) -> tuple[dict[str, bytes | None], Memo]:
    whole: dict[str, array] = defaultdict(_postings)  # term → page, score, page, score…
    for number, page in enumerate(language.pages):
        for term, score in page.terms:
            whole[term].extend((number, score))
    inside: dict[str, list[str]] = defaultdict(list)  # term → the words it stands inside
    for term in whole:
        for piece in language.inside.pieces(term, whole):
            inside[piece].append(term)
    inner = {piece: _merged([whole[term] for term in words]) for piece, words in inside.items()}
    counts = {term: (len(whole.get(term, ())) // 2, len(inner.get(term, ())) // 2)
              for term in whole.keys() | inner.keys()}
    chunks = _cut(sorted(counts, key=_utf16_key), counts)
    files: dict[str, bytes | None] = {f"{language.folder}/terms/{number}.json": _chunk(terms, whole.get, inner.get)
                                      for number, terms in enumerate(chunks)}
    files.update(language.record_files(lambda start: True))
    files.update(language.manifest(chunks))
    return files, language.memo(counts, chunks)


def _postings() -> array:
    """A term's postings while an index is made: 4 bytes a number, where a list takes 8 and more."""
    return array("I")


def _merged(postings: list[array]) -> array:
    """Postings (page, score, page, score… by page) merged: a page's scores summed, up to
    HIGHEST_SCORE. One list is its own merge (a page's scores are no higher than that already);
    a page → score map is made only for a term inside several words, and only while it is merged."""
    if len(postings) == 1:
        return postings[0]
    found: dict[int, int] = {}
    for one in postings:
        for at in range(0, len(one), 2):
            _add_score(found, one[at], one[at + 1])
    return array("I", [value for number in sorted(found) for value in (number, found[number])])


def _add_score(found: dict[int, int], number: int, score: int) -> None:
    """A page's score for a term that stands inside several of its words: their sum, up to HIGHEST_SCORE."""
    found[number] = min(HIGHEST_SCORE, found.get(number, 0) + score)


def _cut(terms: list[str], counts: Mapping[str, tuple[int, int]]) -> list[tuple[str, ...]]:
    """The terms in order of UTF-16 code units (as JavaScript compares strings), cut into chunks
    of about CHUNK_BYTES. Always one chunk at least."""
    chunks, current, size = [], [], 0
    for term in terms:
        whole, inside = counts[term]
        weight = len(term.encode()) + 12 * (whole + inside)  # a posting is two numbers of about 6 bytes
        if size and size + weight > CHUNK_BYTES:
            chunks.append(tuple(current))
            current, size = [], 0
        size += weight
        current.append(term)
    chunks.append(tuple(current))
    return chunks


def _chunk(terms: tuple[str, ...], whole: Callable[[str], Sequence[int] | None],
           inner: Callable[[str], Sequence[int] | None]) -> bytes:
    found = {"w": {}, "i": {}}
    for term in terms:
        for key, postings in (("w", whole(term)), ("i", inner(term))):
            if postings:
                found[key][term] = list(postings)
    return compact_json(found)


def _utf16_key(term: str) -> bytes:
    return term.encode("utf-16-be")


def _record(lang: str, page: SearchPage, by_id: Mapping[str, list[SearchPage]], base_path: str) -> dict:
    return {"url": in_site(base_path, page.url), "title": page.title, "lang": page.lang,
            "date": page.date.isoformat() if page.date else None,
            "shown_date": format_date(page.date, lang) if page.date else "",
            "text": in_site(base_path, "/" + quote(text_path(page.lang, page.id))),
            "pairs": [{"lang": other.lang, "url": in_site(base_path, other.url), "title": other.title}
                      for other in sorted(by_id[page.id], key=lambda o: o.lang) if other.lang != page.lang]}


# --- brought up to date ----------------------------------------------------------------------------


class _Stale(Exception):
    """The last index is not what its memo says: it is made anew."""


def _updated(language: _Language, memo: Memo, before: Mapping[bytes, SearchPage],
             read: Callable[[str], bytes | None]) -> tuple[dict[str, bytes | None], Memo] | None:
    """The index brought up to date from the last one, or None where it is better made anew: the
    pages are not as many (every later page's number would change), too many changed or their
    words are in most chunks, a page the memo counts is not among `before`, a file is not as it
    was made, or a word of one letter cluster came or went where it may stand inside another
    (whether it is found there changes, `_Inside`)."""
    pages = language.pages
    if len(pages) != len(memo.pages):
        return None
    changed = [number for number, page in enumerate(pages) if page.digest != memo.pages[number]]
    if len(changed) * UPDATE_SHARE > len(pages):
        return None
    if any(memo.pages[number] not in before for number in changed):
        return None
    try:
        update = _Update(language, memo, read, changed)
        update.take_out([(number, before[memo.pages[number]]) for number in changed])
        return update.made()
    except _Stale:
        return None


class _Update:
    """The postings of the `changed` pages taken out of a language's last index and put in again."""

    def __init__(self, language: _Language, memo: Memo, read: Callable[[str], bytes | None],
                 changed: list[int]) -> None:
        self.language, self.last, self.read, self.changed = language, memo, read, changed
        self.where = {term: number for number, terms in enumerate(memo.chunks) for term in terms}
        self.decoded: dict[int, dict] = {}
        self.vocabulary = {term for term, (whole, _) in memo.counts.items() if whole}
        self.whole: dict[str, array] = {}  # the terms the changed pages had or have: their postings now
        self.inner: dict[str, array] = {}

    def take_out(self, old: list[tuple[int, SearchPage]]) -> None:
        """Bring the postings of every term the changed pages had or have up to date (`old`: each
        changed page's number and the page it was)."""
        now: dict[str, dict[int, int]] = defaultdict(dict)
        for number in self.changed:
            for term, score in self.language.pages[number].terms:
                now[term][number] = score
        touched = set(now).union(*(dict(page.terms) for _, page in old))
        if len({self.where[term] for term in touched if term in self.where}) * UPDATE_CHUNKS > len(self.last.chunks):
            raise _Stale  # most chunks would be read and made again: making the index anew is quicker
        self.whole = self._spliced("w", touched, now)
        came_or_went = {term for term in touched if bool(self.whole[term]) != (term in self.vocabulary)}
        lone = tuple(term for term in came_or_went if _one_cluster(term))
        if lone and any(term.startswith(lone) or term.endswith(lone) for term in self.vocabulary | came_or_went
                        if term not in lone):
            raise _Stale  # a word of one cluster came or went, and a word it may stand inside is there (`_Inside`)
        inside: dict[str, dict[int, int]] = defaultdict(dict)
        pieces = set()
        for _, page in old:
            for term, _ in page.terms:
                pieces.update(self.language.inside.pieces(term, self.vocabulary))
        for term, found in now.items():
            for piece in self.language.inside.pieces(term, self.vocabulary):
                for number, score in found.items():
                    _add_score(inside[piece], number, score)
        self.inner = self._spliced("i", pieces | inside.keys(), inside)

    def made(self) -> tuple[dict[str, bytes | None], Memo]:
        """The files (None: as the last index has them) and the memo of the index brought up to date."""
        counts = dict(self.last.counts)
        for term in self.whole.keys() | self.inner.keys():
            found = counts.get(term, (0, 0))
            counted = (len(self.whole[term]) // 2 if term in self.whole else found[0],
                       len(self.inner[term]) // 2 if term in self.inner else found[1])
            if counted == (0, 0):
                counts.pop(term, None)
            else:
                counts[term] = counted
        chunks = _cut(self._order(counts), counts)
        files = self._terms_files(chunks)
        groups, last_groups, per = self.language.groups(), self.last.groups, PAGES_PER_RECORD_FILE
        files.update(self.language.record_files(lambda start: groups[start:start + per] != last_groups[start:start + per]))
        files.update(self.language.manifest(chunks))
        return files, self.language.memo(counts, chunks, groups)

    def _order(self, counts: Mapping[str, tuple[int, int]]) -> list[str]:
        """Every term of the index now (those `counts` has), in order."""
        order = [term for terms in self.last.chunks for term in terms]
        gone = {term for term in self.last.counts if term not in counts}
        if gone:
            order = [term for term in order if term not in gone]
        for term in counts.keys() - self.last.counts.keys():
            insort(order, term, key=_utf16_key)
        return order

    def _terms_files(self, chunks: list[tuple[str, ...]]) -> dict[str, bytes | None]:
        touched = self.whole.keys() | self.inner.keys()
        was = {terms: number for number, terms in enumerate(self.last.chunks)}
        folder = self.language.folder
        files: dict[str, bytes | None] = {}
        for number, terms in enumerate(chunks):
            path = f"{folder}/terms/{number}.json"
            if touched.isdisjoint(terms) and was.get(terms) == number:
                files[path] = None
            elif touched.isdisjoint(terms) and terms in was:
                files[path] = self._file(was[terms])
            else:
                files[path] = _chunk(terms, lambda term: self._now(self.whole, "w", term),
                                     lambda term: self._now(self.inner, "i", term))
                self._forget_before(min((self.where[term] for term in terms if term in self.where), default=0))
        return files

    def _spliced(self, key: str, terms: set[str], now: Mapping[str, Mapping[int, int]]) -> dict[str, array]:
        """The postings of `terms` (as words, "w", or inside words, "i") with the changed pages' taken
        out and put in again (`now`: term → page → score), as arrays: 4 bytes a number, where a
        decoded chunk's take 36. The chunks are read in order, each dropped once it is no longer needed."""
        spliced = {}
        for term in sorted(terms, key=lambda term: self.where.get(term, -1)):
            spliced[term] = _spliced(self._last(key, term), self.changed, now.get(term, {}))
            self._forget_before(self.where.get(term, 0))
        self.decoded.clear()
        return spliced

    def _forget_before(self, number: int) -> None:
        """Drop the decoded chunks before `number`: what follows needs none of them (terms are in order)."""
        for done in [known for known in self.decoded if known < number]:
            del self.decoded[done]

    def _now(self, changed: Mapping[str, array], key: str, term: str) -> list[int]:
        return changed[term].tolist() if term in changed else self._last(key, term)

    def _last(self, key: str, term: str) -> list[int]:
        """A term's postings in the last index: as a word ("w") or inside one ("i")."""
        number = self.where.get(term)
        if number is None:
            return []
        if number not in self.decoded:
            self.decoded[number] = json.loads(self._file(number))
        return self.decoded[number][key].get(term, [])

    def _file(self, number: int) -> bytes:
        data = self.read(f"{self.language.folder}/terms/{number}.json")
        if data is None:
            raise _Stale
        return data


def _spliced(postings: list[int], changed: list[int], now: Mapping[int, int]) -> array:
    """`postings` (page, score, page, score… by page) with the `changed` pages' taken out and
    `now`'s (page → score) put in."""
    if not postings:
        return array("I", [value for number in sorted(now) for value in (number, now[number])])
    result = array("I", postings)
    numbers = postings[0::2]
    for number in sorted(changed, reverse=True):  # from the last, so that the places before stay where they are
        at = bisect_left(numbers, number)
        if at < len(numbers) and numbers[at] == number:
            del result[2 * at:2 * at + 2]
        if number in now:
            result[2 * at:2 * at] = array("I", (number, now[number]))
    return result


def _one_cluster(term: str) -> bool:
    return kind_of(term[0]) == BASE and scan_cluster(term, 0).end == len(term)


# --- words inside words ----------------------------------------------------------------------------


class _Inside:
    """Which words stand inside a longer word that ICU keeps whole (ខេត្តតាកែវ, "Takeo province",
    holds ខេត្ត and តាកែវ), for the browser, whose segmenter may split it, to find them. A word is
    looked inside only where it splits into exactly two parts that ICU reads as one word each
    between two words it knows (និង "and" before and after: alone, ICU reads many a fragment as one
    unknown word, but between known words it cuts a fragment wrongly); a part of one letter
    cluster must also be a word of the index on its own. One part may be
    found inside another only through its own entry, never by splitting again: តាកែវ is not
    split into តា and កែវ."""

    def __init__(self, breaker: WordBreaker) -> None:
        self.breaker = breaker
        self.one_word: dict[str, bool] = {}

    def pieces(self, term: str, vocabulary: Mapping[str, object] | set[str]) -> set[str]:
        cuts = _cluster_cuts(term)
        if not cuts or len(cuts) >= LONGEST_COMPOUND:
            return set()
        found = set()
        for cut in cuts:
            left, right = term[:cut], term[cut:]
            if self._is_word(left, vocabulary) and self._is_word(right, vocabulary):
                found.update((left, right))
        return found

    def _is_word(self, piece: str, vocabulary: Mapping[str, object] | set[str]) -> bool:
        if not _cluster_cuts(piece) and piece not in vocabulary:
            return False  # a single cluster: a word only where the index has it standing alone
        known = self.one_word.get(piece)
        if known is None:
            read = [word.text for word in self.breaker.words(f"{_AND}{piece}{_AND}")]
            known = self.one_word[piece] = read == [_AND, piece, _AND]
        return known


def _cluster_cuts(text: str) -> list[int]:
    """Where a text of Khmer letters may be cut between letter clusters (none inside a cluster);
    [] when it is not all Khmer or is one cluster."""
    cuts, at = [], 0
    while at < len(text):
        if kind_of(text[at]) != BASE:
            return []
        at = scan_cluster(text, at).end
        cuts.append(at)
    return cuts[:-1]
