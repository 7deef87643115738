"""The published site as values: which pages exist, their URLs, pairs, assets and templates' data.

Takes parsed articles and translations, returns every output file's bytes and the assets to copy,
with what each article's pages depended on (so that `publish` can reuse them while that holds).
No file I/O except asking about image files through the `lookup` and `resolve` callables given."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from pipeline import markdown, render, search
from pipeline.config import Config
from pipeline.content import Article
from pipeline.khmer import to_khmer_digits
from pipeline.locales import format_date, language_name, og_locale
from pipeline.model import Diagnostic, Templates
from pipeline.sanitize import Sanitizer
from pipeline.search import SearchPage
from pipeline.segment import SourceArticle, is_translatable
from pipeline.khmer.lunar import format_lunar_line, format_official_date, lunar_date
from pipeline.translate import Key, Translated, translate
from pipeline.pagedata import data_context, key_label, title_key_of
from pipeline.links import AssetCollector, FileState, Links, in_site, page_url, url_rewriter
from pipeline.tags import tag_label, tag_url, tags_of
from pipeline.urls import is_external
from pipeline.khmer.words import WordBreaker, excerpt, reading_minutes

EXCERPT_CHARS = 180
PAGE_TEMPLATES = ("article.html", "list.html", "home.html", "root.html", "404.html", "atom.xml", "sitemap.xml")
SEARCH_TEMPLATE = "search.html"
# A project whose templates were copied before these existed gets no such pages (and, without the
# search page, no search index) rather than a build that stops.
OPTIONAL_TEMPLATES = (SEARCH_TEMPLATE, "tag.html", "tags.html")


@dataclass(frozen=True)
class BuildOptions:
    today: dt.date
    drafts: bool = False
    min_translated: float = 100.0


@dataclass(frozen=True)
class HeldBack:
    article_id: str
    lang: str
    reason: str


def is_visible(article: Article | ArticleFacts, options: BuildOptions) -> bool:
    """Drafts and articles dated in the future wait, unless --drafts."""
    if options.drafts:
        return True
    return not article.draft and (article.date is None or article.date <= options.today)


# --- choosing what is published --------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """How far one article is translated into one language."""

    lang: str
    catalog: bool  # a catalog exists and could be read
    done: int  # distinct units with a usable translation
    blocked: str | None = None  # why failing translations hold the page back


@dataclass(frozen=True)
class ArticleFacts:
    """What deciding which pages exist needs to know about one article (its source and catalogs)."""

    id: str
    path: str
    lang: str
    collection: str
    date: dt.date | None
    draft: bool
    units: int  # distinct translatable units
    coverage: tuple[Coverage, ...]  # one per target language
    findings: tuple[Diagnostic, ...]  # of its catalogs: errors (they block a page) and warnings
    aliases: tuple = ()  # its old paths, to redirect (`pipeline.aliases.Alias` values)


def availability(facts: tuple[ArticleFacts, ...], options: BuildOptions) -> tuple[set[tuple[str, str]], list[HeldBack]]:
    """Which (article, language) pages are published, and why the others are held back."""
    published, held = set(), []
    for article in facts:
        published.add((article.id, article.lang))
        for cover in article.coverage:
            reason = _hold_reason(article, cover, options)
            if reason:
                held.append(HeldBack(article.id, cover.lang, reason))
            else:
                published.add((article.id, cover.lang))
    return published, held


def _hold_reason(article: ArticleFacts, cover: Coverage, options: BuildOptions) -> str | None:
    if cover.blocked:
        return cover.blocked
    if not cover.catalog:
        return "no catalog yet (run `pipeline extract`)"
    percent = 100.0 if not article.units else 100.0 * cover.done / article.units
    if percent + 1e-9 < options.min_translated:
        return (f"{percent:.0f}% translated ({cover.done}/{article.units} units), "
                f"below the {options.min_translated:g}% threshold")
    return None


def languages_of(article: ArticleFacts, options: BuildOptions) -> tuple[str, ...]:
    """The languages one article is published in, sorted (empty when it is not visible)."""
    if not is_visible(article, options):
        return ()
    return published_languages(availability((article,), options)[0]).get(article.id, ())


def published_languages(published: set[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """Article id → the languages it is published in, sorted."""
    found: dict[str, list[str]] = {}
    for article_id, lang in sorted(published):
        found.setdefault(article_id, []).append(lang)
    return {article_id: tuple(langs) for article_id, langs in found.items()}


# --- the pages ------------------------------------------------------------------------------------


def localise_number(value: int | str, lang: str) -> str:
    return to_khmer_digits(value) if lang == "km" else str(value)


def template_filters(base_path: str = "") -> dict[str, Callable]:
    """The filters templates use; `href` makes a site path (`/static/style.css`) the URL a page links
    to, under the site's base path (`Config.base_path`)."""
    return {
        "href": lambda url: in_site(base_path, url),
        "localdate": format_date,
        "localnum": localise_number,
        "language_name": lambda lang: language_name(lang, lang),
        "collection_label": collection_label,
        "key_label": key_label,
    }


