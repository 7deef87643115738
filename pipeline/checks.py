"""Translator QA: each translation compared with its source unit, and Khmer text checked.

Every finding is a Diagnostic located at the entry's line in the .po file. A translator comment
`# noqa: CODE` (several codes separated by commas or spaces) silences those codes on that entry,
except the codes of `ALWAYS_CHECKED`: a URL that may not be published, an image or a linked file
(an attachment) the source does not show (its file may not exist, and a missing file would stop
the whole build), a translation
too long or too deeply nested to publish in reasonable time, and a blank line the source unit does
not have (a blank line ends a Markdown block: the page would not have the source's blocks)."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from typing import Iterable

from pipeline.po import plurals
from pipeline.locales import plural_forms
from pipeline.content import Article
from pipeline.glossary import Glossary, uses
from pipeline.khmer import check_khmer, khmer_ratio
from pipeline.khmer.number_match import compare_numbers
from pipeline.khmer.words import WordBreaker
from pipeline.links import is_site_local, names_a_file
from pipeline.markdown import MAX_EMPHASIS_NESTING, Document, InlineReader, emphasis_nesting_bound, inline_features
from pipeline.model import Catalog, Diagnostic, Message
from pipeline.sanitize import removed_markup
from pipeline.segment import MAX_UNIT_CHARS
from pipeline.urls import url_problem

ALWAYS_CHECKED = frozenset({"unsafe-url", "images", "attachments", "too-long", "too-deep", "blank-line"})
MAX_TRANSLATION_CHARS = 4 * MAX_UNIT_CHARS  # Khmer takes more characters than English, not four times as many
_LATIN = re.compile(r"[A-Za-z]")
# The msgids by which GNOME, KDE and gettext ask translators for their own names and addresses:
# the translation lists people, it does not translate the msgid, so it is not compared with it.
TRANSLATOR_CREDITS = frozenset({"translator-credits", "translator_credits", "Your names", "Your emails"})
_NOQA = re.compile(r"noqa(?::\s*(?P<codes>[\w,\s-]+))?", re.IGNORECASE)
_LANG_PREFIX = re.compile(r"^/(?:[a-z]{2,3})(/.*)$")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")  # in text whose line endings are \n: two of them with only spaces between


def check_catalog(catalog: Catalog, path: str, lang: str, languages: Iterable[str] = (),
                  reader: InlineReader | None = None, interface: bool = False,
                  glossary: Glossary | None = None, breaker: WordBreaker | None = None) -> tuple[Diagnostic, ...]:
    """Every finding for one catalog in language `lang` (header language and each entry); pass a
    `reader` when checking many catalogs. The `interface` catalog's strings are format strings.
    A Khmer catalog's translations are also held against the project's `glossary`."""
    findings = list(check_header(catalog, path, lang))
    reader, breaker = reader or InlineReader(), breaker or WordBreaker()
    for message in catalog.messages:
        if message.obsolete or message.fuzzy or not message.msgstr or message.msgid_plural is not None:
            continue
        silenced = _silenced(message)
        found = check_message(message, path, lang, tuple(languages), reader, breaker)
        if interface:
            found = itertools.chain(found, _format_findings(message, path))
        if glossary is not None and lang == "km":
            found = itertools.chain(found, glossary_findings(message, path, glossary))
        for finding in found:
            if finding.code in ALWAYS_CHECKED or (finding.code not in silenced and "*" not in silenced):
                findings.append(finding)
    return tuple(findings)


def check_header(catalog: Catalog, path: str, lang: str) -> Iterable[Diagnostic]:
    """The header entry judged as GNU `msgfmt --check` (0.21) judges it: what makes msgfmt fail is
    an error here, what it warns about a warning, each at the header's line. The pipeline adds its
    own rules: Language names the catalog's folder, catalogs are UTF-8, a field appears once."""
    header = catalog.header
    text = header.msgstr if header is not None else ""
    if header is None or not text:  # msgfmt: "PO file header missing or invalid" (an error)
        yield Diagnostic(path, header.line if header is not None else 1, "po-header",
                         'the catalog has no header entry (msgid "")' if header is None
                         else 'the header entry (msgid "") is empty',
                         hint="run `pipeline extract` to recreate the header; every entry is kept")
        return
    line = header.line
    yield from _language_findings(catalog, path, line, lang)
    yield from _field_findings(text, path, line, lang)
    yield from _charset_findings(text, catalog, path, line)
    yield from _plural_findings(text, catalog, path, line, lang)


