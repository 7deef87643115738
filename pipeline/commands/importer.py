"""`pipeline import`: bring an existing hand-translated site into content/ and filled catalogs.

Reads an Astro site (`src/content/<collection>/<lang>/<slug>.md`, or that `src/content` folder,
or any folder of collections) or a flat pair of language folders (`<dir>/en/…`, `<dir>/km/…`).
Each article in the default language is copied into `content/<collection>/<slug>.md` byte for
byte, under a clean id (`clean_slug`: `My Post .md` becomes `my-post`). Only ids change that: an
article whose id was cleaned gets its old page's path as an alias in its front matter (`aliases:`,
which the build turns into a redirect page), and links to such an article (in every article and
translation alike, so that their units still pair) point at its new id. For each of its
translations a catalog `locale/<lang>/LC_MESSAGES/<collection>/<slug>.po` is written whose
entries are the template's (the same extraction path as `pipeline extract`), filled by pairing
the translation's units with the source's (`pipeline.align`).

Like the build, it reads and computes everything first and writes only when nothing failed; it
never replaces an existing article or catalog unless `force` is given.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from pipeline import catalog as catalogs
from pipeline.config import Config
from pipeline.content import Article, decode_source, parse_article
from pipeline.disk.files import write_files_atomic
from pipeline.disk.layout import (ARTICLE_SUFFIXES, article_id_problem, catalog_path, id_spelling_problem,
                                  template_path)
from pipeline.disk.scan import read_regular
from pipeline.errors import PipelineError
from pipeline.links import is_site_local, link_target
from pipeline.markdown import parse, rewrite_destinations
from pipeline.model import Diagnostic
from pipeline.pairing import fill_catalog
from pipeline.po import format_po

# Front-matter keys that name the same page in every language (used when file names differ).
IDENTITY_KEYS = ("translationKey", "translation_key", "permalink", "slug", "id", "ref")


# --- what an import did ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TranslationImport:
    """One translation of one article turned into a catalog."""

    lang: str
    source: str  # the translated file that was read
    catalog: str  # the catalog written (or that would have been written)
    written: bool
    confident: int  # entries filled and not fuzzy
    fuzzy: int  # entries filled but fuzzy (including `kept_in_source`)
    unpaired: int  # entries with no counterpart in the translation (left empty)
    extra: int  # translated units with no source counterpart, kept as translator comments
    kept_in_source: int = 0  # fuzzy entries whose translation repeats the source language
    notes: tuple[str, ...] = ()  # differences in date, image and image list; why nothing was written

    def as_dict(self) -> dict:
        return {"lang": self.lang, "source": self.source, "catalog": self.catalog, "written": self.written,
                "confident": self.confident, "fuzzy": self.fuzzy, "unpaired": self.unpaired,
                "extra": self.extra, "kept_in_source": self.kept_in_source, "notes": list(self.notes)}


@dataclass(frozen=True)
class ArticleImport:
    article_id: str
    source: str  # the source-language file that was read
    content: str  # the article written into content/
    content_status: str  # "written", "unchanged" or "kept" (exists and differs; use force)
    translations: tuple[TranslationImport, ...] = ()
    alias: str = ""  # the old page's path, kept as an alias when the id was cleaned
    notes: tuple[str, ...] = ()  # e.g. an alias that could not be added

    def as_dict(self) -> dict:
        return {"article": self.article_id, "source": self.source, "content": self.content,
                "content_status": self.content_status, "alias": self.alias, "notes": list(self.notes),
                "translations": [t.as_dict() for t in self.translations]}


@dataclass(frozen=True)
class ImportReport:
    articles: tuple[ArticleImport, ...]
    assets: int = 0  # asset files copied
    warnings: tuple[Diagnostic, ...] = ()  # translations without a source article, kept files, …
    written: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"articles": [a.as_dict() for a in self.articles], "assets": self.assets,
                "written": list(self.written),
                "warnings": [{"path": d.path, "line": d.line, "code": d.code, "message": d.message}
                             for d in self.warnings]}


# --- finding the articles -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    path: Path
    shown: str
    relative: str  # path inside its language folder, posix, with suffix


@dataclass(frozen=True)
class FoundArticle:
    """A source-language article and its translations, as found in the site being imported."""

    collection: str
    source: SourceFile
    translations: Mapping[str, SourceFile]

    @property
    def slug(self) -> str:
        return self.source.relative.rsplit(".", 1)[0]

    @property
    def old_id(self) -> str:
        """The article's id on the old site: its collection and slug as they were spelt there."""
        return f"{self.collection}/{self.slug}"


