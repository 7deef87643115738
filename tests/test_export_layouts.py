"""`pipeline build --markdown DIR --layout flat|astro|hugo`: where each file goes, what its links,
images and attachments point at in each language, `lang`, and the public folder and attachments
on the published site. Destinations are judged by a real, independent CommonMark reader
(markdown-it-py), front matter by PyYAML."""

from __future__ import annotations

import shutil

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from conftest import REPO, Project
from pipeline.markdown import rewrite_destinations
from test_build import OTHER, translate_all

# --- destinations, against an independent CommonMark reader -------------------------------------------

READER = MarkdownIt("commonmark")


def destinations(text: str) -> list[tuple[str, str]]:
    """(kind, URL) of every link and image, as markdown-it-py reads the text."""
    found = []

    def walk(tokens) -> None:
        for token in tokens:
            if token.type == "link_open":
                found.append(("link", token.attrGet("href")))
            elif token.type == "image":
                found.append(("image", token.attrGet("src")))
            walk(token.children or [])
    walk(READER.parse(text))
    return found


def moved(kind: str, url: str) -> str:
    return f"/moved/{kind}/{url.strip('<>')}"


CASES = [
    "A [link](other.md) and ![an image](photo.jpg).",
    "A [link](other.md \"with a title\") and ![image](<photo with space.jpg>).",
    "[![a photo](thumb.jpg)](big.pdf) nested",
    "A link [with [nested] brackets](x.md) and \\[not a link\\](y.md).",
    "Code `[not](a-link.md)` then [a link](z.md).",
    "Reference [a link][one] and ![an image][two].\n\n[one]: one.md\n[two]: <two.jpg> \"title\"\n",
    "```\n[code](block.md)\n```\n\nAfter [the block](after.md).",
    "> A quote with [a link](q.md)\n>\n> [ref]: quoted.md\n",
    "- item [one](1.md)\n- item ![two](2.png)\n",
    "`` code with ` inside [x](c.md) `` and [real](r.md)",
    "Parentheses [link](a(b)c.md) stay one destination.",
]


@pytest.mark.parametrize("text", CASES)
def test_every_destination_a_reader_sees_is_rewritten_and_nothing_else(text: str) -> None:
    rewritten = rewrite_destinations(text, moved)
    before, after = destinations(text), destinations(rewritten)
    assert [kind for kind, _ in after] == [kind for kind, _ in before]
    assert [url for _, url in after] == [READER.normalizeLink(moved(kind, url)) for kind, url in _written(text, before)]
    assert _without_destinations(rewritten) == _without_destinations(text)


def _written(text: str, before: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each destination the reader saw as the text writes it: a reference definition's kind is
    "definition"; its URL without the reader's percent-encoding."""
    from urllib.parse import unquote
    out = []
    for kind, url in before:
        written = unquote(url)
        definition = f"]: {written}" in text or f"]: <{written}>" in text
        out.append(("definition" if definition else kind, written))
    return out


def _without_destinations(text: str) -> list:
    """The text's tokens with every link and image URL left out: what must not change."""
    def flat(tokens):
        for token in tokens:
            yield (token.type, token.content if token.type not in ("image", "inline") else "", token.markup)
            yield from flat(token.children or [])
    return list(flat(READER.parse(text)))


def test_code_blocks_and_spans_keep_their_text() -> None:
    text = "```md\n[keep](this.md)\n```\n\n    [indented](code.md)\n\nInline `[keep](too.md)`.\n"
    rewritten = rewrite_destinations(text, moved, ["[keep](this.md)\n", "[indented](code.md)\n"])
    assert "[keep](this.md)" in rewritten and "`[keep](too.md)`" in rewritten
    assert "[indented](code.md)" in rewritten


words = st.text(alphabet="abcdefgh ក-ខគ*_", min_size=0, max_size=12)
urls = st.from_regex(r"[a-z0-9][a-z0-9/._-]{0,15}\.(md|jpg|pdf)", fullmatch=True)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["link", "image", "text", "code"]), words, urls), min_size=1, max_size=8))
def test_generated_documents_get_exactly_their_destinations_rewritten(parts) -> None:
    pieces = []
    for kind, text, url in parts:
        label = text.replace("*", "").replace("_", "").strip() or "x"
        pieces.append({"link": f"[{label}]({url})", "image": f"![{label}]({url})",
                       "code": f"`[{label}]({url})`", "text": text}[kind])
    document = " ".join(pieces)
    rewritten = rewrite_destinations(document, lambda kind, url: f"/new/{url}")
    before, after = destinations(document), destinations(rewritten)
    assert [kind for kind, _ in after] == [kind for kind, _ in before]
    assert [url for _, url in after] == [READER.normalizeLink("/new/" + url.lstrip("/")) if not url.startswith("/new/")
                                         else url for _, url in before]
    assert _without_destinations(rewritten) == _without_destinations(document)
    assert rewrite_destinations(document, lambda kind, url: None) == document


