"""Every piece of English on a Khmer page is inside an element whose language is English.

A unit that falls back (an empty or fuzzy translation) is shown in the source language and marked
`lang="en"` wherever it shows: a paragraph (its link text too), a heading, a list item, a table
cell, a quote, a footnote, an image's alt text, front-matter values (title, description, data
values, in the head's `<title>` and meta tags too). So is an interface string the `ui` catalog
does not translate, wherever a template shows it, as text or in an attribute (aria-label, a meta
tag's content). Conversely, a fully translated Khmer page has no `lang="en"` but on the links to
the English pages (their text is the English name of the language): code spans and Latin names
inside a Khmer sentence belong to the translator's Khmer text and are not marked.

The pages are read with a real HTML parser (lxml); an element's language is that of its nearest
`lang` attribute, as the HTML standard computes it."""

from __future__ import annotations

import dataclasses
import re
import shutil
from itertools import chain
from pathlib import Path

import lxml.html
import pytest

from conftest import REPO, Project
from pipeline.po import format_po, parse_po

PYPROJECT = """
[tool.pipeline]
project = "fallback"
site_name = "Riverside News"
languages = ["en", "km"]
default_language = "en"
base_url = "https://news.example.org"
min_translated = 0

[tool.pipeline.collections.centers]
translate = ["title", "description", "facilities[*]", "contact.address"]
"""

ARTICLE = """
---
title: Riverside centre page
description: Courses for adults near the river
date: 2025-08-13
facilities:
  - Library room
contact:
  address: Riverside street
---
## Opening hours

A paragraph with [link text](https://example.org), `run --fast` and a note.[^n]

- Apple list item
- Banana list item

| Head cell | Other cell |
| --- | --- |
| Body cell | Last cell |

> A quoted sentence.

![Alt text of the photo](photo.jpg)

[^n]: The footnote text.
"""


@dataclasses.dataclass(frozen=True)
class Unit:
    """One message of the article: its msgctxt and msgid, a Khmer translation, and pieces of text
    each shown whole in one text node or attribute (in English, and in Khmer)."""

    kind: str
    msgctxt: str | None
    msgid: str
    khmer: str
    english_shown: tuple[str, ...]
    khmer_shown: tuple[str, ...]


UNITS = (
    Unit("title", "title", "Riverside centre page", "ទំព័រមជ្ឈមណ្ឌលមាត់ទន្លេ",
         ("Riverside centre page",), ("ទំព័រមជ្ឈមណ្ឌលមាត់ទន្លេ",)),
    Unit("description", "description", "Courses for adults near the river", "វគ្គសិក្សាសម្រាប់មនុស្សពេញវ័យ",
         ("Courses for adults near the river",), ("វគ្គសិក្សាសម្រាប់មនុស្សពេញវ័យ",)),
    Unit("data list value", "facilities[0]", "Library room", "បន្ទប់បណ្ណាល័យ", ("Library room",), ("បន្ទប់បណ្ណាល័យ",)),
    Unit("data field value", "contact.address", "Riverside street", "ផ្លូវមាត់ទន្លេ",
         ("Riverside street",), ("ផ្លូវមាត់ទន្លេ",)),
    Unit("heading", None, "Opening hours", "ម៉ោងបើក", ("Opening hours",), ("ម៉ោងបើក",)),
    Unit("paragraph and link text", None,
         "A paragraph with [link text](https://example.org), `run --fast` and a note.[^n]",
         "កថាខណ្ឌមួយមាន [អត្ថបទតំណ](https://example.org) `run --fast` និងកំណត់សម្គាល់។[^n]",
         ("A paragraph with", "link text"), ("កថាខណ្ឌមួយមាន", "អត្ថបទតំណ")),
    Unit("list item", None, "Apple list item", "ធាតុបញ្ជីប៉ោម", ("Apple list item",), ("ធាតុបញ្ជីប៉ោម",)),
    Unit("table head cell", None, "Head cell", "ក្រឡាក្បាល", ("Head cell",), ("ក្រឡាក្បាល",)),
    Unit("table body cell", None, "Body cell", "ក្រឡាតួ", ("Body cell",), ("ក្រឡាតួ",)),
    Unit("blockquote", None, "A quoted sentence.", "ប្រយោគដកស្រង់។", ("A quoted sentence.",), ("ប្រយោគដកស្រង់។",)),
    Unit("image alt", None, "Alt text of the photo", "រូបថតមជ្ឈមណ្ឌល", ("Alt text of the photo",), ("រូបថតមជ្ឈមណ្ឌល",)),
    Unit("footnote", None, "The footnote text.", "អត្ថបទកំណត់សម្គាល់។",
         ("The footnote text.",), ("អត្ថបទកំណត់សម្គាល់។",)),
)
OTHER = {"Banana list item": "ធាតុបញ្ជីចេក", "Other cell": "ក្រឡាផ្សេង", "Last cell": "ក្រឡាចុងក្រោយ"}
LABELS = {"Centers": "មជ្ឈមណ្ឌល", "Facilities": "បរិក្ខារ", "Contact": "ទំនាក់ទំនង", "Address": "អាសយដ្ឋាន"}
TEXT_ATTRIBUTES = ("alt", "content", "title", "aria-label", "placeholder")
TEXT_META = ("description", "og:title", "og:description", "og:site_name", "og:image:alt")  # meta whose content is text


