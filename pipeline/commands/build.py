"""`pipeline build`: publish the site.

1. Walk the inputs (content, catalogs, templates): the stamp of every file.
2. Read every article: front matter and body checked, catalogs read and checked, its facts.
3. Decide which pages are published (`pages.availability`), and what each link points at.
4. Render every published article's pages (and Markdown exports).
5. Render the lists, feeds and sitemap from every article's entries.
6. Bring the output folders up to date beside the live ones, and swap them all in, or none.

Each step keeps what it made with what that observed, and the engine (`pipeline.engine`) redoes
only what changed: an article's facts while its file and catalogs keep their stamps; its pages
while its facts, its languages, what its links point at and the images it showed are the same;
an index page while the values it shows are. A build after a successful one with the same
settings compares the walk with that build's and looks only at the articles whose files changed
(as `pipeline serve`, told by its file watcher, does). Everything kept is in
`.cache/pipeline/build/`; a build without it gives the same bytes."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

from pipeline.aliases import Redirects, redirects
from pipeline.commands import build_state
from pipeline.commands.articles import (DIGEST_LENGTH, ArticleWork, Rendered, content_digest, copied_file_digest,
                                        copied_file_source, own_language_problems, read_and_render, render_article)
from pipeline.commands.build_state import (BuildReport, FactsRecord, Hint, PagesRecord, Session, Shortcut, State,
                                           found_digest, last_build, load_state, save_state, seen_paths)
from pipeline.config import Config
from pipeline.disk.layout import cache_folder, catalog_folder, site_path_problem, ui_paths
from pipeline.disk.outputs import check_cache_writable, check_output_folders
from pipeline.commands.findings import Found, Rules, interface_catalogs, orphan_findings
from pipeline.commands.glossary import load_glossary
from pipeline.glossary import Glossary
from pipeline.disk.project import articles_among, collection_problems, read_templates
from pipeline.disk.scan import stamp
from pipeline.engine.pool import Progress, no_progress
from pipeline.engine.contents import files_store, fingerprint, standing_inputs
from pipeline.engine.stamps import Inputs, walk
from pipeline.engine.store import Store
from pipeline.engine.trees import NoTrees, OutputTrees, recognized_folders, tree_lock
from pipeline.engine.work import done, split
from pipeline.links import Links
from pipeline.errors import PipelineError
from pipeline.model import Diagnostic
from pipeline.commands.lists import SameValues, publish_indexes
from pipeline.pages import (PAGE_TEMPLATES, SEARCH_TEMPLATE, BuildOptions, PageContext,
                            availability, is_visible, languages_of, published_languages, visible_collections)
from pipeline.render import template_problems

SPECULATE = 20  # pages are rendered while reading when at least one article in this many is read anew


# --- the build -------------------------------------------------------------------------------------


def build_site(config: Config, out: Path, options: BuildOptions, markdown_out: Path | None = None,
               strict: bool = False, progress: Progress = no_progress, jobs: int = 1,
               session: Session | None = None, changed: Iterable[str] | None = None,
               layout: str = "flat") -> BuildReport:
    """Publish the site into `out` (and the Markdown export into `markdown_out`, laid out for a site
    generator: `config.EXPORT_LAYOUTS`), atomically.

    A long-lived process passes the same `session` to every build, and the paths of the files or
    folders that `changed` since the last one (None: not known); the build then looks only at those."""
    check_output_folders(config, {"output folder": out, "Markdown export folder": markdown_out})
    if session is None:  # (a session writes its cache when it closes)
        check_cache_writable(config)
    run = Run(Rules(options, strict), [out] + ([markdown_out] if markdown_out is not None else []), jobs, progress,
              layout if markdown_out is not None else None, load_glossary(config))
    with tree_lock(out):
        store = build_state.store(config)
        if session is None:
            return _build_once(config, store, run)
        hint = session.hint(config, changed)
        inputs = hint.inputs if hint is not None else standing_inputs(_walked(config), files_store(cache_folder(config)))
        templates = session.templates if hint is not None and hint.only_articles and session.templates is not None \
            else _template_stamps(config, inputs)
        keys = _keys(config, inputs, store.version, templates, run.glossary)
        state = session.state_for(keys) or load_state(store, *keys)
        try:
            report = _publish(config, state, inputs, keys[1], run, session, hint)
        except BaseException:
            session.failed(config, inputs, state, templates)
            raise
        session.keep(config, inputs, state, templates)
        return report


def check_site(config: Config, options: BuildOptions, progress: Progress = no_progress,
               jobs: int = 1) -> tuple[Diagnostic, ...]:
    """What a strict build with these options would find, every finding, without writing anything:
    `pipeline check`."""
    inputs = standing_inputs(_walked(config), files_store(cache_folder(config)), save=False)
    store = build_state.store(config)
    run = Run(Rules(options, strict=True), [], jobs, progress, glossary=load_glossary(config))
    keys = _keys(config, inputs, store.version, _template_stamps(config, inputs), run.glossary)
    state = load_state(store, *keys)  # read, never saved: facts and pages that still hold are not redone
    trees = NoTrees(kept=True)
    found = _build(config, state, inputs, keys[1], run, last_build(config, state, None), None, trees).found
    return tuple(found.findings)


@dataclass(frozen=True)
class Run:
    """How one build runs: the rules it judges by, the folders it writes, its workers."""

    rules: Rules
    outputs: list[Path]  # the site, then the Markdown export if any
    jobs: int = 1
    progress: Progress = no_progress
    layout: str | None = None  # the Markdown export's layout; None: no export
    glossary: Glossary | None = None  # the terms Khmer translations are checked against (`pipeline.glossary`)

    @property
    def options(self) -> BuildOptions:
        return self.rules.options


def _last_shortcut(store: Store) -> Shortcut | None:
    found = store.load("shortcut.pickle")
    return found if isinstance(found, Shortcut) else None


def _as_last_time(walked: Inputs, walked_fingerprint: str, shortcut: Shortcut | None) -> Inputs | None:
    """The inputs as the last build saw them, when the walk finds every file with the stamp it had
    then: the files stand for what they stood for (no record of the files need be read)."""
    if shortcut is None or shortcut.walked != walked_fingerprint:
        return None
    return dataclasses.replace(walked, stamps=shortcut.stamps)


@dataclass(frozen=True)
class _Once:
    """What a build without a session starts from (`_start_once`)."""

    settings: str
    inputs: Inputs
    keys: tuple[str, str]
    state: State
    last: Session
    hint: Hint | None
    walked: str  # the fingerprint of the walk's stamps


def _build_once(config: Config, store: Store, run: Run) -> BuildReport:
    """A build without a session: from what the last build left, or nothing at all when every input
    and output is as it left them."""
    once = _start_once(config, store, run)
    if isinstance(once, BuildReport):
        return once
    report = _publish(config, once.state, once.inputs, once.keys[1], run, once.last, once.hint)
    store.forget("shortcut.pickle")  # gone while the state changes: it must never describe another
    save_state(store, once.state)
    if once.inputs.trusted(once.inputs.stamps.values()):
        store.save("shortcut.pickle", Shortcut(once.settings, once.inputs.stamps, _output_stamps(run),
                                               report, once.last.paths, once.last.published, once.state.generation,
                                               once.walked))
    return report


def _start_once(config: Config, store: Store, run: Run) -> _Once | BuildReport:
    """The inputs, state and hint of a build without a session, from the last build's shortcut; its
    report when nothing changed. (The shortcut and the walk's own stamps, some 25 MB at 10,000
    articles, are not held while the build runs.)"""
    shortcut = _last_shortcut(store)
    walked = _walked(config)
    walked_fingerprint = fingerprint(walked.stamps)  # (sorts every stamp: taken once)
    inputs = _as_last_time(walked, walked_fingerprint, shortcut) or \
        standing_inputs(walked, files_store(cache_folder(config)))
    keys = _keys(config, inputs, store.version, _template_stamps(config, inputs), run.glossary)
    settings = _digest(*keys, run.rules, [p.resolve() for p in run.outputs], run.layout)
    if shortcut is None or shortcut.settings != settings:
        shortcut = None
    elif shortcut.stamps == inputs.stamps and shortcut.trees == _output_stamps(run):
        return shortcut.report
    state = load_state(store, *keys)
    if shortcut is not None and shortcut.generation != state.generation:
        shortcut = None
    hint = build_state.difference(config, shortcut.stamps, inputs) if shortcut is not None and not inputs.links else None
    return _Once(settings, inputs, keys, state, last_build(config, state, shortcut), hint, walked_fingerprint)


def _output_stamps(run: Run) -> tuple:
    return tuple((str(p), stamp(p)) for p in (p.resolve() for p in run.outputs))


def _publish(config: Config, state: State, inputs: Inputs, pages_key: str, run: Run, session: Session,
             hint: Hint | None) -> BuildReport:
    """One build into new trees beside the output folders, swapped in when nothing stops it."""
    state.folders = recognized_folders(state.folders, _expected_content(inputs))
    trees = OutputTrees(state.folders, run.outputs, session.in_place)
    try:
        built = _build(config, state, inputs, pages_key, run, session, hint, trees)
        if built.found.failed:
            raise built.found.error()
        trees.finish()
    except BaseException:
        trees.abandon()
        raise
    built.keep(state, session)
    return built.report


def _expected_content(inputs: Inputs) -> Callable[[str], str | None]:
    """How an output file must begin its SHA-256, by its digest in a manifest: a written file's
    digest is that; a copied file's names its source and that file's stamp, which must still be its
    stamp (then the copy holds what the source holds). None: what the file held is gone."""

    def expected(digest: str) -> str | None:
        copied = copied_file_source(digest)
        if copied is None:
            return digest
        source, stamp_text = copied
        if str(inputs.stamps.get(source)) != stamp_text:
            return None
        found = inputs.digest(source)
        return found[:DIGEST_LENGTH] if found is not None else None

    return expected


@dataclass
class Built:
    """One build's outcome: what it found, its report, and what the next build may keep."""

    found: Found
    report: BuildReport | None = None
    facts: dict = dataclasses.field(default_factory=dict)
    pages: dict = dataclasses.field(default_factory=dict)
    published: tuple = ()
    paths: tuple = ()

    def keep(self, state: State, session: Session) -> None:
        state.facts.values = self.facts
        state.pages.values = self.pages
        session.paths, session.published = self.paths, self.published


