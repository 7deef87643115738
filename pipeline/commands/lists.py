"""Step 5 of `pipeline build` (`pipeline.commands.build`): the pages made from every published
article's entry (lists, feeds, the sitemap: `pipeline.indexes`) and the search index
(`pipeline.search_index`), each made again only where what it shows changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
from dataclasses import dataclass

from pipeline import search_index
from pipeline.commands.articles import content_digest
from pipeline.commands.build_state import PagesRecord, State
from pipeline.config import Config
from pipeline.engine.trees import OutputTrees
from pipeline.indexes import PlanGroup, index_pages
from pipeline.khmer.words import WordBreaker
from pipeline.pages import OPTIONAL_TEMPLATES, BuildOptions, Entry, PageContext, PagePlan


@dataclass(frozen=True)
class SameValues:
    """What the caller knows did not change since the last build: every article's entry (what the
    lists, feeds and sitemap show of it), every page's search values."""

    entries: bool = False
    search: bool = False


def publish_indexes(state: State, context: PageContext, trees: OutputTrees, options: BuildOptions,
                    pages_key: str, shown: list[PagesRecord], previous: dict, same: SameValues) -> None:
    """Lists, feeds, the sitemap: kept whole when no article's entry can have changed (`same.entries`);
    else a list that shows what it showed is kept without planning its pages, and each other page is
    rendered again only when the values it shows changed. `previous` (kept by a session) has the
    plan each page was last made from, with the page's digest: an equal plan needs no digest of its
    values. The search index likewise: kept whole when no page's search values can have changed."""
    site = trees[0]
    lists = {path: state.indexes.get(path) for _, paths in state.lists.values() for path in paths}
    searched = {path: known for path, known in state.indexes.items() if path not in lists}  # (the last index's)
    if not (same.entries and all(known is not None and site.keep(path, known[1]) for path, known in lists.items())):
        lists = _publish_lists(state, context, site, options, pages_key, shown, previous)
    if not context.searchable:
        state.search, searched = {}, {}
    elif not (same.search and state.search and all(site.keep(path, known[1]) for path, known in searched.items())):
        searched = _publish_search(state, context.config, site, [page for record in shown for page in record.search])
    state.indexes = {**lists, **searched}


def _publish_lists(state: State, context: PageContext, site, options: BuildOptions, pages_key: str,
                   shown: list[PagesRecord], previous: dict) -> dict[str, tuple[str, str]]:
    """Every list, feed and the sitemap, each kept or made again: site path → (shown, digest). A
    page of its own (not made from entries) is recorded in `state.lists` with nothing shown."""
    config = context.config
    indexes: dict[str, tuple[str, str]] = {}
    lists: dict[str, tuple[str | None, tuple[str, ...]]] = {}
    plain: dict[int, tuple] = {}  # each entry's values made plain once: the lists, tags and feeds show it again
    digests: dict[int, bytes] = {}  # and digested once
    for group in index_pages(config, [e for p in shown for e in p.entries], context.collections, options):
        shows = None if group.entries is None else _group_shows(pages_key, group, context.collections, plain, digests)
        kept = state.lists.get(group.key)
        if shows is not None and kept is not None and kept[0] == shows and \
                all(path in state.indexes and site.keep(path, state.indexes[path][1]) for path in kept[1]):
            indexes.update((path, state.indexes[path]) for path in kept[1])
            lists[group.key] = kept
            continue
        plans = [plan for plan in group.make()
                 if plan.template in context.templates.sources or plan.template not in OPTIONAL_TEMPLATES]
        for plan in plans:
            indexes[plan.path] = _published(state, context, site, pages_key, plan, previous, plain)
        lists[group.key] = (shows, tuple(plan.path for plan in plans))
    state.lists = lists
    return indexes


