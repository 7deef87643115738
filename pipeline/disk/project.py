"""Reading a project: its articles (one walk of the content folder, one rule for what is an
article), its catalogs and its interface strings. Every file a command reads comes through here."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from pipeline.config import SPELLING_CUTOFF, Config, closest, config_from_toml
from pipeline.content import Article, decode_source, parse_article
from pipeline.disk.layout import article_id_of, catalog_folder, reserved_id_diagnostic, template_path
from pipeline.disk.scan import Stamp, read_regular, stamp
from pipeline.errors import PipelineError
from pipeline.model import Catalog, Diagnostic, Templates
from pipeline.po import decode_po, parse_po


@dataclass(frozen=True)
class Source:
    """An article file under the content folder: its id, absolute path, and stamp when found."""

    id: str
    path: str
    stamp: Stamp | None = None


@dataclass(frozen=True)
class Sources:
    """The articles of a project in the order of their paths, and the files refused as articles
    (an id used twice, an id that would take the place of a page the build writes)."""

    articles: tuple[Source, ...]
    problems: tuple[Diagnostic, ...]

    def paths(self) -> dict[str, str]:
        """Article id → file."""
        return {source.id: source.path for source in self.articles}


def find_articles(config: Config) -> Sources:
    """Every article under the content folder, in one walk (assets/, hidden names and top-level
    files left out)."""
    root = str(config.content_dir)
    found: list[tuple[str, str, Stamp | None]] = []
    pending = [("", root)]
    while pending:
        relative, folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith(".") or (not relative and name == "assets"):
                continue
            inner = f"{relative}/{name}" if relative else name
            if entry.is_dir(follow_symlinks=False):
                pending.append((inner, entry.path))
            elif relative and article_id_of(inner) is not None and entry.is_file():
                found.append((inner, entry.path, stamp(entry.path)))
    return _identified(config, found)


def articles_among(config: Config, files: Iterable[str]) -> Sources:
    """The articles among files already walked (absolute paths, every file under the content folder
    among them), by the same rule as `find_articles`."""
    prefix = str(config.content_dir.resolve()) + os.sep
    found = []
    for path in files:
        if path.startswith(prefix):
            relative = path[len(prefix):].replace(os.sep, "/")
            if article_id_of(relative) is not None:
                found.append((relative, path, None))
    return _identified(config, found)


def _identified(config: Config, found: list[tuple[str, str, Stamp | None]]) -> Sources:
    """The articles among (path under the content folder, file, stamp), each id once and none that
    a page of the build would collide with; the others refused, located."""
    shown_prefix = config.relative(config.content_dir) + "/"
    articles, problems, seen = [], [], {}
    for relative, path, found_stamp in sorted(found):
        article_id = article_id_of(relative)
        shown = shown_prefix + relative
        first = seen.get(article_id.lower())
        if first is not None:
            problems.append(Diagnostic(shown, 1, "duplicate-id", f"article id {article_id!r} is already used by {first}",
                                       hint="rename one of the two files"))
            continue
        seen[article_id.lower()] = shown
        reserved = reserved_id_diagnostic(shown, article_id, config.languages)
        if reserved is not None:
            problems.append(reserved)
            continue
        articles.append(Source(article_id, path, found_stamp))
    return Sources(tuple(articles), tuple(problems))


def collection_problems(config: Config, paths: Mapping[str, str]) -> tuple[Diagnostic, ...]:
    """Where the configured collections and the folders of the content folder disagree, each with
    the closest name; nothing when pyproject.toml configures no collection (every folder then takes
    the default settings). `paths`: article id → file, as `Sources.paths()` gives.
    - a configured collection that no article is in: a warning at its line of pyproject.toml;
    - a folder holding articles that no configured collection names, at its first article: an
      error when its name is a configured collection's misspelt (its articles would be published
      without that collection's settings), else a warning (they take the default settings)."""
    if not config.collections:
        return ()
    firsts: dict[str, str] = {}
    for article_id in sorted(paths):
        firsts.setdefault(article_id.split("/", 1)[0], article_id)
    content = config.relative(config.content_dir)
    unmatched = [folder for folder in firsts if folder not in config.collections]
    problems = []
    for name in config.collections:
        if name not in firsts:
            near = closest(name, unmatched, SPELLING_CUTOFF)
            problems.append(Diagnostic(
                config.shown, config.line_of("collections", name), "collection",
                f"the collection {name!r} has no articles (no folder {content}/{name}/ holding any)"
                + (f"; did you mean `{near}`?" if near else ""), severity="warning",
                hint=f"rename [tool.pipeline.collections.{name}] or the folder {content}/{near}/" if near else
                f"remove [tool.pipeline.collections.{name}] if the collection is gone"))
    for folder in unmatched:
        problems.append(_unconfigured_folder(config, folder, paths[firsts[folder]], firsts[folder], content))
    return tuple(problems)


