"""A scheduled CI build starts from a fresh checkout (every file a new inode and modification
time) with yesterday's `.cache/` and `site/` restored by the CI's cache action: content decides
what changed, so only that is done again, and the result is the bytes a clean build gives. A cache
that was altered, written under another key, or left by an older tree is never trusted."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path
from typing import Callable

import pytest

from conftest import REPO, Project
from pipeline.commands import build as build_command
from pipeline.commands import extract as extract_command
from pipeline.engine.store import KEY_VARIABLE
from test_hostile import run_cli
from test_incremental import tree

NOW = "2026-01-01"
SOURCES = ("content", "locale", "templates")
ARTICLES = ("guides/track-a-parcel", "news-and-events/digital-skills-course-takeo", "news-and-events/article-19")


@pytest.fixture
def yesterday(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The repository's sample project, extracted and built once (what yesterday's CI run left)."""
    monkeypatch.setenv(KEY_VARIABLE, "the CI's secret")
    for name in ("pyproject.toml", "glossary.csv"):
        shutil.copyfile(REPO / name, project.root / name)
    for folder in SOURCES:
        shutil.copytree(REPO / folder, project.root / folder)
    aged(project)
    assert project.run("extract") == 0
    aged(project)
    assert project.run("build", "--now", NOW) == 0
    return project


def aged(project: Project) -> None:
    """Every source file dated a minute back, as files of a checkout are by the next day (a file
    changed within the last tick of the clock is never remembered by its stamp)."""
    for folder in SOURCES:
        for path in (project.root / folder).rglob("*"):
            os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 60_000_000_000))


def fresh_checkout(project: Project, restore: tuple[str, ...] = (".cache", "site")) -> None:
    """The project checked out anew at the same place (every source file a new copy, with a new
    inode and modification time), and the folders a cache action restores copied back as tar
    restores them (modification times kept, new inodes)."""
    old = project.root.with_name(project.root.name + ".old")
    project.root.rename(old)
    project.root.mkdir()
    for name in ("pyproject.toml", "glossary.csv"):
        shutil.copyfile(old / name, project.root / name)
    for folder in SOURCES:
        shutil.copytree(old / folder, project.root / folder, copy_function=shutil.copyfile)
    for folder in restore:
        shutil.copytree(old / folder, project.root / folder, symlinks=True)
    shutil.rmtree(old)


def clean_build(project: Project, folder: Path) -> dict[str, bytes]:
    """What extract and build give from the same sources with no cache and no site."""
    clean = Project.__new__(Project)
    clean.root = folder / "clean"
    shutil.copytree(project.root, clean.root, ignore=shutil.ignore_patterns(".cache", "site", ".site*"))
    assert clean.run("extract") == 0
    assert clean.run("build", "--now", NOW) == 0
    return {**tree(clean.root, "site"), **tree(clean.root, "locale")}


def counting(monkeypatch: pytest.MonkeyPatch, module, name: str) -> list[str]:
    """Record the article of each call of `module.name` (run with --jobs 1, in this process)."""
    calls: list[str] = []
    original = getattr(module, name)

    def counted(work, item):
        calls.append(getattr(item, "id", None) or item[0])
        return original(work, item)

    monkeypatch.setattr(module, name, counted)
    return calls


def article_ids(project: Project) -> set[str]:
    content = project.root / "content"
    return {p.relative_to(content).with_suffix("").as_posix() for p in content.rglob("*.md") if "assets" not in p.parts}


def inodes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in (root / "site").rglob("*") if p.is_file()}


def edit_article(project: Project, article_id: str) -> None:
    path = project.root / "content" / f"{article_id}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA paragraph added today.\n", encoding="utf-8")


def translate_title(project: Project, article_id: str) -> None:
    path = project.root / "locale/km/LC_MESSAGES" / f"{article_id}.po"
    text = path.read_text(encoding="utf-8")
    start = text.index('msgstr "', text.index('msgctxt "title"')) + len('msgstr "')
    path.write_text(text[:start] + "ថ្មី " + text[start:], encoding="utf-8")


