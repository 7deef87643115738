"""An incremental build redoes only what changed, and still gives the bytes of a clean build.

Each test edits one kind of input that pages depend on (an article, a catalog, the article a link
points at, an image, a template), builds again, and compares with a clean build of a copy of the
project. Input files are dated a minute back, as files are when an editor builds after editing:
a file changed within the same instant as the build is deliberately not trusted to the cache."""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
import time
from pathlib import Path

import pytest

from conftest import REPO, Project
from pipeline.indexes import index_pages
from pipeline.po import format_po, parse_po
from test_incremental import tree

NOW = "2025-09-01"


def _age(root: Path) -> None:
    """Date inputs changed in the last half minute a minute back (older ones keep their date)."""
    now = time.time()
    for folder in ("content", "locale", "templates"):
        for path in (root / folder).rglob("*"):
            if path.lstat().st_mtime > now - 30:
                os.utime(path, (now - 60, now - 60), follow_symlinks=False)


def _article(n: int, extra: str = "") -> str:
    return (f"---\ntitle: Article {n}\ndate: 2025-08-{1 + n:02d}\nimage: ../assets/news/p{n}.jpg\n---\n"
            f"## Heading {n}\n\nFirst paragraph of article {n}.\n\nSecond paragraph.{extra}\n")


def _translate_all(project: Project, name: str) -> None:
    """Every unit translated: its source with a Khmer word before it (links and numbers kept)."""
    path = project.root / f"locale/km/LC_MESSAGES/news/{name}.po"
    catalog = parse_po(path.read_text(encoding="utf-8"), path.name)
    messages = tuple(dataclasses.replace(m, msgstr="ប្រែ " + m.msgid, flags=tuple(f for f in m.flags if f != "fuzzy"))
                     for m in catalog.messages)
    path.write_text(format_po(dataclasses.replace(catalog, messages=messages)), encoding="utf-8")


@pytest.fixture
def site(project: Project) -> Project:
    shutil.copytree(REPO / "templates", project.root / "templates")
    for n in range(4):
        project.write(f"content/news/a{n}.md", _article(n))
        project.write(f"content/assets/news/p{n}.jpg", f"image {n}")
    assert project.run("extract") == 0
    for n in range(3):
        _translate_all(project, f"a{n}")
    return project


def _build(project: Project) -> None:
    _age(project.root)
    assert project.run("build", "--now", NOW, "--markdown", str(project.root / "export")) == 0


def _same_as_clean(project: Project, tmp_path: Path) -> dict[str, bytes]:
    clean = tmp_path / f"clean-{time.monotonic_ns()}"
    shutil.copytree(project.root, clean, ignore=shutil.ignore_patterns(".cache", "site", "export", ".site*",
                                                                       ".export*"))
    assert Project(clean).run("build", "--now", NOW, "--markdown", str(clean / "export")) == 0
    built = tree(project.root, "site")
    assert built == tree(clean, "site")
    assert tree(project.root, "export") == tree(clean, "export")
    return built


def _inodes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in (root / "site").rglob("*") if p.is_file()}


def test_one_edited_article_rewrites_only_its_own_pages_and_the_lists(site: Project, tmp_path: Path) -> None:
    _build(site)
    site.write("content/news/a3.md", _article(3, " Edited."))
    _build(site)  # a second generation, so that the spare tree exists
    before = _inodes(site.root)
    site.write("content/news/a1.md", _article(1, " Now with more."))
    _build(site)
    built = _same_as_clean(site, tmp_path)
    after = _inodes(site.root)
    rewritten = {name for name in after if before.get(name) != after[name]}
    assert "site/en/news/a1/index.html" in rewritten
    assert "site/km/news/a1/index.html" not in after  # its new unit is untranslated: held back
    assert not {n for n in rewritten if "/a0/" in n or "/a2/" in n or "/a3/" in n}
    assert not {n for n in rewritten if n.endswith(".jpg") or "/static/" in n}
    assert "Now with more." in built["site/en/news/a1/index.html"].decode()


