"""The site search at scale (issue 20): index size per 1,000 articles, what a query loads, and how
long a query takes in Chromium, with Pagefind on the same built site as the baseline.

    .venv/bin/python bench/search.py [--n 1000] [--runs 9] [--work bench/.work] [--json FILE]

Builds the benchmark corpus of N articles (bench/generate.py; English + pseudo-Khmer, every article
in both languages, reused from bench/.work/ when already generated) with the repository's current
templates, indexes a copy of the built site with Pagefind (tests/generators/pagefind, installed by
`make test`), serves both on 127.0.0.1 and drives a headless Chromium (Debian's `chromium` and
`chromium-driver`):

- size: every file under `<lang>/search/` (ours: manifest, terms chunks, page records, and the
  per-page texts used for excerpts) and under `pagefind/` (theirs), raw and gzipped (level 6, as a
  web server would send them; the local server sends them raw);
- a query: one Khmer and one English word of typical frequency (on about 2 % of the pages), and two
  such words (the Khmer ones typed without a space, as Khmer is written). Ours: the time of
  `window.siteSearch.search(q)` on the search page (the ranked page records: URL, title, date);
  Pagefind's: `pagefind.search(q)` and `data()` of the first 20 results (what is needed to list
  them: URL, title, and its excerpt). Cold: a freshly loaded page with the HTTP cache disabled (for
  Pagefind this includes loading pagefind.js and its WebAssembly, which it needs before a first
  query); warm: the same query again in the same page. Median (and min) of --runs runs. Bytes:
  the resources the cold query fetched (performance.getEntriesByType('resource')), and what a
  reader's results page fetches (`/<lang>/search/?q=…` until the results are shown, excerpts of
  the first 20 included).

Not a test, CI does not run it: the figures are quoted in bench/README.md ("Search (issue 20)").
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import shutil
import statistics
import sys
import time
import urllib.parse
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(BENCH), str(REPO / "tests")]

import run as bench_run  # noqa: E402  (bench/run.py: the corpus and the command runner)
import searchtruth  # noqa: E402

from pipeline.khmer.script import BASE, kind_of  # noqa: E402
from pipeline.khmer.words import WordBreaker  # noqa: E402

FIRST_RESULTS = 20

# In the search page: time siteSearch.search(q) (arguments: the query).
OURS_QUERY = """
const done = arguments[arguments.length - 1];
(async () => {
  const since = performance.now();
  const records = await window.siteSearch.search(arguments[0]);
  return {ms: performance.now() - since, results: records.length, urls: records.slice(0, 3).map(r => r.url)};
})().then(done, e => done({error: String(e)}));
"""

# In a page of the Pagefind copy: the same for Pagefind (arguments: the query, how many results to show).
PAGEFIND_QUERY = """
const done = arguments[arguments.length - 1];
(async () => {
  const since = performance.now();
  window.__pagefind = window.__pagefind || await import('/pagefind/pagefind.js');
  await window.__pagefind.init();
  const found = await window.__pagefind.search(arguments[0]);
  const shown = await Promise.all(found.results.slice(0, arguments[1]).map(r => r.data()));
  return {ms: performance.now() - since, results: found.results.length, urls: shown.slice(0, 3).map(d => d.url)};
})().then(done, e => done({error: String(e)}));
"""


@dataclass(frozen=True)
class Served:
    """A folder served over HTTP, and the log of the files it sent (path, bytes)."""

    folder: Path
    url: str
    sent: list

    def weigh(self, paths: list[str]) -> dict:
        """The bytes of these files as sent (raw), and gzipped as a compressing server would send them."""
        files = [self.folder / urllib.parse.unquote(path).lstrip("/") for path in paths]
        files = [f / "index.html" if f.is_dir() else f for f in files]
        return {"files": len(files), "bytes": sum(f.stat().st_size for f in files),
                "gzip_bytes": sum(_gzipped(f) for f in files)}


@functools.lru_cache(maxsize=None)
def _gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def build_site(work: Path, n: int, seed: int) -> Path:
    """The corpus of n articles built with the current templates; the built site's folder."""
    runner = bench_run.Runner(pin=False, log=work / "search-bench.log", verbose=False)
    source = bench_run.corpus(work, n, seed, runner)
    root = bench_run.fresh_copy(source, work / f"search-{n}")
    shutil.rmtree(root / "templates")
    shutil.copytree(REPO / "templates", root / "templates")
    sample = runner.run(f"search-build-{n}", bench_run.pipeline_cmd(root, "build", "--now", "2026-01-01"))
    if sample.returncode:
        raise SystemExit(f"pipeline build failed; see {runner.log}")
    return root / "site"


