"""Browsing without searching: a page per tag and language, an index of the tags, and an Atom feed
per collection and language.

A reader on a Khmer page follows an article's tag to every Khmer page with that tag, its name in
Khmer when `ui.po` translates it; a feed reader subscribes to one collection. Tags are written by
editors (`tags: [digital-skills, training]`) and are untrusted text: whatever they hold, a tag's page
stays inside `<lang>/tags/`, its name is shown escaped, and a value that cannot be a tag is an error
at its line. The generated paths are reserved: no article, alias or public file takes their place."""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, unquote
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings, strategies as st

from conftest import REPO, Project, same_as_a_clean_build
from pagefacts import page_facts
from pipeline.po import format_po, parse_po
from pipeline.tags import MAX_TAG_CHARS, tag_label, tag_slug

feedparser = pytest.importorskip("feedparser", reason="feedparser is a test dependency")

NOW = "2025-09-30"
ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://news.example.org"
KHMER_TAG = "ឌីជីថល"  # "digital"
TRANSLATED = {"Digital skills": "ជំនាញឌីជីថល", "Tags": "ស្លាក"}  # ui.po; "Training" stays untranslated


def article(title: str, day: int, tags: str | None, extra: str = "") -> str:
    line = f"tags: {tags}\n" if tags is not None else ""
    return f"---\ntitle: {title}\ndate: 2025-09-{day:02d}\n{line}{extra}---\nA paragraph about {title}.\n"


def translate_everything(project: Project, ui: dict[str, str] = TRANSLATED) -> None:
    """Every Khmer article catalog filled (so every article has its Khmer page), and `ui` in ui.po."""
    folder = project.root / "locale/km/LC_MESSAGES"
    for po in folder.rglob("*.po"):
        catalog = parse_po(po.read_text(encoding="utf-8"), str(po))
        if po.name == "ui.po" and po.parent == folder:
            messages = tuple(replace(m, msgstr=ui.get(m.msgid, m.msgstr)) for m in catalog.messages)
        else:
            messages = tuple(replace(m, msgstr=m.msgstr or f"ខ្មែរ {m.msgid}") for m in catalog.messages)
        po.write_text(format_po(replace(catalog, messages=messages)), encoding="utf-8")


def make_project(project: Project, articles: dict[str, str], page_size: int = 10) -> Project:
    shutil.copytree(REPO / "templates", project.root / "templates")
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
        "[tool.pipeline]\n", f"[tool.pipeline]\npage_size = {page_size}\n", 1), encoding="utf-8")
    for article_id, text in articles.items():
        project.write(f"content/{article_id}.md", text)
    assert project.run("extract") == 0
    translate_everything(project)
    assert project.run("build", "--now", NOW) == 0
    return project


SITE = {
    "news/a": article("Alpha", 1, "[digital-skills, training]"),
    "news/b": article("Beta", 2, "[Digital Skills, DIGITAL_SKILLS, digital-skills]"),  # one tag, three spellings
    "guides/c": article("Gamma", 3, f"[{KHMER_TAG}, digital-skills]"),
    "guides/d": article("Delta", 4, "[]"),
    "guides/e": article("Epsilon", 5, None),
}


@pytest.fixture
def tagged(project: Project) -> Project:
    return make_project(project, SITE)


def listed(page: Path) -> list[str]:
    """The article pages a list shows, in order."""
    return [link for link in page_facts(page)["links"]
            if re.fullmatch(r"/(en|km)/(news|guides)/[a-z]/", link or "")]


def tag_page(site: Path, lang: str, slug: str, number: int = 1) -> Path:
    return site / lang / "tags" / slug / ("" if number == 1 else f"page/{number}") / "index.html"