def test_an_edit_the_lists_do_not_show_leaves_them_unplanned_and_brings_the_search_up_to_date(
        site: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A change to an article's second paragraph changes its page and its search words, not its
    entry (title, summary, excerpt: the first paragraph): the lists are kept without being planned.
    (a3 has no Khmer translation: its Khmer page stays held back, nothing else is published anew.)"""
    import pipeline.commands.lists as lists

    _build(site)
    site.write("content/news/a3.md", _article(3, " Edited."))
    _build(site)
    planned = []
    monkeypatch.setattr(lists, "index_pages", lambda *args: planned.append(args) or index_pages(*args))
    site.write("content/news/a3.md", _article(3, " Zanzibar."))
    _build(site)
    assert planned == []
    built = _same_as_clean(site, tmp_path)
    assert any(b"zanzibar" in data for name, data in built.items() if name.startswith("site/en/search/terms/"))
    site.write("content/news/a3.md", _article(3).replace("First paragraph", "Opening paragraph"))
    _build(site)  # the excerpt changed: the lists are planned again
    assert planned
    _same_as_clean(site, tmp_path)


@pytest.mark.parametrize("change", ["tag dropped", "tag renamed", "tag added"])
def test_an_edit_of_the_lists_alone_leaves_no_list_page_behind(site: Project, tmp_path: Path, change: str) -> None:
    """An article's tags are in its entry, not in its search words: when they change, the lists
    change and the search index does not. A tag's list that no page carries any more is gone."""
    def tagged(tags: str) -> str:
        return _article(3).replace("image:", f"tags: [{tags}]\nimage:") if tags else _article(3)

    before, after = {"tag dropped": ("zanzibar", ""), "tag renamed": ("zanzibar", "pemba"),
                     "tag added": ("", "zanzibar")}[change]
    site.write("content/news/a3.md", tagged(before))
    _build(site)
    site.write("content/news/a1.md", _article(1, " Edited."))
    _build(site)  # a second generation, so that the spare tree exists
    site.write("content/news/a3.md", tagged(after))
    _build(site)
    built = _same_as_clean(site, tmp_path)
    assert ("site/en/tags/zanzibar/index.html" in built) == (after == "zanzibar")


def test_nothing_changed_leaves_the_site_folder_alone(site: Project) -> None:
    _build(site)
    folder = (site.root / "site").stat().st_ino
    _build(site)
    assert (site.root / "site").stat().st_ino == folder


@pytest.mark.parametrize("removed", ["site/en/news/a2/index.html", "site/km/news/a2/index.html",
                                     "site/assets/news/p2.jpg", "site/km/news/index.html", "site/en/atom.xml",
                                     "site/en/search/terms/0.json", "site/km/search/index.json",
                                     "site/en/search/text/news/a2.json", "site/static/style.css",
                                     "export/km/news/a2.md", "site/km/news"])
@pytest.mark.parametrize("spare", ["kept", "gone"])
def test_a_file_removed_from_the_live_site_by_hand_is_made_again(site: Project, tmp_path: Path, removed: str,
                                                                  spare: str) -> None:
    """The next build after an edit writes the file again (where it would have hard-linked the
    live tree's copy), with or without a spare tree that still has its own copy."""
    _build(site)
    site.write("content/news/a3.md", _article(3, " Edited."))
    _build(site)  # a second generation, so that the spare trees exist
    target = site.root / removed
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    if spare == "gone":
        for folder in (".site.spare", ".export.spare"):
            shutil.rmtree(site.root / folder)
    site.write("content/news/a0.md", _article(0, " Edited too."))
    _build(site)
    assert target.exists()
    _same_as_clean(site, tmp_path)


def test_a_link_follows_its_target_being_translated(site: Project, tmp_path: Path) -> None:
    site.write("content/news/a0.md", _article(0, " See [the last one](a3.md)."))
    assert site.run("extract") == 0
    _translate_all(site, "a0")
    _build(site)
    assert 'href="/en/news/a3/"' in site.read("site/km/news/a0/index.html")
    _translate_all(site, "a3")  # a0's files are untouched; its Khmer page must now link the Khmer a3
    _build(site)
    assert 'href="/km/news/a3/"' in site.read("site/km/news/a0/index.html")
    _same_as_clean(site, tmp_path)


def test_an_image_replaced_in_place_is_copied_again(site: Project, tmp_path: Path) -> None:
    _build(site)
    (site.root / "content/assets/news/p2.jpg").write_text("a better photo")
    _build(site)
    assert site.read("site/assets/news/p2.jpg") == "a better photo"
    (site.root / "content/assets/news/p2.km.jpg").write_text("a Khmer caption on it")
    _build(site)
    assert "/assets/news/p2.km.jpg" in site.read("site/km/news/a2/index.html")
    _same_as_clean(site, tmp_path)


def test_a_template_change_reaches_every_page(site: Project, tmp_path: Path) -> None:
    _build(site)
    base = site.root / "templates/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- edited --></body>"), encoding="utf-8")
    _build(site)
    built = _same_as_clean(site, tmp_path)
    assert all(b"<!-- edited -->" in data for name, data in built.items() if name.endswith("/index.html"))


