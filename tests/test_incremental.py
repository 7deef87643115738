"""Incremental work gives byte-identical results to a clean run, over random edit sequences."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from conftest import REPO, Project


def tree(root: Path, folder: str) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / folder).rglob("*")) if p.is_file()}


def _article(n: int, words: list[str]) -> str:
    paragraphs = "\n\n".join(f"{words[(n + k) % len(words)].capitalize()} paragraph {k} of article {n}." for k in range(4))
    return f"---\ntitle: Article {n}\ndate: 2025-08-{1 + n % 28:02d}\n---\n## Heading {n}\n\n{paragraphs}\n"


def _edit(project: Project, rng: random.Random) -> str:
    articles = sorted((project.root / "content/news").glob("*.md"))
    action = rng.choice(["edit", "edit", "add", "delete", "translate", "touch-po"])
    if action == "add" or not articles:
        n = rng.randrange(1000, 9999)
        project.write(f"content/news/a{n}.md", _article(n, ["post", "office", "parcel"]))
    elif action == "edit":
        path = rng.choice(articles)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("paragraph 1", f"paragraph 1 ({rng.randrange(99)})"), encoding="utf-8")
    elif action == "delete" and len(articles) > 2:
        rng.choice(articles).unlink()
    else:
        catalogs = sorted((project.root / "locale/km/LC_MESSAGES/news").glob("*.po"))
        if catalogs:
            path = rng.choice(catalogs)
            text = path.read_text(encoding="utf-8")
            if action == "translate":
                text = text.replace('msgstr ""\n\n', 'msgstr "ប្រែ"\n\n', 1)
            path.write_text(text, encoding="utf-8")
    return action


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_extract_equals_a_clean_one(project: Project, tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    for n in range(6):
        project.write(f"content/news/a{n}.md", _article(n, ["post", "office", "parcel", "letter"]))
    assert project.run("extract") == 0
    for step in range(8):
        _edit(project, rng)
        clean = tmp_path / f"clean-{step}"
        shutil.copytree(project.root, clean, ignore=shutil.ignore_patterns(".cache"))
        assert project.run("extract") == 0
        assert Project(clean).run("extract") == 0
        assert tree(project.root, "locale") == tree(clean, "locale"), f"step {step}"


@pytest.mark.parametrize("seed", [4, 5])
def test_repeated_builds_equal_a_clean_build(project: Project, tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    shutil.copytree(REPO / "templates", project.root / "templates")
    for n in range(5):
        project.write(f"content/news/a{n}.md", _article(n, ["post", "office", "parcel"]))
    assert project.run("extract") == 0
    for step in range(8):
        action = _edit(project, rng) if step % 2 else "none"
        assert project.run("extract") == 0
        assert project.run("build", "--now", "2025-09-01", "--min-translated", "0") in (0, 1)
        clean = tmp_path / f"clean-{step}"
        shutil.copytree(project.root, clean, ignore=shutil.ignore_patterns(".cache", "site", ".site*"))
        assert Project(clean).run("build", "--now", "2025-09-01", "--min-translated", "0") in (0, 1)
        assert tree(project.root, "site") == tree(clean, "site"), f"step {step} after {action}"


def test_parallel_build_equals_a_serial_one(project: Project, tmp_path: Path) -> None:
    shutil.copytree(REPO / "templates", project.root / "templates")
    for n in range(24):
        project.write(f"content/news/a{n}.md", _article(n, ["post", "office", "parcel", "letter"]))
    assert project.run("extract") == 0
    catalogs = sorted((project.root / "locale/km/LC_MESSAGES/news").glob("*.po"))
    for path in catalogs[::2]:  # half the articles translated: pairs, fallbacks and held-back pages
        path.write_text(path.read_text(encoding="utf-8").replace('msgstr ""\n\n', 'msgstr "ប្រែ"\n\n'),
                        encoding="utf-8")
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    assert project.run("build", "--now", "2025-09-01", "--min-translated", "50", "--jobs", "1", "--out", str(serial)) in (0, 1)
    assert project.run("build", "--now", "2025-09-01", "--min-translated", "50", "--jobs", "2", "--out", str(parallel)) in (0, 1)
    assert tree(serial, ".") == tree(parallel, ".")
    assert len(tree(serial, ".")) > 50
