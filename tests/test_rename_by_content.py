"""An article renamed by hand (no `pipeline mv`) keeps its translations: `pipeline extract` knows
its orphan catalogs by their msgids, and when it cannot be sure it leaves them for the editor."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from pipeline.cli import main
from pipeline.commands.extract import extract
from pipeline.disk.project import load_config, orphan_catalogs

OLD = "news-and-events/article-19"
NEW = "news-and-events/road-opening"
TRANSLATED = 'msgstr "រូបភាពទី១"'  # a translation article-19's Khmer catalog holds


def _copy_sample(root: Path) -> Path:
    for folder in ("content", "locale", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def _files(root: Path, article_id: str) -> list[Path]:
    return [root / f"locale/templates/{article_id}.pot", root / f"locale/km/LC_MESSAGES/{article_id}.po"]


def _rename(root: Path, old: str, new: str) -> None:
    (root / f"content/{old}.md").rename(root / f"content/{new}.md")


def _orphans(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in orphan_catalogs(load_config(root))}


def test_a_renamed_article_keeps_its_translations_and_its_links(tmp_path: Path, capsys) -> None:
    root = _copy_sample(tmp_path / "project")
    before = _files(root, OLD)[1].read_text(encoding="utf-8")
    assert TRANSLATED in before
    _rename(root, OLD, NEW)
    capsys.readouterr()
    assert main(["--root", str(root), "extract"]) == 0
    assert f"moved: {OLD} → {NEW}" in capsys.readouterr().out
    assert not any(path.exists() for path in _files(root, OLD)) and not _orphans(root)
    after = _files(root, NEW)[1].read_text(encoding="utf-8")
    translations = lambda text: set(re.findall(r'^msgstr "(.+)"$', text, re.M))  # noqa: E731
    assert translations(after) == translations(before)
    linking = ["news-and-events/digital-skills-course-takeo.md", "guides/track-a-parcel.md"]
    assert all("road-opening.md" in (root / "content" / name).read_text(encoding="utf-8") for name in linking)
    assert not any("article-19.md" in path.read_text(encoding="utf-8") for path in (root / "content").rglob("*.md"))
    assert main(["--root", str(root), "-q", "build", "--strict", "--out", str(root / "site")]) == 0
    page = (root / f"site/km/{NEW}/index.html").read_text(encoding="utf-8")
    assert "រូបភាពទី១" in page
    assert not (root / f"site/km/{OLD}").exists()


def test_extract_reports_the_move(tmp_path: Path) -> None:
    root = _copy_sample(tmp_path / "project")
    _rename(root, OLD, NEW)
    assert extract(load_config(root)).moved == ((OLD, NEW),)
    assert extract(load_config(root)).moved == ()  # (once)


def _two_orphans_alike(root: Path) -> None:
    for path, twin in zip(_files(root, OLD), _files(root, OLD + "-copy")):
        shutil.copy(path, twin)
    shutil.copy(root / "locale/en/LC_MESSAGES" / f"{OLD}.po", root / "locale/en/LC_MESSAGES" / f"{OLD}-copy.po") \
        if (root / "locale/en/LC_MESSAGES" / f"{OLD}.po").exists() else None
    _rename(root, OLD, NEW)


def _two_new_articles_alike(root: Path) -> None:
    shutil.copy(root / f"content/{OLD}.md", root / f"content/{NEW}-too.md")
    _rename(root, OLD, NEW)


def _mostly_rewritten(root: Path) -> None:
    path = root / f"content/{OLD}.md"
    head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    paragraphs = body.strip().split("\n\n")
    kept = paragraphs[:1] + [f"A paragraph written anew, number {n}." for n in range(len(paragraphs) * 2)]
    path.write_text(head + "\n---\n\n" + "\n\n".join(kept) + "\n", encoding="utf-8")
    _rename(root, OLD, NEW)


@pytest.mark.parametrize("unsure", [_two_orphans_alike, _two_new_articles_alike, _mostly_rewritten])
def test_when_unsure_extract_leaves_the_orphan_catalogs(tmp_path: Path, unsure) -> None:
    root = _copy_sample(tmp_path / "project")
    kept = {path: path.read_bytes() for path in _files(root, OLD)}
    unsure(root)
    report = extract(load_config(root))
    assert report.moved == ()
    assert {path: path.read_bytes() for path in kept} == kept  # untouched, still there
    assert {path.relative_to(root).as_posix() for path in kept} <= _orphans(root)  # as status and check say
    assert _files(root, NEW)[1].is_file()  # the new article is extracted as any new one
