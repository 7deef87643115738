"""`pipeline build`: publish the site, redoing only what changed since the last build.

1. Stamp every input file (content/, the catalogs, the templates) in one walk.
2. Per article, its facts (`site.ArticleFacts`: date, how far each language is translated, the
   findings of its catalogs), reused while the article file and its catalogs keep their stamps.
3. Decide which pages are published (`site.availability`).
4. Per article, its pages, reused while its facts, its published languages, what its links point
   at and the image files it showed are unchanged and the live site still holds them; otherwise
   rendered again, several articles at once.
5. Lists, feeds and the sitemap from every article's entries, each rendered again only when what
   it shows changed.
6. The site (and the Markdown export) brought up to date beside the live tree, then swapped in.

The cache (`.cache/pipeline/build/`) only saves work: it is keyed on the pipeline's own code and
the configuration, and a build without it gives the same bytes. After a successful build, the next
one with the same settings compares the new walk with the stamps that build left, and reads again
only the articles whose files changed (as `pipeline serve`, told by its file watcher, does)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import marshal
import os
import pickle
import stat as stat_module
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from pipeline import build, catalog as catalogs
from pipeline.build import (Progress, _no_progress, article_id_of, catalog_path, changed_files, code_fingerprint,
                            read_catalog)
from pipeline.checks import check_article_body, check_catalog
from pipeline.config import Config
from pipeline.content import check_front_matter, decode_source, parse_article
from pipeline.errors import PipelineError
from pipeline.export import export_markdown
from pipeline.files import (OUTPUT_MARKER, InPlaceUpdate, Manifest, Stamp, TreeUpdate, is_output_tree, named,
                            scan_stamps, spare_of, stamp, tree_lock, write_atomic)
from pipeline.model import Diagnostic
from pipeline.parallel import imap_in_order
from pipeline.site import (ArticleFacts, ArticlePages, BuildOptions, Coverage, Entry, HeldBack, Links,
                           PageContext, SourceArticle, Tools, article_pages, availability, index_pages, is_visible,
                           languages_of, prepare, published_languages, visible_collections)

RACY_NS = 100_000_000  # a file changed this close to the build's start may change again unseen
SPECULATE = 20  # pages are rendered while reading when at least one article in this many is read anew


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


# --- what is cached ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PagesRecord:
    """An article's rendered pages as digests, with what they depended on."""

    langs: tuple[str, ...]
    collections: tuple[str, ...]
    links: tuple[tuple[str, str | None, tuple[str, ...]], ...]  # link target, article id, its languages
    seen: tuple[tuple[str, Stamp | None], ...]  # image files looked at
    files: tuple[tuple[str, str], ...]  # site path → digest
    entries: tuple[Entry, ...]
    assets: tuple[tuple[str, str], ...]  # site path → source file
    exports: tuple[tuple[str, str], ...] | None  # Markdown path → digest; None when not exported
    notes: tuple[Diagnostic, ...]  # what the Markdown export could not place


@dataclass(frozen=True)
class ArticleRecord:
    inputs: tuple | None  # stamps of the article and its catalogs; None when too recent to trust
    facts: ArticleFacts
    pages: PagesRecord | None = None


@dataclass
class State:
    """Everything the last builds left for the next one, for the current code and configuration
    (`facts_key`) and templates (`pages_key`): records made under other keys are not loaded."""

    facts_key: str
    pages_key: str
    version: str  # `_cache_version()`: of the code that wrote it
    articles: dict[str, ArticleRecord] = dataclasses.field(default_factory=dict)
    indexes: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)  # path → (inputs, digest)
    trees: dict[str, dict] = dataclasses.field(default_factory=dict)  # folder → live/spare stamp and manifest
    packed: dict[str, tuple[ArticleRecord, tuple]] = dataclasses.field(default_factory=dict)  # as read
    generation: str = ""  # new each time the state is saved, by whichever build or session saves it


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
    paths: tuple[dict[str, str], list[Diagnostic]] | None = None
    published: tuple[Links, tuple[str, ...]] | None = None
    generation: str = ""


def _cache_folder(config: Config) -> Path:
    return config.root / ".cache" / "pipeline"


def _load(path: Path, version: str):
    """A cache file's value, or None when it is missing, unreadable or written by other code
    (`version`: `_cache_version()` of this code)."""
    try:
        found, value = pickle.loads(path.read_bytes())
    except Exception:  # a cache is only a shortcut: any problem reading it means starting afresh
        return None
    return value if found == version else None


def _save(path: Path, value: object, version: str) -> None:
    write_atomic(path, pickle.dumps((version, value), protocol=pickle.HIGHEST_PROTOCOL), durable=False)


SHARDS = 64  # article records are kept in this many files: a small change rewrites one or two


def _shard(article_id: str) -> int:
    return zlib.crc32(article_id.encode()) % SHARDS


def _load_state(config: Config, facts_key: str, pages_key: str, version: str) -> State:
    folder = _cache_folder(config) / "build"
    found = _load(folder / "site.pickle", version)
    state = State(facts_key, pages_key, version)
    if isinstance(found, tuple):
        indexes_key, indexes, trees, state.generation = found
        state.trees = {folder: _unpacked_tree(known) for folder, known in trees.items()}
        state.indexes = indexes if indexes_key == pages_key else {}
    for number in range(SHARDS):
        shard = _load(folder / f"articles-{number:02d}.pickle", version)
        if not isinstance(shard, tuple) or shard[0] != facts_key:
            continue
        for article_id, packed in shard[2].items():
            record = _unpack(packed)
            if shard[1] != pages_key:
                record = dataclasses.replace(record, pages=None)
            state.articles[article_id] = record
            state.packed[article_id] = (record, packed)
    return state


