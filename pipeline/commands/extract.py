"""Extraction: refresh every template and catalog from the articles (`pipeline extract`).

Only the articles whose source or outputs changed since the last extraction are planned again
(size, modification time and inode first; the content hash decides when those differ), in
parallel over articles. Each plan is a pure function of the article, its catalogs and the
translation memory as it was when the run started, so an incremental run, a parallel run and a
clean serial run write the same bytes.

The translation memory (`pipeline.disk.memory`) is an SQLite file per language in .cache/pipeline/,
refreshed from only the catalogs whose stamps changed. When it is not yet current (first run,
catalogs edited by translators), articles are planned once with a stand-in that refuses every
lookup, the catalogs they read refresh the memory, and only the articles that needed it are
planned again: a cold run parses each catalog once.

A catalog this extraction wrote itself and that nobody changed since is rewritten entry by entry:
unchanged entries keep their text, and the memory learns only the units that changed.

Nothing is written unless everything could be read: plans are staged in the cache folder, flushed
to disk with one syncfs, and renamed into place once every article has been planned. A catalog only
replaces the version its plan read (`disk.saves.replace_unchanged`: compare and swap in one atomic
exchange): a translator's save made meanwhile is merged with the plan (what the translator changed
wins, `catalog.merge_saved`) and the merge is put in place instead, so no save is ever lost.
Everything in .cache/ is safe to delete."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from pipeline import catalog as catalogs
from pipeline.commands.move import move_article
from pipeline.commands.placing import Placed, put_in_place
from pipeline.commands.plans import (UI, PlanWork, Planned, Refusing, collections_of, memory_stamps, plan_article,
                                     plan_ui, read_text, stamp_text)
from pipeline.config import Config
from pipeline.disk.layout import (cache_folder, catalog_folder, catalog_path, changed_files, language_of_catalog, memory_path,
                                  template_path)
from pipeline.disk.project import Source, find_articles, orphan_catalogs, read_article, read_templates
from pipeline.disk.scan import Stamp, Walked, read_regular, stable_digest, stamp as file_stamp, walked
from pipeline.engine.pool import Progress, imap_in_order, no_progress
from pipeline.engine.contents import (Standing, few, files_store, forget_missing, keep_files, recognize,
                                      remembered_files, written)
from pipeline.engine.stamps import hashed, same_content, trusted
from pipeline.engine.store import Store, code_version
from pipeline.engine.work import split
from pipeline.errors import PipelineError
from pipeline.disk.memory import Change, Remembered, TranslationMemory, open_memory, remembered
from pipeline.model import Diagnostic
from pipeline.segment import prepare
from pipeline.po import decode_po, parse_po
from pipeline.tags import site_tags

BATCH = 512  # the memory learns from the plans' results this many at a time


# --- finding the inputs -----------------------------------------------------------------------------


def _settled(stamp: Stamp | None, now_ns: int) -> Stamp | None:
    """A stamp worth trusting later: a file modified just now could change again unseen
    (same size, same mtime tick), so its stamp is not kept and its content is hashed next time."""
    return stamp if stamp is not None and trusted(stamp, now_ns) else None


def _catalog_stamps(config: Config, lang: str, standing: Standing, locale: Walked) -> dict[str, str]:
    """Every catalog of one language (path as shown → stamp text), as the run's walk of the locale
    folder found them."""
    folder = catalog_folder(config, lang)
    shown, prefix = config.relative(folder), str(folder) + os.sep
    found = locale.under(folder)
    return {f"{shown}/{path[len(prefix):].replace(os.sep, '/')}": stamp_text(standing.of(path, stamp))
            for path, stamp in found.items() if path.endswith(".po")}


def _walk_locale(config: Config) -> Walked:
    """Every file under the locale folder (hidden names left out): the catalogs and templates."""
    return walked(config.locale_dir, skip=lambda name: name.startswith("."))


def _restamped(config: Config, lang: str, remembered: Mapping[str, str], changed: Iterable[str]) -> dict[str, str]:
    """The catalogs of one language as `_catalog_stamps` would find them, when only those in `changed`
    (as shown) may differ from what the memory remembers."""
    found = dict(remembered)
    prefix = f"{config.relative(config.locale_dir)}/{lang}/LC_MESSAGES/"
    for shown in changed:
        if shown.startswith(prefix):
            stamp = file_stamp(os.path.join(config.root, shown))
            if stamp is None:
                found.pop(shown, None)
            else:
                found[shown] = stamp_text(stamp)
    return found


def _remember_catalog(run: _Run, item: tuple[str, str]) -> tuple[str, str, str, tuple[Remembered, ...]]:
    """(lang, catalog as shown, its stamp, its units) for the memory; a catalog that does not parse
    gives nothing and is tried again next time (it is reported when its article is extracted)."""
    lang, shown = item
    config = run.config
    stamp, data = read_text(config.root / shown)
    stamp = run.standing.of(f"{config.root}/{shown}", stamp)
    try:
        units = remembered(parse_po(decode_po(data, shown), shown)) if data is not None else ()
    except PipelineError:
        return lang, shown, "", ()
    return lang, shown, stamp_text(stamp, time.time_ns()), units


# --- the whole run ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractReport:
    written: tuple[str, ...]
    unchanged: int
    merged: tuple[str, ...] = ()  # a catalog for each save made during the run and merged into it
    raced: tuple[str, ...] = ()  # those saves that landed between the check and the swap
    moved: tuple[tuple[str, str], ...] = ()  # (OLD, NEW): articles renamed by hand, their translations kept


@dataclass
class _Run:
    """The parent's bookkeeping during one extraction."""

    config: Config
    jobs: int
    progress: Progress
    memory_paths: dict[str, Path]
    version: str
    started_ns: int = field(default_factory=time.time_ns)
    planned: dict[str, Planned] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    ours: Mapping[str, Stamp] = field(default_factory=dict)  # outputs (as shown) → stamp when last written
    standing: Standing = field(default_factory=lambda: Standing({}))  # the files as runs know them
    locale: Walked | None = None  # every file under the locale folder, walked at the start (None: told what changed,
    # as a session is: then the catalogs that changed are given too)

    def remember(self, updates: Mapping[str, Mapping[str, tuple[str, Sequence[Remembered]]]],
                 removed: Mapping[str, Iterable[str]] | None = None) -> None:
        removed = removed or {}
        for lang in set(updates) | set(removed):
            if updates.get(lang) or removed.get(lang):
                memory = open_memory(self.memory_paths[lang], self.version)
                try:
                    memory.update(updates.get(lang, {}), removed.get(lang, ()))
                finally:
                    memory.close()

    def plan(self, work: PlanWork, sources: Sequence[Source], done: int, total: int) -> list[Source]:
        """Plan these articles; returns those that need the memory. What the plans saw of stale
        catalogs goes to the memory every BATCH articles, while the workers go on."""
        again = []
        updates: dict[str, dict[str, tuple[str, tuple[Remembered, ...]]]] = {}
        for count, (source, result) in enumerate(zip(sources, imap_in_order(plan_article, sources, work, self.jobs)), 1):
            for shown, stamp, units in result.seen:
                updates.setdefault(language_of_catalog(self.config, shown), {})[shown] = (stamp, units)
                self.seen.add(shown)
            if count % BATCH == 0:
                self.remember(updates)
                updates = {}
            if result.needs_memory:
                again.append(source)
                continue
            self.problems.extend(result.problems)
            self.planned[source.id] = replace(result, seen=())
            done += 1
            self.progress("extract", done, total)
        self.remember(updates)
        return again


