"""`pipeline mv OLD NEW`: an article renamed or moved keeps its translations, its links keep
working, and so do the links of the articles that point at it; a refused move changes nothing; an
interrupted one loses no translation and finishes when run again."""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import REPO, Project, snapshot
from pipeline import catalog as catalogs
from pipeline.commands import move
from pipeline.disk.project import load_config, orphan_catalogs
from pipeline.model import Catalog
from pipeline.po import format_po, parse_po


def translations(project: Project, relative: str) -> dict:
    return dict(catalogs.translations(parse_po(project.read(relative), relative)))


def locale_files(project: Project) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(project.root).items() if k.startswith("locale/")}


# --- the sample site, end to end ---------------------------------------------------------------------------


@pytest.fixture
def sample(project: Project) -> Project:
    """A copy of the repository's sample site."""
    for name in ("pyproject.toml", "content", "locale", "templates"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project.root / name)
    return project


def test_a_moved_article_is_published_with_the_same_translations(sample: Project, capsys) -> None:
    old_po = "locale/km/LC_MESSAGES/news-and-events/article-19.po"
    before = translations(sample, old_po)
    paragraphs = [m.msgstr for m in parse_po(sample.read(old_po), old_po).messages if "paragraph" in m.extracted_comments]
    assert sample.run("build", "--strict", "--now", "2026-01-01") == 0  # (the next build is then incremental)
    assert sample.run("mv", "news-and-events/article-19", "guides/working-group-2025-08") == 0
    moved = locale_files(sample)
    assert sample.run("extract") == 0
    assert locale_files(sample) == moved  # the move wrote what extract writes: nothing turned fuzzy
    assert translations(sample, "locale/km/LC_MESSAGES/guides/working-group-2025-08.po") == before
    assert sample.run("build", "--strict", "--now", "2026-01-01") == 0
    site = sample.root / "site"
    page = html.unescape((site / "km/guides/working-group-2025-08/index.html").read_text(encoding="utf-8"))
    assert paragraphs and all(text in page for text in paragraphs)
    assert not (site / "km/news-and-events/article-19").exists()
    for linking in ("km/guides/track-a-parcel", "km/news-and-events/digital-skills-course-takeo"):
        assert 'href="/km/guides/working-group-2025-08/"' in (site / linking / "index.html").read_text(encoding="utf-8")
    assert orphan_catalogs(load_config(sample.root)) == ()


# --- links from and to the moved article ---------------------------------------------------------------------

OLD = """---
title: Old
date: 2025-08-13
image: photo.jpg
---
See the [other article](other.md), [this one](old.md#top), [the guide](/en/guides/how/) and ![a photo](photo.jpg).

![only a photo](photo.jpg)

[Ref link][r] and a [site path to myself](/km/news/old/).

[r]: ../guides/how.md
"""
OTHER = "---\ntitle: Other\ndate: 2025-08-13\n---\nBack to [the old one](old.md) or [in Khmer](/km/news/old/).\n"
HOW = "---\ntitle: How\ndate: 2025-08-13\n---\n> Read [the old news](../news/old.md#top) first.\n"


def _fill(project: Project) -> None:
    """Every message of every Khmer article catalog translated, its links kept."""
    for path in (project.root / "locale/km/LC_MESSAGES").rglob("*/*.po"):
        found = parse_po(path.read_text(encoding="utf-8"), str(path))
        filled = [replace(m, msgstr=m.msgstr or f"ក {m.msgid}") for m in found.messages]
        path.write_text(format_po(Catalog(found.header, tuple(filled))), encoding="utf-8")


@pytest.fixture
def linked(project: Project) -> Project:
    """news/old links to others and to itself (relative, site path, reference, image); news/other and
    guides/how link to it; every Khmer catalog is complete."""
    shutil.copytree(REPO / "templates", project.root / "templates")
    project.write("content/news/old.md", OLD)
    project.write("content/news/other.md", OTHER)
    project.write("content/guides/how.md", HOW)
    (project.root / "content/news/photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 a photo")
    assert project.run("extract") == 0
    _fill(project)
    assert project.run("build", "--strict", "--now", "2025-09-01") == 0
    return project


