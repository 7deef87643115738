"""A site published under a sub-path, as GitHub Pages publishes a project site under `/<repo>/`.

`base_url = "https://example.github.io/posts-site"` puts every link of every page under
`/posts-site/`, while canonical, feed and sitemap URLs are `base_url` + the page's path (the path
once, not twice). The sample site is built that way into `<tmp>/root/posts-site/`, `<tmp>/root`
is served over HTTP, and a real headless Chromium opens every page: each local link, stylesheet,
font, icon and image it names must be served (nothing broken, nothing outside `/posts-site/`).

The site is made for a web server: opened from disk (`file://`) its site paths point at the root
of the disk, which the README says (serve it with `python -m http.server -d site`)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from searchtruth import served as folder_served
from pipeline.config import Config
from pipeline.links import in_site

REPO = Path(__file__).resolve().parents[1]
BASE_URL = "https://example.github.io/posts-site"
BASE_PATH = "/posts-site"


@pytest.fixture(scope="module")
def subpath_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site built with a base URL that has a path, into `<tmp>/root/posts-site/`."""
    from pipeline.cli import main

    work = tmp_path_factory.mktemp("subpath")
    project = work / "project"
    for folder in ("content", "locale", "templates"):
        shutil.copytree(REPO / folder, project / folder)
    settings = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    settings, found = re.subn(r'(?m)^base_url = ".*"$', f'base_url = "{BASE_URL}"', settings)
    assert found == 1, "the sample's pyproject.toml has no base_url line to change"
    (project / "pyproject.toml").write_text(settings, encoding="utf-8")
    out = work / "root" / BASE_PATH.strip("/")
    code = main(["--root", str(project), "-q", "build", "--out", str(out), "--now", "2026-01-01"])
    assert code == 0, "building the sample site under a sub-path failed"
    return out


@pytest.fixture(scope="module")
def served(subpath_site: Path) -> Iterator[str]:
    """The folder above the site served on a free port: the site answers under /posts-site/ only."""
    with folder_served(subpath_site.parent) as url:
        yield url.rstrip("/")


@pytest.mark.parametrize(("base_url", "base_path"), [
    ("https://example.org", ""),
    ("https://ministry.github.io/posts-site", "/posts-site"),
    ("http://127.0.0.1:8000/a/b", "/a/b"),
    ("https://example.org/%E1%9E%80", "/%E1%9E%80"),
])
def test_the_base_path_is_the_path_of_the_base_url(base_url: str, base_path: str) -> None:
    assert Config(root=REPO, base_url=base_url).base_path == base_path


@pytest.mark.parametrize("base_path", ["", "/posts-site", "/a/b"])
@pytest.mark.parametrize(("url", "site_path"), [
    ("/", True), ("/en/news/x/", True), ("/static/style.css", True), ("/km/%E1%9E%80/#top", True),
    ("../x.md", False), ("photo.jpg", False), ("#top", False), ("?page=2", False),
    ("https://example.org/en/", False), ("mailto:a@example.org", False), ("//evil.example/x", False),
])
def test_only_site_paths_get_the_base_path(base_path: str, url: str, site_path: bool) -> None:
    assert in_site(base_path, url) == (base_path + url if site_path else url)


def test_absolute_urls_carry_the_sub_path_once(subpath_site: Path) -> None:
    """Canonical, alternate, og, feed and sitemap URLs are the base URL + the page path."""
    texts = {path: path.read_text(encoding="utf-8") for path in subpath_site.rglob("*")
             if path.suffix in (".html", ".xml")}
    assert len(texts) > 10
    for path, text in texts.items():
        assert BASE_PATH + BASE_PATH not in text, path
        assert "https://example.github.io/" not in text.replace(BASE_URL + "/", ""), path
    locs = re.findall(r"<loc>(.*?)</loc>", texts[subpath_site / "sitemap.xml"])
    assert locs and all(loc.startswith(BASE_URL + "/") for loc in locs)
    article = texts[subpath_site / "en/news-and-events/article-19/index.html"]
    assert f'<link rel="canonical" href="{BASE_URL}/en/news-and-events/article-19/">' in article


_LOCAL_URLS = """
const local = u => { try { const x = new URL(u, location.href); return x.origin === location.origin
                          ? x.href.split('#')[0] : null; } catch (e) { return null; } };
const named = [...document.querySelectorAll('a[href], link[href], img[src], script[src], source[srcset]')]
  .map(e => e.getAttribute('href') ?? e.getAttribute('src') ?? e.getAttribute('srcset'));
const loaded = performance.getEntriesByType('resource').map(r => r.name);
return [...new Set([...named, ...loaded].map(local).filter(u => u))];
"""

