"""The work `pipeline build` does for each article, in worker processes: read it (front matter and
body checked, catalogs read and checked: its facts), and render its pages and Markdown exports.
Each function takes the article and what the work needs (`ArticleWork`), and returns values."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from pipeline import catalog as catalogs
from pipeline.aliases import article_aliases
from pipeline.checks import check_article_body, check_catalog
from pipeline.config import Config
from pipeline.content import Article, check_front_matter
from pipeline.disk.layout import catalog_path, target_languages
from pipeline.disk.project import Source, read_article, read_catalog
from pipeline.disk.scan import DIGEST_LENGTH
from pipeline.errors import PipelineError
from pipeline.export import export_markdown, export_path, export_rewriter
from pipeline.glossary import Glossary
from pipeline.links import AssetCollector
from pipeline.model import Diagnostic
from pipeline.pages import (ArticleFacts, ArticlePages, BuildOptions, Coverage, PageContext, Tools, article_pages,
                            asset_collector, is_visible, languages_of)
from pipeline.segment import SourceArticle, prepare


@dataclass(frozen=True)
class ArticleWork:
    """What reading and rendering articles needs; inherited by forked workers, never sent."""

    context: PageContext
    options: BuildOptions
    paths: Mapping[str, str]  # article id → file
    export: str | None  # the Markdown export's layout (`config.EXPORT_LAYOUTS`); None: no export
    render_while_reading: bool = True  # pages of an article read anew are rendered at once, against `context`
    tools: Tools = dataclasses.field(default_factory=Tools)  # each worker process uses its own copy
    glossary: Glossary | None = None  # the terms Khmer translations are checked against


@dataclass(frozen=True)
class Read:
    """One article as read: its facts (None when errors stop the build), those errors, and what
    rendering its pages needs."""

    facts: ArticleFacts | None
    problems: tuple[Diagnostic, ...] = ()
    source: SourceArticle | None = None
    translations: Mapping[str, Mapping] = dataclasses.field(default_factory=dict)  # lang → usable translations
    article: Article | None = None  # the article as read, when errors stop it
    waiting: bool = False  # the errors are of an article not published yet (a draft, or dated in the future)


@dataclass(frozen=True)
class Rendered:
    """An article's pages, their digests, and its Markdown exports (None when not exported)."""

    pages: ArticlePages
    digests: tuple[tuple[str, str], ...]  # site path → digest
    exports: tuple[tuple[str, bytes | Path, str], ...] | None  # path, text (or a file to copy), digest
    notes: tuple[Diagnostic, ...]  # what the Markdown export could not place
    layout: str | None = None  # the exports' layout


def read_and_render(work: ArticleWork, item: tuple[str, str]) -> tuple[Read, Rendered | None]:
    """One article's facts (or the errors that stop the build) and, when it is visible, its pages in
    the languages its own facts publish it in, links resolved as `work.context` has them."""
    work.tools.next_article()
    read = read_facts(work.context.config, Source(*item), work.tools, work.glossary)
    langs = languages_of(read.facts, work.options) if read.facts is not None else ()
    rendered = render(work, read.source, read.translations, langs) if langs and work.render_while_reading else None
    waiting = read.article is not None and not is_visible(read.article, work.options)
    return dataclasses.replace(read, source=None, translations={}, article=None, waiting=waiting), rendered


def read_facts(config: Config, source: Source, tools: Tools, glossary: Glossary | None = None) -> Read:
    """One article's facts: its front matter and body checked, its catalogs read and checked (the
    Khmer ones against the `glossary` too)."""
    try:
        article = read_article(config, source)
    except PipelineError as error:
        return Read(None, tuple(error.diagnostics))
    front = check_front_matter(article, config.collection(article.collection), config.languages)
    if any(d.severity == "error" for d in front):
        return Read(None, front, article=article)
    try:
        parsed = prepare(config, article, tools.parser)
    except PipelineError as error:
        return Read(None, front + tuple(error.diagnostics), article=article)
    body_findings = front + check_article_body(article, parsed.document, tools.reader)
    if any(d.severity == "error" for d in body_findings):
        return Read(None, body_findings, article=article)
    keys = parsed.keys
    coverage, findings, translations = [], list(body_findings), {}
    for lang in target_languages(config, article):
        path = catalog_path(config, lang, article.id)
        try:
            found = read_catalog(config, path)
        except PipelineError as error:
            findings.extend(error.diagnostics)
            coverage.append(Coverage(lang, False, 0, _errors_reason(error.diagnostics)))
            continue
        if found is None:
            coverage.append(Coverage(lang, False, 0))
            continue
        usable = translations[lang] = catalogs.translations(found)
        checked = check_catalog(found, config.relative(path), lang, config.languages, tools.reader,
                                glossary=glossary if article.lang == "en" else None, breaker=tools.breaker)
        findings.extend(checked)
        errors = [d for d in checked if d.severity == "error"]
        coverage.append(Coverage(lang, True, sum(1 for k in keys if k in usable),
                                 _errors_reason(errors) if errors else None))
    facts = ArticleFacts(article.id, article.path, article.lang, article.collection, article.date, article.draft,
                         len(keys), tuple(coverage), tuple(findings), article_aliases(article))
    return Read(facts, (), parsed, translations)


