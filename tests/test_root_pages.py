"""The root page and the 404 page speak every language with equal weight, the home language first.

`home_language` in [tool.pipeline] (default: `default_language`, the language the articles are
written in) decides which language these two pages put first (and their `<html lang>`), and
where `x-default` points on every page that exists in several languages. The root page is the
choice of language itself: no script, no redirect, each language's part links to its home, and
it is its own `x-default`."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import lxml.html
import pytest

from conftest import REPO, Project
from pipeline.config import config_from_table
from pipeline.po import parse_po

BASE = "https://news.example.gov.kh"
KHMER = re.compile(r"[\u1780-\u17ff]")


def _ui(lang: str, msgid: str) -> str:
    """The interface string as the sample's catalog of `lang` gives it."""
    if lang == "en":
        return msgid
    path = REPO / f"locale/{lang}/LC_MESSAGES/ui.po"
    return next(m.msgstr for m in parse_po(path.read_text(encoding="utf-8"), path.name).messages if m.msgid == msgid)


def _page(path: Path):
    return lxml.html.parse(str(path)).getroot()


def _parts(page) -> list:
    """Each language's part of a bilingual page, in order."""
    return page.xpath('//main//div[contains(@class, "greeting")]')


def _hreflang(page) -> dict[str, str]:
    return {link.get("hreflang"): link.get("href") for link in page.xpath('//head/link[@rel="alternate"][@hreflang]')}


def _language_of(element) -> str:
    while element is not None:
        if element.get("lang") is not None:
            return element.get("lang")
        element = element.getparent()
    return ""


