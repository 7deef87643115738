"""A real headless Chromium reads the built sample site over HTTP, as a reader's browser would.

The Khmer article must be drawn with the self-hosted Noto Sans Khmer (no Khmer font is needed on
the machine: the site ships its own), every line of Khmer text must be at least 1.7 times as tall
as its font size, and the pages must fit a phone screen without scrolling sideways. Screenshots
go to each test's temporary folder.

Needs Debian's `chromium` and `chromium-driver` and the `selenium` package (`.ci/run` installs
them); skipped when they are missing. Nothing is downloaded: the browser only talks to a local
HTTP server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from searchtruth import served

KHMER_ARTICLE = "km/news-and-events/article-19/"
FONT = "Noto Sans Khmer"


@pytest.fixture(scope="module")
def site_url(sample_site: Path) -> Iterator[str]:
    """The built sample site served on a free port of 127.0.0.1, so that /static/… resolves."""
    with served(sample_site) as url:
        yield url


def _open(driver, url: str, width: int = 1280, height: int = 900, mobile: bool = False) -> None:
    """Load `url` in a viewport of the given size and wait until its web fonts are ready."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
    driver.get(url)
    status = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "document.fonts.ready.then(() => done(document.fonts.status), e => done('error: ' + e));")
    assert status == "loaded", status


def _screenshot(driver, path: Path) -> Path:
    """A PNG of the whole page (not only the viewport)."""
    import base64

    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                             "clip": _page_box(driver)})
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    return path


def _page_box(driver) -> dict:
    width, height = driver.execute_script(
        "const e = document.documentElement; return [e.scrollWidth, e.scrollHeight];")
    return {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}


def _platform_fonts(driver, selector: str) -> list[dict]:
    """Which fonts Chromium really used to draw the text of `selector` (DevTools protocol)."""
    driver.execute_cdp_cmd("DOM.enable", {})
    driver.execute_cdp_cmd("CSS.enable", {})
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, f"no element matches {selector!r}"
    return driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


# Every element whose own text contains Khmer letters, with its computed font and line-height.
KHMER_TEXT_METRICS = """
const khmer = /[\\u1780-\\u17FF\\u19E0-\\u19FF]/;
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const seen = new Set(), found = [];
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const element = node.parentElement;
  if (!khmer.test(node.data) || seen.has(element)) continue;
  seen.add(element);
  const style = getComputedStyle(element);
  const rect = element.getBoundingClientRect();
  if (rect.width === 0 && rect.height === 0) continue;  // not shown (e.g. the skip link's parent is)
  found.push({tag: element.tagName.toLowerCase(), cls: element.className, text: node.data.trim().slice(0, 30),
              family: style.fontFamily, fontSize: parseFloat(style.fontSize), lineHeight: style.lineHeight});
}
return found;
"""


def test_khmer_article_is_drawn_with_the_self_hosted_noto_sans_khmer(browser, site_url: str, tmp_path: Path) -> None:
    _open(browser, site_url + KHMER_ARTICLE)
    assert browser.execute_script("return document.documentElement.lang") == "km"

    # the CSS font loading API: the face is declared, loaded, and covers Khmer letters
    faces = browser.execute_script(
        "return Array.from(document.fonts).map(f => [f.family.replace(/[\"']/g, ''), f.weight, f.status]);")
    assert [FONT, "400", "loaded"] in faces, faces
    assert browser.execute_script(f"return document.fonts.check('16px \"{FONT}\"', 'ក');")

    # …and it came from this site, not from a system font or another server
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(r => r.name);")
    assert any(r.startswith(site_url + "static/fonts/") and r.endswith(".woff2") for r in resources), resources
    assert all(r.startswith(site_url) for r in resources), resources

    # what Chromium really drew the heading and a body paragraph with
    for selector in ("h1", ".body p"):
        fonts = _platform_fonts(browser, selector)
        main = max(fonts, key=lambda f: f["glyphCount"])
        assert main["familyName"] == FONT and main["isCustomFont"], (selector, fonts)
        assert main["glyphCount"] >= 0.9 * sum(f["glyphCount"] for f in fonts), (selector, fonts)

    # the bold face is used where Khmer is bold (the heading)
    weights = browser.execute_script(
        "return Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.weight);")
    assert "700" in weights, weights

    # Khmer needs tall lines: every element holding Khmer text, headings included
    metrics = browser.execute_script(KHMER_TEXT_METRICS)
    assert len(metrics) >= 5, metrics
    for m in metrics:
        assert m["family"].replace('"', "").startswith(FONT), m
        assert m["lineHeight"].endswith("px"), m  # "normal" would be too tight for Khmer
        assert float(m["lineHeight"][:-2]) / m["fontSize"] >= 1.7 - 1e-6, m
    assert any(m["tag"] == "h1" for m in metrics) and any(m["tag"] == "p" for m in metrics)

    shot = _screenshot(browser, tmp_path / "km-article.png")
    assert shot.stat().st_size > 10_000