def _save_state(config: Config, state: State) -> None:
    """Write the shards holding a changed record, then what the site as a whole looked like."""
    folder = _cache_folder(config) / "build"
    shards: list[dict[str, tuple]] = [{} for _ in range(SHARDS)]
    changed = set()
    for article_id, record in state.articles.items():
        read, packed = state.packed.get(article_id, (None, None))
        number = _shard(article_id)
        if read is not record:
            changed.add(number)
            packed = _pack(record)
        shards[number][article_id] = packed
    changed |= {_shard(article_id) for article_id in state.packed if article_id not in state.articles}
    for number in sorted(changed):
        _save(folder / f"articles-{number:02d}.pickle", (state.facts_key, state.pages_key, shards[number]),
              state.version)
    trees = {folder: _packed_tree(known) for folder, known in state.trees.items()}
    state.generation = os.urandom(16).hex()
    _save(folder / "site.pickle", (state.pages_key, state.indexes, trees, state.generation), state.version)


# An output folder's spare is the folder as the build before the last left it: it is kept as its
# difference from the live folder's manifest (path → the spare's digest, None where it has no file).

def _packed_tree(known: dict) -> dict:
    live, spare = known["manifest"], known["spare"]
    if spare is None:
        return known
    return {**known, "spare": {path: spare.get(path) for path, _ in live.items() ^ spare.items()}}


def _unpacked_tree(packed: dict) -> dict:
    difference = packed["spare"]
    if difference is None:
        return packed
    spare = dict(packed["manifest"])
    for path, digest in difference.items():
        if digest is None:
            spare.pop(path, None)
        else:
            spare[path] = digest
    return {**packed, "spare": spare}


# Records are cached as plain tuples: unpickling a tuple is several times faster than a dataclass.

def _fields(record) -> tuple:
    return tuple(vars(record).values())  # a dataclass's __init__ sets its fields in their order


def _pack(record: ArticleRecord) -> tuple:
    facts, pages = record.facts, record.pages
    packed_facts = _fields(facts)[:-2] + (tuple(_fields(c) for c in facts.coverage),
                                          tuple(_fields(d) for d in facts.findings))
    packed_pages = None if pages is None else _fields(pages)[:5] + (
        tuple(_fields(e) for e in pages.entries), pages.assets, pages.exports, tuple(_fields(d) for d in pages.notes))
    return record.inputs, packed_facts, packed_pages


def _unpack(packed: tuple) -> ArticleRecord:
    inputs, facts, pages = packed
    *head, coverage, findings = facts
    unpacked_facts = ArticleFacts(*head, tuple(Coverage(*c) for c in coverage), tuple(Diagnostic(*d) for d in findings))
    if pages is not None:
        *head, entries, assets, exports, notes = pages
        pages = PagesRecord(*head, tuple(Entry(*e) for e in entries), assets, exports,
                            tuple(Diagnostic(*d) for d in notes))
    return ArticleRecord(inputs, unpacked_facts, pages)


def _cache_version() -> str:
    return f"{code_fingerprint()} {sys.version}"


# --- the inputs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """Stamps of every file a build reads, taken in one walk at the start."""

    stamps: Mapping[str, Stamp]
    links: Mapping[str, str]  # symbolic link → its target
    roots: tuple[str, ...]  # the folders walked, each ending with a separator
    locale: str  # the locale folder, resolved
    started_ns: int

    def lookup(self, path: Path | str) -> Stamp | None:
        """The stamp of a file, or None when it is missing (files outside the walk are asked for)."""
        name = str(path)
        if name.startswith(self.roots):
            return self.stamps.get(name)
        try:
            info = os.stat(name)
        except OSError:
            return None
        return (info.st_size, info.st_mtime_ns, info.st_ino) if os.path.isfile(name) else None

    def resolve(self, path: Path) -> Path:
        """The real path: lexical inside the walked folders when the walk met no symbolic link."""
        if not self.links and str(path).startswith(self.roots):
            return Path(os.path.normpath(path))
        return path.resolve()

    def trusted(self, stamps: Iterable[Stamp | None]) -> bool:
        """False when a file changed so recently that a change within the same clock tick could hide."""
        return all(s is None or s[1] < self.started_ns - RACY_NS for s in stamps)


def _is_git(name: str) -> bool:
    return name == ".git"


