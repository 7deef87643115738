"""The pages made from every published article's entry: the home page and collection lists of each
language, its feeds (the language's and each collection's), its tag pages and search page, the root
and 404 pages and the sitemap. Values in, page plans out (`pipeline.pages.PagePlan`), rendered by the build."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Mapping
from urllib.parse import quote

from pipeline.config import Config
from pipeline.links import PAGES_FOLDER, SEARCH_FOLDER
from pipeline.locales import og_locale
from pipeline.pages import SEARCH_TEMPLATE, BuildOptions, Entry, PagePlan, collection_label, site_context
from pipeline.tags import TAGS_FOLDER, tag_folder, tag_label, tag_url

FEED_ENTRIES = 50  # the newest entries a feed shows


def _sort_key(entry: Entry) -> tuple:
    return (-(entry.date.toordinal() if entry.date else 0), entry.id)


@dataclass(frozen=True)
class PlanGroup:
    """Index pages planned together: a list's pages (a collection's or a tag's, in one language),
    or one page. A list's pages are made from its `entries` and `besides`, the configuration and
    the collections, nothing else: a build whose list shows what it showed need not plan them
    again (the sitemap is such a group too: what it shows of each entry is in `besides`). A page
    of its own has no `entries` (None): it is cheap to plan."""

    key: str
    entries: tuple[Entry, ...] | None
    besides: tuple
    make: Callable[[], list[PagePlan]]


def index_pages(config: Config, entries: list[Entry], collections: tuple[str, ...],
                options: BuildOptions) -> list[PlanGroup]:
    """The pages made from every article's entry, by group: each list's pages, then the feeds, the
    tags indexes, the search, root and 404 pages and the sitemap, a group each. `entries` are those
    of every published article page."""
    entries = sorted(entries, key=_sort_key)
    groups = []
    for lang in config.languages:
        own = [e for e in entries if e.lang == lang]
        groups.extend(_list_pages(config, lang, own, collections))
        groups.append(_one(_feed(config, lang, own, options)))
        groups.extend(_one(_feed(config, lang, [e for e in own if e.collection == c], options, c)) for c in collections)
    groups.extend(_tag_pages(config, entries, collections))
    groups.extend(_one(plan) for plan in _search_pages(config, collections))
    plans = []
    home, default = config.home_language, config.default_language
    bilingual = {"lang": home, "site": site_context(config), "languages": home_first(config), "bilingual": True,
                 "collections": collections}
    plans.append(PagePlan("index.html", home, "root.html", {**bilingual, "page": _root_page(config)}))
    not_found = {**_root_page(config), "canonical": None, "alternates": []}
    del not_found["x_default"]
    plans.append(PagePlan("404.html", home, "404.html", {**bilingual, "page": not_found}))
    shown = tuple((e.id, e.lang, e.url, e.updated.toordinal() if e.updated else None) for e in entries)
    sitemap = PlanGroup("sitemap", (), shown, lambda: [PagePlan("sitemap.xml", default, "sitemap.xml", {
        "site": site_context(config), "pairs": _sitemap_pairs(config, entries)})])
    return groups + [_one(plan) for plan in plans] + [sitemap]


def _one(plan: PagePlan) -> PlanGroup:
    return PlanGroup(plan.path, None, (), lambda: [plan])


def home_first(config: Config) -> tuple[str, ...]:
    """The languages in the order the root and 404 pages show them: the home language first."""
    return (config.home_language, *(lang for lang in config.languages if lang != config.home_language))


def _root_page(config: Config) -> dict:
    """The root page: the choice of language, itself the page for readers of no listed language
    (x-default); its alternates are the language homes."""
    return {"title": config.site_name, "description": "", "url": "/", "canonical": config.base_url + "/",
            "alternates": [(lang, f"/{lang}/") for lang in config.languages], "x_default": "/",
            "og_locale": "", "og_image": None}


def _list_pages(config: Config, lang: str, entries: list[Entry], collections: tuple[str, ...]) -> list[PlanGroup]:
    """A language's home page and the list pages of each collection in it."""
    home_page = _home_page(config, lang)
    groups = [_one(PagePlan(f"{lang}/index.html", lang, "home.html", {
        "lang": lang, "site": site_context(config), "collections": collections, "page": home_page,
        "entries": entries[: config.page_size],
        "switcher": [(other, f"/{other}/") for other in config.languages if other != lang]}))]
    for collection in collections:
        own = [e for e in entries if e.collection == collection]
        pages = max(1, -(-len(own) // config.page_size))
        listing = _Listing(lambda other, c=collection: f"/{other}/{c}/", str, dict.fromkeys(config.languages, pages),
                           "list.html", {"title": collection_label(collection), "collection": collection})
        groups.append(PlanGroup(f"list {lang} {collection}", tuple(own), (),
                                lambda own=own, listing=listing: _paged(config, lang, own, listing, collections)))
    return groups


def _home_page(config: Config, lang: str) -> dict:
    return {"title": config.site_name, "description": "", "url": f"/{lang}/",
            "canonical": f"{config.base_url}/{lang}/",
            "alternates": [(other, f"/{other}/") for other in config.languages],
            "x_default": "/", "og_locale": og_locale(lang), "og_image": None}  # the root: the choice of language


@dataclass(frozen=True)
class _Listing:
    """One list of entries shown `page_size` at a time, newest first: a collection's or a tag's."""

    folder: Callable[[str], str]  # language → the site path of its first page (`/en/news/`)
    url: Callable[[str], str]  # site path → its URL (percent-encoded where needed)
    pages_in: Mapping[str, int]  # language → how many pages the list has in it (page n's alternates have n)
    template: str
    values: Mapping  # what the template shows besides the entries: its `title` (English) first


def _numbered(folder: str, number: int) -> str:
    return folder if number == 1 else f"{folder}{PAGES_FOLDER}/{number}/"


def _paged(config: Config, lang: str, entries: list[Entry], listing: _Listing,
           collections: tuple[str, ...]) -> list[PagePlan]:
    """The pages of one list in `lang`, each with its neighbours and its versions in other languages."""
    plans, pages = [], listing.pages_in[lang]
    for number in range(1, pages + 1):
        at = {other: listing.url(_numbered(listing.folder(other), number)) for other in config.languages
              if listing.pages_in.get(other, 0) >= number}
        url = at[lang]
        page = {**_home_page(config, lang), "title": listing.values["title"], "url": url,
                "canonical": config.base_url + url, "alternates": list(at.items()),
                "x_default": at.get(config.home_language, url)}
        near = {step: listing.url(_numbered(listing.folder(lang), number + step)) if 1 <= number + step <= pages
                else None for step in (-1, 1)}
        plans.append(PagePlan(_numbered(listing.folder(lang), number).lstrip("/") + "index.html", lang,
                              listing.template, {
            "lang": lang, "site": site_context(config), "collections": collections, "page": page, **listing.values,
            "entries": entries[(number - 1) * config.page_size: number * config.page_size],
            "number": number, "pages": pages, "previous_url": near[-1], "next_url": near[1],
            "switcher": [(other, other_url) for other, other_url in at.items() if other != lang]}))
    return plans


def _tag_pages(config: Config, entries: list[Entry], collections: tuple[str, ...]) -> list[PlanGroup]:
    """In each language, the index of its tags (`<lang>/tags/`) and the list of each tag that a
    published page in that language carries (`<lang>/tags/<slug>/`, paged as collections are)."""
    tagged: dict[str, dict[str, list[Entry]]] = {lang: {} for lang in config.languages}
    for entry in entries:  # (newest first)
        for slug in entry.tags:
            tagged[entry.lang].setdefault(slug, []).append(entry)
    groups = []
    for lang in config.languages:
        groups.append(_one(_tags_index(config, lang, tagged[lang], collections)))
        for slug, own in sorted(tagged[lang].items()):
            pages_in = {other: -(-len(tagged[other][slug]) // config.page_size) for other in config.languages
                        if slug in tagged[other]}
            listing = _Listing(lambda other, s=slug: tag_folder(other, s), quote, pages_in, "tag.html",
                               {"title": tag_label(slug), "tag": {"slug": slug, "label": tag_label(slug),
                                                                  "count": len(own)},
                                "tags_url": f"/{lang}/{TAGS_FOLDER}/"})
            groups.append(PlanGroup(f"tag {lang} {slug}", tuple(own), tuple(sorted(pages_in.items())),
                                    lambda lang=lang, own=own, listing=listing: _paged(config, lang, own, listing,
                                                                                     collections)))
    return groups


def _tags_index(config: Config, lang: str, tagged: Mapping[str, list[Entry]],
                collections: tuple[str, ...]) -> PagePlan:
    return _in_every_language(config, lang, TAGS_FOLDER, "Tags", "tags.html", collections, {
        "tags": [{"slug": slug, "label": tag_label(slug), "url": tag_url(lang, slug), "count": len(own)}
                 for slug, own in sorted(tagged.items())]})


def _in_every_language(config: Config, lang: str, folder: str, title: str, template: str,
                       collections: tuple[str, ...], values: Mapping) -> PagePlan:
    """The page of `lang` of those every language has at `/<lang>/<folder>/` (the tags index, the
    search page), each the others' alternate; `title` is English (the template translates it)."""
    url = f"/{lang}/{folder}/"
    alternates = [(other, f"/{other}/{folder}/") for other in config.languages]
    page = {**_home_page(config, lang), "title": title, "url": url, "canonical": config.base_url + url,
            "alternates": alternates, "x_default": f"/{config.home_language}/{folder}/"}
    return PagePlan(f"{url.lstrip('/')}index.html", lang, template, {
        "lang": lang, "site": site_context(config), "collections": collections, "page": page, **values,
        "switcher": [(other, link) for other, link in alternates if other != lang]})


def _feed(config: Config, lang: str, entries: list[Entry], options: BuildOptions,
          collection: str | None = None) -> PagePlan:
    """A language's Atom feed (`<lang>/atom.xml`), or a collection's in it (`<lang>/<collection>/atom.xml`):
    its newest entries."""
    folder = f"/{lang}/" + (f"{collection}/" if collection else "")
    return PagePlan(f"{folder.lstrip('/')}atom.xml", lang, "atom.xml", {
        "lang": lang, "site": site_context(config), "entries": entries[:FEED_ENTRIES], "collection": collection,
        "page_url": quote(folder), "feed_url": quote(folder + "atom.xml"),
        "updated": max((e.updated for e in entries if e.updated), default=options.today)})


def _sitemap_pairs(config: Config, entries: list[Entry]) -> list[dict]:
    """One sitemap entry per page, each with every language version of its article (one shared,
    sorted list per article), ordered by article id and language; then the home pages."""
    versions: dict[str, list[tuple[str, str]]] = {}
    changed: dict[str, dt.date | None] = {}  # page URL → its last change (`lastmod`)
    for entry in sorted(entries, key=lambda e: (e.id, e.lang)):
        versions.setdefault(entry.id, []).append((entry.lang, config.base_url + entry.url))
        changed[config.base_url + entry.url] = entry.updated
    pairs = [{"loc": url, "alternates": alternates, "lastmod": changed[url]}
             for alternates in versions.values() for _, url in alternates]
    for lang in config.languages:
        homes = [(other, f"{config.base_url}/{other}/") for other in config.languages]
        newest = max((e.updated for e in entries if e.lang == lang and e.updated), default=None)
        pairs.append({"loc": f"{config.base_url}/{lang}/", "alternates": homes, "lastmod": newest})
    return pairs


def _search_pages(config: Config, collections: tuple[str, ...]) -> list[PagePlan]:
    """The search page of each language (`/<lang>/search/`), which reads that language's index
    (`pipeline.search`)."""
    return [_in_every_language(config, lang, SEARCH_FOLDER, "Search", SEARCH_TEMPLATE, collections,
                               {"search_index": f"/{lang}/{SEARCH_FOLDER}/index.json"})
            for lang in config.languages]
