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
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping

from pipeline import build, extraction, markdown
from pipeline import catalog as catalogs
from pipeline.align import Pair, Unit, align, is_untranslated, split_lines
from pipeline.checks import check_message
from pipeline.config import Config
from pipeline.content import Article, decode_source, parse_article
from pipeline.errors import PipelineError
from pipeline.files import write_files_atomic
from pipeline.locales import language_name
from pipeline.markdown import Document, inline_features
from pipeline.model import Catalog, Diagnostic, Message
from pipeline.po import format_po
from pipeline.segment import Segment, key_path_pattern, segments

# Front-matter keys that name the same page in every language (used when file names differ).
IDENTITY_KEYS = ("translationKey", "translation_key", "permalink", "slug", "id", "ref")
_INDEX = re.compile(r"\[(\d+)\]")


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
        if path.is_file() and path.suffix.lower() in build.ARTICLE_SUFFIXES \
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


# --- one article ----------------------------------------------------------------------------------------


@dataclass
class _Candidate:
    msgstr: str
    status: str  # "confident", "fuzzy" or "source" (the translation repeats the source language)
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CatalogResult:
    """A filled catalog for one translation and its counts (a pure result)."""

    catalog: Catalog
    confident: int
    fuzzy: int
    unpaired: int
    extra: int
    kept_in_source: int
    notes: tuple[str, ...]


def fill_catalog(config: Config, article: Article, translation: Article, lang: str,
                 info: catalogs.CatalogInfo) -> CatalogResult:
    """The catalog of `article` in `lang`, filled from its existing translation `translation`."""
    keys = config.collection(article.collection).translate
    pot = extraction.article_template(config, article, info)
    source_doc = markdown.parse(article.body)
    source_segments = segments(article, source_doc, keys)
    target_doc = markdown.parse(translation.body)
    target_segments = segments(translation, target_doc, keys)
    candidates: dict[tuple[str | None, str], list[_Candidate]] = {}
    unpaired: dict[tuple[str | None, str], list[str]] = {}
    extras: dict[tuple[str | None, str] | None, list[str]] = {}

    def add(segment: Segment, candidate: _Candidate) -> None:
        candidates.setdefault((segment.msgctxt, segment.msgid), []).append(candidate)

    def missing(segment: Segment, reason: str) -> None:
        unpaired.setdefault((segment.msgctxt, segment.msgid), []).append(reason)

    def extra(anchor: Segment | None, text: str, line: int) -> None:
        where = f"{translation.path}:{line}"
        note = f"import: {lang} text with no source counterpart ({where}), kept here:\n{text}"
        extras.setdefault((anchor.msgctxt, anchor.msgid) if anchor else None, []).append(note)

    _pair_front_matter(article, translation, source_segments, keys, add, missing, extra)
    source_body = [s for s in source_segments if s.address is not None]
    target_body = [s for s in target_segments if s.address is not None]
    pairs = align([_unit(source_doc, s) for s in source_body], [_unit(target_doc, t) for t in target_body])
    _pair_body(pairs, source_body, target_body, add, missing, extra)

    messages, counts = _fill(pot, candidates, unpaired, extras, config, lang, translation.path)
    header = catalogs.new_header(pot, lang, language_name(lang), info)
    leftover = extras.get(None, [])
    if leftover and not messages:
        messages.append(Message(msgid=translation.path, msgstr="\n\n".join(leftover), obsolete=True,
                                extracted_comments=("import: translated text with no source unit to attach to",)))
    elif leftover:
        first = messages[0]
        messages[0] = replace(first, translator_comments=first.translator_comments + tuple(leftover))
    extra_count = sum(len(v) for v in extras.values())
    return CatalogResult(Catalog(header=header, messages=tuple(messages)), counts["confident"], counts["fuzzy"],
                         counts["unpaired"], extra_count, counts["source"],
                         tuple(_differences(article, translation, source_doc, target_doc, keys)))


def _pair_front_matter(article: Article, translation: Article, source_segments: tuple[Segment, ...],
                       keys: tuple[str, ...], add, missing, extra) -> None:
    """Front-matter values pair by key path: the translated value sits at the same path."""
    fields = {f.key_path: f for f in translation.fields}
    front = [s for s in source_segments if s.key_path is not None]
    source_paths = {f.key_path for f in article.fields}
    for segment in front:
        found = fields.get(segment.key_path)
        if found is None or not found.value.strip():
            missing(segment, f"import: the translation has no value at {segment.key_path}")
        elif is_untranslated(segment.msgid, found.value):
            add(segment, _Candidate(found.value, "source", ["import: the translation keeps this value untranslated"]))
        elif _list_lengths_differ(segment.key_path, article, translation):
            add(segment, _Candidate(found.value, "fuzzy",
                                    ["import: paired by position in a list of another length"]))
        else:
            add(segment, _Candidate(found.value, "confident"))
    pattern = key_path_pattern(keys)
    for value in translation.fields:
        if value.key_path not in source_paths and pattern.match(value.key_path) and value.value.strip():
            anchor = _nearest_key(value.key_path, front)
            extra(anchor, f"{value.key_path}: {value.value}", value.line)