# --- clean ids -------------------------------------------------------------------------------------------

_HYPHENS = re.compile(r"-{2,}")


def clean_slug(slug: str) -> str:
    """An id (or any `/`-separated path of names) that makes a plain URL: in each name, letters
    (Khmer ones included, Latin ones lower-cased), marks and digits are kept with `-`, `_` and
    `.`; spaces and every other character become `-` (invisible formatting characters such as the
    zero-width space are dropped); repeated hyphens become one, and hyphens and dots at either end
    go. `8-Hun -Sen High School ` becomes `8-hun-sen-high-school`. A name may come out empty."""
    return "/".join(_clean_name(name) for name in slug.split("/"))


def _clean_name(name: str) -> str:
    kept = []
    for character in unicodedata.normalize("NFC", name):
        kind = unicodedata.category(character)
        if kind[0] in "LMN" or character in "-_.":
            kept.append(character.lower())
        elif kind != "Cf":
            kept.append("-")
    return _HYPHENS.sub("-", "".join(kept)).strip("-.")


@dataclass(frozen=True)
class SourceSite:
    """What `discover` found in the site being imported."""

    articles: tuple[FoundArticle, ...]
    warnings: tuple[Diagnostic, ...]
    assets: Path | None  # the Astro asset folder (what `@/assets/…` means there)
    folder: Path  # nothing is read from outside it: a symbolic link leading out of it is skipped
    public: Path | None = None  # the Astro public folder (what `/blog/x/image.jpg` means there)


def discover(config: Config, source_dir: Path, collection: str | None = None) -> SourceSite:
    """The articles of a site, their translations, warnings, and the Astro asset folder if any.
    Files are read only inside the source folder (for `…/src/content`, the Astro project holding
    it): a symbolic link that leads out of it is skipped with a warning."""
    source_dir = source_dir.resolve()
    if not source_dir.is_dir():
        raise PipelineError(Diagnostic(str(source_dir), 0, "import", "not a folder"))
    assets = None
    root = boundary = source_dir
    if (source_dir / "src" / "content").is_dir():
        root = source_dir / "src" / "content"
        assets = source_dir / "src" / "assets"
    elif source_dir.name == "src" and (source_dir / "content").is_dir():
        root = source_dir / "content"
        assets = source_dir / "assets"
    elif source_dir.name == "content" and source_dir.parent.name == "src":
        assets = source_dir.parent / "assets"
        boundary = source_dir.parent.parent
    if _language_folders(config, root):
        groups = [(collection or root.name, root)]
    else:
        groups = [(child.name, child) for child in sorted(root.iterdir())
                  if child.is_dir() and not child.name.startswith(".") and _language_folders(config, child)
                  and (collection is None or child.name == collection)]
    if not groups:
        raise PipelineError(Diagnostic(
            str(source_dir), 0, "import",
            f"no articles found: expected src/content/<collection>/<lang>/<slug>.md or folders "
            f"{', '.join(l + '/' for l in config.languages)} inside {source_dir}"))
    found: list[FoundArticle] = []
    warnings: list[Diagnostic] = []
    for name, folder in groups:
        articles, problems = _pair_files(config, name, folder, source_dir, boundary)
        found.extend(articles)
        warnings.extend(problems)
    public = (assets.parent.parent / "public") if assets is not None else None
    return SourceSite(tuple(found), tuple(warnings), assets if assets is not None and assets.is_dir() else None,
                      boundary, public if public is not None and public.is_dir() else None)


def _leads_out(path: Path, folder: Path) -> bool:
    """Whether `path` is (or passes through) a symbolic link to something outside `folder` (resolved)."""
    return not path.resolve().is_relative_to(folder)


