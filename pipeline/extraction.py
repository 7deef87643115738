"""Extraction: refresh every template and catalog from the articles (`pipeline extract`).

Only the articles whose source or outputs changed since the last extraction are planned again
(size, modification time and inode first; the content hash decides when those differ), in
parallel over articles. Each plan is a pure function of the article, its catalogs and the
translation memory as it was when the run started, so an incremental run, a parallel run and a
clean serial run write the same bytes.

The translation memory (`pipeline.memory`) is an SQLite file per language in .cache/pipeline/,
refreshed from only the catalogs whose stamps changed. When it is not yet current (first run,
catalogs edited by translators), articles are planned once with a stand-in that refuses every
lookup, the catalogs they read refresh the memory, and only the articles that needed it are
planned again: a cold run parses each catalog once.

A catalog this extraction wrote itself and that nobody changed since is rewritten entry by entry:
unchanged entries keep their text, and the memory learns only the units that changed.

Nothing is written unless everything could be read: plans are staged in the cache folder, flushed
to disk with one syncfs, and renamed into place once every article has been planned. Everything in
.cache/ is safe to delete."""

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
from pipeline.build import (ARTICLE_SUFFIXES, Progress, _no_progress, article_segments, changed_files,
                            code_fingerprint, creation_time, target_languages, ui_paths)
from pipeline.config import Config
from pipeline.content import Article, decode_source, parse_article
from pipeline.errors import PipelineError
from pipeline.files import flush_to_disk, read_json, write_atomic, write_json_atomic
from pipeline.locales import language_name
from pipeline.markdown import Parser
from pipeline.memory import Change, Remembered, TranslationMemory, change, open_memory, remembered
from pipeline.model import Catalog, Diagnostic, Message
from pipeline.parallel import imap_in_order
from pipeline.po import Written, decode_po, format_po, parse_po, written_entries

RACY_NS = 100_000_000  # a file modified this close to a run may change again within the same mtime tick
BATCH = 512  # the memory learns from the plans' results this many at a time
UI = ""  # the cache entry of the ui catalogs

Stamp = list  # [size, mtime_ns, inode] of a file, or None when it is missing


# --- plans (pure functions) -----------------------------------------------------------------------


def article_template(config: Config, article: Article, info: catalogs.CatalogInfo,
                     parser: Parser | None = None) -> Catalog:
    title = article.metadata.get("title")
    title = title if isinstance(title, str) else article.id
    return catalogs.template(title, article.path, article_segments(config, article, parser), info)


def merged_catalog(config: Config, pot: Catalog, existing: Catalog | None, lang: str,
                   memory, info: catalogs.CatalogInfo) -> Catalog:
    if existing is None:
        header = catalogs.new_header(pot, lang, language_name(lang), info)
        existing = Catalog(header=header, messages=())
    return catalogs.update(existing, pot, memory)


def ui_template(config: Config, info: catalogs.CatalogInfo, collections: Iterable[str] | None = None) -> Catalog:
    """ui.pot: every string of the templates, plus the site name and collection labels."""
    from pipeline.render import ui_messages
    from pipeline.site import collection_label

    if collections is None:
        collections = collections_of(config, _find_articles(config)[0])
    entries: dict[str, list[str]] = {}
    comments: dict[str, str] = {}
    templates = config.relative(config.templates_dir)
    for name, line, text in ui_messages(config.templates_dir):
        entries.setdefault(text, []).append(f"{templates}/{name}:{line}")
    for text, comment in [(config.site_name, "site name (pyproject.toml: site_name)")] + [
            (collection_label(c), f"collection name: {c}") for c in collections]:
        entries.setdefault(text, [])
        comments.setdefault(text, comment)
    messages = tuple(
        Message(msgid=text, references=tuple(refs), extracted_comments=(comments[text],) if text in comments else ())
        for text, refs in entries.items())
    return Catalog(header=catalogs.template_header("the site interface", templates, info), messages=messages)


# --- finding the inputs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """An article file under content/: its id, absolute path and stamp when found."""

    id: str
    path: str
    stamp: Stamp | None