def _build(config: Config, state: State, inputs: Inputs, pages_key: str, run: Run, session: Session,
           hint: Hint | None, trees) -> Built:
    """Steps 2 to 5 into `trees`; `session` holds what the last build left (`pipeline serve`'s, or
    `last_build`). Every article is judged even when something stops the build; pages are made
    only while the templates and interface catalogs can be read."""
    found = Found(run.rules)
    paths = _sources(config, session, hint, inputs, found)
    templates = read_templates(config)
    found.stop(template_problems(templates, PAGE_TEMPLATES))
    ui, unreadable, interface_findings = interface_catalogs(config)
    found.stop(unreadable)
    found.hold(interface_findings)
    renderable = not found.failed
    same_state = hint is not None and session.settled and session.state is state
    kept = _kept_facts(config, state, inputs, paths, hint.touched if same_state else None)
    known = frozenset(article_id.lower() for article_id in paths)
    context = PageContext(config, templates, ui, Links(config.languages, {}, {}, known), (), inputs.lookup,
                          inputs.resolve, session.environments_for(pages_key), inputs.case_twin,
                          searchable=bool(run.outputs) and SEARCH_TEMPLATE in templates.sources)
    work = dataclasses.replace(_reading_work(context, kept, paths, run.options, run.layout, renderable),
                               glossary=run.glossary)
    try:
        reading = _read_articles(config, state, inputs, kept, work, trees, run)
        found.stop(reading.problems)
        found.wait(reading.waiting)
        for record in reading.facts.values():
            (found.hold if is_visible(record.facts, run.options) else found.wait)(record.facts.findings)
        return _pages(config, state, inputs, pages_key, run, session, hint, trees, found, reading, work, paths,
                      kept.redo) if renderable else Built(found)
    except PipelineError as error:  # a template that fails while rendering stops the pages, not the report
        found.stop(error.diagnostics)
        return Built(found)