def _outside_warning(shown: str, path: Path) -> Diagnostic:
    return Diagnostic(shown, 0, "import", f"a symbolic link to {path.resolve().as_posix()}, outside the "
                      "folder being imported; it was not read", severity="warning")


def _language_folders(config: Config, folder: Path) -> bool:
    """A folder holding `<default language>/` (and usually the translations' folders beside it)."""
    return (folder / config.default_language).is_dir()


def _article_files(folder: Path, boundary: Path) -> tuple[dict[str, Path], list[Path]]:
    """The article files under `folder` by their path in it, and those left out because they lead
    out of `boundary` (symbolic links)."""
    found, outside = {}, []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and path.suffix.lower() in ARTICLE_SUFFIXES \
                and not any(part.startswith((".", "_")) for part in relative.parts):
            if _leads_out(path, boundary):
                outside.append(path)
            else:
                found[relative.as_posix()] = path
    return found, outside


def _pair_files(config: Config, collection: str, folder: Path, base: Path, boundary: Path
                ) -> tuple[list[FoundArticle], list[Diagnostic]]:
    def shown(path: Path) -> str:
        return (Path(base.name) / path.relative_to(base)).as_posix()

    sources, outside = _article_files(folder / config.default_language, boundary)
    pairs: dict[str, dict[str, SourceFile]] = {rel: {} for rel in sources}
    warnings = [_outside_warning(shown(path), path) for path in outside]
    for lang in config.languages:
        if lang == config.default_language or not (folder / lang).is_dir():
            continue
        targets, outside = _article_files(folder / lang, boundary)
        warnings.extend(_outside_warning(shown(path), path) for path in outside)
        leftover = {}
        for rel, path in targets.items():
            if rel in pairs:
                pairs[rel][lang] = SourceFile(path, shown(path), rel)
            else:
                leftover[rel] = path
        unmatched_sources = {rel: sources[rel] for rel in sources if lang not in pairs[rel]}
        for rel, target_rel in _pair_by_identity(unmatched_sources, leftover).items():
            pairs[rel][lang] = SourceFile(leftover[target_rel], shown(leftover[target_rel]), target_rel)
            del leftover[target_rel]
        for rel, path in leftover.items():
            warnings.append(Diagnostic(shown(path), 0, "import",
                                       f"no {config.default_language} article matches this {lang} file "
                                       "(by path or by permalink/id/slug); it was not imported",
                                       severity="warning"))
    articles = [FoundArticle(collection, SourceFile(path, shown(path), rel), pairs[rel])
                for rel, path in sources.items()]
    return articles, warnings


def _pair_by_identity(sources: Mapping[str, Path], targets: Mapping[str, Path]) -> dict[str, str]:
    """Source → target relative paths of files that share a unique identity value in their front matter."""
    if not sources or not targets:
        return {}
    source_ids = {rel: _identity(path) for rel, path in sources.items()}
    target_ids = {rel: _identity(path) for rel, path in targets.items()}
    result: dict[str, str] = {}
    for key in IDENTITY_KEYS:
        by_value: dict[str, list[str]] = {}
        for rel, ids in target_ids.items():
            if key in ids and rel not in result.values():
                by_value.setdefault(ids[key], []).append(rel)
        taken = Counter(ids.get(key) for rel, ids in source_ids.items() if rel not in result)
        for rel, ids in source_ids.items():
            value = ids.get(key)
            if rel in result or value is None or taken[value] != 1:
                continue
            candidates = by_value.get(value, [])
            if len(candidates) == 1:
                result[rel] = candidates[0]
    return result


def _identity(path: Path) -> dict[str, str]:
    try:
        article = parse_article(decode_source(read_regular(path), path.as_posix()), "x/x", path.as_posix(), "en")
    except PipelineError:
        return {}
    return {k: str(article.metadata[k]) for k in IDENTITY_KEYS
            if isinstance(article.metadata.get(k), (str, int)) and str(article.metadata[k]).strip()}


# --- the whole site -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Planned:
    report: ArticleImport
    files: dict[Path, bytes]


