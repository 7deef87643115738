"""Data collections: articles whose content is their front matter (the CTC `centers`: a name, a
description, a contact address, facilities, teams of members).

What a reader relies on: every front-matter value is on the page in the page's language, the
translation where the catalog has one and the English otherwise, marked `lang="en"`, as the body's
fallbacks are; translators' text stays text; a collection may have its own template
(`templates/<collection>.html`), used, rebuilt when it changes, and its mistakes located; list pages
title data articles by their `name` and quote their `description`. Pages are read with an HTML
parser (the standard library's), which gives every text run the language a reader's tools give it.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, Project
from pipeline.config import config_from_table
from pipeline.content import parse_article
from pipeline.disk.project import read_templates
from pipeline.links import Links
from pipeline.pages import PageContext, Tools, article_pages, article_template
from pipeline.po import format_po, parse_po
from pipeline.segment import key_path_pattern, prepare

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class PageText(HTMLParser):
    """The text of a page's <main> as runs, each with its language (the nearest `lang` attribute,
    the page's own at the top), the elements inside <main>, and its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.runs: list[tuple[str, str | None]] = []
        self.tags: list[str] = []
        self.links: list[str | None] = []
        self.title = ""

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if self._in_main():
            self.tags.append(tag)
            if tag == "a":
                self.links.append(found.get("href"))
        if tag not in VOID:
            self.stack.append((tag, found.get("lang") or (self.stack[-1][1] if self.stack else None)))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "title":
            self.title += data
        if self._in_main() and data.strip():
            self.runs.append((" ".join(data.split()), self.stack[-1][1]))

    def _in_main(self) -> bool:
        return any(tag == "main" for tag, _ in self.stack)

    def langs_of(self, text: str) -> set[str | None]:
        """The languages in which `text` (spaces collapsed) is shown on the page."""
        wanted = " ".join(text.split())
        return {lang for run, lang in self.runs if wanted in run}

    @property
    def text(self) -> str:
        return " ".join(run for run, _ in self.runs)


def read_page(html: str | bytes) -> PageText:
    parser = PageText()
    parser.feed(html.decode("utf-8") if isinstance(html, bytes) else html)
    parser.close()
    return parser


# --- any shape of front matter, at the page code --------------------------------------------------------

TOP_KEYS = ["alpha", "betaGamma", "delta_x", "items", "contact"]
SUB_KEYS = ["title", "description", "role", "label", "values"]
PLACEHOLDER = st.just("")
texts_list = st.lists(PLACEHOLDER, min_size=1, max_size=3)
mapping = st.dictionaries(st.sampled_from(SUB_KEYS), st.one_of(PLACEHOLDER, texts_list), min_size=1, max_size=3)
front_matter = st.dictionaries(
    st.sampled_from(TOP_KEYS),
    st.one_of(PLACEHOLDER, texts_list, mapping, st.lists(mapping, min_size=1, max_size=3)),
    min_size=1, max_size=4)