def _sample_copy(root: Path, home: str | None) -> None:
    """The sample project in `root`, with `home_language` set to `home` unless None."""
    for folder in ("content", "locale", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    if home:
        text = text.replace("[tool.pipeline]\n", f'[tool.pipeline]\nhome_language = "{home}"\n', 1)
    (root / "pyproject.toml").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample site built with each home language ("en" is the sample's own setting, unset)."""
    from pipeline.cli import main

    built = {}
    for home in ("en", "km"):
        root = tmp_path_factory.mktemp(f"home-{home}")
        _sample_copy(root, None if home == "en" else home)
        assert main(["--root", str(root), "-q", "build", "--now", "2026-01-01"]) == 0
        built[home] = root / "site"
    return built


ORDERS = {"en": ["en", "km"], "km": ["km", "en"]}


@pytest.mark.parametrize("home", ["en", "km"])
def test_the_root_page_greets_in_every_language_with_equal_weight(sites: dict[str, Path], home: str) -> None:
    page = _page(sites[home] / "index.html")
    assert page.get("lang") == home
    parts = _parts(page)
    assert [part.get("lang") for part in parts] == ORDERS[home]
    for part in parts:
        lang = part.get("lang")
        assert [child.tag for child in part] == ["h1", "p", "p"], "each language: the same elements"
        assert part.findtext("h1") == _ui(lang, "Ministry News")
        assert part.xpath("string(p[1])").strip() == _ui(
            lang, "News, announcements and guides from the ministry, in Khmer and English.")
        (link,) = part.xpath(".//a")
        assert (link.get("href"), link.get("hreflang")) == (f"/{lang}/", lang)
        texts = [t for t in part.itertext() if t.strip()]
        assert all(_language_of(node) == lang for node in part.iter()), "no part of it in another language"
        assert all(bool(KHMER.search(t)) == (lang == "km") for t in texts), texts
    assert page.findtext(".//title") == _ui(home, "Ministry News")
    assert not page.xpath("//script") and not page.xpath('//meta[@http-equiv]'), "no script, no redirect"


@pytest.mark.parametrize("home", ["en", "km"])
def test_the_404_page_says_page_not_found_in_every_language(sites: dict[str, Path], home: str) -> None:
    page = _page(sites[home] / "404.html")
    assert page.get("lang") == home
    parts = _parts(page)
    assert [part.get("lang") for part in parts] == ORDERS[home]
    for part in parts:
        lang = part.get("lang")
        assert part.findtext("h1") == _ui(lang, "Page not found")
        assert part.xpath("string(p[1])").strip() == _ui(lang, "The page you asked for does not exist.")
        (link,) = part.xpath(".//a")
        assert (link.get("href"), link.get("hreflang")) == (f"/{lang}/", lang)
        assert all(_language_of(node) == lang for node in part.iter())
    assert page.findtext(".//title").startswith(_ui(home, "Page not found"))
    assert page.xpath('//meta[@name="robots"]/@content') == ["noindex"]


@pytest.mark.parametrize("home", ["en", "km"])
def test_x_default_points_at_the_home_language(sites: dict[str, Path], home: str) -> None:
    site = sites[home]
    root = _hreflang(_page(site / "index.html"))
    assert root == {"en": f"{BASE}/en/", "km": f"{BASE}/km/", "x-default": f"{BASE}/"}
    for lang in ("en", "km"):
        # the language homes and the root name each other alike (search engines want it both ways):
        # the root, which offers every language, is the page for a reader of none of them
        assert _hreflang(_page(site / lang / "index.html")) == root
        assert _hreflang(_page(site / lang / "guides/index.html"))["x-default"] == f"{BASE}/{home}/guides/"
        for article in ("news-and-events/article-19", "news-and-events/ctc-open-day"):  # English and Khmer sources
            shown = _hreflang(_page(site / lang / article / "index.html"))
            assert shown["x-default"] == f"{BASE}/{home}/{article}/"
    assert not _hreflang(_page(site / "404.html")), "the 404 page is the same at every address: no alternates"


def test_x_default_of_an_article_missing_in_the_home_language_is_its_own_language(project: Project) -> None:
    (project.root / "pyproject.toml").write_text(
        '[tool.pipeline]\nlanguages = ["en", "km"]\nhome_language = "km"\nbase_url = "https://x.example"\n',
        encoding="utf-8")
    shutil.copytree(REPO / "templates", project.root / "templates")
    project.write("content/news/only.md", "---\ntitle: Only English\ndate: 2025-08-13\n---\nText.\n")
    assert project.run("extract") == 0
    assert project.run("build", "--now", "2025-09-01") == 0
    shown = _hreflang(_page(project.root / "site/en/news/only/index.html"))
    assert shown == {"en": "https://x.example/en/news/only/", "x-default": "https://x.example/en/news/only/"}


def test_the_bilingual_pages_load_the_khmer_font_whatever_the_home_language(sites: dict[str, Path]) -> None:
    for name in ("index.html", "404.html"):
        page = _page(sites["en"] / name)
        assert page.xpath('//link[@rel="preload"][@as="font"][contains(@href, "khmer")]'), name


# --- the setting ----------------------------------------------------------------------------------


def test_home_language_defaults_to_the_default_language(tmp_path: Path) -> None:
    assert config_from_table(tmp_path, {"languages": ["en", "km"]}).home_language == "en"
    assert config_from_table(tmp_path, {"languages": ["en", "km"], "default_language": "km"}).home_language == "km"
    config = config_from_table(tmp_path, {"languages": ["en", "km"], "home_language": "km"})
    assert (config.default_language, config.home_language) == ("en", "km")


@pytest.mark.parametrize("value, says", [('"kh"', "did you mean `km`?"), ('"fr"', "is not in languages"),
                                         ("1", "home_language must be a string")])
def test_a_wrong_home_language_is_an_error_at_its_line(project: Project, capsys, value: str, says: str) -> None:
    from pipeline.cli import main

    (project.root / "pyproject.toml").write_text(
        f'[project]\nname = "x"\n\n[tool.pipeline]\nlanguages = ["en", "km"]\nhome_language = {value}\n',
        encoding="utf-8")
    capsys.readouterr()
    assert main(["--root", str(project.root), "build"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pyproject.toml:6: error: [tool.pipeline] home_language") and says in err, err
    assert "Traceback" not in err


# --- valid HTML -------------------------------------------------------------------------------------


def test_the_root_and_404_pages_are_valid_html(sites: dict[str, Path]) -> None:
    from test_html import _LANGUAGE_GUESSES, _describe, _nu_check

    pages = [sites[home] / name for home in ("en", "km") for name in ("index.html", "404.html")]
    messages = _nu_check(pages)
    problems = [m for m in messages if m.get("type") in ("error", "non-document-error")
                or (m.get("subType") == "warning" and not any(g in m.get("message", "") for g in _LANGUAGE_GUESSES))]
    assert not problems, "\n".join(_describe(sites["en"].parent, m) for m in problems)


def test_a_khmer_page_with_every_fallback_is_valid_html(project: Project) -> None:
    from test_fallback_lang import built
    from test_html import _describe, _nu_check

    site = built(project, translate=False, ui=False)
    page = site / "km/centers/riverside/index.html"
    messages = _nu_check([page])
    # errors only: mistune's footnotes are a <section> without a heading, which v.Nu warns about
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    assert not errors, "\n".join(_describe(site, m) for m in errors)


# --- the incremental build --------------------------------------------------------------------------


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_changing_the_home_language_renders_the_pages_again(tmp_path: Path) -> None:
    from pipeline.cli import main

    root = tmp_path / "project"
    root.mkdir()
    _sample_copy(root, None)
    build = ["--root", str(root), "-q", "build", "--now", "2026-01-01"]
    assert main(build) == 0
    before = _tree(root / "site")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
        "[tool.pipeline]\n", '[tool.pipeline]\nhome_language = "km"\n', 1), encoding="utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(pyproject, (an_hour_ago, an_hour_ago))
    assert main(build) == 0
    after = _tree(root / "site")
    for name in ("index.html", "404.html", "en/guides/index.html", "en/news-and-events/article-19/index.html"):
        assert after[name] != before[name], name
    assert _page(root / "site/index.html").get("lang") == "km"
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns(".cache", "site", ".site*"))
    assert main(["--root", str(clean), "-q", "build", "--now", "2026-01-01"]) == 0
    assert after == _tree(clean / "site")
