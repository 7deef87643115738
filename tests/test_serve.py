"""`pipeline serve` end to end in headless Chromium: a translator saves a .po, the page shows it."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO

# (without selenium the module is skipped, as the browser fixture would skip each test)
StaleElementReferenceException = pytest.importorskip("selenium.common.exceptions").StaleElementReferenceException

PAGE = "km/news-and-events/article-19/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path: Path):
    """A copy of the sample project, previewed by `pipeline serve` on a free port."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("pyproject.toml", "content", "locale", "templates"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "--root", str(root), "serve", "--port", str(port)],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"pipeline serve did not start: {process.stdout.read()}")
    try:
        yield root, url
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_for(browser, predicate, timeout: float = 10.0) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if predicate():
                return time.monotonic() - start
        except StaleElementReferenceException:  # the page reloaded while it was being read
            pass
        time.sleep(0.1)
    raise AssertionError("the page did not change in time")


def test_a_saved_translation_shows_on_the_open_khmer_page(browser, served, tmp_path: Path) -> None:
    root, url = served
    browser.get(url + PAGE)
    alts = lambda: [img.get_attribute("alt") for img in browser.find_elements("css selector", ".body img")]  # noqa: E731
    assert "រូបភាពទី១" in alts()
    po = root / "locale/km/LC_MESSAGES/news-and-events/article-19.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "រូបភាពទី១"' in text
    po.write_text(text.replace('msgstr "រូបភាពទី១"', 'msgstr "រូបថតទី១ ថ្មី"'), encoding="utf-8")
    seconds = _wait_for(browser, lambda: "រូបថតទី១ ថ្មី" in alts())  # the page reloads by itself
    assert seconds < 5
    browser.save_screenshot(str(tmp_path / "after-save.png"))


def test_a_broken_file_shows_the_located_error_and_recovers(browser, served) -> None:
    root, url = served
    browser.get(url + PAGE)
    article = root / "content/news-and-events/article-19.md"
    good = article.read_text(encoding="utf-8")
    article.write_text(good.replace("date: 2025-08-13", "date: [2025"), encoding="utf-8")
    _wait_for(browser, lambda: "could not be rebuilt" in browser.page_source)
    assert re.search(r"content/news-and-events/article-19\.md:\d+: error: invalid YAML", browser.page_source)
    article.write_text(good, encoding="utf-8")
    _wait_for(browser, lambda: "ម៉ៅ សិលា" in browser.page_source)


@pytest.mark.parametrize("broken, pattern", [
    ("locale/km/LC_MESSAGES/news-and-events/article-19.po",
     r"locale/km/LC_MESSAGES/news-and-events/article-19\.po:\d+: error: "),
    ("templates/article.html", r"templates/article\.html:\d+: error: template syntax"),
])
def test_a_broken_catalog_or_template_shows_on_the_open_page_and_recovers(browser, served, broken: str,
                                                                          pattern: str) -> None:
    """The Khmer page the translator has open shows the located error (not a bare 404), and the
    fixed page once the file is fixed."""
    root, url = served
    browser.get(url + PAGE)
    path = root / broken
    good = path.read_text(encoding="utf-8")
    path.write_text(good + ('\nmsgid "dangling\n' if broken.endswith(".po") else "\n{% if %}\n"), encoding="utf-8")
    _wait_for(browser, lambda: "could not be rebuilt" in browser.page_source)
    assert re.search(pattern, browser.page_source), browser.page_source
    path.write_text(good, encoding="utf-8")
    _wait_for(browser, lambda: "ម៉ៅ សិលា" in browser.page_source)