def _leaves(value, path: str = ""):
    """(key path, value) of every text leaf, in order."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def _filled(value, counter: list[int]):
    """The shape with a distinct English text at every leaf; the texts carry markup and quotes,
    which a page must show as text."""
    if isinstance(value, dict):
        return {key: _filled(item, counter) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, counter) for item in value]
    counter[0] += 1
    return f'Value{counter[0]}x <em>"&"</em>'


def _yaml(value, indent: int = 0) -> str:
    """Block-style YAML (strings written as JSON strings, which YAML reads the same)."""
    pad = " " * indent
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, str):
                lines.append(f"{pad}{key}: {json.dumps(item, ensure_ascii=False)}\n")
            else:
                lines.append(f"{pad}{key}:\n{_yaml(item, indent + 2)}")
        return "".join(lines)
    lines = []
    for item in value:
        if isinstance(item, str):
            lines.append(f"{pad}- {json.dumps(item, ensure_ascii=False)}\n")
        else:
            nested = _yaml(item, indent + 2)
            lines.append(f"{pad}- {nested[indent + 2:]}")
    return "".join(lines)


def _pattern(path: str) -> str:
    return "".join(("[*]" if piece.startswith("[") else piece) for piece in _pieces(path))


def _pieces(path: str) -> list[str]:
    pieces, current = [], ""
    for char in path:
        if char == "[":
            pieces.append(current)
            current = char
        elif char == "]":
            pieces.append(current + char)
            current = ""
        else:
            current += char
    return [p for p in pieces + [current] if p]


def _khmer(n: int) -> str:
    return f"ខ្មែរ{n}ក <script>alert({n})</script>"


@functools.lru_cache(maxsize=1)
def _shared() -> tuple[Tools, PageContext]:
    """The tools and page context every example uses (its Jinja environments compile once)."""
    config = config_from_table(Path("/nonexistent-project"), {
        "project": "data", "languages": ["en", "km"], "templates_dir": str(REPO / "templates")})
    context = PageContext(config, read_templates(config), {}, Links(config.languages, {}, {}), ("centers",),
                          lambda path: None, Path.resolve)
    return Tools(), context


def _render(fm: dict, patterns: list[str], translated: set[str]) -> tuple[dict[str, PageText], dict[str, str]]:
    """The English and Khmer pages of a centre with this front matter, whose `patterns` are
    translated and whose values at the `translated` key paths have a Khmer translation (each
    carrying a script element as text); and that Khmer text by key path."""
    config = config_from_table(Path("/nonexistent-project"), {
        "project": "data", "languages": ["en", "km"], "default_language": "en",
        "templates_dir": str(REPO / "templates"),
        "collections": {"centers": {"translate": ["name", *patterns], "required": ["name"]}}})
    text = "---\nname: \"Centre\"\n" + _yaml(fm) + "---\n"
    article = parse_article(text, "centers/one", "content/centers/one.md", "en")
    tools, context = _shared()
    source = prepare(config, article, tools.parser)
    khmer = {key: _khmer(n) for n, key in enumerate(sorted(source.keys, key=str)) if key[0] in translated}
    pages = article_pages(dataclasses.replace(context, config=config), source, {"km": khmer}, ("en", "km"), tools)
    shown = {lang: read_page(pages.files[f"{lang}/centers/one/index.html"]) for lang in ("en", "km")}
    return shown, {context: text for (context, _), text in khmer.items()}


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shape=front_matter, data=st.data())
def test_every_value_of_a_translated_key_is_shown_in_the_page_language_or_marked(shape, data) -> None:
    fm = _filled(shape, [0])
    leaves = dict(_leaves(fm))
    patterns = sorted({_pattern(path) for path in leaves})
    chosen = data.draw(st.lists(st.sampled_from(patterns), min_size=1, unique=True), label="translated keys")
    matches = key_path_pattern(tuple(chosen)).match
    translatable = [path for path in leaves if matches(path)]
    translated = set(data.draw(st.lists(st.sampled_from(translatable), unique=True), label="translated in km"))
    pages, khmer = _render(fm, chosen, translated)
    assert set(khmer) == translated
    shown_keys = {pattern.split(".")[0].split("[")[0] for pattern in chosen}
    for path, english in leaves.items():
        if path.split(".")[0].split("[")[0] not in shown_keys:
            continue  # the default template shows the keys holding translated values
        assert pages["en"].langs_of(english) == {"en"}, path
        if path in translated:
            assert pages["km"].langs_of(khmer[path]) == {"km"}, path
            assert not pages["km"].langs_of(english), f"{path}: translated, yet the English is shown"
        else:
            assert pages["km"].langs_of(english) == {"en"}, f"{path}: the English shown must be marked lang=en"
    for page in pages.values():
        assert "script" not in page.tags and "em" not in page.tags, "a value's markup became an element"


# --- a project: catalogs, the build, a collection's own template ----------------------------------------

PYPROJECT = """
[tool.pipeline]
project = "data-site"
version = "1.0"
languages = ["en", "km"]
default_language = "en"
base_url = "https://centres.example.org"

[tool.pipeline.collections.centers]
translate = ["name", "description", "contact.address", "facilities[*]", "team.title", "team.member[*].role"]
required = ["name"]

[tool.pipeline.collections.news]
translate = ["title", "description"]
"""

CENTRE = """
---
name: Kampot Community Tech Centre
description: A place where the town learns digital skills.
contact:
  address: 12 River Road, Kampot
  mapUrl: https://maps.example.org/kampot
facilities:
  - Computer lab
  - Reading room
team:
  title: The people of the centre
  member:
    - name: Sok Dara
      role: Director
      phone: "012 345 678"
    - name: Chan Vanna
      role: Teacher