def folder_size(folder: Path, pattern: str = "**/*") -> dict:
    files = [p for p in folder.glob(pattern) if p.is_file()]
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files),
            "gzip_bytes": sum(_gzipped(p) for p in files)}


def our_sizes(site: Path, languages: tuple[str, ...]) -> dict:
    """Per language: the index a query reads (manifest, terms, page records) and the excerpt texts."""
    sizes = {}
    for lang in languages:
        search = site / lang / "search"
        parts = [folder_size(search / "terms"), folder_size(search / "pages"), folder_size(search, "index.json")]
        sizes[lang] = {"index": _sum(parts), "texts": folder_size(search / "text")}
    return sizes


def _sum(parts) -> dict:
    total = Counter()
    for part in parts:
        total.update(part)
    return dict(total)


def typical_queries(pages: tuple[searchtruth.Page, ...], lang: str) -> list[tuple[str, tuple[str, ...]]]:
    """A one-word and a two-word query for `lang` (the Khmer ones typed without a space, as Khmer is
    written), each with the words the pages must contain. English: a word on about 2 % of the pages,
    then it and a word on about 20 %. Khmer: the generator's pseudo-Khmer draws every word from ~200
    real ones, so each is on a third of the pages or more: the rarest two of three clusters or more."""
    mine = [p for p in pages if p.lang == lang]
    if lang == "km":
        long_words = [w for w in bench_run.generate.KHMER if _clusters(w) >= 3]
        frequency = {w: len(searchtruth.pages_with(mine, [w])) for w in long_words}
        one, other = sorted(long_words, key=lambda w: (frequency[w], w))[:2]
        return [(one, (one,)), (one + other, (one, other))]
    breaker, counts = WordBreaker(), Counter()
    for page in mine:
        counts.update({w.text for w in breaker.words(page.text) if len(w.text) >= 4 and w.text.isalpha()})
    one = _nearest(counts, 0.02 * len(mine))
    other = _nearest(counts, 0.2 * len(mine))
    return [(one, (one,)), (f"{one} {other}", (one, other))]


def _nearest(counts: Counter, target: float) -> str:
    return min(counts, key=lambda w: (abs(counts[w] - target), w))


def _clusters(word: str) -> int:
    return sum(1 for ch in word if kind_of(ch) == BASE)


def timed(driver, site: Served, page: str, script: str, args: tuple, runs: int) -> dict:
    """Cold (a fresh page, no HTTP cache) and warm (again in the same page) runs of `script`, and the
    files the first cold run fetched."""
    cold, warm, fetched = [], [], []
    for _ in range(runs):
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})  # a Web Worker's fetches too (Pagefind's)
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        driver.get(site.url + page)
        site.sent.clear()
        first = driver.execute_async_script(script, *args)
        if "error" in first:
            raise SystemExit(f"{site.url}{page} {args}: {first['error']}")
        fetched = fetched or [path for path, _ in site.sent]
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
        cold.append(first)
        warm.append(driver.execute_async_script(script, *args))
    return {"results": cold[0]["results"], "first_urls": cold[0]["urls"], "cold": site.weigh(fetched),
            "cold_ms": _stats([c["ms"] for c in cold]), "warm_ms": _stats([w["ms"] for w in warm])}


def _stats(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 1), "min": round(min(values), 1)}


def reader_page(driver, site: Served, lang: str, query: str) -> dict:
    """What opening our results page fetched of the search index and texts, once the results
    (with the excerpts of the first 20) are shown."""
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    site.sent.clear()
    driver.get(f"{site.url}{lang}/search/?q={urllib.parse.quote(query)}")
    driver.execute_async_script(searchtruth.OUR_RESULTS)
    return site.weigh([path for path, _ in site.sent if "/search/" in path and path.endswith(".json")])


def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-extensions", "--no-first-run"):
        options.add_argument(argument)
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_script_timeout(120)
    driver.execute_cdp_cmd("Network.enable", {})
    return driver