def _list_lengths_differ(key_path: str, article: Article, translation: Article) -> bool:
    found = list(_INDEX.finditer(key_path))
    if not found:
        return False
    prefix = key_path[:found[-1].start()]

    def length(a: Article) -> int:
        return len({f.key_path[len(prefix):].split("]")[0] for f in a.fields if f.key_path.startswith(prefix + "[")})

    return length(article) != length(translation)


def _nearest_key(key_path: str, front: list[Segment]) -> Segment | None:
    best, best_length = None, -1
    for segment in front:
        common = len(_common_prefix(segment.key_path or "", key_path))
        if common >= best_length:
            best, best_length = segment, common
    return best


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _pair_body(pairs: Iterable[Pair], source_body: list[Segment], target_body: list[Segment],
               add, missing, extra) -> None:
    previous: Segment | None = None
    pending: list[Segment] = []  # extra target units met before any source unit
    for pair in pairs:
        sources = [source_body[i] for i in pair.source]
        targets = [target_body[j] for j in pair.target]
        if pair.kind == "extra":
            if previous is None:
                pending.extend(targets)
            else:
                for t in targets:
                    extra(previous, t.msgid, t.line)
            continue
        if pending:
            for t in pending:
                extra(sources[0], t.msgid, t.line)
            pending = []
        previous = sources[-1]
        if pair.kind == "missing":
            missing(sources[0], pair.reason)
        elif pair.kind == "pair":
            source, target = sources[0], targets[0]
            if is_untranslated(source.msgid, target.msgid):
                add(source, _Candidate(target.msgid, "source", ["import: the translation keeps this in the source language"]))
            else:
                add(source, _Candidate(target.msgid, "confident" if pair.confident else "fuzzy",
                                       [pair.reason] if pair.reason else []))
        elif pair.kind == "split":
            add(sources[0], _Candidate("\n".join(t.msgid for t in targets), "fuzzy", [pair.reason]))
        elif pair.kind == "merged":
            first, second = sources
            text = targets[0].msgid
            parts = split_lines(text, len(first.msgid), len(second.msgid))
            if parts is not None:
                reason = "import: the translation joins this unit and the next in one; cut at a line break"
                add(first, _Candidate(parts[0], "fuzzy", [reason]))
                add(second, _Candidate(parts[1], "fuzzy",
                                       ["import: the translation joins this unit and the previous in one; "
                                        "cut at a line break"]))
            else:
                add(first, _Candidate(text, "fuzzy", ["import: the translation joins this unit and the next "
                                                      "in one; all of it is here"]))
                missing(second, "import: translated together with the previous unit (see there)")
    for t in pending:
        extra(None, t.msgid, t.line)


def _fill(pot: Catalog, candidates, unpaired, extras, config: Config, lang: str, shown: str
          ) -> tuple[list[Message], Counter]:
    counts: Counter = Counter()
    messages = []
    for entry in pot.messages:
        found = candidates.get(entry.key, [])
        comments = list(entry.extracted_comments)
        translator = tuple(extras.get(entry.key, ()))
        if not found:
            comments.extend(dict.fromkeys(unpaired.get(entry.key, [])))
            messages.append(replace(entry, extracted_comments=tuple(comments), translator_comments=translator))
            counts["unpaired"] += 1
            continue
        msgstr, status, reasons = _vote(found)
        if status == "confident":
            problems = [d for d in check_message(Message(entry.msgid, msgstr, flags=entry.flags), shown, lang,
                                                 config.languages) if d.severity == "error"]
            if problems:
                status = "fuzzy"
                reasons = reasons + [f"import: {d.message} [{d.code}]" for d in problems]
        comments.extend(dict.fromkeys(reasons))
        flags = entry.flags if status == "confident" else ("fuzzy",) + entry.flags
        messages.append(replace(entry, msgstr=msgstr, flags=flags, extracted_comments=tuple(comments),
                                translator_comments=translator))
        counts["confident" if status == "confident" else "fuzzy"] += 1
        if status == "source":
            counts["source"] += 1
    return messages, counts


def _vote(found: list[_Candidate]) -> tuple[str, str, list[str]]:
    """One translation for a msgid that occurs several times in the article."""
    texts = Counter(c.msgstr for c in found)
    if len(texts) == 1:
        statuses = {c.status for c in found}
        reasons = [r for c in found for r in c.reasons]
        if statuses == {"source"}:
            return found[0].msgstr, "source", reasons
        if "confident" in statuses and "fuzzy" not in statuses:
            return found[0].msgstr, "confident", []
        if "confident" in statuses:  # one occurrence settles the others
            return found[0].msgstr, "confident", []
        return found[0].msgstr, "fuzzy", reasons
    best = max(texts, key=lambda t: (texts[t], -next(i for i, c in enumerate(found) if c.msgstr == t)))
    shown = " / ".join(f"«{t}» ×{n}" for t, n in texts.items())
    note = f"import: the translation differs where this text occurs ({shown}); the most frequent is used"
    if all(c.status == "confident" for c in found):
        # Every occurrence is a sure translation: one of them is as good as the others.
        return best, "confident", [note]
    return best, "fuzzy", [note]