# Lazy images load when scrolled near: make them eager and wait for each (a broken one rejects).
IMAGES_THAT_FAIL = """
const done = arguments[arguments.length - 1];
const images = Array.from(document.images);
images.forEach(i => { i.loading = "eager"; });
Promise.all(images.map(i => i.decode().then(() => null, () => i.src))).then(r => done(r.filter(Boolean)));
"""


@pytest.mark.parametrize("page", [
    KHMER_ARTICLE,
    "en/news-and-events/article-19/",
    "km/news-and-events/",
    "en/guides/track-a-parcel/",
    "",
])
def test_pages_fit_a_phone_and_a_desktop_screen(browser, site_url: str, tmp_path: Path, page: str) -> None:
    name = page.strip("/").replace("/", "-") or "root"
    for width, mobile in ((1280, False), (390, True)):
        _open(browser, site_url + page, width=width, height=844, mobile=mobile)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
        assert overflow <= 0, f"{page or '/'} scrolls sideways by {overflow}px at {width}px"
        assert browser.execute_async_script(IMAGES_THAT_FAIL) == []
        _screenshot(browser, tmp_path / f"{name}-{width}.png")
    if page.startswith("en/"):
        # the switcher names Khmer in Khmer, drawn with the Khmer font even on English pages
        fonts = _platform_fonts(browser, ".switcher a")
        assert max(fonts, key=lambda f: f["glyphCount"])["familyName"] == FONT, fonts


# Each language's part of a bilingual page: its language as the browser computes it (`:lang()`),
# the font and size of its heading, and its box.
BILINGUAL_PARTS = """
return Array.from(document.querySelectorAll('main .greeting')).map(part => {
  const heading = part.querySelector('h1'), style = getComputedStyle(heading), box = part.getBoundingClientRect();
  return {lang: part.lang, isKm: part.matches(':lang(km)'), isEn: part.matches(':lang(en)'),
          headingKm: heading.matches(':lang(km)'), family: style.fontFamily, weight: style.fontWeight,
          size: parseFloat(style.fontSize), width: box.width, text: heading.textContent};
});
"""


@pytest.mark.parametrize("page", ["", "404.html"])
def test_the_root_and_404_pages_give_both_languages_equal_weight(browser, site_url: str, tmp_path: Path,
                                                                 page: str) -> None:
    _open(browser, site_url + page)
    parts = browser.execute_script(BILINGUAL_PARTS)
    assert [p["lang"] for p in parts] == ["en", "km"], parts
    english, khmer = parts
    assert english["isEn"] and not english["isKm"] and khmer["isKm"] and khmer["headingKm"], parts
    assert khmer["family"].replace('"', "").startswith(FONT), khmer
    assert not english["family"].replace('"', "").startswith(FONT), english
    assert english["weight"] == khmer["weight"] and abs(english["width"] - khmer["width"]) < 1, parts
    assert 0.9 <= khmer["size"] / english["size"] <= 1.25, parts  # Khmer a little larger, as in body text
    fonts = _platform_fonts(browser, "main .greeting:lang(km) h1")
    assert max(fonts, key=lambda f: f["glyphCount"])["familyName"] == FONT, fonts
    _screenshot(browser, tmp_path / f"{page.replace('.html', '') or 'root'}.png")