def test_rewriting_is_linear_in_the_size_of_the_text() -> None:
    hostile = "`" * 2000 + "[" * 20000 + "](x.md)" * 5000 + "`a" * 20000
    assert rewrite_destinations(hostile, lambda kind, url: None) == hostile


# --- the layouts on a real project --------------------------------------------------------------------

ARTICLE = """
---
title: Post office hours
date: 2025-08-13
image: "@/assets/news/post/thumbnail.JPG"
lang: en
---
Read the [other news](other.md#details) and the [guide](../guides/how.md).

Download the [timetable](@/assets/news/post/timetable.pdf) or the [poster](/files/poster.pdf).

![A photo](@/assets/news/post/photo.JPG)

![Banner](/blog/post/image-4.jpg)
"""

HOW = """
---
title: How to
date: 2025-08-02
---
A guide.
"""


@pytest.fixture
def layout_project(project: Project) -> Project:
    shutil.copytree(REPO / "templates", project.root / "templates")
    _set(project, 'public_dir = "public"')
    for name in ("thumbnail.JPG", "photo.JPG", "photo.km.JPG", "timetable.pdf", "timetable.km.pdf"):
        project.write(f"content/assets/news/post/{name}", f"file {name}")
    project.write("public/files/poster.pdf", "poster")
    project.write("public/blog/post/image-4.jpg", "banner")
    project.write("public/blog/post/image-4.km.jpg", "banner km")
    project.write("public/robots.txt", "User-agent: *\n")
    project.write("content/news/post.md", ARTICLE)
    project.write("content/news/other.md", OTHER)
    project.write("content/guides/how.md", HOW)
    assert project.run("extract") == 0
    for article_id in ("news/post", "news/other", "guides/how"):
        _translate(project, article_id)
    return project


def _set(project: Project, line: str) -> None:
    text = project.read("pyproject.toml").replace("[tool.pipeline]\n", f"[tool.pipeline]\n{line}\n", 1)
    (project.root / "pyproject.toml").write_text(text, encoding="utf-8")


def _translate(project: Project, article_id: str) -> None:
    translate_all(project, article_id)


def front_matter(text: str) -> dict:
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n", 2)[1])


EXPECTED_FILES = {
    "flat": ["en/news/post.md", "km/news/post.md", "en/guides/how.md"],
    "astro": ["src/content/news/en/post.md", "src/content/news/km/post.md", "src/content/guides/km/how.md",
              "src/assets/news/post/photo.JPG", "src/assets/news/post/photo.km.JPG",
              "src/assets/news/post/thumbnail.JPG", "public/assets/news/post/timetable.km.pdf",
              "public/assets/news/post/timetable.pdf", "public/files/poster.pdf", "public/blog/post/image-4.km.jpg"],
    "hugo": ["content/news/post.en.md", "content/news/post.km.md", "content/guides/how.km.md",
             "static/assets/news/post/photo.km.JPG", "static/assets/news/post/timetable.km.pdf",
             "static/files/poster.pdf", "static/blog/post/image-4.jpg"],
}

KHMER_POST = {
    "flat": {"links": ["other.md#details", "../guides/how.md", "@/assets/news/post/timetable.km.pdf",
                       "/files/poster.pdf"],
             "images": ["@/assets/news/post/photo.km.JPG", "/blog/post/image-4.km.jpg"],
             "image": "@/assets/news/post/thumbnail.JPG"},
    "astro": {"links": ["/km/news/other/#details", "/km/guides/how/", "/assets/news/post/timetable.km.pdf",
                        "/files/poster.pdf"],
              "images": ["@/assets/news/post/photo.km.JPG", "/blog/post/image-4.km.jpg"],
              "image": "@/assets/news/post/thumbnail.JPG"},
    "hugo": {"links": ["/km/news/other/#details", "/km/guides/how/", "/assets/news/post/timetable.km.pdf",
                       "/files/poster.pdf"],
             "images": ["/assets/news/post/photo.km.JPG", "/blog/post/image-4.km.jpg"],
             "image": "/assets/news/post/thumbnail.JPG"},
}


