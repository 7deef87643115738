"""Catalogs as values: templates from segments, msgmerge-style updates, statistics.

Owns babel.messages (plural forms). Reading and writing PO text is `pipeline.po`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Iterable, Mapping, Protocol

from pipeline.config import Config
from pipeline.content import Article
from pipeline.locales import language_name, plural_forms
from pipeline.markdown import Parser
from pipeline.model import Catalog, Message
from pipeline.segment import Segment, prepare
from pipeline.similar import best_match

FUZZY_THRESHOLD = 0.6  # the similarity GNU msgmerge requires for a fuzzy match
MARKDOWN_FLAG = "markdown-text"
DATE_FIELDS = ("POT-Creation-Date", "PO-Revision-Date")


class Memory(Protocol):
    """What updating a catalog asks of a translation memory (see `pipeline.disk.memory`)."""

    def exact(self, msgctxt: str | None, msgid: str) -> str | None:
        """The translation of exactly this unit, if one is remembered."""

    def closest(self, msgid: str):
        """The remembered unit closest to `msgid` (its `.msgid` and `.msgstr`), if one is close."""


@dataclass(frozen=True)
class CatalogInfo:
    """What goes into a header: the project, the language and the creation time."""

    project: str
    version: str
    created: dt.datetime


def creation_time(environment: Mapping[str, str]) -> dt.datetime:
    """When catalogs are made: now, or SOURCE_DATE_EPOCH when the environment sets it (reproducible
    builds)."""
    epoch = environment.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)


def format_header_date(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M%z")


def _header_text(fields: Iterable[tuple[str, str]]) -> str:
    return "".join(f"{name}: {value}\n" for name, value in fields)


def template_header(title: str, source_path: str, info: CatalogInfo) -> Message:
    """The header entry of a template, as xgettext writes one."""
    return Message(
        msgid="",
        msgstr=_header_text([
            ("Project-Id-Version", f"{info.project} {info.version}"),
            ("Report-Msgid-Bugs-To", ""),
            ("POT-Creation-Date", format_header_date(info.created)),
            ("PO-Revision-Date", "YEAR-MO-DA HO:MI+ZONE"),
            ("Last-Translator", "FULL NAME <EMAIL@ADDRESS>"),
            ("Language-Team", "LANGUAGE <LL@li.org>"),
            ("Language", ""),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=UTF-8"),
            ("Content-Transfer-Encoding", "8bit"),
        ]),
        translator_comments=(f"Translation template for {title}", f"Source: {source_path}"),
        flags=("fuzzy",),
    )


def template(title: str, source_path: str, segments: Iterable[Segment], info: CatalogInfo) -> Catalog:
    """The .pot for one article: one entry per distinct (msgctxt, msgid), in first-seen order."""
    header = template_header(title, source_path, info)
    entries: dict[tuple[str | None, str], Message] = {}
    for segment in segments:
        key = (segment.msgctxt, segment.msgid)
        reference = f"{source_path}:{segment.line}"
        if key in entries:
            old = entries[key]
            if reference not in old.references:
                entries[key] = replace(old, references=old.references + (reference,))
            continue
        entries[key] = Message(
            msgid=segment.msgid,
            msgctxt=segment.msgctxt,
            extracted_comments=(_describe(segment),),
            references=(reference,),
            flags=(MARKDOWN_FLAG,) if segment.is_markdown else (),
        )
    return Catalog(header=header, messages=tuple(entries.values()))


def _describe(segment: Segment) -> str:
    if segment.key_path is not None:
        return f"front matter: {segment.key_path}"
    return segment.kind


def new_header(pot: Catalog, lang: str, language_name: str, info: CatalogInfo) -> Message:
    """The header of a catalog that did not exist before."""
    stamp = format_header_date(info.created)
    return Message(
        msgid="",
        msgstr=_header_text([
            ("Project-Id-Version", f"{info.project} {info.version}"),
            ("Report-Msgid-Bugs-To", ""),
            ("POT-Creation-Date", stamp),
            ("PO-Revision-Date", stamp),
            ("Last-Translator", ""),
            ("Language-Team", language_name),
            ("Language", lang),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=UTF-8"),
            ("Content-Transfer-Encoding", "8bit"),
            ("Plural-Forms", plural_forms(lang)),
        ]),
        translator_comments=tuple(c.replace("Translation template", f"{language_name} translation")
                                  for c in (pot.header.translator_comments if pot.header else ())),
    )


def with_header(existing: Catalog | None, pot: Catalog, lang: str, language_name: str,
                info: CatalogInfo) -> Catalog:
    """The catalog a template is merged into: `existing` as it is when it has a header; otherwise
    (a new catalog, or a header entry deleted or emptied by hand) the same entries under a header
    again. An obsolete header entry (`#~ msgid ""`) is brought back as the header when it holds one;
    else a new header is written for `lang`, keeping the comments of an emptied one."""
    if existing is None:
        return Catalog(header=new_header(pot, lang, language_name, info), messages=())
    if existing.header is not None and existing.header.msgstr:
        return existing
    old_headers = [m for m in existing.messages if m.obsolete and m.key == (None, "")]
    messages = tuple(m for m in existing.messages if not (m.obsolete and m.key == (None, "")))
    revived = next((m for m in old_headers if m.msgstr), None)
    if revived is not None:
        return Catalog(header=replace(revived, obsolete=False), messages=messages)
    header = new_header(pot, lang, language_name, info)
    comments = existing.header.translator_comments if existing.header is not None else ()
    return Catalog(header=replace(header, translator_comments=comments) if comments else header, messages=messages)


def with_header_field(header: Message, name: str, value: str) -> Message:
    """The header with one field set (replaced in place, or appended)."""
    lines = header.msgstr.split("\n")
    for index, line in enumerate(lines):
        key, sep, _ = line.partition(":")
        if sep and key.strip().lower() == name.lower():
            lines[index] = f"{key}: {value}"
            return replace(header, msgstr="\n".join(lines))
    text = header.msgstr if header.msgstr.endswith("\n") or not header.msgstr else header.msgstr + "\n"
    return replace(header, msgstr=f"{text}{name}: {value}\n")


def update(existing: Catalog, pot: Catalog, memory: Memory | None) -> Catalog:
    """Merge a new template into a translated catalog the way `msgmerge --previous` does.

    Exact matches keep their translation; an edited unit gets the closest old translation as
    `fuzzy` with `#| msgid` holding the old source; a new unit is pre-filled from the language's
    translation memory; old translated units no longer in the template become obsolete (`#~`).
    """
    current = {m.key: m for m in existing.messages if not m.obsolete}
    obsolete = {m.key: m for m in existing.messages if m.obsolete}
    used: set[tuple[str | None, str]] = set()
    merged = []
    pending = []
    for entry in pot.messages:
        old = current.get(entry.key) or obsolete.get(entry.key)
        if old is not None:
            used.add(old.key)
            merged.append(_keep_translation(entry, old))
        else:
            merged.append(None)
            pending.append((len(merged) - 1, entry))
    unused = [m for key, m in current.items() if key not in used and m.msgstr]
    for position, entry in pending:
        old = _closest(entry, unused)
        if old is not None:
            unused.remove(old)
            used.add(old.key)
            merged[position] = _as_fuzzy(entry, old.msgid, old.msgctxt, old.msgstr, old)
        else:
            merged[position] = _from_memory(entry, memory)
    retired = [_retire(m) for key, m in current.items() if key not in used and m.msgstr]
    retired += [m for key, m in obsolete.items() if key not in used]
    header = existing.header
    if header is not None and pot.header is not None:
        created = pot.header_field("POT-Creation-Date")
        if created is not None and existing.header_field("POT-Creation-Date") is not None:
            header = with_header_field(header, "POT-Creation-Date", created)
    return Catalog(header=header, messages=tuple(merged) + tuple(retired))


def _keep_translation(entry: Message, old: Message) -> Message:
    flags = _merge_flags(old.flags, entry.flags)
    fuzzy = "fuzzy" in flags
    return Message(  # (dataclasses.replace costs several times more, for every unit of every catalog)
        msgid=entry.msgid, msgstr=old.msgstr, msgctxt=entry.msgctxt,
        msgid_plural=old.msgid_plural if entry.msgid_plural is None else entry.msgid_plural,
        msgstr_plural=old.msgstr_plural, flags=flags, translator_comments=old.translator_comments,
        extracted_comments=entry.extracted_comments, references=entry.references,
        previous_msgctxt=old.previous_msgctxt if fuzzy else None,
        previous_msgid=old.previous_msgid if fuzzy else None,
        previous_msgid_plural=entry.previous_msgid_plural, obsolete=False, line=entry.line)


def _as_fuzzy(entry: Message, old_msgid: str, old_msgctxt: str | None, msgstr: str,
              old: Message | None = None) -> Message:
    flags = _merge_flags(("fuzzy",) + (old.flags if old else ()), entry.flags)
    return replace(
        entry,
        msgstr=msgstr,
        flags=flags,
        translator_comments=old.translator_comments if old else (),
        previous_msgid=old_msgid,
        previous_msgctxt=old_msgctxt if old_msgctxt != entry.msgctxt else None,
    )


def _from_memory(entry: Message, memory: Memory | None) -> Message:
    if memory is None:
        return entry
    exact = memory.exact(entry.msgctxt, entry.msgid)
    if exact is not None:
        return replace(entry, msgstr=exact)
    close = memory.closest(entry.msgid)
    if close is not None:
        return _as_fuzzy(entry, close.msgid, close.msgctxt, close.msgstr)
    return entry


def _merge_flags(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
    """Keep the translator's flags (fuzzy, no-wrap, …) and add the template's."""
    return tuple(dict.fromkeys(old + new))


def _retire(message: Message) -> Message:
    return replace(message, obsolete=True, references=(), extracted_comments=())


def _closest(entry: Message, candidates: list[Message]) -> Message | None:
    """The most similar old unit of this catalog, by msgmerge's measure (`similar`) and threshold;
    among equally similar ones, one with the same context, then the first."""
    if entry.msgid_plural is not None:
        return None
    pool = [old for old in candidates if old.msgid_plural is None]
    found = best_match(entry.msgid, [old.msgid for old in pool], FUZZY_THRESHOLD,
                       [0.01 if old.msgctxt == entry.msgctxt else 0.0 for old in pool])
    return None if found is None else pool[found]


_DATE_LINE = re.compile("^\"(?:" + "|".join(DATE_FIELDS) + "):.*$", re.MULTILINE)


def content_equal(a: str, b: str) -> bool:
    """Whether two PO texts differ at most in the creation/revision dates of their headers."""
    if a == b:
        return True
    header_a, _, rest_a = a.partition("\n\n")  # the header entry comes first, ends at a blank line
    header_b, _, rest_b = b.partition("\n\n")
    return rest_a == rest_b and _DATE_LINE.sub("", header_a) == _DATE_LINE.sub("", header_b)


def merge_saved(base: Catalog, theirs: Catalog, ours: Catalog) -> Catalog:
    """Three versions of one catalog made from `base`, merged entry by entry ((msgctxt, msgid), live
    and obsolete entries apart): `theirs`, saved by a translator while `ours` was being made. Every
    entry theirs changed (its translation, flags, comments, or the entry itself added) is theirs, as
    the translator saved last; every other entry is ours. Live entries keep ours' order, then come
    those only theirs has; the obsolete entries of both are kept (but never one whose msgid stands
    live). The header is theirs when they changed it."""
    before = {(m.obsolete, m.key): m for m in base.messages}

    def changed(message: Message) -> bool:
        return before.get((message.obsolete, message.key)) != message

    saved = {m.key: m for m in theirs.messages if not m.obsolete}
    live = [saved[m.key] if m.key in saved and changed(saved[m.key]) else m for m in ours.messages if not m.obsolete]
    kept = {m.key for m in live}
    live += [m for m in theirs.messages if not m.obsolete and m.key not in kept and changed(m)]
    standing = {m.key for m in live}
    retired: dict[tuple[str | None, str], Message] = {m.key: m for m in ours.messages if m.obsolete}
    for m in theirs.messages:
        if m.obsolete and (m.key not in retired or changed(m)):
            retired[m.key] = m
    header = theirs.header if theirs.header != base.header else ours.header
    return Catalog(header=header, messages=tuple(live) + tuple(m for key, m in retired.items() if key not in standing))


# --- statistics ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statistics:
    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.translated / self.total


def statistics(catalog: Catalog) -> Statistics:
    live = [m for m in catalog.messages if not m.obsolete]
    translated = sum(1 for m in live if m.translated)
    fuzzy = sum(1 for m in live if m.fuzzy and not m.translated)
    return Statistics(
        translated=translated,
        fuzzy=fuzzy,
        untranslated=len(live) - translated - fuzzy,
        obsolete=len(catalog.messages) - len(live),
    )


def translations(catalog: Catalog) -> Mapping[tuple[str | None, str], str]:
    """The usable translations of a catalog: (msgctxt, msgid) → msgstr, fuzzy and empty left out."""
    return {m.key: m.msgstr for m in catalog.messages if m.translated and m.msgid_plural is None}


# --- an article's catalogs ---------------------------------------------------------------------------


def article_template(config: Config, article: Article, info: CatalogInfo, parser: Parser | None = None) -> Catalog:
    """What there is to translate in an article: its template (`parser`: one to reuse for many)."""
    title = article.metadata.get("title")
    title = title if isinstance(title, str) else article.id
    return template(title, article.path, prepare(config, article, parser).segments, info)


def merged_catalog(pot: Catalog, existing: Catalog | None, lang: str, memory: Memory | None,
                   info: CatalogInfo) -> Catalog:
    """A catalog in `lang` brought up to its template, as msgmerge --previous does (a deleted
    header comes back; new units are filled from the memory)."""
    return update(with_header(existing, pot, lang, language_name(lang), info), pot, memory)
