"""The published site as values: which pages exist, their URLs, pairs, assets and templates' data.

Takes parsed articles and translations, returns every output file's bytes and the assets to copy.
No file I/O except asking whether an asset exists (through the `exists` callable given)."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Mapping
from urllib.parse import quote, unquote, urlsplit

from pipeline import markdown, render
from pipeline.config import Config
from pipeline.content import Article
from pipeline.khmer import to_khmer_digits
from pipeline.locales import format_date, language_name, og_locale
from pipeline.model import Diagnostic
from pipeline.parallel import map_in_order
from pipeline.segment import Segment, segments as find_segments
from pipeline.lunar import format_lunar_line, format_official_date, lunar_date
from pipeline.translate import Key, Translated, translate
from pipeline.words import excerpt, reading_minutes

EXCERPT_CHARS = 180
_EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


@dataclass(frozen=True)
class BuildOptions:
    today: dt.date
    drafts: bool = False
    min_translated: float = 100.0


@dataclass(frozen=True)
class SourceArticle:
    """An article with its parsed body and units, ready to be published in any language."""

    article: Article
    document: markdown.Document
    segments: tuple[Segment, ...]

    @property
    def keys(self) -> set[Key]:
        return {(s.msgctxt, s.msgid) for s in self.segments}


@dataclass(frozen=True)
class HeldBack:
    article_id: str
    lang: str
    reason: str


@dataclass(frozen=True)
class SitePlan:
    files: Mapping[str, bytes]  # output path (posix, relative to the site root) → content
    assets: Mapping[str, Path]  # output path → source file to copy
    held_back: tuple[HeldBack, ...]
    published: tuple[tuple[str, str], ...]  # (article id, lang) of every article page


def is_site_local(url: str) -> bool:
    """A URL that points into this site (not another scheme or host, not a bare `#fragment`)."""
    return bool(url) and not url.startswith("#") and not _EXTERNAL.match(url)


def prepare(config: Config, article: Article) -> SourceArticle:
    document = markdown.parse(article.body)
    units = find_segments(article, document, config.collection(article.collection).translate)
    return SourceArticle(article, document, units)


def is_visible(article: Article, options: BuildOptions) -> bool:
    """Drafts and articles dated in the future wait, unless --drafts."""
    if options.drafts:
        return True
    return not article.draft and (article.date is None or article.date <= options.today)


def page_url(lang: str, article_id: str) -> str:
    """The page's URL path; file names with spaces or Khmer letters are percent-encoded."""
    return f"/{lang}/{quote(article_id)}/"


# --- choosing what is published --------------------------------------------------------------------


def availability(sources: tuple[SourceArticle, ...], config: Config,
                 translations: Mapping[tuple[str, str], Mapping[Key, str]],
                 options: BuildOptions, blocked: Mapping[tuple[str, str], str]) -> tuple[set[tuple[str, str]], list[HeldBack]]:
    """Which (article, language) pages are published, and why the others are held back."""
    published, held = set(), []
    for source in sources:
        article = source.article
        published.add((article.id, article.lang))
        keys = source.keys
        for lang in config.languages:
            if lang == article.lang:
                continue
            found = translations.get((article.id, lang))
            if (article.id, lang) in blocked:
                held.append(HeldBack(article.id, lang, blocked[(article.id, lang)]))
                continue
            if found is None:
                held.append(HeldBack(article.id, lang, "no catalog yet (run `pipeline extract`)"))
                continue
            done = sum(1 for k in keys if k in found)
            percent = 100.0 if not keys else 100.0 * done / len(keys)
            if percent + 1e-9 < options.min_translated:
                held.append(HeldBack(article.id, lang, f"{percent:.0f}% translated ({done}/{len(keys)} units), "
                                                       f"below the {options.min_translated:g}% threshold"))
            else:
                published.add((article.id, lang))
    return published, held


# --- URLs of links and images ------------------------------------------------------------------------