@pytest.mark.parametrize("layout", ["flat", "astro", "hugo"])
def test_each_layout_places_files_and_points_links_at_the_same_language(layout_project: Project, layout: str) -> None:
    out = layout_project.root / "export"
    assert layout_project.run("build", "--now", "2025-09-01", "--markdown", str(out), "--layout", layout) == 0
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != ".pipeline-site"}
    assert set(EXPECTED_FILES[layout]) <= files, sorted(files)
    assert not any(name.endswith(".md") and "/km/" not in f"/{name}" and ".km." not in name and "/en/" not in f"/{name}"
                   and ".en." not in name for name in files), "every Markdown file is in a language's place"
    km = {"flat": "km/news/post.md", "astro": "src/content/news/km/post.md", "hugo": "content/news/post.km.md"}[layout]
    text = (out / km).read_text(encoding="utf-8")
    found = destinations(text.split("---\n", 2)[2])
    expected = KHMER_POST[layout]
    assert [url for kind, url in found if kind == "link"] == [READER.normalizeLink(u) for u in expected["links"]]
    assert [url for kind, url in found if kind == "image"] == [READER.normalizeLink(u) for u in expected["images"]]
    data = front_matter(text)
    assert data["lang"] == "km" and data["title"] == "ខ្មែរ Post office hours" and data["image"] == expected["image"]
    assert str(data["date"]) == "2025-08-13"
    english = front_matter((out / km.replace("km", "en")).read_text(encoding="utf-8"))
    assert english["lang"] == "en" and english["title"] == "Post office hours"
    for path in files:  # each copied file is the project's own, byte for byte
        if not path.endswith(".md"):
            folder, _, rest = path.partition("/")
            rest = rest.removeprefix("assets/") if folder == "src" else rest
            sources = [layout_project.root / "content/assets" / rest, layout_project.root / "public" / rest]
            if folder != "src" and rest.startswith("assets/"):
                sources.append(layout_project.root / "content" / rest)
            assert any(p.is_file() and p.read_bytes() == (out / path).read_bytes() for p in sources), path


def test_switching_layout_leaves_no_file_of_the_old_one(layout_project: Project) -> None:
    out = layout_project.root / "export"
    assert layout_project.run("build", "--now", "2025-09-01", "--markdown", str(out), "--layout", "astro") == 0
    assert layout_project.run("build", "--now", "2025-09-01", "--markdown", str(out), "--layout", "hugo") == 0
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != ".pipeline-site"}
    assert files and all(f.startswith(("content/", "static/")) for f in files), sorted(files)
    assert layout_project.run("build", "--now", "2025-09-01", "--markdown", str(out)) == 0
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != ".pipeline-site"}
    assert files and all(f.startswith(("en/", "km/")) for f in files), sorted(files)


def test_the_site_publishes_attachments_variants_and_the_public_folder(layout_project: Project) -> None:
    assert layout_project.run("build", "--now", "2025-09-01") == 0
    site = layout_project.root / "site"
    km = (site / "km/news/post/index.html").read_text(encoding="utf-8")
    en = (site / "en/news/post/index.html").read_text(encoding="utf-8")
    assert 'href="/assets/news/post/timetable.km.pdf"' in km and 'href="/assets/news/post/timetable.pdf"' in en
    assert 'src="/blog/post/image-4.km.jpg"' in km and 'src="/blog/post/image-4.jpg"' in en
    assert 'href="/files/poster.pdf"' in km
    for path in ("assets/news/post/timetable.pdf", "assets/news/post/timetable.km.pdf", "files/poster.pdf",
                 "blog/post/image-4.jpg", "robots.txt"):
        assert (site / path).is_file(), path