def _find_articles(config: Config) -> tuple[list[Source], list[Diagnostic]]:
    """Every article file under content/ (one os.scandir walk; assets/, hidden names and top-level
    files left out), in the order of their paths, and an error for each id used twice."""
    root = str(config.content_dir)
    found: list[tuple[str, Source]] = []
    pending = [("", root)]
    while pending:
        relative, folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith(".") or (not relative and name == "assets"):
                continue
            inner = f"{relative}/{name}" if relative else name
            if entry.is_dir(follow_symlinks=False):
                pending.append((inner, entry.path))
            elif relative and name.lower().endswith(ARTICLE_SUFFIXES) and entry.is_file():
                found.append((inner, Source(inner.rsplit(".", 1)[0], entry.path, _stat(entry.path))))
    found.sort(key=lambda pair: pair[0])
    sources, problems, seen = [], [], {}
    for inner, source in found:
        first = seen.get(source.id.lower())
        if first is not None:
            problems.append(Diagnostic(config.relative(Path(source.path)), 1, "duplicate-id",
                                       f"article id {source.id!r} is already used by {config.relative(Path(first))}",
                                       hint="rename one of the two files"))
            continue
        seen[source.id.lower()] = source.path
        sources.append(source)
    return sources, problems


def collections_of(config: Config, sources: Iterable[Source]) -> list[str]:
    return sorted({s.id.split("/", 1)[0] for s in sources} | set(config.collections))


def _stat(path: str) -> Stamp | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def _settled(stamp: Stamp | None, now_ns: int) -> Stamp | None:
    """A stamp worth trusting later: a file modified just now could change again unseen
    (same size, same mtime tick), so its stamp is not kept and its content is hashed next time."""
    return stamp if stamp is not None and stamp[1] < now_ns - RACY_NS else None


def _catalog_path(config: Config, lang: str, article_id: str) -> Path:
    return config.locale_dir / lang / "LC_MESSAGES" / f"{article_id}.po"


def _template_path(config: Config, article_id: str) -> Path:
    return config.locale_dir / "templates" / f"{article_id}.pot"


def _catalog_stamps(config: Config, lang: str) -> dict[str, str]:
    """Every catalog of one language (path as shown → stamp text), walked with os.scandir."""
    found = {}
    pending = [(f"{config.relative(config.locale_dir)}/{lang}/LC_MESSAGES", str(config.locale_dir / lang / "LC_MESSAGES"))]
    while pending:
        shown, folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append((f"{shown}/{entry.name}", entry.path))
            elif entry.name.endswith(".po"):
                stamp = _stat(entry.path)
                if stamp is not None:
                    found[f"{shown}/{entry.name}"] = _stamp_text(stamp)
    return found


def _restamped(config: Config, lang: str, remembered: Mapping[str, str], changed: Iterable[str]) -> dict[str, str]:
    """The catalogs of one language as `_catalog_stamps` would find them, when only those in `changed`
    (as shown) may differ from what the memory remembers."""
    found = dict(remembered)
    prefix = f"{config.relative(config.locale_dir)}/{lang}/LC_MESSAGES/"
    for shown in changed:
        if shown.startswith(prefix):
            stamp = _stat(os.path.join(config.root, shown))
            if stamp is None:
                found.pop(shown, None)
            else:
                found[shown] = _stamp_text(stamp)
    return found


def _stamp_text(stamp: Stamp | None, now_ns: int | None = None) -> str:
    """A catalog's stamp as the memory keeps it; "" (never equal to a real one) for a missing file,
    or for one modified so recently that it could still change unseen."""
    if stamp is None or (now_ns is not None and stamp[1] >= now_ns - RACY_NS):
        return ""
    return f"{stamp[0]}:{stamp[1]}:{stamp[2]}"


def _read_text(path: Path) -> tuple[Stamp | None, bytes | None]:
    """A file's stamp (taken first) and bytes, or (None, None) when it is missing."""
    stamp = _stat(str(path))
    if stamp is None:
        return None, None
    try:
        return stamp, path.read_bytes()
    except FileNotFoundError:
        return None, None