def _unconfigured_folder(config: Config, folder: str, path: str, article_id: str, content: str) -> Diagnostic:
    """The finding at the first article of a folder that no configured collection names."""
    shown = config.relative(config.content_dir / (article_id + os.path.splitext(path)[1]))
    near = closest(folder, config.collections, SPELLING_CUTOFF)
    if near is not None:
        return Diagnostic(shown, 0, "collection",
                          f"the folder {content}/{folder}/ is not a configured collection; did you mean `{near}`? "
                          f"Its articles would be published without the settings of "
                          f"[tool.pipeline.collections.{near}]",
                          hint=f"rename the folder or the collection (pyproject.toml:{config.line_of('collections', near)})")
    listed = ", ".join(f"`{name}`" for name in config.collections)
    return Diagnostic(shown, 0, "collection",
                      f"the folder {content}/{folder}/ is not a configured collection ({listed}); its articles "
                      "take the default settings", severity="warning",
                      hint=f"add [tool.pipeline.collections.{folder}] to pyproject.toml to configure it")


def load_config(root: Path) -> Config:
    """The project's configuration, from `root/pyproject.toml` (a PipelineError when it is missing
    or invalid, listing every problem)."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        raise PipelineError(Diagnostic("pyproject.toml", 0, "config", f"no pyproject.toml in {root}"))
    return config_from_toml(read_regular(pyproject), root.resolve())


def read_article(config: Config, source: Source) -> Article:
    """An article file read and parsed (a PipelineError, located, when it cannot be)."""
    shown = config.relative(config.content_dir / (source.id + os.path.splitext(source.path)[1]))
    return parse_article(decode_source(read_regular(source.path), shown), source.id, shown,
                         config.default_language)


def load_articles(config: Config, quietly: bool = False) -> tuple[Article, ...]:
    """Every article read and parsed; one error listing every problem found, or (`quietly`) the
    articles that parse, whatever the others hold."""
    sources = find_articles(config)
    articles, problems = [], list(sources.problems)
    for source in sources.articles:
        try:
            articles.append(read_article(config, source))
        except PipelineError as error:
            problems.extend(error.diagnostics)
    if problems and not quietly:
        raise PipelineError(problems)
    return tuple(articles)


def read_catalog(config: Config, path: Path) -> Catalog | None:
    """A catalog read and parsed, or None when there is none (a PipelineError when it is broken)."""
    if not path.is_file():
        return None
    shown = config.relative(path)
    return parse_po(decode_po(read_regular(path), shown), shown)


TEMPLATE_SUFFIXES = (".html", ".xml")


def read_templates(config: Config) -> Templates:
    """Every template of the site (its `.html` and `.xml` files; static/ holds what is copied)."""
    folder = config.templates_dir
    sources = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        name = path.relative_to(folder).as_posix()
        if path.suffix in TEMPLATE_SUFFIXES and not name.startswith("static/") and path.is_file():
            sources[name] = path.read_text(encoding="utf-8")
    return Templates(config.relative(folder), sources)


# --- the project's folder, and catalogs left behind ----------------------------------------------------


def find_project_root(start: Path) -> Path | None:
    """The project folder `start` is in, found as git finds its repository: `start` or the nearest
    folder above it whose pyproject.toml has a `[tool.pipeline]` table (a pyproject.toml that is not
    valid TOML counts when its text names that table, so that its error is reported rather than
    skipped); None when there is none up to the top of the file system."""
    for folder in (start, *start.parents):
        try:
            data = read_regular(folder / "pyproject.toml")
        except OSError:  # none here (or unreadable): look further up
            continue
        try:
            tool = tomllib.loads(data.decode("utf-8")).get("tool")
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            if re.search(rb"^\s*\[\s*tool\s*\.\s*pipeline\b", data, re.MULTILINE):
                return folder
            continue
        if isinstance(tool, dict) and "pipeline" in tool:
            return folder
    return None


def orphan_catalogs(config: Config, article_ids: Iterable[str] | None = None) -> tuple[Path, ...]:
    """The article catalogs and templates whose article no longer exists (it was deleted, or renamed
    without `pipeline mv`, which takes them along): each `locale/<lang>/LC_MESSAGES/<id>.po` of a
    configured language and each `locale/templates/<id>.pot` whose <id> is not the id of an article
    that `find_articles` finds. The interface catalogs (`ui.pot`, `<lang>/LC_MESSAGES/ui.po`) are
    never orphans; hidden files (an editor's temporary copies) are left out. Absolute paths, sorted.
    An orphan's translations are kept by `pipeline mv OLD NEW` (OLD: the id the catalog names), or
    the file can be deleted when the article is gone for good. `article_ids`: the project's, when
    the caller has walked the content folder already."""
    ids = set(article_ids) if article_ids is not None else {source.id for source in find_articles(config).articles}
    folders = [(template_path(config, "_").parent, ".pot")]  # locale/templates/
    folders += [(catalog_folder(config, lang), ".po") for lang in config.languages]
    orphans = []
    for folder, suffix in folders:
        for path in folder.rglob(f"*{suffix}") if folder.is_dir() else ():
            relative = path.relative_to(folder).as_posix()
            if relative == "ui.po" or any(part.startswith(".") for part in relative.split("/")):
                continue
            if relative[: -len(suffix)] not in ids and path.is_file():
                orphans.append(path)
    return tuple(sorted(orphans))