# --- the tag pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "km"])
def test_each_tag_lists_its_pages_newest_first_in_each_language(tagged: Project, lang: str) -> None:
    site = tagged.root / "site"
    assert listed(tag_page(site, lang, "digital-skills")) == [f"/{lang}/guides/c/", f"/{lang}/news/b/",
                                                               f"/{lang}/news/a/"]
    assert listed(tag_page(site, lang, "training")) == [f"/{lang}/news/a/"]
    assert listed(tag_page(site, lang, KHMER_TAG)) == [f"/{lang}/guides/c/"]
    made = sorted(p.parent.name for p in (site / lang / "tags").glob("*/index.html"))
    assert made == sorted(["digital-skills", "training", KHMER_TAG])  # no page for [] or a missing key


def test_tag_names_are_translated_once_for_the_site_and_marked_where_they_fall_back(tagged: Project) -> None:
    site = tagged.root / "site"
    km = page_facts(tag_page(site, "km", "digital-skills"))
    assert km["h1"].strip() == "ជំនាញឌីជីថល" and km["title"].startswith("ជំនាញឌីជីថល ·")
    assert page_facts(tag_page(site, "en", "digital-skills"))["h1"].strip() == "Digital skills"
    training = tag_page(site, "km", "training").read_text(encoding="utf-8")
    assert '<h1 lang="en">Training</h1>' in training  # no Khmer yet: the English, marked
    page = (site / "km/news/a/index.html").read_text(encoding="utf-8")
    assert '<a href="/km/tags/digital-skills/" rel="tag">ជំនាញឌីជីថល</a>' in page
    assert '<a href="/km/tags/training/" rel="tag" lang="en">Training</a>' in page
    english = (site / "en/news/a/index.html").read_text(encoding="utf-8")
    assert '<a href="/en/tags/digital-skills/" rel="tag">Digital skills</a>' in english


def test_tag_pages_are_alternates_of_each_other_across_languages(tagged: Project) -> None:
    site = tagged.root / "site"
    for slug in ("digital-skills", KHMER_TAG):
        for lang in ("en", "km"):
            facts = page_facts(tag_page(site, lang, slug))
            url = f"/tags/{quote(slug)}/"
            assert facts["hreflang"] == {"en": f"{BASE}/en{url}", "km": f"{BASE}/km{url}",
                                         "x-default": f"{BASE}/en{url}"}
            assert facts["canonical"] == f"{BASE}/{lang}{url}"
            other = "km" if lang == "en" else "en"
            assert facts["switcher"] == [(other, f"/{other}{url}")]


def test_the_tags_index_counts_each_tags_pages_in_its_language(tagged: Project) -> None:
    site = tagged.root / "site"
    km = (site / "km/tags/index.html").read_text(encoding="utf-8")
    assert re.search(r'href="/km/tags/digital-skills/" rel="tag">ជំនាញឌីជីថល</a> <span class="count"[^>]*>៣ ', km)
    assert re.search(r'href="/km/tags/training/" rel="tag" lang="en">Training</a> <span class="count"[^>]*>១ ', km)
    en = (site / "en/tags/index.html").read_text(encoding="utf-8")
    assert re.search(r'>Digital skills</a> <span class="count">3 articles</span>', en)
    assert re.search(r'>Training</a> <span class="count">1 article</span>', en)
    assert page_facts(site / "km/tags/index.html")["hreflang"]["en"] == f"{BASE}/en/tags/"


def test_a_tag_published_in_one_language_only_has_no_page_in_the_other(project: Project) -> None:
    make_project(project, {"news/a": article("Alpha", 1, "[only-english]"), "news/b": article("Beta", 2, "[both]")})
    (project.root / "locale/km/LC_MESSAGES/news/a.po").unlink()  # no Khmer page for Alpha
    assert project.run("build", "--now", NOW) == 0
    site = project.root / "site"
    assert tag_page(site, "en", "only-english").is_file() and not tag_page(site, "km", "only-english").exists()
    facts = page_facts(tag_page(site, "en", "only-english"))
    assert set(facts["hreflang"]) == {"en", "x-default"} and facts["switcher"] == []
    assert "only-english" not in (site / "km/tags/index.html").read_text(encoding="utf-8")