# --- planning one article (runs in worker processes) ------------------------------------------------


class _MemoryNeeded(Exception):
    pass


class _Refusing:
    """Stands in for a translation memory that is not yet current: any lookup stops the plan."""

    def exact(self, msgctxt: str | None, msgid: str) -> str | None:
        raise _MemoryNeeded

    def closest(self, msgid: str) -> Remembered | None:
        raise _MemoryNeeded


@dataclass(frozen=True)
class _Work:
    """What every plan needs: inherited by forked workers, never sent."""

    config: Config
    info: catalogs.CatalogInfo
    staging: str
    memories: Mapping[str, TranslationMemory | _Refusing]
    stale: frozenset[str]  # catalogs (as shown) the memory has not seen as they are: report what they hold
    started_ns: int
    known: Mapping[str, str] = field(default_factory=dict)  # catalog (as shown) → its stamp in the memory
    ours: Mapping[str, Stamp] = field(default_factory=dict)  # output (as shown) → its stamp when last written
    parser: Parser = field(default_factory=Parser)  # each worker process uses its own copy


@dataclass(frozen=True)
class _Planned:
    """What planning one article found: files staged to replace outputs, the memory's refreshes."""

    id: str
    source: Stamp | None = None
    digest: str = ""
    outputs: tuple[str, ...] = ()  # every output, as shown
    staged: tuple[tuple[str, str], ...] = ()  # (output as shown, staged file) for outputs that change
    seen: tuple[tuple[str, str, tuple[Remembered, ...]], ...] = ()  # stale catalogs read: (shown, stamp, units)
    written: tuple[tuple[str, tuple[Remembered, ...] | Change], ...] = ()  # staged catalogs: (shown, units)
    needs_memory: bool = False
    problems: tuple[Diagnostic, ...] = ()


def _plan_article(work: _Work, source: Source) -> _Planned:
    config = work.config
    path = Path(source.path)
    shown = config.relative(path)
    stamp, data = _read_text(path)
    if data is None:
        return _Planned(source.id, problems=(Diagnostic(shown, 1, "missing", "the file disappeared while reading"),))
    digest = hashlib.sha256(data).hexdigest()
    seen: list[tuple[str, str, tuple[Remembered, ...]]] = []
    try:
        article = parse_article(decode_source(data, shown), source.id, shown, config.default_language)
        pot = article_template(config, article, work.info, work.parser)
        existing, problems = {}, []
        for lang in target_languages(config, article):
            try:
                found = existing[lang] = _read_existing(work, lang, article.id)
            except PipelineError as error:
                problems.extend(error.diagnostics)
                continue
            if found.shown in work.stale:
                units = remembered(found.catalog) if found.catalog is not None else ()
                seen.append((found.shown, _stamp_text(found.stamp, work.started_ns), units))
        if problems:
            raise PipelineError(problems)
        # The template and its catalogs wrap the same msgids. The catalogs are written first: most
        # of their entries stand as this extraction last wrote them, and lend the template their lines.
        wrapped: dict = {}
        catalogs_planned = []
        for lang, found in existing.items():
            merged = merged_catalog(config, pot, found.catalog, lang, work.memories[lang], work.info)
            catalogs_planned.append(_Output(found.path, found.data, format_po(merged, wrapped, found.written), merged,
                                            found.catalog if _known(work, found.shown, found.stamp) else None))
        planned = [_Output(_template_path(config, article.id), None, format_po(pot, wrapped)), *catalogs_planned]
    except PipelineError as error:
        return _Planned(source.id, problems=tuple(error.diagnostics), seen=tuple(seen))
    except _MemoryNeeded:
        return _Planned(source.id, needs_memory=True, seen=tuple(seen))
    staged, written = _stage_changed(work, planned)
    return _Planned(source.id, source=stamp, digest=digest, outputs=tuple(config.relative(o.path) for o in planned),
                    staged=staged, seen=tuple(seen), written=written)