def _file_stamp(path: str) -> Stamp | None:
    """The stamp of what a path names when that is not a folder, or None."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return None if stat_module.S_ISDIR(info.st_mode) else (info.st_size, info.st_mtime_ns, info.st_ino)


def _scan(config: Config) -> Inputs:
    started = time.time_ns()
    roots = {config.content_dir, config.asset_root, config.templates_dir}
    roots |= {config.locale_dir / lang / "LC_MESSAGES" for lang in config.languages}
    resolved = sorted({r.resolve() for r in roots})
    outermost = [r for r in resolved if not any(r != other and r.is_relative_to(other) for other in resolved)]
    stamps: dict[str, Stamp] = {}
    links: dict[str, str] = {}
    for root in outermost:
        found, linked = scan_stamps(root, _is_git)
        stamps.update(found)
        links.update(linked)
    return Inputs(stamps, links, tuple(str(r) + os.sep for r in outermost), str(config.locale_dir.resolve()), started)


def _article_paths(config: Config, inputs: Inputs) -> tuple[dict[str, str], list[Diagnostic]]:
    """Article id → file, from the walk (assets, hidden and top-level files excluded), and ids used twice."""
    prefix = str(config.content_dir.resolve()) + os.sep
    shown_prefix = config.relative(config.content_dir) + "/"
    found: dict[str, str] = {}
    seen: dict[str, str] = {}
    problems = []
    for name in sorted(p[len(prefix):] for p in inputs.stamps if p.startswith(prefix)):
        relative = name.replace(os.sep, "/")
        base = article_id_of(relative)
        if base is None:
            continue
        shown = shown_prefix + relative
        first = seen.get(base.lower())
        if first is not None:
            problems.append(Diagnostic(shown, 1, "duplicate-id", f"article id {base!r} is already used by {first}",
                                       hint="rename one of the two files"))
            continue
        seen[base.lower()] = shown
        reserved = build.reserved_id_diagnostic(shown, base, config.languages)
        if reserved is not None:
            problems.append(reserved)
            continue
        found[base] = prefix + name
    return found, problems


def _digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def _template_stamps(config: Config, inputs: Inputs) -> list:
    templates = str(config.templates_dir.resolve()) + os.sep
    return sorted((p, s) for p, s in inputs.stamps.items() if p.startswith(templates))


def _keys(config: Config, inputs: Inputs, version: str, template_stamps: list) -> tuple[str, str]:
    """What every article's facts depend on (code and configuration), and what every page depends on
    besides (templates, interface translations, symbolic links)."""
    facts_key = _digest(version, repr(config))
    ui = [inputs.lookup(path.resolve()) for path in build.ui_paths(config)[1].values()]
    return facts_key, _digest(facts_key, template_stamps, ui, sorted(inputs.links.items()))


# --- facts ------------------------------------------------------------------------------------------


def _article_inputs(config: Config, inputs: Inputs, article_id: str, path: str) -> tuple:
    """Stamps of the article file and of its catalog in every language."""
    locale = inputs.locale
    return (inputs.lookup(path),) + tuple(inputs.lookup(f"{locale}/{lang}/LC_MESSAGES/{article_id}.po")
                                          for lang in config.languages)


def _read_article(config: Config, article_id: str, path: str):
    shown = config.relative(config.content_dir / (article_id + os.path.splitext(path)[1]))
    return parse_article(decode_source(Path(path).read_bytes(), shown), article_id, shown, config.default_language)


@dataclass(frozen=True)
class _Read:
    """One article as read for a build: its facts (None when errors stop the build), those errors,
    and what rendering its pages needs."""

    facts: ArticleFacts | None
    problems: tuple[Diagnostic, ...] = ()
    source: SourceArticle | None = None
    translations: Mapping[str, Mapping] = dataclasses.field(default_factory=dict)  # lang → usable translations


def _read(config: Config, article_id: str, path: str, tools: Tools) -> _Read:
    """One article's facts: its front matter checked, its catalogs read and checked."""
    try:
        article = _read_article(config, article_id, path)
        problems = tuple(d for d in check_front_matter(article, config.collection(article.collection), config.languages)
                         if d.severity == "error")
        if problems:
            return _Read(None, problems)
        source = prepare(config, article, tools.parser)
    except PipelineError as error:
        return _Read(None, tuple(error.diagnostics))
    body_findings = check_article_body(article, source.document, tools.reader)
    if any(d.severity == "error" for d in body_findings):
        return _Read(None, tuple(d for d in body_findings if d.severity == "error"))
    keys = source.keys
    coverage, findings, translations = [], list(body_findings), {}
    for lang in build.target_languages(config, article):
        path_ = catalog_path(config, lang, article.id)
        try:
            cat = read_catalog(config, path_)
        except PipelineError as error:
            findings.extend(error.diagnostics)
            coverage.append(Coverage(lang, False, 0, _errors_reason(error.diagnostics)))
            continue
        if cat is None:
            coverage.append(Coverage(lang, False, 0))
            continue
        found = translations[lang] = catalogs.translations(cat)
        checked = check_catalog(cat, config.relative(path_), lang, config.languages, tools.reader)
        findings.extend(checked)
        errors = [d for d in checked if d.severity == "error"]
        coverage.append(Coverage(lang, True, sum(1 for k in keys if k in found),
                                 _errors_reason(errors) if errors else None))
    facts = ArticleFacts(article.id, article.path, article.lang, article.collection, article.date, article.draft,
                         len(keys), tuple(coverage), tuple(findings))
    return _Read(facts, (), source, translations)


def _errors_reason(found: Iterable[Diagnostic]) -> str:
    errors = [d for d in found if d.severity == "error"]
    return f"{len(errors)} translation error(s), first: {errors[0]} (run `pipeline check`)"


@dataclass(frozen=True)
class _Rendered:
    pages: ArticlePages
    digests: tuple[tuple[str, str], ...]
    exports: tuple[tuple[str, bytes, str], ...] | None  # path, text, digest
    notes: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class _Work:
    """What reading and rendering articles needs; inherited by forked workers, never sent."""

    context: PageContext
    options: BuildOptions
    paths: Mapping[str, str]  # article id → file
    export: bool
    render_while_reading: bool = True  # pages of an article read anew are rendered at once, against `context`
    tools: Tools = dataclasses.field(default_factory=Tools)  # each worker process uses its own copy