# --- reading a page as the HTML standard does --------------------------------------------------------


def language_of(element) -> str:
    """The element's language: its own `lang`, else its nearest ancestor's."""
    for node in chain([element], element.iterancestors()):
        if node.get("lang") is not None:
            return node.get("lang")
    return ""


def shown_languages(page: Path, text: str, head: bool = True, parts: bool = True) -> list[str]:
    """The language of every place `text` shows on the page (in its body only, unless `head`): each
    text node holding it (its element's language) and each text attribute (alt, content, title…)
    holding it; without `parts`, not where it is only a part of the page's title."""
    tree = lxml.html.parse(str(page)).getroot()
    found = []
    for element in (tree if head else tree.body).iter():
        if not parts and _is_title(element) and (element.text or element.get("content")) != text:
            continue
        if not isinstance(element.tag, str):  # a comment: only its tail is page text
            if element.tail and text in element.tail:
                found.append(language_of(element.getparent()))
            continue
        if element.tag in ("script", "style"):
            continue
        if element.text and text in element.text:
            found.append(language_of(element))
        if element.tail and text in element.tail and element.getparent() is not None:
            found.append(language_of(element.getparent()))
        if element.tag == "meta" and (element.get("property") or element.get("name")) not in TEXT_META:
            continue  # its content is a keyword or an address, not text (og:type "article")
        found.extend(language_of(element) for name in TEXT_ATTRIBUTES if text in (element.get(name) or ""))
    return found


def _is_title(element) -> bool:
    return element.tag == "title" or (element.tag == "meta" and element.get("property") == "og:title")


def marked_english(page: Path) -> list:
    """The elements of a page (other than <html>) that say they are in English."""
    tree = lxml.html.parse(str(page)).getroot()
    return [element for element in tree.iter() if isinstance(element.tag, str) and element.tag != "html"
            and element.get("lang") == "en"]


def is_link_to_english(element) -> bool:
    return element.tag == "a" and element.get("hreflang") == "en"


# --- the project --------------------------------------------------------------------------------------


def _write_catalog(path: Path, translations: dict[tuple[str | None, str], str], fuzzy: set) -> None:
    catalog = parse_po(path.read_text(encoding="utf-8"), path.name)
    messages = tuple(dataclasses.replace(m, msgstr=translations.get((m.msgctxt, m.msgid), m.msgstr),
                                         flags=(*m.flags, "fuzzy") if (m.msgctxt, m.msgid) in fuzzy else m.flags)
                     for m in catalog.messages)
    path.write_text(format_po(dataclasses.replace(catalog, messages=messages)), encoding="utf-8")


