"""`pipeline import`: bring an existing hand-translated site into content/ and filled catalogs.

Reads an Astro site (`src/content/<collection>/<lang>/<slug>.md`, or that `src/content` folder,
or any folder of collections) or a flat pair of language folders (`<dir>/en/…`, `<dir>/km/…`).
Each article in the default language is copied into `content/<collection>/<slug>.md` byte for
byte; for each of its translations a catalog `locale/<lang>/LC_MESSAGES/<collection>/<slug>.po` is
written whose entries are the template's (the same extraction path as `pipeline extract`), filled
by pairing the translation's units with the source's (`pipeline.align`).

Like the build, it reads and computes everything first and writes only when nothing failed; it
never replaces an existing article or catalog unless `force` is given.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from pipeline import catalog as catalogs
from pipeline.config import Config
from pipeline.content import decode_source, parse_article
from pipeline.disk.files import write_files_atomic
from pipeline.disk.layout import (ARTICLE_SUFFIXES, article_id_problem, catalog_path, id_spelling_problem,
                                  template_path)
from pipeline.errors import PipelineError
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

    def as_dict(self) -> dict:
        return {"article": self.article_id, "source": self.source, "content": self.content,
                "content_status": self.content_status,
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


@dataclass(frozen=True)
class SourceSite:
    """What `discover` found in the site being imported."""

    articles: tuple[FoundArticle, ...]
    warnings: tuple[Diagnostic, ...]
    assets: Path | None  # the Astro asset folder (what `@/assets/…` means there)
    folder: Path  # nothing is read from outside it: a symbolic link leading out of it is skipped


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
    return SourceSite(tuple(found), tuple(warnings), assets if assets is not None and assets.is_dir() else None,
                      boundary)


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
        article = parse_article(decode_source(path.read_bytes(), path.as_posix()), "x/x", path.as_posix(), "en")
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
    Everything is written under the content and catalog folders (and the asset root's assets/), or
    nothing is."""
    if collection is not None:
        _check_collection_name(config, collection)
    site = discover(config, source_dir, collection)
    info = catalogs.CatalogInfo(project=config.project, version=config.version, created=catalogs.creation_time(os.environ))
    problems: list[Diagnostic] = []
    planned: list[_Planned] = []
    seen: dict[str, str] = {}
    for item in site.articles:
        article_id = f"{item.collection}/{item.slug}"
        mistake = id_spelling_problem(article_id) or article_id_problem(article_id, config.languages)
        if mistake is not None:
            problems.append(Diagnostic(item.source.shown, 0, "import", f"article id {article_id!r}: {mistake}",
                                       hint="import its folder with --collection NAME, or rename it in the source"))
            continue
        if article_id.lower() in seen:
            problems.append(Diagnostic(item.source.shown, 0, "duplicate-id",
                                       f"article id {article_id!r} is already used by {seen[article_id.lower()]}"))
            continue
        seen[article_id.lower()] = item.source.shown
        try:
            planned.append(_plan_article(config, item, info, force))
        except PipelineError as error:
            problems.extend(error.diagnostics)
    files = {path: data for plan in planned for path, data in plan.files.items()}
    assets, kept = _plan_assets(config, site.assets, site.folder, force) if site.assets else ({}, [])
    files.update(assets)
    problems.extend(_landing_outside(config, files))
    if problems:
        raise PipelineError(problems)
    write_files_atomic(files)
    return ImportReport(articles=tuple(p.report for p in planned), assets=len(assets),
                        warnings=site.warnings + tuple(kept), written=tuple(config.relative(path) for path in files))


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
    roots = [os.path.realpath(folder) for folder in (config.content_dir, config.locale_dir, config.asset_root / "assets")]
    problems = []
    for path in files:
        real = os.path.realpath(path.parent)
        if not any(real == root or real.startswith(root + os.sep) for root in roots):
            problems.append(Diagnostic(config.relative(path), 0, "import",
                                       f"would be written to {real}, outside the project's content and catalog "
                                       "folders (a folder on its way is a symbolic link); nothing was written"))
    return problems


def _plan_article(config: Config, item: FoundArticle, info: catalogs.CatalogInfo, force: bool) -> _Planned:
    suffix = "." + item.source.relative.rsplit(".", 1)[1]
    article_id = f"{item.collection}/{item.slug}"
    destination = config.content_dir / f"{article_id}{suffix}"
    data = item.source.path.read_bytes()
    text = decode_source(data, item.source.shown)
    article = parse_article(text, article_id, config.relative(destination), config.default_language)
    files: dict[Path, bytes] = {}
    if destination.is_file():
        status = "unchanged" if destination.read_bytes() == data else ("written" if force else "kept")
    else:
        status = "written"
    if status == "kept":
        report = ArticleImport(article_id, item.source.shown, config.relative(destination), status, tuple(
            TranslationImport(lang, source.shown, config.relative(catalog_path(config, lang, article_id)),
                              False, 0, 0, 0, 0, notes=(f"{config.relative(destination)} exists and differs from "
                                                        f"{item.source.shown}; nothing imported (use --force)",))
            for lang, source in sorted(item.translations.items())))
        return _Planned(report, files)
    if status == "written":
        files[destination] = data
    pot_path = template_path(config, article.id)
    if status == "written" or not pot_path.is_file():
        files[pot_path] = format_po(catalogs.article_template(config, article, info)).encode("utf-8")
    results = []
    for lang, source in sorted(item.translations.items()):
        translation = parse_article(decode_source(source.path.read_bytes(), source.shown), article_id, source.shown,
                                    lang)
        result = fill_catalog(config, article, translation, lang, info)
        path = catalog_path(config, lang, article_id)
        notes = result.notes
        write = force or not path.is_file()
        if write:
            files[path] = format_po(result.catalog).encode("utf-8")
        else:
            notes = notes + (f"{config.relative(path)} exists; kept (use --force to replace it)",)
        results.append(TranslationImport(lang, source.shown, config.relative(path), write, result.confident,
                                         result.fuzzy, result.unpaired, result.extra, result.kept_in_source, notes))
    return _Planned(ArticleImport(article_id, item.source.shown, config.relative(destination), status,
                                  tuple(results)), files)


def _plan_assets(config: Config, folder: Path, boundary: Path, force: bool
                 ) -> tuple[dict[Path, bytes], list[Diagnostic]]:
    """Astro's `src/assets/…` (what `@/assets/…` means there) → `<asset_root>/assets/…`: the files
    to write, and warnings (files kept, links leading out of `boundary` skipped)."""
    files, notes = {}, []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or any(p.startswith(".") for p in path.relative_to(folder).parts):
            continue
        if _leads_out(path, boundary):
            notes.append(_outside_warning(path.as_posix(), path))
            continue
        target = config.asset_root / "assets" / path.relative_to(folder)
        data = path.read_bytes()
        if target.is_file():
            if target.read_bytes() == data:
                continue
            if not force:
                notes.append(Diagnostic(config.relative(target), 0, "import",
                                        f"exists and differs from {path.as_posix()}; kept (use --force)",
                                        severity="warning"))
                continue
        files[target] = data
    return files, notes