def test_long_tag_lists_are_paged_like_collection_lists(project: Project) -> None:
    articles = {f"news/{chr(97 + n)}": article(f"N{n}", n + 1, "[busy]") for n in range(5)}
    make_project(project, articles, page_size=2)
    site = project.root / "site"
    for lang in ("en", "km"):
        pages = [listed(tag_page(site, lang, "busy", n)) for n in (1, 2, 3)]
        assert pages == [[f"/{lang}/news/e/", f"/{lang}/news/d/"], [f"/{lang}/news/c/", f"/{lang}/news/b/"],
                         [f"/{lang}/news/a/"]]
        assert not tag_page(site, lang, "busy", 4).exists()
        middle = tag_page(site, lang, "busy", 2).read_text(encoding="utf-8")
        assert f'href="/{lang}/tags/busy/" rel="prev"' in middle
        assert f'href="/{lang}/tags/busy/page/3/" rel="next"' in middle
        assert page_facts(tag_page(site, lang, "busy", 3))["hreflang"]["km"] == f"{BASE}/km/tags/busy/page/3/"


def test_a_khmer_tag_keeps_its_letters_in_its_folder_and_is_percent_encoded_in_links(tagged: Project) -> None:
    site = tagged.root / "site"
    assert (site / "km" / "tags" / KHMER_TAG / "index.html").is_file()
    page = (site / "km/guides/c/index.html").read_text(encoding="utf-8")
    assert f'href="/km/tags/{quote(KHMER_TAG)}/"' in page
    assert unquote(quote(KHMER_TAG)) == KHMER_TAG


# --- the slug rule, for any text --------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_a_slug_is_a_single_plain_folder_name_and_stable(text: str) -> None:
    slug = tag_slug(text)
    assert slug == tag_slug(slug) == tag_slug(f" {text}!")
    if text.isascii():  # case variants are one tag
        assert tag_slug(text.swapcase()) == slug
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug
    assert all(c == "-" or unicodedata.category(c)[0] in "LMN" for c in slug)  # no / . \ space % or control
    assert tag_label(slug) == tag_label(slug).strip()


@pytest.mark.parametrize("text, slug", [("Digital Skills", "digital-skills"), ("digital_skills", "digital-skills"),
                                        ("  COVID-19 ", "covid-19"), ("STRASSE", "strasse"), ("Straße", "strasse"), ("ឌីជីថល\u200b", "ឌីជីថល"),
                                        ("ខេត្ត តាកែវ", "ខេត្ត-តាកែវ"), ("<script>", "script"), ("../../etc", "etc"),
                                        ("", ""), ("../", "")])
def test_slugs_of_typical_and_hostile_tags(text: str, slug: str) -> None:
    assert tag_slug(text) == slug


# --- tags that are no tags --------------------------------------------------------------------------------


@pytest.mark.parametrize("value, wrong", [
    ("'../'", "tags: '../' has no letter or digit"),
    ("{a: b}", "must be a list of text, not a mapping"),
    ("[fine, 2025]", "tags[1] is not text (the number 2025)"),
    ("[fine, yes]", "tags[1] is not text (the boolean true)"),
    ('[fine, ""]', "tags[1] '' has no letter or digit"),
    ('["../", fine]', "tags[0] '../' has no letter or digit"),
    (f"[{'x' * (MAX_TAG_CHARS + 1)}]", f"a tag has at most {MAX_TAG_CHARS}"),
])
def test_a_value_that_cannot_be_a_tag_is_an_error_at_its_line(ready: Project, capsys, value: str, wrong: str) -> None:
    text = f"---\ntitle: Bad\ndate: 2025-09-01\ntags: {value}\n---\nText.\n"
    ready.write("content/news/bad.md", text)
    before = (ready.root / "site/en/news/good/index.html").read_bytes()
    capsys.readouterr()
    assert ready.run("build", "--now", NOW) == 1
    err = capsys.readouterr().err
    assert "content/news/bad.md:4: error: " in err and wrong in err and "Traceback" not in err, err
    assert (ready.root / "site/en/news/good/index.html").read_bytes() == before  # nothing half-published
    assert ready.run("check") == 1