def collection_label(name: str) -> str:
    """The English label of a collection, also its msgid in the `ui` catalog."""
    return name.replace("-", " ").replace("_", " ").capitalize()


@dataclass(frozen=True)
class Entry:
    """One published article page as list pages, feeds and the sitemap see it."""

    id: str
    lang: str
    url: str
    title: str
    title_lang: str
    summary: str
    summary_lang: str
    date: dt.date | None
    image_url: str | None
    collection: str
    excerpt: str
    excerpt_lang: str
    updated: dt.date | None = None  # its last change: front matter `updated` or `lastmod`, else `date`
    tags: tuple[str, ...] = ()  # the slugs of its tags (`pipeline.tags`)


@dataclass(frozen=True)
class PagePlan:
    """One page still to render: its output path, the language and template, and the values it shows."""

    path: str
    lang: str
    template: str
    context: Mapping


@dataclass(frozen=True)
class ArticlePages:
    """The published pages of one article, and everything they depended on besides its own files."""

    langs: tuple[str, ...]  # languages it was published in
    files: Mapping[str, bytes]  # output path → page
    entries: tuple[Entry, ...]
    assets: Mapping[str, Path]  # output path → image file to copy
    problems: tuple[Diagnostic, ...]
    links: Mapping[str, tuple[str | None, tuple[str, ...]]]  # link target → (article id, its languages)
    seen: Mapping[str, FileState | None]  # image files looked at → what was found
    search: tuple[SearchPage, ...] = ()  # what the search index needs of each page


@dataclass
class PageContext:
    """What rendering an article's pages needs besides the article; shared read-only by workers."""

    config: Config
    templates: Templates
    ui: Mapping[str, Mapping[str, str]]
    links: Links
    collections: tuple[str, ...]
    lookup: Callable[[Path], FileState | None]
    resolve: Callable[[Path], Path]
    _envs: dict = field(default_factory=dict)
    case_twin: Callable[[Path], str | None] = lambda path: None  # a file named the same but for letter case
    searchable: bool = False  # the pages are published with a search index (not only rendered to be judged)

    def environments(self) -> dict:
        """One Jinja2 environment per language, made once per process (templates compile once)."""
        if not self._envs:
            every_ui = {lang: self.ui.get(lang, {}) for lang in self.config.languages}
            self._envs.update({lang: render.environment(self.templates, every_ui[lang],
                                                        template_filters(self.config.base_path), lang,
                                                        self.config.default_language, every_ui)
                               for lang in self.config.languages})
        return self._envs

    def render(self, plan: PagePlan) -> bytes:
        return render.render(self.environments()[plan.lang], plan.template, plan.context).encode()