def _sources(config: Config, session: Session, hint: Hint | None, inputs: Inputs, found: Found) -> Mapping[str, str]:
    """Step 1's articles: id → file (those whose files cannot be articles are found wrong)."""
    if session.paths is not None and hint is not None and not hint.articles_added_or_removed:
        paths, problems = session.paths
    else:
        sources = articles_among(config, inputs.stamps)
        paths, problems = sources.paths(), sources.problems
    found.stop(problems)
    found.stop(collection_problems(config, paths))
    return paths


def _pages(config: Config, state: State, inputs: Inputs, pages_key: str, run: Run, session: Session,
           hint: Hint | None, trees, found: Found, reading: Reading, work: ArticleWork, paths: Mapping[str, str],
           redone: Iterable[str]) -> Built:
    """Steps 3 to 5: which pages are published, what links point at, every page made or kept."""
    facts, pages = reading.facts, reading.pages
    visible = tuple(record.facts for record in facts.values() if is_visible(record.facts, run.options))
    published, held = availability(visible, run.options)
    links = dataclasses.replace(work.context.links, ids={f.id.lower(): f.id for f in visible},
                                published=published_languages(published))
    context = dataclasses.replace(work.context, links=links, collections=visible_collections(visible))
    work = dataclasses.replace(work, context=context, paths={f.id: paths[f.id] for f in visible})
    recheck = None  # when only articles and catalogs changed and every page links to what it did, only the
    if hint is not None and hint.only_articles \
            and session.published == (links, context.collections):  # articles read anew can show something new
        recheck = set(redone)
    reading.page_problems.update(_publish_articles(pages, work, trees, inputs, run, recheck))
    found.stop(d for article_id in work.paths for d in reading.page_problems.get(article_id, ())
               if d.severity == "error")  # (the warnings are the pages' notes, kept with them)
    if run.rules.strict:  # what a normal build does not publish is judged all the same
        hidden = [article_id for article_id, record in facts.items() if not is_visible(record.facts, run.options)]
        found.stop(d for problems in _waiting_pages(work, hidden, paths, run) for d in problems)
        found.stop(orphan_findings(config, paths))
    shown = [pages[article_id] for article_id in work.paths]
    found.findings.extend(d for p in shown for d in p.notes)
    redirects = _redirects(config, facts, visible, links, paths, context.collections, run.rules.strict)
    found.stop(redirects.problems)
    if found.failed:
        return Built(found)
    publish_indexes(state, context, trees, run.options, pages_key, shown, session.plans,
                    _same_values(state, pages, recheck))
    _publish_static(config, inputs, trees)
    for path, data in redirects.pages:
        trees[0].put(path, content_digest(data), data)
    found.stop(_publish_public(config, inputs, trees, {*state.indexes, *(path for path, _ in redirects.pages)}))
    if found.failed:
        return Built(found)
    report = BuildReport(out=config.relative(run.outputs[0]) if run.outputs else "",
                         pages=sum(len(p.files) for p in shown) + len(state.indexes),
                         assets=len({a for p in shown for a, _ in p.assets}), held_back=tuple(held),
                         findings=tuple(found.findings),
                         markdown_files=sum(1 for p in shown for path, _ in p.exports or () if path.endswith(".md")))
    return Built(found, report, facts, {article_id: pages[article_id] for article_id in work.paths},
                 (links, context.collections), (paths, ()))


