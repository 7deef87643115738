"""What a build keeps from one to the next, and what it is told of what changed since.

- `State`: per article, its facts (with the stamps of its file and catalogs) and its pages (with
  what they depended on), for the current code, configuration and templates; the index pages'
  digests; the output folders as the last build left them.
- `Shortcut`: the last build's settings, input stamps and report: when nothing changed, nothing is
  done; when only some files changed, the next build looks only at what they belong to.
- `Session`: what `pipeline serve` keeps in memory between its builds (the same, without files).
The engine (`pipeline.engine`) stores them and decides, from them, what to redo."""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import os
from dataclasses import dataclass
from typing import Iterable, Mapping

from pipeline.config import Config
from pipeline.disk.layout import cache_folder, changed_files
from pipeline.disk.scan import Stamp
from pipeline.engine.stamps import Inputs, differences, rescanned
from pipeline.engine.state import Records
from pipeline.engine.store import Store, code_version
from pipeline.engine.trees import Folders, packed_folders, unpacked_folders
from pipeline.model import Diagnostic
from pipeline.links import Links
from pipeline.pages import ArticleFacts, Entry, HeldBack


@dataclass(frozen=True)
class BuildReport:
    out: str
    pages: int
    assets: int
    held_back: tuple[HeldBack, ...]
    findings: tuple[Diagnostic, ...]  # translation findings (errors held their page back) and warnings
    markdown_files: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for d in self.findings if d.severity == "error")


def store(config: Config) -> Store:
    """Where builds keep what they made, for this version of the code."""
    return Store(cache_folder(config) / "build", code_version())


@dataclass(frozen=True)
class FactsRecord:
    """An article's facts, with the stamps of its file and catalogs (None when too recent to trust)."""

    inputs: tuple | None
    facts: ArticleFacts


@dataclass(frozen=True)
class PagesRecord:
    """An article's rendered pages as digests, with what they depended on."""

    langs: tuple[str, ...]
    collections: tuple[str, ...]
    links: tuple[tuple[str, str | None, tuple[str, ...]], ...]  # link target, article id, its languages
    seen: str  # the image files looked at, each path followed by NUL (one string: 10,000 records are held at once)
    seen_digest: bytes  # of what was found of each (`found_digest`)
    files: tuple[tuple[str, str], ...]  # site path → digest
    entries: tuple[Entry, ...]
    assets: tuple[tuple[str, str], ...]  # site path → source file
    exports: tuple[tuple[str, str], ...] | None  # Markdown path → digest; None when not exported
    notes: tuple[Diagnostic, ...]  # warnings: links to unpublished articles, what the Markdown export could not place
    layout: str | None = None  # the layout of `exports`
    search: tuple = ()  # what the search index needs of each page (`pipeline.search.SearchPage`)


@dataclass
class State:
    """What the last builds left for the next one: facts for the current code and configuration
    (`facts.key`), pages and index pages for the current templates besides (`pages.key`)."""

    facts: Records[FactsRecord]
    pages: Records[PagesRecord]
    indexes: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)  # path → (shown, digest)
    folders: Folders = dataclasses.field(default_factory=dict)  # output folders as the last build left them
    generation: str = ""  # new each time the state is saved, by whichever build or session saves it
    search: dict = dataclasses.field(default_factory=dict)  # language → what its index was made from (`search_index.Memo`)
    lists: dict = dataclasses.field(default_factory=dict)  # list → (what it shows, its pages' paths) (`commands.lists`)

    @property
    def keys(self) -> tuple[str, str]:
        return self.facts.key, self.pages.key


def found_digest(found: Iterable[Stamp | None]) -> bytes:
    """A digest of what was found of some files, in order: each one's stamp, or None when missing."""
    return hashlib.blake2b(marshal.dumps(tuple(found), 2), digest_size=16).digest()


def seen_paths(record: PagesRecord) -> list[str]:
    """The image files the record's pages looked at, in the order of `seen_digest`."""
    return record.seen.split("\0")[:-1]


def load_state(store: Store, facts_key: str, pages_key: str) -> State:
    state = State(Records(store, "facts", facts_key).load(), Records(store, "pages", pages_key).load())
    found = store.load("site.pickle")
    if isinstance(found, tuple) and len(found) == 6:
        indexes_key, indexes, search, lists, folders, state.generation = found
        state.folders = unpacked_folders(folders)
        if indexes_key == pages_key:
            state.indexes, state.search, state.lists = indexes, search, lists
    return state


def save_state(store: Store, state: State) -> None:
    state.facts.save()
    state.pages.save()
    state.generation = os.urandom(16).hex()
    store.save("site.pickle", (state.pages.key, state.indexes, state.search, state.lists,
                               packed_folders(state.folders), state.generation))