@dataclass
class Tools:
    """What reading and publishing articles needs, made once per process (mistune's parsers and
    renderer, ICU's word breaker, the HTML sanitizer). The inline tokens of the article at hand are
    shared between its translation checks and its pages; `next_article()` forgets them."""

    parser: markdown.Parser = field(default_factory=markdown.Parser)
    breaker: WordBreaker = field(default_factory=WordBreaker)
    sanitizer: Sanitizer = field(default_factory=Sanitizer)
    memo: markdown.InlineMemo = field(init=False)
    reader: markdown.InlineReader = field(init=False)
    renderer: markdown.Renderer = field(init=False)

    def __post_init__(self) -> None:
        # one memo for both, on purpose: a translation parsed for its checks is not parsed again to
        # be published (see `markdown.InlineMemo`); `next_article` is the one place that clears it
        self.memo = markdown.InlineMemo()
        self.reader = markdown.InlineReader(self.memo)
        self.renderer = markdown.Renderer(self.memo)

    def next_article(self) -> None:
        self.memo.clear()


def article_pages(context: PageContext, source: SourceArticle, translations: Mapping[str, Mapping[Key, str]],
                  langs: tuple[str, ...], tools: Tools | None = None,
                  assets: AssetCollector | None = None) -> ArticlePages:
    """The pages of one article in `langs`, the languages it is published in; `translations` has
    the usable translations of each of them other than the article's own. `assets`: the article's
    collector, when the caller resolves the same files again (the Markdown export)."""
    article, config = source.article, context.config
    tools = tools or Tools()
    assets = assets or asset_collector(context)
    envs = context.environments()
    files, entries, links, searched = {}, [], {}, []
    template = article_template(context.templates, article.collection)
    for lang in langs:
        found = None if lang == article.lang else translations[lang]
        rewrite = url_rewriter(article, lang, assets, context.links, links)
        result = translate(article, source.document, source.segments, lang, found, rewrite, tools.renderer,
                           tools.breaker, tools.sanitizer)
        entry = _entry(result, assets)
        entries.append(entry)
        page = _article_context(config, result, entry, list(langs), context.collections)
        page["article"].update(data_context(config, result, rewrite))
        page["page"]["data"] = page["article"]["data"]
        files[f"{lang}/{article.id}/index.html"] = render.render(envs[lang], template, page).encode()
        if context.searchable:
            shown = page["article"]
            found, files[search.text_path(lang, article.id)] = search.page_search(
                article.id, lang, entry.url, entry.title, entry.summary, result.body_html, article.date, tools.breaker,
                [*shown["data_fields"].values(), *(shown["data"][key] for key in shown["data_sections"])])
            searched.append(found)
    return ArticlePages(langs, files, tuple(entries), assets.assets, tuple(assets.problems), links, assets.seen,
                        tuple(searched))


def asset_collector(context: PageContext) -> AssetCollector:
    """A collector of one article's images and files, looking them up as `context` does."""
    return AssetCollector(context.config, context.lookup, context.resolve, context.case_twin)


def visible_collections(facts: tuple[ArticleFacts, ...]) -> tuple[str, ...]:
    return tuple(sorted({f.collection for f in facts}))


def _entry(result: Translated, assets: AssetCollector) -> Entry:
    article = result.article
    image = article.metadata.get("image")
    image_url = assets.url_for(article, result.lang, image) if isinstance(image, str) and image else None
    title_key = title_key_of(result)
    summary = result.value("description")
    shortened = excerpt(summary or result.first_paragraph, EXCERPT_CHARS)
    return Entry(
        id=article.id, lang=result.lang, url=page_url(result.lang, article.id),
        title=result.value(title_key, article.id),
        title_lang=_value_lang(result, title_key, article.id),
        summary=summary,
        summary_lang=_value_lang(result, "description"),
        date=article.date, image_url=image_url, collection=article.collection,
        excerpt=summary if shortened == summary else shortened,  # (one string, kept once by the build state)
        excerpt_lang=_value_lang(result, "description") if summary
        else result.first_paragraph_lang or result.lang,
        updated=_last_change(article.metadata, article.date),
        tags=tags_of(article.metadata),
    )


