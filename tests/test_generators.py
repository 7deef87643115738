"""The Markdown export builds unchanged in a real Astro and a real Hugo (issue 18).

For the sample site, a small made-up site (nested slug, public/ files, an attachment, Khmer
variants, a link to a heading) and the shared CTC site after `pipeline import`, the pipeline writes
its `--layout astro` and `--layout hugo` exports; each is built by the generator itself (one build
per generator per site) and the generated site is read back: no local link or image is broken,
every article the pipeline publishes has its English and Khmer page, each page declares its
language, each Khmer page carries the Khmer title from the catalog, the same date as its English
pair and the Khmer variants of its images and attachments.

The generators are installed by `make test` (so by `.ci/run`); elsewhere these tests skip.
Select them with `-m generators`, leave them out with `-m "not generators"`."""

from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import unquote

import polib
import pytest

from conftest import REPO, corpora_dir
from generators import (STANDINS, PageFacts, astro_build, broken_fragments, broken_references,
                        hugo_build, page_facts, page_references, require, standin_bytes)
from import_fidelity import SETS
from pipeline.cli import main
from pipeline.content import parse_article
from pipeline.export import generator_page_url

GENERATOR_BUILDS = {"astro": astro_build, "hugo": hugo_build}
LANGUAGES = ("en", "km")
SAMPLE_NOW = "2026-01-01"
CTC = "mptc-ctc-website"


@dataclass(frozen=True)
class Built:
    """One project exported by the pipeline and built by one generator."""
    generator: str
    site_name: str  # sample, edge or ctc
    project: Path  # the project folder: its articles and catalogs
    pipeline_site: Path  # the pipeline's own HTML site of the same build
    site: Path  # what the generator made

    def article_ids(self) -> list[str]:
        content = self.project / "content"
        return sorted(path.relative_to(content).with_suffix("").as_posix() for path in content.rglob("*.md")
                      if "assets" not in path.relative_to(content).parts)


# --- the pipeline's side -------------------------------------------------------------------------------


def run_cli(root: Path, *args: str) -> tuple[int, str]:
    """The CLI in-process; its exit status and what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["--root", str(root), *args])
    return code, printed.getvalue()


def pipeline_export(root: Path, work: Path, layout: str, *options: str) -> Path:
    """Build the project with `--markdown DIR --layout LAYOUT`; the export folder. The real sites'
    image files are not in the corpora: a missing one gets a small stand-in image and the build
    is run again."""
    out, export = work / f"pipeline-site-{layout}", work / f"export-{layout}"
    for _ in range(3):
        code, printed = run_cli(root, "build", "--json", "--out", str(out), "--markdown", str(export),
                                "--layout", layout, *options)
        if code == 0:
            return export
        findings = [f for f in json.loads(printed)["findings"] if f["severity"] == "error"]
        missing = [re.search(r"looked for (.+?)\)(?:;|$)", f["message"]) for f in findings]
        assert findings and all(missing), f"the pipeline's build failed:\n{printed}"
        for found in missing:
            path = root / found.group(1)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(standin_bytes(path.name))
    pytest.fail(f"the pipeline's build still fails after adding stand-in images:\n{printed}", pytrace=False)


def toml_list(values: list[str]) -> str:
    return json.dumps(values, ensure_ascii=False)  # a JSON list of strings is a TOML array


def ctc_pyproject() -> str:
    """The CTC set's project: its collections configured as in tests/import_fidelity.py."""
    lines = ["[tool.pipeline]", 'project = "ctc"', 'languages = ["en", "km"]', 'default_language = "en"',
             f"templates_dir = {json.dumps(str(REPO / 'templates'))}", "min_translated = 0", ""]
    for name, settings in SETS[CTC]["collections"].items():
        lines.append(f"[tool.pipeline.collections.{name}]")
        lines.extend(f"{key} = {toml_list(value)}" for key, value in settings.items())
        lines.append("")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def ctc_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared CTC site imported into a throw-away project."""
    source = corpora_dir() / "real-articles" / CTC
    if not source.is_dir():
        pytest.skip(f"corpora not found at {corpora_dir()} (set PIPELINE_CORPORA)")
    root = tmp_path_factory.mktemp("ctc") / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text(ctc_pyproject(), encoding="utf-8")
    code, printed = run_cli(root, "-q", "import", str(source))
    assert code == 0, printed
    return root


# A small made-up site with what the sample lacks: a nested slug, a file of public/ linked by its
# site-root path (front-matter image and body), an attachment and an image each with a Khmer variant,
# and a link to a heading of another article.
EDGE_PYPROJECT = """[tool.pipeline]
project = "edge"
languages = ["en", "km"]
default_language = "en"
public_dir = "public"
templates_dir = TEMPLATES
"""
EDGE_ARTICLES = {
    "news/2025/opening.md": """---