@pytest.mark.parametrize("link, message", [
    ("[gone](@/assets/news/post/missing.pdf)", "file '@/assets/news/post/missing.pdf' not found "
                                              "(looked for content/assets/news/post/missing.pdf)"),
    ("[gone](missing.docx)", "file 'missing.docx' not found (looked for content/news/missing.docx)"),
    ("![gone](/blog/post/missing.jpg)", "image '/blog/post/missing.jpg' not found (looked for public/blog/post/missing.jpg)"),
    ("[gone](/files/../../pyproject.toml)", "leaves the public folder"),
    ("![x](/en/news/other/photo.jpg)", "is where the site's own pages are"),
])
def test_missing_or_misplaced_files_are_located_errors(layout_project: Project, capsys, link: str, message: str) -> None:
    layout_project.write("content/news/post.md", ARTICLE + f"\nLast paragraph {link}.\n")
    capsys.readouterr()
    assert layout_project.run("build", "--now", "2025-09-01") == 1
    err = capsys.readouterr().err
    line = (ARTICLE + "\n").lstrip("\n").count("\n") + 1
    located = [row for row in err.splitlines() if row.startswith(f"content/news/post.md:{line}: error: ")]
    assert located and message in located[0], err
    assert layout_project.run("check") == 1


def test_a_site_root_path_without_a_public_folder_says_how_to_configure_one(layout_project: Project, capsys) -> None:
    text = layout_project.read("pyproject.toml").replace('public_dir = "public"\n', "")
    (layout_project.root / "pyproject.toml").write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert layout_project.run("build", "--now", "2025-09-01") == 1
    err = capsys.readouterr().err
    assert "starts at the site's root, and the project has no public folder: set `public_dir`" in err


def test_a_public_file_that_would_replace_a_page_is_an_error(layout_project: Project, capsys) -> None:
    layout_project.write("public/index.html", "<p>mine</p>")
    capsys.readouterr()
    assert layout_project.run("build", "--now", "2025-09-01") == 1
    assert "'index.html' in the public folder would replace the site's own page" in capsys.readouterr().err


def test_layout_without_markdown_is_a_usage_error(layout_project: Project, capsys) -> None:
    assert layout_project.run("build", "--layout", "astro") == 2
    assert "--layout says how to lay out the Markdown export" in capsys.readouterr().err


def test_flat_links_lead_to_the_file_of_the_language_an_article_is_published_in(layout_project: Project) -> None:
    (layout_project.root / "locale/km/LC_MESSAGES/guides/how.po").unlink()  # guides/how: English only
    out = layout_project.root / "export"
    assert layout_project.run("build", "--now", "2025-09-01", "--markdown", str(out)) == 0
    text = (out / "km/news/post.md").read_text(encoding="utf-8")
    links = [url for kind, url in destinations(text.split("---\n", 2)[2]) if kind == "link"]
    assert links[:2] == ["other.md#details", "../../en/guides/how.md"]
    assert (out / "km/news" / "../../en/guides/how.md").resolve().is_file()


@pytest.mark.parametrize("layout", ["flat", "hugo"])
def test_a_raw_tab_in_a_quoted_value_is_written_as_an_escape(layout_project: Project, layout: str) -> None:
    layout_project.write("content/news/other.md", OTHER.replace("title: Other news",
                                                                'title: "Other\tnews"\nplace: \'a\tb\''))
    out = layout_project.root / "export"
    assert layout_project.run("build", "--now", "2025-09-01", "--markdown", str(out), "--layout", layout,
                              "--min-translated", "0") == 0
    name = {"flat": "en/news/other.md", "hugo": "content/news/other.en.md"}[layout]
    text = (out / name).read_text(encoding="utf-8")
    head = text.split("---\n", 2)[1]
    assert "\t" not in head and front_matter(text)["title"] == "Other\tnews" and front_matter(text)["place"] == "a\tb"


@pytest.mark.parametrize("layout", ["astro", "hugo"])
def test_old_addresses_follow_the_language_of_each_file(layout_project: Project, layout: str) -> None:
    layout_project.write("content/news/other.md", OTHER.replace(
        "date: 2025-08-01", "date: 2025-08-01\naliases:\n  - /en/news/Other News/\n  - /blog/other-news/"))
    out = layout_project.root / "export"
    assert layout_project.run("build", "--now", "2025-09-01", "--markdown", str(out), "--layout", layout) == 0
    site = layout_project.root / "site"
    assert (site / "en/news/Other News/index.html").is_file() and (site / "km/news/Other News/index.html").is_file()
    names = {"astro": "src/content/news/{}/other.md", "hugo": "content/news/other.{}.md"}[layout]
    english = front_matter((out / names.format("en")).read_text(encoding="utf-8"))
    khmer = front_matter((out / names.format("km")).read_text(encoding="utf-8"))
    assert english["aliases"] == ["/en/news/Other News/", "/blog/other-news/"]
    assert khmer["aliases"] == ["/km/news/Other News/", "/km/blog/other-news/"]
