"""Translator QA: each translation compared with its source unit, and Khmer text checked.

Every finding is a Diagnostic located at the entry's line in the .po file. A translator comment
`# noqa: CODE` (several codes separated by commas or spaces) silences those codes on that entry."""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from pipeline.khmer import check_khmer, khmer_ratio, numbers_in
from pipeline.markdown import InlineReader, inline_features
from pipeline.model import Catalog, Diagnostic, Message

_DANGEROUS_URL = re.compile(r"^\s*(javascript|vbscript|data|file):", re.IGNORECASE)
_LATIN = re.compile(r"[A-Za-z]")
_NOQA = re.compile(r"noqa(?::\s*(?P<codes>[\w,\s-]+))?", re.IGNORECASE)
_LANG_PREFIX = re.compile(r"^/(?:[a-z]{2,3})(/.*)$")


def check_catalog(catalog: Catalog, path: str, lang: str, languages: Iterable[str] = (),
                  reader: InlineReader | None = None) -> tuple[Diagnostic, ...]:
    """Every finding for one catalog in language `lang` (header language and each entry); pass a
    `reader` when checking many catalogs."""
    findings = list(check_header(catalog, path, lang))
    reader = reader or InlineReader()
    for message in catalog.messages:
        if message.obsolete or message.fuzzy or not message.msgstr or message.msgid_plural is not None:
            continue
        silenced = _silenced(message)
        for finding in check_message(message, path, lang, tuple(languages), reader):
            if finding.code not in silenced and "*" not in silenced:
                findings.append(finding)
    return tuple(findings)


def check_header(catalog: Catalog, path: str, lang: str) -> Iterable[Diagnostic]:
    declared = catalog.header_field("Language")
    line = catalog.header.line if catalog.header else 1
    if catalog.header is None:
        yield Diagnostic(path, 1, "po-header", "the catalog has no header entry (msgid \"\")",
                         hint='run `pipeline extract` to recreate the header')
    elif declared and declared.replace("-", "_").split("_")[0] != lang:
        yield Diagnostic(path, line, "po-language", f"header says Language: {declared}, but the file is in the "
                         f"{lang!r} folder", hint=f"set the header to Language: {lang}")
    elif not declared:
        yield Diagnostic(path, line, "po-language", "header has no Language field", severity="warning",
                         hint=f"add Language: {lang} to the header")


def check_message(message: Message, path: str, lang: str, languages: tuple[str, ...] = (),
                  reader: InlineReader | None = None) -> Iterable[Diagnostic]:
    """Findings for one translated entry (`reader`: one to reuse for many entries)."""
    source, target = message.msgid, message.msgstr

    def finding(code: str, text: str, hint: str, severity: str = "error") -> Diagnostic:
        return Diagnostic(path, message.line, code, text, severity=severity, hint=hint, msgid=source)

    if "markdown-text" in message.flags:
        yield from _markdown_findings(source, target, finding, languages, reader or InlineReader())
    yield from _number_findings(source, target, finding)
    if lang == "km" and _LATIN.search(target) and khmer_ratio(target) == 0:
        yield finding("latin-only", "the translation has no Khmer text",
                      "translate the text, or leave msgstr empty to show the source until it is done",
                      severity="warning")
    if _edges(source) != _edges(target):
        yield finding("whitespace", "leading or trailing whitespace differs from the source",
                      "keep the same spaces and line breaks at the start and end", severity="warning")
    if lang == "km":
        for problem in check_khmer(target):
            yield finding(problem.code, f"{problem.message} (at “{problem.excerpt}”)", problem.hint,
                          severity=problem.severity)


def _markdown_findings(source: str, target: str, finding, languages: tuple[str, ...],
                       reader: InlineReader) -> Iterable[Diagnostic]:
    want, got = inline_features(source, reader), inline_features(target, reader)
    if want == got:  # the same markup: none of the comparisons below can find anything
        return
    if Counter(map(lambda u: _site_path(u, languages), want.links)) != \
            Counter(map(lambda u: _site_path(u, languages), got.links)):
        yield finding("links", f"link targets differ: source {list(want.links)}, translation {list(got.links)}",
                      "keep every [text](target) of the source with the same target; translate only the text")
    if Counter(want.images) != Counter(got.images):
        yield finding("images", f"image sources differ: source {list(want.images)}, translation {list(got.images)}",
                      "keep every ![alt](path) of the source with the same path")
    if Counter(want.code) != Counter(got.code):
        yield finding("code", f"inline code differs: source {list(want.code)}, translation {list(got.code)}",
                      "copy `code` spans unchanged; they are not translated")
    if Counter(want.footnotes) != Counter(got.footnotes):
        yield finding("footnotes", "footnote markers differ from the source", "keep each [^note] marker")
    if (want.strong, want.emphasis, want.strikethrough) != (got.strong, got.emphasis, got.strikethrough):
        yield finding("emphasis", "bold, italic or strikethrough markers differ from the source",
                      "keep **bold**, *italic* and ~~struck~~ spans around the matching words", severity="warning")
    extra_html = Counter(got.raw_html) - Counter(want.raw_html)
    if extra_html:
        yield finding("raw-html", f"raw HTML that the source does not have: {sorted(extra_html)}",
                      "remove the HTML; it is escaped and shown as text on the page")
    unsafe = [u for u in got.links + got.images if _DANGEROUS_URL.match(u) and u not in want.links + want.images]
    if unsafe:
        yield finding("unsafe-url", f"unsafe URL not in the source: {unsafe}",
                      "use the link targets of the source; script and data URLs are never published")


def _number_findings(source: str, target: str, finding) -> Iterable[Diagnostic]:
    want, got = Counter(numbers_in(source)), Counter(numbers_in(target))
    if want != got:
        missing, extra = sorted((want - got).elements()), sorted((got - want).elements())
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + ([f"extra {', '.join(extra)}"] if extra else [])
        yield finding("numbers", f"numbers differ from the source ({'; '.join(parts)})",
                      "keep the same numbers; Khmer digits count as equal (១២០ = 120)", severity="warning")


def _site_path(url: str, languages: tuple[str, ...]) -> str:
    """Links to another language's page count as the same target."""
    found = _LANG_PREFIX.match(url)
    if found and url.split("/")[1] in languages:
        return found.group(1)
    return url


def _edges(text: str) -> tuple[str, str]:
    stripped = text.strip()
    if not stripped:
        return (text, "")
    start = text.index(stripped[0])
    return (text[:start], text[start + len(stripped):])


def _silenced(message: Message) -> set[str]:
    codes: set[str] = set()
    for comment in message.translator_comments:
        for found in _NOQA.finditer(comment):
            if found.group("codes"):
                codes.update(c for c in re.split(r"[,\s]+", found.group("codes").strip()) if c)
            else:
                codes.add("*")
    return codes
