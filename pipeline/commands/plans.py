"""Planning one article's catalogs, in a worker process: its template made from its units, each of
its catalogs read (again, if a save was caught halfway) and merged with it like `msgmerge
--previous` (new units filled from the translation memory), and the files that change written to
the staging folder with what they were made from, so that `placing` puts them in place only over
the version read. A plan is a pure function of the article, its catalogs and the memory."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from pipeline import catalog as catalogs
from pipeline.config import Config
from pipeline.content import decode_source, parse_article
from pipeline.disk.files import named
from pipeline.disk.layout import catalog_path, target_languages, template_path, ui_paths
from pipeline.disk.project import Source, find_articles, read_templates
from pipeline.disk.saves import digest as content_digest, read_when_quiet
from pipeline.disk.scan import Stamp, read_regular, stamp as file_stamp
from pipeline.engine.contents import Standing
from pipeline.engine.stamps import RACY_NS
from pipeline.errors import PipelineError
from pipeline.markdown import Parser
from pipeline.disk.memory import Change, Remembered, TranslationMemory, change, remembered
from pipeline.model import Catalog, Diagnostic, Message
from pipeline.po import Written, decode_po, format_po, parse_po, written_entries
from pipeline.tags import tag_label, tags_of

REREADS = 5  # a catalog that does not parse is read again this many times while a save is being written
REREAD_PAUSE = 0.05  # seconds before reading a catalog that did not parse again, where leases are not granted
UI = ""  # the plan of the ui catalogs, and their entry in the extraction's cache


def stamp_text(stamp: Stamp | None, now_ns: int | None = None) -> str:
    """A catalog's stamp as the memory keeps it; "" (never equal to a real one) for a missing file,
    or for one modified so recently that it could still change unseen."""
    if stamp is None or (now_ns is not None and stamp[1] >= now_ns - RACY_NS):
        return ""
    return f"{stamp[0]}:{stamp[1]}:{stamp[2]}"


def read_text(path: Path) -> tuple[Stamp | None, bytes | None]:
    """A file's stamp (taken first) and bytes, or (None, None) when it is missing."""
    stamp = file_stamp(str(path))
    if stamp is None:
        return None, None
    try:
        return stamp, read_regular(path)
    except FileNotFoundError:
        return None, None


class MemoryNeeded(Exception):
    pass


class Refusing:
    """Stands in for a translation memory that is not yet current: any lookup stops the plan."""

    def exact(self, msgctxt: str | None, msgid: str) -> str | None:
        raise MemoryNeeded

    def closest(self, msgid: str) -> Remembered | None:
        raise MemoryNeeded


@dataclass(frozen=True)
class PlanWork:
    """What every plan needs: inherited by forked workers, never sent."""

    config: Config
    info: catalogs.CatalogInfo
    staging: str
    memories: Mapping[str, TranslationMemory | Refusing]
    stale: frozenset[str]  # catalogs (as shown) the memory has not seen as they are: report what they hold
    started_ns: int
    known: Mapping[str, str] = field(default_factory=dict)  # catalog (as shown) → its stamp in the memory
    ours: Mapping[str, Stamp] = field(default_factory=dict)  # output (as shown) → its stamp when last written
    standing: Standing = field(default_factory=lambda: Standing({}))  # stamps as runs know them (`engine.contents`)
    parser: Parser = field(default_factory=Parser)  # each worker process uses its own copy


@dataclass(frozen=True)
class Planned:
    """What planning one article found: files staged to replace outputs, the memory's refreshes."""

    id: str
    source: Stamp | None = None
    digest: str = ""
    outputs: tuple[str, ...] = ()  # every output, as shown
    staged: tuple[Staged, ...] = ()  # the outputs that change
    kept: tuple[tuple[str, Stamp | None], ...] = ()  # the outputs that do not: (shown, stamp as read)
    seen: tuple[tuple[str, str, tuple[Remembered, ...]], ...] = ()  # stale catalogs read: (shown, stamp, units)
    written: tuple[tuple[str, tuple[Remembered, ...] | Change], ...] = ()  # staged catalogs: (shown, units)
    needs_memory: bool = False
    problems: tuple[Diagnostic, ...] = ()
    tags: tuple[str, ...] = ()  # the slugs of the article's tags (ui.pot has every tag's label); the ui's: all