@dataclass
class Session:
    """What a long-lived process (`pipeline serve`) keeps between extractions of one configuration:
    the articles found and the cache, so that an extraction told which files changed looks only at
    those. `close()` writes the cache file, which an extraction without a session writes each time."""

    config: Config | None = None
    sources: list[Source] | None = None
    cache: tuple[str, dict[str, Extracted]] | None = None  # (the key it is for, what was extracted)
    unsaved: bool = False

    def keep(self, config: Config, sources: list[Source], cache: tuple[str, dict[str, Extracted]]) -> None:
        self.config, self.sources, self.cache, self.unsaved = config, sources, cache, True

    def close(self) -> None:
        if self.unsaved and self.config is not None and self.cache is not None:
            _store(self.config).save(CACHE, self.cache)
            self.unsaved = False


@dataclass(frozen=True)
class _Hint:
    """The articles as a session knows them after the changed files, the ids of those whose article
    or catalog files changed, and the catalogs (as shown) that changed."""

    sources: list[Source]
    articles: frozenset[str]
    catalogs: frozenset[str]


def _hint(config: Config, session: Session, changed: Iterable[str]) -> _Hint | None:
    """What changed, in the session's terms; None when a walk is needed (an article added or removed,
    a folder or a template changed)."""
    if session.sources is None or session.config != config:
        return None
    shown_locale = config.relative(config.locale_dir)
    known = {source.id for source in session.sources}
    articles, catalogs_changed = set(), set()
    for path, found in changed_files(config, changed):
        if found.kind == "content":
            continue  # images and hidden files are not extracted
        if found.kind == "article" and found.article_id in known and os.path.isfile(path):
            articles.add(found.article_id)
        elif found.kind == "template":
            articles.add(found.article_id)
        elif found.kind == "catalog":
            articles.add(found.article_id)
            catalogs_changed.add(f"{shown_locale}/{found.relative}")
        else:
            return None  # an article added or removed, a folder, a template: walk again
    sources = [Source(s.id, s.path, file_stamp(s.path)) if s.id in articles else s for s in session.sources]
    return _Hint(sources, frozenset(articles), frozenset(catalogs_changed))


