"""Extraction: refresh every template and catalog from the articles (`pipeline extract`).

Reads articles and catalogs through `build`'s readers, plans every output text with pure
functions (`catalog`, `memory`), then writes only what changed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from pipeline import catalog as catalogs
from pipeline.build import (Progress, code_fingerprint, _no_progress, all_catalogs, article_files, article_id,
                            article_segments, catalog_path, creation_time, load_articles, read_catalog,
                            target_languages, template_path, ui_paths)
from pipeline.config import Config
from pipeline.content import Article
from pipeline.errors import PipelineError
from pipeline.files import read_json, stamp, write_json_atomic, write_text_atomic
from pipeline.locales import language_name
from pipeline.memory import LazyMemory, build_memory
from pipeline.model import Catalog, Message
from pipeline.po import format_po


def article_template(config: Config, article: Article, info: catalogs.CatalogInfo) -> Catalog:
    title = article.metadata.get("title")
    title = title if isinstance(title, str) else article.id
    return catalogs.template(title, article.path, article_segments(config, article), info)


def merged_catalog(config: Config, pot: Catalog, existing: Catalog | None, lang: str,
                   memory, info: catalogs.CatalogInfo) -> Catalog:
    if existing is None:
        header = catalogs.new_header(pot, lang, language_name(lang), info)
        existing = Catalog(header=header, messages=())
    return catalogs.update(existing, pot, memory)


@dataclass(frozen=True)
class ExtractReport:
    written: tuple[str, ...]
    unchanged: int


def plan_extract(config: Config, articles: tuple[Article, ...], existing: Mapping[str, Mapping[Path, Catalog]],
                 memories: Mapping[str, LazyMemory], info: catalogs.CatalogInfo,
                 progress: Progress = _no_progress) -> dict[Path, str]:
    """Every template and catalog text that extraction should leave on disk, given the existing
    catalogs of these articles and each language's translation memory (a pure function)."""
    planned: dict[Path, str] = {}
    ui_pot = ui_template(config, info)
    pot_path, po_paths = ui_paths(config)
    planned[pot_path] = format_po(ui_pot)
    for lang, path in po_paths.items():
        old = existing.get(lang, {}).get(path)
        planned[path] = format_po(merged_catalog(config, ui_pot, old, lang, memories[lang], info))
    for done, article in enumerate(articles, 1):
        progress("extract", done, len(articles))
        pot = article_template(config, article, info)
        planned[template_path(config, article)] = format_po(pot)
        for lang in target_languages(config, article):
            path = catalog_path(config, lang, article.id)
            old = existing.get(lang, {}).get(path)
            planned[path] = format_po(merged_catalog(config, pot, old, lang, memories[lang], info))
    return planned


def extract(config: Config, progress: Progress = _no_progress) -> ExtractReport:
    """Refresh every template and catalog. Nothing is written unless everything could be read.

    Articles whose source and catalogs are unchanged since the last extraction (same content hash,
    same catalog files) are skipped: their output would be what is on disk already. The cache in
    .cache/ is only a shortcut and safe to delete."""
    paths = article_files(config)
    sources = {article_id(config, p): p.read_bytes() for p in paths}
    cache_path = config.root / ".cache" / "pipeline" / "extract.json"
    cache = read_json(cache_path)
    key = _extract_key(config, paths)
    known = cache.get("articles", {}) if cache.get("key") == key else {}
    changed = [p for p in paths if not _still_extracted(config, known.get(article_id(config, p)),
                                                         sources[article_id(config, p)])]
    if not changed and known and _outputs_unchanged(config, known.get("", {})):
        return ExtractReport(written=(), unchanged=len(known.get("", {}).get("outputs", {})) + 2 * len(paths))
    todo = {article_id(config, p) for p in changed} if known else set(sources)
    articles = load_articles(config, only=todo)
    existing = _existing_catalogs(config, articles)
    memories = {lang: LazyMemory(lambda lang=lang: build_memory(
        m for cat in all_catalogs(config, lang).values() for m in cat.messages)) for lang in config.languages}
    info = catalogs.CatalogInfo(project=config.project, version=config.version, created=creation_time())
    planned = plan_extract(config, articles, existing, memories, info, progress)
    report = _write_changed(config, planned)
    entries = {identity: entry for identity, entry in known.items() if identity not in todo and identity in sources}
    for article in articles:
        if article.id in todo:
            outputs = [template_path(config, article)] + [catalog_path(config, lang, article.id)
                                                          for lang in target_languages(config, article)]
            entries[article.id] = _extract_entry(config, sources[article.id], outputs)
    pot_path, po_paths = ui_paths(config)
    entries[""] = _extract_entry(config, b"", [pot_path, *po_paths.values()])
    write_json_atomic(cache_path, {"key": key, "articles": entries})
    return report


