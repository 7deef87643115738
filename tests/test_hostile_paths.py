"""Hostile and careless paths: no output folder, article id, collection name or symbolic link can make
a command write outside its folders, replace a folder it did not write, or publish an article where
the build writes a page of its own.

- `build --out DIR` and `--markdown DIR` refuse, as a located usage error (exit 2) that touches
  nothing, a folder that is, holds or is inside the project's sources (or is the project), a file,
  the other output folder, or a non-empty folder that no build marked as its own.
- `new` takes only `collection/slug` made of plain names, inside content/.
- `import --collection` takes one plain name; `import` reads nothing through a symbolic link that
  leads out of the source folder, and writes nothing outside content/ and locale/.
- An article whose path would collide with a page the build generates is a located error in
  extract, check and build alike. The colliding ids are derived from a real built site."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import GOOD, REPO, Project
from pipeline.disk.layout import article_id_problem
from pipeline.disk.outputs import OUTPUT_MARKER

NOW = "2025-09-01"
LANGUAGES = ("en", "km")


def everything(folder: Path) -> dict[str, bytes | str]:
    """Every file, folder and link under `folder` (hidden ones too), with its bytes or target."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        found[relative] = f"-> {os.readlink(path)}" if path.is_symlink() else "folder" if path.is_dir() \
            else path.read_bytes()
    return found


@pytest.fixture
def ready(project: Project) -> Project:
    shutil.copytree(REPO / "templates", project.root / "templates")
    project.write("content/news/good.md", GOOD)
    assert project.run("extract") == 0
    assert project.run("build", "--now", NOW, "--markdown", str(project.root / "export")) == 0
    return project


def located_usage_errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": error: " in line and line.endswith("[usage]")]


# --- output folders ------------------------------------------------------------------------------------

# name → how to make it (given the project root and a folder outside it), the --out or --markdown value
HOSTILE_OUTPUTS = {
    "content": lambda root, away: "content",
    "inside-content": lambda root, away: "content/site",
    "deep-inside-content": lambda root, away: "content/news/x/y",
    "locale": lambda root, away: "locale",
    "inside-locale": lambda root, away: "locale/km",
    "templates": lambda root, away: "templates",
    "inside-templates": lambda root, away: "templates/static",
    "project": lambda root, away: ".",
    "project-spelled-with-dots": lambda root, away: "content/..",
    "around-project": lambda root, away: "..",
    "filesystem-root": lambda root, away: "/",
    "a-file": lambda root, away: "pyproject.toml",
    "content-in-other-case": lambda root, away: "CONTENT",
    "symlink-to-content": lambda root, away: _link(root / "public", root / "content"),
    "symlink-to-locale": lambda root, away: _link(root / "public", root / "locale"),
    "inside-symlink-to-content": lambda root, away: _link(root / "public", root / "content") + "/site",
    "symlink-to-project": lambda root, away: _link(away / "here", root),
    "folder-of-notes": lambda root, away: _folder(away / "notes", {"todo.txt": b"buy milk"}),
    "folder-of-hidden-notes": lambda root, away: _folder(away / "notes", {".keep": b""}),
    "folder-with-a-fake-marker-folder": lambda root, away: _folder(away / "notes", {f"{OUTPUT_MARKER}/x": b"",
                                                                                  "a": b"a"}),
    "home-like": lambda root, away: _folder(away / "home", {"Documents/thesis.odt": b"years of work"}),
}


def _link(link: Path, target: Path) -> str:
    link.symlink_to(target, target_is_directory=True)
    return str(link)


def _folder(folder: Path, files: dict[str, bytes]) -> str:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return str(folder)


@pytest.mark.parametrize("option", ["--out", "--markdown"])
@pytest.mark.parametrize("case", sorted(HOSTILE_OUTPUTS))
def test_a_build_refuses_an_output_folder_it_must_not_replace(ready: Project, tmp_path: Path, capsys,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              case: str, option: str) -> None:
    away = tmp_path / "away"
    away.mkdir()
    monkeypatch.chdir(ready.root)  # relative values are taken from where the command runs
    value = HOSTILE_OUTPUTS[case](ready.root, away)
    before, outside = everything(ready.root), everything(away)
    capsys.readouterr()
    assert ready.run("build", "--now", NOW, option, value) == 2
    err = capsys.readouterr().err
    assert len(located_usage_errors(err)) == 1, err
    assert "Traceback" not in err
    assert everything(ready.root) == before  # not even a lock file
    assert everything(away) == outside