@dataclass(frozen=True)
class _Existing:
    """A catalog as a plan found it: None for a missing file."""

    path: Path
    shown: str
    stamp: Stamp | None
    data: bytes | None
    catalog: Catalog | None
    written: Written  # the text of each entry, when this extraction wrote the file as it is


def _read_existing(work: _Work, lang: str, article_id: str) -> _Existing:
    """One catalog of an article, read and parsed (a PipelineError when it does not parse)."""
    path = _catalog_path(work.config, lang, article_id)
    shown = work.config.relative(path)
    stamp, data = _read_text(path)
    if data is None:
        return _Existing(path, shown, None, None, None, {})
    text = decode_po(data, shown)
    catalog = parse_po(text, shown)
    ours = stamp is not None and work.ours.get(shown) == stamp
    return _Existing(path, shown, stamp, data, catalog, written_entries(catalog, text) if ours else {})


@dataclass(frozen=True)
class _Output:
    """A file a plan wants: its path, what it holds now (None: missing, or not read), the planned
    text, and for a catalog its merged value and the old one when the memory knows that as it is."""

    path: Path
    old: bytes | None
    text: str
    merged: Catalog | None = None
    known: Catalog | None = None


def _known(work: _Work, shown: str, stamp: Stamp | None) -> bool:
    """Whether the memory holds the units of this catalog (as shown) as it was read (with this stamp)."""
    text = _stamp_text(stamp)
    return bool(text) and work.known.get(shown) == text


def _stage_changed(work: _Work, planned: Sequence[_Output]):
    """Write the planned texts that differ from the files (not only in their dates) into the
    staging folder; what each staged catalog changes in the memory is applied once it is in place."""
    staged, written = [], []
    for output in planned:
        old = output.old
        if old is None and output.path.suffix == ".pot":
            _, old = _read_text(output.path)
        if old is not None and catalogs.content_equal(old.decode("utf-8", "replace"), output.text):
            continue
        shown = work.config.relative(output.path)
        temporary = os.path.join(work.staging, shown.replace("/", "%"))
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.fchmod(handle, 0o644)
        with os.fdopen(handle, "wb") as stream:
            stream.write(output.text.encode("utf-8"))
        staged.append((shown, temporary))
        if output.merged is not None:
            written.append((shown, change(output.known, output.merged) if output.known is not None
                            else remembered(output.merged)))
    return tuple(staged), tuple(written)


def _remember_catalog(config: Config, item: tuple[str, str]) -> tuple[str, str, str, tuple[Remembered, ...]]:
    """(lang, catalog as shown, its stamp, its units) for the memory; a catalog that does not parse
    gives nothing and is tried again next time (it is reported when its article is extracted)."""
    lang, shown = item
    stamp, data = _read_text(config.root / shown)
    try:
        units = remembered(parse_po(decode_po(data, shown), shown)) if data is not None else ()
    except PipelineError:
        return lang, shown, "", ()
    return lang, shown, _stamp_text(stamp, time.time_ns()), units


# --- the whole run ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractReport:
    written: tuple[str, ...]
    unchanged: int


@dataclass
class _Run:
    """The parent's bookkeeping during one extraction."""

    config: Config
    jobs: int
    progress: Progress
    memory_paths: dict[str, Path]
    version: str
    started_ns: int = field(default_factory=time.time_ns)
    planned: dict[str, _Planned] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    ours: Mapping[str, Stamp] = field(default_factory=dict)  # outputs (as shown) → stamp when last written

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

    def plan(self, work: _Work, sources: Sequence[Source], done: int, total: int) -> list[Source]:
        """Plan these articles; returns those that need the memory. What the plans saw of stale
        catalogs goes to the memory every BATCH articles, while the workers go on."""
        again = []
        locale = self.config.relative(self.config.locale_dir)
        updates: dict[str, dict[str, tuple[str, tuple[Remembered, ...]]]] = {}
        for count, (source, result) in enumerate(zip(sources, imap_in_order(_plan_article, sources, work, self.jobs)), 1):
            for shown, stamp, units in result.seen:
                updates.setdefault(_language_of(locale, shown), {})[shown] = (stamp, units)
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
    cache: dict | None = None
    unsaved: bool = False

    def keep(self, config: Config, sources: list[Source], cache: dict) -> None:
        self.config, self.sources, self.cache, self.unsaved = config, sources, cache, True

    def close(self) -> None:
        if self.unsaved and self.config is not None and self.cache is not None:
            write_json_atomic(_cache_path(self.config), self.cache)
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
    sources = [Source(s.id, s.path, _stat(s.path)) if s.id in articles else s for s in session.sources]
    return _Hint(sources, frozenset(articles), frozenset(catalogs_changed))


