"""`pipeline build`: paired pages, dates, assets, fallback, thresholds, drafts, atomic output."""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import REPO, Project
from pagefacts import page_facts
from pipeline.po import format_po, parse_po

KHMER_DATE = re.compile(r"^ថ្ងៃទី[០-៩]{1,2} ខែ(មករា|កុម្ភៈ|មីនា|មេសា|ឧសភា|មិថុនា|កក្កដា|សីហា|កញ្ញា|តុលា|វិច្ឆិកា|ធ្នូ) ឆ្នាំ[០-៩]{4}$")
ENGLISH_DATE = re.compile(r"^(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}$")


def article_pages(site: Path) -> dict[str, dict[str, Path]]:
    pages: dict[str, dict[str, Path]] = {}
    for path in site.glob("*/*/*/index.html"):
        lang, *rest = path.relative_to(site).parts[:-1]
        if rest[0] in ("page", "tags") or (len(rest) == 2 and rest[1] == "page"):  # (lists and tag pages)
            continue
        pages.setdefault("/".join(rest), {})[lang] = path
    return pages


def test_every_sample_article_is_published_as_a_pair(sample_site: Path) -> None:
    pages = article_pages(sample_site)
    ids = {p.relative_to(REPO / "content").with_suffix("").as_posix()
           for p in (REPO / "content").glob("*/*.md")}
    assert set(pages) == ids
    for article_id, langs in pages.items():
        assert set(langs) == {"en", "km"}, article_id


def test_pairs_share_date_images_and_link_to_each_other(sample_site: Path) -> None:
    base = "https://news.example.gov.kh"
    for article_id, langs in article_pages(sample_site).items():
        en, km = page_facts(langs["en"]), page_facts(langs["km"])
        assert en["lang"] == "en" and km["lang"] == "km"
        (en_iso, en_text), = en["times"]
        (km_iso, km_text), = km["times"]
        assert en_iso == km_iso and re.match(r"^\d{4}-\d{2}-\d{2}$", en_iso)
        assert ENGLISH_DATE.match(en_text.strip()) and KHMER_DATE.match(km_text.strip()), (en_text, km_text)
        for facts, lang in ((en, "en"), (km, "km")):
            assert facts["canonical"] == f"{base}/{lang}/{article_id}/"
            assert facts["hreflang"]["en"] == f"{base}/en/{article_id}/"
            assert facts["hreflang"]["km"] == f"{base}/km/{article_id}/"
            assert "x-default" in facts["hreflang"]
            other = "km" if lang == "en" else "en"
            assert facts["switcher"] == [(other, f"/{other}/{article_id}/")]
        assert en["og"]["og:locale"] == "en_US" and km["og"]["og:locale"] == "km_KH"
        assert en["og"]["og:image"] == km["og"]["og:image"] and en["og"]["og:image"].startswith(base + "/")
        localized = [src.replace(".km.", ".") for src in km["images"]]
        assert localized == en["images"], article_id
        for src in km["images"] + en["images"]:
            assert (sample_site / src.lstrip("/")).is_file()


def test_localized_image_replaces_the_source_image_on_the_khmer_page(sample_site: Path) -> None:
    pages = article_pages(sample_site)["news-and-events/digital-skills-course-takeo"]
    km, en = page_facts(pages["km"]), page_facts(pages["en"])
    assert any(src.endswith("poster.km.JPG") for src in km["images"])
    assert not any(".km." in src for src in en["images"])


def test_site_wide_files(sample_site: Path) -> None:
    for required in ("index.html", "404.html", "sitemap.xml", "en/index.html", "km/index.html",
                     "en/atom.xml", "km/atom.xml", "static/style.css"):
        assert (sample_site / required).is_file(), required
    root = page_facts(sample_site / "index.html")
    assert "/en/" in root["links"] and "/km/" in root["links"]
    sitemap = (sample_site / "sitemap.xml").read_text(encoding="utf-8")
    for article_id in article_pages(sample_site):
        for lang in ("en", "km"):
            assert f'hreflang="{lang}" href="https://news.example.gov.kh/{lang}/{article_id}/"' in sitemap
    feed = (sample_site / "km/atom.xml").read_text(encoding="utf-8")
    assert 'xml:lang="km"' in feed and "/km/news-and-events/article-19/" in feed