@dataclass(frozen=True)
class Extracted:
    """What the last extraction made of an article (or of the ui catalogs): the stamp of its file
    (None when too recent to trust) and its content's digest, and its outputs' stamps as it left them."""

    source: Stamp | None
    digest: str
    outputs: Mapping[str, Stamp | None]  # output (as shown) → stamp
    tags: tuple[str, ...] = ()  # an article's tags (slugs); for the ui catalogs, every tag they were made with


CACHE = "extract.pickle"


def _store(config: Config) -> Store:
    return Store(cache_folder(config), code_version())


def extract(config: Config, progress: Progress = no_progress, jobs: int = 1, session: Session | None = None,
            changed: Iterable[str] | None = None) -> ExtractReport:
    """Refresh every template and catalog, planning articles on `jobs` processes. Nothing is
    written unless everything could be read. A long-lived process passes the same `session` to
    every extraction and the paths that `changed` since the last one (None: not known)."""
    hint = _hint(config, session, changed) if session is not None and changed is not None else None
    try:
        return _extract(config, progress, jobs, session, hint, adopt=hint is None)
    except BaseException:
        if session is not None:  # the next extraction walks the articles again
            session.sources = None
        raise


RENAMED_SHARE = 0.8  # of a new article's msgids that an orphan catalog must hold to be taken as its own


def _adopt_renamed(config: Config, sources: list[Source], known: Mapping) -> tuple[tuple[str, str], ...]:
    """Articles renamed by hand (see RENAMED_SHARE): each new article (among those the last
    extraction did not know, one with no catalog or template yet) whose units are mostly those of
    exactly one orphan's catalogs, that orphan wanting no other, is given them by `pipeline mv`'s
    adoption. Not sure, or a move refused: everything stays, and `status` and `check` tell of the
    orphan. Returns the (OLD, NEW) pairs moved."""
    new = [s for s in sources if s.id not in known and not template_path(config, s.id).exists()
           and not any(catalog_path(config, lang, s.id).exists() for lang in config.languages)]
    orphans = _orphan_units(config, orphan_catalogs(config, [s.id for s in sources])) if new else {}
    if not orphans:
        return ()
    chosen: dict[str, list[str]] = {}
    for source in new:
        try:
            units = {(s.msgctxt, s.msgid) for s in prepare(config, read_article(config, source)).segments}
        except PipelineError:
            continue  # (extraction says what is wrong with it)
        close = [old for old, known in orphans.items() if units and len(units & known) >= RENAMED_SHARE * len(units)]
        if len(close) == 1:
            chosen.setdefault(close[0], []).append(source.id)
    moved = []
    for old, ids in sorted(chosen.items()):
        try:
            if len(ids) == 1:
                moved.append((old, move_article(config, old, ids[0], config.root).new))
        except PipelineError:
            continue
    return tuple(moved)


def _orphan_units(config: Config, paths: Iterable[Path]) -> dict[str, set[tuple[str | None, str]]]:
    """The (msgctxt, msgid) of each orphan article id's catalogs and template."""
    units: dict[str, set[tuple[str | None, str]]] = {}
    for path in paths:
        old = _orphan_id(config, path)
        shown = config.relative(path)
        try:
            catalog = parse_po(decode_po(read_regular(path), shown), shown)
        except (OSError, PipelineError):
            continue
        units.setdefault(old, set()).update(m.key for m in catalog.messages if m.msgid)
    return units


def _orphan_id(config: Config, path: Path) -> str:
    folder = template_path(config, "_").parent if path.suffix == ".pot" \
        else next(catalog_folder(config, lang) for lang in config.languages if path.is_relative_to(catalog_folder(config, lang)))
    return path.relative_to(folder).with_suffix("").as_posix()


