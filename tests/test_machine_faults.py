"""Faults of the machine: a full disk, a read-only or immutable folder, a catalog or a cache that
cannot be written, a reader that goes away. Every command then stops with one located line
(`path: error: reason [system]`), exit status 1 and no traceback, leaves no temporary file behind,
and what was there before (articles, catalogs, the site, the Markdown export) is byte for byte as it
was.

The faults are real ones, made by the kernel: a small tmpfs filled to a chosen level (ENOSPC), a
read-only bind mount (EROFS, or EBUSY when the output folder itself is the mount point),
`chattr +i` (EPERM). They need root (chmod means nothing to root); each test skips when mount or
chattr is not permitted, and always unmounts and lifts the attribute afterwards."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator

import pytest

from conftest import REPO, Project, snapshot
from pipeline.po import format_po, parse_po

NOW = "2025-09-01"
ASTRO = REPO / "tests" / "fixtures" / "import" / "astro-site"
PAGE = 4096
REASONS = {"full": "no space left on device", "read-only": "read-only file system",
           "immutable": "operation not permitted", "mount-point": "device or resource busy"}
LOCATED = re.compile(r"^(?P<path>\S[^\n]*?): error: (?P<reason>[a-z ,'-]+) \[system\]$")


# --- faults ------------------------------------------------------------------------------------------


def _root_tool(*command: str) -> None:
    """Run mount, umount or chattr; skip the test when the machine does not permit it."""
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed")
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"`{' '.join(command)}` is not permitted here: {result.stderr.strip()}")


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "16m") -> Iterator[Path]:
    """A tmpfs of `size` mounted on `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    _root_tool("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(disk: Path, free: int) -> None:
    """Fill the file system of `disk` until only `free` bytes are left."""
    filler = disk / "filler"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for chunk in (1 << 20, PAGE):
            with contextlib.suppress(OSError):
                while True:
                    os.write(handle, b"\0" * chunk)
    finally:
        os.close(handle)
    os.truncate(filler, max(0, filler.stat().st_size - free))


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """`folder` (and everything under it) read-only: a bind mount of itself, remounted read-only."""
    _root_tool("mount", "--bind", str(folder), str(folder))
    try:
        _root_tool("mount", "-o", "remount,bind,ro", str(folder))
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    """`path` immutable (`chattr +i`), with everything under it when it is a folder."""
    _root_tool("chattr", "-R", "+i", str(path))
    try:
        yield
    finally:
        subprocess.run(["chattr", "-R", "-i", str(path)], check=False)


# --- the project ---------------------------------------------------------------------------------------

ARTICLES = 6


def _article(n: int, extra: str = "") -> str:
    return (f"---\ntitle: Article {n}\ndate: 2025-08-{1 + n:02d}\nimage: ../assets/news/p{n}.jpg\n---\n"
            f"## Heading {n}\n\nFirst paragraph of article {n}.\n\nSecond paragraph.{extra}\n")


def _translate(root: Path) -> None:
    for path in (root / "locale/km/LC_MESSAGES/news").glob("*.po"):
        catalog = parse_po(path.read_text(encoding="utf-8"), path.name)
        messages = tuple(dataclasses.replace(m, msgstr="ប្រែ " + m.msgid, flags=()) for m in catalog.messages)
        path.write_text(format_po(dataclasses.replace(catalog, messages=messages)), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with translated articles, extracted and built (with a Markdown export) twice, so
    that the spare trees exist too; each test works on a copy of it."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1755043200")
    project = Project(tmp_path_factory.mktemp("faults") / "project")
    shutil.copytree(REPO / "templates", project.root / "templates")
    (project.root / "content/assets/news").mkdir(parents=True)
    for n in range(ARTICLES):
        project.write(f"content/news/a{n}.md", _article(n))
        (project.root / f"content/assets/news/p{n}.jpg").write_bytes(bytes([n]) * 3000)
    assert project.run("extract") == 0
    _translate(project.root)
    for _ in range(2):
        assert project.run("build", "--now", NOW, "--markdown", str(project.root / "export")) == 0
        (project.root / "templates/base.html").write_text(
            (project.root / "templates/base.html").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    return project.root


def _place(built: Path, where: Path) -> Path:
    root = where / "project"
    shutil.copytree(built, root, symlinks=True)
    return root


def _edit_articles(root: Path) -> None:
    """Work for extract: every article changed, so every template and catalog is written again."""
    for n in range(ARTICLES):
        (root / f"content/news/a{n}.md").write_text(_article(n, f" Edited {n}."), encoding="utf-8")


def _edit_template(root: Path) -> None:
    """Work for build: every page looks different."""
    base = root / "templates/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- new look --></body>"),
                    encoding="utf-8")


def _no_work(root: Path) -> None:
    pass


@dataclasses.dataclass(frozen=True)
class Command:
    args: tuple[str, ...]
    work: Callable[[Path], None]

    def argv(self, root: Path) -> list[str]:
        return [arg.replace("{root}", str(root)) for arg in self.args]


COMMANDS = {
    "extract": Command(("extract",), _edit_articles),
    "build": Command(("build", "--now", NOW), _edit_template),
    "build-markdown": Command(("build", "--now", NOW, "--markdown", "{root}/export"), _edit_template),
    "import": Command(("import", str(ASTRO)), _no_work),
    "new": Command(("new", "news/fresh"), _no_work),
}


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "--root", str(root), *args], capture_output=True,
                          text=True, cwd=REPO, timeout=300,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1755043200"})


def leftovers(root: Path) -> list[str]:
    """Temporary files and folders a command left (a spare tree, kept on purpose, is not one)."""
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if any(part.startswith(".") and part.endswith(".spare") for part in path.relative_to(root).parts):
            continue
        name = path.name
        if ".new-" in name or name.endswith(".tmp") or name.startswith(("staging-", ".probe")) \
                or name == ".pipeline-incomplete":
            found.append(relative)
    return found


def assert_one_located_line(result: subprocess.CompletedProcess, fault: str, places: tuple[str, ...]) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, result.stderr
    found = LOCATED.match(errors[0])
    assert found, errors[0]
    assert found["reason"] == REASONS[fault], errors[0]
    assert found["path"].startswith(places), (errors[0], places)


# --- a full disk ----------------------------------------------------------------------------------------

FREE_PAGES = (0, 1, 2, 3, 5, 8, 12, 17, 23, 30, 38, 47, 58, 70)


@pytest.mark.parametrize("free", FREE_PAGES)
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_full_disk_is_one_located_line_and_changes_nothing(built: Path, tmp_path: Path, name: str,
                                                            free: int) -> None:
    """The disk fills up at a different moment for each level: while staging catalogs, writing a
    page, an image, an export, the marker of a tree, the cache."""
    command = COMMANDS[name]
    with small_disk(tmp_path / "disk") as disk:
        root = _place(built, disk)
        command.work(root)
        before = snapshot(root)
        fill(disk, free * PAGE)
        result = run(root, *command.argv(root))
        assert leftovers(root) == []
        if result.returncode == 0:  # enough room after all: the command did its whole work
            assert free > 0, "a command succeeded on a disk with no room at all"
            return
        assert_one_located_line(result, "full", ("content", "locale", "site", "export", ".cache", ".site"))
        assert snapshot(root) == before


# --- read-only and immutable folders ------------------------------------------------------------------

# (command, fault, the folder it hits, where the line may point)
FOLDER_FAULTS = [
    ("extract", "read-only", ".", ("locale", ".cache", ".site")),
    ("extract", "read-only", "locale", ("locale",)),
    ("extract", "immutable", "locale", ("locale",)),
    ("extract", "read-only", ".cache", (".cache",)),
    ("extract", "immutable", ".cache", (".cache",)),
    ("build", "read-only", ".", (".site", "site", ".cache")),
    ("build", "mount-point", "site", ("site",)),
    ("build", "immutable", "site", ("site",)),
    ("build", "read-only", ".cache", (".cache",)),
    ("build", "immutable", ".cache", (".cache",)),
    ("build-markdown", "immutable", "site", ("site",)),
    ("build-markdown", "immutable", "export", ("export",)),
    ("build-markdown", "mount-point", "export", ("export",)),
    ("import", "read-only", ".", ("content", "locale")),
    ("import", "read-only", "locale", ("locale",)),
    ("import", "immutable", "locale", ("locale",)),
    ("import", "immutable", "content", ("content",)),
    ("new", "read-only", "content", ("content",)),
    ("new", "immutable", "content", ("content",)),
]


@pytest.mark.parametrize("name, fault, folder, places", FOLDER_FAULTS,
                         ids=[f"{c}-{f}-{d}" for c, f, d, _ in FOLDER_FAULTS])
def test_a_folder_that_cannot_be_written_is_one_located_line_and_changes_nothing(
        built: Path, tmp_path: Path, name: str, fault: str, folder: str, places: tuple[str, ...]) -> None:
    command = COMMANDS[name]
    root = _place(built, tmp_path)
    command.work(root)
    before = snapshot(root)
    target = root / folder
    with read_only(target) if fault in ("read-only", "mount-point") else immutable(target):
        result = run(root, *command.argv(root))
        assert leftovers(root) == []
        assert snapshot(root) == before
    assert_one_located_line(result, fault, places)
    assert leftovers(root) == []


# --- a catalog that cannot be replaced -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["extract", "import"])
def test_an_immutable_catalog_is_named_and_kept(built: Path, tmp_path: Path, name: str) -> None:
    """The other files of the run are each whole (the old or the new), the locked one untouched."""
    root = _place(built, tmp_path)
    if name == "import":
        assert run(root, "import", str(ASTRO)).returncode == 0
        args = ["import", str(ASTRO), "--force"]
        locked = root / "locale/km/LC_MESSAGES/news/library-opening.po"
        locked.write_text(locked.read_text(encoding="utf-8") + "\n# a translator's note, to keep\n", encoding="utf-8")
    else:
        _edit_articles(root)
        args = ["extract"]
        locked = root / "locale/km/LC_MESSAGES/news/a3.po"
    before = snapshot(root)
    with immutable(locked):
        result = run(root, *args)
    assert_one_located_line(result, "immutable", (locked.relative_to(root).as_posix(),))
    assert locked.read_bytes() == before[locked.relative_to(root).as_posix()]
    assert leftovers(root) == []
    for relative, data in snapshot(root).items():
        if relative.endswith((".po", ".pot")):
            parse_po(data.decode("utf-8"), relative)  # whole
    assert run(root, *args).returncode == 0  # once the file may change again, the command goes through


# --- a reader that goes away ---------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["status"], ["status", "--json"], ["-v", "extract"]], ids=" ".join)
def test_a_reader_that_goes_away_causes_no_traceback(built: Path, tmp_path: Path, args: list[str]) -> None:
    """`pipeline status | head -1`: more output than a pipe holds (64 KiB), and a reader that stops
    after one line."""
    root = _place(built, tmp_path)
    for n in range(1000):
        (root / f"content/news/an-article-with-a-long-name-to-fill-the-pipe-{n:04d}.md").write_text(
            _article(n % ARTICLES), encoding="utf-8")
    command = " ".join([sys.executable, "-m", "pipeline.cli", "--root", str(root), *args])
    result = subprocess.run(["bash", "-c", f"set -o pipefail; {command} | head -1"], capture_output=True,
                            text=True, cwd=REPO, timeout=300)
    assert len(result.stdout.splitlines()) == 1
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr
    assert result.returncode == 141, result.stderr  # as a process that SIGPIPE ended