def _cache_path(config: Config) -> Path:
    return config.root / ".cache" / "pipeline" / "extract.json"


def extract(config: Config, progress: Progress = _no_progress, jobs: int = 1, session: Session | None = None,
            changed: Iterable[str] | None = None) -> ExtractReport:
    """Refresh every template and catalog, planning articles on `jobs` processes. Nothing is
    written unless everything could be read. A long-lived process passes the same `session` to
    every extraction and the paths that `changed` since the last one (None: not known)."""
    hint = _hint(config, session, changed) if session is not None and changed is not None else None
    try:
        return _extract(config, progress, jobs, session, hint)
    except BaseException:
        if session is not None:  # the next extraction walks the articles again
            session.sources = None
        raise


def _extract(config: Config, progress: Progress, jobs: int, session: Session | None, hint: _Hint | None) -> ExtractReport:
    if hint is not None:
        sources = hint.sources
    else:
        sources, problems = _find_articles(config)
        if problems:
            raise PipelineError(problems)
    cache_path = _cache_path(config)
    cache = session.cache if session is not None and session.cache is not None and session.config == config \
        else read_json(cache_path)
    collections = collections_of(config, sources)
    key = _extract_key(config, collections)
    known = cache.get("articles", {}) if cache.get("key") == key else {}
    started_ns = time.time_ns()
    if hint is not None:  # only the articles whose files changed can have changed
        entries = {s.id: known[s.id] for s in sources if s.id not in hint.articles and s.id in known}
        rechecked, changed = _unchanged_entries(config, [s for s in sources if s.id not in entries], known,
                                                started_ns)
        entries.update(rechecked)
    else:
        entries, changed = _unchanged_entries(config, sources, known, started_ns)
    ui_current = _outputs_current(config, known.get(UI))
    if not changed and ui_current:
        entries[UI] = known[UI]
        if session is not None:
            session.keep(config, sources, {"key": key, "articles": entries})
        elif entries != known:
            write_json_atomic(cache_path, {"key": key, "articles": entries})
        return ExtractReport(written=(), unchanged=sum(len(e["outputs"]) for e in entries.values()))

    folder = config.root / ".cache" / "pipeline"
    folder.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_staging(folder)
    staging = tempfile.mkdtemp(prefix=f"staging-{os.getpid()}-", dir=folder)
    try:
        run = _Run(config, jobs, progress, {lang: folder / f"memory-{lang}.sqlite" for lang in config.languages},
                   version=_memory_version(config), started_ns=started_ns,
                   ours={name: stamp for source in changed for name, stamp in
                         known.get(source.id, {}).get("outputs", {}).items() if stamp is not None})
        planned_ui = _plan_everything(run, changed, staging, collections, hint.catalogs if hint is not None else None,
                                      plan_ui=not ui_current)
        if run.problems:
            raise PipelineError(run.problems)
        written = _put_in_place(config, staging, [(shown, temporary) for _, shown, temporary in planned_ui] +
                                [pair for source in changed for pair in run.planned[source.id].staged])
        run.remember(_written_units(config, run, planned_ui, written))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    root = str(config.root)
    for source in changed:
        result = run.planned[source.id]
        entries[source.id] = {"source": _settled(result.source, started_ns), "hash": result.digest,
                              "outputs": {name: _stat(os.path.join(root, name)) for name in result.outputs}}
    pot_path, po_paths = ui_paths(config)
    ui_outputs = [config.relative(pot_path)] + [config.relative(p) for p in po_paths.values()]
    entries[UI] = {"outputs": {name: _stat(os.path.join(root, name)) for name in ui_outputs}} if not ui_current \
        else known[UI]
    if session is not None:
        session.keep(config, sources, {"key": key, "articles": entries})
    else:
        write_json_atomic(cache_path, {"key": key, "articles": entries})
    return ExtractReport(written=tuple(written),
                         unchanged=sum(len(e["outputs"]) for e in entries.values()) - len(written))


