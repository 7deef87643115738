"""`pipeline serve` as a process: one save is one rebuild, whatever way the editor saves, and a
reader of its output that goes away ends it quietly."""

from __future__ import annotations

import itertools
import os
import queue
import shlex
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO
from pipeline.cli import EXIT_BROKEN_PIPE

ARTICLE = "content/news-and-events/article-19.md"
CATALOG = "locale/km/LC_MESSAGES/news-and-events/article-19.po"
QUIET = 3.0  # seconds without a further "rebuilt" line after the first one
_edits = itertools.count(1)


def _copy_sample(root: Path) -> Path:
    for folder in ("content", "locale", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def _serve_command(root: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline.cli", "--root", str(root), "serve", "--port", "0"]


class Served:
    """A running `pipeline serve`, its output lines read as they come."""

    def __init__(self, root: Path):
        self.root = root
        self.process = subprocess.Popen(_serve_command(root), cwd=REPO, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for("serving")

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, start: str, timeout: float = 90) -> list[str]:
        """The lines up to and including the first that starts with `start`."""
        seen, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                seen.append(self.lines.get(timeout=0.2))
            except queue.Empty:
                continue
            if seen[-1].startswith(start):
                return seen
        raise AssertionError(f"no line starting {start!r} in time; got {seen}")

    def lines_for(self, seconds: float) -> list[str]:
        seen, deadline = [], time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                seen.append(self.lines.get(timeout=0.1))
            except queue.Empty:
                pass
        return seen

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    served = Served(_copy_sample(tmp_path_factory.mktemp("serve") / "project"))
    yield served
    served.stop()


def _edited(relative: str, text: str) -> str:
    """The file's text with one more change of the kind a writer or a translator makes."""
    n = next(_edits)
    if relative.endswith(".md"):
        return text.rstrip("\n") + f"\n\nA paragraph added by save number {n}.\n"
    assert 'msgstr "រូបភាពទី' in text
    return text.replace('msgstr "រូបភាពទី', f'msgstr "{n} រូបភាពទី', 1)


def _in_place(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _temporary_then_rename(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp~")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _twice_quickly(path: Path, text: str) -> None:
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    time.sleep(0.05)
    path.write_text(text, encoding="utf-8")


SAVES = {"in place": _in_place, "temporary file renamed": _temporary_then_rename,
         "two writes 50 ms apart": _twice_quickly}


@pytest.mark.parametrize("save", SAVES)
@pytest.mark.parametrize("relative", [ARTICLE, CATALOG])
def test_one_save_is_one_rebuild(served: Served, relative: str, save: str) -> None:
    served.lines_for(0.5)  # (nothing left over from an earlier save)
    path = served.root / relative
    SAVES[save](path, _edited(relative, path.read_text(encoding="utf-8")))
    lines = served.wait_for("rebuilt") + served.lines_for(QUIET)
    assert sum(line.startswith("rebuilt") for line in lines) == 1, lines
    assert not any("error" in line for line in lines), lines


def test_the_saved_translation_is_in_the_preview(served: Served) -> None:
    """The rebuild that a catalog written by extraction no longer causes was not needed: the page
    already shows what was saved."""
    path = served.root / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\n\nA sentence to translate.\n", encoding="utf-8")
    served.wait_for("rebuilt")
    served.lines_for(QUIET)
    catalog = (served.root / CATALOG).read_text(encoding="utf-8")
    assert 'msgid "A sentence to translate."' in catalog
    page = served.root / ".cache/preview/km/news-and-events/article-19/index.html"
    assert "A sentence to translate." in page.read_text(encoding="utf-8")  # untranslated: the English shows


@pytest.mark.parametrize("reader", ["head -1", "head -2", "head -c 1"])
def test_a_reader_that_goes_away_ends_serve_quietly(tmp_path: Path, reader: str) -> None:
    root = _copy_sample(tmp_path / "project")
    errors = tmp_path / "stderr"
    command = f"set -o pipefail; {shlex.join(_serve_command(root))} 2>{shlex.quote(str(errors))} | {reader}"
    process = subprocess.Popen(["bash", "-c", command], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert process.stdout.read(1)  # the reader has what it wanted ...
    article = root / ARTICLE
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:  # ... and each save makes serve print
        article.write_text(article.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
        time.sleep(2)
    if process.poll() is None:
        process.kill()
        pytest.fail(f"serve went on after its reader left: {errors.read_text()}")
    assert process.returncode == EXIT_BROKEN_PIPE, errors.read_text()
    assert errors.read_text() == ""