def measure(n: int, seed: int, runs: int, work: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    site = build_site(work, n, seed)
    languages = tuple(p.parent.parent.name for p in sorted(site.glob("*/search/index.json")))
    pages = searchtruth.article_pages(site)
    report = {"articles": n, "pages": dict(Counter(p.lang for p in pages)), "ours": our_sizes(site, languages),
              "search_js": folder_size(site / "static", "search.js")}
    missing = searchtruth.pagefind_missing()
    copy = work / f"search-{n}-pagefind"
    if missing is None:
        if copy.exists():
            shutil.rmtree(copy)
        start = time.perf_counter()
        searchtruth.index_with_pagefind(site, copy)
        report["pagefind"] = {"index_seconds": round(time.perf_counter() - start, 1),
                              "size": folder_size(copy / "pagefind")}
    else:
        report["pagefind"] = {"missing": missing}
    driver = chromium()
    try:
        with ExitStack() as stack:
            ours = Served(site, stack.enter_context(searchtruth.served(site, sent := [])), sent)
            theirs = None
            if missing is None:
                theirs = Served(copy, stack.enter_context(searchtruth.served(copy, sent := [])), sent)
            report["queries"] = [query_row(driver, pages, lang, query, words, ours, theirs, runs)
                                 for lang in languages for query, words in typical_queries(pages, lang)]
    finally:
        driver.quit()
    return report


def query_row(driver, pages, lang: str, query: str, words: tuple[str, ...], ours: Served, theirs: Served | None,
              runs: int) -> dict:
    truth = searchtruth.pages_with(searchtruth.searchable(pages, lang), words)
    row = {"lang": lang, "query": query, "truth": len(truth),
           "ours": timed(driver, ours, f"{lang}/search/", OURS_QUERY, (query,), runs)}
    row["ours"]["reader_page"] = reader_page(driver, ours, lang, query)
    if theirs is not None:
        row["pagefind"] = timed(driver, theirs, f"{lang}/", PAGEFIND_QUERY, (query, FIRST_RESULTS), runs)
    return row


def table(report: dict) -> str:
    lines = [f"articles: {report['articles']} (pages per language: {report['pages']})", "",
             "| index | files | bytes | gzip |", "|---|---:|---:|---:|"]
    for lang, sizes in report["ours"].items():
        for part in ("index", "texts"):
            s = sizes[part]
            lines.append(f"| ours {lang} {part} | {s['files']} | {s['bytes']:,} | {s['gzip_bytes']:,} |")
    s = report["search_js"]
    lines.append(f"| ours: search.js (loaded with the search page) | {s['files']} | {s['bytes']:,} | {s['gzip_bytes']:,} |")
    if "size" in report["pagefind"]:
        s = report["pagefind"]["size"]
        lines.append(f"| Pagefind, both languages ({report['pagefind']['index_seconds']} s to index) | "
                     f"{s['files']} | {s['bytes']:,} | {s['gzip_bytes']:,} |")
    lines += ["", "| query | results: ours / Pagefind / truth | cold ms: ours / Pagefind | warm ms | "
              "cold query fetches, gzip bytes: ours / Pagefind | reader's results page, gzip bytes (ours) |",
              "|---|---|---|---|---|---|"]
    for row in report["queries"]:
        ours, theirs = row["ours"], row.get("pagefind")
        lines.append(f"| {row['lang']} `{row['query']}` | {ours['results']} / {_of(theirs, 'results')} / {row['truth']} | "
                     f"{ours['cold_ms']['median']} / {_of(theirs, 'cold_ms', 'median')} | "
                     f"{ours['warm_ms']['median']} / {_of(theirs, 'warm_ms', 'median')} | "
                     f"{ours['cold']['gzip_bytes']:,} ({ours['cold']['files']} files) / "
                     f"{_of(theirs, 'cold', 'gzip_bytes')} ({_of(theirs, 'cold', 'files')} files) | "
                     f"{ours['reader_page']['gzip_bytes']:,} ({ours['reader_page']['files']} files) |")
    return "\n".join(lines)


def _of(figures: dict | None, *keys: str) -> str:
    if figures is None:
        return "–"
    for key in keys:
        figures = figures[key]
    return f"{figures:,}" if isinstance(figures, int) else str(figures)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=bench_run.generate.DEFAULT_SEED)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--work", type=Path, default=BENCH / ".work")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    report = measure(args.n, args.seed, args.runs, args.work.resolve())
    print(table(report))
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