def _read_and_render(work: _Work, item: tuple[str, str]) -> tuple[ArticleFacts | None, tuple[Diagnostic, ...],
                                                                   _Rendered | None]:
    """One article's facts (or the errors that stop the build) and, when it is visible, its pages in
    the languages its own facts publish it in, links resolved as `work.context` has them. Runs in
    a worker process."""
    work.tools.next_article()
    read = _read(work.context.config, *item, work.tools)
    langs = languages_of(read.facts, work.options) if read.facts is not None else ()
    rendered = _render(work, read.source, read.translations, langs) if langs and work.render_while_reading else None
    return read.facts, read.problems, rendered


def _render_article(work: _Work, article_id: str) -> _Rendered:
    """Every published page of one article (and its Markdown exports). Runs in a worker process."""
    config, tools = work.context.config, work.tools
    tools.next_article()
    source = prepare(config, _read_article(config, article_id, work.paths[article_id]), tools.parser)
    langs = work.context.links.published.get(article_id, ())
    translations = {}
    for lang in langs:
        if lang != source.article.lang:
            cat = read_catalog(config, catalog_path(config, lang, article_id))
            translations[lang] = catalogs.translations(cat) if cat else {}
    return _render(work, source, translations, langs)


def _render(work: _Work, source: SourceArticle, translations: Mapping[str, Mapping], langs: tuple[str, ...]) -> _Rendered:
    pages = article_pages(work.context, source, translations, langs, work.tools)
    digests = tuple((path, _content_digest(data)) for path, data in pages.files.items())
    if not work.export:
        return _Rendered(pages, digests, None, ())
    exports, notes = [], []
    for lang in langs:
        text, found = export_markdown(source.article, source.document, source.segments, translations.get(lang, {}),
                                      work.tools.reader)
        data = text.encode("utf-8")
        exports.append((f"{lang}/{source.article.id}.md", data, _content_digest(data)))
        notes.extend(found)
    return _Rendered(pages, digests, tuple(exports), tuple(notes))


def _content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _still_valid(article_id: str, record: PagesRecord | None, context: PageContext, inputs: Inputs,
                 export: bool) -> bool:
    """The cached pages show what they would show if rendered now."""
    if record is None or (export and record.exports is None):
        return False
    links = context.links
    return (record.langs == links.published.get(article_id, ())
            and record.collections == context.collections
            and all(links.target(target) == (found, langs) for target, found, langs in record.links)
            and all(inputs.lookup(path) == state for path, state in record.seen))


@dataclass
class _Trees:
    """The output folders being brought up to date."""

    site: TreeUpdate
    export: TreeUpdate | None


def _reuse(record: PagesRecord, trees: _Trees, inputs: Inputs, images_unchanged: bool = False) -> bool:
    """Keep a cached article's pages, images and exports in the new trees, if the live ones hold them
    (`images_unchanged`: no image file changed since the last build, so the live tree's are current)."""
    if not trees.site.keep_all(record.files):
        return False
    if trees.export is not None and not trees.export.keep_all(record.exports):
        return False
    for relative, source in record.assets:
        if images_unchanged and trees.site.keep_live(relative):
            continue
        digest = _file_digest(source, inputs)
        if not trees.site.keep(relative, digest):
            trees.site.put(relative, digest, Path(source))
    return True


def _file_digest(source: str, inputs: Inputs) -> str:
    """What a copied file is known by: its source and that file's stamp."""
    return f"{source}\0{inputs.lookup(source)}"


def _store(rendered: _Rendered, context: PageContext, trees: _Trees, inputs: Inputs) -> PagesRecord:
    pages = rendered.pages
    for path, digest in rendered.digests:
        trees.site.put(path, digest, pages.files[path])
    for relative, source in pages.assets.items():
        trees.site.put(relative, _file_digest(str(source), inputs), source)
    if trees.export is not None:
        for path, data, digest in rendered.exports:
            trees.export.put(path, digest, data)
    return PagesRecord(
        langs=pages.langs, collections=context.collections,
        links=tuple((target, found, langs) for target, (found, langs) in sorted(pages.links.items())),
        seen=tuple(sorted(pages.seen.items())), files=rendered.digests, entries=pages.entries,
        assets=tuple((relative, str(source)) for relative, source in sorted(pages.assets.items())),
        exports=None if rendered.exports is None else tuple((p, d) for p, _, d in rendered.exports),
        notes=rendered.notes)


def _split_cached(config: Config, state: State, inputs: Inputs, paths: Mapping[str, str],
                  touched: Iterable[str] | None = None) -> tuple[dict[str, ArticleRecord], list[tuple[str, str]]]:
    """The cached records of the articles whose files are unchanged, and the (id, file) of the others.
    `touched`: when the caller knows that the files of no other articles changed since `state` was
    made, the ids of those whose files may have."""
    touched = None if touched is None else set(touched)
    cached, todo = {}, []
    for article_id, path in paths.items():
        known = state.articles.get(article_id)
        if touched is not None and article_id not in touched and known is not None and known.inputs is not None:
            cached[article_id] = known
        elif known is not None and known.inputs == _article_inputs(config, inputs, article_id, path):
            cached[article_id] = known
        else:
            todo.append((article_id, path))
    return cached, todo