def _language_findings(catalog: Catalog, path: str, line: int, lang: str) -> Iterable[Diagnostic]:
    declared = catalog.header_field("Language")
    if declared and declared.replace("-", "_").split("_")[0] != lang:
        yield Diagnostic(path, line, "po-language", f"header says Language: {declared}, but the file is in the "
                         f"{lang!r} folder", hint=f"set the header to Language: {lang}")


# The fields `msgfmt --check` wants in a header (a warning for each one missing), with the value the
# template gives them (a warning: "still has the initial default value"), and what to write instead.
_REQUIRED_FIELDS = {
    "Project-Id-Version": ("PACKAGE VERSION", "the project's name and version"),
    "PO-Revision-Date": ("YEAR-MO-DA HO:MI+ZONE", "the date of your last edit, e.g. 2025-08-13 09:30+0700"),
    "Last-Translator": ("FULL NAME <EMAIL@ADDRESS>", "your name <your@email>"),
    "Language-Team": ("LANGUAGE <LL@li.org>", "the team's name <its@email>"),
    "MIME-Version": (None, "1.0"),
    "Content-Type": ("text/plain; charset=CHARSET", "text/plain; charset=UTF-8"),
    "Content-Transfer-Encoding": ("ENCODING", "8bit"),
    "Language": ("", "{lang}"),
}


def _field_findings(text: str, path: str, line: int, lang: str) -> Iterable[Diagnostic]:
    """msgfmt's field checks: a field is a line that starts with exactly `Name:`; the first one counts."""
    lines = text.split("\n")
    keys = [key.strip() for key, sep, _ in (row.partition(":") for row in lines) if sep]
    for name, (default, example) in _REQUIRED_FIELDS.items():
        value, example = _exact_field(lines, name), example.format(lang=lang)
        code = "po-language" if name == "Language" else "po-header"
        if value is None:
            spelled = next((key for key in keys if key.lower() == name.lower()), None)
            yield Diagnostic(path, line, code, f"header field '{name}' is missing", severity="warning",
                             hint=f"spell it exactly {name}: at the start of a line (not {spelled}:)" if spelled
                             else f'add "{name}: {example}" to the header')
        elif value == default:
            yield Diagnostic(path, line, code, f"header field '{name}' " + (
                             f"still has the template's value '{default}'" if default else "is empty"),
                             severity="warning", hint=f"set it to {example}")
    for name, times in Counter(key.lower() for key in keys if key).items():
        if times > 1:
            yield Diagnostic(path, line, "po-header", f"header field '{name}' appears {times} times",
                             severity="warning",
                             hint="keep one line for each field: tools differ in which one they read")


def _exact_field(lines: list[str], name: str) -> str | None:
    """The value of the first line `name: value` (one space after the colon dropped), as msgfmt finds it."""
    for row in lines:
        if row.startswith(name + ":"):
            value = row[len(name) + 1:]
            return value[1:] if value.startswith(" ") else value
    return None


# The encodings msgfmt knows by name (others get "not a portable encoding name"), and the codec that
# decides here whether a catalog's text can be read in one: Python's of the same name, or for the
# three it lacks one that refuses the same bytes (VISCII and GEORGIAN-PS use every byte; EUC-TW
# refuses the byte pairs of UTF-8, approximated as any non-ASCII text).
_PORTABLE_CHARSETS = {name: name for name in (
    "ASCII", "ISO-8859-1", "ISO-8859-2", "ISO-8859-3", "ISO-8859-4", "ISO-8859-5", "ISO-8859-6",
    "ISO-8859-7", "ISO-8859-8", "ISO-8859-9", "ISO-8859-13", "ISO-8859-14", "ISO-8859-15", "KOI8-R",
    "KOI8-U", "KOI8-T", "CP850", "CP866", "CP874", "CP932", "CP949", "CP950", "CP1250", "CP1251",
    "CP1252", "CP1253", "CP1254", "CP1255", "CP1256", "CP1257", "GB2312", "EUC-JP", "EUC-KR", "EUC-TW",
    "BIG5", "BIG5-HKSCS", "GBK", "GB18030", "SHIFT_JIS", "JOHAB", "TIS-620", "VISCII", "GEORGIAN-PS",
    "UTF-8")}