def _pages_resolve(site: Path, page: Path) -> list[str]:
    """The site-local links and images of a page that name no file of the site."""
    text = page.read_text(encoding="utf-8")
    missing = []
    for url in re.findall(r'(?:href|src)="(/[^"#?]*)', text):
        target = site / url.lstrip("/")
        if not (target.is_file() or (target / "index.html").is_file()):
            missing.append(url)
    return missing


@pytest.mark.parametrize("new", ["news/renamed", "guides/new", "guides/2025/deeper", "news/sub/folder/new",
                                 "guides/new.markdown"])
def test_links_keep_working_and_translations_stay_complete(linked: Project, capsys, new: str) -> None:
    new_id = new.removesuffix(".markdown")
    assert linked.run("mv", "news/old", new) == 0
    catalogs_after_move = locale_files(linked)
    assert linked.run("extract") == 0
    assert locale_files(linked) == catalogs_after_move
    capsys.readouterr()
    assert linked.run("status", "--json") == 0
    import json
    report = json.loads(capsys.readouterr().out)
    assert report["orphan_catalogs"] == []
    assert {(r["article"], r["percent"], r["fuzzy"]) for r in report["catalogs"]} == \
        {(new_id, 100.0, 0), ("news/other", 100.0, 0), ("guides/how", 100.0, 0)}
    assert linked.run("build", "--strict", "--now", "2025-09-01") == 0
    site = linked.root / "site"
    for lang in ("en", "km"):
        page = site / lang / new_id / "index.html"
        assert _pages_resolve(site, page) == []
        for other in ("news/other", "guides/how"):
            text = (site / lang / other / "index.html").read_text(encoding="utf-8")
            assert f'/{new_id}/' in text and "/news/old/" not in text
    assert not (linked.root / "content/news/old.md").exists()
    if new.endswith(".markdown"):
        assert (linked.root / f"content/{new}").is_file()


def test_a_cross_folder_move_rewrites_relative_paths_and_keeps_others(linked: Project) -> None:
    assert linked.run("mv", "news/old", "guides/new") == 0
    text = linked.read("content/guides/new.md")
    for written in ("image: ../news/photo.jpg", "[other article](../news/other.md)", "[this one](new.md#top)",
                    "[the guide](/en/guides/how/)", "![a photo](../news/photo.jpg)", "[r]: how.md",
                    "[site path to myself](/km/guides/new/)"):
        assert written in text
    assert "Back to [the old one](../guides/new.md) or [in Khmer](/km/guides/new/)." in linked.read("content/news/other.md")
    assert "> Read [the old news](new.md#top) first." in linked.read("content/guides/how.md")
    po = linked.read("locale/km/LC_MESSAGES/news/other.po")
    assert "(../guides/new.md)" in po and "(/km/guides/new/)" in po and "old.md" not in po and "/news/old" not in po


def test_a_link_of_the_moved_article_that_cannot_be_rewritten_refuses_the_move(linked: Project, capsys) -> None:
    linked.write("content/news/old.md", OLD.replace("(other.md)", r"(other\.md)"))
    before = snapshot(linked.root)
    capsys.readouterr()
    assert linked.run("mv", "news/old", "guides/new") == 2
    assert capsys.readouterr().err.startswith("content/news/old.md:6: error: the link 'other.md' could not be rewritten")
    assert snapshot(linked.root) == before
    assert linked.run("mv", "news/old", "news/renamed") == 0  # in its own folder it breaks nothing


def test_a_link_to_it_that_cannot_be_rewritten_is_reported_and_left(linked: Project, capsys) -> None:
    linked.write("content/news/other.md", OTHER.replace("(old.md)", r"(old\.md)"))
    before = linked.read("content/news/other.md")
    capsys.readouterr()
    assert linked.run("mv", "news/old", "news/renamed") == 0
    err = capsys.readouterr().err
    assert "content/news/other.md:5: warning:" in err and "news/renamed" in err
    assert linked.read("content/news/other.md") == before