def replace_image(project: Project, article_id: str) -> None:
    folder = project.root / "content/assets" / article_id.split("/")[0]
    image = sorted(p for p in folder.rglob("*") if p.is_file())[0]
    image.write_bytes(image.read_bytes() + b"\0today")


def edit_template(project: Project, article_id: str) -> None:
    path = project.root / "templates/base.html"
    path.write_text(path.read_text(encoding="utf-8").replace("</body>", "<!-- today --></body>"), encoding="utf-8")


CHANGES: dict[str, Callable[[Project, str], None]] = {
    "nothing": lambda project, article_id: None,
    "an article edited": edit_article,
    "a translation changed": translate_title,
    "an image replaced": replace_image,
    "a template edited": edit_template,
}


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("article_id", ARTICLES[:2])
def test_a_fresh_checkout_with_a_restored_cache_does_only_what_changed(
        yesterday: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, article_id: str) -> None:
    fresh_checkout(yesterday)
    CHANGES[change](yesterday, article_id)
    restored, before = inodes(yesterday.root), tree(yesterday.root, "site")
    planned = counting(monkeypatch, extract_command, "plan_article")
    read = counting(monkeypatch, build_command, "read_and_render")
    assert yesterday.run("extract", "--jobs", "1") == 0
    assert yesterday.run("build", "--now", NOW, "--jobs", "1") == 0

    touched = {"an article edited": {article_id}, "a translation changed": {article_id}}.get(change, set())
    assert set(planned) == (article_ids(yesterday) if change == "a template edited" else touched)  # (ui.pot's)
    assert set(read) == touched
    after, built = inodes(yesterday.root), tree(yesterday.root, "site")
    same = {name for name, data in built.items() if before.get(name) == data}
    rewritten = {name for name in same if restored[name] != after[name]} - {"site/.pipeline-site"}
    assert not rewritten  # a file that holds what it held is yesterday's file, not written again
    if change != "a template edited":
        assert {f"site/en/{other}/index.html" for other in article_ids(yesterday) - {article_id}} <= same
    assert {**tree(yesterday.root, "site"), **tree(yesterday.root, "locale")} == clean_build(yesterday, tmp_path)


def test_a_checkout_of_a_stale_tree_builds_what_the_new_tree_says(yesterday: Project, tmp_path: Path) -> None:
    """The cache is from an older tree: an article since edited, one removed, one added."""
    fresh_checkout(yesterday)
    edit_article(yesterday, ARTICLES[0])
    (yesterday.root / "content/announcements/post-office-hours-water-festival-2025.md").unlink()  # (not linked to)
    shutil.copyfile(yesterday.root / "content" / f"{ARTICLES[1]}.md",
                    yesterday.root / "content/news-and-events/a-new-one.md")
    assert yesterday.run("extract") == 0
    assert yesterday.run("build", "--now", NOW) == 0
    assert {**tree(yesterday.root, "site"), **tree(yesterday.root, "locale")} == clean_build(yesterday, tmp_path)


def _stores(root: Path) -> list[Path]:
    return sorted(p for p in (root / ".cache/pipeline").rglob("*.pickle"))