def _guessed_context(context: PageContext, cached: Mapping[str, ArticleRecord], todo: Iterable[str],
                     options: BuildOptions) -> PageContext:
    """The links and collections pages would see if every article read anew were published in every
    language: what they see in a complete site. Pages rendered with them are checked afterwards."""
    published = {article_id: languages_of(record.facts, options) for article_id, record in cached.items()}
    published = {article_id: langs for article_id, langs in published.items() if langs}
    published.update((article_id, tuple(sorted(context.config.languages))) for article_id in todo)
    collections = {article_id.split("/", 1)[0] for article_id in published}
    links = Links(context.config.languages, {article_id.lower(): article_id for article_id in published}, published)
    return dataclasses.replace(context, links=links, collections=tuple(sorted(collections)))


def _read_changed(config: Config, inputs: Inputs, cached: Mapping[str, ArticleRecord], todo: list[tuple[str, str]],
                  work: _Work, trees: _Trees, jobs: int,
                  progress: Progress) -> tuple[dict[str, ArticleRecord], dict[str, tuple[Diagnostic, ...]]]:
    """A record for every article: the cached one, or one read anew, with the pages rendered at
    once for a visible article (against `work.context`); and the problems of those pages."""
    records = dict(cached)
    problems: list[Diagnostic] = []
    page_problems = {}
    for done, (item, (facts, found, rendered)) in enumerate(
            zip(todo, imap_in_order(_read_and_render, todo, work, jobs)), 1):
        progress("read", done, len(todo))
        problems.extend(found)
        if facts is None:
            continue
        stamps = _article_inputs(config, inputs, *item)
        pages = None
        if rendered is not None:
            page_problems[item[0]] = rendered.pages.problems
            pages = _store(rendered, work.context, trees, inputs)
        records[item[0]] = ArticleRecord(stamps if inputs.trusted(stamps) else None, facts, pages)
    if problems:
        raise PipelineError(problems)
    return {article_id: records[article_id] for article_id in work.paths}, page_problems


def _publish_articles(records: dict[str, ArticleRecord], work: _Work, trees: _Trees, inputs: Inputs,
                      jobs: int, progress: Progress,
                      recheck: Iterable[str] | None = None) -> dict[str, tuple[Diagnostic, ...]]:
    """Bring every visible article's pages into the new trees, rendering those whose record does not
    show what they would show now; returns the problems of the pages rendered. With `recheck`, only
    those articles may show something new (the caller knows that nothing else changed)."""
    recheck = None if recheck is None else set(recheck)
    todo = []
    for article_id in work.paths:
        pages = records[article_id].pages
        if recheck is not None and article_id not in recheck and pages is not None:
            if _reuse(pages, trees, inputs, images_unchanged=True):
                continue
        elif _still_valid(article_id, pages, work.context, inputs, work.export) and _reuse(pages, trees, inputs):
            continue
        todo.append(article_id)
    problems = {}
    for done, (article_id, rendered) in enumerate(zip(todo, imap_in_order(_render_article, todo, work, jobs)), 1):
        progress("render", done, len(todo))
        problems[article_id] = rendered.pages.problems
        records[article_id] = dataclasses.replace(records[article_id],
                                                  pages=_store(rendered, work.context, trees, inputs))
    return problems


def _shown(pages_key: str, plan) -> str:
    """A digest of what an index page shows. Its values go through marshal, twice as fast as repr
    over the ~30 MB of entries that 10,000 articles' lists show; format 2 writes equal values as
    equal bytes (no references to objects met before). Entries and dates become plain values."""
    values = {key: [_plain_entry(e) for e in value] if key == "entries" else
              value.toordinal() if isinstance(value, dt.date) else value for key, value in plan.context.items()}
    try:
        data = marshal.dumps((pages_key, plan.template, plan.lang, values), 2)
    except ValueError:  # a value marshal cannot write
        data = repr((pages_key, plan.template, plan.lang, plan.context)).encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _plain_entry(entry: Entry) -> tuple:
    return tuple(value.toordinal() if isinstance(value, dt.date) else value for value in vars(entry).values())


def _publish_indexes(plans, context: PageContext, trees: _Trees, state: State, pages_key: str,
                     previous: dict) -> dict:
    """Lists, feeds, the sitemap: rendered again only when the values they show changed. `previous`
    (kept by a session) has the plan each page was last made from, with the page's digest: an equal
    plan needs no digest of its values."""
    indexes = {}
    for plan in plans:
        known = state.indexes.get(plan.path)
        made = previous.get(plan.path)
        if made is not None and known is not None and made == (plan, known[1]) and trees.site.keep(plan.path, known[1]):
            indexes[plan.path] = known
            continue
        shown = _shown(pages_key, plan)
        if known is None or known[0] != shown or not trees.site.keep(plan.path, known[1]):
            data = context.render(plan)
            known = (shown, _content_digest(data))
            trees.site.put(plan.path, known[1], data)
        indexes[plan.path] = known
        previous[plan.path] = (plan, known[1])
    return indexes


# --- the build --------------------------------------------------------------------------------------