def import_site(config: Config, source_dir: Path, force: bool = False,
                collection: str | None = None) -> ImportReport:
    """Import every article of the site at `source_dir` (see the module docstring). Nothing is
    written when any article or translation cannot be read; existing files are kept unless `force`.
    Everything is written under the content and catalog folders (the asset root's assets/, the public
    folder), or nothing is."""
    if collection is not None:
        _check_collection_name(config, collection)
    site = discover(config, source_dir, collection)
    info = catalogs.CatalogInfo(project=config.project, version=config.version, created=catalogs.creation_time(os.environ))
    problems: list[Diagnostic] = []
    planned: list[_Planned] = []
    seen: dict[str, str] = {}
    renames = _Renames({item.old_id.lower(): _new_id(config, item)[0] for item in site.articles}, config.languages)
    for item in site.articles:
        article_id, shown_id, mistake = _new_id(config, item)
        if mistake is not None:
            problems.append(Diagnostic(item.source.shown, 0, "import", f"article id {shown_id}: {mistake}",
                                       hint="import its folder with --collection NAME, or rename it in the source"))
            continue
        if article_id.lower() in seen:
            problems.append(Diagnostic(item.source.shown, 0, "duplicate-id",
                                       f"article id {shown_id} is already used by {seen[article_id.lower()]}",
                                       hint="ids are cleaned into plain URLs (spaces and other characters become -, "
                                       "letters lower case), so the two files get one id; rename one in the source"))
            continue
        seen[article_id.lower()] = item.source.shown
        try:
            planned.append(_plan_article(config, item, article_id, renames, info, force))
        except PipelineError as error:
            problems.extend(error.diagnostics)
    files = {path: data for plan in planned for path, data in plan.files.items()}
    assets, kept = _plan_assets(config, site.assets, config.asset_root / "assets", site.folder, force) \
        if site.assets else ({}, [])
    if site.public is not None:
        public, kept_public = _plan_assets(config, site.public, _public_folder(config), site.folder, force)
        assets.update(public)
        kept += kept_public + _public_setting(config, site.public, public)
    files.update(assets)
    problems.extend(_landing_outside(config, files))
    if problems:
        raise PipelineError(problems)
    write_files_atomic(files)
    return ImportReport(articles=tuple(p.report for p in planned), assets=len(assets),
                        warnings=site.warnings + tuple(kept) + tuple(
                            Diagnostic(plan.report.content, 0, "import", note, severity="warning")
                            for plan in planned for note in plan.report.notes),
                        written=tuple(config.relative(path) for path in files))


def _new_id(config: Config, item: FoundArticle) -> tuple[str, str, str | None]:
    """The article's id here (its collection, and its slug cleaned), the id as shown in messages,
    and why it cannot be an id (or None)."""
    slug = clean_slug(item.slug)
    article_id = f"{item.collection}/{slug}"  # (the collection is a name chosen already)
    shown = repr(article_id) if article_id == item.old_id else f"{article_id!r} (cleaned from {item.old_id!r})"
    if "" in slug.split("/"):
        return article_id, shown, "a name in it has no letter or digit to keep once cleaned"
    return article_id, shown, id_spelling_problem(article_id) or article_id_problem(article_id, config.languages)


def _check_collection_name(config: Config, name: str) -> None:
    """`--collection` is one plain folder name that an article id may start with."""
    if not name:
        mistake = "it is empty"
    elif "/" in name or "\\" in name:
        mistake = "a collection is one folder name, without / or \\"
    else:
        mistake = id_spelling_problem(f"{name}/slug") or article_id_problem(f"{name}/slug", config.languages)
    if mistake is not None:
        raise PipelineError(Diagnostic("--collection", 0, "usage", f"{name!r} is not a collection name: {mistake}",
                                       hint="a plain name such as news-and-events"))


def _landing_outside(config: Config, files: Mapping[Path, bytes]) -> list[Diagnostic]:
    """Files that would land outside the content, catalog and asset folders (a folder on their
    way is a symbolic link leading out)."""
    roots = [os.path.realpath(folder) for folder in (config.content_dir, config.locale_dir, config.asset_root / "assets",
                                                     _public_folder(config))]
    problems = []
    for path in files:
        real = os.path.realpath(path.parent)
        if not any(real == root or real.startswith(root + os.sep) for root in roots):
            problems.append(Diagnostic(config.relative(path), 0, "import",
                                       f"would be written to {real}, outside the project's content and catalog "
                                       "folders (a folder on its way is a symbolic link); nothing was written"))
    return problems