def _value_lang(result: Translated, key: str, default: str = "") -> str:
    """The language a front-matter value is shown in: the page's when the catalog translates it,
    the article's own when it fell back, or when the key is not translated at all and its text
    has words (a number or a date is the page's)."""
    if key in result.values and key not in result.fallback_values:
        return result.lang
    return result.article.lang if is_translatable(result.value(key, default)) else result.lang


def _last_change(metadata: Mapping, date: dt.date | None) -> dt.date | None:
    """When an article last changed, for feeds and the sitemap: its `updated` or `lastmod` date
    (a date in the front matter, a time of day dropped), else its `date`."""
    for key in ("updated", "lastmod"):
        value = metadata.get(key)
        if isinstance(value, dt.date):
            return value.date() if isinstance(value, dt.datetime) else value
    return date


def site_context(config: Config) -> dict:
    """What templates know of the site (`site.name`, `site.base_url`, its languages…)."""
    return {"name": config.site_name, "base_url": config.base_url, "languages": config.languages,
            "default_language": config.default_language, "home_language": config.home_language,
            "author": config.author}


def _article_context(config: Config, result: Translated, entry: Entry, langs: list[str],
                     collections: tuple[str, ...]) -> dict:
    lang, article = result.lang, result.article
    alternates = [(other, page_url(other, article.id)) for other in langs]
    return {
        "lang": lang,
        "site": site_context(config),
        "collections": collections,
        "page": {
            "title": entry.title, "description": entry.summary, "url": entry.url,
            "title_lang": entry.title_lang, "description_lang": entry.summary_lang,
            "canonical": config.base_url + entry.url,
            "alternates": alternates,
            "x_default": page_url(config.home_language if config.home_language in langs else article.lang,
                                  article.id),
            "og_locale": og_locale(lang),
            "og_image": _absolute(config, entry.image_url),
        },
        "article": {
            "id": article.id, "collection": article.collection, "title": entry.title,
            "title_lang": entry.title_lang, "summary": entry.summary, "summary_lang": entry.summary_lang,
            "date": article.date, "image_url": entry.image_url,
            "body": render.Markup(result.body_html), "source_lang": article.lang,
            "fallback": result.fallback_lang is not None,
            "reading_minutes": reading_minutes(result.body_words, lang),
            "lunar": _lunar_line(config, article, lang),
            "tags": [{"slug": slug, "label": tag_label(slug), "url": tag_url(lang, slug)} for slug in entry.tags],
        },
        "switcher": [(other, page_url(other, article.id)) for other in langs if other != lang],
    }


# --- which template an article page uses ----------------------------------------------------------

RESERVED_TEMPLATES = frozenset(PAGE_TEMPLATES) | {"base.html", *OPTIONAL_TEMPLATES}  # never a collection's article template


def article_template(templates: Templates, collection: str) -> str:
    """The template of a collection's article pages: `<collection>.html` when the project has one
    (and the name is not one of the site's own templates), `article.html` otherwise."""
    own = f"{collection}.html"
    usable = own in templates.sources and own not in RESERVED_TEMPLATES and not own.startswith("_")
    return own if usable else "article.html"


def _absolute(config: Config, url: str | None) -> str | None:
    """A URL readers' tools can follow from anywhere: site paths get the base URL, a URL with a
    scheme (an image on another host) stays exactly as it is."""
    if not url:
        return None
    return url if is_external(url) else config.base_url + url


def _lunar_line(config: Config, article: Article, lang: str) -> dict | None:
    """The traditional lunar date for Khmer pages of collections that ask for it."""
    style = config.collection(article.collection).lunar_date
    if lang != "km" or not style or article.date is None:
        return None
    try:
        day = lunar_date(article.date)
    except ValueError:  # outside the calendar's range: show the Gregorian date only
        return None
    return {"line": format_lunar_line(day), "official": format_official_date(article.date),
            "style": style}

