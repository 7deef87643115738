"""Orchestration: read everything, compute everything, then write atomically. The only module
that touches the project's files (besides `files`, which it uses to write)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pipeline import __version__
from pipeline import catalog as catalogs
from pipeline import words
from pipeline.config import Config
from pipeline.content import Article, decode_source, parse_article
from pipeline.errors import PipelineError
from pipeline.files import write_text_atomic
from pipeline.checks import check_article_body, check_catalog
from pipeline.model import Catalog, Diagnostic, Message
from pipeline.po import decode_po, parse_po
from pipeline.segment import Segment

ARTICLE_SUFFIXES = (".md", ".markdown")
Progress = Callable[[str, int, int], None]  # (what, done, total): the CLI draws it; library code stays silent


def _no_progress(what: str, done: int, total: int) -> None:
    pass


# --- reading ---------------------------------------------------------------------------------------


def article_files(config: Config) -> list[Path]:
    """Every article file under content/, in a stable order (assets and top-level files excluded)."""
    root = config.content_dir
    if not root.is_dir():
        return []
    found = [path for path in root.rglob("*")
             if article_id_of(path.relative_to(root).as_posix()) is not None and path.is_file()]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def article_id_of(relative: str) -> str | None:
    """The id of the article a path under the content folder ("/" between its parts) names, or None:
    an asset, a hidden file, a file at the top or one with another suffix is no article."""
    if _asset_or_hidden(relative):
        return None
    base, dot, suffix = relative.rpartition(".")
    return base if dot and f".{suffix.lower()}" in ARTICLE_SUFFIXES and "/" in relative else None


def _asset_or_hidden(relative: str) -> bool:
    return relative.startswith(("assets/", ".")) or "/." in relative


# What the build writes besides article pages (see `site.index_pages`, `site._list_pages`, and the
# static and image files `publish` copies), by where it lies in the site:
#   index.html  404.html  sitemap.xml  static/…  assets/…  <collection>/<image>  (images keep their
#   path under the content folder)
#   <lang>/index.html  <lang>/atom.xml  <lang>/<collection>/index.html  <lang>/<collection>/page/<n>/index.html
# An article's page is <lang>/<id>/index.html, so a collection must not be named like anything at the
# top of the site or of a language folder, and no part of an id may be named index.html (the page of
# the folder above it) nor may a collection's page/ folder hold articles.
_TAKEN_COLLECTIONS = {
    "index.html": "the site's home page (index.html and <lang>/index.html)",
    "404.html": "the site's 404.html page",
    "sitemap.xml": "the site's sitemap.xml",
    "atom.xml": "the feed of each language (<lang>/atom.xml)",
    "static": "the folder of the templates' static files (static/)",
    "assets": "the images' folder (content/assets/ holds images, not articles)",
}
PAGES_FOLDER = "page"  # <lang>/<collection>/page/<n>/: the later pages of a collection's list


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
    if len(parts) > 2 and parts[1] == PAGES_FOLDER:
        return (f"{article_id.split('/')[0]}/{PAGES_FOLDER}/ holds the later pages of the collection's list "
                f"(/<lang>/{article_id.split('/')[0]}/{PAGES_FOLDER}/2/ …); no article can live there")
    return None


def reserved_id_diagnostic(shown: str, article_id: str, languages: Iterable[str]) -> Diagnostic | None:
    """The located error for an article file whose id `article_id_problem` refuses."""
    problem = article_id_problem(article_id, languages)
    if problem is None:
        return None
    return Diagnostic(shown, 0, "reserved-path", f"article id {article_id!r}: {problem}",
                      hint="rename the file or its folder")


def article_id(config: Config, path: Path) -> str:
    relative = path.relative_to(config.content_dir).as_posix()
    return relative.rsplit(".", 1)[0]


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
        if "/LC_MESSAGES/" in relative and relative.endswith(".po"):
            return ChangedFile("catalog", relative.split("/LC_MESSAGES/", 1)[1][:-len(".po")], relative)
        if relative.endswith(".pot"):
            return ChangedFile("template", relative.removeprefix("templates/")[:-len(".pot")], relative)
    return ChangedFile("other")


def load_articles(config: Config, only: set[str] | None = None) -> tuple[Article, ...]:
    """Read and parse every article (or those whose ids are in `only`; ids are checked for
    duplicates across all); raise one error listing every problem found."""
    articles, problems = [], []
    seen: dict[str, str] = {}
    for path in article_files(config):
        shown = config.relative(path)
        identity = article_id(config, path)
        first = seen.get(identity.lower())
        if first is not None:
            problems.append(Diagnostic(shown, 1, "duplicate-id",
                                       f"article id {identity!r} is already used by {first}",
                                       hint="rename one of the two files"))
            continue
        seen[identity.lower()] = shown
        reserved = reserved_id_diagnostic(shown, identity, config.languages)
        if reserved is not None:
            problems.append(reserved)
            continue
        if only is not None and identity not in only:
            continue
        try:
            text = decode_source(path.read_bytes(), shown)
            articles.append(parse_article(text, identity, shown, config.default_language))
        except PipelineError as error:
            problems.extend(error.diagnostics)
    if problems:
        raise PipelineError(problems)
    return tuple(articles)


def read_catalog(config: Config, path: Path) -> Catalog | None:
    if not path.is_file():
        return None
    shown = config.relative(path)
    return parse_po(decode_po(path.read_bytes(), shown), shown)


def template_path(config: Config, article: Article) -> Path:
    return config.locale_dir / "templates" / f"{article.id}.pot"


def catalog_path(config: Config, lang: str, article_id_: str) -> Path:
    return config.locale_dir / lang / "LC_MESSAGES" / f"{article_id_}.po"


def target_languages(config: Config, article: Article) -> tuple[str, ...]:
    return tuple(lang for lang in config.languages if lang != article.lang)


def all_catalogs(config: Config, lang: str) -> dict[Path, Catalog]:
    """Every catalog of one language (article catalogs and ui.po), read and checked."""
    folder = config.locale_dir / lang / "LC_MESSAGES"
    found, problems = {}, []
    for path in sorted(folder.rglob("*.po")) if folder.is_dir() else ():
        try:
            found[path] = read_catalog(config, path)
        except PipelineError as error:
            problems.extend(error.diagnostics)
    if problems:
        raise PipelineError(problems)
    return found


# --- extraction -----------------------------------------------------------------------------------


def creation_time() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)


def code_fingerprint() -> str:
    """The pipeline's own code: a cache written by another version of it is not trusted."""
    digest = hashlib.sha256(__version__.encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def article_segments(config: Config, article: Article, parser=None) -> tuple[Segment, ...]:
    """The units of an article (`parser`: a `markdown.Parser` to reuse for many articles)."""
    from pipeline.site import prepare

    return prepare(config, article, parser).segments


# --- status ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusRow:
    article: str
    lang: str
    catalog: str
    stats: catalogs.Statistics
    words_left: int

    def as_dict(self) -> dict:
        s = self.stats
        return {"article": self.article, "language": self.lang, "catalog": self.catalog,
                "translated": s.translated, "fuzzy": s.fuzzy, "untranslated": s.untranslated,
                "obsolete": s.obsolete, "percent": round(s.percent, 1), "words_left": self.words_left}


def status(config: Config) -> tuple[StatusRow, ...]:
    """Per article and target language: counts, percent complete, source words left to translate."""
    rows = []
    for article in load_articles(config):
        for lang in target_languages(config, article):
            path = catalog_path(config, lang, article.id)
            found = read_catalog(config, path) or Catalog(header=None, messages=())
            if not path.is_file():
                # not extracted yet: everything is left to do
                segs = article_segments(config, article)
                found = Catalog(header=None, messages=tuple(
                    Message(msgid=s.msgid, msgctxt=s.msgctxt) for s in
                    {(s.msgctxt, s.msgid): s for s in segs}.values()))
            left = sum(words.count_words(m.msgid) for m in found.messages if not m.obsolete and not m.translated)
            rows.append(StatusRow(article.id, lang, config.relative(path), catalogs.statistics(found), left))
    return tuple(rows)


# --- interface strings ------------------------------------------------------------------------------


def ui_paths(config: Config) -> tuple[Path, dict[str, Path]]:
    pot = config.locale_dir / "ui.pot"
    return pot, {lang: config.locale_dir / lang / "LC_MESSAGES" / "ui.po"
                 for lang in config.languages if lang != config.default_language}


def check_project(config: Config) -> tuple[Diagnostic, ...]:
    """Everything `pipeline check` reports: articles, front matter, every catalog and translation."""
    from pipeline.content import check_front_matter
    from pipeline.site import prepare

    problems: list[Diagnostic] = []
    try:
        articles = load_articles(config)
    except PipelineError as error:
        problems.extend(error.diagnostics)
        articles = ()
    for article in articles:
        problems.extend(check_front_matter(article, config.collection(article.collection), config.languages))
        try:
            source = prepare(config, article)
        except PipelineError as error:
            problems.extend(error.diagnostics)
            continue
        problems.extend(check_article_body(article, source.document))
    for lang in config.languages:
        folder = config.locale_dir / lang / "LC_MESSAGES"
        for path in sorted(folder.rglob("*.po")) if folder.is_dir() else ():
            try:
                cat = read_catalog(config, path)
            except PipelineError as error:
                problems.extend(error.diagnostics)
                continue
            problems.extend(check_catalog(cat, config.relative(path), lang, config.languages,
                                          interface=path == ui_paths(config)[1].get(lang)))
    return tuple(problems)


def ui_translations(config: Config) -> dict[str, dict[str, str]]:
    _, paths = ui_paths(config)
    result = {}
    for lang, path in paths.items():
        cat = read_catalog(config, path)
        result[lang] = {msgid: text for (_ctxt, msgid), text in catalogs.translations(cat).items()} if cat else {}
    return result


# --- new articles ------------------------------------------------------------------------------------


def new_article(config: Config, article_id: str, lang: str | None, today: dt.date) -> Path:
    """Write content/<article_id>.md with the collection's front-matter keys; never overwrite."""
    from pipeline.content import front_matter_skeleton

    problems = _new_article_problems(config, article_id, lang)
    if problems:
        raise PipelineError([Diagnostic(article_id, 0, "usage", p) for p in problems])
    path = config.content_dir / f"{article_id}.md"
    existing = [p for p in (path.with_suffix(s) for s in ARTICLE_SUFFIXES) if p.exists()]
    existing += [p for p in article_files(config)  # the same id in other letter cases: one page on most disks
                 if article_id_of(p.relative_to(config.content_dir).as_posix()).lower() == article_id.lower()]
    if existing:
        raise PipelineError(Diagnostic(config.relative(existing[0]), 1, "exists",
                                       "an article with this id already exists; it was not changed",
                                       hint="choose another slug, or edit the existing file"))
    collection = article_id.split("/", 1)[0]
    siblings = [a for a in _articles_quietly(config) if a.collection == collection]
    model = max(siblings, key=lambda a: (a.date or dt.date.min, a.id), default=None)
    settings = config.collection(collection)
    keys = tuple(dict.fromkeys(settings.required + tuple(k.split(".")[0].split("[")[0] for k in settings.translate)))
    text = front_matter_skeleton(model, keys, today, lang if lang and lang != config.default_language else None)
    write_text_atomic(path, text)
    return path


def _new_article_problems(config: Config, article_id: str, lang: str | None) -> list[str]:
    problems = []
    mistake = id_spelling_problem(article_id)
    if mistake is None and article_id_of(f"{article_id}.md") != article_id:
        mistake = "it names no article (content/assets/ holds images)"
    if mistake is None:
        mistake = article_id_problem(article_id, config.languages) or _linked_folder(config, article_id)
    if mistake is not None:
        problems.append(f"{article_id!r} is not <collection>/<slug> inside {config.relative(config.content_dir)}/ "
                        f"(e.g. news-and-events/new-post-office): {mistake}")
    if lang is not None and lang not in config.languages:
        problems.append(f"--lang {lang!r} is not one of the configured languages {list(config.languages)}")
    return problems


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


def _linked_folder(config: Config, article_id: str) -> str | None:
    """A folder on the way to the article's file that is a symbolic link (the walk of the content
    folder does not follow them, and the file would land wherever it points), or None."""
    folder = config.content_dir
    for part in article_id.split("/")[:-1]:
        folder = folder / part
        if folder.is_symlink():
            return f"{config.relative(folder)} is a symbolic link"
    return None


def _articles_quietly(config: Config) -> tuple[Article, ...]:
    """The articles that parse; a broken neighbour must not stop an editor from starting a new one."""
    found = []
    for path in article_files(config):
        try:
            text = decode_source(path.read_bytes(), config.relative(path))
            found.append(parse_article(text, article_id(config, path), config.relative(path), config.default_language))
        except PipelineError:
            continue
    return tuple(found)