@pytest.mark.parametrize("out, markdown", [("site", "site"), ("site", "site/md"), ("public/site", "public"),
                                           ("public", "public/../public")])
def test_the_two_output_folders_are_apart(ready: Project, monkeypatch: pytest.MonkeyPatch, capsys,
                                          out: str, markdown: str) -> None:
    monkeypatch.chdir(ready.root)
    before = everything(ready.root)
    assert ready.run("build", "--now", NOW, "--out", out, "--markdown", markdown) == 2
    assert len(located_usage_errors(capsys.readouterr().err)) == 1
    assert everything(ready.root) == before


def test_a_build_accepts_a_new_an_empty_or_its_own_folder_and_marks_it(ready: Project, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    linked = tmp_path / "linked"
    linked.symlink_to(empty, target_is_directory=True)
    for out in (tmp_path / "new" / "site", empty, linked, ready.root / "site"):
        for _ in range(2):  # the second time, into the folder the first one wrote
            assert ready.run("build", "--now", NOW, "--out", str(out), "--markdown", str(tmp_path / "md")) == 0
            assert (out / OUTPUT_MARKER).is_file() and (tmp_path / "md" / OUTPUT_MARKER).is_file()
            assert (out / "en/news/good/index.html").is_file()
    assert linked.is_symlink() and (empty / "index.html").is_file()  # built where the link points


def test_a_site_built_before_sites_were_marked_is_built_again_and_marked(ready: Project) -> None:
    """An upgrade must not refuse the site the last version built; a folder that merely looks
    like part of one is still refused."""
    site = ready.root / "site"
    (site / OUTPUT_MARKER).unlink()
    assert ready.run("build", "--now", NOW) == 0
    assert (site / OUTPUT_MARKER).is_file()
    look_alike = ready.root / "look-alike"
    look_alike.mkdir()
    (look_alike / "index.html").write_text("mine", encoding="utf-8")
    (look_alike / "sitemap.xml").write_text("mine", encoding="utf-8")
    assert ready.run("build", "--now", NOW, "--out", str(look_alike)) == 2
    assert (look_alike / "index.html").read_text(encoding="utf-8") == "mine"


def test_an_old_unmarked_preview_is_replaced(ready: Project) -> None:
    import datetime as dt

    from pipeline.disk.project import load_config
    from pipeline.commands.preview import Preview

    out = ready.root / ".cache" / "preview"
    (out / "en").mkdir(parents=True)
    (out / "en" / "stale.html").write_text("old", encoding="utf-8")
    preview = Preview(load_config(ready.root), out)
    try:
        preview.rebuild(today=dt.date(2025, 9, 1))
    finally:
        preview.close()
    assert (out / OUTPUT_MARKER).is_file() and not (out / "en" / "stale.html").exists()


def test_the_marker_is_the_only_file_besides_what_the_site_shows(ready: Project) -> None:
    site = ready.root / "site"
    hidden = [p.relative_to(site).as_posix() for p in site.rglob(".*")]
    assert hidden == [OUTPUT_MARKER]


def test_the_preview_folder_is_marked_too(ready: Project) -> None:
    import datetime as dt

    from pipeline.disk.project import load_config
    from pipeline.commands.preview import Preview

    out = ready.root / ".cache" / "preview"
    out.mkdir(parents=True)
    preview = Preview(load_config(ready.root), out)
    try:
        preview.rebuild(today=dt.date(2025, 9, 1))
    finally:
        preview.close()
    assert (out / OUTPUT_MARKER).is_file() and (out / "en/news/good/index.html").is_file()


# --- pipeline new ----------------------------------------------------------------------------------------

HOSTILE_IDS = [
    "/tmp/x/y", "//x/y", "C:\\news\\x", "C:/news/x", "..", "../x", "../../x/y", "news/../../x", "a/../../b",
    "news/..", "news/./x", "./news/x", "news/", "news/x/", "/", "news//x", "news\\x", "news/x\\..\\..\\y",
    ".hidden/x", "news/.x", "news/.x/y", "", "news", "x", "news/a\x00b", "news/a\nb", "news/a\tb",
    "assets/x", "Assets/x", "en/x", "KM/x", "static/x", "index.html/x", "404.html/x", "sitemap.xml/x",
    "atom.xml/x", "news/index.html", "news/x/index.html", "news/INDEX.HTML", "news/page/2", "news/page/9/x",
    "news/Page/2",
]


@pytest.mark.parametrize("article_id", HOSTILE_IDS, ids=repr)
def test_new_refuses_what_is_no_plain_article_id(ready: Project, tmp_path: Path, capsys, article_id: str) -> None:
    before, around = everything(ready.root), everything(tmp_path)
    capsys.readouterr()
    assert ready.run("new", article_id) == 2
    err = capsys.readouterr().err
    assert len(located_usage_errors(err)) == 1, err
    assert everything(ready.root) == before
    assert everything(tmp_path) == around
    assert not Path("/tmp/x/y.md").exists()


def test_new_does_not_write_through_a_linked_folder(ready: Project, tmp_path: Path, capsys) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (ready.root / "content/linked").symlink_to(elsewhere, target_is_directory=True)
    assert ready.run("new", "linked/x") == 2
    assert list(elsewhere.iterdir()) == []
    assert "content/linked is a symbolic link" in capsys.readouterr().err


def test_new_refuses_an_id_that_differs_only_in_case(ready: Project, capsys) -> None:
    assert ready.run("new", "News/GOOD") == 1
    assert "content/news/good.md:1: error: an article with this id already exists" in capsys.readouterr().err
    assert not (ready.root / "content/News").exists()


PIECES = st.sampled_from(["news", "x", "..", ".", "", ".h", "a b", "\\", "ក្រសួង", "index.html", "page", "2", "en",
                          "static", "assets", "C:", "~", "%2e%2e", "\x00", "NEWS"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(PIECES, min_size=1, max_size=4), lead=st.sampled_from(["", "/"]),
       trail=st.sampled_from(["", "/"]))
def test_new_writes_one_article_inside_content_or_nothing(ready: Project, parts: list[str], lead: str,
                                                           trail: str) -> None:
    """Whatever is typed: either exactly one new file, an article the walk finds under that id, or
    nothing anywhere."""
    from pipeline.disk.project import load_config
    from pipeline.disk.project import find_articles

    typed = lead + "/".join(parts) + trail
    config = load_config(ready.root)
    before = everything(ready.root)
    code = ready.run("new", typed)
    after = everything(ready.root)
    if code != 0:
        assert code in (1, 2) and after == before
        return
    added = sorted(set(after) - set(before))
    files = [name for name in added if isinstance(after[name], bytes)]
    assert files == [f"content/{typed}.md"]
    assert typed in {source.id for source in find_articles(config).articles}
    assert article_id_problem(typed, LANGUAGES) is None
    (ready.root / files[0]).unlink()


# --- collisions with generated pages ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[set[str], set[str]]:
    """Every file of a real built site (two collections, lists long enough for a page 2 and 3, an
    image, static files), and the ids of its articles."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1755043200")
    project = Project(tmp_path_factory.mktemp("generated") / "project")
    (project.root / "pyproject.toml").write_text(
        '[tool.pipeline]\nproject = "p"\nlanguages = ["en", "km"]\ndefault_language = "en"\n'
        'base_url = "https://example.org"\npage_size = 1\nmin_translated = 0\n', encoding="utf-8")
    shutil.copytree(REPO / "templates", project.root / "templates")
    ids = {f"{collection}/a{n}" for collection in ("news", "guides") for n in range(3)}
    for article in ids:
        project.write(f"content/{article}.md", f"---\ntitle: {article}\ndate: 2025-08-13\nimage: "
                                               f"\"@/assets/p.jpg\"\n---\nText.\n")
    project.write("content/assets/p.jpg", "jpeg")
    assert project.run("extract") == 0
    assert project.run("build", "--now", NOW) == 0
    site = project.root / "site"
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}, ids


def colliding_ids(path: str, languages: tuple[str, ...]) -> set[str]:
    """The article ids whose page, <lang>/<id>/index.html, would be the generated file `path`, or
    would need a folder where `path` is a file; and the collection named like the entry at the top
    of the site that `path` is in (a collection's images are copied by their path under content/,
    so they would land among the generated files)."""
    parts = path.split("/")
    found = {f"{parts[0]}/slug"}
    if parts[0] in languages:
        rest = parts[1:]
        found.add("/".join(rest))  # its page folder would be this file
        found.add("/".join(rest) + "/slug")  # … or below it
        if rest[-1] == "index.html":
            found.add("/".join(rest[:-1]))  # the very page
    return {i for i in found if "/" in i}  # (an id is collection/slug at least)


def test_every_generated_path_is_reserved_from_articles(generated: tuple[set[str], set[str]]) -> None:
    files, ids = generated
    article_pages = {f"{lang}/{i}/index.html" for lang in LANGUAGES for i in ids}
    own_images = {"assets/p.jpg"}
    generated_only = files - article_pages - own_images - {OUTPUT_MARKER}
    assert {"en/news/page/2/index.html", "km/guides/page/3/index.html", "en/atom.xml", "sitemap.xml",
            "404.html", "index.html"} <= generated_only  # the build made what the rule is derived from
    checked = 0
    for path in sorted(generated_only):
        for candidate in colliding_ids(path, LANGUAGES):
            assert article_id_problem(candidate, LANGUAGES) is not None, (path, candidate)
            checked += 1
    assert checked > 20
    for article in ids:  # and the site's own articles are fine
        assert article_id_problem(article, LANGUAGES) is None


@pytest.mark.parametrize("article_id", ["news/index", "news/page", "news/pages/2", "news/en", "news/atom.xm",
                                        "news/static", "page/2", "pages/x", "indexes/x", "news/2025/08/13",
                                        "news-and-events/article-19", "ព័ត៌មាន/អត្ថបទ", "news/index.htm"])
def test_ordinary_ids_are_not_refused(article_id: str) -> None:
    assert article_id_problem(article_id, LANGUAGES) is None


COLLIDING_FILES = ["content/en/x.md", "content/KM/x.md", "content/static/x.md", "content/atom.xml/x.md",
                   "content/index.html/x.md", "content/sitemap.xml/x.md", "content/404.html/x.md",
                   "content/Assets/x.md", "content/news/index.html.md", "content/news/x/index.html.md",
                   "content/news/page/2.md", "content/news/page/3/x.md", "content/news/Page/2.markdown"]


@pytest.mark.parametrize("command", [["extract"], ["check"], ["build", "--now", NOW]], ids=" ".join)
@pytest.mark.parametrize("relative", COLLIDING_FILES)
def test_an_article_that_collides_with_a_generated_page_is_a_located_error(ready: Project, capsys, relative: str,
                                                                          command: list[str]) -> None:
    ready.write(relative, GOOD)
    before = everything(ready.root)
    capsys.readouterr()
    assert ready.run(*command) == 1
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert errors and errors[0].startswith(f"{relative}: error: article id ") and "[reserved-path]" in errors[0], err
    assert {k: v for k, v in everything(ready.root).items() if not k.startswith(".cache")} == \
        {k: v for k, v in before.items() if not k.startswith(".cache")}


# --- pipeline import ------------------------------------------------------------------------------------

ASTRO = REPO / "tests" / "fixtures" / "import" / "astro-site"


@pytest.mark.parametrize("name", ["", "a/b", "..", ".", "/tmp", "/", ".hidden", "a\\b", "news/", "en", "KM",
                                  "static", "atom.xml", "index.html", "assets", "x\x00y"], ids=repr)
def test_import_collection_is_a_plain_name(project: Project, capsys, name: str) -> None:
    before = everything(project.root)
    assert project.run("import", str(ASTRO / "src" / "content" / "news"), "--collection", name) == 2
    err = capsys.readouterr().err
    assert len(located_usage_errors(err)) == 1 and err.startswith("--collection: error: "), err
    assert everything(project.root) == before


def _source_with_links(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the Astro fixture with symbolic links to a secret folder outside it: an article,
    a translation, an image, a whole collection, a whole language folder; and one link inside."""
    source = tmp_path / "old-site"
    shutil.copytree(ASTRO, source)
    secret = tmp_path / "secret"
    for name, text in {"passwd.md": "root:x:0:0", "coll/en/leak.md": "SECRET-LEAK",
                       "coll/km/ctc-kampot.md": "SECRET-KM"}.items():
        (secret / name).parent.mkdir(parents=True, exist_ok=True)
        (secret / name).write_text(f"---\ntitle: Secret\ndate: 2025-01-01\n---\n{text}\n", encoding="utf-8")
    (secret / "key.jpg").write_bytes(b"PRIVATE KEY")
    content = source / "src" / "content"
    (content / "news" / "en" / "stolen.md").symlink_to(secret / "passwd.md")  # an article
    (content / "news" / "km" / "teacher-training.md").unlink()
    (content / "news" / "km" / "teacher-training.md").symlink_to(secret / "passwd.md")  # a translation
    (source / "src" / "assets" / "news" / "key.jpg").symlink_to(secret / "key.jpg")  # an image
    (content / "leaky").symlink_to(secret / "coll", target_is_directory=True)  # a collection
    shutil.rmtree(content / "centers" / "km")
    (content / "centers" / "km").symlink_to(secret / "coll" / "km", target_is_directory=True)  # a language
    (content / "news" / "en" / "alias.md").symlink_to(content / "news" / "en" / "photo-day.md")  # inside: fine
    return source, secret


def test_import_never_follows_a_link_out_of_the_source(project: Project, tmp_path: Path, capsys) -> None:
    source, secret = _source_with_links(tmp_path)
    capsys.readouterr()
    assert project.run("import", str(source)) == 0
    err = capsys.readouterr().err
    written = everything(project.root)
    leaked = [name for name, data in written.items() if isinstance(data, bytes)
              and any(secret in data for secret in (b"root:x:0:0", b"PRIVATE KEY", b"SECRET-"))]
    assert leaked == []
    for link in ("src/content/news/en/stolen.md", "src/content/news/km/teacher-training.md",
                 "src/assets/news/key.jpg", "src/content/leaky/en/leak.md", "src/content/centers/km/ctc-kampot.md"):
        assert any(link in line and "warning" in line and "outside" in line for line in err.splitlines()), (link, err)
    assert "content/news/alias.md" in written  # a link that stays inside is followed
    assert "Traceback" not in err


def test_import_never_writes_through_a_link_out_of_the_project(project: Project, tmp_path: Path, capsys) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project.root / "content").mkdir()
    (project.root / "content" / "news").symlink_to(elsewhere, target_is_directory=True)
    before = everything(project.root)
    assert project.run("import", str(ASTRO)) == 1
    err = capsys.readouterr().err
    assert "content/news/library-opening.md: error: would be written to" in err, err
    assert list(elsewhere.iterdir()) == []
    assert everything(project.root) == before


@pytest.mark.parametrize("folder", ["en", "km", "static", "atom.xml", "index.html"])
def test_import_refuses_a_collection_named_like_a_generated_path(project: Project, tmp_path: Path, capsys,
                                                                 folder: str) -> None:
    source = tmp_path / folder  # a folder holding en/ and km/: its name is the collection
    shutil.copytree(ASTRO / "src" / "content" / "news", source)
    before = everything(project.root)
    assert project.run("import", str(source)) == 1
    err = capsys.readouterr().err
    assert f"error: article id '{folder}/" in err and "[import]" in err, err
    assert everything(project.root) == before