def test_list_pages_are_newest_first_with_local_dates(sample_site: Path) -> None:
    facts = page_facts(sample_site / "km/news-and-events/index.html")
    isos = [iso for iso, _ in facts["times"]]
    assert isos == sorted(isos, reverse=True) and len(isos) == 3
    assert all(KHMER_DATE.match(text.strip()) for _, text in facts["times"])
    assert all(src.startswith("/assets/") for src in facts["images"])


def test_golden_summary_of_the_sample_site(sample_site: Path) -> None:
    """Titles, dates, pairs, switchers and image URLs of every page, against a reviewed snapshot."""
    summary = {}
    for path in sorted(sample_site.rglob("*.html")):
        facts = page_facts(path)
        summary[path.relative_to(sample_site).as_posix()] = {
            key: facts[key] for key in ("lang", "title", "times", "hreflang", "switcher", "images")}
    golden = Path(__file__).parent / "golden" / "sample-site.json"
    actual = json.loads(json.dumps(summary, ensure_ascii=False))
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert actual == json.loads(golden.read_text(encoding="utf-8"))


def test_two_builds_are_byte_identical(sample_site: Path, tmp_path: Path) -> None:
    from pipeline.cli import main

    again = tmp_path / "again"
    assert main(["--root", str(REPO), "-q", "build", "--out", str(again), "--now", "2026-01-01"]) == 0
    comparison = filecmp.dircmp(sample_site, again)
    assert _identical(comparison)


def _identical(cmp: filecmp.dircmp) -> bool:
    if cmp.left_only or cmp.right_only or cmp.diff_files or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
    return not mismatch and not errors and all(_identical(sub) for sub in cmp.subdirs.values())


def test_markdown_export_of_untranslated_text_is_byte_identical(tmp_path: Path) -> None:
    from pipeline.cli import main

    out = tmp_path / "md"
    assert main(["--root", str(REPO), "-q", "build", "--out", str(tmp_path / "site"), "--now", "2026-01-01",
                 "--markdown", str(out)]) == 0
    for source in (REPO / "content").glob("*/*.md"):
        article_id = source.relative_to(REPO / "content").with_suffix("").as_posix()
        lang = "km" if "lang: km" in source.read_text(encoding="utf-8") else "en"
        assert (out / lang / f"{article_id}.md").read_bytes() == source.read_bytes()


# --- behaviour in small projects --------------------------------------------------------------------

ARTICLE = """
---
title: Post office hours
description: Longer hours.
date: 2025-08-13
image: "@/assets/news/post/thumbnail.JPG"
---
First paragraph.

Second paragraph with a [link](../news/other.md).

![A photo](@/assets/news/post/photo.JPG)
"""

OTHER = """
---
title: Other news
date: 2025-08-01
---
Other body.
"""


@pytest.fixture
def site_project(project: Project) -> Project:
    shutil.copytree(REPO / "templates", project.root / "templates")
    for name in ("thumbnail.JPG", "photo.JPG"):
        project.write(f"content/assets/news/post/{name}", "not really a jpeg")
    project.write("content/news/post.md", ARTICLE)
    project.write("content/news/other.md", OTHER)
    assert project.run("extract") == 0
    return project


