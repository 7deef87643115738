"""Pairing a hand-translated article with its source: the catalog of the source article filled
from the translation, unit by unit (`align` pairs the blocks; a pair it is not sure of is fuzzy,
with the reason in a comment), and what the two articles state differently (dates, images)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Iterable

from pipeline import catalog as catalogs
from pipeline import markdown
from pipeline.align import Pair, Unit, align, contradiction, is_untranslated, split_lines
from pipeline.checks import check_message
from pipeline.config import Config
from pipeline.content import Article
from pipeline.markdown import Document, inline_features
from pipeline.locales import language_name
from pipeline.model import Catalog, Message
from pipeline.segment import Segment, key_path_pattern, segments

_INDEX = re.compile(r"\[(\d+)\]")


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
    pot = catalogs.article_template(config, article, info)
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

    _pair_front_matter(article, translation, source_segments, keys, config.languages, add, missing, extra)
    source_body = [s for s in source_segments if s.address is not None]
    target_body = [s for s in target_segments if s.address is not None]
    pairs = align([_unit(source_doc, s) for s in source_body], [_unit(target_doc, t) for t in target_body],
                  config.languages)
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
                       keys: tuple[str, ...], languages: tuple[str, ...], add, missing, extra) -> None:
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
        elif contradiction(segment.msgid, found.value, languages):
            add(segment, _Candidate(found.value, "fuzzy", [contradiction(segment.msgid, found.value, languages)]))
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