def _plan_article(config: Config, item: FoundArticle, article_id: str, renames: _Renames,
                  info: catalogs.CatalogInfo, force: bool) -> _Planned:
    suffix = "." + item.source.relative.rsplit(".", 1)[1]
    destination = config.content_dir / f"{article_id}{suffix}"
    data = read_regular(item.source.path)
    text = decode_source(data, item.source.shown)
    shown = config.relative(destination)
    article = parse_article(text, article_id, shown, config.default_language)
    relinked = renames.relinked(text, article.body_offset, item.old_id, article_id)
    alias, article_notes = "", ()
    if article_id != item.old_id:
        alias = f"/{config.default_language}/{item.old_id}/"
        relinked, article_notes = _with_alias(relinked, article, alias)
    if relinked != text:
        data = relinked.encode("utf-8")
        article = parse_article(relinked, article_id, shown, config.default_language)
    files: dict[Path, bytes] = {}
    if destination.is_file():
        status = "unchanged" if read_regular(destination) == data else ("written" if force else "kept")
    else:
        status = "written"
    if status == "kept":
        report = ArticleImport(article_id, item.source.shown, config.relative(destination), status, tuple(
            TranslationImport(lang, source.shown, config.relative(catalog_path(config, lang, article_id)),
                              False, 0, 0, 0, 0, notes=(f"{config.relative(destination)} exists and differs from "
                                                        f"{item.source.shown}; nothing imported (use --force)",))
            for lang, source in sorted(item.translations.items())), alias, article_notes)
        return _Planned(report, files)
    if status == "written":
        files[destination] = data
    pot_path = template_path(config, article.id)
    if status == "written" or not pot_path.is_file():
        files[pot_path] = format_po(catalogs.article_template(config, article, info), width=config.po_wrap).encode("utf-8")
    results = []
    for lang, source in sorted(item.translations.items()):
        translation = _translation(source, lang, renames, item.collection, article_id)
        result = fill_catalog(config, article, translation, lang, info)
        path = catalog_path(config, lang, article_id)
        notes = result.notes
        write = force or not path.is_file()
        if write:
            files[path] = format_po(result.catalog, width=config.po_wrap).encode("utf-8")
        else:
            notes = notes + (f"{config.relative(path)} exists; kept (use --force to replace it)",)
        results.append(TranslationImport(lang, source.shown, config.relative(path), write, result.confident,
                                         result.fuzzy, result.unpaired, result.extra, result.kept_in_source, notes))
    return _Planned(ArticleImport(article_id, item.source.shown, config.relative(destination), status,
                                  tuple(results), alias, article_notes), files)


def _translation(source: SourceFile, lang: str, renames: _Renames, collection: str, article_id: str) -> Article:
    """A translated file as an article, its links to renamed articles pointing at their new ids."""
    text = decode_source(read_regular(source.path), source.shown)
    translation = parse_article(text, article_id, source.shown, lang)
    old_home = f"{collection}/{source.relative.rsplit('.', 1)[0]}"
    relinked = renames.relinked(text, translation.body_offset, old_home, article_id)
    return translation if relinked == text else parse_article(relinked, article_id, source.shown, lang)