def _extract(config: Config, progress: Progress, jobs: int, session: Session | None, hint: _Hint | None,
             adopt: bool = False) -> ExtractReport:
    """One extraction; with `adopt`, articles renamed by hand first take their old catalogs."""
    if hint is not None:
        sources, standing, remembered, locale = hint.sources, Standing({}), None, None
    else:
        found = find_articles(config)
        if found.problems:
            raise PipelineError(found.problems)
        sources = list(found.articles)
    store = _store(config)
    cache = session.cache if session is not None and session.cache is not None and session.config == config \
        else store.load(CACHE)
    collections = collections_of(config, sources)
    key = _extract_key(config, collections)
    known = cache[1] if isinstance(cache, tuple) and cache[0] == key else {}
    if hint is None:
        standing, remembered, known_files, locale = _recognized(config, sources, known)
        sources = [replace(s, stamp=standing.of(s.path, s.stamp)) for s in sources]
    moved = _adopt_renamed(config, sources, known) if adopt else ()
    if moved:  # catalogs moved, and links in other articles followed: everything is looked at again
        return replace(_extract(config, progress, jobs, session, hint), moved=moved)
    started_ns = time.time_ns()
    if hint is not None:  # only the articles whose files changed can have changed
        entries = {s.id: known[s.id] for s in sources if s.id not in hint.articles and s.id in known}
        rechecked, changed = _unchanged_entries(config, [s for s in sources if s.id not in entries], known,
                                                started_ns, standing)
        entries.update(rechecked)
    else:
        entries, changed = _unchanged_entries(config, sources, known, started_ns, standing, locale)
    kept_tags = site_tags(entry.tags for entry in entries.values())
    ui_made_from = known[UI].tags if _outputs_current(config, known.get(UI), standing, locale) else None  # None: anew
    if not changed and ui_made_from == kept_tags:
        if remembered is not None:
            _remember(config, remembered, known_files, ())
        entries[UI] = known[UI]
        if session is not None:
            session.keep(config, sources, (key, entries))
        elif entries != known:
            store.save(CACHE, (key, entries))
        return ExtractReport(written=(), unchanged=sum(len(e.outputs) for e in entries.values()))

    folder = cache_folder(config)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_staging(folder)
    staging = tempfile.mkdtemp(prefix=f"staging-{os.getpid()}-", dir=folder)
    try:
        run = _Run(config, jobs, progress, {lang: memory_path(config, lang) for lang in config.languages},
                   version=_memory_version(config), started_ns=started_ns, standing=standing, locale=locale,
                   ours={name: stamp for source in changed if source.id in known
                         for name, stamp in known[source.id].outputs.items() if stamp is not None})
        planned_ui = _plan_everything(run, changed, staging, collections, hint.catalogs if hint is not None else None,
                                      kept_tags, ui_made_from)
        if run.problems:
            raise PipelineError(run.problems)
        plans = ([planned_ui] if planned_ui is not None else []) + [run.planned[source.id] for source in changed]
        placed, problems = put_in_place(config, run.memory_paths, staging, [item for plan in plans for item in plan.staged])
        run.remember(_written_units(config, plans, placed))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if remembered is not None:
        _remember(config, remembered, known_files, placed)
    stamps = {item.shown: item.stamp for item in placed}
    for source in changed:
        result = run.planned[source.id]
        entries[source.id] = Extracted(_settled(result.source, started_ns), result.digest,
                                       _output_stamps(config, result, stamps, standing), result.tags)
    entries[UI] = Extracted(None, "", _output_stamps(config, planned_ui, stamps, standing), planned_ui.tags) \
        if planned_ui is not None else known[UI]
    if session is not None:
        session.keep(config, sources, (key, entries))
    else:
        store.save(CACHE, (key, entries))
    if problems:
        raise PipelineError(problems)
    written = [item.shown for item in placed if item.written]
    return ExtractReport(written=tuple(written),
                         unchanged=sum(len(e.outputs) for e in entries.values()) - len(written),
                         merged=tuple(item.shown for item in placed for _ in range(item.saves)),
                         raced=tuple(item.shown for item in placed for _ in range(item.raced)))


def _output_stamps(config: Config, plan: Planned, placed: Mapping[str, Stamp | None],
                   standing: Standing) -> dict[str, Stamp | None]:
    """The stamps of a plan's outputs as this run left them: as placed, or as read when unchanged
    (standing for their content; None for one not placed: the next run looks at it again)."""
    kept = dict(plan.kept)
    return {name: placed[name] if name in placed else standing.of(f"{config.root}/{name}", kept.get(name))
            for name in plan.outputs}


