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
to disk with one syncfs, and renamed into place once every article has been planned. A catalog only
replaces the version its plan read (`files.replace_unchanged`: compare and swap in one atomic
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
from pipeline.build import (Progress, _no_progress, article_id_of, article_segments, changed_files,
                            code_fingerprint, creation_time, reserved_id_diagnostic, target_languages, ui_paths)
from pipeline.config import Config
from pipeline.content import Article, decode_source, parse_article
from pipeline.errors import PipelineError
from pipeline.files import (Replaced, digest as content_digest, flush_to_disk, named, read_json, read_when_quiet,
                            replace_unchanged, write_atomic, write_json_atomic)
from pipeline.locales import language_name
from pipeline.markdown import Parser
from pipeline.memory import Change, Remembered, TranslationMemory, change, open_memory, remembered
from pipeline.model import Catalog, Diagnostic, Message
from pipeline.parallel import imap_in_order
from pipeline.po import Written, decode_po, format_po, parse_po, written_entries

RACY_NS = 100_000_000  # a file modified this close to a run may change again within the same mtime tick
REREADS = 5  # a catalog that does not parse is read again this many times while a save is being written
REREAD_PAUSE = 0.05  # seconds before reading a catalog that did not parse again, where leases are not granted
MERGES = 200  # saves of one catalog merged in one run before giving up on it (its last save stays as it is)
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
    existing = catalogs.with_header(existing, pot, lang, language_name(lang), info)  # a deleted header comes back
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
    files left out), in the order of their paths, and an error for each id used twice or taken by
    a page the build writes (`build.article_id_problem`)."""
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
            elif relative and article_id_of(inner) is not None and entry.is_file():
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
        reserved = reserved_id_diagnostic(config.relative(Path(source.path)), source.id, config.languages)
        if reserved is not None:
            problems.append(reserved)
            continue
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
    staged: tuple[_Staged, ...] = ()  # the outputs that change
    kept: tuple[tuple[str, Stamp | None], ...] = ()  # the outputs that do not: (shown, stamp as read)
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
                                            found.catalog if _known(work, found.shown, found.stamp) else None,
                                            found.stamp))
        planned = [_Output(_template_path(config, article.id), None, format_po(pot, wrapped)), *catalogs_planned]
    except PipelineError as error:
        return _Planned(source.id, problems=tuple(error.diagnostics), seen=tuple(seen))
    except _MemoryNeeded:
        return _Planned(source.id, needs_memory=True, seen=tuple(seen))
    staged, written, kept = _stage_changed(work, planned)
    return _Planned(source.id, source=stamp, digest=digest, outputs=tuple(config.relative(o.path) for o in planned),
                    staged=staged, kept=kept, seen=tuple(seen), written=written)


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
    stamp, data, text, catalog = _read_catalog(path, shown)
    if catalog is None:
        return _Existing(path, shown, None, None, None, {})
    ours = stamp is not None and work.ours.get(shown) == stamp
    return _Existing(path, shown, stamp, data, catalog, written_entries(catalog, text) if ours else {})


def _read_catalog(path: Path, shown: str) -> tuple[Stamp | None, bytes | None, str, Catalog | None]:
    """A catalog's stamp, bytes, text and value (None, None, "", None when it is missing). One that
    does not parse may have been read halfway through a save written in place: it is read again
    once nobody writes it, and reported (a PipelineError) only when it stays the same, broken."""
    stamp, data = _read_text(path)
    for attempt in range(REREADS):
        if data is None:
            return None, None, "", None
        try:
            text = decode_po(data, shown)
            return stamp, data, text, parse_po(text, shown)
        except PipelineError:
            again = _read_again(path, data)
            if again is None or attempt + 1 == REREADS:
                raise
            stamp, data = again.stamp, again.data
    raise AssertionError("unreachable")


def _read_again(path: Path, data: bytes):
    """The file read again once no program writes it, or None when it still holds `data` (where
    that cannot be known, after a pause)."""
    again = read_when_quiet(str(path))
    if again.data == data and not again.quiet and not again.busy:
        time.sleep(REREAD_PAUSE)
        again = read_when_quiet(str(path))
    return None if again.data == data or again.busy else again


@dataclass(frozen=True)
class _Output:
    """A file a plan wants: its path, what it holds now (None: missing, or not read), the planned
    text, and for a catalog its merged value and the old one when the memory knows that as it is."""

    path: Path
    old: bytes | None
    text: str
    merged: Catalog | None = None
    known: Catalog | None = None
    stamp: Stamp | None = None  # of the file as read (taken before reading it)


@dataclass(frozen=True)
class _Staged:
    """A file staged to replace an output. A catalog says what its plan read (the digest of its
    content and its stamp; None: there was none) and the template it merged that with, so that a save
    made since can be merged in turn."""

    shown: str
    temporary: str
    catalog: bool = False
    expected: str | None = None
    seen: Stamp | None = None
    template: str = ""


def _known(work: _Work, shown: str, stamp: Stamp | None) -> bool:
    """Whether the memory holds the units of this catalog (as shown) as it was read (with this stamp)."""
    text = _stamp_text(stamp)
    return bool(text) and work.known.get(shown) == text


def _stage_changed(work: _Work, planned: Sequence[_Output]):
    """Write the planned texts (a template, then its catalogs) that differ from the files (not only in
    their dates) into the staging folder; what each staged catalog changes in the memory is applied
    once it is in place. Returns the staged files, those changes, and the outputs left as they are."""
    staged, written, kept = [], [], []
    template = planned[0].text
    for output in planned:
        old, stamp = output.old, output.stamp
        if old is None and output.path.suffix == ".pot":
            stamp, old = _read_text(output.path)
        if old is not None and catalogs.content_equal(old.decode("utf-8", "replace"), output.text):
            kept.append((work.config.relative(output.path), stamp))
            continue
        shown = work.config.relative(output.path)
        temporary = os.path.join(work.staging, shown.replace("/", "%"))
        try:
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            os.fchmod(handle, 0o644)
            with os.fdopen(handle, "wb") as stream:
                stream.write(output.text.encode("utf-8"))
        except OSError as error:  # a full disk: the line shown names the catalog, not the staged copy
            raise named(error, output.path)
        if output.merged is None:
            staged.append(_Staged(shown, temporary))
            continue
        staged.append(_Staged(shown, temporary, catalog=True, seen=output.stamp, template=template,
                              expected=content_digest(old) if old is not None else None))
        written.append((shown, change(output.known, output.merged) if output.known is not None
                        else remembered(output.merged)))
    return tuple(staged), tuple(written), tuple(kept)


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
    merged: tuple[str, ...] = ()  # a catalog for each save made during the run and merged into it
    raced: tuple[str, ...] = ()  # those saves that landed between the check and the swap


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
        plans = ([planned_ui] if planned_ui is not None else []) + [run.planned[source.id] for source in changed]
        placed, problems = _put_in_place(run, staging, [item for plan in plans for item in plan.staged])
        run.remember(_written_units(config, plans, placed))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    stamps = {item.shown: item.stamp for item in placed}
    for source in changed:
        result = run.planned[source.id]
        entries[source.id] = {"source": _settled(result.source, started_ns), "hash": result.digest,
                              "outputs": _output_stamps(result, stamps)}
    entries[UI] = {"outputs": _output_stamps(planned_ui, stamps)} if planned_ui is not None else known[UI]
    if session is not None:
        session.keep(config, sources, {"key": key, "articles": entries})
    else:
        write_json_atomic(cache_path, {"key": key, "articles": entries})
    if problems:
        raise PipelineError(problems)
    written = [item.shown for item in placed if item.written]
    return ExtractReport(written=tuple(written),
                         unchanged=sum(len(e["outputs"]) for e in entries.values()) - len(written),
                         merged=tuple(item.shown for item in placed for _ in range(item.saves)),
                         raced=tuple(item.shown for item in placed for _ in range(item.raced)))


def _output_stamps(plan: _Planned, placed: Mapping[str, Stamp | None]) -> dict[str, Stamp | None]:
    """The stamps of a plan's outputs as this run left them: as placed, or as read when unchanged
    (None for one not placed: the next run looks at it again)."""
    kept = dict(plan.kept)
    return {name: placed[name] if name in placed else kept.get(name) for name in plan.outputs}


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
        return _plan_ui(config, info, collections, readers, staging) if plan_ui else None
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
             memories: Mapping[str, TranslationMemory], staging: str) -> _Planned:
    """The ui template and catalogs, staged when they change."""
    ui_pot = ui_template(config, info, collections)
    pot_path, po_paths = ui_paths(config)
    work = _Work(config, info, staging, memories, frozenset(), 0, _stamps_of(memories))
    planned = [_Output(pot_path, None, format_po(ui_pot))]
    problems = []
    for lang, path in po_paths.items():
        shown = config.relative(path)
        try:
            stamp, found, _, old = _read_catalog(path, shown)
        except PipelineError as error:
            problems.extend(error.diagnostics)
            continue
        merged = merged_catalog(config, ui_pot, old, lang, memories[lang], info)
        planned.append(_Output(path, found, format_po(merged), merged, old if _known(work, shown, stamp) else None,
                               stamp))
    if problems:
        raise PipelineError(problems)
    staged, written, kept = _stage_changed(work, planned)
    return _Planned(UI, outputs=tuple(config.relative(o.path) for o in planned), staged=staged, kept=kept,
                    written=written)


@dataclass(frozen=True)
class _Placed:
    """An output as this run left it, and its stamp then. For a catalog that translators saved during
    the run: how many saves were merged into it (`raced`: of those, how many only the atomic exchange
    caught: landed between the check and the swap, or over ours while it stood in place), the
    catalog it holds, and whether this run wrote it (False: the last save already held the merge)."""

    shown: str
    stamp: Stamp | None
    merged: Catalog | None = None
    saves: int = 0
    raced: int = 0
    written: bool = True


def _put_in_place(run: _Run, staging: str, staged: Sequence[_Staged]) -> tuple[list[_Placed], list[Diagnostic]]:
    """Move every staged file, once on disk, to its place (each replaced atomically). A catalog only
    replaces the version its plan read (`_place_catalog`); one a translator has since saved with a
    syntax error is reported (and stays as saved) while the others are put in place."""
    if staged:
        flush_to_disk(staging, [item.temporary for item in staged])
    placed, problems, folders = [], [], set()
    memories = {lang: TranslationMemory(path, readonly=True) for lang, path in run.memory_paths.items()}
    try:  # (a memory opens on first use: when a save must be merged)
        for item in staged:
            target = os.path.join(run.config.root, item.shown)
            folder = os.path.dirname(target)
            if folder not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            if not item.catalog:
                placed.append(_Placed(item.shown, _replace(item.temporary, target)))
                continue
            try:
                placed.append(_place_catalog(run.config, item, memories, staging))
            except PipelineError as error:
                problems.extend(error.diagnostics)
    finally:
        for memory in memories.values():
            memory.close()
    return placed, problems


def _replace(temporary: str, target: str) -> Stamp | None:
    """Rename a staged file over its target; the stamp of the file put in place."""
    stamp = _stat(temporary)
    try:
        os.replace(temporary, target)
    except OSError:  # the cache folder is on another file system
        write_atomic(Path(target), Path(temporary).read_bytes())
        stamp = _stat(target)
    return stamp


def _place_catalog(config: Config, item: _Staged, memories: Mapping[str, TranslationMemory], staging: str) -> _Placed:
    """Put a staged catalog in place, but only over the version its plan read; when a translator has
    saved the catalog since, merge the save in first (`_merge_saves`)."""
    target = os.path.join(config.root, item.shown)
    result = replace_unchanged(item.temporary, target, item.expected, item.seen)
    if result.placed:
        return _Placed(item.shown, result.stamp)
    language = _language_of(config.relative(config.locale_dir), item.shown)
    merging = _Merging(config, item.shown, target, staging, parse_po(item.template, item.shown), language,
                       memories[language])
    planned = parse_po(Path(item.temporary).read_text(encoding="utf-8"), item.shown)  # what the plan read, merged
    return _merge_saves(merging, item, result, planned)


@dataclass(frozen=True)
class _Merging:
    """What merging translators' saves into one catalog needs: where it is, and the template and
    memory its plan merged the catalog with."""

    config: Config
    shown: str
    target: str
    staging: str
    template: Catalog
    language: str
    memory: TranslationMemory

    def brought(self, data: bytes) -> Catalog:
        """A saved catalog merged with the template as the plan merged the one it read (a
        PipelineError when it does not parse), as it reads once written."""
        info = catalogs.CatalogInfo(project=self.config.project, version=self.config.version, created=creation_time())
        merged = merged_catalog(self.config, self.template, parse_po(decode_po(data, self.shown), self.shown),
                                self.language, self.memory, info)
        return parse_po(format_po(merged), self.shown)


def _merge_saves(merging: _Merging, item: _Staged, result: Replaced, planned: Catalog) -> _Placed:
    """A catalog whose plan found it saved since it was read: their save and ours are merged
    (`catalogs.merge_saved`: what they changed is theirs, the rest ours, both merged with the template)
    and the merge is put in place over their save, until a swap finds the save it expected (a save
    landing meanwhile is merged in turn). A save that does not parse is read again a few times (it
    may have been read halfway through being written), then reported, and stays as saved."""
    base = ours = planned  # base: what the swap expects to replace, merged with the template
    temporary, expected = item.temporary, item.expected  # ours as staged, what the swap expects (its digest)
    saves = raced = rereads = rounds = 0
    carried = False  # whether ours holds a save that is no longer on disk
    while not result.placed:
        rounds += 1
        if result.busy:
            raise _unmerged(merging, [Diagnostic(merging.shown, 0, "catalog-open", "a program keeps the catalog "
                                                 "open for writing: extraction left it as it is",
                                                 hint="close it in your editor and run `pipeline extract` again")],
                            format_po(ours).encode() if carried else None, result.overwritten)
        if saves > MERGES:
            raise _unmerged(merging, [Diagnostic(merging.shown, 0, "saved-meanwhile",
                                                 f"the catalog was saved {saves} times while extraction merged it",
                                                 hint="run `pipeline extract` again")],
                            format_po(ours).encode() if carried else None, result.overwritten)
        try:
            theirs = merging.brought(result.found) if result.found is not None else None
            if result.overwritten is not None:  # saved over ours in the instant it stood there: the latest save
                overwriting = merging.brought(result.overwritten)
        except PipelineError as error:
            if result.overwritten is None and rereads < REREADS and _read_again(Path(merging.target), result.found):
                rereads += 1
                result = replace_unchanged(temporary, merging.target, expected)
                continue  # it was being written: look again
            raise _unmerged(merging, error.diagnostics, format_po(ours).encode() if carried else None,
                            result.overwritten)
        merged = ours if theirs is None else catalogs.merge_saved(base, theirs, ours)
        if result.overwritten is not None:
            merged = catalogs.merge_saved(ours, overwriting, merged)
        saves += (theirs is not None) + (result.overwritten is not None)
        raced += result.undone + (result.overwritten is not None)
        carried = carried or result.overwritten is not None
        text = format_po(merged)
        if theirs is not None and catalogs.content_equal(result.found.decode("utf-8", "replace"), text):
            return _Placed(merging.shown, result.stamp, merged, saves, raced, written=False)  # the save holds it all
        base, ours = theirs if theirs is not None else ours, parse_po(text, merging.shown)
        expected = content_digest(result.found) if result.found is not None else None  # None: it was removed
        temporary = _stage_again(merging, text, rounds)
        result = replace_unchanged(temporary, merging.target, expected, result.stamp)
    return _Placed(merging.shown, result.stamp, ours, saves, raced)


def _unmerged(merging: _Merging, diagnostics: Sequence[Diagnostic], *saves: bytes | None) -> PipelineError:
    """What stops merging saves into a catalog (the last save stays in place as it was saved); the
    saves that are no longer on disk (None: none) are kept in the cache folder, and named."""
    config, kept = merging.config, list(diagnostics)
    folder = config.root / ".cache" / "pipeline" / "unmerged"
    for number, data in enumerate(saves):
        if data is not None:
            path = folder / f"{merging.shown.replace('/', '%')}.{time.time_ns()}.{number}"
            write_atomic(path, data)
            kept.append(Diagnostic(merging.shown, 0, "save-unmerged", "a save made during the extraction and no "
                                   f"longer in place is kept as {config.relative(path)}", hint="merge it by hand"))
    return PipelineError(kept)


def _stage_again(merging: _Merging, text: str, attempt: int) -> str:
    """A merged catalog staged (durably) to be put in place."""
    temporary = os.path.join(merging.staging, f"{merging.shown.replace('/', '%')}~{attempt}")
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.fchmod(handle, 0o644)
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as error:
        raise named(error, merging.target)
    return temporary


def _written_units(config: Config, plans: Iterable[_Planned], placed: Iterable[_Placed]):
    """What the memory learns from the catalogs this run left in place, with the stamps they were
    placed with: the units planned, or those of the merge that saves made meanwhile went into."""
    units = {shown: found for plan in plans for shown, found in plan.written}
    updates: dict[str, dict[str, tuple[str, tuple[Remembered, ...] | Change]]] = {}
    locale = config.relative(config.locale_dir)
    for item in placed:
        found = remembered(item.merged) if item.merged is not None else units.get(item.shown)
        if found is not None:
            updates.setdefault(_language_of(locale, item.shown), {})[item.shown] = (_stamp_text(item.stamp), found)
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