def test_an_altered_cache_is_ignored(yesterday: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh_checkout(yesterday)
    stores = _stores(yesterday.root)
    assert len(stores) > 3
    for path in stores:  # one bit changed in each file
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 1
        path.write_bytes(bytes(data))
    restored = inodes(yesterday.root)
    read = counting(monkeypatch, build_command, "read_and_render")
    assert yesterday.run("extract") == 0
    assert yesterday.run("build", "--now", NOW, "--jobs", "1") == 0
    assert sorted(read) == sorted(article_ids(yesterday))  # nothing of it was believed
    after = inodes(yesterday.root)
    assert not {name for name in after if name.endswith(".html") and restored.get(name) == after[name]}  # all new
    assert {**tree(yesterday.root, "site"), **tree(yesterday.root, "locale")} == clean_build(yesterday, tmp_path)


class _Planted:
    """A value whose unpickling would create a file: what an attacker would put in a cache."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_planted_pickle_is_never_unpickled(yesterday: Project, tmp_path: Path) -> None:
    fresh_checkout(yesterday)
    marker = tmp_path / "the-cache-ran-code"
    for path in _stores(yesterday.root):  # a payload without the key's signature, in every store file
        path.write_bytes(os.urandom(32) + pickle.dumps(_Planted(marker)))
    assert yesterday.run("extract") == 0
    assert yesterday.run("build", "--now", NOW) == 0
    assert not marker.exists()
    assert {**tree(yesterday.root, "site"), **tree(yesterday.root, "locale")} == clean_build(yesterday, tmp_path)


def test_a_cache_written_under_another_key_is_ignored(yesterday: Project, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    fresh_checkout(yesterday)
    monkeypatch.setenv(KEY_VARIABLE, "another runner's secret")
    read = counting(monkeypatch, build_command, "read_and_render")
    assert yesterday.run("extract") == 0
    assert yesterday.run("build", "--now", NOW, "--jobs", "1") == 0
    assert sorted(read) == sorted(article_ids(yesterday))
    assert {**tree(yesterday.root, "site"), **tree(yesterday.root, "locale")} == clean_build(yesterday, tmp_path)


def _a_page(root: Path) -> Path:
    return root / "site/en" / ARTICLES[0] / "index.html"


@pytest.mark.parametrize("tamper", ["script injected, size and time kept", "a file added", "a file removed",
                                    "a page replaced by a link", "a page replaced by a FIFO",
                                    "a link to nothing added"])
def test_an_altered_site_is_not_kept(yesterday: Project, tmp_path: Path, tamper: str) -> None:
    """Verifying the restored site reads every file it names: what is not a regular file holding
    what the last build wrote is not kept, and nothing it could do makes the build wait (a FIFO
    without a writer blocks whoever opens it for reading)."""
    fresh_checkout(yesterday)
    page = _a_page(yesterday.root)
    if tamper == "script injected, size and time kept":
        data, times = page.read_bytes(), page.stat()
        injected = b"<script>alert(1)</script>"
        at = data.index(b"</p>")
        page.write_bytes(data[:at - len(injected)] + injected + data[at:])
        os.utime(page, ns=(times.st_atime_ns, times.st_mtime_ns))
        assert page.stat().st_size == times.st_size
    elif tamper == "a file added":
        (yesterday.root / "site/en/evil.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    elif tamper == "a file removed":
        page.unlink()
    elif tamper == "a page replaced by a link":
        page.unlink()
        page.symlink_to("/etc/passwd")
    elif tamper == "a page replaced by a FIFO":
        page.unlink()
        os.mkfifo(page)
    else:
        (yesterday.root / "site/en/evil.html").symlink_to(tmp_path / "not yet there.html")
    assert run_cli(yesterday, "-q", "build", "--now", NOW, timeout=120).returncode == 0
    # the next build works in the tree the restored one became (the spare): nothing of it may stay
    article = yesterday.root / "content" / f"{ARTICLES[1]}.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    aged(yesterday)
    assert yesterday.run("extract") == 0
    assert run_cli(yesterday, "-q", "build", "--now", NOW, timeout=120).returncode == 0
    assert not any(p.is_symlink() or not (p.is_file() or p.is_dir()) for p in (yesterday.root / "site").rglob("*"))
    built = tree(yesterday.root, "site")
    assert not any(b"alert(1)" in data for data in built.values())
    assert {**built, **tree(yesterday.root, "locale")} == clean_build(yesterday, tmp_path)


def test_without_a_shared_key_each_user_signs_with_a_private_one(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.engine.store import Store

    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    Store(tmp_path / "cache", "v").save("x.pickle", {"kept": 1})
    key = tmp_path / "home/.config/pipeline/cache-key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32
    assert Store(tmp_path / "cache", "v").load("x.pickle") == {"kept": 1}
    monkeypatch.setenv("HOME", str(tmp_path / "another-user"))
    assert Store(tmp_path / "cache", "v").load("x.pickle") is None