def _plan_everything(run: _Run, changed: list[Source], staging: str, collections: list[str],
                     catalogs_changed: Iterable[str] | None = None, plan_ui: bool = True):
    """Plan the changed articles and (unless the caller knows them current) the ui catalogs with a
    current memory; the memory is brought up to date from the catalogs the plans read, and from any
    other catalog whose stamp changed (`catalogs_changed`, as shown, when the caller knows which may
    have; else every catalog is looked at)."""
    config = run.config
    info = catalogs.CatalogInfo(project=config.project, version=config.version, created=creation_time())
    stale, removed = {}, {}
    for lang, path in run.memory_paths.items():
        memory = open_memory(path, run.version)
        try:
            remembered_stamps = memory.stamps()
        finally:
            memory.close()
        on_disk = _catalog_stamps(config, lang) if catalogs_changed is None else \
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
            refusing = {lang: _Refusing() for lang in config.languages}
            again = run.plan(_Work(config, info, staging, refusing, all_stale, run.started_ns, _stamps_of(readers),
                                   run.ours), changed, 0, len(changed))
            _refresh(run, {lang: [s for s in found if s in all_stale and s not in run.seen]
                           for lang, found in stale.items()}, {})
            run.plan(_Work(config, info, staging, readers, frozenset(), run.started_ns, _stamps_of(readers),
                           run.ours), again, len(changed) - len(again), len(changed))
        else:
            run.plan(_Work(config, info, staging, readers, frozenset(), run.started_ns, _stamps_of(readers),
                           run.ours), changed, 0, len(changed))
        return _plan_ui(config, info, collections, readers, staging) if plan_ui else []
    finally:
        for reader in readers.values():
            reader.close()


def _stamps_of(memories: Mapping[str, TranslationMemory]) -> dict[str, str]:
    """Every catalog (as shown) the memories know, with the stamp they know it by."""
    return {shown: stamp for memory in memories.values() for shown, stamp in memory.stamps().items()}


def _refresh(run: _Run, stale: Mapping[str, Sequence[str]], removed: Mapping[str, Sequence[str]]) -> None:
    """Read the given catalogs into the memory (in parallel, in rounds) and forget the removed ones."""
    items = [(lang, shown) for lang, found in stale.items() for shown in sorted(found)]
    updates: dict[str, dict[str, tuple[str, tuple[Remembered, ...]]]] = {}
    for count, (lang, shown, stamp, units) in enumerate(imap_in_order(_remember_catalog, items, run.config, run.jobs), 1):
        updates.setdefault(lang, {})[shown] = (stamp, units)
        if count % BATCH == 0:
            run.remember(updates)
            updates = {}
    run.remember(updates)
    run.remember({}, removed)


def _plan_ui(config: Config, info: catalogs.CatalogInfo, collections: list[str],
             memories: Mapping[str, TranslationMemory], staging: str) -> list[tuple[tuple | None, str, str]]:
    """The ui template and catalogs, staged when they change: [(units or None, shown, staged file)]."""
    ui_pot = ui_template(config, info, collections)
    pot_path, po_paths = ui_paths(config)
    work = _Work(config, info, staging, memories, frozenset(), 0, _stamps_of(memories))
    planned = [_Output(pot_path, None, format_po(ui_pot))]
    problems = []
    for lang, path in po_paths.items():
        shown = config.relative(path)
        stamp, found = _read_text(path)
        try:
            old = parse_po(decode_po(found, shown), shown) if found is not None else None
        except PipelineError as error:
            problems.extend(error.diagnostics)
            continue
        merged = merged_catalog(config, ui_pot, old, lang, memories[lang], info)
        planned.append(_Output(path, found, format_po(merged), merged, old if _known(work, shown, stamp) else None))
    if problems:
        raise PipelineError(problems)
    staged, written = _stage_changed(work, planned)
    units_of = dict(written)
    return [(units_of.get(shown), shown, temporary) for shown, temporary in staged]