title: The new office opens
date: 2025-03-01
image: /blog/opening/cover.jpg
---
Read [the opening hours](../hours.md#weekend-hours) and [the full report](@/assets/news/report.pdf).

![A chart of visitors](@/assets/news/chart.png)

![The front door](/blog/opening/cover.jpg)
""",
    "news/hours.md": """---
title: Opening hours
date: 2025-03-02
image: "@/assets/news/chart.png"
---
The office opens every weekday.

## Weekend hours

On Saturdays it opens in the morning. See [the opening](2025/opening.md) and
[the report for version 2.5](<Weekly Report v2.5.md>).
""",
    "news/Weekly Report v2.5.md": """---
title: Weekly report
date: 2025-03-03
---
An id with capitals, spaces and a dot: each generator makes its own path of it.
""",
}
EDGE_FILES = {"public/blog/opening/cover.jpg": "standin.jpg", "content/assets/news/chart.png": "standin.png",
              "content/assets/news/chart.km.png": "variant.png"}  # another picture: Astro merges equal files


@pytest.fixture(scope="module")
def edge_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The made-up site, extracted, with every Khmer message translated (a Khmer word added)."""
    root = tmp_path_factory.mktemp("edge") / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text(EDGE_PYPROJECT.replace("TEMPLATES", json.dumps(str(REPO / "templates"))),
                                         encoding="utf-8")
    for name, text in EDGE_ARTICLES.items():
        (root / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / name).write_text(text, encoding="utf-8")
    for name, standin in EDGE_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes((STANDINS / standin).read_bytes())
    for lang in ("", ".km"):
        (root / f"content/assets/news/report{lang}.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    code, printed = run_cli(root, "-q", "extract")
    assert code == 0, printed
    for catalog in (root / "locale" / "km" / "LC_MESSAGES" / "news").rglob("*.po"):
        po = polib.pofile(str(catalog))
        for entry in po:
            entry.msgstr = f"ខ្មែរ {entry.msgid}"
        po.save()
    return root


@pytest.fixture(scope="module", params=["astro-sample", "hugo-sample", "astro-edge", "hugo-edge", "astro-ctc",
                                        "hugo-ctc"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    generator, site_name = request.param.split("-")
    require(generator)
    work = tmp_path_factory.mktemp(request.param)
    if site_name == "sample":
        root, options = REPO, ("--now", SAMPLE_NOW)
    elif site_name == "edge":
        root, options = request.getfixturevalue("edge_project"), ("--now", SAMPLE_NOW)
    else:
        root, options = request.getfixturevalue("ctc_project"), ("--now", "2100-01-01", "--drafts",
                                                                  "--min-translated", "0")
    export = pipeline_export(root, work, generator, *options)
    site = GENERATOR_BUILDS[generator](export, work / f"{generator}-build")
    return Built(generator, site_name, root, work / f"pipeline-site-{generator}", site)


# --- what the generated site must show -----------------------------------------------------------------


def published(built: Built) -> list[tuple[str, str]]:
    """(lang, article id) of every article page the pipeline itself published."""
    return [(lang, article_id) for article_id in built.article_ids() for lang in LANGUAGES
            if (built.pipeline_site / lang / article_id / "index.html").is_file()]


def generated_page(built: Built, facts: dict[str, PageFacts], lang: str, article_id: str) -> PageFacts:
    url = unquote(generator_page_url(built.generator, lang, article_id))
    page = facts.get(url)
    assert page is not None, f"{built.generator} made no page {url} for {article_id}"
    return page


def source_article(project: Path, article_id: str):
    path = project / "content" / f"{article_id}.md"
    return parse_article(path.read_text(encoding="utf-8"), article_id, str(path), "en")


def expected_titles(project: Path, article_id: str) -> dict[str, str]:
    """The title a reader must see in each language: the article's own in its language; in the
    other, the catalog's translation of it (of `name`, a data collection's title), or the source
    title where that is untranslated or fuzzy."""
    article = source_article(project, article_id)
    key = next(key for key in ("title", "name") if article.metadata.get(key))
    source = str(article.metadata[key])
    titles = {article.lang: source}
    for lang in LANGUAGES:
        if lang != article.lang:
            catalog = project / "locale" / lang / "LC_MESSAGES" / f"{article_id}.po"
            assert catalog.is_file(), f"no {lang} catalog for {article_id}"
            titles[lang] = next((entry.msgstr for entry in polib.pofile(str(catalog))
                                 if entry.msgctxt == key and _same(entry.msgid, source)
                                 and entry.msgstr and not entry.fuzzy), source)
    return titles


def source_date(project: Path, article_id: str) -> str | None:
    date = source_article(project, article_id).metadata.get("date")
    return str(date)[:10] if date else None


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


@pytest.mark.generators
def test_no_local_link_or_image_is_broken(built: Built) -> None:
    broken = broken_references(built.site)
    assert not broken, f"{built.generator}: {len(broken)} broken local references:\n" + "\n".join(
        f"  {ref.page}: {ref.attribute}={ref.url}" for ref in broken[:40])


@pytest.mark.generators
def test_every_published_article_has_both_pages_in_its_language(built: Built) -> None:
    pages = published(built)
    ids = built.article_ids()
    assert ids and len(pages) == 2 * len(ids), \
        f"the pipeline published {len(pages)} pages for {len(ids)} articles: every one in English and Khmer"
    facts = page_facts(built.site)
    for lang, article_id in pages:
        page = generated_page(built, facts, lang, article_id)
        assert page.lang == lang, f"/{lang}/{article_id}/ declares lang={page.lang!r}"


@pytest.mark.generators
def test_each_page_carries_its_languages_title_and_both_the_same_date(built: Built) -> None:
    facts = page_facts(built.site)
    translated = 0
    for article_id in built.article_ids():
        titles = expected_titles(built.project, article_id)
        pages = {lang: generated_page(built, facts, lang, article_id) for lang in LANGUAGES}
        for lang, page in pages.items():
            assert _same(page.h1, titles[lang]), f"/{lang}/{article_id}/: title {page.h1!r}, expected {titles[lang]!r}"
        translated += not _same(titles["km"], titles["en"])
        assert pages["km"].dates == pages["en"].dates, \
            f"{article_id}: Khmer page dates {pages['km'].dates}, English {pages['en'].dates}"
        date = source_date(built.project, article_id)
        assert pages["en"].dates[:1] == ((date,) if date else ()), \
            f"/en/{article_id}/ shows {pages['en'].dates}, the article's date is {date}"
    assert translated >= len(built.article_ids()) * 3 // 4, "most Khmer pages must carry a Khmer title"


@pytest.mark.generators
def test_khmer_pages_use_the_khmer_variants_of_images_and_attachments(built: Built) -> None:
    """`photo.km.JPG` next to `photo.JPG` replaces it on the Khmer page (hashed names aside:
    Astro serves /_astro/photo.km.<hash>.webp)."""
    stems = {path.name.split(".km.")[0] for folder in ("content", "public") if (built.project / folder).is_dir()
             for path in (built.project / folder).rglob("*.km.*")}
    references = page_references(built.site)
    checked = 0
    for article_id, stem in ((a, s) for a in built.article_ids() for s in sorted(stems)):
        english, khmer = ([unquote(url.rsplit("/", 1)[-1]) for url in references.get(f"/{lang}/{article_id}/", [])]
                          for lang in LANGUAGES)
        if not any(name.startswith(f"{stem}.") for name in english):
            continue
        checked += 1
        assert any(name.startswith(f"{stem}.km.") for name in khmer), f"/km/{article_id}/ lacks {stem}.km.*"
        assert not [name for name in khmer if name.startswith(f"{stem}.") and not name.startswith(f"{stem}.km.")], \
            f"/km/{article_id}/ still uses the English {stem}"
    assert checked or not stems, f"no English page uses any of {sorted(stems)}"


@pytest.mark.generators
def test_links_to_a_heading_land_on_it(built: Built, request: pytest.FixtureRequest) -> None:
    if built.site_name == "edge":
        # The made-up site's Khmer page links to `#weekend-hours`, the English heading's id; its own
        # heading is translated, so each generator gives it another id (Hugo's even drops Khmer signs).
        request.applymarker(pytest.mark.xfail(strict=True, reason="a translated heading gets another id: "
                                              "links to it from the Khmer pages land at the top of the page"))
    broken = broken_fragments(built.site)
    assert not broken, "\n".join(f"{ref.page}: {ref.url}" for ref in broken)


# --- the checker itself (fast: no generator) -----------------------------------------------------------

SITE_FILES = ("en/a/index.html", "en/a/img/photo one.png", "img/logo.svg", "km/ក/index.html")


@pytest.mark.parametrize("url, broken", [
    ("/en/a/", False),
    ("/en/a", False),  # a folder with an index page: servers redirect
    ("/en/a/index.html", False),
    ("/en/a/#top", False),
    ("/en/a/?page=2", False),
    ("img/photo%20one.png", False),  # relative to the page's folder, percent-decoded
    ("../a/", False),
    ("/km/%E1%9E%80/", False),  # a Khmer path, percent-encoded
    ("/km/ក/", False),
    ("#top", False),
    ("https://example.org/nowhere/", False),
    ("//cdn.example.org/x.js", False),
    ("mailto:info@example.org", False),
    ("tel:+85523000000", False),
    ("/en/b/", True),
    ("/en/a/missing.png", True),
    ("img/photo-one.png", True),
    ("/img/logo.svg/", True),  # a file is not a folder
    ("/../../etc/passwd", True),
    ("a/", True),  # relative: /en/a/a/
])
@pytest.mark.parametrize("attribute", ["href", "src", "srcset"])
def test_broken_references_judges_each_url(tmp_path: Path, url: str, broken: bool, attribute: str) -> None:
    for name in SITE_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("<!doctype html><title>x</title>", encoding="utf-8")
    value = f"{url} 1x, /img/logo.svg 2x" if attribute == "srcset" else url
    tag = "a" if attribute == "href" else "img"
    (tmp_path / "en/a/index.html").write_text(f'<!doctype html><p><{tag} {attribute}="{value}">x</{tag}>',
                                              encoding="utf-8")
    found = broken_references(tmp_path)
    assert [(r.page, r.url) for r in found] == ([("en/a/index.html", url)] if broken else [])


@pytest.mark.parametrize("lang, title", [("km", "ចំណងជើង <ខ្មែរ>"), ("en", "A & B"), (None, "")])
def test_page_facts_reads_language_title_and_dates(tmp_path: Path, lang: str | None, title: str) -> None:
    page = tmp_path / "km" / "x" / "index.html"
    page.parent.mkdir(parents=True)
    lang_attribute = f' lang="{lang}"' if lang else ""
    page.write_text(f"<!doctype html><html{lang_attribute}><head><title>{escape(title)}</title></head><body>"
                    f"<h1>\n  <span>{escape(title)}</span>\n</h1><img src=/a.png>"
                    f'<time datetime="2025-09-15">15 Sep</time><p><time datetime="2025-09-16">x</time>',
                    encoding="utf-8")
    facts = page_facts(tmp_path)
    assert facts == {"/km/x/": PageFacts("/km/x/", lang, title, title, ("2025-09-15", "2025-09-16"))}


@pytest.mark.parametrize("href, broken", [
    ("/en/b/#part-2", False), ("#part-2", False), ("/en/b/#part%202", False), ("/en/b/#anchor", False),
    ("/en/b/#missing", True), ("#missing", True), ("/en/b#part-2", False), ("/en/c/#anything", False),
])
def test_broken_fragments_judges_each_link(tmp_path: Path, href: str, broken: bool) -> None:
    """A fragment must name an id (or an <a name>) of its page; a missing page is broken_references' case."""
    target = '<h2 id="part-2">Part 2</h2><h2 id="part 2">x</h2><a name="anchor"></a>'
    for page, body in (("en/a/index.html", f'<p id="part-2"><a href="{href}">x</a>'), ("en/b/index.html", target)):
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_text(f"<!doctype html>{body}", encoding="utf-8")
    found = broken_fragments(tmp_path)
    assert [(r.page, r.url) for r in found] == ([("en/a/index.html", href)] if broken else [])
