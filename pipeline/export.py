"""Translated Markdown: the source file with each translated unit written in place, laid out for
a site generator.

Front matter keeps its bytes (key order, quoting, comments) except the translated values, `lang`
and the URLs that point elsewhere in the export; the body keeps its bytes except the translated
units and those URLs. With every translation equal to its source unit, in the `flat` layout and
without language variants of images, the export is byte-identical to the source.

Layouts (`pipeline build --markdown DIR --layout …`, `config.EXPORT_LAYOUTS`):
- `flat`: `<lang>/<collection>/<slug>.md`; links between articles stay as written (relative `.md`
  paths keep working between files of one language), or lead to the file in the language the
  article is published in; images and attachments are not copied.
- `astro`: `src/content/<collection>/<lang>/<slug>.md`; images as `@/…` (Astro's `@/*` → `./src/*`
  alias) with their files under `src/`; attachments and public-folder files under `public/`, linked
  from the site's root; links between articles `/<lang>/<collection>/<slug>/`.
- `hugo`: `content/<collection>/<slug>.<lang>.md` (Hugo's translation by file name); images and
  attachments under `static/`, linked from the site's root; links between articles as in `astro`
  (with `defaultContentLanguageInSubdir = true`)."""

from __future__ import annotations

import posixpath
import unicodedata
from pathlib import Path, PurePosixPath
from typing import Callable, Mapping
from urllib.parse import quote, unquote, urlsplit

from pipeline.content import Article, is_url_key, yaml_scalar
from pipeline.links import AssetCollector, Links, in_site, is_site_local, link_target, names_a_file
from pipeline.markdown import (Document, InlineReader, enclosed_alt, rewrite_destinations,
                               without_untrusted_html)
from pipeline.model import Diagnostic
from pipeline.segment import Segment
from pipeline.translate import Key

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".bmp", ".ico", ".tif", ".tiff")
Rewrite = Callable[[str, str], "str | None"]  # (kind, url) → the URL in the export, or None to keep it
ALIASES = "aliases"  # the front-matter key of an article's old addresses (`pipeline.aliases`)

_SINGLE_LINE_KINDS = ("heading", "table cell", "image alt")


def export_markdown(article: Article, document: Document, segments: tuple[Segment, ...],
                    translations: Mapping[Key, str], reader: InlineReader | None = None,
                    lang: str | None = None, rewrite: Rewrite | None = None) -> tuple[str, tuple[Diagnostic, ...]]:
    """The article with translated units spliced in, and warnings for units it could not place.
    A translation's HTML and URLs that the source unit does not have are neutralised, as on the
    pages (`reader`: one to reuse for many articles). With `lang`, a `lang` key says that language;
    with `rewrite`, each link and image URL it gives a new URL for is replaced."""
    reader = reader or InlineReader()
    edits: list[tuple[int, int, str]] = []
    problems = []
    slots = {slot.address: slot for slot in document.slots}
    edits += _front_matter_edits(article, translations, segments, lang, rewrite)
    for segment in segments:
        text = translations.get((segment.msgctxt, segment.msgid))
        if text is None or text == segment.msgid:
            continue
        if segment.key_path is not None:
            continue  # (`_front_matter_edits`)
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
    body_offset = article.body_offset
    for start, end, text in sorted(edits):
        pieces += [article.text[kept:start], text]
        kept = end
        if end <= article.body_offset:
            body_offset += len(text) - (end - start)
    pieces.append(article.text[kept:])
    exported = "".join(pieces)
    if rewrite is not None:
        exported = exported[:body_offset] + rewrite_destinations(exported[body_offset:], rewrite,
                                                                 document.verbatim_blocks)
    return exported, tuple(problems)


def _front_matter_edits(article: Article, translations: Mapping[Key, str], segments: tuple[Segment, ...],
                        lang: str | None, rewrite: Rewrite | None) -> list[tuple[int, int, str]]:
    """The front-matter values the export changes: translated ones, `lang`, and URLs."""
    new = {}
    for segment in segments:
        text = translations.get((segment.msgctxt, segment.msgid))
        if segment.key_path is not None and text is not None and text != segment.msgid:
            new[segment.key_path] = text
    if lang is not None and isinstance(article.metadata.get("lang"), str):
        new["lang"] = lang
    for field in article.fields:
        if rewrite is None or not field.is_text or field.key_path in new:
            continue
        if field.key_path.split("[", 1)[0] == ALIASES:
            moved = rewrite("alias", field.value)
        else:
            moved = rewrite(_kind_by_name(field.value), field.value) if is_url_key(field.key_path) else None
        if moved is not None:
            new[field.key_path] = moved
    edits = []
    for field in article.fields:
        value, written = new.get(field.key_path, field.value), article.text[field.start:field.end]
        if value != field.value:
            edits.append((field.start, field.end, yaml_scalar(value, field.style, written)))
        elif field.is_text and field.style in ("'", '"') and "\t" in written:
            # valid YAML that Hugo's YAML reader refuses all the same: written again, the tab is `\t`
            edits.append((field.start, field.end, yaml_scalar(value, '"', written)))
    return edits


def _kind_by_name(url: str) -> str:
    """"image" for a URL whose file name is an image's, else "link"."""
    return "image" if PurePosixPath(unquote(urlsplit(url).path)).suffix.lower() in IMAGE_SUFFIXES else "link"