def build_site(config: Config, out: Path, options: BuildOptions, markdown_out: Path | None = None,
               strict: bool = False, progress: Progress = _no_progress, jobs: int = 1,
               session: Session | None = None, changed: Iterable[str] | None = None) -> BuildReport:
    """Publish the site into `out` (and the Markdown export into `markdown_out`), atomically.

    A long-lived process passes the same `session` to every build, and the paths of the files or
    folders that `changed` since the last one (None: not known); the build then looks only at those."""
    check_output_folders(config, {"output folder": out, "Markdown export folder": markdown_out})
    if session is None:  # (a session writes its cache when it closes)
        _check_cache_writable(config)
    with tree_lock(out):
        version = _cache_version()
        hint = session.hint(config, changed) if session is not None else None
        inputs = hint.inputs if hint is not None else _scan(config)
        templates = session.templates if hint is not None and hint.only_articles and session.templates is not None \
            else _template_stamps(config, inputs)
        facts_key, pages_key = _keys(config, inputs, version, templates)
        if session is not None:
            state = session.state_for(facts_key, pages_key) or _load_state(config, facts_key, pages_key, version)
            try:
                report = _build(config, state, inputs, pages_key, out, options, markdown_out, strict, progress,
                                jobs, session, hint)
            except BaseException:
                session.failed(config, inputs, state, templates)
                raise
            session.keep(config, inputs, state, templates)
            return report
        outputs = [p.resolve() for p in [out] + ([markdown_out] if markdown_out is not None else [])]
        settings = _digest(facts_key, pages_key, options, outputs, strict)
        shortcut_path = _cache_folder(config) / "build" / "shortcut.pickle"
        shortcut = _load(shortcut_path, version)
        if not isinstance(shortcut, Shortcut) or shortcut.settings != settings:
            shortcut = None
        elif shortcut.stamps == inputs.stamps and shortcut.trees == tuple((str(p), stamp(p)) for p in outputs):
            return shortcut.report
        state = _load_state(config, facts_key, pages_key, version)
        if shortcut is not None and shortcut.generation != state.generation:
            shortcut = None
        last = _last_build(config, state, shortcut)
        hint = _difference(config, shortcut.stamps, inputs) if shortcut is not None and not inputs.links else None
        report = _build(config, state, inputs, pages_key, out, options, markdown_out, strict, progress, jobs,
                        last, hint)
        shortcut_path.unlink(missing_ok=True)  # gone while the state changes: it must never describe another
        _save_state(config, state)
        if inputs.trusted(inputs.stamps.values()):
            _save(shortcut_path, Shortcut(settings, inputs.stamps, tuple((str(p), stamp(p)) for p in outputs), report,
                                          last.paths, last.published, state.generation), version)
        return report


def check_output_folders(config: Config, outputs: Mapping[str, Path | None]) -> None:
    """Refuse, before anything is touched, output folders (what each is → its path) that a build
    must not replace whole: the project folder or a folder holding it; a source folder (content,
    catalogs, templates, the asset root), a folder inside one or holding one; a file; one output
    inside another; a folder holding anything but what a build wrote (see `files.is_output_tree`).
    Paths are compared as they resolve (through symbolic links) and in lower case (a file system
    may ignore case)."""
    sources = {"the project folder": config.root, "the content folder": config.content_dir,
               "the catalog folder": config.locale_dir, "the templates folder": config.templates_dir,
               "the asset root": config.asset_root}
    given = [(what, path) for what, path in outputs.items() if path is not None]
    problems = []
    for number, (what, path) in enumerate(given):
        real = Path(os.path.realpath(path))
        shown = config.relative(Path(os.path.abspath(path)))
        problem = _output_problem(real, sources, dict(given[:number]))
        if problem is None and real.is_dir() and not is_output_tree(real) and not _site_of_an_earlier_build(real):
            problem = (f"holds files that no build wrote (it has no {OUTPUT_MARKER} marker), and a build replaces "
                       "its output folder whole")
        if problem is not None:
            problems.append(Diagnostic(shown, 0, "usage", f"the {what} {problem}; nothing was written",
                                       hint="choose a new or empty folder (or one a build wrote), "
                                            "away from the project's sources"))
    if problems:
        raise PipelineError(problems)


def _site_of_an_earlier_build(folder: Path) -> bool:
    """Whether an unmarked folder is a site that a build wrote before builds marked their trees:
    the files only a whole site has (the next build marks it)."""
    return all((folder / name).is_file() for name in ("index.html", "404.html", "sitemap.xml", "static/style.css"))


def _check_cache_writable(config: Config) -> None:
    """A build saves its cache after the new site is in place: a cache folder that cannot be
    written (read-only, immutable) must stop the build before then, with the site as it was."""
    folder = _cache_folder(config) / "build"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        handle, probe = tempfile.mkstemp(prefix=".probe-", suffix=".tmp", dir=folder)
    except OSError as error:
        raise named(error, folder)
    os.close(handle)
    os.unlink(probe)


def _output_problem(real: Path, sources: Mapping[str, Path], others: Mapping[str, Path]) -> str | None:
    """Why a build must not replace the folder `real` (resolved) whole, or None."""
    if real.exists() and not real.is_dir():
        return "is a file, not a folder"
    folder = str(real).lower()
    root = os.path.realpath(sources["the project folder"]).lower()
    for what, source in list(sources.items()) + [(f"the {w}", p) for w, p in others.items()]:
        other = os.path.realpath(source).lower()
        if folder == other:
            return f"is {what}"
        if _within(other, folder):
            return f"holds {what}"
        if _within(folder, other) and other != root:  # (the site belongs inside the project)
            return f"is inside {what}"
    return None


def _within(inner: str, outer: str) -> bool:
    """Whether the path `inner` is strictly inside the folder `outer` (both absolute, normalised)."""
    return inner.startswith(outer.rstrip(os.sep) + os.sep)