def translate_all(project: Project, article_id: str, skip: tuple[str, ...] = (), fuzzy: tuple[str, ...] = (),
                  text=lambda msgid: f"ខ្មែរ {msgid}", comment: str = "") -> None:
    path = project.root / f"locale/km/LC_MESSAGES/{article_id}.po"
    cat = parse_po(path.read_text(encoding="utf-8"), str(path))
    messages = tuple(m if m.msgid in skip else replace(
        m, msgstr=text(m.msgid), flags=m.flags + (("fuzzy",) if m.msgid in fuzzy else ()),
        translator_comments=(comment,) if comment else m.translator_comments) for m in cat.messages)
    path.write_text(format_po(replace(cat, messages=messages)), encoding="utf-8")


def test_untranslated_pages_are_held_back_and_not_linked(site_project: Project, capsys) -> None:
    translate_all(site_project, "news/post", skip=("Second paragraph with a [link](../news/other.md).",))
    assert site_project.run("build", "--now", "2025-09-01") == 0
    site = site_project.root / "site"
    assert not (site / "km/news/post/index.html").exists()
    facts = page_facts(site / "en/news/post/index.html")
    assert "km" not in facts["hreflang"] and facts["switcher"] == []
    from pipeline.cli import main
    capsys.readouterr()
    main(["--root", str(site_project.root), "build", "--now", "2025-09-01"])
    assert "held back: km/news/post: 80% translated (4/5 units), below the 100% threshold" in capsys.readouterr().out


def test_fallback_units_are_marked_with_the_source_language(site_project: Project) -> None:
    translate_all(site_project, "news/post", skip=("First paragraph.",), fuzzy=("Post office hours",))
    assert site_project.run("build", "--now", "2025-09-01", "--min-translated", "50") == 0
    html = (site_project.root / "site/km/news/post/index.html").read_text(encoding="utf-8")
    assert '<p lang="en">First paragraph.</p>' in html
    assert '<h1 lang="en">Post office hours</h1>' in html  # fuzzy falls back too
    assert "ខ្មែរ Second paragraph" in html
    assert 'href="/km/news/other/"' not in html  # other is not translated: link goes to its English page
    assert 'href="/en/news/other/"' in html


def test_links_between_articles_point_to_the_paired_page(site_project: Project) -> None:
    translate_all(site_project, "news/post")
    translate_all(site_project, "news/other")
    assert site_project.run("build", "--now", "2025-09-01") == 0
    km = (site_project.root / "site/km/news/post/index.html").read_text(encoding="utf-8")
    en = (site_project.root / "site/en/news/post/index.html").read_text(encoding="utf-8")
    assert 'href="/km/news/other/"' in km and 'href="/en/news/other/"' in en


def test_drafts_and_future_articles_wait_for_their_day(site_project: Project) -> None:
    site_project.write("content/news/future.md", "---\ntitle: Future\ndate: 2025-12-01\n---\nSoon.\n")
    site_project.write("content/news/draft.md", "---\ntitle: Draft\ndate: 2025-01-01\ndraft: true\n---\nWIP.\n")
    assert site_project.run("build", "--now", "2025-11-30") == 0
    site = site_project.root / "site"
    assert not (site / "en/news/future").exists() and not (site / "en/news/draft").exists()
    assert site_project.run("build", "--now", "2025-12-01") == 0
    assert (site / "en/news/future/index.html").is_file() and not (site / "en/news/draft").exists()
    assert site_project.run("build", "--now", "2025-11-30", "--drafts") == 0
    assert (site / "en/news/draft/index.html").is_file() and (site / "en/news/future/index.html").is_file()