def _errors_reason(found: Iterable[Diagnostic]) -> str:
    errors = [d for d in found if d.severity == "error"]
    return f"{len(errors)} translation error(s), first: {errors[0]} (run `pipeline check`)"


def render_article(work: ArticleWork, article_id: str) -> Rendered:
    """Every published page of one article (and its Markdown exports)."""
    config, tools = work.context.config, work.tools
    tools.next_article()
    parsed = prepare(config, read_article(config, Source(article_id, work.paths[article_id])), tools.parser)
    langs = work.context.links.published.get(article_id, ())
    translations = {}
    for lang in langs:
        if lang != parsed.article.lang:
            found = read_catalog(config, catalog_path(config, lang, article_id))
            translations[lang] = catalogs.translations(found) if found else {}
    return render(work, parsed, translations, langs)


def own_language_problems(work: ArticleWork, article_id: str) -> tuple[Diagnostic, ...]:
    """The problems of an article's page in its own language (its images and links), rendered to be
    judged and dropped: for an article that is not published yet."""
    config, tools = work.context.config, work.tools
    tools.next_article()
    parsed = prepare(config, read_article(config, Source(article_id, work.paths[article_id])), tools.parser)
    return article_pages(work.context, parsed, {}, (parsed.article.lang,), tools).problems


def render(work: ArticleWork, parsed: SourceArticle, translations: Mapping[str, Mapping],
           langs: tuple[str, ...]) -> Rendered:
    assets = asset_collector(work.context)  # the export resolves the files the pages did: each is looked up once
    pages = article_pages(work.context, parsed, translations, langs, work.tools, assets)
    digests = tuple((path, content_digest(data)) for path, data in pages.files.items())
    if work.export is None:
        return Rendered(pages, digests, None, ())
    exports, notes = _exports(work, parsed, translations, langs, assets)
    return Rendered(pages, digests, exports, notes, work.export)


def _exports(work: ArticleWork, parsed: SourceArticle, translations: Mapping[str, Mapping],
             langs: tuple[str, ...], assets: AssetCollector) -> tuple[tuple, tuple[Diagnostic, ...]]:
    """An article's Markdown in each language it is published in, laid out for `work.export`, and
    the images and attachments those files use."""
    context, article, layout = work.context, parsed.article, work.export
    exports, notes, copies = [], [], {}
    for lang in langs:
        rewrite = export_rewriter(layout, article, lang, assets, context.links, context.config.base_path, copies)
        text, found = export_markdown(article, parsed.document, parsed.segments, translations.get(lang, {}),
                                      work.tools.reader, lang, rewrite)
        data = text.encode("utf-8")
        exports.append((export_path(layout, lang, article.id), data, content_digest(data)))
        notes.extend(found)
    exports += [(path, source, copied_file_digest(source, context.lookup(source)))
                for path, source in sorted(copies.items())]
    return tuple(exports), tuple(notes)


def content_digest(data: bytes) -> str:
    """What a file written to the site is known by: (the start of) the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()[:DIGEST_LENGTH]


def copied_file_digest(source: str | Path, stamp) -> str:
    """What a file copied to the site is known by: its source and that file's (standing) stamp."""
    return f"{source}\0{stamp}"


def copied_file_source(digest: str) -> tuple[str, str] | None:
    """(source, stamp as text) of a `copied_file_digest`; None for a `content_digest`."""
    source, copied, stamp = digest.partition("\0")
    return (source, stamp) if copied else None
