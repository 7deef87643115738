"""The ground truth a site search is measured against, and the harness both searches run in.

The truth comes from the pages' own text, not from any search index: every published article
page of a built site (the `<article class="article">` of its `<main>`: the title and the body, a
data collection's values included but not their labels, without the breadcrumb, the date line and
the fallback notice; and the page's description, which lists and feeds show and the index
weighs), normalized as the search spec says (`pipeline.search.repair`, then the fold: lower case, ្ដ → ្ត, ឲ → ឱ, Khmer digits → Latin
digits, ៗ dropped). A page contains a word when its normalized text holds the normalized word
standing on its own edges: a Khmer word starts and ends at cluster boundaries (so តាកែវ is in
ខេត្តតាកែវ, but ក is not in ក្រ), a Latin word or a number is not glued to other letters or digits
(`18` is not in `2018`). A query of several words is true of the pages that contain all of them.

Also here: building the real ministry articles into a throw-away site, running Pagefind (the npm
package installed by `make test` into tests/generators/pagefind) on a copy of a built site, serving
a folder over HTTP, and the scripts that read both searches' results in Chromium.

Used by tests/test_search_browser.py and bench/search.py.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import threading
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import lxml.html

from pipeline.khmer.script import COENG, JOINER, MARKS, SPLIT_VOWELS, kind_of
from pipeline.search import folded, repair  # the index's own: the truth is read as the index reads text

REPO = Path(__file__).resolve().parents[1]
PAGEFIND = REPO / "tests" / "generators" / "pagefind" / "node_modules" / ".bin" / "pagefind"

# --- normalization (the search spec's `repair` and `fold`) ---------------------------------------


def normalize(text: str) -> str:
    return folded(repair(text))


# --- the pages of a built site -------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    url: str  # the site path, e.g. /km/news-and-events/x/
    lang: str  # the language it is written in
    title: str
    text: str  # title and body, normalized
    paired: frozenset[str]  # the languages of its paired pages


_LEFT_OUT = ".breadcrumb, .meta, .notice, dt, script, style"  # as Pagefind's --exclude-selectors
_LEFT_OUT_XPATH = ".//*[contains(concat(' ', @class, ' '), ' breadcrumb ') or contains(concat(' ', @class, ' '), ' meta ')"\
                  " or contains(concat(' ', @class, ' '), ' notice ') or self::dt or self::script or self::style]"
_BLOCKS = {"p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "pre", "blockquote",
           "dd", "dt", "figcaption", "caption", "section", "ul", "ol", "table"}


def article_pages(site: Path) -> tuple[Page, ...]:
    """Every article page of the built site in `site`, in URL order."""
    pages = []
    for path in sorted(site.rglob("index.html")):
        document = lxml.html.fromstring(path.read_bytes())
        articles = document.xpath("//main//article[contains(concat(' ', @class, ' '), ' article ')]")
        if not articles:
            continue
        for unwanted in articles[0].xpath(_LEFT_OUT_XPATH):
            unwanted.drop_tree()
        relative = path.parent.relative_to(site).as_posix()
        lang = document.get("lang", "")
        paired = frozenset(link.get("hreflang") for link in document.xpath('//head/link[@rel="alternate"][@hreflang]')
                           if link.get("hreflang") not in ("x-default", lang))
        title = " ".join(articles[0].xpath(".//h1")[0].text_content().split())
        description = " ".join(document.xpath('//head/meta[@name="description"]/@content'))
        pages.append(Page(f"/{relative}/", lang, title, normalize(f"{_text(articles[0])} {description}"), paired))
    return tuple(pages)


def _text(element) -> str:
    """The text of an element, block elements kept apart by a space."""
    parts: list[str] = []

    def walk(node) -> None:
        block = isinstance(node.tag, str) and node.tag in _BLOCKS
        if block:
            parts.append(" ")
        if node.text and isinstance(node.tag, str):
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append(" ")

    walk(element)
    return " ".join("".join(parts).split())


def searchable(pages: Iterable[Page], lang: str) -> tuple[Page, ...]:
    """The pages a search in `lang` looks through: those written in `lang`, and those of other
    languages whose article is not published in `lang`."""
    return tuple(p for p in pages if p.lang == lang or lang not in p.paired)


# --- which pages contain a word ------------------------------------------------------------------

_LATIN = re.compile(r"[0-9a-z\u00c0-\u024f]")


def _khmer_letter(ch: str) -> bool:
    return "\u1780" <= ch <= "\u17ff" or "\u19e0" <= ch <= "\u19ff"


def _starts_clean(text: str, at: int, word: str) -> bool:
    if at == 0:
        return True
    before = text[at - 1]
    if _khmer_letter(word[0]):
        return before != COENG  # the word's first letter is not a subscript of the cluster before
    return not (_LATIN.match(before) and _LATIN.match(word[0]))


def _ends_clean(text: str, end: int, word: str) -> bool:
    if end == len(text):
        return True
    after = text[end]
    if _khmer_letter(word[-1]):
        return kind_of(after) not in (*MARKS, JOINER)  # not a mark of the word's last cluster
    return not (_LATIN.match(after) and _LATIN.match(word[-1]))


def contains(text: str, word: str) -> bool:
    """Whether normalized `text` holds normalized `word` on its own edges (see the module's doc)."""
    at = text.find(word)
    while at >= 0:
        if _starts_clean(text, at, word) and _ends_clean(text, at + len(word), word):
            return True
        at = text.find(word, at + 1)
    return False


def pages_with(pages: Iterable[Page], words: Iterable[str]) -> frozenset[str]:
    """The URLs of the pages that contain every word (each normalized first)."""
    wanted = [normalize(w) for w in words]
    return frozenset(p.url for p in pages if all(contains(p.text, w) for w in wanted))


def recall(found: Iterable[str], truth: frozenset[str]) -> float:
    return len(set(found) & truth) / len(truth) if truth else 1.0


def precision(found: Iterable[str], truth: frozenset[str]) -> float:
    found = set(found)
    return len(found & truth) / len(found) if found else 1.0


# --- variants of real words -----------------------------------------------------------------------

_SPLIT = {joined: a + b for (a, b), joined in SPLIT_VOWELS.items() if a + b != joined and joined not in (a, b)}


def split_vowel_variant(word: str) -> str:
    """`word` with every vowel that can be typed as two (ើ as េ+ី, ោ as េ+ា) typed as two."""
    return "".join(_SPLIT.get(ch, ch) for ch in word)


def khmer_digits(number: str) -> str:
    return "".join(chr(0x17E0 + int(d)) if d.isdigit() else d for d in number)


# --- the real ministry articles as a site --------------------------------------------------------


def build_ministry_site(corpora: Path, workdir: Path) -> Path:
    """The CTC site's real English/Khmer articles imported into a throw-away project under
    `workdir` and built (as tests/import_fidelity.py does); the built site's folder."""
    import import_fidelity as fidelity

    from pipeline.commands.importer import import_site

    spec = fidelity.SETS["mptc-ctc-website"]
    root = workdir / "ministry"
    root.mkdir(parents=True, exist_ok=True)
    config = fidelity._config(root, spec["collections"])
    report = import_site(config, corpora / "real-articles" / spec["source"], force=True)
    collections = {c: {"required": []} for c in {a.article_id.split("/", 1)[0] for a in report.articles}}
    for name, settings in spec["collections"].items():
        collections[name] = {**settings, "required": settings.get("required", ["title", "date"])}
    config = fidelity._config(root, collections)
    fidelity._replace_site_schemes(config)
    out = workdir / "ministry-site"
    fidelity._build_with_placeholders(config, out, workdir / "ministry-md")
    return out


# --- Pagefind ------------------------------------------------------------------------------------


def pagefind_missing() -> str | None:
    """Why Pagefind cannot run here, or None."""
    if not PAGEFIND.exists():
        return f"Pagefind is not installed at {PAGEFIND.relative_to(REPO)} (`make test` installs it with npm ci)"
    if shutil.which("node") is None:
        return "node is not installed (Pagefind's npm wrapper runs on it)"
    return None


def index_with_pagefind(site: Path, copy: Path) -> Path:
    """A copy of the built `site` at `copy` indexed by Pagefind as a site owner would set it up: the
    article element marked `data-pagefind-body` (so Pagefind indexes the article pages only) and
    the same parts left out as in the truth. The site itself is not touched. Returns `copy`."""
    shutil.copytree(site, copy)
    for path in copy.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        if '<article class="article">' in html:
            path.write_text(html.replace('<article class="article">', '<article class="article" data-pagefind-body>', 1),
                            encoding="utf-8")
    subprocess.run([str(PAGEFIND), "--site", str(copy), "--exclude-selectors", _LEFT_OUT, "--silent"],
                   check=True, capture_output=True, timeout=300)
    return copy


# JavaScript run in a page of the Pagefind copy: its search, and each result's URL (arguments[0]: the query).
PAGEFIND_SEARCH = """
const done = arguments[arguments.length - 1];
(async () => {
  const pagefind = await import('/pagefind/pagefind.js');
  await pagefind.init();
  const found = await pagefind.search(arguments[0]);
  const data = await Promise.all(found.results.map(r => r.data()));
  return {urls: data.map(d => d.url)};
})().then(done, e => done({error: String(e)}));
"""

# --- our search, read as a reader sees it -------------------------------------------------------

# Waits until the search page has answered (its status line says something, the list is not
# aria-busy, the first 20 excerpts are filled and nothing has changed for 0.3 s), then returns the
# status line and for each result its first link, the words marked in its excerpt and its links to
# the paired pages.
OUR_RESULTS = """
const done = arguments[arguments.length - 1];
const started = performance.now();
let last = null, steady = 0;
function read() {
  const list = document.getElementById('search-results');
  const status = document.querySelector('[aria-live]');
  const items = list ? Array.from(list.querySelectorAll(':scope > li')) : [];
  const results = items.map(li => {
    const a = li.querySelector('a[href]');
    return a ? {href: a.getAttribute('href'), url: new URL(a.href).pathname,
                lang: a.getAttribute('lang') || a.closest('[lang]').getAttribute('lang'),
                text: a.textContent.trim(),
                marks: Array.from(li.querySelectorAll('mark')).map(m => m.textContent),
                pairs: Array.from(li.querySelectorAll('a[hreflang]')).map(p => [p.getAttribute('hreflang'),
                                                                                 new URL(p.href).pathname])} : null;
  });
  return {results, status: status ? status.textContent.trim() : null, list: !!list};
}
(function poll() {
  const now = read(), key = JSON.stringify(now);
  steady = key === last ? steady + 1 : 0;
  last = key;
  const list = document.getElementById('search-results');
  const busy = list && list.getAttribute('aria-busy') === 'true';
  const excerpts = list ? Array.from(list.querySelectorAll(':scope > li')).slice(0, 20)
    .map(li => li.querySelector('.result-excerpt')).filter(Boolean) : [];
  const answered = now.status && !busy && !/\\u2026|\\.\\.\\.$/.test(now.status)
    && excerpts.every(e => e.textContent.trim());
  if ((answered && steady >= 3) || performance.now() - started > 20000) { done(now); return; }
  setTimeout(poll, 100);
})();
"""


# --- serving a folder ----------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    sent: list | None = None  # (path, bytes) of every file sent, when asked for

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass

    def copyfile(self, source, outputfile) -> None:
        if self.sent is not None:
            self.sent.append((urllib.parse.urlsplit(self.path).path, os.fstat(source.fileno()).st_size))
        super().copyfile(source, outputfile)


@contextmanager
def served(folder: Path, sent: list | None = None) -> Iterator[str]:
    """`folder` served on a free port of 127.0.0.1; yields its address, ending in '/'. Each file
    sent is appended to `sent` as (path, bytes) when a list is given."""
    handler = functools.partial(type("Handler", (_QuietHandler,), {"sent": sent}), directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name=f"serve-{folder.name}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