_CHECK_URLS = """
const [urls, done] = [arguments[0], arguments[arguments.length - 1]];
Promise.all(urls.map(u => fetch(u, {method: 'HEAD'}).then(r => [u, r.status], e => [u, String(e)])))
  .then(done);
"""

_RESOURCES = """
return performance.getEntriesByType('resource').map(r => [r.name, r.initiatorType, r.responseStatus]);
"""


def _pages(site: Path) -> list[str]:
    """Every HTML page of the site, as its URL path under the base path (folders end with /)."""
    found = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        found.append(BASE_PATH + "/" + (relative[: -len("index.html")] if relative.endswith("index.html") else relative))
    return found


def test_every_page_works_under_the_sub_path(browser, served: str, subpath_site: Path) -> None:
    pages = _pages(subpath_site)
    assert len(pages) > 10
    broken, outside, fonts = [], [], set()
    for page in pages:
        browser.get(served + page)
        status = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "document.fonts.ready.then(() => done(document.fonts.status), e => done('error: ' + e));")
        assert status == "loaded", (page, status)
        assert browser.execute_script("return [...document.styleSheets].filter(s => s.href).length") >= 1, page
        urls = browser.execute_script(_LOCAL_URLS)
        outside += [(page, url) for url in urls if not url.startswith(f"{served}{BASE_PATH}/")]
        checked = browser.execute_async_script(_CHECK_URLS, urls)
        broken += [(page, url, code) for url, code in checked if code != 200]
        for name, kind, code in browser.execute_script(_RESOURCES):
            if name.endswith(".woff2"):
                fonts.add(name)
            if code not in (0, 200):  # 0: the status of a cached resource is not always told
                broken.append((page, name, code))
    assert not outside, outside
    assert not broken, broken
    assert fonts, "no Khmer page loaded its web font"
    assert all(font.startswith(f"{served}{BASE_PATH}/static/fonts/") for font in fonts), fonts


_SEARCHED = """
const done = arguments[arguments.length - 1];
(function wait() {
  const list = document.getElementById('search-results');
  const excerpts = [...list.querySelectorAll('.result-excerpt')];
  if (list.getAttribute('aria-busy') !== 'false' || excerpts.some(e => !e.textContent)) return setTimeout(wait, 50);
  done([...list.querySelectorAll('a[href]')].map(a => a.href));
})();
"""


def test_the_search_works_under_the_sub_path(browser, served: str) -> None:
    """The search page finds its index, page records and texts under the base path, and its
    results and their paired pages link there."""
    browser.get(f"{served}{BASE_PATH}/km/search/?q=តាកែវ")
    links = browser.execute_async_script(_SEARCHED)
    assert len(links) >= 2 * 4, links  # four pages with Takeo, each with its English pair
    assert all(link.startswith(f"{served}{BASE_PATH}/") for link in links), links
    loaded = browser.execute_script(_RESOURCES)
    assert any("/search/text/" in name for name, _, _ in loaded), loaded
    assert all(name.startswith(f"{served}{BASE_PATH}/") and code in (0, 200) for name, _, code in loaded), loaded
    checked = browser.execute_async_script(_CHECK_URLS, links)
    assert all(code == 200 for _, code in checked), checked


def test_the_readme_says_how_to_open_the_site() -> None:
    """Site paths do not resolve from disk: the README must say to serve the folder instead."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "python -m http.server -d site" in readme
    assert "file://" in readme and "base_url" in readme


def test_the_preview_serves_the_site_at_the_root_of_its_port(subpath_site: Path, tmp_path: Path) -> None:
    """`pipeline serve` answers at `http://127.0.0.1:PORT/`, so its pages link from the root even when
    base_url has a path (canonical URLs aside, which nobody follows in a preview)."""
    import datetime as dt

    from pipeline.commands.preview import Preview
    from pipeline.disk.project import load_config

    project = subpath_site.parent.parent / "project"
    preview = Preview(load_config(project), tmp_path / "preview")
    try:
        preview.rebuild(today=dt.date(2026, 1, 1))
    finally:
        preview.close()
    page = (tmp_path / "preview/en/index.html").read_text(encoding="utf-8")
    assert 'href="/static/style.css"' in page and "/posts-site/static" not in page
