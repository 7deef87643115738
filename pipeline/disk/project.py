"""Reading a project: its articles (one walk of the content folder, one rule for what is an
article), its catalogs and its interface strings. Every file a command reads comes through here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from pipeline import catalog as catalogs
from pipeline.config import Config, config_from_toml
from pipeline.content import Article, decode_source, parse_article
from pipeline.disk.layout import article_id_of, catalog_folder, reserved_id_diagnostic, ui_paths
from pipeline.disk.scan import Stamp, stamp
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
                found.append((inner, entry.path, stamp(Path(entry.path))))
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


def load_config(root: Path) -> Config:
    """The project's configuration, from `root/pyproject.toml` (a PipelineError when it is missing
    or invalid, listing every problem)."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        raise PipelineError(Diagnostic("pyproject.toml", 0, "config", f"no pyproject.toml in {root}"))
    return config_from_toml(pyproject.read_bytes(), root.resolve())


def read_article(config: Config, source: Source) -> Article:
    """An article file read and parsed (a PipelineError, located, when it cannot be)."""
    shown = config.relative(config.content_dir / (source.id + os.path.splitext(source.path)[1]))
    return parse_article(decode_source(Path(source.path).read_bytes(), shown), source.id, shown,
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
    return parse_po(decode_po(path.read_bytes(), shown), shown)


def catalog_files(config: Config, lang: str) -> list[Path]:
    """Every catalog of one language (the article catalogs and ui.po), in a stable order."""
    folder = catalog_folder(config, lang)
    return sorted(folder.rglob("*.po")) if folder.is_dir() else []


def ui_translations(config: Config) -> dict[str, dict[str, str]]:
    """The usable translations of the interface strings, per language (msgid → msgstr)."""
    result = {}
    for lang, path in ui_paths(config)[1].items():
        found = read_catalog(config, path)
        result[lang] = {msgid: text for (_ctxt, msgid), text in catalogs.translations(found).items()} if found else {}
    return result


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