@dataclass
class AssetCollector:
    """Resolves image paths of one page and remembers which files the site must copy."""

    config: Config
    exists: Callable[[Path], bool]
    resolve: Callable[[Path], Path]
    assets: dict[str, Path] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)

    def url_for(self, article: Article, lang: str, url: str) -> str:
        if not is_site_local(url):
            return url
        path_part = unquote(urlsplit(url).path)
        content_root = self.config.content_dir.resolve()
        asset_root = self.config.asset_root.resolve()
        if path_part.startswith("@/"):
            candidate = asset_root / path_part[2:]
        elif path_part.startswith("/"):
            self._problem(article, url, f"image path {url!r} is absolute; write it relative to the article "
                                        "or from the content root as '@/…'")
            return url
        else:
            candidate = (self.config.content_dir / article.id).parent / path_part
        real = self.resolve(candidate)
        if not any(real.is_relative_to(root) for root in (content_root, asset_root)):
            self._problem(article, url, f"image path {url!r} leaves the content folder")
            return url
        if not self.exists(real):
            self._problem(article, url, f"image {url!r} not found (looked for {self.config.relative(candidate)})")
            return url
        variant = real.with_name(f"{real.stem}.{lang}{real.suffix}")
        if self.exists(variant) and self.resolve(variant).is_relative_to(real.parent):
            real = variant
        relative = real.relative_to(asset_root if real.is_relative_to(asset_root) else content_root).as_posix()
        self.assets[relative] = real
        return "/" + quote(relative)

    def _problem(self, article: Article, url: str, message: str) -> None:
        line = _line_of(article, url)
        self.problems.append(Diagnostic(article.path, line, "asset", message,
                                        hint="check the path; images live under content/assets/"))


def _line_of(article: Article, needle: str) -> int:
    at = article.text.find(needle)
    return article.text.count("\n", 0, at) + 1 if at >= 0 else 1


def link_for(article: Article, lang: str, url: str, published: set[tuple[str, str]],
             ids: Mapping[str, str]) -> str:
    """A link to another article (relative `.md` path or site path) points at the page in `lang`,
    or at the page in the linked article's own language when no `lang` page is published."""
    if not is_site_local(url):
        return url
    parts = urlsplit(url)
    path = unquote(parts.path)
    if path.startswith("/"):
        pieces = [p for p in path.split("/") if p]
        if pieces and pieces[0] in {lang for _, lang in published}:
            pieces = pieces[1:]
        target = "/".join(pieces)
    else:
        base = PurePosixPath(article.id).parent
        target = posixpath.normpath((base / path).as_posix())
    for suffix in (".md", ".markdown", "/index.html", "/"):
        if target.endswith(suffix):
            target = target[: -len(suffix)]
    target_id = ids.get(target.lower())
    if target_id is None:
        return url
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if (target_id, lang) in published:
        return page_url(lang, target_id) + fragment
    own = next((l for (i, l) in sorted(published) if i == target_id), None)
    return page_url(own, target_id) + fragment if own else url


# --- the pages ------------------------------------------------------------------------------------


def localise_number(value: int | str, lang: str) -> str:
    return to_khmer_digits(value) if lang == "km" else str(value)