def _same_values(state: State, pages: Mapping[str, PagesRecord], recheck: set[str] | None) -> SameValues:
    """Whether the lists and the search index show what they showed of every article: known only
    when `recheck` has every article whose pages were made anew (None: not known)."""
    if recheck is None:
        return SameValues()
    pairs = [(state.pages.values.get(a), pages[a]) for a in recheck if a in pages]
    return SameValues(entries=all(known is not None and known.entries == now.entries for known, now in pairs),
                      search=all(known is not None and known.search == now.search for known, now in pairs))


def _redirects(config: Config, facts: Mapping[str, FactsRecord], visible: tuple, links: Links,
               paths: Mapping[str, str], collections: tuple[str, ...], strict: bool) -> Redirects:
    """The redirect pages of the published articles' aliases (`pipeline.aliases`); a strict build
    checks the others' aliases too."""
    shown = {f.id for f in visible}
    hidden = [record.facts for article_id, record in facts.items() if strict and article_id not in shown]
    return redirects(config, visible, links.published, paths,
                     lambda path: site_path_problem(path, config.languages, collections), hidden)


def _walked(config: Config) -> Inputs:
    """The stamps of every file a build reads: articles and images, catalogs, templates (each then
    made the one standing for its content: `engine.contents`, so a fresh checkout keeps what was made)."""
    return walk([config.content_dir, config.asset_root, *([config.public_dir] if config.public_dir else []),
                 config.templates_dir,
                 *(catalog_folder(config, lang) for lang in config.languages)])