def _recognized(config: Config, sources: Iterable[Source],
                entries: Mapping[str, Extracted]) -> tuple[Standing, dict | None, dict | None, Walked]:
    """What is remembered of the articles and catalogs (`engine.contents`): the files whose stamps
    are new are hashed, so that a fresh checkout of unchanged files keeps what was made of them.
    Returns how the files are seen, what to remember of them, what was remembered, and the walk of
    the locale folder (every later step of the run looks its files up there). When at most a few
    files have stamps the last extraction did not record (`entries`), they are taken as they are,
    without reading what is remembered: a file of those that was only touched is planned again,
    which costs less than reading the records of every file."""
    started_ns = time.time_ns()
    locale = _walk_locale(config)
    stamps = {source.path: source.stamp for source in sources if source.stamp is not None}
    stamps.update(locale.stamps)
    recorded = {f"{config.root}/{name}": stamp for entry in entries.values()
                for name, stamp in entry.outputs.items() if stamp is not None}
    recorded.update((source.path, entries[source.id].source) for source in sources if source.id in entries)
    if few(sum(1 for path, now in stamps.items() if recorded.get(path) != now), len(stamps)):
        return Standing({}), None, None, locale
    known = remembered_files(files_store(cache_folder(config)))
    found = recognize(stamps, known, started_ns)
    return found.standing(stamps), forget_missing(found.known, stamps, (locale.folder,)), known, locale


def _remember(config: Config, remembered: dict, known: dict, placed: Iterable[Placed]) -> None:
    """Keep what is remembered of the files, with what this run put in place: each file's new stamp
    stands for what it holds."""
    found = [(f"{config.root}/{item.shown}", item.stamp) for item in placed if item.stamp is not None]
    digests = hashed(lambda item: stable_digest(*item), found)
    now_remembered = written(remembered, [(path, now, digest) for (path, now), digest in zip(found, digests)
                                          if digest is not None])
    keep_files(files_store(cache_folder(config)), now_remembered, known)


def _plan_everything(run: _Run, changed: list[Source], staging: str, collections: list[str],
                     catalogs_changed: Iterable[str] | None = None, kept_tags: tuple[str, ...] = (),
                     ui_made_from: tuple[str, ...] | None = None):
    """Plan the changed articles and (unless they are current: made from the same tags, those of
    the unchanged articles, `kept_tags`, and of the changed ones) the ui catalogs with a current
    memory; the memory is brought up to date from the catalogs the plans read, and from any other
    catalog whose stamp changed (`catalogs_changed`, as shown, when the caller knows which may have;
    else every catalog is looked at)."""
    config = run.config
    info = catalogs.CatalogInfo(project=config.project, version=config.version, created=catalogs.creation_time(os.environ))
    stale, removed = {}, {}
    for lang, path in run.memory_paths.items():
        memory = open_memory(path, run.version)
        try:
            remembered_stamps = memory.stamps()
        finally:
            memory.close()
        on_disk = _catalog_stamps(config, lang, run.standing, run.locale) if catalogs_changed is None else \
            _restamped(config, lang, remembered_stamps, catalogs_changed)
        stale[lang] = {shown for shown, stamp in on_disk.items() if remembered_stamps.get(shown) != stamp or not stamp}
        removed[lang] = [shown for shown in remembered_stamps if shown not in on_disk]
    locale = config.relative(config.locale_dir)
    read_by_plans = {f"{locale}/{lang}/LC_MESSAGES/{s.id}.po" for s in changed for lang in config.languages}
    _refresh(run, {lang: [s for s in found if s not in read_by_plans] for lang, found in stale.items()}, removed)
    all_stale = frozenset(s for found in stale.values() for s in found if s in read_by_plans)
    readers = {lang: TranslationMemory(path, readonly=True) for lang, path in run.memory_paths.items()}
    try:
        if all_stale:
            refusing = {lang: Refusing() for lang in config.languages}
            again = run.plan(PlanWork(config, info, staging, refusing, all_stale, run.started_ns, memory_stamps(readers),
                                   run.ours, run.standing), changed, 0, len(changed))
            _refresh(run, {lang: [s for s in found if s in all_stale and s not in run.seen]
                           for lang, found in stale.items()}, {})
            run.plan(PlanWork(config, info, staging, readers, frozenset(), run.started_ns, memory_stamps(readers),
                           run.ours, run.standing), again, len(changed) - len(again), len(changed))
        else:
            run.plan(PlanWork(config, info, staging, readers, frozenset(), run.started_ns, memory_stamps(readers),
                           run.ours, run.standing), changed, 0, len(changed))
        planned = (run.planned.get(source.id) for source in changed)
        tags = site_tags([kept_tags, *(plan.tags for plan in planned if plan is not None)])
        return plan_ui(config, info, collections, tags, readers, staging) if tags != ui_made_from else None
    finally:
        for reader in readers.values():
            reader.close()