def _put_in_place(config: Config, staging: str, staged: Sequence[tuple[str, str]]) -> list[str]:
    """Move every staged file, once on disk, to its place (each replaced atomically); returns them,
    as shown."""
    if staged:
        flush_to_disk(staging, [temporary for _, temporary in staged])
    written, folders = [], set()
    for shown, temporary in staged:
        target = os.path.join(config.root, shown)
        folder = os.path.dirname(target)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        try:
            os.replace(temporary, target)
        except OSError:  # the cache folder is on another file system
            write_atomic(Path(target), Path(temporary).read_bytes())
        written.append(shown)
    return written


def _written_units(config: Config, run: _Run, planned_ui, written: list[str]):
    """What the memory learns from the catalogs this run wrote (their stamps as they are now)."""
    units = {shown: found for found, shown, _ in planned_ui if found is not None}
    units.update(pair for result in run.planned.values() for pair in result.written)
    updates: dict[str, dict[str, tuple[str, tuple[Remembered, ...] | Change]]] = {}
    locale = config.relative(config.locale_dir)
    for shown in written:
        if shown in units:
            stamp = _stamp_text(_stat(os.path.join(config.root, shown)))
            updates.setdefault(_language_of(locale, shown), {})[shown] = (stamp, units[shown])
    return updates


def _language_of(locale: str, shown: str) -> str:
    """The language folder of a catalog given as shown (`locale`/<lang>/LC_MESSAGES/…)."""
    return shown[len(locale) + 1:].split("/", 1)[0]


def _unchanged_entries(config: Config, sources: list[Source], known: Mapping[str, dict],
                       now_ns: int) -> tuple[dict[str, dict], list[Source]]:
    """The cache entries of the articles whose source and outputs are as the last run left them,
    and the articles to plan again. A source whose stamp changed is hashed: same content, same entry."""
    entries, changed = {}, []
    for source in sources:
        entry = known.get(source.id)
        if entry is None or not _outputs_current(config, entry):
            changed.append(source)
            continue
        if entry.get("source") is None or entry["source"] != source.stamp:
            try:
                data = Path(source.path).read_bytes()
            except OSError:
                data = None
            if data is None or hashlib.sha256(data).hexdigest() != entry.get("hash"):
                changed.append(source)
                continue
            entry = dict(entry, source=_settled(source.stamp, now_ns))
        entries[source.id] = entry
    return entries, changed


def _outputs_current(config: Config, entry: dict | None) -> bool:
    outputs = entry.get("outputs", {}) if entry else {}
    root = str(config.root)
    return bool(outputs) and all(_stat(f"{root}/{name}") == stamp for name, stamp in outputs.items())  # names: relative


def _extract_key(config: Config, collections: list[str]) -> str:
    """What every catalog depends on beyond its own article: the code, the configuration, the
    templates (for ui.pot) and the list of collections."""
    digest = hashlib.sha256(f"{code_fingerprint()}\n{config!r}\n".encode())
    for template in sorted(config.templates_dir.rglob("*")) if config.templates_dir.is_dir() else ():
        if template.suffix in (".html", ".xml") and template.is_file():
            digest.update(template.read_bytes())
    digest.update(repr(collections).encode())
    return digest.hexdigest()


def _memory_version(config: Config) -> str:
    """What the memory's content depends on: where the catalogs are, and the code that reads them
    (a change elsewhere in the pipeline does not make the memory read 10,000 catalogs again)."""
    digest = hashlib.sha256(str(config.locale_dir).encode())
    for module in ("memory.py", "po.py", "model.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
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
