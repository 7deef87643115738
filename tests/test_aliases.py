"""Aliases: an article's old paths (`aliases:` in its front matter) become redirect pages, and
`pipeline import` cleans the ids it takes from an old site and keeps their old paths as aliases."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import Project, with_one_translated_article
from pipeline.aliases import alias_problem, output_path
from pipeline.commands.build import check_site
from pipeline.commands.importer import clean_slug, import_site
from pipeline.disk.project import load_config
from pipeline.errors import PipelineError
from pipeline.pages import BuildOptions
from pipeline.po import parse_po

NOW = "2025-09-01"


class _Page(HTMLParser):
    """What a browser reads in a redirect page: its refresh, canonical link, links and scripts."""

    def __init__(self, text: str):
        super().__init__()
        self.refresh, self.canonical, self.links, self.scripts = None, None, [], 0
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag == "meta" and (found.get("http-equiv") or "").lower() == "refresh":
            self.refresh = found.get("content")
        elif tag == "link" and found.get("rel") == "canonical":
            self.canonical = found.get("href")
        elif tag == "a":
            self.links.append(found.get("href"))
        elif tag == "script":
            self.scripts += 1


def redirect(site: Path, path: str) -> _Page:
    return _Page((site / path).read_text(encoding="utf-8"))


def with_aliases(project: Project, *aliases: str, article: str = "good", lang: str = "") -> None:
    listed = "".join(f"  - {json.dumps(a, ensure_ascii=False)}\n" for a in aliases)
    project.write(f"content/news/{article}.md", f"---\ntitle: Good\ndate: 2025-08-13\n{lang}aliases:\n{listed}---\n"
                                                "A good paragraph.\n")


def alias_errors(project: Project) -> list[tuple[str, int, str]]:
    config = load_config(project.root)
    found = check_site(config, BuildOptions(today=dt.date(2025, 9, 1)))
    return [(d.path, d.line, d.message) for d in found if d.code == "alias"]


# --- the rule for an alias ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/en/news/My Post/", "/en/news/My%20Post/", "/blog/old-name.html",
                                  "/km/ព័ត៌មាន/ចាស់/", "/old", "/2019/05/story/"])
def test_site_paths_are_aliases(path: str) -> None:
    assert alias_problem(path) is None


@pytest.mark.parametrize("path", ["javascript:alert(1)", "https://old.example.org/post/", "//old.example.org/post/",
                                  "news/relative/", "/a/../b/", "/a/./b/", "/a//b/", "/x/?page=2", "/x/#top",
                                  "/.hidden/x/", "/a/%2e%2e/b/", "java\tscript:alert(1)", "/a/\x01/"])
def test_anything_else_is_refused(path: str) -> None:
    assert alias_problem(path)


@pytest.mark.parametrize("path, where", [
    ("/en/news/My Post/", "en/news/My Post/index.html"), ("/en/news/My%20Post/", "en/news/My Post/index.html"),
    ("/blog/old.html", "blog/old.html"), ("/blog/old.HTM", "blog/old.HTM"), ("/blog/old", "blog/old/index.html"),
    ("/blog/old.php", "blog/old.php/index.html"), ("/km/ព័ត៌មាន/", "km/ព័ត៌មាន/index.html")])
def test_each_alias_has_one_file_in_the_site(path: str, where: str) -> None:
    assert output_path(path) == where


# --- redirect pages --------------------------------------------------------------------------------------


@pytest.fixture
def translated(project: Project) -> Project:
    return with_one_translated_article(project)


def test_an_alias_under_a_language_redirects_in_every_published_language(translated: Project) -> None:
    with_aliases(translated, "/en/news/Old Name/", "/blog/old.html")
    assert translated.run("build", "--now", NOW) == 0
    site = translated.root / "site"
    for lang in ("en", "km"):
        page = redirect(site, f"{lang}/news/Old Name/index.html")
        assert page.refresh == f"0; url=/{lang}/news/good/"
        assert page.canonical == f"https://news.example.org/{lang}/news/good/"
        assert page.links == [f"/{lang}/news/good/"] and page.scripts == 0
    elsewhere = redirect(site, "blog/old.html")  # outside any language: the article's own page
    assert elsewhere.refresh == "0; url=/en/news/good/" and elsewhere.scripts == 0
    assert not (site / "km" / "blog").exists()


def test_redirects_follow_the_base_path_and_only_published_languages(project: Project) -> None:
    with_one_translated_article(project)
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
        'base_url = "https://news.example.org"', 'base_url = "https://ministry.github.io/posts-site"'), encoding="utf-8")
    (project.root / "locale/km/LC_MESSAGES/news/good.po").unlink()  # no Khmer page
    with_aliases(project, "/en/news/Old Name/")
    assert project.run("build", "--now", NOW) == 0
    page = redirect(project.root / "site", "en/news/Old Name/index.html")
    assert page.refresh == "0; url=/posts-site/en/news/good/"
    assert page.links == ["/posts-site/en/news/good/"]
    assert page.canonical == "https://ministry.github.io/posts-site/en/news/good/"
    assert not (project.root / "site" / "km" / "news" / "Old Name").exists()


@pytest.mark.parametrize("alias, clash", [
    ("/en/news/other/", "where the page of news/other is published"),
    ("/km/NEWS/Other/", "where the page of news/other is published"),
    ("/en/news/", "list of the collection 'news'"), ("/km/news/page/2/", "list of the collection 'news'"),
    ("/en/", "home page of /en/"), ("/km/atom.xml", "feed of /"), ("/", "home page"),
    ("/404.html", "404.html"), ("/sitemap.xml", "sitemap.xml"), ("/static/style/", "static"),
    ("/assets/x/", "images"),
    ("/en/news/Taken/", "has the same path"),
    ("javascript:alert(1)", "javascript: scheme"), ("/a/../b/", ". or .."),
])
def test_an_alias_that_collides_or_is_no_site_path_is_an_error_at_its_line(translated: Project, alias: str,
                                                                          clash: str) -> None:
    translated.write("content/news/other.md", "---\ntitle: Other\ndate: 2025-08-13\naliases:\n  - /en/news/Taken/\n"
                                              "---\nAnother paragraph.\n")
    with_aliases(translated, "/en/news/fine/", alias)
    found = alias_errors(translated)
    assert len(found) == 1, found
    path, line, message = found[0]
    assert line == (5 if path.endswith("other.md") else 6) and clash in message, found
    assert translated.run("build", "--now", NOW) == 1
    assert translated.run("check") == 1


def test_aliases_that_are_not_text_are_an_error(translated: Project) -> None:
    translated.write("content/news/good.md", "---\ntitle: Good\ndate: 2025-08-13\naliases:\n  old: /x/\n---\nText.\n")
    ((path, line, message),) = alias_errors(translated)
    assert path == "content/news/good.md" and line == 4 and "list of site paths" in message
    translated.write("content/news/good.md", "---\ntitle: Good\ndate: 2025-08-13\naliases: /en/news/x/\n---\nText.\n")
    assert alias_errors(translated) == []


def test_a_draft_alias_is_judged_by_check_but_does_not_stop_a_build(translated: Project) -> None:
    translated.write("content/news/draft.md", "---\ntitle: D\ndate: 2025-08-13\ndraft: true\naliases:\n"
                                              "  - https://old.example.org/x/\n---\nText.\n")
    assert alias_errors(translated)[0][:2] == ("content/news/draft.md", 6)
    assert translated.run("build", "--now", NOW) == 0


def test_incremental_builds_keep_and_drop_redirects(translated: Project) -> None:
    with_aliases(translated, "/en/news/Old Name/")
    translated.write("content/news/other.md", "---\ntitle: Other\ndate: 2025-08-13\n---\nAnother paragraph.\n")
    assert translated.run("build", "--now", NOW) == 0
    site = translated.root / "site"
    target = site / "en" / "news" / "Old Name" / "index.html"
    before = target.read_bytes()
    translated.write("content/news/other.md", "---\ntitle: Other\ndate: 2025-08-13\n---\nChanged paragraph.\n")
    assert translated.run("build", "--now", NOW) == 0
    assert target.read_bytes() == before
    assert translated.run("build", "--now", NOW) == 0  # nothing changed at all: the shortcut
    assert target.read_bytes() == before
    translated.write("content/news/good.md", "---\ntitle: Good\ndate: 2025-08-13\n---\nA good paragraph.\n")
    assert translated.run("build", "--now", NOW) == 0
    assert not target.exists() and not target.parent.exists()
    assert not (site / "km" / "news" / "Old Name").exists()
    with_aliases(translated, "/en/news/Old Name/")
    assert translated.run("build", "--now", NOW) == 0
    assert target.read_bytes() == before


# --- cleaning ids on import ---------------------------------------------------------------------------------


@pytest.mark.parametrize("slug, clean", [
    ("8-hun -sen-angkor-borey -high-school", "8-hun-sen-angkor-borey-high-school"),
    ("15-sok-an-high-school-thnol-bombek ", "15-sok-an-high-school-thnol-bombek"),
    ("Obsidian Web Clipper/Interpreter", "obsidian-web-clipper/interpreter"),
    ("My  Post (2019)!", "my-post-2019"), ("តាមដាន\u200bកញ្ចប់", "តាមដានកញ្ចប់"), ("ព័ត៌មាន ថ្មី", "ព័ត៌មាន-ថ្មី"),
    ("v1.2_notes", "v1.2_notes"), (".hidden", "hidden"), ("a\tb\nc", "a-b-c"), ("already-clean", "already-clean")])
def test_slugs_are_cleaned(slug: str, clean: str) -> None:
    assert clean_slug(slug) == clean


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_a_cleaned_slug_is_stable_and_holds_only_plain_url_characters(slug: str) -> None:
    cleaned = clean_slug(slug)
    assert clean_slug(cleaned) == cleaned
    assert "--" not in cleaned and not any(c.isspace() for c in cleaned)
    assert all(unicodedata.category(c)[0] in "LMN" or c in "-_." for c in cleaned.replace("/", ""))
    assert cleaned.count("/") == slug.count("/")
    assert not any(part.startswith(("-", ".")) or part.endswith(("-", ".")) for part in cleaned.split("/"))


def _old_site(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


ENGLISH = "---\ntitle: Old post\ndate: 2025-08-13\n---\n\nThe library opened.\n"
KHMER = "---\ntitle: អត្ថបទចាស់\ndate: 2025-08-13\n---\n\nបណ្ណាល័យបានបើក។\n"


def test_an_imported_article_with_a_bad_slug_gets_a_clean_id_and_a_redirect(project: Project, tmp_path: Path) -> None:
    with_one_translated_article(project)
    _old_site(tmp_path / "old" / "src" / "content" / "blog", {"en/My Post .md": ENGLISH, "km/My Post .md": KHMER,
                                                                  "en/clean.md": ENGLISH, "km/clean.md": KHMER})
    report = import_site(load_config(project.root), tmp_path / "old")
    moved = next(a for a in report.articles if a.article_id == "blog/my-post")
    assert moved.alias == "/en/blog/My Post /" and moved.as_dict()["alias"] == "/en/blog/My Post /"
    text = (project.root / "content" / "blog" / "my-post.md").read_text(encoding="utf-8")
    assert text == ENGLISH.replace("---\n\n", 'aliases:\n  - "/en/blog/My Post /"\n---\n\n', 1)
    assert (project.root / "locale" / "km" / "LC_MESSAGES" / "blog" / "my-post.po").is_file()
    clean = next(a for a in report.articles if a.article_id == "blog/clean")
    assert clean.alias == "" and (project.root / "content" / "blog" / "clean.md").read_text(encoding="utf-8") == ENGLISH
    assert project.run("build", "--now", NOW) == 0
    for lang in ("en", "km"):
        page = redirect(project.root / "site", f"{lang}/blog/My Post /index.html")
        assert page.refresh == f"0; url=/{lang}/blog/my-post/"


@pytest.mark.parametrize("names", [("My Post.md", "my-post.md"), ("News Item.md", "news item.md"),
                                   ("a b.md", "a--b.md")])
def test_two_slugs_that_clean_alike_are_an_error_and_nothing_is_written(project: Project, tmp_path: Path,
                                                                        names: tuple[str, str]) -> None:
    site = _old_site(tmp_path / "old", {f"en/{name}": ENGLISH for name in names})
    with pytest.raises(PipelineError) as error:
        import_site(load_config(project.root), site, collection="blog")
    (found,) = error.value.diagnostics
    assert found.code == "duplicate-id" and "'blog/" in found.message and "already used by" in found.message
    assert set(names) == {found.path.rsplit("/", 1)[1], found.message.rsplit("/", 1)[1]}
    assert "cleaned" in found.hint
    assert not (project.root / "content").exists() and not (project.root / "locale").exists()


def test_an_article_with_aliases_of_its_own_gets_the_old_path_among_them(project: Project, tmp_path: Path) -> None:
    block = ENGLISH.replace("---\n\n", "aliases:\n  - Interpreter\n  - How to/Interpret\n---\n\n", 1)
    flow = ENGLISH.replace("---\n\n", "aliases: [Interpreter]\n---\n\n", 1)
    site = _old_site(tmp_path / "old", {"en/My Post.md": block, "en/Other Post.md": flow})
    report = import_site(load_config(project.root), site, collection="blog")
    written = (project.root / "content" / "blog" / "my-post.md").read_text(encoding="utf-8")
    assert written == block.replace("  - How to/Interpret\n", '  - How to/Interpret\n  - "/en/blog/My Post/"\n')
    other = next(a for a in report.articles if a.article_id == "blog/other-post")
    assert (project.root / "content" / "blog" / "other-post.md").read_text(encoding="utf-8") == flow
    assert any("/en/blog/Other Post/" in note and "by hand" in note for note in other.notes)
    (warning,) = report.warnings  # printed by `pipeline import`
    assert warning.path == "content/blog/other-post.md" and "by hand" in warning.message
    # the other names of an Obsidian note are no addresses: no redirect for them, and no error
    with_one_translated_article(project)
    assert project.run("build", "--now", NOW) == 0
    site_folder = project.root / "site"
    assert (site_folder / "en" / "blog" / "My Post" / "index.html").is_file()
    assert not (site_folder / "Interpreter").exists() and not (site_folder / "How to").exists()
    assert alias_errors(project) == []


def test_a_slug_with_nothing_to_keep_is_a_located_error(project: Project, tmp_path: Path) -> None:
    site = _old_site(tmp_path / "old", {"en/???.md": ENGLISH, "en/fine.md": ENGLISH})
    with pytest.raises(PipelineError) as error:
        import_site(load_config(project.root), site, collection="blog")
    (found,) = error.value.diagnostics
    assert found.path.endswith("en/???.md") and "no letter or digit" in found.message
    assert not (project.root / "content").exists()


LINKING = ("---\ntitle: Links\ndate: 2025-08-13\n---\n\nSee [one](./My%20Post.md), [two](</blog/My Post/>) and "
           "[three](/en/blog/My%20Post/#part).\n\nAlso [four](Sub%20Folder/Deep%20Page.md).\n\n"
           "`[code](./My%20Post.md)` stays.\n")
LINKING_KM = ("---\ntitle: តំណ\ndate: 2025-08-13\n---\n\nមើល [មួយ](./My%20Post.md), [ពីរ](</blog/My Post/>) និង "
              "[បី](/km/blog/My%20Post/#part)។\n\nហើយ [បួន](Sub%20Folder/Deep%20Page.md)។\n\n"
              "`[code](./My%20Post.md)` stays.\n")
DEEP = "---\ntitle: Deep\ndate: 2025-08-13\n---\n\nBack to [links](../links.md) and [post](../My%20Post.md).\n"


def test_links_to_renamed_articles_follow_them_in_the_source_and_its_translation(project: Project,
                                                                                 tmp_path: Path) -> None:
    with_one_translated_article(project)
    site = _old_site(tmp_path / "old", {"en/My Post.md": ENGLISH, "km/My Post.md": KHMER, "en/links.md": LINKING,
                                        "km/links.md": LINKING_KM, "en/Sub Folder/Deep Page.md": DEEP})
    report = import_site(load_config(project.root), site, collection="blog")
    assert sorted(a.article_id for a in report.articles) == ["blog/links", "blog/my-post", "blog/sub-folder/deep-page"]
    links = (project.root / "content" / "blog" / "links.md").read_text(encoding="utf-8")
    assert links == LINKING.replace("./My%20Post.md", "my-post.md", 1).replace("</blog/My Post/>", "</blog/my-post/>") \
        .replace("/en/blog/My%20Post/#part", "/en/blog/my-post/#part").replace("Sub%20Folder/Deep%20Page.md",
                                                                                "sub-folder/deep-page.md")
    deep = (project.root / "content" / "blog" / "sub-folder" / "deep-page.md").read_text(encoding="utf-8")
    assert "[links](../links.md)" in deep and "[post](../my-post.md)" in deep
    catalog = (project.root / "locale/km/LC_MESSAGES/blog/links.po").read_text(encoding="utf-8")
    found = {m.msgid: m for m in parse_po(catalog, "links.po").messages}
    first = next(m for msgid, m in found.items() if msgid.startswith("See "))
    assert "(my-post.md)" in first.msgid and "(my-post.md)" in first.msgstr
    assert "(/km/blog/my-post/#part)" in first.msgstr
    assert not first.fuzzy
    assert project.run("check") == 0
    assert project.run("build", "--now", NOW, "--min-translated", "0") == 0
    page = (project.root / "site" / "km" / "blog" / "links" / "index.html").read_text(encoding="utf-8")
    assert 'href="/km/blog/my-post/"' in page and 'href="/km/blog/my-post/#part"' in page