def test_a_cold_build_shows_only_what_is_published(site_project: Project) -> None:
    """Pages are rendered while articles are still being read, as if every article were published
    in every language; what is not (a draft, a collection of drafts only, a held-back translation)
    must not show anywhere in the finished site."""
    translate_all(site_project, "news/post")
    site_project.write("content/news/draft.md", "---\ntitle: Draft\ndate: 2025-01-01\ndraft: true\n---\nWIP.\n")
    site_project.write("content/plans/secret.md", "---\ntitle: Plan\ndate: 2025-01-01\ndraft: true\n---\nSoon.\n")
    site_project.write("content/news/post.md", ARTICLE + "\nSee the [draft](draft.md) and [other](other.md).\n")
    assert site_project.run("extract") == 0
    translate_all(site_project, "news/post")
    assert site_project.run("build", "--now", "2025-09-01") == 0
    site = site_project.root / "site"
    pages = {p: p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    assert pages and not any("/plans/" in text for text in pages.values())
    km = pages[site / "km/news/post/index.html"]
    assert 'href="/en/news/other/"' in km and 'href="/km/news/other/"' not in km  # other has no Khmer page
    assert 'href="draft.md"' in km  # a link to a draft stays as it was written
    assert not (site / "km/news/other").exists() and not (site / "en/news/draft").exists()


@pytest.mark.parametrize("path, message", [
    ("@/assets/news/post/missing.JPG", "not found"),
    ("../../../etc/passwd", "leaves the content folder"),
    ("/etc/passwd", "starts at the site's root, and the project has no public folder"),
])
def test_bad_image_paths_are_located_errors_and_keep_the_old_site(site_project: Project, capsys, path, message) -> None:
    assert site_project.run("build", "--now", "2025-09-01") == 0
    before = {p: p.read_bytes() for p in (site_project.root / "site").rglob("*") if p.is_file()}
    site_project.write("content/news/post.md", ARTICLE.replace("@/assets/news/post/photo.JPG", path))
    capsys.readouterr()
    assert site_project.run("build", "--now", "2025-09-01") == 1
    err = capsys.readouterr().err
    assert f"content/news/post.md:11: error: image '{path}' " in err or f"content/news/post.md:11: error: image path '{path}' " in err
    assert message in err and "Traceback" not in err
    after = {p: p.read_bytes() for p in (site_project.root / "site").rglob("*") if p.is_file()}
    assert after == before


def test_symlink_out_of_the_content_folder_is_refused(site_project: Project, tmp_path: Path, capsys) -> None:
    secret = tmp_path / "secret.JPG"
    secret.write_text("secret")
    link = site_project.root / "content/assets/news/post/photo.JPG"
    link.unlink()
    link.symlink_to(secret)
    capsys.readouterr()
    assert site_project.run("build", "--now", "2025-09-01") == 1
    assert "leaves the content folder" in capsys.readouterr().err


def test_same_image_is_copied_once_with_one_url(site_project: Project) -> None:
    translate_all(site_project, "news/post")
    assert site_project.run("build", "--now", "2025-09-01") == 0
    site = site_project.root / "site"
    en, km = page_facts(site / "en/news/post/index.html"), page_facts(site / "km/news/post/index.html")
    assert en["images"] == km["images"] == ["/assets/news/post/photo.JPG"]
    assert [p.name for p in (site / "assets/news/post").iterdir()] == ["photo.JPG", "thumbnail.JPG"] or \
        sorted(p.name for p in (site / "assets/news/post").iterdir()) == ["photo.JPG", "thumbnail.JPG"]


@pytest.mark.parametrize("msgstr, forbidden", [
    ("ខ្មែរ <script>alert(1)</script>", "<script>"),
    ('ខ្មែរ <img src=x onerror="alert(1)">', "<img src=x"),
    ("ខ្មែរ [x](javascript:alert(1))", 'href="javascript:'),
])
def test_nothing_executable_from_a_translation_reaches_a_page(site_project: Project, msgstr, forbidden, capsys) -> None:
    def hostile(msgid: str) -> str:
        return msgstr if msgid == "First paragraph." else f"ខ្មែរ {msgid}"

    translate_all(site_project, "news/post", text=hostile)
    capsys.readouterr()
    assert site_project.run("build", "--now", "2025-09-01", "--min-translated", "0") == 1
    assert "locale/km/LC_MESSAGES/news/post.po:" in capsys.readouterr().err
    assert not (site_project.root / "site/km/news/post/index.html").exists()  # held back: the check failed
    assert (site_project.root / "site/en/news/post/index.html").is_file()  # the source site still publishes
    assert site_project.run("build", "--now", "2025-09-01", "--strict") == 1
    # Even when a translator silences the checks, the page carries no executable markup; a URL
    # that may not be published keeps the page back whatever the comment says.
    translate_all(site_project, "news/post", text=hostile, comment="noqa: raw-html, links, unsafe-url, numbers")
    unsafe_url = "javascript:" in msgstr
    assert site_project.run("build", "--now", "2025-09-01", "--min-translated", "0") == (1 if unsafe_url else 0)
    page = site_project.root / "site/km/news/post/index.html"
    assert page.exists() is not unsafe_url
    if page.exists():
        html = page.read_text(encoding="utf-8")
        assert forbidden not in html
        assert "ខ្មែរ" in html


def test_list_pages_are_paginated_with_local_page_numbers(site_project: Project) -> None:
    text = (site_project.root / "pyproject.toml").read_text(encoding="utf-8")
    (site_project.root / "pyproject.toml").write_text(text.replace('base_url =', 'page_size = 1\nbase_url ='),
                                                      encoding="utf-8")
    translate_all(site_project, "news/post")
    translate_all(site_project, "news/other")
    assert site_project.run("build", "--now", "2025-09-01") == 0
    site = site_project.root / "site"
    first, second = site / "km/news/index.html", site / "km/news/page/2/index.html"
    assert first.is_file() and second.is_file() and not (site / "km/news/page/3").exists()
    assert page_facts(first)["times"][0][0] == "2025-08-13" and page_facts(second)["times"][0][0] == "2025-08-01"
    html = second.read_text(encoding="utf-8")
    assert 'rel="prev"' in html and 'href="/km/news/"' in html and "២" in html


@pytest.mark.parametrize("image, expected", [
    ("https://cdn.example.org/photos/x.jpg?size=large", "https://cdn.example.org/photos/x.jpg?size=large"),
    ("http://cdn.example.org/x.jpg", "http://cdn.example.org/x.jpg"),
    ("@/assets/news/post/thumbnail.JPG", "https://news.example.org/assets/news/post/thumbnail.JPG"),
])
def test_og_image_is_the_image_address_readers_can_follow(site_project: Project, image: str, expected: str) -> None:
    """An image on another host is linked exactly as written (no base URL glued in front of it);
    the site's own images get the base URL."""
    article = site_project.root / "content/news/post.md"
    article.write_text(article.read_text(encoding="utf-8").replace('"@/assets/news/post/thumbnail.JPG"', f'"{image}"'),
                       encoding="utf-8")
    assert site_project.run("build", "--now", "2025-09-01") == 0
    html = (site_project.root / "site/en/news/post/index.html").read_text(encoding="utf-8")
    assert f'<meta property="og:image" content="{expected}">' in html.replace("&amp;", "&")
    listed = (site_project.root / "site/en/news/index.html").read_text(encoding="utf-8")
    assert f'src="{expected.removeprefix("https://news.example.org")}"' in listed.replace("&amp;", "&")


@pytest.mark.parametrize("image", ["javascript:alert(1)", "data:image/png;base64,AAAA", "//evil.example/x.jpg",
                                   " JavaScript:alert(1)", "vbscript:x"])
def test_an_image_key_that_is_no_allowed_url_is_a_located_error(site_project: Project, image: str, capsys) -> None:
    article = site_project.root / "content/news/post.md"
    article.write_text(article.read_text(encoding="utf-8").replace('"@/assets/news/post/thumbnail.JPG"', f'"{image}"'),
                       encoding="utf-8")
    capsys.readouterr()
    for command in (["check"], ["build", "--now", "2025-09-01"]):
        assert site_project.run(*command) == 1
        assert "content/news/post.md:5: error:" in capsys.readouterr().err