def _template_stamps(config: Config, inputs: Inputs) -> list:
    return inputs.under(config.templates_dir)


def _digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def _keys(config: Config, inputs: Inputs, version: str, template_stamps: list,
          glossary: Glossary | None = None) -> tuple[str, str]:
    """What every article's facts depend on (code, configuration and what the glossary's findings
    say: each term, its Khmer and its line; not its note), and what every page depends on besides
    (templates, interface translations, symbolic links)."""
    terms = [(term.english, term.khmer, term.line) for term in glossary.terms] if glossary is not None else None
    facts_key = _digest(version, repr(config), terms)
    ui = [inputs.lookup(path.resolve()) for path in ui_paths(config)[1].values()]
    return facts_key, _digest(facts_key, template_stamps, ui, sorted(inputs.links.items()))


# --- step 2: read the articles ------------------------------------------------------------------------


def _article_inputs(config: Config, inputs: Inputs, article_id: str, path: str) -> tuple:
    """Stamps of the article file and of its catalog in every language."""
    return (inputs.lookup(path),) + tuple(inputs.lookup(f"{folder}/{article_id}.po")
                                          for folder in _catalog_folders(config))


def _catalog_folders(config: Config) -> list[str]:
    return [str(catalog_folder(config, lang).resolve()) for lang in config.languages]


def _kept_facts(config: Config, state: State, inputs: Inputs, paths: Mapping[str, str],
                touched: Iterable[str] | None):
    """The facts of the articles whose files are unchanged, and the ids of the others. `touched`:
    when the caller knows that the files of no other articles changed since `state` was made, the
    ids of those whose files may have."""
    touched = None if touched is None else set(touched)
    folders = _catalog_folders(config)

    def holds(article_id: str, known: FactsRecord) -> bool:
        if known.inputs is None:
            return False
        if touched is not None and article_id not in touched:
            return True
        path = paths[article_id]
        return known.inputs == (inputs.lookup(path),) + tuple(inputs.lookup(f"{f}/{article_id}.po") for f in folders)

    return split(paths, lambda article_id: article_id, state.facts.values, holds)


