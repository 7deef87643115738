"""Shared fixtures: the corpora folder, throw-away projects, running the CLI in-process."""

from __future__ import annotations

import filecmp
import os
import shutil
import textwrap
import xml.etree.ElementTree as ElementTree
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
        """Run the CLI in-process; after a successful build, every XML file it wrote must parse."""
        from pipeline.cli import main

        code = main(["--root", str(self.root), "-q", *args])
        if code == 0 and _command(args) == "build":
            assert_xml_well_formed(self.output_folder(args))
        return code

    def output_folder(self, args: tuple[str, ...]) -> Path:
        from pipeline.disk.project import load_config

        for index, arg in enumerate(args):
            if arg == "--out" and index + 1 < len(args):
                return Path(args[index + 1]).resolve()
            if arg.startswith("--out="):
                return Path(arg.split("=", 1)[1]).resolve()
        return load_config(self.root).site_dir


def _command(args: tuple[str, ...]) -> str | None:
    """The CLI command among `args` (global options before it take no value, --root aside)."""
    return next((arg for arg in args if not arg.startswith("-")), None)


def assert_xml_well_formed(folder: Path) -> None:
    """Every feed and sitemap (every *.xml) under `folder` is read by a real XML parser (expat);
    a failure names the file and expat's line and column."""
    for path in sorted(folder.rglob("*.xml")):
        try:
            ElementTree.parse(path)
        except ElementTree.ParseError as error:
            pytest.fail(f"{path}: not well-formed XML: {error}", pytrace=False)


GOOD = "---\ntitle: Good\ndate: 2025-08-13\n---\nA good paragraph.\n"


def with_one_translated_article(project: Project) -> Project:
    """The project with the templates, one article (GOOD) extracted, and its Khmer catalog filled."""
    shutil.copytree(REPO / "templates", project.root / "templates")
    project.write("content/news/good.md", GOOD)
    assert project.run("extract") == 0
    po = project.root / "locale/km/LC_MESSAGES/news/good.po"
    po.write_text(po.read_text(encoding="utf-8")
                  .replace('msgid "Good"\nmsgstr ""', 'msgid "Good"\nmsgstr "ល្អ"')
                  .replace('msgid "A good paragraph."\nmsgstr ""', 'msgid "A good paragraph."\nmsgstr "កថាខណ្ឌល្អ។"'),
                  encoding="utf-8")
    return project


def same_as_a_clean_build(project: Project, folder: Path, *build: str) -> None:
    """The site an incremental build left in the project is the one a build from nothing writes
    (`pipeline build` with the arguments `build`, in a copy of the project under `folder`,
    without its cache)."""
    clean = folder / "clean"
    shutil.copytree(project.root, clean, ignore=shutil.ignore_patterns(".cache", "site"))
    fresh = Project.__new__(Project)  # (its own pyproject.toml, copied: not the default one)
    fresh.root = clean
    assert fresh.run("build", *build) == 0
    comparison = filecmp.dircmp(project.root / "site", clean / "site")
    assert _identical(comparison), (comparison.left_only, comparison.right_only, comparison.diff_files)


def _identical(cmp: filecmp.dircmp) -> bool:
    if cmp.left_only or cmp.right_only or cmp.diff_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
    return not mismatch and not errors and all(_identical(sub) for sub in cmp.subdirs.values())


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file a user keeps or publishes: articles, catalogs, templates, the site, the export."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for folder in ("content", "locale", "templates", "site", "export")
            for p in sorted((root / folder).rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1755043200")  # 2025-08-13 00:00 UTC
    return Project(tmp_path / "site-project")


@pytest.fixture
def ready(project: Project) -> Project:
    """A project with one translated article, extracted and built once."""
    with_one_translated_article(project)
    assert project.run("build", "--now", "2025-09-01") == 0
    return project


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own sample site, built once per test session into a temporary folder."""
    from pipeline.cli import main

    out = tmp_path_factory.mktemp("sample") / "site"
    code = main(["--root", str(REPO), "-q", "build", "--out", str(out), "--now", "2026-01-01"])
    assert code == 0, "building the sample site failed"
    assert_xml_well_formed(out)
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