def plan_article(work: PlanWork, source: Source) -> Planned:
    config = work.config
    path = Path(source.path)
    shown = config.relative(path)
    stamp, data = read_text(path)
    stamp = work.standing.of(source.path, stamp)
    if data is None:
        return Planned(source.id, problems=(Diagnostic(shown, 1, "missing", "the file disappeared while reading"),))
    digest = hashlib.sha256(data).hexdigest()
    seen: list[tuple[str, str, tuple[Remembered, ...]]] = []
    try:
        article = parse_article(decode_source(data, shown), source.id, shown, config.default_language)
        pot = catalogs.article_template(config, article, work.info, work.parser)
        existing, problems = {}, []
        for lang in target_languages(config, article):
            try:
                found = existing[lang] = _read_existing(work, lang, article.id)
            except PipelineError as error:
                problems.extend(error.diagnostics)
                continue
            if found.shown in work.stale:
                units = remembered(found.catalog) if found.catalog is not None else ()
                seen.append((found.shown, stamp_text(found.stamp, work.started_ns), units))
        if problems:
            raise PipelineError(problems)
        # The template and its catalogs wrap the same msgids. The catalogs are written first: most
        # of their entries stand as this extraction last wrote them, and lend the template their lines.
        wrapped: dict = {}
        catalogs_planned = []
        for lang, found in existing.items():
            merged = catalogs.merged_catalog(pot, found.catalog, lang, work.memories[lang], work.info)
            catalogs_planned.append(_Output(found.path, found.data, format_po(merged, wrapped, found.written, config.po_wrap), merged,
                                            found.catalog if _known(work, found.shown, found.stamp) else None,
                                            found.stamp))
        planned = [_Output(template_path(config, article.id), None, format_po(pot, wrapped, width=config.po_wrap)), *catalogs_planned]
    except PipelineError as error:
        return Planned(source.id, problems=tuple(error.diagnostics), seen=tuple(seen))
    except MemoryNeeded:
        return Planned(source.id, needs_memory=True, seen=tuple(seen))
    staged, written, kept = _stage_changed(work, planned)
    return Planned(source.id, source=stamp, digest=digest, outputs=tuple(config.relative(o.path) for o in planned),
                    staged=staged, kept=kept, seen=tuple(seen), written=written, tags=tags_of(article.metadata))


@dataclass(frozen=True)
class _Existing:
    """A catalog as a plan found it: None for a missing file."""

    path: Path
    shown: str
    stamp: Stamp | None
    data: bytes | None
    catalog: Catalog | None
    written: Written  # the text of each entry, when this extraction wrote the file as it is


def _read_existing(work: PlanWork, lang: str, article_id: str) -> _Existing:
    """One catalog of an article, read and parsed (a PipelineError when it does not parse)."""
    path = catalog_path(work.config, lang, article_id)
    shown = work.config.relative(path)
    stamp, data, text, catalog = read_catalog_with_saves(path, shown)
    stamp = work.standing.of(str(path), stamp)
    if catalog is None:
        return _Existing(path, shown, None, None, None, {})
    ours = stamp is not None and work.ours.get(shown) == stamp
    return _Existing(path, shown, stamp, data, catalog, written_entries(catalog, text) if ours else {})


def read_catalog_with_saves(path: Path, shown: str) -> tuple[Stamp | None, bytes | None, str, Catalog | None]:
    """A catalog's stamp, bytes, text and value (None, None, "", None when it is missing). One that
    does not parse may have been read halfway through a save written in place: it is read again
    once nobody writes it, and reported (a PipelineError) only when it stays the same, broken."""
    stamp, data = read_text(path)
    for attempt in range(REREADS):
        if data is None:
            return None, None, "", None
        try:
            text = decode_po(data, shown)
            return stamp, data, text, parse_po(text, shown)
        except PipelineError:
            again = read_again(path, data)
            if again is None or attempt + 1 == REREADS:
                raise
            stamp, data = again.stamp, again.data
    raise AssertionError("unreachable")


def read_again(path: Path, data: bytes):
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
class Staged:
    """A file staged to replace an output. A catalog says what its plan read (the digest of its
    content and its stamp; None: there was none) and the template it merged that with, so that a save
    made since can be merged in turn."""

    shown: str
    temporary: str
    catalog: bool = False
    expected: str | None = None
    seen: Stamp | None = None
    template: str = ""


