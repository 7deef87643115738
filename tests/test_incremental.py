"""Incremental work gives byte-identical results to a clean run, over random edit sequences."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from conftest import REPO, Project
from pipeline.commands import build as publish
from pipeline.disk.project import load_config
from pipeline.errors import PipelineError
from pipeline.commands.preview import Preview
from pipeline.po import parse_po


def tree(root: Path, folder: str) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / folder).rglob("*")) if p.is_file()}


def memory_content(root: Path, lang: str = "km") -> tuple:
    """What a translation memory holds (units, texts and word counts), whatever order it learnt it in."""
    with sqlite3.connect(root / f".cache/pipeline/memory-{lang}.sqlite") as db:
        return tuple(sorted(db.execute(query).fetchall(), key=repr) for query in (
            "SELECT path, text, msgctxt, msgstr FROM units", "SELECT id, msgid FROM texts",
            "SELECT term, texts FROM terms", "SELECT path FROM catalogs"))


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


def _extract_edit(project: Project, rng: random.Random) -> str:
    """One random change an editor or translator makes between two extractions, chosen so that the
    translation memory matters: articles copied from others (exact and close matches in other
    catalogs), whole catalogs translated or retranslated, Khmer-source articles, deletions."""
    articles = sorted((project.root / "content/news").glob("*.md"))
    action = rng.choice(["edit", "add", "copy", "copy", "delete", "translate", "translate", "retranslate",
                         "khmer", "touch-po", "touch-md", "retitle"])
    if action == "add" or not articles:
        n = rng.randrange(1000, 9999)
        project.write(f"content/news/a{n}.md", _article(n, ["post", "office", "parcel"]))
    elif action == "copy":  # a new article reusing another's paragraphs: some kept, some edited
        text = rng.choice(articles).read_text(encoding="utf-8").replace("paragraph 2", "paragraph two")
        name = f"{rng.choice('0cz')}{rng.randrange(1000, 9999)}"  # before or after the others, in path order
        project.write(f"content/news/{name}.md", text.replace("title: ", "title: Copy of "))
    elif action == "khmer":
        n = rng.randrange(1000, 9999)
        project.write(f"content/news/k{n}.md", f"---\ntitle: ខ្មែរ {n}\ndate: 2025-08-01\nlang: km\n---\n"
                      f"អត្ថបទ {n} ។\n\nកថាខណ្ឌ {n % 3} ។\n")
    elif action == "edit":
        path = rng.choice(articles)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("paragraph 1", f"paragraph 1 ({rng.randrange(99)})"), encoding="utf-8")
    elif action == "delete" and len(articles) > 2:
        rng.choice(articles).unlink()
    elif action == "retitle":  # what lists, feeds and excerpts show
        path = rng.choice(articles)
        text = path.read_text(encoding="utf-8").replace("title: ", f"title: New {rng.randrange(99)} ", 1)
        path.write_text(text.replace("## Heading", "Opening words.\n\n## Heading", 1), encoding="utf-8")
    elif action == "touch-md" and articles:
        path = rng.choice(articles)
        path.write_bytes(path.read_bytes())  # same content, new modification time
    else:
        folder = project.root / "locale/km/LC_MESSAGES/news"
        catalogs = sorted(folder.glob("*.po"))
        if catalogs:
            path = rng.choice(catalogs)
            text = path.read_text(encoding="utf-8")
            if action in ("translate", "retranslate"):
                mark = rng.randrange(99)
                blocks = text.split("\n\n")
                for k, block in enumerate(blocks[1:], 1):  # every unit, header left alone
                    if action == "retranslate" or block.endswith('msgstr ""'):
                        head = block.rsplit("\nmsgstr ", 1)[0]
                        blocks[k] = f'{head}\nmsgstr "ប្រែ {mark}.{k}"'
                text = "\n\n".join(blocks)
            path.write_text(text, encoding="utf-8")
    return action


@pytest.mark.parametrize("seed", [1, 2, 3, 5, 6])
def test_incremental_extract_equals_a_clean_one(project: Project, tmp_path: Path, seed: int) -> None:
    """Incremental, parallel runs (with their cache and translation memory) against clean serial ones."""
    rng = random.Random(seed)
    for n in range(10):
        project.write(f"content/news/a{n}.md", _article(n, ["post", "office", "parcel", "letter"]))
    assert project.run("extract", "--jobs", "2") == 0
    actions = []
    for step in range(12):
        actions.append(_extract_edit(project, rng))
        if rng.random() < 0.3:
            actions.append(_extract_edit(project, rng))
        clean = tmp_path / f"clean-{step}"
        shutil.copytree(project.root, clean, ignore=shutil.ignore_patterns(".cache"))
        assert project.run("extract", "--jobs", "2") == 0
        assert Project(clean).run("extract", "--jobs", "1") == 0
        assert tree(project.root, "locale") == tree(clean, "locale"), f"step {step} after {actions}"
        assert memory_content(project.root) == memory_content(clean), f"step {step} after {actions}"
        shutil.rmtree(clean)


def test_memory_fills_new_units_from_other_catalogs_as_a_clean_run_does(project: Project, tmp_path: Path) -> None:
    """The memory learns a translator's edits to catalogs whose articles did not change, and a new
    article gets exact and close matches from them, incrementally as in a clean run."""
    shared = "For more information, call the hotline 1280 or visit the post office."
    project.write("content/news/a.md", f"---\ntitle: A\ndate: 2025-01-01\n---\n{shared}\n\nOnly in A.\n")
    assert project.run("extract") == 0
    catalog = project.root / "locale/km/LC_MESSAGES/news/a.po"

    def translate(text: str) -> None:
        catalog.write_text(catalog.read_text(encoding="utf-8").replace(
            f'msgid "{shared}"\nmsgstr ""', f'msgid "{shared}"\nmsgstr "{text}"').replace(
            'msgid "A"\nmsgstr ""', 'msgid "A"\nmsgstr "ក"'), encoding="utf-8")

    def compare(name: str) -> dict[str, bytes]:
        clean = tmp_path / name
        shutil.copytree(project.root, clean, ignore=shutil.ignore_patterns(".cache"))
        assert project.run("extract") == 0
        assert Project(clean).run("extract") == 0
        assert tree(project.root, "locale") == tree(clean, "locale")
        return tree(project.root, "locale")

    translate("សម្រាប់ព័ត៌មានបន្ថែម")
    project.write("content/news/b.md", f"---\ntitle: B\ndate: 2025-01-02\n---\n{shared}\n\n"
                                       f"{shared.replace('post office', 'main post office')}\n")
    files = compare("clean-b")
    b = {m.msgid: m for m in parse_po(files["locale/km/LC_MESSAGES/news/b.po"].decode(), "b.po").messages}
    assert b[shared].msgstr == "សម្រាប់ព័ត៌មានបន្ថែម" and not b[shared].fuzzy  # exact match from a.po
    close = b[shared.replace("post office", "main post office")]  # close match from a.po
    assert close.fuzzy and close.previous_msgid == shared and close.msgstr == "សម្រាប់ព័ត៌មានបន្ថែម"
    text = catalog.read_text(encoding="utf-8").replace("សម្រាប់ព័ត៌មានបន្ថែម", "ព័ត៌មានថ្មី")
    catalog.write_text(text, encoding="utf-8")  # a.md unchanged: only its catalog tells the memory
    project.write("content/news/c.md", f"---\ntitle: C\ndate: 2025-01-03\n---\n{shared}\n")
    files = compare("clean-c")
    c = {m.msgid: m for m in parse_po(files["locale/km/LC_MESSAGES/news/c.po"].decode(), "c.po").messages}
    assert c[shared].msgstr == "ព័ត៌មានថ្មី"


def test_parallel_extract_equals_a_serial_one(project: Project, tmp_path: Path) -> None:
    for n in range(30):
        project.write(f"content/news/a{n}.md", _article(n, ["post", "office", "parcel", "letter"]))
    assert project.run("extract", "--jobs", "1") == 0
    catalogs = sorted((project.root / "locale/km/LC_MESSAGES/news").glob("*.po"))
    for path in catalogs[::3]:
        path.write_text(path.read_text(encoding="utf-8").replace('msgstr ""\n\n', 'msgstr "ប្រែ"\n\n'),
                        encoding="utf-8")
    for n in range(30, 60):  # new articles close to the old ones: the memory is asked often
        project.write(f"content/news/a{n}.md", _article(n - 30, ["post", "office", "parcel", "letter"])
                      .replace("Article", "Story"))
    serial = tmp_path / "serial"
    shutil.copytree(project.root, serial)
    assert project.run("extract", "--jobs", "2") == 0
    assert Project(serial).run("extract", "--jobs", "1") == 0
    assert tree(project.root, "locale") == tree(serial, "locale")
    assert any("#, fuzzy" in text.decode() for text in tree(project.root, "locale").values())


def test_cache_is_safe_to_delete_or_damage(project: Project) -> None:
    for n in range(6):
        project.write(f"content/news/a{n}.md", _article(n, ["post", "office"]))
    assert project.run("extract") == 0
    before = tree(project.root, "locale")
    for path in (project.root / ".cache/pipeline").glob("*"):
        if path.is_file():
            path.write_bytes(b"not what it was")
    project.write("content/news/a9.md", _article(9, ["post", "office"]))
    assert project.run("extract") == 0
    shutil.rmtree(project.root / ".cache")
    assert project.run("extract") == 0
    after = tree(project.root, "locale")
    assert {k: v for k, v in after.items() if "a9" not in k} == before


@pytest.mark.parametrize("seed", [4, 5])
@pytest.mark.parametrize("speculate", [publish.SPECULATE, 0])
def test_repeated_builds_equal_a_clean_build(project: Project, tmp_path: Path, seed: int, speculate: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """With pages rendered while articles are read (as a build that reads many does) and without."""
    monkeypatch.setattr(publish, "SPECULATE", speculate)
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


def _stamps(root: Path) -> dict[str, tuple[int, int, int]]:
    found = {}
    for folder in ("content", "locale", "templates"):
        for path in (root / folder).rglob("*"):
            if path.is_file():
                info = path.stat()
                found[str(path)] = (info.st_size, info.st_mtime_ns, info.st_ino)
    return found


@pytest.mark.parametrize("seed", [7, 8, 9, 10])
def test_the_preview_told_what_changed_gives_what_a_clean_run_gives(project: Project, tmp_path: Path,
                                                                     seed: int) -> None:
    """What `pipeline serve` does between saves: each rebuild is told only which files changed (as
    the file watcher reports them); some fail (a broken article, a missing image) and a later save
    repairs them. After each rebuild that succeeds, catalogs and preview equal clean runs."""
    rng = random.Random(seed)
    shutil.copytree(REPO / "templates", project.root / "templates")
    for n in range(8):
        project.write(f"content/news/a{n}.md", _article(n, ["post", "office", "parcel", "letter"]))
    preview = Preview(load_config(project.root), project.root / "preview")
    preview.rebuild(today=dt.date(2025, 9, 1))
    broken: list[tuple[Path, bytes]] = []
    for step in range(16):
        before = _stamps(project.root)
        if broken and rng.random() < 0.6:  # the mistake is put right
            path, data = broken.pop()
            path.write_bytes(data)
            actions = ["repair"]
        elif not broken and rng.random() < 0.25:  # a mistake, saved along with a good change
            path = rng.choice(sorted((project.root / "content/news").glob("*.md")))
            broken.append((path, path.read_bytes()))
            path.write_text(path.read_text(encoding="utf-8").replace("title:", "title: [unclosed", 1)
                            if rng.random() < 0.5 else path.read_text(encoding="utf-8") + "\n![gone](missing.jpg)\n",
                            encoding="utf-8")
            actions = ["break", _extract_edit(project, rng)]
        else:
            actions = [_extract_edit(project, rng) for _ in range(rng.choice([1, 1, 2]))]
        time.sleep(0.01)
        after = _stamps(project.root)
        changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
        try:
            preview.rebuild(changed, today=dt.date(2025, 9, 1))
        except PipelineError:
            assert broken, f"step {step} after {actions}"
            continue
        assert not broken or not broken[-1][0].exists(), f"step {step} after {actions}: a mistake went unnoticed"
        clean = tmp_path / f"clean-{step}"
        shutil.copytree(project.root, clean, ignore=shutil.ignore_patterns(".cache", "preview", ".preview*"))
        assert Project(clean).run("extract") == 0
        assert Project(clean).run("build", "--now", "2025-09-01", "--drafts", "--min-translated", "0",
                                  "--out", str(clean / "preview")) in (0, 1)
        if not preview.unextracted:  # (a translator's save alone is published, and extracted later)
            assert tree(project.root, "locale") == tree(clean, "locale"), f"step {step} after {actions}"
        assert tree(project.root, "preview") == tree(clean, "preview"), f"step {step} after {actions}"
        shutil.rmtree(clean)
    preview.close()
    while broken:
        path, data = broken.pop()
        path.write_bytes(data)
    assert project.run("extract") == 0 and project.run("build", "--now", "2025-09-01") in (0, 1)  # the saved caches