---
"""

NEWS = """
---
title: The centre opens
date: 2025-08-01
---
The centre opened its doors on Friday.
"""

KHMER = {  # (msgctxt, Khmer); what is left out stays untranslated
    "name": "មជ្ឈមណ្ឌលបច្ចេកវិទ្យាសហគមន៍កំពត",
    "description": "កន្លែងដែលទីក្រុងរៀនជំនាញឌីជីថល។",
    "facilities[0]": "<script>alert(1)</script>បន្ទប់កុំព្យូទ័រ",
    "team.title": "បុគ្គលិកនៃមជ្ឈមណ្ឌល",
    "team.member[0].role": "នាយក",
    "title": "មជ្ឈមណ្ឌលបើកទ្វារ",
    None: "មជ្ឈមណ្ឌលបានបើកទ្វារនៅថ្ងៃសុក្រ។",
}
FALLBACKS = ("12 River Road, Kampot", "Reading room", "Teacher")


def _fill(project: Project, article_id: str) -> None:
    path = project.root / f"locale/km/LC_MESSAGES/{article_id}.po"
    catalog = parse_po(path.read_text(encoding="utf-8"), str(path))
    messages = tuple(dataclasses.replace(m, msgstr=KHMER[m.msgctxt]) if m.msgctxt in KHMER and m.msgid else m
                     for m in catalog.messages)
    path.write_text(format_po(dataclasses.replace(catalog, messages=messages)), encoding="utf-8")


@pytest.fixture
def centres(project: Project) -> Project:
    shutil.copytree(REPO / "templates", project.root / "templates")
    (project.root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    project.write("content/centers/kampot.md", CENTRE)
    project.write("content/news/opening.md", NEWS)
    assert project.run("extract") == 0
    _fill(project, "centers/kampot")
    _fill(project, "news/opening")
    return project


def _build(project: Project) -> int:
    return project.run("build", "--now", "2025-09-01", "--min-translated", "0")


def _page(project: Project, path: str) -> PageText:
    return read_page(project.read(f"site/{path}"))


def test_a_partly_translated_centre_shows_every_value_with_its_language(centres: Project) -> None:
    assert _build(centres) == 0
    km = _page(centres, "km/centers/kampot/index.html")
    assert km.title.startswith(KHMER["name"])
    for context, khmer in KHMER.items():
        if context and not context.startswith("title"):
            assert km.langs_of(khmer) == {"km"}, context
    for english in FALLBACKS:
        assert km.langs_of(english) == {"en"}, english
    assert km.langs_of("Sok Dara") == {"en"}  # a key not translated: the source's value, in its language
    assert "https://maps.example.org/kampot" in km.links
    assert "script" not in km.tags and any("<script>alert(1)</script>" in run for run, _ in km.runs)
    assert "not translated yet" in km.text  # the same notice as a body that falls back
    en = _page(centres, "en/centers/kampot/index.html")
    for english in ("Kampot Community Tech Centre", "A place where the town learns digital skills.", *FALLBACKS,
                    "Computer lab", "The people of the centre", "Director", "012 345 678"):
        assert en.langs_of(english) == {"en"}, english


def test_labels_of_configured_keys_are_interface_strings_translators_fill(centres: Project) -> None:
    pot = parse_po(centres.read("locale/ui.pot"), "locale/ui.pot")
    labels = {m.msgid for m in pot.messages}
    assert {"Name", "Contact", "Address", "Facilities", "Team", "Member", "Role"} <= labels
    path = centres.root / "locale/km/LC_MESSAGES/ui.po"
    catalog = parse_po(path.read_text(encoding="utf-8"), str(path))
    khmer = {"Address": "អាសយដ្ឋាន", "Facilities": "សម្ភារៈ"}
    catalog = dataclasses.replace(catalog, messages=tuple(
        dataclasses.replace(m, msgstr=khmer.get(m.msgid, m.msgstr)) for m in catalog.messages))
    path.write_text(format_po(catalog), encoding="utf-8")
    assert _build(centres) == 0
    km, en = (_page(centres, f"{lang}/centers/kampot/index.html") for lang in ("km", "en"))
    assert km.langs_of("អាសយដ្ឋាន") == {"km"} and km.langs_of("សម្ភារៈ") == {"km"}
    assert en.langs_of("Address") == {"en"} and not en.langs_of("អាសយដ្ឋាន")


def test_list_pages_title_data_articles_by_name_and_quote_their_description(centres: Project) -> None:
    assert _build(centres) == 0
    for lang, name, description in (("en", "Kampot Community Tech Centre", "A place where the town learns"),
                                    ("km", KHMER["name"], KHMER["description"][:20])):
        for path in (f"{lang}/centers/index.html", f"{lang}/index.html"):
            page = _page(centres, path)
            assert page.langs_of(name) == {lang} and page.langs_of(description) == {lang}, path
    assert "centers/kampot" not in _page(centres, "en/index.html").text


def test_an_article_with_a_body_and_no_other_keys_has_no_data_section(centres: Project) -> None:
    assert _build(centres) == 0
    news = centres.read("site/km/news/opening/index.html")
    assert 'class="data' not in news and 'class="intro"' not in news
    assert read_page(news).langs_of(KHMER[None]) == {"km"}


CENTRE_TEMPLATE = """{% extends "article.html" %}
{% block data %}<p class="address" lang="{{ page.data.contact.address.lang }}">{{ page.data.contact.address }}</p>
<p class="first">{{ article.data.facilities[0] }}</p>{% endblock %}
"""


def test_a_collection_template_is_used_and_rebuilt_when_it_changes(centres: Project) -> None:
    assert _build(centres) == 0
    news_before = centres.read("site/km/news/opening/index.html")
    assert 'class="address"' not in centres.read("site/km/centers/kampot/index.html")
    centres.write("templates/centers.html", CENTRE_TEMPLATE)  # a new template, after a build
    assert _build(centres) == 0
    km = _page(centres, "km/centers/kampot/index.html")
    assert km.langs_of("12 River Road, Kampot") == {"en"} and "address" in centres.read(
        "site/km/centers/kampot/index.html")
    assert any("<script>alert(1)</script>" in run for run, _ in km.runs) and "script" not in km.tags
    assert centres.read("site/km/news/opening/index.html") == news_before  # other collections: article.html
    centres.write("templates/centers.html", CENTRE_TEMPLATE.replace('class="first"', 'class="facility"'))
    assert _build(centres) == 0
    assert 'class="facility"' in centres.read("site/km/centers/kampot/index.html")
    (centres.root / "templates/centers.html").unlink()
    assert _build(centres) == 0
    assert 'class="facility"' not in centres.read("site/km/centers/kampot/index.html")


def test_the_preview_rebuilds_a_collection_when_its_template_appears_or_changes(centres: Project) -> None:
    """`pipeline serve` keeps its Jinja environments between builds and is told which files changed."""
    import datetime as dt

    from pipeline.commands.build import build_site
    from pipeline.commands.build_state import Session
    from pipeline.disk.project import load_config
    from pipeline.pages import BuildOptions

    config, session = load_config(centres.root), Session()
    options = BuildOptions(today=dt.date(2025, 9, 1), min_translated=0)
    out = centres.root / "preview"
    build_site(config, out, options, session=session)
    news_before = (out / "km/news/opening/index.html").read_bytes()
    for marker in ("first", "facility"):
        template = centres.write("templates/centers.html", CENTRE_TEMPLATE.replace('class="first"', f'class="{marker}"'))
        build_site(config, out, options, session=session, changed=[str(template)])
        assert f'class="{marker}"' in (out / "km/centers/kampot/index.html").read_text(encoding="utf-8")
        assert (out / "km/news/opening/index.html").read_bytes() == news_before
    session.close()


@pytest.mark.parametrize("broken, line", [
    ("{% extends 'article.html' %}\n{% block data %}{{ page.data.contact.address }\n{% endblock %}\n", 2),
    ("{% extends 'article.html' %}\n\n{% block data %}{% if %}{% endblock %}\n", 3),
    ("{% extends 'article.html' %}\n{% block data %}\n{{ page.data.no_such_key }}{% endblock %}\n", 3),
])
def test_a_broken_collection_template_is_a_located_error(centres: Project, capsys, broken: str, line: int) -> None:
    centres.write("templates/centers.html", broken)
    assert _build(centres) == 1
    assert f"templates/centers.html:{line}:" in capsys.readouterr().err


@pytest.mark.parametrize("collection, available, expected", [
    ("centers", {"article.html", "centers.html"}, "centers.html"),
    ("news", {"article.html", "centers.html"}, "article.html"),
    ("list", {"article.html", "list.html"}, "article.html"),  # the site's own templates are never one
    ("base", {"article.html", "base.html"}, "article.html"),
    ("home", {"article.html", "home.html"}, "article.html"),
])
def test_which_template_an_article_uses(collection: str, available: set[str], expected: str) -> None:
    from pipeline.model import Templates

    templates = Templates("templates", {name: "" for name in available})
    assert article_template(templates, collection) == expected


# --- the real CTC site, imported --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ctc(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    from conftest import corpora_dir

    corpora = corpora_dir()
    source = corpora / "real-articles" / "mptc-ctc-website"
    if not source.is_dir():
        pytest.skip(f"the CTC site is not in the corpora at {corpora} (set PIPELINE_CORPORA)")
    sys.path.insert(0, str(Path(__file__).parent))
    import import_fidelity as fidelity
    from pipeline.commands.importer import import_site

    work = tmp_path_factory.mktemp("ctc")
    spec = fidelity.SETS["mptc-ctc-website"]
    root = work / "project"
    root.mkdir()
    report = import_site(fidelity._config(root, spec["collections"]), source, force=True)
    collections = {c: {**s, "required": s.get("required", ["title", "date"])} for c, s in spec["collections"].items()}
    config = fidelity._config(root, collections)
    fidelity._build_with_placeholders(config, work / "site", work / "export")  # stand-ins for the missing images
    return work / "site", [(item.article_id, config.root) for item in report.articles]


def test_every_imported_ctc_page_shows_its_front_matter_in_both_languages(ctc) -> None:
    site, articles = ctc
    assert len(articles) == 36
    data_articles = 0
    for article_id, root in articles:
        catalog_path = root / f"locale/km/LC_MESSAGES/{article_id}.po"
        catalog = parse_po(catalog_path.read_text(encoding="utf-8"), str(catalog_path))
        values = [m for m in catalog.messages if m.msgctxt is not None and not m.obsolete]
        assert values, article_id
        en, km = (read_page((site / lang / article_id / "index.html").read_text(encoding="utf-8"))
                  for lang in ("en", "km"))
        has_body = any(m.msgctxt is None for m in catalog.messages if not m.obsolete)
        data_articles += not has_body
        for message in values:
            if message.msgctxt == "description" and has_body:
                continue  # an article with a body shows its description in lists and its meta tags
            where = f"{article_id} {message.msgctxt}"
            assert "en" in en.langs_of(message.msgid), where
            if message.msgstr and "fuzzy" not in message.flags:
                assert "km" in km.langs_of(message.msgstr), where
            else:
                assert "en" in km.langs_of(message.msgid), where
        for page in (en, km):  # more than a title: what the article says
            assert len(page.text) > 2 * len(page.title), article_id
    assert data_articles == 27


def test_ctc_centre_pages_show_address_facilities_and_teams(ctc) -> None:
    site, articles = ctc
    centres = [(article_id, root) for article_id, root in articles if article_id.startswith("centers/")]
    assert len(centres) == 21
    for article_id, root in centres:
        path = f"content/{article_id}.md"
        source = parse_article((root / path).read_text(encoding="utf-8"), article_id, path, "en")
        map_url = source.field("contact.mapUrl")
        members = [f.value for f in source.fields if f.key_path.endswith(".name") and ".member[" in f.key_path]
        assert members, article_id
        for lang in ("en", "km"):
            html = (site / lang / article_id / "index.html").read_text(encoding="utf-8")
            page = read_page(html)
            assert page.tags.count("section") >= 3 and "dl" in page.tags, (lang, article_id)
            assert map_url is None or map_url.value in page.links, (lang, article_id)
            assert all(page.langs_of(name) for name in members), (lang, article_id)  # every member's name
            assert html.count('class="data-items"') >= 1, (lang, article_id)


def test_ctc_data_pages_are_valid_html(ctc) -> None:
    from test_html import _describe, _nu_check

    site, articles = ctc
    pages = [site / lang / article_id / "index.html" for article_id, _ in articles
             if not article_id.startswith("blog/") for lang in ("en", "km")]
    errors = [m for m in _nu_check(pages) if m.get("type") in ("error", "non-document-error")]
    assert not errors, "\n".join(_describe(site, m) for m in errors)
