"""Where each file of a project lives: the one place that spells out the folder layout.

    content/<collection>/<slug>.md                       an article (its id: <collection>/<slug>)
    content/assets/…                                     images, never articles
    locale/templates/<id>.pot                            what there is to translate in an article
    locale/<lang>/LC_MESSAGES/<id>.po                    its translation into <lang>
    locale/ui.pot, locale/<lang>/LC_MESSAGES/ui.po       the interface strings of the templates
    .cache/pipeline/…                                    what earlier runs left (safe to delete)
    .cache/preview/                                      the preview site of `pipeline serve`

Which ids may name an article is decided here too, from what a build writes: an article must not
take the place of a page the build makes. Path rules only; `changed_files` resolves links."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.config import Config
from pipeline.content import Article
from pipeline.model import Diagnostic
from pipeline.links import PAGES_FOLDER, SEARCH_FOLDER
from pipeline.tags import TAGS_FOLDER

ARTICLE_SUFFIXES = (".md", ".markdown")
CATALOGS = "LC_MESSAGES"
FEED = "atom.xml"  # each language's feed, and each collection's in it


# --- articles ----------------------------------------------------------------------------------------


def article_id_of(relative: str) -> str | None:
    """The id of the article a path under the content folder ("/" between its parts) names, or None:
    an asset, a hidden file, a file at the top or one with another suffix is no article."""
    if _asset_or_hidden(relative):
        return None
    base, dot, suffix = relative.rpartition(".")
    return base if dot and f".{suffix.lower()}" in ARTICLE_SUFFIXES and "/" in relative else None


def _asset_or_hidden(relative: str) -> bool:
    return relative.startswith(("assets/", ".")) or "/." in relative


# What the build writes besides article pages (see `indexes.index_pages`, `pipeline.search_index`,
# and the static and image files the build copies), by where it lies in the site:
#   index.html  404.html  sitemap.xml  static/…  assets/…  <collection>/<image>  (images keep their
#   path under the content folder)
#   <lang>/index.html  <lang>/atom.xml  <lang>/<collection>/index.html  <lang>/<collection>/page/<n>/index.html
#   <lang>/<collection>/atom.xml  <lang>/tags/…  <lang>/search/…
# An article's page is <lang>/<id>/index.html, so a collection must not be named like anything at the
# top of the site or of a language folder, and no part of an id may be named index.html (the page of
# the folder above it) nor may a collection's page/ folder hold articles, nor its atom.xml be a folder.
_TAKEN_COLLECTIONS = {
    "index.html": "the site's home page (index.html and <lang>/index.html)",
    "404.html": "the site's 404.html page",
    "sitemap.xml": "the site's sitemap.xml",
    "atom.xml": "the feed of each language (<lang>/atom.xml)",
    TAGS_FOLDER: "the tag pages of each language (<lang>/tags/)",
    SEARCH_FOLDER: "the search page of each language (<lang>/search/)",
    "static": "the folder of the templates' static files (static/)",
    "assets": "the images' folder (content/assets/ holds images, not articles)",
}


def article_id_problem(article_id: str, languages: Iterable[str]) -> str | None:
    """Why an article with this id (`collection/slug`, or deeper) would have its pages where the
    build writes something else, or None. Names are compared in lower case, as a file system that
    ignores case (macOS, Windows, many web servers' disks) would."""
    parts = article_id.lower().split("/")
    collection = parts[0]
    if collection in (lang.lower() for lang in languages):
        return (f"the collection {article_id.split('/')[0]!r} is named like the language folder /{collection}/ "
                "of the site")
    if collection in _TAKEN_COLLECTIONS:
        return f"the collection {article_id.split('/')[0]!r} is named like {_TAKEN_COLLECTIONS[collection]}"
    if "index.html" in parts[1:]:
        return "a folder or slug named index.html would take the place of the page of the folder above it"
    if len(parts) > 1 and parts[1] == FEED:
        shown = article_id.split('/')[0]
        return f"{shown}/{FEED} is the collection's feed (/<lang>/{shown}/{FEED}); no article can live there"
    if len(parts) > 2 and parts[1] == PAGES_FOLDER:
        return (f"{article_id.split('/')[0]}/{PAGES_FOLDER}/ holds the later pages of the collection's list "
                f"(/<lang>/{article_id.split('/')[0]}/{PAGES_FOLDER}/2/ …); no article can live there")
    return None


_LANGUAGE_FOLDERS = (TAGS_FOLDER, SEARCH_FOLDER)  # <lang>/tags/…, <lang>/search/…: made whole by the build
_TAKEN_FILES = {"index.html": "the site's home page", "404.html": "the site's 404.html page",
                "sitemap.xml": "the site's sitemap.xml"}


def site_path_problem(relative: str, languages: Iterable[str], collections: Iterable[str]) -> str | None:
    """Which page or folder the build makes lies at `relative`, a file path of the site
    (`en/news/index.html`), or None: the pages at the top, the static and image folders, and in each
    language its home page, its feed, its tag and search pages, and the list pages and feed of each
    collection. Compared in lower case."""
    parts = relative.lower().split("/")  # (a file the build makes is no folder either: index.html/… is taken)
    if parts[0] in _TAKEN_FILES:
        return _TAKEN_FILES[parts[0]]
    if parts[0] in ("static", "assets"):
        return _TAKEN_COLLECTIONS[parts[0]]
    if parts[0] not in (lang.lower() for lang in languages) or len(parts) < 2:
        return None
    rest = parts[1:]
    if rest[0] in ("index.html", FEED):
        return f"the {'home page' if rest[0] == 'index.html' else 'feed'} of /{parts[0]}/"
    if rest[0] in _LANGUAGE_FOLDERS:
        return _TAKEN_COLLECTIONS[rest[0]].replace("<lang>", parts[0])
    if rest[0] in (c.lower() for c in collections) and rest[1:2] == [FEED]:
        return f"the feed of the collection {rest[0]!r} (/{parts[0]}/{rest[0]}/{FEED})"
    if rest[0] in (c.lower() for c in collections) and (rest[1:] == ["index.html"] or rest[1:2] == [PAGES_FOLDER]):
        return f"the list of the collection {rest[0]!r} (/{parts[0]}/{rest[0]}/)"
    return None


def reserved_id_diagnostic(shown: str, article_id: str, languages: Iterable[str]) -> Diagnostic | None:
    """The located error for an article file whose id `article_id_problem` refuses."""
    problem = article_id_problem(article_id, languages)
    if problem is None:
        return None
    return Diagnostic(shown, 0, "reserved-path", f"article id {article_id!r}: {problem}",
                      hint="rename the file or its folder")


def id_spelling_problem(article_id: str) -> str | None:
    """Why a typed article id is not a path of plain names under the content folder, or None:
    `collection/slug` or deeper, each part a visible name (no `.`, `..`, hidden or empty part), with
    `/` and only `/` between them (no backslash, no absolute path, no control character)."""
    if not article_id:
        return "it is empty"
    if any(ord(c) < 32 or ord(c) == 127 for c in article_id):
        return "it holds a control character"
    if "\\" in article_id:
        return "it holds a backslash (write / between the collection and the slug)"
    if article_id.startswith("/") or (len(article_id) > 1 and article_id[1] == ":"):
        return "it is an absolute path"
    if article_id.endswith("/"):
        return "it ends with / (no slug)"
    parts = article_id.split("/")
    if len(parts) < 2:
        return "it has no collection (write collection/slug)"
    if any(part in (".", "..") for part in parts):
        return "it holds . or .. (each part is a name)"
    if any(not part for part in parts):
        return "it holds an empty part (//)"
    if any(part.startswith(".") for part in parts):
        return "it holds a hidden name (starting with .)"
    return None


def article_path(config: Config, article_id: str, suffix: str = ".md") -> Path:
    """Where a (new) article with this id is written."""
    return config.content_dir / f"{article_id}{suffix}"


# --- catalogs ----------------------------------------------------------------------------------------


def catalog_folder(config: Config, lang: str) -> Path:
    """The folder of every catalog in `lang` (the article catalogs and ui.po)."""
    return config.locale_dir / lang / CATALOGS


def catalog_path(config: Config, lang: str, article_id: str) -> Path:
    return catalog_folder(config, lang) / f"{article_id}.po"


def template_path(config: Config, article_id: str) -> Path:
    return config.locale_dir / "templates" / f"{article_id}.pot"


def ui_paths(config: Config) -> tuple[Path, dict[str, Path]]:
    """The template of the interface strings, and its catalog in each language but the default one."""
    pot = config.locale_dir / "ui.pot"
    return pot, {lang: catalog_folder(config, lang) / "ui.po"
                 for lang in config.languages if lang != config.default_language}


def target_languages(config: Config, article: Article) -> tuple[str, ...]:
    """The languages an article has catalogs for: all but its own."""
    return tuple(lang for lang in config.languages if lang != article.lang)


def language_of_catalog(config: Config, shown: str) -> str:
    """The language of a catalog given as shown (`locale/<lang>/LC_MESSAGES/…`)."""
    return shown[len(config.relative(config.locale_dir)) + 1:].split("/", 1)[0]


# --- what earlier runs left --------------------------------------------------------------------------


def cache_folder(config: Config) -> Path:
    """What earlier runs left to save work: safe to delete."""
    return config.root / ".cache" / "pipeline"


def memory_path(config: Config, lang: str) -> Path:
    """The translation memory of one language (an SQLite file)."""
    return cache_folder(config) / f"memory-{lang}.sqlite"


def preview_folder(config: Config) -> Path:
    """The preview site `pipeline serve` builds and serves."""
    return config.root / ".cache" / "preview"


# --- what a changed file is --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangedFile:
    """What a changed file is to the pipeline (see `changed_files`)."""

    kind: str  # "article", "catalog" (ui.po too), "template" (ui.pot too), "content" (images, hidden files), "other"
    article_id: str | None = None  # "ui" for the interface catalogs
    relative: str = ""  # its path under the content or locale folder, with "/"


def changed_files(config: Config, paths: Iterable[str]) -> Iterator[tuple[str, ChangedFile]]:
    """Each file a watcher reported (or a walk found changed) with what it is to the pipeline: an
    article, one of its catalogs or templates under the locale folder, a file under content/ that is
    no article (an image, a hidden file), or anything else (a folder, a template, a file whose role
    only a walk can tell)."""
    content = os.path.realpath(config.content_dir) + os.sep
    locale = os.path.realpath(config.locale_dir) + os.sep
    for path in paths:
        yield path, _changed_file(os.path.realpath(path), content, locale)


def _changed_file(real: str, content: str, locale: str) -> ChangedFile:
    if real.startswith(content):
        relative = real[len(content):].replace(os.sep, "/")
        if _asset_or_hidden(relative):
            return ChangedFile("content", None, relative)
        found = article_id_of(relative)
        if found is not None:
            return ChangedFile("article", found, relative)
    elif real.startswith(locale):
        relative = real[len(locale):].replace(os.sep, "/")
        marker = f"/{CATALOGS}/"
        if marker in relative and relative.endswith(".po"):
            return ChangedFile("catalog", relative.split(marker, 1)[1][:-len(".po")], relative)
        if relative.endswith(".pot"):
            return ChangedFile("template", relative.removeprefix("templates/")[:-len(".pot")], relative)
    return ChangedFile("other")