@dataclass(frozen=True)
class Shortcut:
    """The last build's settings, input stamps and output folders, and its report: when all are
    the same again, so is the report, and nothing needs doing. When only some stamps differ, the
    next build with the same settings looks only at what they belong to, as `pipeline serve` does;
    `paths` and `published` are what a session would have kept (see `Session`); `generation`,
    the state's when this was saved: after another writer of the state (`pipeline serve`, which
    keeps no shortcut), the shortcut describes a state that is gone."""

    settings: str
    stamps: Mapping[str, Stamp]
    trees: tuple[tuple[str, Stamp | None], ...]
    report: BuildReport
    paths: tuple[dict[str, str], tuple[Diagnostic, ...]] | None = None
    published: tuple[Links, tuple[str, ...]] | None = None
    generation: str = ""
    walked: str = ""  # the fingerprint of the walk's own stamps (`stamps` are those standing for the files)


# --- what changed ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hint:
    """What is known about a build before it starts: the input stamps, taken again only for the
    files that changed, and which articles those files belong to."""

    inputs: Inputs
    articles_added_or_removed: bool
    only_articles: bool  # only article files and catalogs changed (no image, template or folder)
    touched: frozenset[str]  # ids of the articles whose article file or catalog changed


def difference(config: Config, before: Mapping[str, Stamp], inputs: Inputs) -> Hint:
    """What the files that changed since the walk that took the stamps `before` belong to."""
    changed, added_or_removed = differences(before, inputs.stamps)
    touched, others = owners(config, changed)
    return Hint(inputs, added_or_removed, not others, touched)


def owners(config: Config, changed: Iterable[str]) -> tuple[frozenset[str], bool]:
    """The articles whose article file or catalog is among these files, and whether other files are."""
    touched, others = set(), False
    for _, found in changed_files(config, changed):
        if found.kind in ("article", "catalog"):
            touched.add(found.article_id)
        else:
            others = True
    return frozenset(touched), others


@dataclass
class Session:
    """What a long-lived process (`pipeline serve`) keeps from one build to the next, for one
    configuration: the build state, the stamps of every input and what the last build published.
    `close()` writes the state to the cache folder, as a build without a session does each time."""

    config: Config | None = None
    inputs: Inputs | None = None
    state: State | None = None
    templates: list | None = None  # the stamps of the template files
    settled: bool = False  # the state records every article as the inputs are (the last build succeeded)
    paths: tuple[dict[str, str], tuple[Diagnostic, ...]] | None = None
    published: tuple[Links, tuple[str, ...]] | None = None  # the last build's links and collections
    environments: tuple[str, dict] = ("", {})  # the pages key, and the Jinja environments made for it
    plans: dict[str, tuple] = dataclasses.field(default_factory=dict)  # index page path → (its last plan, digest)
    in_place: bool = True  # a preview's folders are updated file by file, not swapped

    def hint(self, config: Config, changed: Iterable[str] | None) -> Hint | None:
        """The inputs after `changed`, when this session has seen the files before them."""
        if changed is None or self.inputs is None or config != self.config or self.inputs.links:
            return None
        found = rescanned(self.inputs, changed)
        touched, others = owners(config, found.files)
        return Hint(found.inputs, found.added_or_removed, not (others or found.folders), touched)

    def environments_for(self, pages_key: str) -> dict:
        """The Jinja environments of the last build, while templates and interface strings are the same."""
        if self.environments[0] != pages_key:
            self.environments = (pages_key, {})
        return self.environments[1]

    def state_for(self, keys: tuple[str, str]) -> State | None:
        return self.state if self.state is not None and self.state.keys == keys else None

    def keep(self, config: Config, inputs: Inputs, state: State, templates: list) -> None:
        self.config, self.inputs, self.state, self.templates, self.settled = config, inputs, state, templates, True

    def failed(self, config: Config, inputs: Inputs, state: State, templates: list) -> None:
        """After a failed build: the next one compares every article with the files again, since
        what failed to be read was not recorded (its state is as the last build left it)."""
        self.keep(config, inputs, state, templates)
        self.settled, self.paths, self.published = False, None, None

    def close(self) -> None:
        if self.config is not None and self.state is not None:
            save_state(store(self.config), self.state)


def last_build(config: Config, state: State, shortcut: Shortcut | None) -> Session:
    """A session for one build, holding what the last one (with the same settings) left in the cache
    folder: `state`, and from `shortcut` the article files and what was published."""
    if shortcut is None:
        return Session(config, state=state, in_place=False)
    return Session(config, state=state, settled=True, paths=shortcut.paths, published=shortcut.published,
                   in_place=False)