_PORTABLE_CHARSETS.update({"ANSI_X3.4-1968": "ASCII", "US-ASCII": "ASCII"})
_PORTABLE_CHARSETS.update({f"ISO_8859-{n}": f"ISO-8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15)})
_CODEC_STAND_INS = {"VISCII": "latin-1", "GEORGIAN-PS": "latin-1", "EUC-TW": "ascii"}
_CHARSET_HINT = 'catalogs are UTF-8: set "Content-Type: text/plain; charset=UTF-8"'


def _charset_findings(text: str, catalog: Catalog, path: str, line: int) -> Iterable[Diagnostic]:
    """msgfmt takes the charset from the first `charset=` of the header and reads every later string
    of the file in it: a string that is not valid there makes it fail."""
    at = text.find("charset=")
    if at < 0:
        yield Diagnostic(path, line, "po-charset", "the header declares no charset", severity="warning",
                         hint=_CHARSET_HINT)
        return
    declared = re.split(r"[ \t\n]", text[at + len("charset="):], maxsplit=1)[0]
    charset = _PORTABLE_CHARSETS.get(declared.upper()) if declared.isascii() else None
    if charset is None:
        yield Diagnostic(path, line, "po-charset", f"charset {declared!r} is not a portable encoding name",
                         severity="warning", hint=_CHARSET_HINT)
    elif charset != "UTF-8":
        unreadable = _first_unreadable(catalog, _CODEC_STAND_INS.get(charset, charset))
        if unreadable is not None:
            yield Diagnostic(path, line, "po-charset", f"the header declares charset={declared}, but the entry "
                             f"at line {unreadable.line} has text that is not valid {charset}",
                             hint=_CHARSET_HINT)
        else:
            yield Diagnostic(path, line, "po-charset", f"the header declares charset={declared}: other tools "
                             f"read the catalog as {charset}, this pipeline as UTF-8",
                             severity="warning", hint=_CHARSET_HINT)


def _first_unreadable(catalog: Catalog, codec: str) -> Message | None:
    """The first entry with a string whose UTF-8 bytes do not decode in `codec`."""
    for message in catalog.messages:
        for text in (message.msgctxt, message.msgid, message.msgid_plural, message.msgstr,
                     *message.msgstr_plural, message.previous_msgctxt, message.previous_msgid,
                     message.previous_msgid_plural):
            if text is not None and not text.isascii():
                try:
                    text.encode("utf-8").decode(codec)
                except UnicodeError:
                    return message
    return None


# A real plural expression has some dozens of characters; checking one costs time in proportion to
# its length (up to about a second for this many), so a longer one is refused, though msgfmt reads it.
PLURAL_EXPRESSION_LIMIT = 16_384


def _plural_findings(text: str, catalog: Catalog, path: str, line: int, lang: str) -> Iterable[Diagnostic]:
    """msgfmt's Plural-Forms checks. It looks for the first `nplurals=` and `plural=` anywhere in the
    header; both are needed only when the catalog has translated plural entries; when both are
    there, the number must be one, the expression valid C that gives a form below nplurals for
    n = 0 … 1000, and each translated plural entry must have nplurals forms."""
    def problem(message: str, severity: str = "error", hint: str = "") -> Diagnostic:
        rule = f"write Plural-Forms: {plural_forms(lang)} (the rule for {lang!r})"
        return Diagnostic(path, line, "po-plural-forms", message, severity=severity,  # type: ignore[arg-type]
                          hint=f"{hint}, or {rule}" if hint else rule)

    plural_entries = [m for m in catalog.messages if m.msgid_plural is not None and not m.obsolete
                      and not m.fuzzy and m.msgstr_plural and m.msgstr_plural[0]]
    count_at, expression_at = text.find("nplurals="), text.find("plural=")
    if count_at < 0 or expression_at < 0:
        lacking = " and ".join(part for part, at in (("nplurals=INTEGER", count_at),
                                                     ("plural=EXPRESSION", expression_at)) if at < 0)
        if plural_entries:
            yield problem(f"the catalog has plural translations (line {plural_entries[0].line}), but the header "
                          f"lacks {lacking}")
        else:
            yield problem(f"the header lacks {lacking} (Plural-Forms)", severity="warning")
        return
    nplurals = plurals.count_of(text[count_at + len("nplurals="):])
    if nplurals is None:  # (msgfmt says no more about the header then)
        yield problem("Plural-Forms: invalid nplurals value (not a number)")
        return
    written = re.split(r"[;\n]", text[expression_at + len("plural="):], maxsplit=1)[0]
    if len(written) > PLURAL_EXPRESSION_LIMIT:  # the pipeline's own limit: checking it takes time
        yield problem(f"Plural-Forms: the plural expression is {len(written):,} characters long; this pipeline "
                      f"reads at most {PLURAL_EXPRESSION_LIMIT:,}")
        return
    expression = plurals.parse(written)
    if expression is None:
        yield problem("Plural-Forms: invalid plural expression (the C operators ! * / % + - < > <= >= == != && "
                      "|| ?: on n and numbers, in parentheses at most nested a few thousand deep)")
        return
    fault = plurals.first_fault(expression, nplurals)
    if fault is not None:
        yield problem(_FAULTS[fault.kind].format(nplurals=nplurals, n=fault.n, value=fault.value))
        return
    if not plural_entries:
        return
    fewest = min(plural_entries, key=lambda m: len(m.msgstr_plural))  # (the first of them, as msgfmt)
    most = max(plural_entries, key=lambda m: len(m.msgstr_plural))
    wrong = fewest if len(fewest.msgstr_plural) < nplurals else most if len(most.msgstr_plural) > nplurals else None
    if wrong is not None:
        yield problem(f"Plural-Forms: nplurals = {nplurals}, but the plural entry at line {wrong.line} has "
                      f"{len(wrong.msgstr_plural)} form(s)",
                      hint=f"give each plural entry msgstr[0] … msgstr[{nplurals - 1}]")


_FAULTS = {
    "division": "Plural-Forms: the plural expression can produce division by zero (for n = {n})",
    "negative": "Plural-Forms: the plural expression can produce negative values ({value} for n = {n})",
    "range": "Plural-Forms: nplurals = {nplurals} but the plural expression can produce values as large as "
             "{value} (for n = {n}); forms are numbered 0 … nplurals - 1",
}


def check_message(message: Message, path: str, lang: str, languages: tuple[str, ...] = (),
                  reader: InlineReader | None = None, breaker: WordBreaker | None = None) -> Iterable[Diagnostic]:
    """Findings for one translated entry (`reader`, `breaker`: ones to reuse for many entries)."""
    source, target = message.msgid, message.msgstr

    def finding(code: str, text: str, hint: str, severity: str = "error") -> Diagnostic:
        return Diagnostic(path, message.line, code, text, severity=severity, hint=hint, msgid=source)

    if len(target) > MAX_TRANSLATION_CHARS:
        yield finding("too-long", f"this translation is {len(target):,} characters long; a translated unit may "
                      f"have at most {MAX_TRANSLATION_CHARS:,}", "translate the source unit, not more")
        return
    markdown = "markdown-text" in message.flags or message.msgctxt is None  # (tools such as msgcat drop the flag)
    if markdown and emphasis_nesting_bound(target) > MAX_EMPHASIS_NESTING:
        yield finding("too-deep", f"emphasis markers (* and _) open more than {MAX_EMPHASIS_NESTING} deep here, "
                      "with more closing markers after them than Markdown can pair in reasonable time",
                      r"write a literal * or _ as \* or \_")
        return
    if markdown and _has_blank_line(target) and not _has_blank_line(source):
        yield finding("blank-line", "the translation has a blank line where the source has none: a blank line "
                      "ends a Markdown block, and this message is one block of the page (a paragraph, a list "
                      "item, a heading, a cell, a note)",
                      "remove the blank line; a new paragraph needs one in the source, and so a message of its own")
    credits = source in TRANSLATOR_CREDITS  # the translators' names: not a translation of its msgid
    if markdown:
        found = _markdown_findings(source, target, finding, languages, reader or InlineReader())
        yield from (f for f in found if not credits or f.code in ALWAYS_CHECKED or f.code == "raw-html")
    if not credits:
        yield from _number_findings(source, target, finding, breaker)
        if lang == "km":
            yield from _latin_only_findings(message, finding)
    if _line_break_edges(source) != _line_break_edges(target):
        yield finding("whitespace", "the translation does not begin and end with a line break where the source does",
                      "begin and end with a line break exactly where the source does (GNU msgfmt --check refuses "
                      "the catalog otherwise); spaces at the start or end do not matter", severity="warning")
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
    new_files = [url for url in got.links if url not in want.links and is_site_local(url) and names_a_file(url)]
    if new_files:
        yield finding("attachments", f"links to files the source does not link to: {new_files}",
                      "keep the link targets of the source; a file the English page does not offer is not published")
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
    for url in got.links + got.images:
        problem = url_problem(url) if url not in want.links + want.images else None
        if problem:
            yield finding("unsafe-url", problem, "use the link targets of the source; such a URL is never published")


def check_article_body(article: Article, document: Document,
                       reader: InlineReader | None = None) -> tuple[Diagnostic, ...]:
    """What an article body holds that is not published as written, located at its line: an error
    for each link or image target that may not be published (in its units and its reference
    definitions), a warning for raw HTML that the sanitizer removes."""
    reader = reader or InlineReader()
    findings = []
    for slot in document.slots:
        features = reader.features(slot.text)
        for url in features.links + features.images:
            problem = url_problem(url)
            if problem:
                findings.append(Diagnostic(article.path, _line_in(article, slot, url), "unsafe-url", problem,
                                           hint=_URL_HINT))
        for html in features.raw_html:
            findings.extend(_unpublished_html(article.path, _line_in(article, slot, html), html))
    for key, definition in (document.env.get("ref_links") or {}).items():
        problem = url_problem(definition.get("url", ""))
        if problem:
            label = definition.get("label", key)
            findings.append(Diagnostic(article.path, _line_of(article, f"[{label}]:"), "unsafe-url",
                                       f"[{label}]: {problem}", hint=_URL_HINT))
    for html in document.html_blocks:
        findings.extend(_unpublished_html(article.path, _line_of(article, html.strip().split("\n", 1)[0]), html))
    return tuple(findings)


def _unpublished_html(path: str, line: int, html: str) -> Iterable[Diagnostic]:
    removed = removed_markup(html)
    if removed:
        yield Diagnostic(path, line, "raw-html", f"this HTML is not published as written: {', '.join(removed)} "
                         "removed", severity="warning",
                         hint="pages keep text, links, images, tables and formatting only: no script, embedded "
                              "frames, forms or event handlers")


def _line_in(article: Article, slot, needle: str) -> int:
    """The line of `needle` inside a unit of the article's body."""
    before = slot.text[:max(slot.text.find(needle), 0)]
    return article.body_line + slot.line - 1 + before.count("\n")


def _line_of(article: Article, needle: str) -> int:
    """The line of the first `needle` in the article's body (its first line when absent)."""
    at = max(article.body.find(needle), 0)
    return article.body_line + article.body.count("\n", 0, at)


_URL_HINT = "link to a page of this site, an @/ asset, or an https:// address"


class _Names(dict):
    """A mapping that has every key (an empty string), and remembers which were asked for."""

    def __missing__(self, key: str) -> str:
        self.setdefault(key, "")
        return ""

    def __str__(self) -> str:  # a `%s` without a name would show the variables themselves
        raise TypeError("a %s or %r without a (name)")

    __repr__ = __str__


def interface_format_problem(msgid: str, msgstr: str) -> str | None:
    """Why a translation of an interface string cannot stand in for it, or None. Jinja2 formats
    every interface string with `%` (`%(minutes)s`, `%%`), variables or not: a translation must
    format as Python does, with no name its msgid does not have (else it would stop a build)."""
    wanted, used = _Names(), _Names()
    try:
        msgid % wanted
        msgstr % used
    except (ValueError, TypeError, KeyError) as error:
        return f"it is not a valid format string ({error}); write % as %%"
    unknown = sorted(set(used) - set(wanted))
    if unknown:
        return f"it uses {', '.join(f'%({name})s' for name in unknown)}, which the source does not have"
    return None


def glossary_findings(message: Message, path: str, glossary: Glossary) -> Iterable[Diagnostic]:
    """A warning for each glossary term the source uses whose Khmer the translation has none of."""
    for use in uses(glossary, message.msgid, message.msgstr):
        if not use.followed:
            term = use.term
            expected = " or ".join(f"“{khmer}”" for khmer in term.khmer)
            yield Diagnostic(path, message.line, "glossary", f"the source says “{term.english}”, and the "
                             f"translation has none of its glossary Khmer: {expected}", severity="warning",
                             hint=f"write {expected} as {glossary.shown} has it (line {term.line}), or add "
                                  "`# noqa: glossary` where another word is right", msgid=message.msgid)


def _format_findings(message: Message, path: str) -> Iterable[Diagnostic]:
    problem = interface_format_problem(message.msgid, message.msgstr)
    if problem:
        yield Diagnostic(path, message.line, "format", f"this translation cannot be shown: {problem}",
                         hint="keep every %(name)s of the source as it is; the source text is shown until then",
                         msgid=message.msgid)


def _number_findings(source: str, target: str, finding, breaker: WordBreaker | None) -> Iterable[Diagnostic]:
    """Numbers compared as numbers (`four` = ៤, `៤ ០០០` = 4,000, `2 p.m.` = ម៉ោង២ រសៀល): a figure in
    digits must be answered on the other side; a number word only answers one (see number_match)."""
    compared = compare_numbers(source, target, breaker)
    if not compared.agree:
        missing = [m.shown() for m in compared.missing]
        extra = [m.shown() for m in compared.extra]
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + ([f"extra {', '.join(extra)}"] if extra else [])
        yield finding("numbers", f"numbers differ from the source ({'; '.join(parts)})",
                      "keep the same numbers; digits and words count as equal (១២០ = 120, បី = three)",
                      severity="warning")


def _site_path(url: str, languages: tuple[str, ...]) -> str:
    """Links to another language's page count as the same target."""
    found = _LANG_PREFIX.match(url)
    if found and url.split("/")[1] in languages:
        return found.group(1)
    return url


def _has_blank_line(text: str) -> bool:
    """Whether `text` has two line endings (\\n, \\r\\n or \\r, as Markdown reads them) with only
    spaces and tabs between: a blank line, which ends a Markdown block."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _BLANK_LINE.search(text) is not None


def _line_break_edges(text: str) -> tuple[bool, bool]:
    """Whether `text` begins and ends with a line break: what GNU `msgfmt --check` holds msgid and
    msgstr to agree on. Spaces, tabs and no-break spaces at the edges change nothing on a page (HTML
    collapses them; a front-matter value is shown as text), so they are not compared."""
    return (text.startswith("\n"), text.endswith("\n"))


# What is not running text in a unit: code spans, images (Markdown and wikilink), link and autolink
# targets, HTML tags, bare addresses, and printf/Python/brace format directives. No part reads past
# the next opening of its own kind (and the flags are possessive): tried from each of thousands of
# `![`, `](`, `<` or `%(` with no end, a part would read the rest of the text each time (quadratic).
_NOT_PROSE = re.compile(r"`+[^`]*`+|!\[[^\][]*\]\([^()]*\)|!\[\[[^\][]*\]\]|\]\([^()]*\)|<[^<>]*>|https?://\S+"
                        r"|%(?:\([^()%]*\))?[-#0 +]*+\d*(?:\.\d+)?[a-zA-Z%]|\{[^{}]*\}")
_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")  # (a hyphenated name is one word)
_SENTENCE_END = re.compile(r"[.!?:;…][\s)\]\"'”’*_~]*$")
_LEAST_SENTENCE_WORDS = 4


def _visible_words(text: str) -> list[str]:
    """The Latin words of `text` a reader sees as text: markup, targets, code and formats left out."""
    return _WORD.findall(_NOT_PROSE.sub(" ", text))


def _latin_only_findings(message: Message, finding) -> Iterable[Diagnostic]:
    """A translation in Latin letters with no Khmer: reported when it is not the source kept as it
    is (a transliteration, a paste), or when the source it keeps is running text (`_kept_prose`)."""
    target = message.msgstr
    if not _LATIN.search(target) or khmer_ratio(target) > 0:
        return
    kept = _visible_words(target) == _visible_words(message.msgid)
    if not kept or _kept_prose(message):
        yield finding("latin-only", "the translation has no Khmer text" + (": it keeps the source's sentences"
                                                                          if kept else ""),
                      "translate the text, or leave msgstr empty to show the source until it is done",
                      severity="warning")


def _kept_prose(message: Message) -> bool:
    """Whether a translation that keeps its source as it is keeps running text in the source
    language. A heading may stay in English (a site may keep its headings, and their anchors, in
    the source language), and so may what does not read as sentences."""
    return "heading" not in message.extracted_comments and _reads_as_sentences(message.msgstr)


def _reads_as_sentences(text: str) -> bool:
    """Whether Latin text is running text (some words ending with a full stop, !, ?, : or ;), which
    a translation must not keep in the source language; a name, a product, a heading-like label,
    a link to an English resource, code or a format may stay as it is."""
    visible = _NOT_PROSE.sub(" ", text).strip()
    return len(_WORD.findall(visible)) >= _LEAST_SENTENCE_WORDS and _SENTENCE_END.search(visible) is not None


def _silenced(message: Message) -> set[str]:
    codes: set[str] = set()
    for comment in message.translator_comments:
        for found in _NOQA.finditer(comment):
            if found.group("codes"):
                codes.update(c for c in re.split(r"[,\s]+", found.group("codes").strip()) if c)
            else:
                codes.add("*")
    return codes
