"""Shared fixtures: the corpora folder, throw-away projects, running the CLI in-process."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def corpora_dir() -> Path:
    return Path(os.environ.get("PIPELINE_CORPORA", REPO / ".." / "shared" / "corpora")).resolve()


@pytest.fixture
def corpora() -> Path:
    folder = corpora_dir()
    if not folder.is_dir():
        pytest.skip(f"corpora not found at {folder} (set PIPELINE_CORPORA)")
    return folder


def needs_gettext() -> None:
    if shutil.which("msgcat") is None or shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext (msgcat, msgfmt) is not installed")


PYPROJECT = """
[tool.pipeline]
project = "test-site"
version = "1.0"
languages = ["en", "km"]
default_language = "en"
base_url = "https://news.example.org"

[tool.pipeline.collections.centers]
translate = ["name", "description", "contact.address", "facilities[*]", "team.member[*].role"]
"""


class Project:
    """A temporary project folder with helpers to write articles and run commands."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def read(self, relative: str) -> str:
        return (self.root / relative).read_text(encoding="utf-8")

    def run(self, *args: str) -> int:
        from pipeline.cli import main

        return main(["--root", str(self.root), "-q", *args])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1755043200")  # 2025-08-13 00:00 UTC
    return Project(tmp_path / "site-project")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own sample site, built once per test session into a temporary folder."""
    from pipeline.cli import main

    out = tmp_path_factory.mktemp("sample") / "site"
    code = main(["--root", str(REPO), "-q", "build", "--out", str(out), "--now", "2026-01-01"])
    assert code == 0, "building the sample site failed"
    return out


CHROMIUM = Path("/usr/bin/chromium")


def _chromedriver() -> str | None:
    found = shutil.which("chromedriver")
    if found:
        return found
    for candidate in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"):
        if Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory):
    if not CHROMIUM.is_file():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (Debian package `chromium`)")
    driver_path = _chromedriver()
    if driver_path is None:
        pytest.skip("chromedriver is not installed (Debian package `chromium-driver`)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-default-apps", "--disable-extensions", "--no-first-run",
                     "--no-default-browser-check", "--hide-scrollbars", "--window-size=1280,900",
                     f"--user-data-dir={profile}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