def _refresh(run: _Run, stale: Mapping[str, Sequence[str]], removed: Mapping[str, Sequence[str]]) -> None:
    """Read the given catalogs into the memory (in parallel, in rounds) and forget the removed ones."""
    items = [(lang, shown) for lang, found in stale.items() for shown in sorted(found)]
    updates: dict[str, dict[str, tuple[str, tuple[Remembered, ...]]]] = {}
    for count, (lang, shown, stamp, units) in enumerate(imap_in_order(_remember_catalog, items, run, run.jobs), 1):
        updates.setdefault(lang, {})[shown] = (stamp, units)
        if count % BATCH == 0:
            run.remember(updates)
            updates = {}
    run.remember(updates)
    run.remember({}, removed)


def _written_units(config: Config, plans: Iterable[Planned], placed: Iterable[Placed]):
    """What the memory learns from the catalogs this run left in place, with the stamps they were
    placed with: the units planned, or those of the merge that saves made meanwhile went into."""
    units = {shown: found for plan in plans for shown, found in plan.written}
    updates: dict[str, dict[str, tuple[str, tuple[Remembered, ...] | Change]]] = {}
    for item in placed:
        found = remembered(item.merged) if item.merged is not None else units.get(item.shown)
        if found is not None:
            updates.setdefault(language_of_catalog(config, item.shown), {})[item.shown] = (stamp_text(item.stamp), found)
    return updates


def _unchanged_entries(config: Config, sources: list[Source], known: Mapping[str, Extracted],
                       now_ns: int, standing: Standing,
                       locale: Walked | None = None) -> tuple[dict[str, Extracted], list[Source]]:
    """The cache entries of the articles whose source and outputs are as the last run left them,
    and the articles to plan again. A source whose stamp changed is hashed: same content, same entry."""

    def holds(source: Source, entry: Extracted) -> bool:
        return _outputs_current(config, entry, standing, locale) and \
            same_content(source.path, source.stamp, entry.source, entry.digest)

    found = split(sources, lambda source: source.id, known, holds)
    stamps = {source.id: source.stamp for source in sources}
    entries = {article_id: entry if entry.source == stamps[article_id] else
               replace(entry, source=_settled(stamps[article_id], now_ns)) for article_id, entry in found.kept.items()}
    return entries, found.redo


def _outputs_current(config: Config, entry: Extracted | None, standing: Standing, locale: Walked | None) -> bool:
    """Whether an entry's outputs are as it left them (`locale`: the run's walk, else each is stated)."""
    outputs = entry.outputs if entry else {}
    root, stamp_of = str(config.root), locale.stamp if locale is not None else file_stamp
    return bool(outputs) and all(standing.of(f"{root}/{name}", stamp_of(f"{root}/{name}")) == stamp
                                 for name, stamp in outputs.items())  # names: relative


def _extract_key(config: Config, collections: list[str]) -> str:
    """What every catalog depends on beyond its own article: the code, the configuration, the
    templates (for ui.pot) and the list of collections."""
    digest = hashlib.sha256(f"{code_version()}\n{config!r}\n".encode())
    for name, text in sorted(read_templates(config).sources.items()):
        digest.update(f"{name}\n{text}".encode())
    digest.update(repr(collections).encode())
    return digest.hexdigest()


def _memory_version(config: Config) -> str:
    """What the memory's content depends on: where the catalogs are, and the code that reads them
    (a change elsewhere in the pipeline does not make the memory read 10,000 catalogs again)."""
    package = Path(__file__).parents[1]
    digest = hashlib.sha256(str(config.locale_dir).encode())
    for module in ("disk/memory.py", "model.py", *sorted(p.relative_to(package).as_posix() for p in package.glob("po/*.py"))):
        digest.update((package / module).read_bytes())
    return digest.hexdigest()


def _remove_abandoned_staging(folder: Path) -> None:
    """Staging folders left by runs that were killed (their process is gone)."""
    for stale in folder.glob("staging-*"):
        pid = stale.name.split("-")[1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