def _existing_catalogs(config: Config, articles: tuple[Article, ...]) -> dict[str, dict[Path, Catalog]]:
    """The current catalogs of these articles and the ui catalogs, every syntax error reported."""
    existing: dict[str, dict[Path, Catalog]] = {lang: {} for lang in config.languages}
    _, ui_catalogs = ui_paths(config)
    wanted = [(lang, path) for lang, path in ui_catalogs.items()]
    wanted += [(lang, catalog_path(config, lang, a.id)) for a in articles for lang in target_languages(config, a)]
    problems = []
    for lang, path in wanted:
        try:
            found = read_catalog(config, path)
        except PipelineError as error:
            problems.extend(error.diagnostics)
            continue
        if found is not None:
            existing[lang][path] = found
    if problems:
        raise PipelineError(problems)
    return existing


def _extract_key(config: Config, paths: list[Path]) -> str:
    """What every catalog depends on beyond its own article: the code, the configuration, the
    templates (for ui.pot) and the list of collections."""
    digest = hashlib.sha256(f"{code_fingerprint()}\n{config!r}\n".encode())
    for template in sorted(config.templates_dir.rglob("*")) if config.templates_dir.is_dir() else ():
        if template.suffix in (".html", ".xml") and template.is_file():
            digest.update(template.read_bytes())
    digest.update(repr(sorted({article_id(config, p).split("/", 1)[0] for p in paths})).encode())
    return digest.hexdigest()


def _extract_entry(config: Config, source: bytes, outputs: list[Path]) -> dict:
    return {"source": hashlib.sha256(source).hexdigest(),
            "outputs": {config.relative(p): stamp(p) for p in outputs}}


def _still_extracted(config: Config, entry: dict | None, source: bytes) -> bool:
    return entry is not None and entry.get("source") == hashlib.sha256(source).hexdigest() \
        and _outputs_unchanged(config, entry)


def _outputs_unchanged(config: Config, entry: dict) -> bool:
    outputs = entry.get("outputs", {})
    return bool(outputs) and all(stamp(config.root / name) == value for name, value in outputs.items())


def _write_changed(config: Config, planned: Mapping[Path, str]) -> ExtractReport:
    """Write the files whose content changed (a changed date alone is no change)."""
    written, unchanged = [], 0
    for path, text in planned.items():
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        if old is not None and catalogs.content_equal(old, text):
            unchanged += 1
            continue
        write_text_atomic(path, text)
        written.append(config.relative(path))
    return ExtractReport(written=tuple(written), unchanged=unchanged)


def ui_template(config: Config, info: catalogs.CatalogInfo) -> Catalog:
    """ui.pot: every string of the templates, plus the site name and collection labels."""
    from pipeline.render import ui_messages
    from pipeline.site import collection_label

    entries: dict[str, list[str]] = {}
    comments: dict[str, str] = {}
    templates = config.relative(config.templates_dir)
    for name, line, text in ui_messages(config.templates_dir):
        entries.setdefault(text, []).append(f"{templates}/{name}:{line}")
    for text, comment in [(config.site_name, "site name (pyproject.toml: site_name)")] + [
            (collection_label(c), f"collection name: {c}") for c in collections_of(config)]:
        entries.setdefault(text, [])
        comments.setdefault(text, comment)
    messages = tuple(
        Message(msgid=text, references=tuple(refs), extracted_comments=(comments[text],) if text in comments else ())
        for text, refs in entries.items())
    return Catalog(header=catalogs.template_header("the site interface", templates, info), messages=messages)


def collections_of(config: Config) -> list[str]:
    folder = config.content_dir
    names = {p.relative_to(folder).parts[0] for p in article_files(config)}
    return sorted(names | set(config.collections))