def test_one_text_is_one_tag(ready: Project) -> None:
    ready.write("content/news/single.md", "---\ntitle: Single\ndate: 2025-09-01\ntags: Training\n---\nText.\n")
    assert ready.run("build", "--now", NOW, "--min-translated", "0") == 0
    assert (ready.root / "site/en/tags/training/index.html").is_file()


def test_a_tag_list_item_on_its_own_line_is_located_there(ready: Project, capsys) -> None:
    ready.write("content/news/bad.md", "---\ntitle: Bad\ndate: 2025-09-01\ntags:\n  - fine\n  - 12\n---\nText.\n")
    capsys.readouterr()
    assert ready.run("check") == 1
    assert "content/news/bad.md:6: error: tags[1] is not text" in capsys.readouterr().err


def test_a_misspelt_tags_key_is_caught(ready: Project, capsys) -> None:
    ready.write("content/news/bad.md", "---\ntitle: Bad\ndate: 2025-09-01\ntag: [training]\n---\nText.\n")
    capsys.readouterr()
    assert ready.run("check") == 1
    assert "content/news/bad.md:4: error: unknown key 'tag': did you mean `tags`?" in capsys.readouterr().err


HOSTILE = ["<script>alert(1)</script>", "../../../etc/passwd", "a/b\\c", "%2e%2e", "x" * MAX_TAG_CHARS,
           "Ωmega ß", "ខ្មែរ\u200bអក្សរ", "\"quoted\" & 'single'", "index.html", "page"]


def test_hostile_tags_stay_inside_the_tags_folder_and_are_shown_escaped(project: Project) -> None:
    listed_tags = ", ".join('"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"' for t in HOSTILE)
    make_project(project, {"news/a": article("Alpha", 1, f"[{listed_tags}]")})
    site = project.root / "site"
    for lang in ("en", "km"):
        made = {p.relative_to(site / lang / "tags").as_posix() for p in (site / lang / "tags").rglob("index.html")}
        assert made == {"index.html"} | {f"{tag_slug(t)}/index.html" for t in HOSTILE}
        for page in (site / lang).rglob("*.html"):
            assert "<script>" not in page.read_text(encoding="utf-8")
    outside = {p.relative_to(site).as_posix() for p in site.rglob("*")} - {
        p.relative_to(site).as_posix() for lang in ("en", "km") for p in (site / lang).rglob("*")}
    assert not any("passwd" in name or name.startswith("etc") for name in outside)
    page = (site / "en/tags/script-alert-1-script/index.html").read_text(encoding="utf-8")
    assert "<h1>Script alert 1 script</h1>" in page


# --- the ui catalog, kept current incrementally -----------------------------------------------------------


def ui_tags(project: Project) -> dict[str, str]:
    """The tag labels in ui.pot, with their `tag:` comments."""
    pot = parse_po(project.read("locale/ui.pot"), "ui.pot")
    return {m.msgid: c for m in pot.messages for c in m.extracted_comments if c.startswith("tag: ")}


def test_ui_pot_has_every_tag_label_once_with_its_tag(tagged: Project) -> None:
    assert ui_tags(tagged) == {"Digital skills": "tag: digital-skills", "Training": "tag: training",
                               KHMER_TAG: f"tag: {KHMER_TAG}"}


