"""The URL rule (`pipeline.urls`) agrees with a real browser's URL parser.

Whatever the rule lets through, Chromium must read as a path of this site or as an `http(s)`,
`mailto` or `tel` URL: generated URLs hide their scheme behind case, control characters, spaces,
tabs and line breaks, backslashes and missing slashes."""

from __future__ import annotations

import itertools

import pytest

from pipeline.urls import browser_form, is_external, url_problem

SCHEMES = ("javascript", "JaVaScRiPt", "vbscript", "data", "file", "blob", "filesystem", "ftp", "ws", "http",
           "https", "HTTPS", "mailto", "tel", "c", "x-custom")
BEFORE = ("", " ", "\t", "\n", "\r\n", "\x01", "\x1f", "\x00", " \x0b ")
INSIDE = ("", "\t", "\n", "\r")
AFTER = (":alert(1)", "://evil.example/x", ":/evil.example", ":\\\\evil.example", ":x@y.example", ":+855-23-123")
PATHS = ("", "/", "/km/news/", "../a.md", "photo.jpg", "@/assets/p.jpg", "#top", "?q=1", "//evil.example",
         "\\\\evil.example", "/\\evil.example", "\\/evil.example", " //evil.example", "\t/\t/evil.example",
         "./javascript:alert(1)", "%6Aavascript:alert(1)", "javascript%3Aalert(1)", "a:b", ":x")


def candidates() -> list[str]:
    found = [before + scheme[:2] + inside + scheme[2:] + after
             for before, scheme, inside, after in itertools.product(BEFORE, SCHEMES, INSIDE, AFTER)]
    found += [before + path for before, path in itertools.product(BEFORE, PATHS)]
    return list(dict.fromkeys(found))


CANDIDATES = candidates()

READ = """
const base = 'http://site.test/en/news/a/';
return arguments[0].map(u => { try { const x = new URL(u, base); return [x.protocol, x.host]; }
                              catch (e) { return null; } });
"""


def test_every_url_the_rule_allows_is_safe_for_chromium(browser) -> None:
    browser.get("about:blank")
    read = browser.execute_script(READ, CANDIDATES)
    allowed = 0
    problems = []
    for url, found in zip(CANDIDATES, read):
        if url_problem(url) is not None:
            continue
        allowed += 1
        if found is None:
            continue  # a URL the browser cannot parse leads nowhere
        protocol, host = found
        if is_external(url):
            ok = protocol in ("http:", "https:", "mailto:", "tel:")
        else:
            ok = (protocol, host) == ("http:", "site.test")
        if not ok:
            problems.append((url, found))
    assert problems == [], problems[:10]
    assert len(CANDIDATES) > 1000 and allowed > 100


def test_script_schemes_are_refused_however_they_are_written() -> None:
    refused = [u for u in CANDIDATES if browser_form(u).lower().startswith(("javascript:", "vbscript:", "data:"))]
    assert refused and all(url_problem(u) for u in refused)


@pytest.mark.parametrize("url", ["https://moeys.gov.kh/", "http://x.example", "mailto:info@mptc.gov.kh",
                                 "tel:+85523724809", "/km/news/", "../other.md", "photo.jpg", "@/assets/p.jpg",
                                 "#section", "?page=2", ""])
def test_what_articles_really_use_is_allowed(url: str) -> None:
    assert url_problem(url) is None
