"""Translated Markdown: the source file with each translated unit written in place.

Front matter keeps its bytes (key order, quoting, comments) except the translated values; the body
keeps its bytes except the translated units. With every translation equal to its source unit the
export is byte-identical to the source."""

from __future__ import annotations

from typing import Mapping

from pipeline.content import Article, yaml_scalar
from pipeline.markdown import Document, InlineReader, enclosed_alt, without_untrusted_html
from pipeline.model import Diagnostic
from pipeline.segment import Segment
from pipeline.translate import Key

_SINGLE_LINE_KINDS = ("heading", "table cell", "image alt")


def export_markdown(article: Article, document: Document, segments: tuple[Segment, ...],
                    translations: Mapping[Key, str], reader: InlineReader | None = None
                    ) -> tuple[str, tuple[Diagnostic, ...]]:
    """The article with translated units spliced in, and warnings for units it could not place.
    A translation's HTML and URLs that the source unit does not have are neutralised, as on the
    pages (`reader`: one to reuse for many articles)."""
    reader = reader or InlineReader()
    edits: list[tuple[int, int, str]] = []
    problems = []
    slots = {slot.address: slot for slot in document.slots}
    fields = {field.key_path: field for field in article.fields}
    for segment in segments:
        text = translations.get((segment.msgctxt, segment.msgid))
        if text is None or text == segment.msgid:
            continue
        if segment.key_path is not None:
            field = fields[segment.key_path]
            edits.append((field.start, field.end, yaml_scalar(text, field.style)))
            continue
        text = without_untrusted_html(reader, segment.msgid, text)
        if segment.kind == "image alt":
            text = enclosed_alt(text)
        slot = slots[segment.address]
        if slot.span is None:
            problems.append(Diagnostic(article.path, segment.line, "export",
                                       "could not place this translation in the Markdown export; "
                                       "the source text is kept there", severity="warning", msgid=segment.msgid))
            continue
        start, end = slot.span
        single_line = slot.kind in _SINGLE_LINE_KINDS and "\n" not in slot.text  # a setext heading may span lines
        edits.append((article.body_offset + start, article.body_offset + end,
                      _in_block(text, slot.kind, slot.prefix, single_line)))
    pieces, kept = [], 0  # the text is put together once, not once per edit
    for start, end, text in sorted(edits):
        pieces += [article.text[kept:start], text]
        kept = end
    pieces.append(article.text[kept:])
    return "".join(pieces), tuple(problems)


def _in_block(text: str, kind: str, prefix: str, single_line: bool) -> str:
    """A translation shaped to sit where its unit stood: one line for headings and cells, and
    continuation lines carrying the block's prefix (`> `, list indentation) elsewhere."""
    if single_line:
        text = " ".join(line.strip() for line in text.split("\n"))
        if kind == "table cell":
            text = text.replace("\\|", "|").replace("|", "\\|")
        return text
    return text.replace("\n", "\n" + prefix)