# --- a long-lived process ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hint:
    """What a session knows about a build before it starts: the input stamps, taken again only for
    the files that changed, and which articles those files belong to."""

    inputs: Inputs
    articles_added_or_removed: bool
    only_articles: bool  # only article files and catalogs changed (no image, template or folder)
    touched: frozenset[str]  # ids of the articles whose article file or catalog changed


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
    paths: tuple[dict[str, str], list[Diagnostic]] | None = None
    published: tuple[Links, tuple[str, ...]] | None = None  # the last build's links and collections
    environments: tuple[str, dict] = ("", {})  # the pages key, and the Jinja environments made for it
    plans: dict[str, tuple] = dataclasses.field(default_factory=dict)  # index page path → (its last plan, digest)
    in_place: bool = True  # a preview's folders are updated file by file, not swapped

    def hint(self, config: Config, changed: Iterable[str] | None) -> _Hint | None:
        """The inputs after `changed`, when this session has seen the files before them."""
        if changed is None or self.inputs is None or config != self.config or self.inputs.links:
            return None
        return _rescan(config, self.inputs, changed)

    def environments_for(self, pages_key: str) -> dict:
        """The Jinja environments of the last build, while templates and interface strings are the same."""
        if self.environments[0] != pages_key:
            self.environments = (pages_key, {})
        return self.environments[1]

    def state_for(self, facts_key: str, pages_key: str) -> State | None:
        state = self.state
        return state if state is not None and (state.facts_key, state.pages_key) == (facts_key, pages_key) else None

    def keep(self, config: Config, inputs: Inputs, state: State, templates: list) -> None:
        self.config, self.inputs, self.state, self.templates, self.settled = config, inputs, state, templates, True

    def failed(self, config: Config, inputs: Inputs, state: State, templates: list) -> None:
        """After a failed build: the next one compares every article with the files again, since
        what failed to be read was not recorded (its state is as the last build left it)."""
        self.keep(config, inputs, state, templates)
        self.settled, self.paths, self.published = False, None, None

    def close(self) -> None:
        if self.config is not None and self.state is not None:
            _save_state(self.config, self.state)


def _last_build(config: Config, state: State, shortcut: Shortcut | None) -> Session:
    """A session for one build, holding what the last one (with the same settings) left in the cache
    folder: `state`, and from `shortcut` the article files and what was published."""
    if shortcut is None:
        return Session(config, state=state, in_place=False)
    return Session(config, state=state, settled=True, paths=shortcut.paths, published=shortcut.published,
                   in_place=False)


def _difference(config: Config, before: Mapping[str, Stamp], inputs: Inputs) -> _Hint:
    """What the files that changed since the walk that took the stamps `before` belong to."""
    now = inputs.stamps
    changed = {path for path, _ in now.items() ^ before.items()}
    touched, others = _owners(config, changed)
    return _Hint(inputs, any((path in before) != (path in now) for path in changed), not others, touched)


def _owners(config: Config, changed: Iterable[str]) -> tuple[frozenset[str], bool]:
    """The articles whose article file or catalog is among these files, and whether other files are."""
    touched, others = set(), False
    for _, found in changed_files(config, changed):
        if found.kind in ("article", "catalog"):
            touched.add(found.article_id)
        else:
            others = True
    return frozenset(touched), others


def _rescan(config: Config, inputs: Inputs, changed: Iterable[str]) -> _Hint:
    """The stamps again, after the given files or folders changed; everything else is as it was."""
    stamps = dict(inputs.stamps)
    added_or_removed, folders, files = False, False, []
    for path in {os.path.realpath(p) for p in changed}:
        if not path.startswith(inputs.roots):
            continue
        before = stamps.pop(path, None) is not None
        folder = os.path.isdir(path) and not os.path.islink(path)
        if folder or not before:  # a folder, or a name that may have been one: what it held goes
            inner = path + os.sep
            for name in [name for name in stamps if name.startswith(inner)]:
                del stamps[name]
        if folder:
            stamps.update(scan_stamps(Path(path), _is_git)[0])
            added_or_removed = folders = True
            continue
        found = _file_stamp(path)
        if found is not None:
            stamps[path] = found
        added_or_removed |= before != (found is not None)
        files.append(path)
    touched, others = _owners(config, files)
    fresh = Inputs(stamps, inputs.links, inputs.roots, inputs.locale, time.time_ns())
    return _Hint(fresh, added_or_removed, not (others or folders), touched)


def _known_tree(state: State, folder: Path, spare: bool = False) -> Manifest | None:
    """The manifest of an output folder (or of its spare), when the folder is the one the last
    build left there."""
    known = state.trees.get(str(folder.resolve()), {})
    path, stamp_key, manifest_key = (spare_of(folder.resolve()), "spare_stamp", "spare") if spare \
        else (folder.resolve(), "stamp", "manifest")
    recorded = known.get(stamp_key)
    return known.get(manifest_key) if recorded is not None and recorded == stamp(path) else None