def test_extraction_follows_the_tags_with_no_other_change(tagged: Project) -> None:
    tagged.write("content/news/a.md", article("Alpha", 1, "[digital-skills, training, new-one]"))
    assert tagged.run("extract") == 0
    assert ui_tags(tagged)["New one"] == "tag: new-one"
    assert "New one" in tagged.read("locale/km/LC_MESSAGES/ui.po")
    tagged.write("content/news/a.md", article("Alpha", 1, "[digital-skills]"))
    assert tagged.run("extract") == 0
    assert "New one" not in ui_tags(tagged) and "Training" not in ui_tags(tagged)
    (tagged.root / "content/guides/c.md").unlink()  # the only article with the Khmer tag
    assert tagged.run("extract") == 0
    assert set(ui_tags(tagged)) == {"Digital skills"}
    assert tagged.run("extract") == 0  # and then nothing more to do
    assert set(ui_tags(tagged)) == {"Digital skills"}


# --- incremental builds -------------------------------------------------------------------------------------


def test_tag_pages_follow_tags_added_removed_and_unpublished(tagged: Project, tmp_path: Path) -> None:
    site = tagged.root / "site"
    tagged.write("content/guides/d.md", article("Delta", 4, "[training, fresh]"))
    assert tagged.run("build", "--now", NOW) == 0
    assert listed(tag_page(site, "en", "training")) == ["/en/guides/d/", "/en/news/a/"]
    assert listed(tag_page(site, "km", "fresh")) == ["/km/guides/d/"]  # its catalog is unchanged: still translated
    same_as_a_clean_build(tagged, tmp_path / "1", "--now", NOW)
    tagged.write("content/guides/d.md", article("Delta", 4, "[]"))
    assert tagged.run("build", "--now", NOW) == 0
    assert not tag_page(site, "en", "fresh").exists() and not tag_page(site, "km", "fresh").exists()
    assert listed(tag_page(site, "en", "training")) == ["/en/news/a/"]
    tagged.write("content/guides/c.md", article("Gamma", 3, f"[{KHMER_TAG}, digital-skills]", "draft: true\n"))
    assert tagged.run("build", "--now", NOW) == 0
    for lang in ("en", "km"):
        assert not (site / lang / "tags" / KHMER_TAG).exists()
        assert f"/tags/{quote(KHMER_TAG)}/" not in (site / lang / "tags/index.html").read_text(encoding="utf-8")
        assert listed(tag_page(site, lang, "digital-skills")) == [f"/{lang}/news/b/", f"/{lang}/news/a/"]
    same_as_a_clean_build(tagged, tmp_path / "2", "--now", NOW)


def test_a_translated_tag_name_reaches_every_page_that_shows_it(tagged: Project) -> None:
    translate_everything(tagged, {"Training": "បណ្តុះបណ្តាល"})
    assert tagged.run("build", "--now", NOW) == 0
    site = tagged.root / "site"
    assert page_facts(tag_page(site, "km", "training"))["h1"].strip() == "បណ្តុះបណ្តាល"
    assert '>បណ្តុះបណ្តាល</a>' in (site / "km/news/a/index.html").read_text(encoding="utf-8")
    assert '>បណ្តុះបណ្តាល</a>' in (site / "km/tags/index.html").read_text(encoding="utf-8")


# --- a feed per collection -------------------------------------------------------------------------------


def check_collection_feed(site: Path, base_url: str, lang: str, collection: str) -> list[str]:
    """One collection's feed as a feed reader and RFC 4287 see it; the URLs of its entries."""
    path = site / lang / collection / "atom.xml"
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0 and parsed.version == "atom10", parsed.get("bozo_exception")
    feed = ElementTree.parse(path).getroot()
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    assert feed.findtext(ATOM + "id") == f"{base_url}/{lang}/{collection}/"
    links = {(link.get("rel"), link.get("type")): link.get("href") for link in feed.findall(ATOM + "link")}
    assert links[("self", "application/atom+xml")] == f"{base_url}/{lang}/{collection}/atom.xml"
    assert links[("alternate", "text/html")] == f"{base_url}/{lang}/{collection}/"
    updated = feed.findtext(ATOM + "updated")
    entries = [e.findtext(ATOM + "id") for e in feed.findall(ATOM + "entry")]
    assert len(entries) == len(set(entries)) <= 50
    assert all(e.findtext(ATOM + "updated") <= updated for e in feed.findall(ATOM + "entry"))
    assert all(url.startswith(f"{base_url}/{lang}/{collection}/") for url in entries)
    return entries