def template_filters() -> dict[str, Callable]:
    return {
        "localdate": format_date,
        "localnum": localise_number,
        "language_name": lambda lang: language_name(lang, lang),
        "collection_label": collection_label,
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


def _sort_key(entry: Entry) -> tuple:
    return (-(entry.date.toordinal() if entry.date else 0), entry.id)


def plan_site(config: Config, sources: tuple[SourceArticle, ...],
              translations: Mapping[tuple[str, str], Mapping[Key, str]],
              ui: Mapping[str, Mapping[str, str]], options: BuildOptions,
              exists: Callable[[Path], bool], resolve: Callable[[Path], Path],
              blocked: Mapping[tuple[str, str], str] | None = None,
              jobs: int = 1) -> tuple[SitePlan, tuple[Diagnostic, ...]]:
    """Every page of the site. Problems in source articles (missing images…) come back as errors;
    `blocked` pages (a broken or failing catalog) are held back with the reason given."""
    visible = tuple(s for s in sources if is_visible(s.article, options))
    published, held = availability(visible, config, translations, options, blocked or {})
    ids = {s.article.id.lower(): s.article.id for s in visible}
    collections = visible_collections(visible)
    context = _PageWork(config, translations, ui, published, ids, collections, exists, resolve)
    files: dict[str, bytes] = {}
    entries: list[Entry] = []
    assets: dict[str, Path] = {}
    problems: list[Diagnostic] = []
    for pages in map_in_order(_article_pages, visible, context, jobs):
        files.update(pages.files)
        entries.extend(pages.entries)
        assets.update(pages.assets)
        problems.extend(pages.problems)
    envs = context.environments()
    entries.sort(key=_sort_key)
    for lang in config.languages:
        own = [e for e in entries if e.lang == lang]
        files.update(_list_pages(config, envs[lang], lang, own, collections))
        files[f"{lang}/atom.xml"] = render.render(envs[lang], "atom.xml", {
            "lang": lang, "site": _site(config), "entries": own[:50],
            "updated": max((e.date for e in own if e.date), default=options.today)}).encode()
    files["index.html"] = render.render(envs[config.default_language], "root.html", {
        "lang": config.default_language, "site": _site(config), "languages": config.languages,
        "collections": collections, "page": _root_page(config)}).encode()
    not_found = {**_root_page(config), "canonical": None, "alternates": []}
    files["404.html"] = render.render(envs[config.default_language], "404.html", {
        "lang": config.default_language, "site": _site(config), "languages": config.languages,
        "collections": collections, "page": not_found}).encode()
    files["sitemap.xml"] = render.render(envs[config.default_language], "sitemap.xml", {
        "site": _site(config), "pairs": _sitemap_pairs(config, entries)}).encode()
    plan = SitePlan(files=files, assets=dict(sorted(assets.items())),
                    held_back=tuple(held), published=tuple(sorted(published)))
    return plan, tuple(problems)


@dataclass
class _PageWork:
    """What rendering one article's pages needs; shared read-only by every worker."""

    config: Config
    translations: Mapping[tuple[str, str], Mapping[Key, str]]
    ui: Mapping[str, Mapping[str, str]]
    published: set[tuple[str, str]]
    ids: Mapping[str, str]
    collections: tuple[str, ...]
    exists: Callable[[Path], bool]
    resolve: Callable[[Path], Path]
    _envs: dict = field(default_factory=dict)

    def environments(self) -> dict:
        """One Jinja2 environment per language, made once per process (templates compile once)."""
        if not self._envs:
            self._envs.update({lang: render.environment(self.config.templates_dir, self.ui.get(lang, {}),
                                                        template_filters()) for lang in self.config.languages})
        return self._envs


@dataclass(frozen=True)
class _ArticlePages:
    files: dict[str, bytes]
    entries: list[Entry]
    assets: dict[str, Path]
    problems: list[Diagnostic]


def _article_pages(work: _PageWork, source: SourceArticle) -> _ArticlePages:
    """Every published language page of one article."""
    article, config = source.article, work.config
    assets = AssetCollector(config, work.exists, work.resolve)
    envs = work.environments()
    files, entries = {}, []
    langs = [lang for lang in config.languages if (article.id, lang) in work.published]
    for lang in langs:
        found = None if lang == article.lang else work.translations[(article.id, lang)]
        result = translate(article, source.document, source.segments, lang, found,
                           _url_rewriter(article, lang, assets, work.published, work.ids))
        entry = _entry(result, assets)
        entries.append(entry)
        context = _article_context(config, result, entry, langs, work.collections)
        files[f"{lang}/{article.id}/index.html"] = render.render(envs[lang], "article.html", context).encode()
    return _ArticlePages(files, entries, assets.assets, assets.problems)


def visible_collections(sources: tuple[SourceArticle, ...]) -> tuple[str, ...]:
    return tuple(sorted({s.article.collection for s in sources}))


def _url_rewriter(article: Article, lang: str, assets: AssetCollector, published: set, ids: Mapping[str, str]):
    def rewrite(kind: str, url: str) -> str:
        if kind == "image":
            return assets.url_for(article, lang, url)
        return link_for(article, lang, url, published, ids)
    return rewrite


def _entry(result: Translated, assets: AssetCollector) -> Entry:
    article = result.article
    image = article.metadata.get("image")
    image_url = assets.url_for(article, result.lang, image) if isinstance(image, str) and image else None
    return Entry(
        id=article.id, lang=result.lang, url=page_url(result.lang, article.id),
        title=result.value("title", article.id),
        title_lang=article.lang if "title" in result.fallback_values else result.lang,
        summary=result.value("description"),
        summary_lang=article.lang if "description" in result.fallback_values else result.lang,
        date=article.date, image_url=image_url, collection=article.collection,
        excerpt=excerpt(result.value("description") or result.first_paragraph, EXCERPT_CHARS),
        excerpt_lang=(article.lang if "description" in result.fallback_values else result.lang)
        if result.value("description") else result.lang,
    )


def _site(config: Config) -> dict:
    return {"name": config.site_name, "base_url": config.base_url, "languages": config.languages,
            "default_language": config.default_language}


def _root_page(config: Config) -> dict:
    return {"title": config.site_name, "description": "", "url": "/", "canonical": config.base_url + "/",
            "alternates": [(lang, f"/{lang}/") for lang in config.languages], "og_locale": "", "og_image": None}


def _article_context(config: Config, result: Translated, entry: Entry, langs: list[str],
                     collections: tuple[str, ...]) -> dict:
    lang, article = result.lang, result.article
    alternates = [(other, page_url(other, article.id)) for other in langs]
    return {
        "lang": lang,
        "site": _site(config),
        "collections": collections,
        "page": {
            "title": entry.title, "description": entry.summary, "url": entry.url,
            "canonical": config.base_url + entry.url,
            "alternates": alternates,
            "x_default": page_url(article.lang, article.id),
            "og_locale": og_locale(lang),
            "og_image": config.base_url + entry.image_url if entry.image_url else None,
        },
        "article": {
            "id": article.id, "collection": article.collection, "title": entry.title,
            "title_lang": entry.title_lang, "summary": entry.summary, "summary_lang": entry.summary_lang,
            "date": article.date, "image_url": entry.image_url,
            "body": render.Markup(result.body_html), "source_lang": article.lang,
            "fallback": result.fallback_lang is not None,
            "reading_minutes": reading_minutes(result.body_words, lang),
            "lunar": _lunar_line(config, article, lang),
        },
        "switcher": [(other, page_url(other, article.id)) for other in langs if other != lang],
    }


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


def _list_pages(config: Config, env, lang: str, entries: list[Entry], collections: tuple[str, ...]) -> dict[str, bytes]:
    files = {}
    home_page = {"title": config.site_name, "description": "", "url": f"/{lang}/",
                 "canonical": f"{config.base_url}/{lang}/",
                 "alternates": [(other, f"/{other}/") for other in config.languages],
                 "x_default": f"/{config.default_language}/", "og_locale": og_locale(lang), "og_image": None}
    files[f"{lang}/index.html"] = render.render(env, "home.html", {
        "lang": lang, "site": _site(config), "collections": collections, "page": home_page,
        "entries": entries[: config.page_size],
        "switcher": [(other, f"/{other}/") for other in config.languages if other != lang]}).encode()
    for collection in collections:
        own = [e for e in entries if e.collection == collection]
        pages = max(1, -(-len(own) // config.page_size))
        for number in range(1, pages + 1):
            url = f"/{lang}/{collection}/" + ("" if number == 1 else f"page/{number}/")
            chunk = own[(number - 1) * config.page_size: number * config.page_size]
            page = {**home_page, "title": collection_label(collection), "url": url,
                    "canonical": config.base_url + url,
                    "alternates": [(other, url.replace(f"/{lang}/", f"/{other}/", 1)) for other in config.languages],
                    "x_default": url.replace(f"/{lang}/", f"/{config.default_language}/", 1)}
            files[url.lstrip("/") + "index.html"] = render.render(env, "list.html", {
                "lang": lang, "site": _site(config), "collections": collections, "page": page,
                "collection": collection, "entries": chunk, "number": number, "pages": pages,
                "previous_url": None if number == 1 else (f"/{lang}/{collection}/" if number == 2 else
                                                          f"/{lang}/{collection}/page/{number - 1}/"),
                "next_url": None if number == pages else f"/{lang}/{collection}/page/{number + 1}/",
                "switcher": [(other, page["alternates"][i][1]) for i, other in enumerate(config.languages)
                             if other != lang]}).encode()
    return files


def _sitemap_pairs(config: Config, entries: list[Entry]) -> list[dict]:
    by_id: dict[str, dict[str, str]] = {}
    for entry in entries:
        by_id.setdefault(entry.id, {})[entry.lang] = config.base_url + entry.url
    pairs = []
    for article_id in sorted(by_id):
        versions = by_id[article_id]
        for lang in sorted(versions):
            pairs.append({"loc": versions[lang], "alternates": sorted(versions.items())})
    for lang in config.languages:
        homes = [(other, f"{config.base_url}/{other}/") for other in config.languages]
        pairs.append({"loc": f"{config.base_url}/{lang}/", "alternates": homes})
    return pairs