def test_a_build_that_fails_midway_leaves_no_half_written_tree_to_trust(site: Project, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.engine import trees as files

    _build(site)
    site.write("content/news/a3.md", _article(3, " Edited."))
    _build(site)  # a second generation, so that the spare tree exists
    assert (site.root / ".site.spare").is_dir()
    live = tree(site.root, "site")
    for n in range(4):
        site.write(f"content/news/a{n}.md", _article(n, " Edited everywhere."))
    real_put, calls = files.TreeUpdate.put, []

    def put_then_crash(self, *args):
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt("the machine went down")
        return real_put(self, *args)

    monkeypatch.setattr(files.TreeUpdate, "put", put_then_crash)
    assert site.run("build", "--now", NOW, "--markdown", str(site.root / "export")) != 0
    monkeypatch.undo()
    assert len(calls) == 3
    assert tree(site.root, "site") == live  # the live site was never touched
    _build(site)
    _same_as_clean(site, tmp_path)


def test_a_page_built_for_another_output_folder_is_not_taken_for_this_one(site: Project, tmp_path: Path) -> None:
    _build(site)
    other = tmp_path / "elsewhere"
    assert site.run("build", "--now", NOW, "--out", str(other)) == 0
    assert tree(other, ".") == {name.removeprefix("site/"): data for name, data in tree(site.root, "site").items()}


def _random_edit(project: Project, rng: random.Random) -> str:
    """One change an editor, translator or designer saves between two builds."""
    articles = sorted((project.root / "content/news").glob("a*.md"))
    action = rng.choice(["edit", "edit", "add", "delete", "translate", "link", "image", "khmer-image",
                         "retitle", "retag", "retag", "template", "touch", "break"])
    n = int(rng.choice(articles).stem[1:]) if articles else 0
    if action == "add" or not articles:
        n = rng.randrange(10, 28)
        project.write(f"content/news/a{n}.md", _article(n))
        project.write(f"content/assets/news/p{n}.jpg", f"image {n}")
    elif action == "edit":
        project.write(f"content/news/a{n}.md", _article(n, f" Edited {rng.randrange(99)}."))
    elif action == "delete" and len(articles) > 2:
        (project.root / f"content/news/a{n}.md").unlink()
    elif action == "translate" and (project.root / f"locale/km/LC_MESSAGES/news/a{n}.po").exists():
        _translate_all(project, f"a{n}")
    elif action == "link":  # a link to another article, whose languages this page then follows
        other = rng.choice(articles).name
        project.write(f"content/news/a{n}.md", _article(n, f" See [that one]({other})."))
    elif action in ("image", "khmer-image"):
        suffix = ".km" if action == "khmer-image" else ""
        project.write(f"content/assets/news/p{n}{suffix}.jpg", f"photo {rng.randrange(99)}")
    elif action == "retitle":  # what lists, feeds and the sitemap show
        text = (project.root / f"content/news/a{n}.md").read_text(encoding="utf-8")
        project.write(f"content/news/a{n}.md", text.replace("title: ", f"title: New {rng.randrange(99)} ", 1))
    elif action == "retag":  # what the lists show, not the search index: a tag's list may come or go
        text = (project.root / f"content/news/a{n}.md").read_text(encoding="utf-8")
        text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("tags:"))
        tags = [tag for tag in ("zanzibar", "pemba") if rng.random() < 0.5]
        project.write(f"content/news/a{n}.md", text.replace("title:", f"tags: [{', '.join(tags)}]\ntitle:", 1))
    elif action == "template":
        base = project.root / "templates/base.html"
        base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- again --></body>"), encoding="utf-8")
    elif action == "touch":
        path = project.root / f"content/news/a{n}.md"
        path.write_bytes(path.read_bytes())
    elif action == "break":
        project.write(f"content/news/a{n}.md", _article(n).replace("title:", "title: [unclosed", 1))
    return action


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_builds_that_look_only_at_what_changed_give_clean_builds(site: Project, tmp_path: Path, seed: int,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A build after a successful one with the same settings looks only at the articles whose files
    changed since (as `pipeline serve` does), from the stamps it left in the cache folder; after
    random saves, failed builds among them, every successful build gives a clean build's bytes."""
    from pipeline.commands import build_state as publish

    rng, hints = random.Random(seed), []
    real_difference = publish.difference

    def noted(*args):
        hints.append(real_difference(*args))
        return hints[-1]

    monkeypatch.setattr(publish, "difference", noted)
    _build(site)
    broken = None
    for step in range(14):
        if broken is not None:
            site.write(*broken)
            action, broken = "repair", None
        else:
            before = {p: p.read_text(encoding="utf-8") for p in (site.root / "content/news").glob("a*.md")}
            action = _random_edit(site, rng)
            if action == "break":  # remember the article as it was, to put it right at the next step
                broken = next((str(p.relative_to(site.root)), text) for p, text in before.items()
                              if text != p.read_text(encoding="utf-8"))
        assert site.run("extract") in (0, 1)
        _age(site.root)
        code = site.run("build", "--now", NOW, "--markdown", str(site.root / "export"))
        if broken is not None:
            assert code != 0, f"step {step}: the broken article went unnoticed"
            continue
        assert code == 0, f"step {step} after {action}"
        _same_as_clean(site, tmp_path)
    assert sum(1 for hint in hints if hint.only_articles and hint.touched) >= 3  # the shortcut was taken


def test_a_preview_between_two_builds_makes_the_next_one_look_at_everything(site: Project, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """`pipeline serve` saves the state it kept (pages made with drafts shown, for its own folder)
    without the shortcut that describes the last build's; the next build must not trust the
    shortcut, which describes a state that is gone."""
    import datetime as dt

    from pipeline.commands import build_state as publish
    from pipeline.disk.project import load_config
    from pipeline.commands.preview import Preview

    _build(site)
    site.write("content/news/a3.md", _article(3).replace("title:", "draft: true\ntitle:", 1))
    _build(site)  # a3 is a draft: not in the site, but in the preview below
    preview = Preview(load_config(site.root), site.root / "preview")
    preview.rebuild(today=dt.date(2025, 9, 1))
    preview.close()
    hints = []
    monkeypatch.setattr(publish, "difference", lambda *args: hints.append(args) or None)
    site.write("content/news/a1.md", _article(1, " Edited after the preview."))
    _build(site)
    assert not hints
    assert "a3" not in site.read("site/en/index.html")
    _same_as_clean(site, tmp_path)


def test_a_list_that_shows_what_it_showed_follows_a_new_collection_into_its_menu(site: Project, tmp_path: Path) -> None:
    """The news list shows the same entries, but the menu of every page now has the new collection:
    a list is kept without planning its pages only while the collections are the same too."""
    _build(site)
    site.write("content/events/e1.md", "---\ntitle: Open day\ndate: 2025-08-20\n---\nCome and see.\n")
    _build(site)  # (not extracted: the interface catalogs, which name the collections, are as they were)
    built = _same_as_clean(site, tmp_path)
    assert 'href="/en/events/"' in built["site/en/news/index.html"].decode()


def test_the_sitemap_follows_an_articles_last_change(site: Project, tmp_path: Path) -> None:
    """The sitemap is planned again only when what it shows of an entry changed: its URL, its
    languages, its last change (`updated`)."""
    _build(site)
    site.write("content/news/a3.md", _article(3).replace("date: ", "updated: 2025-08-30\ndate: ", 1))
    _build(site)
    built = _same_as_clean(site, tmp_path)
    assert "<lastmod>2025-08-30</lastmod>" in built["site/sitemap.xml"].decode()


class _Killed(BaseException):
    """What kill -9 does to a build: nothing after it runs (no handler catches a BaseException of its own)."""


@pytest.mark.parametrize("last_saved", ["nothing", "some facts", "every record, not the site's index state",
                                        "half the pages records"])
def test_a_build_killed_while_saving_its_state_leaves_nothing_to_mistrust(
        site: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, last_saved: str) -> None:
    """The state is saved in pieces (records by shard, then the index pages', lists' and search
    index's state with the output manifests): a build killed between two of them leaves pieces of
    two generations. The next builds, which change other articles, still give a clean build's bytes."""
    from pipeline.engine.store import Store

    _build(site)
    site.write("content/news/a3.md", _article(3, " Edited."))
    _build(site)  # (a second generation: the spare tree exists)
    real_save, saved = Store.save, []

    def save_then_die(self, name: str, value: object) -> None:
        if not name.startswith(("facts-", "pages-", "site.")):
            return real_save(self, name, value)
        pages = [n for n in saved if n.startswith("pages-")]
        if (last_saved == "nothing" or (last_saved == "some facts" and len(saved) == 1)
                or (last_saved == "half the pages records" and pages and len(pages) >= 2)
                or name == "site.pickle"):
            raise _Killed(name)
        saved.append(name)
        real_save(self, name, value)

    site.write("content/news/a1.md", _article(1, " Changed, then the machine went down."))
    site.write("content/news/a0.md", _article(0).replace("date: 2025-08-01", "date: 2025-08-29"))
    _age(site.root)
    monkeypatch.setattr(Store, "save", save_then_die)
    with pytest.raises(_Killed):
        site.run("build", "--now", NOW, "--markdown", str(site.root / "export"))
    monkeypatch.undo()
    _same_as_clean(site, tmp_path)  # the killed build's site was swapped in whole before the state was saved
    for step in range(3):
        site.write(f"content/news/a{step}.md", _article(step, f" Step {step}."))
        _build(site)
        _same_as_clean(site, tmp_path)