def test_every_collection_has_a_feed_per_language_linked_from_its_lists(sample_site: Path) -> None:
    from pipeline.disk.project import load_config
    config = load_config(REPO)
    collections = sorted(p.parent.name for p in (sample_site / "en").glob("*/atom.xml"))
    assert collections == sorted({p.parent.name for p in (REPO / "content").glob("*/*.md")})
    for lang in config.languages:
        language_feed = (sample_site / lang / "atom.xml").read_text(encoding="utf-8")
        for collection in collections:
            entries = check_collection_feed(sample_site, config.base_url, lang, collection)
            assert entries and all(url in language_feed for url in entries)
            head = (sample_site / lang / collection / "index.html").read_text(encoding="utf-8").split("</head>")[0]
            feeds = re.findall(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', head)
            assert feeds == [f"/{lang}/atom.xml", f"/{lang}/{collection}/atom.xml"]


def test_a_collection_feed_holds_its_fifty_newest(project: Project) -> None:
    articles = {f"news/n{n:02d}": f"---\ntitle: N{n}\ndate: 2025-{1 + n // 28:02d}-{1 + n % 28:02d}\n---\nText.\n"
                for n in range(55)}
    articles["other/x"] = article("Other", 1, None)
    make_project(project, articles)
    site = project.root / "site"
    for lang in ("en", "km"):
        entries = check_collection_feed(site, BASE, lang, "news")
        assert entries == [f"{BASE}/{lang}/news/n{n:02d}/" for n in range(54, 4, -1)]
        assert check_collection_feed(site, BASE, lang, "other") == [f"{BASE}/{lang}/other/x/"]


# --- reserved paths --------------------------------------------------------------------------------------


@pytest.mark.parametrize("relative", ["content/tags/x.md", "content/Search/x.md", "content/news/atom.xml.md",
                                      "content/news/atom.xml/x.md"])
def test_an_article_where_tag_search_or_feed_pages_are_is_a_located_error(ready: Project, capsys,
                                                                        relative: str) -> None:
    ready.write(relative, "---\ntitle: T\ndate: 2025-08-13\n---\nText.\n")
    capsys.readouterr()
    for command in (["check"], ["build", "--now", NOW], ["extract"]):
        assert ready.run(*command) == 1
        err = capsys.readouterr().err
        assert f"{relative}: error: article id " in err and "[reserved-path]" in err, err


@pytest.mark.parametrize("alias, clash", [("/en/tags/", "tag pages"), ("/km/tags/anything/", "tag pages"),
                                          ("/en/search/", "search page"), ("/km/news/atom.xml", "feed of the collection")])
def test_an_alias_where_tag_search_or_feed_pages_are_is_an_error_at_its_line(ready: Project, capsys, alias: str,
                                                                           clash: str) -> None:
    ready.write("content/news/moved.md", f"---\ntitle: M\ndate: 2025-08-13\naliases:\n  - {alias}\n---\nText.\n")
    capsys.readouterr()
    assert ready.run("check") == 1
    err = capsys.readouterr().err
    assert re.search(rf"content/news/moved\.md:5: error: .*{clash}", err), err


@pytest.mark.parametrize("relative", ["en/tags/x/index.html", "km/search/index.html", "en/news/atom.xml"])
def test_a_public_file_where_tag_search_or_feed_pages_are_is_refused(ready: Project, capsys, relative: str) -> None:
    pyproject = ready.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
        "[tool.pipeline]\n", '[tool.pipeline]\npublic_dir = "public"\n', 1), encoding="utf-8")
    ready.write(f"public/{relative}", "mine")
    capsys.readouterr()
    assert ready.run("build", "--now", NOW) == 1
    err = capsys.readouterr().err
    assert f"public/{relative}: error: " in err and "would replace the site's own page" in err, err
