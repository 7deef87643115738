"""Markdown through mistune; the one package that imports mistune.

- `setup`: mistune as this project runs it (plugins, parsers with their shortcuts, linear-time
  rules, the emphasis nesting bound, the `InlineMemo` parsers may share);
- `document`: a body parsed into a `Document`, its translatable `Slot`s located in the source;
- `html`: the HTML of a document with its slots replaced;
- `inline`: the `InlineFeatures` of a unit (what a translation must keep);
- `destinations`: where links and images point in a text, pointed elsewhere (the export);
- `safe`: translations written back as Markdown with no HTML or URL the source lacks (the export).
"""

from pipeline.markdown.inline import InlineFeatures, InlineReader, inline_features
from pipeline.markdown.document import Address, Document, Parser, Slot, parse
from pipeline.markdown.html import Renderer, enclosed_alt, html_of, render
from pipeline.markdown.destinations import rewrite_destinations
from pipeline.markdown.safe import one_block, without_untrusted_html
from pipeline.markdown.setup import MAX_EMPHASIS_NESTING, PLUGINS, InlineMemo, emphasis_nesting_bound

__all__ = ["MAX_EMPHASIS_NESTING", "PLUGINS", "Address", "Document", "InlineFeatures", "InlineMemo", "InlineReader",
           "Parser", "Renderer", "Slot", "emphasis_nesting_bound", "enclosed_alt", "html_of", "inline_features",
           "one_block", "parse", "render", "rewrite_destinations", "without_untrusted_html"]