def _reading_work(context: PageContext, kept, paths: Mapping[str, str], options: BuildOptions,
                  export: str | None, renderable: bool = True) -> ArticleWork:
    """When many articles are read anew, their pages are rendered while they are read, against the
    links and collections a complete site would show (checked afterwards); when few are, guessing
    what the others publish costs more than reading these twice."""
    if not renderable or len(kept.redo) * SPECULATE < len(paths):
        return ArticleWork(context, options, paths, export, render_while_reading=False)
    published = {article_id: languages_of(record.facts, options) for article_id, record in kept.kept.items()}
    published = {article_id: langs for article_id, langs in published.items() if langs}
    published.update((article_id, tuple(sorted(context.config.languages))) for article_id in kept.redo)
    collections = tuple(sorted({article_id.split("/", 1)[0] for article_id in published}))
    links = Links(context.config.languages, {article_id.lower(): article_id for article_id in published}, published,
                  context.links.known)
    return ArticleWork(dataclasses.replace(context, links=links, collections=collections), options, paths, export)


@dataclass
class Reading:
    """Every article's facts, kept or read anew; the pages kept from the last build, or rendered at
    once for a visible article read anew, with their problems; and the errors that kept articles
    from being read (`waiting`: those of articles not published yet)."""

    facts: dict[str, FactsRecord]
    pages: dict[str, PagesRecord]
    page_problems: dict[str, tuple[Diagnostic, ...]]
    problems: list[Diagnostic]
    waiting: list[Diagnostic]


def _read_articles(config: Config, state: State, inputs: Inputs, kept, work: ArticleWork, trees: OutputTrees,
                   run: Run) -> Reading:
    """Read the articles whose facts are not kept (rendering visible ones at once, against
    `work.context`)."""
    facts = dict(kept.kept)
    pages = {article_id: record for article_id, record in state.pages.values.items() if article_id in kept.kept}
    reading = Reading(facts, pages, {}, [], [])
    items = [(article_id, work.paths[article_id]) for article_id in kept.redo]
    for (article_id, path), (read, rendered) in done(read_and_render, items, work, run.jobs, "read", run.progress):
        (reading.waiting if read.waiting else reading.problems).extend(read.problems)
        if read.facts is None:
            continue
        stamps = _article_inputs(config, inputs, article_id, path)
        facts[article_id] = FactsRecord(stamps if inputs.trusted(stamps) else None, read.facts)
        if rendered is not None:
            reading.page_problems[article_id] = rendered.pages.problems
            pages[article_id] = _store_pages(rendered, work.context, trees, inputs)
    reading.facts = {article_id: facts[article_id] for article_id in work.paths if article_id in facts}
    return reading


def _waiting_pages(work: ArticleWork, hidden: list[str], paths: Mapping[str, str], run: Run) -> Iterable[tuple]:
    """The problems of the pages of articles not published yet, in their own language, rendered
    to be judged and then dropped (a strict build's and `pipeline check`'s)."""
    work = dataclasses.replace(work, paths={article_id: paths[article_id] for article_id in hidden},
                               context=dataclasses.replace(work.context, searchable=False))
    for _, problems in done(own_language_problems, hidden, work, run.jobs, "check", run.progress):
        yield problems


# --- step 4: the articles' pages ---------------------------------------------------------------------


def _publish_articles(pages: dict[str, PagesRecord], work: ArticleWork, trees: OutputTrees, inputs: Inputs,
                      run: Run, recheck: Iterable[str] | None = None) -> dict[str, tuple]:
    """Bring every visible article's pages into the new trees, rendering those whose record does not
    show what they would show now; returns the problems of the pages rendered. With `recheck`, only
    those articles may show something new (the caller knows that nothing else changed)."""

    def holds(article_id: str, record: PagesRecord) -> bool:
        if work.export is not None and record.layout != work.export:
            return False  # not exported, or in another layout
        if recheck is not None and article_id not in recheck:
            return _reuse(record, trees, inputs, images_unchanged=True)
        return _still_valid(article_id, record, work.context, inputs) and _reuse(record, trees, inputs)

    kept = split(work.paths, lambda article_id: article_id, pages, holds)
    problems = {}
    for article_id, rendered in done(render_article, kept.redo, work, run.jobs, "render", run.progress):
        problems[article_id] = rendered.pages.problems
        pages[article_id] = _store_pages(rendered, work.context, trees, inputs)
    return problems