# --- refusals change nothing ------------------------------------------------------------------------------


@pytest.mark.parametrize("old, new, says", [
    ("news/olf", "news/x", "did you mean `news/old`?"),
    ("news/missing", "news/x", "there is no article"),
    ("news/old", "news/other", "exists already"),
    ("news/old", "news/Other", "letter case"),
    ("news/old", "news/OLD", "differ only in letter case"),
    ("news/old", "news/old", "the same"),
    ("news/old", "en/x", "language folder"),
    ("news/old", "assets/x", "names no article"),
    ("news/old", "news/page/x", "later pages"),
    ("news/old", "news/index.html", "index.html"),
    ("news/old", "../x", "holds . or .."),
    ("news/old", "news/", "ends with /"),
    ("news/old", "/tmp/x", "absolute"),
    ("news/old", "solo", "no collection"),
    ("news/old", "nwes/x", "did you mean `news`?"),
    ("news/old", "news/taken", "translations of its own"),
    ("news/old", "content/news/other.md", "exists already"),
])
def test_a_refused_move_changes_nothing(linked: Project, capsys, old: str, new: str, says: str) -> None:
    linked.write("locale/km/LC_MESSAGES/news/taken.po",
                 'msgid ""\nmsgstr ""\n"Language: km\\n"\n\nmsgid "Old"\nmsgstr "ផ្សេង"\n')
    before = snapshot(linked.root)
    capsys.readouterr()
    assert linked.run("mv", old, new) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert snapshot(linked.root) == before


def test_a_catalog_with_no_translation_of_its_own_may_be_replaced(linked: Project) -> None:
    """A catalog left at NEW's place that holds nothing a translator wrote (or only what OLD's holds)."""
    linked.write("locale/km/LC_MESSAGES/news/empty.po", 'msgid ""\nmsgstr ""\n"Language: km\\n"\n\nmsgid "Old"\nmsgstr ""\n')
    linked.write("locale/templates/news/empty.pot", 'msgid ""\nmsgstr ""\n\nmsgid "Something"\nmsgstr ""\n')
    assert linked.run("mv", "news/old", "news/empty") == 0
    assert linked.run("extract") == 0 and linked.run("build", "--strict", "--now", "2025-09-01") == 0


@pytest.mark.parametrize("form", ["id", "id.md", "content path", "absolute", "from its folder",
                                  "from its folder, as ids"])
def test_old_and_new_may_be_ids_or_paths(linked: Project, monkeypatch, form: str) -> None:
    old, new = {"id": ("news/old", "guides/new"), "id.md": ("news/old.md", "guides/new.md"),
                "content path": ("content/news/old.md", "content/guides/new.md"),
                "absolute": (str(linked.root / "content/news/old.md"), str(linked.root / "content/guides/new.md")),
                "from its folder": ("old.md", "../guides/new.md"),
                "from its folder, as ids": ("old.md", "guides/new.md")}[form]
    monkeypatch.chdir(linked.root / ("content/news" if form.startswith("from its folder") else ""))
    assert linked.run("mv", old, new) == 0
    assert (linked.root / "content/guides/new.md").is_file() and not (linked.root / "content/news/old.md").exists()