def built(project: Project, untranslated: Unit | None = None, how: str = "empty", ui: bool = True,
          translate: bool = True) -> Path:
    """The project built with every unit translated (none unless `translate`) but `untranslated`
    (left empty, or translated but fuzzy); the interface translated too when `ui`. Returns the
    site folder."""
    shutil.copytree(REPO / "templates", project.root / "templates")
    (project.root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    project.write("content/centers/riverside.md", ARTICLE)
    project.write("content/centers/photo.jpg", "image")
    assert project.run("extract") == 0
    translations = {(u.msgctxt, u.msgid): u.khmer for u in UNITS if not (u is untranslated and how == "empty")}
    translations.update({(None, english): khmer for english, khmer in OTHER.items()})
    translations = translations if translate else {}
    fuzzy = {(untranslated.msgctxt, untranslated.msgid)} if untranslated and how == "fuzzy" else set()
    _write_catalog(project.root / "locale/km/LC_MESSAGES/centers/riverside.po", translations, fuzzy)
    if ui:
        catalog = project.root / "locale/km/LC_MESSAGES/ui.po"
        shutil.copyfile(REPO / "locale/km/LC_MESSAGES/ui.po", catalog)
        with catalog.open("a", encoding="utf-8") as out:
            out.writelines(f'\nmsgid "{english}"\nmsgstr "{khmer}"\n' for english, khmer in
                           {**LABELS, "Riverside News": "ព័ត៌មានមាត់ទន្លេ"}.items())
    assert project.run("build", "--now", "2025-09-01") == 0
    return project.root / "site"


@pytest.mark.parametrize("how", ["empty", "fuzzy"])
@pytest.mark.parametrize("unit", UNITS, ids=[u.kind for u in UNITS])
def test_a_unit_that_falls_back_is_english_wherever_it_shows(project: Project, unit: Unit, how: str) -> None:
    site = built(project, unit, how)
    page = site / "km/centers/riverside/index.html"
    khmer_pages = [*sorted((site / "km").rglob("*.html")), site / "index.html", site / "404.html"]
    for english in unit.english_shown:  # on the article, and on the lists and home that show its title
        assert shown_languages(page, english)
        languages = [lang for shown in khmer_pages for lang in shown_languages(shown, english)]
        assert set(languages) == {"en"}, (english, languages)
    for other in UNITS:
        if other is unit:
            continue
        for khmer in other.khmer_shown:
            languages = shown_languages(page, khmer)
            assert languages and set(languages) == {"km"}, (khmer, languages)
        for english in other.english_shown:
            assert not shown_languages(page, english), f"{english!r} is translated, yet shows in English"


def test_a_fully_translated_khmer_page_marks_english_only_on_links_to_english_pages(project: Project) -> None:
    site = built(project)
    page = site / "km/centers/riverside/index.html"
    assert not [lxml.html.tostring(e, encoding="unicode")[:80] for e in marked_english(page)
                if not is_link_to_english(e)]
    # a code span and the Latin name inside a Khmer paragraph are the translator's Khmer text
    assert shown_languages(page, "run --fast") == ["km"]


def test_every_sample_khmer_page_is_marked_english_only_on_links_to_english_pages(sample_site: Path) -> None:
    pages = sorted((sample_site / "km").rglob("*.html"))
    assert len(pages) >= 9  # the home, three lists, five articles
    for page in pages:
        assert all(is_link_to_english(e) for e in marked_english(page)), page


# A page's <title> may join several strings ("News and events (page 2) · Ministry News"); a title
# holds text only, so it carries one `lang`, that of its first part, the page's own name. This one
# shows only as such a part.
TITLE_PARTS = frozenset({"page %(number)s"})


def _ui_messages() -> list[str]:
    text = (REPO / "locale/ui.pot").read_text(encoding="utf-8")
    return [m.msgid for m in parse_po(text, "ui.pot").messages if m.msgid]


def _literal(msgid: str) -> str:
    """The longest piece of an interface string that shows as written (its `%(name)s` aside)."""
    return max(re.split(r"%\(\w+\)s", msgid), key=len).strip()


@pytest.fixture(scope="module")
def sample_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project, with every interface string shown somewhere: pages of two articles per
    list (lists have pagers), its guide held back in Khmer (a Khmer list is empty), a Khmer article
    with an untranslated paragraph (the notice)."""
    root = tmp_path_factory.mktemp("sample-copy")
    for folder in ("content", "locale", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^page_size = \d+$", "page_size = 2", text)
    (root / "pyproject.toml").write_text(re.sub(r"(?m)^min_translated = \d+$", "min_translated = 0", text),
                                         encoding="utf-8")
    (root / "locale/km/LC_MESSAGES/guides/track-a-parcel.po").unlink()
    article = root / "locale/km/LC_MESSAGES/news-and-events/article-19.po"
    last = parse_po(article.read_text(encoding="utf-8"), article.name).messages[-1]
    _write_catalog(article, {(last.msgctxt, last.msgid): ""}, set())
    return root


@pytest.mark.parametrize("msgid", _ui_messages())
def test_an_untranslated_interface_string_is_english_wherever_it_shows(sample_copy: Path, tmp_path: Path,
                                                                       msgid: str) -> None:
    from pipeline.cli import main

    root = tmp_path / "project"
    shutil.copytree(sample_copy, root)
    catalog_path = root / "locale/km/LC_MESSAGES/ui.po"
    catalog = parse_po(catalog_path.read_text(encoding="utf-8"), "ui.po")
    assert any(m.msgid == msgid and m.msgstr for m in catalog.messages), "the sample translates every string"
    _write_catalog(catalog_path, {(None, msgid): ""}, set())
    assert main(["--root", str(root), "-q", "build", "--out", str(root / "site"), "--now", "2026-01-01"]) in (0, 1)
    shown = _literal(msgid)
    pages = sorted((root / "site").rglob("*.html"))
    if msgid in TITLE_PARTS:  # checked where it shows alone; the head's title has one lang for all its parts
        assert any(shown in lxml.html.parse(str(page)).getroot().findtext(".//title") for page in pages)
        assert set(lang for page in pages for lang in shown_languages(page, shown, head=False)) <= {"en"}
        return
    languages = [lang for page in pages for lang in shown_languages(page, shown, parts=False)]
    assert "en" in languages and set(languages) == {"en"}, (shown, languages)
    khmer_root = lxml.html.parse(str(root / "site/index.html")).getroot().xpath('//*[@lang="km"]')
    assert khmer_root, "the root page has its Khmer part"