def _known(work: PlanWork, shown: str, stamp: Stamp | None) -> bool:
    """Whether the memory holds the units of this catalog (as shown) as it was read (with this stamp)."""
    text = stamp_text(stamp)
    return bool(text) and work.known.get(shown) == text


def _stage_changed(work: PlanWork, planned: Sequence[_Output]):
    """Write the planned texts (a template, then its catalogs) that differ from the files (not only in
    their dates) into the staging folder; what each staged catalog changes in the memory is applied
    once it is in place. Returns the staged files, those changes, and the outputs left as they are."""
    staged, written, kept = [], [], []
    template = planned[0].text
    for output in planned:
        old, stamp = output.old, output.stamp
        if old is None and output.path.suffix == ".pot":
            stamp, old = read_text(output.path)
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
            staged.append(Staged(shown, temporary))
            continue
        staged.append(Staged(shown, temporary, catalog=True, seen=output.stamp, template=template,
                              expected=content_digest(old) if old is not None else None))
        written.append((shown, change(output.known, output.merged) if output.known is not None
                        else remembered(output.merged)))
    return tuple(staged), tuple(written), tuple(kept)


def memory_stamps(memories: Mapping[str, TranslationMemory]) -> dict[str, str]:
    """Every catalog (as shown) the memories know, with the stamp they know it by."""
    return {shown: stamp for memory in memories.values() for shown, stamp in memory.stamps().items()}


def collections_of(config: Config, sources: Iterable[Source]) -> list[str]:
    return sorted({s.id.split("/", 1)[0] for s in sources} | set(config.collections))


def ui_template(config: Config, info: catalogs.CatalogInfo, collections: Iterable[str] | None = None,
                tags: Iterable[str] = ()) -> Catalog:
    """ui.pot: every string of the templates, plus the site name, collection labels, the labels of the
    configured translated front-matter keys (`pagedata.data_labels`) and the labels of the `tags`
    (slugs) of the articles."""
    from pipeline.pages import collection_label
    from pipeline.pagedata import data_labels
    from pipeline.render import ui_messages

    if collections is None:
        collections = collections_of(config, find_articles(config).articles)
    entries: dict[str, list[str]] = {}
    comments: dict[str, list[str]] = {}
    templates = read_templates(config)
    for name, line, text in ui_messages(templates):
        entries.setdefault(text, []).append(f"{templates.folder}/{name}:{line}")
    for text, comment in [(config.site_name, "site name (pyproject.toml: site_name)")] + [
            (collection_label(c), f"collection name: {c}") for c in collections] + [
            (label, "label of a front-matter key in the article pages") for label in data_labels(config)] + [
            (tag_label(slug), f"tag: {slug}") for slug in sorted(tags)]:
        entries.setdefault(text, [])
        if comment not in comments.setdefault(text, []):
            comments[text].append(comment)
    messages = tuple(
        Message(msgid=text, references=tuple(refs), extracted_comments=tuple(comments.get(text, ())))
        for text, refs in entries.items())
    return Catalog(header=catalogs.template_header("the site interface", templates.folder, info), messages=messages)


def plan_ui(config: Config, info: catalogs.CatalogInfo, collections: list[str], tags: tuple[str, ...],
             memories: Mapping[str, TranslationMemory], staging: str) -> Planned:
    """The ui template and catalogs, staged when they change (their plan is known as UI); `tags`: the
    slugs of every article's tags."""
    ui_pot = ui_template(config, info, collections, tags)
    pot_path, po_paths = ui_paths(config)
    work = PlanWork(config, info, staging, memories, frozenset(), 0, memory_stamps(memories))
    planned = [_Output(pot_path, None, format_po(ui_pot, width=config.po_wrap))]
    problems = []
    for lang, path in po_paths.items():
        shown = config.relative(path)
        try:
            stamp, found, _, old = read_catalog_with_saves(path, shown)
        except PipelineError as error:
            problems.extend(error.diagnostics)
            continue
        merged = catalogs.merged_catalog(ui_pot, old, lang, memories[lang], info)
        planned.append(_Output(path, found, format_po(merged, width=config.po_wrap), merged, old if _known(work, shown, stamp) else None,
                               stamp))
    if problems:
        raise PipelineError(problems)
    staged, written, kept = _stage_changed(work, planned)
    return Planned(UI, outputs=tuple(config.relative(o.path) for o in planned), staged=staged, kept=kept,
                    written=written, tags=tags)