def _differences(article: Article, translation: Article, source_doc: Document, target_doc: Document,
                 keys: tuple[str, ...]) -> Iterable[str]:
    """What the published translation will show differently from the translated file it came from."""
    for key in ("date", "image"):
        a, b = article.metadata.get(key), translation.metadata.get(key)
        if a != b and b is not None:
            yield f"{key}: the translation has {b!s}, the source {a!s}; the source's is used"
    translated = key_path_pattern(keys)
    values = {f.key_path: f.value for f in article.fields}
    differing = [f.key_path for f in translation.fields
                 if f.key_path != "image" and not translated.match(f.key_path)
                 and f.key_path in values and values[f.key_path] != f.value]
    if differing:
        shown = ", ".join(differing[:6]) + (f" and {len(differing) - 6} more" if len(differing) > 6 else "")
        yield (f"front matter not configured as translated differs in the translation ({shown}); "
               "the source's values are used")
    source_images = Counter(_images(source_doc))
    target_images = Counter(_images(target_doc))
    for url in sorted(source_images - target_images):
        yield f"image {url} is in the source but not in the translation; the translated page will show it"
    for url in sorted(target_images - source_images):
        yield f"image {url} is only in the translation; the translated page will not show it"


def _images(document: Document) -> list[str]:
    found = []
    for token in _leaves(document.tokens):
        if "text" in token:
            found.extend(inline_features(token["text"]).images)
    return found


def _leaves(tokens) -> Iterable[dict]:
    for token in tokens:
        if token.get("children"):
            yield from _leaves(token["children"])
        else:
            yield token


def _unit(document: Document, segment: Segment) -> Unit:
    """The aligner's view of a body unit: its kind, text and where it sits."""
    address = segment.address
    if address[0] == "footnote":
        return Unit(kind="footnote", text=segment.msgid)
    alt = None
    if len(address) > 2 and address[-2] == "alt":
        address, alt = address[:-2], address[-1]
    chain = []
    tokens = document.tokens
    for depth, index in enumerate(address):
        token = tokens[index]
        chain.append((token, address[:depth + 1]))
        tokens = token.get("children") or []
    leaf = chain[-1][0]
    level = (leaf.get("attrs") or {}).get("level", 0) if leaf["type"] == "heading" else 0
    container, group, position = "", (), ()
    for k in range(len(chain) - 1, -1, -1):
        token, where = chain[k]
        if token["type"] == "list_item" and k:
            container, group, position = "list", chain[k - 1][1], (where[-1],)
            break
        if token["type"] == "table_cell":
            row_token, row_at = chain[k - 1]
            if row_token["type"] == "table_head":
                row = 0
            else:
                row = row_at[-1] + 1
            container, group, position = "table", chain[0][1], (row, where[-1])
            break
        if token["type"] == "block_quote":
            container, group = "quote", where
            break
    image = ""
    if alt is not None:
        images = inline_features(leaf["text"]).images
        image = images[alt] if alt < len(images) else ""
    return Unit(kind=segment.kind, text=segment.msgid, level=level, container=container, group=group,
                position=position, image=image)


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
    info = catalogs.CatalogInfo(project=config.project, version=config.version, created=build.creation_time())
    problems: list[Diagnostic] = []
    planned: list[_Planned] = []
    seen: dict[str, str] = {}
    for item in site.articles:
        article_id = f"{item.collection}/{item.slug}"
        mistake = build.id_spelling_problem(article_id) or build.article_id_problem(article_id, config.languages)
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
        mistake = build.id_spelling_problem(f"{name}/slug") or build.article_id_problem(f"{name}/slug", config.languages)
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
            TranslationImport(lang, source.shown, config.relative(build.catalog_path(config, lang, article_id)),
                              False, 0, 0, 0, 0, notes=(f"{config.relative(destination)} exists and differs from "
                                                        f"{item.source.shown}; nothing imported (use --force)",))
            for lang, source in sorted(item.translations.items())))
        return _Planned(report, files)
    if status == "written":
        files[destination] = data
    pot_path = build.template_path(config, article)
    if status == "written" or not pot_path.is_file():
        files[pot_path] = format_po(extraction.article_template(config, article, info)).encode("utf-8")
    results = []
    for lang, source in sorted(item.translations.items()):
        translation = parse_article(decode_source(source.path.read_bytes(), source.shown), article_id, source.shown,
                                    lang)
        result = fill_catalog(config, article, translation, lang, info)
        path = build.catalog_path(config, lang, article_id)
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