def _published(state: State, context: PageContext, site, pages_key: str, plan: PagePlan, previous: dict,
               plain: dict[int, tuple]) -> tuple[str, str]:
    """One index page, kept when its values are what they were, else rendered: (shown, digest)."""
    known = state.indexes.get(plan.path)
    made = previous.get(plan.path)
    if made is not None and known is not None and made == (plan, known[1]) and site.keep(plan.path, known[1]):
        return known
    values = _shown(pages_key, plan, plain)
    if known is None or known[0] != values or not site.keep(plan.path, known[1]):
        data = context.render(plan)
        known = (values, content_digest(data))
        site.put(plan.path, known[1], data)
    previous[plan.path] = (plan, known[1])
    return known


def _group_shows(pages_key: str, group: PlanGroup, collections: tuple[str, ...], plain: dict[int, tuple],
                 digests: dict[int, bytes]) -> str | None:
    """A digest of what a list's pages are made from (`PlanGroup`): of the digest of each of its
    entries (`digests`: by the entry's identity, each made once) and the rest; None when it cannot
    be made."""
    try:
        found = hashlib.blake2b(marshal.dumps((pages_key, group.key, collections, group.besides), 2), digest_size=16)
        for entry in group.entries:
            digest = digests.get(id(entry))
            if digest is None:
                digest = digests[id(entry)] = hashlib.blake2b(marshal.dumps(_plain_once(entry, plain), 2),
                                                              digest_size=16).digest()
            found.update(digest)
    except ValueError:  # a value marshal cannot write: the list is planned again
        return None
    return found.hexdigest()


def _publish_search(state: State, config: Config, site, pages: list) -> dict[str, tuple[str, str]]:
    """The search index, brought up to date from the last build's where it can be (a file as the
    last build made it is kept), else made anew: site path → (digest, digest). One language's
    files are written before the next language's are made."""
    def last_file(path: str) -> bytes | None:
        known = state.indexes.get(path)
        data = site.read_live(path) if known is not None else None
        return data if data is not None and content_digest(data) == known[1] else None

    last = search_index.Last(state.search, (page for record in state.pages.values.values() for page in record.search),
                             last_file)
    found: dict[str, tuple[str, str]] = {}
    memos = {}
    for lang, (files, memo) in search_index.language_indexes(pages, config.languages, config.base_path,
                                                             WordBreaker(), last):
        if not all(data is not None or (path in state.indexes and site.keep(path, state.indexes[path][1]))
                   for path, data in files.items()):
            (_, (files, memo)), = search_index.language_indexes(pages, (lang,), config.base_path, WordBreaker())
        _put_index(state, site, files, found)
        memos[lang] = memo
        del files  # (before the next language's index is made)
    state.search = memos
    return found


def _put_index(state: State, site, files: dict[str, bytes | None], found: dict[str, tuple[str, str]]) -> None:
    """Write one language's index files that changed (None: as the last build made it); their
    digests go into `found`."""
    for path, data in files.items():
        digest = state.indexes[path][1] if data is None else content_digest(data)
        if data is not None and not site.keep(path, digest):
            site.put(path, digest, data)
        found[path] = (digest, digest)


def _shown(pages_key: str, plan, plain: dict[int, tuple]) -> str:
    """A digest of what an index page shows. Its values go through marshal, twice as fast as repr
    over the ~30 MB of entries that 10,000 articles' lists show; format 2 writes equal values as
    equal bytes (no references to objects met before). Entries and dates become plain values
    (`plain`: those made so far, by the entry's identity)."""
    values = {key: _plain(value, plain) if key == "entries" else value.toordinal() if isinstance(value, dt.date)
              else value for key, value in plan.context.items()}
    try:
        data = marshal.dumps((pages_key, plan.template, plan.lang, values), 2)
    except ValueError:  # a value marshal cannot write
        data = repr((pages_key, plan.template, plan.lang, plan.context)).encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _plain(entries, plain: dict[int, tuple]) -> list[tuple]:
    """Each entry's values as plain values (dates as numbers), each entry's made once (`plain`, by identity)."""
    return [_plain_once(e, plain) for e in entries]


def _plain_once(entry: Entry, plain: dict[int, tuple]) -> tuple:
    return plain.get(id(entry)) or plain.setdefault(id(entry), _plain_entry(entry))


def _plain_entry(entry: Entry) -> tuple:
    return tuple(value.toordinal() if isinstance(value, dt.date) else value for value in vars(entry).values())