def test_line_ends_and_byte_order_mark_are_kept(linked: Project) -> None:
    path = linked.root / "content/news/old.md"
    path.write_bytes(b"\xef\xbb\xbf" + OLD.replace("\n", "\r\n").encode("utf-8"))
    assert linked.run("mv", "news/old", "guides/new") == 0
    data = (linked.root / "content/guides/new.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert b"(../news/other.md)" in data


# --- an article renamed by hand ------------------------------------------------------------------------------


def test_the_orphans_of_an_article_renamed_by_hand_go_to_it(linked: Project, capsys) -> None:
    (linked.root / "content/news/old.md").rename(linked.root / "content/news/renamed.md")
    config = load_config(linked.root)  # (no `extract` first: it would give them to NEW by itself)
    assert len(orphan_catalogs(config)) == 2
    assert linked.run("mv", "news/old", "news/renamed") == 0
    assert orphan_catalogs(config) == ()
    assert "[the old one](renamed.md)" in linked.read("content/news/other.md")
    assert linked.run("extract") == 0 and linked.run("build", "--strict", "--now", "2025-09-01") == 0


def test_an_article_gone_with_no_new_one_is_refused(linked: Project, capsys) -> None:
    (linked.root / "content/news/old.md").unlink()
    capsys.readouterr()
    assert linked.run("mv", "news/old", "news/renamed") == 2
    assert "only its catalogs" in capsys.readouterr().err


# --- interruptions and saves made meanwhile ------------------------------------------------------------------


class Interrupted(Exception):
    pass


def _steps(monkeypatch, allowed: int) -> list[int]:
    """Let the move write or remove `allowed` files, then stop it as a power cut would."""
    done = [0]
    for name in ("_put", "_remove_unchanged"):
        original = getattr(move, name)

        def step(*args, original=original):
            if done[0] >= allowed:
                raise Interrupted
            done[0] += 1
            return original(*args)
        monkeypatch.setattr(move, name, step)
    return done


def _all_translations(project: Project) -> set[str]:
    """Every msgstr of the Khmer catalogs (links aside: a move rewrites them)."""
    found = set()
    for path in (project.root / "locale/km").rglob("*.po"):
        for message in parse_po(path.read_text(encoding="utf-8"), str(path)).messages:
            if message.msgstr:
                found.add(re.sub(r"\]\([^)]*\)", "]()", message.msgstr))
    return found


def test_an_interrupted_move_loses_nothing_and_finishes_when_run_again(linked: Project, tmp_path: Path,
                                                                       monkeypatch) -> None:
    clean = Project(tmp_path / "clean")
    shutil.rmtree(clean.root)
    shutil.copytree(linked.root, clean.root)
    report = move.move_article(load_config(clean.root), "news/old", "guides/new", clean.root)
    finished = {k: v for k, v in snapshot(clean.root).items() if not k.startswith("site/")}
    steps = len(report.written) + len(report.removed)  # each a step the move may be cut before
    assert steps >= 10
    everything = _all_translations(linked)
    for allowed in range(steps):
        copy = Project(tmp_path / f"cut-{allowed}")
        shutil.rmtree(copy.root)
        shutil.copytree(linked.root, copy.root)
        with monkeypatch.context() as patched:
            _steps(patched, allowed)
            try:
                copy.run("mv", "news/old", "guides/new")
            except Interrupted:
                pass
        assert _all_translations(copy) >= everything, allowed
        assert copy.run("mv", "news/old", "guides/new") == 0, allowed
        assert {k: v for k, v in snapshot(copy.root).items() if not k.startswith("site/")} == finished, allowed


def test_a_catalog_saved_while_the_move_runs_is_left_in_place(linked: Project, monkeypatch, capsys) -> None:
    po = linked.root / "locale/km/LC_MESSAGES/news/old.po"
    original = move._carry_out

    def save_then_carry_out(config, plan):
        po.write_text(po.read_text(encoding="utf-8") + "\n# a translator's note\n", encoding="utf-8")
        return original(config, plan)
    monkeypatch.setattr(move, "_carry_out", save_then_carry_out)
    capsys.readouterr()
    assert linked.run("mv", "news/old", "news/renamed") == 0
    assert "locale/km/LC_MESSAGES/news/old.po: warning: changed while the move ran" in capsys.readouterr().err
    assert "a translator's note" in po.read_text(encoding="utf-8")
    assert orphan_catalogs(load_config(linked.root)) == (po,)