@dataclass(frozen=True)
class _Renames:
    """Every imported article's old id (lower case) and its id here, to point links at."""

    ids: Mapping[str, str]
    languages: tuple[str, ...]

    def relinked(self, text: str, body_offset: int, old_home: str, new_home: str) -> str:
        """The text of an article (its id was `old_home`, now `new_home`) with the links of its body
        to articles whose id was cleaned pointing at their new id, written in the same form
        (`.md` path, `/lang/…/` path); relative ones also when its own folder was cleaned."""
        body = text[body_offset:]

        def retarget(kind: str, url: str) -> str | None:
            return self._retarget(url, old_home, new_home) if kind != "image" else None

        relinked = rewrite_destinations(body, retarget, parse(body).verbatim_blocks)
        return text if relinked == body else text[:body_offset] + relinked

    def _retarget(self, url: str, old_home: str, new_home: str) -> str | None:
        cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
        path, tail = url[:cut], url[cut:]
        if not path or path.startswith("@/") or not is_site_local(url):
            return None
        target = link_target(old_home, url, self.languages)
        new = self.ids.get(target or "")
        moved_home = posixpath.dirname(old_home) != posixpath.dirname(new_home)
        if new is None or (new.lower() == target and (path.startswith("/") or not moved_home)):
            return None
        form = next((path[-len(s):] for s in (".md", ".markdown", "/index.html", "/") if path.lower().endswith(s)), "")
        if path.startswith("/"):
            first = path.strip("/").split("/", 1)[0]
            return "/" + (f"{first}/" if first in self.languages else "") + new + form + tail
        return posixpath.relpath("/" + new, "/" + posixpath.dirname(new_home)) + form + tail


def _with_alias(text: str, article: Article, alias: str) -> tuple[str, tuple[str, ...]]:
    """The article's text with `alias` listed under `aliases:`: a new key at the end of its front
    matter, or one more item of its own list (written `- item` on lines of its own, as Obsidian
    writes them); otherwise it is left as it is, with a note."""
    line = f"{json.dumps(alias, ensure_ascii=False)}\n"
    if "aliases" in article.metadata:
        listed = article.metadata["aliases"]
        if alias == listed or (isinstance(listed, list) and alias in listed):
            return text, ()
        items = [f for f in article.fields if f.key_path.startswith("aliases[") and "]" not in f.key_path[8:-1]]
        last = max(items, key=lambda f: f.end, default=None)
        start = text.rfind("\n", 0, last.start) + 1 if last else 0
        marker = re.match(r"[ \t]*-[ \t]+", text[start:last.start]) if last else None
        if not isinstance(listed, list) or marker is None or text.find("\n", last.end) < 0:
            return text, (f"{article.path} has aliases of its own; add the old path {alias} to them by hand",)
        end = text.find("\n", last.end) + 1
        return text[:end] + marker.group() + line + text[end:], ()
    head = text[:article.body_offset]
    closing = head.rstrip("\n").rfind("\n") + 1  # the line that closes the front matter
    return text[:closing] + "aliases:\n  - " + line + text[closing:], ()


def _public_folder(config: Config) -> Path:
    """Where the old site's public files go: the configured public folder, else `public/`."""
    return config.public_dir if config.public_dir is not None else config.root / "public"


def _public_setting(config: Config, source: Path, files: Mapping[Path, bytes]) -> list[Diagnostic]:
    """A warning when the old site's public files were copied but the project has no public folder
    configured (its articles' paths from the site's root, `/blog/x/image.jpg`, name those files)."""
    if config.public_dir is not None or not files:
        return []
    return [Diagnostic("pyproject.toml", 0, "import",
                       f"the files of {source.as_posix()} were copied to public/; add public_dir = \"public\" "
                       "under [tool.pipeline] so that the build publishes them and finds the images the articles "
                       "name from the site's root", severity="warning")]


def _plan_assets(config: Config, folder: Path, target_root: Path, boundary: Path, force: bool
                 ) -> tuple[dict[Path, bytes], list[Diagnostic]]:
    """The files of an asset folder of the old site, copied under `target_root` (Astro's
    `src/assets/…`, what `@/assets/…` means there, → `<asset_root>/assets/…`; its `public/` → the
    public folder): the files to write, and warnings (files kept, links leading out of `boundary`
    skipped)."""
    files, notes = {}, []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or any(p.startswith(".") for p in path.relative_to(folder).parts):
            continue
        if _leads_out(path, boundary):
            notes.append(_outside_warning(path.as_posix(), path))
            continue
        target = target_root / path.relative_to(folder)
        data = read_regular(path)
        if target.is_file():
            if read_regular(target) == data:
                continue
            if not force:
                notes.append(Diagnostic(config.relative(target), 0, "import",
                                        f"exists and differs from {path.as_posix()}; kept (use --force)",
                                        severity="warning"))
                continue
        files[target] = data
    return files, notes