def export_path(layout: str, lang: str, article_id: str) -> str:
    """Where an article's Markdown in `lang` goes in the export folder."""
    collection, _, slug = article_id.partition("/")
    if layout == "astro":
        return f"src/content/{collection}/{lang}/{slug}.md"
    if layout == "hugo":
        return f"content/{collection}/{slug}.{lang}.md"
    return f"{lang}/{article_id}.md"


_KEPT_IN_SLUGS = {"astro": "-_", "hugo": "-_.+~"}  # punctuation each generator keeps in a page's path


def generator_page_url(layout: str, lang: str, article_id: str) -> str:
    """The URL a generator gives an article's page, `/<lang>/<collection>/<slug>/`, each part as
    its slug rule makes it: lower case, each space a hyphen, letters, marks and digits kept, and of
    the punctuation only what it keeps (Astro's ids are github-slugger slugs; Hugo's paths keep `.`)."""
    keep = _KEPT_IN_SLUGS.get(layout, "-_.")
    path = "/".join("".join("-" if char == " " else char for char in piece.lower()
                            if char == " " or char in keep or unicodedata.category(char)[0] in "LMN")
                    for piece in article_id.split("/"))
    return f"/{lang}/{quote(path)}/"


def export_rewriter(layout: str, article: Article, lang: str, assets: AssetCollector, links: Links,
                    base_path: str, copies: dict[str, Path]) -> Rewrite:
    """What each URL of `article` becomes in its `lang` export; `copies` collects the files the
    export must hold (export path → file)."""

    def rewrite(kind: str, url: str) -> str | None:
        if kind == "alias":
            return None if layout == "flat" else _alias_in(lang, url, article.lang, links.languages)
        if not is_site_local(url):
            return None
        target = link_target(article.id, url, links.languages)
        found = links.target(target) if target is not None else (None, ())
        if found[0] is not None:
            if layout == "flat":
                return _file_link(article.id, lang, url, found)
            return _page_link(layout, lang, url, found, base_path)
        if kind != "image" and not names_a_file(url):
            return None
        kind = _kind_by_name(url) if kind == "definition" else kind
        placed = assets.placed(article, lang, url, kind)
        if placed is None:
            return None
        if layout == "flat":
            return _renamed(url, placed.file.name)
        image_alias = layout == "astro" and kind == "image" and not placed.public
        folder = "static" if layout == "hugo" else "src" if image_alias else "public"
        copies[f"{folder}/{placed.relative}"] = placed.file
        fragment = urlsplit(url).fragment
        fragment = f"#{fragment}" if fragment else ""
        if image_alias:
            return "@/" + placed.relative + fragment
        return in_site(base_path, "/" + quote(placed.relative)) + fragment
    return rewrite


def _page_link(layout: str, lang: str, url: str, found: tuple[str | None, tuple[str, ...]], base_path: str) -> str:
    """A link to another article: its page in `lang`, or in its own language when not published in `lang`."""
    target_id, langs = found
    shown = lang if lang in langs else langs[0] if langs else lang
    fragment = urlsplit(url).fragment
    return in_site(base_path, generator_page_url(layout, shown, target_id)) + (f"#{fragment}" if fragment else "")


def _alias_in(lang: str, alias: str, own: str, languages: tuple[str, ...]) -> str | None:
    """An old address of the article as its `lang` file must say it, for the generator to make the
    redirect the build makes (`pipeline.aliases`): `/en/x/` is `/km/x/` in the Khmer file; a path
    outside the language folders stays in the article's own language, and becomes `/km/…` in the
    others (one address cannot lead to two pages)."""
    if not alias.startswith("/"):
        return None  # not an address (Obsidian's aliases are other names of the note)
    first, _, rest = alias[1:].partition("/")
    if first in languages:
        return f"/{lang}/{rest}"
    return None if lang == own else f"/{lang}{alias}"


def _file_link(article_id: str, lang: str, url: str, found: tuple[str | None, tuple[str, ...]]) -> str | None:
    """In the flat layout, a link to another article as written while that article has a file in
    `lang`; else the relative path to its file in the language it is published in."""
    target_id, langs = found
    if lang in langs or not langs:
        return None
    here = PurePosixPath(lang, article_id).parent
    there = PurePosixPath(langs[0], f"{target_id}.md")
    fragment = urlsplit(url).fragment
    return quote(posixpath.relpath(there, here)) + (f"#{fragment}" if fragment else "")


def _renamed(url: str, name: str) -> str | None:
    """`url` naming the file `name` in the same folder (a language variant), or None when it does."""
    parts = urlsplit(url)
    folder, _, old = parts.path.rpartition("/")
    if unquote(old) == name:
        return None
    new = f"{folder}/{quote(name)}" if folder or parts.path.startswith("/") else quote(name)
    return parts._replace(path=new).geturl()


def _in_block(text: str, kind: str, prefix: str, single_line: bool) -> str:
    """A translation shaped to sit where its unit stood: one line for headings and cells, and
    continuation lines carrying the block's prefix (`> `, list indentation) elsewhere."""
    if single_line:
        text = " ".join(line.strip() for line in text.split("\n"))
        if kind == "table cell":
            text = text.replace("\\|", "|").replace("|", "\\|")
        return text
    return text.replace("\n", "\n" + prefix)