def _still_valid(article_id: str, record: PagesRecord, context: PageContext, inputs: Inputs) -> bool:
    """The kept pages show what they would show if rendered now."""
    links = context.links
    return (record.langs == links.published.get(article_id, ())
            and record.collections == context.collections
            and all(links.target(target) == (found, langs) for target, found, langs in record.links)
            and found_digest(map(inputs.lookup, seen_paths(record))) == record.seen_digest)


def _reuse(record: PagesRecord, trees: OutputTrees, inputs: Inputs, images_unchanged: bool = False) -> bool:
    """Keep an article's pages, images and exports in the new trees, if the live ones hold them
    (`images_unchanged`: no image file changed since the last build, so the live tree's are current)."""
    site, export = trees[0], trees[1] if len(trees.opened) > 1 else None
    if not site.keep_all(record.files):
        return False
    if export is not None and not export.keep_all(record.exports):
        return False
    for relative, source in record.assets:
        if images_unchanged and site.keep_live(relative):
            continue
        digest = copied_file_digest(source, inputs.lookup(source))
        if not site.keep(relative, digest):
            site.put(relative, digest, Path(source))
    return True


def _store_pages(rendered: Rendered, context: PageContext, trees: OutputTrees, inputs: Inputs) -> PagesRecord:
    """Put an article's new pages, images and exports in the trees; what they showed and depended on."""
    pages, site = rendered.pages, trees[0]
    for path, digest in rendered.digests:
        site.put(path, digest, pages.files[path])
    for relative, source in pages.assets.items():
        site.put(relative, copied_file_digest(source, inputs.lookup(str(source))), source)
    if rendered.exports is not None:
        for path, data, digest in rendered.exports:
            trees[1].put(path, digest, data)
    return PagesRecord(
        langs=pages.langs, collections=context.collections,
        links=tuple((target, found, langs) for target, (found, langs) in sorted(pages.links.items())),
        seen="".join(f"{path}\0" for path in sorted(pages.seen)),
        seen_digest=found_digest(pages.seen[path] for path in sorted(pages.seen)),
        files=rendered.digests, entries=pages.entries,
        assets=tuple((relative, str(source)) for relative, source in sorted(pages.assets.items())),
        exports=None if rendered.exports is None else tuple((p, d) for p, _, d in rendered.exports),
        layout=rendered.layout, search=pages.search,
        notes=tuple(d for d in pages.problems if d.severity != "error") + rendered.notes)


# --- the public and static files ----------------------------------------------------------------


def _publish_public(config: Config, inputs: Inputs, trees: OutputTrees, taken: set[str]) -> list[Diagnostic]:
    """The public folder's files, at the same paths in the site (as Astro's `public/` and Hugo's
    `static/` are); a file that would take the place of one of the site's own (a language's folder,
    `static/`, or a page at `taken`: lists, feeds, redirects) is an error."""
    if config.public_dir is None:
        return []
    problems = []
    public = str(config.public_dir.resolve()) + os.sep
    own_folders = {*config.languages, "static"}
    for path, found in inputs.under(config.public_dir):
        relative = path[len(public):].replace(os.sep, "/")
        if relative.split("/", 1)[0] in own_folders or relative in taken:
            problems.append(Diagnostic(config.relative(Path(path)), 0, "public",
                                       f"{relative!r} in the public folder would replace the site's own page or folder",
                                       hint="move it to another folder of the public folder"))
            continue
        trees[0].put(relative, copied_file_digest(path, found), Path(path))
    return problems


def _publish_static(config: Config, inputs: Inputs, trees: OutputTrees) -> None:
    """The templates' static files (style sheet, fonts, icon)."""
    static = str((config.templates_dir / "static").resolve()) + os.sep
    for path, found in inputs.under(config.templates_dir / "static"):
        trees[0].put("static/" + path[len(static):].replace(os.sep, "/"), copied_file_digest(path, found), Path(path))