def _build(config: Config, state: State, inputs: Inputs, pages_key: str, out: Path, options: BuildOptions,
           markdown_out: Path | None, strict: bool, progress: Progress, jobs: int, session: Session,
           hint: _Hint | None) -> BuildReport:
    """One build; `session` holds what the last one left (`pipeline serve`'s, or `_last_build`)."""
    if session.paths is not None and hint is not None and not hint.articles_added_or_removed:
        paths, problems = session.paths
    else:
        paths, problems = _article_paths(config, inputs)
    if problems:
        raise PipelineError(problems)
    same_state = hint is not None and session.settled and session.state is state
    cached, todo = _split_cached(config, state, inputs, paths, hint.touched if same_state else None)
    context = PageContext(config, build.ui_translations(config), Links(config.languages, {}, {}), (),
                          inputs.lookup, inputs.resolve, session.environments_for(pages_key))
    if len(todo) * SPECULATE >= len(paths):  # many articles to read: render them while reading them
        work = _Work(_guessed_context(context, cached, (item[0] for item in todo), options), options, paths,
                     markdown_out is not None)
    else:  # a few: guessing what the others publish costs more than reading these twice
        work = _Work(context, options, paths, markdown_out is not None, render_while_reading=False)
    in_place = session.in_place  # a preview: no second copy, no swap
    opened = [(out, _open_tree(state, out, in_place))]
    try:
        if markdown_out is not None:
            opened.append((markdown_out, _open_tree(state, markdown_out, in_place)))
    except BaseException:
        _abandon_trees(state, opened)
        raise
    trees = _Trees(opened[0][1], opened[1][1] if markdown_out is not None else None)
    try:
        records, page_problems = _read_changed(config, inputs, cached, todo, work, trees, jobs, progress)
        facts = tuple(r.facts for r in records.values())
        errors = [d for f in facts for d in f.findings if d.severity == "error"]
        if errors and strict:
            raise PipelineError(errors)
        visible = tuple(f for f in facts if is_visible(f, options))
        published, held = availability(visible, options)
        links = Links(config.languages, {f.id.lower(): f.id for f in visible}, published_languages(published))
        context = dataclasses.replace(context, links=links, collections=visible_collections(visible))
        work = dataclasses.replace(work, context=context, paths={f.id: paths[f.id] for f in visible})
        recheck = None  # when only articles and catalogs changed and every page links to what it did, only the
        if hint is not None and hint.only_articles \
                and session.published == (links, context.collections):  # articles read anew can show something new
            recheck = {article_id for article_id, _ in todo}
        page_problems.update(_publish_articles(records, work, trees, inputs, jobs, progress, recheck))
        problems = [d for article_id in work.paths for d in page_problems.get(article_id, ())]
        if problems:
            raise PipelineError(problems)
        shown = [records[article_id].pages for article_id in work.paths]
        if recheck is not None and _same_entries(recheck, state, records) \
                and all(trees.site.keep(path, digest) for path, (_, digest) in state.indexes.items()):
            indexes = state.indexes  # every list, feed and sitemap shows what it showed
        else:
            plans = index_pages(config, [e for p in shown for e in p.entries], context.collections, options)
            indexes = _publish_indexes(plans, context, trees, state, pages_key, session.plans)
        static = str((config.templates_dir / "static").resolve()) + os.sep
        for path in sorted(p for p in inputs.stamps if p.startswith(static)):
            trees.site.put("static/" + path[len(static):].replace(os.sep, "/"), _file_digest(path, inputs), Path(path))
        _finish_trees(state, opened)
    except BaseException:
        _abandon_trees(state, opened)
        raise
    state.articles, state.indexes = records, indexes
    session.paths, session.published = (paths, []), (links, context.collections)
    findings = [d for f in facts for d in f.findings] + [d for p in shown for d in p.notes]
    return BuildReport(out=config.relative(out), pages=sum(len(p.files) for p in shown) + len(indexes),
                       assets=len({a for p in shown for a, _ in p.assets}), held_back=tuple(held),
                       findings=tuple(findings),
                       markdown_files=sum(len(p.exports) for p in shown) if markdown_out is not None else 0)


def _same_entries(articles: Iterable[str], state: State, records: Mapping[str, ArticleRecord]) -> bool:
    """Whether these articles show in lists, feeds and the sitemap as they did in the last build."""
    for article_id in articles:
        before, now = state.articles.get(article_id), records.get(article_id)
        if before is None or now is None or before.pages is None or now.pages is None \
                or before.pages.entries != now.pages.entries:
            return False
    return True


def _open_tree(state: State, folder: Path, in_place: bool = False) -> TreeUpdate:
    """The update of an output folder: beside it, swapped in at the end; or, when `in_place` (a
    preview) and the folder is as the last build left it, the folder itself, file by file."""
    live, spare = _known_tree(state, folder), _known_tree(state, folder, spare=True)
    if in_place and live is not None:
        return InPlaceUpdate(folder, live, spare)
    return TreeUpdate(folder, live, spare)


def _finish_trees(state: State, opened: list[tuple[Path, TreeUpdate]]) -> None:
    """Swap every output folder's new tree in, all of them or (when one cannot be) none."""
    for _, tree in opened:
        tree.complete()
    swapped = []
    try:
        for _, tree in opened:
            tree.swap()
            swapped.append(tree)
    except BaseException:
        for tree in reversed(swapped):
            tree.unswap()
        raise
    for folder, tree in opened:
        _record_tree(state, folder, tree, *tree.settle())


def _abandon_trees(state: State, opened: list[tuple[Path, TreeUpdate]]) -> None:
    """The build failed: the live output folders stay as they were (a preview's keep what was
    written into them, recorded as such, or nothing at all is trusted of them)."""
    for folder, tree in opened:
        tree.abandon()
        if isinstance(tree, InPlaceUpdate):
            try:
                _finish_tree(state, folder, tree)
            except OSError:
                state.trees.pop(str(folder.resolve()), None)


def _finish_tree(state: State, folder: Path, tree: TreeUpdate) -> None:
    _record_tree(state, folder, tree, *tree.finish())


def _record_tree(state: State, folder: Path, tree: TreeUpdate, live: Manifest, spare: Manifest | None) -> None:
    resolved = folder.resolve()
    state.trees[str(resolved)] = {"stamp": stamp(resolved), "manifest": live,
                                  "spare_stamp": stamp(tree.spare_path) if spare is not None else None,
                                  "spare": spare}
