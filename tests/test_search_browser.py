"""The site search, used as a reader uses it: a real headless Chromium opens `/<lang>/search/?q=…`
on the built site served over HTTP and reads the result links in `#search-results`.

Every query's results are measured against the pages' own text (tests/searchtruth.py): recall
(the share of the pages containing the words that are found) and precision (the share of the
results that contain them). Pagefind, the search static sites usually add, is run on a copy of the
same built site in the same test and both tools' figures are printed side by side; only ours are
asserted. Pagefind comes from npm (`make test` installs the pinned version into
tests/generators/pagefind); without it the comparison is left out and says why.

Sites: the repository's sample site, and, when `../shared/corpora` is there, the 72 pages of the
real ministry (CTC) articles; throw-away projects for an English-only article and hostile titles.
Needs Debian's `chromium` and `chromium-driver` (skipped without them); nothing is downloaded."""

from __future__ import annotations

import shutil
import urllib.parse
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from conftest import REPO, Project, corpora_dir, with_one_translated_article
from searchtruth import (OUR_RESULTS, PAGEFIND_SEARCH, Page, article_pages, build_ministry_site, contains,
                         index_with_pagefind, khmer_digits, normalize, pagefind_missing, pages_with, precision,
                         recall, searchable, served, split_vowel_variant)

from pipeline.khmer.script import BASE, kind_of, scan_cluster
from pipeline.khmer.words import WordBreaker


@dataclass(frozen=True)
class SearchedSite:
    """A built site served as it is (our search) and as a Pagefind-indexed copy."""

    name: str
    folder: Path
    url: str
    pagefind_url: str | None
    pagefind_missing: str | None
    pages: tuple[Page, ...]


@dataclass(frozen=True)
class Answer:
    urls: tuple[str, ...]
    langs: tuple[str, ...]  # the language each result's title is marked in
    titles: tuple[str, ...]
    status: str
    marks: tuple[tuple[str, ...], ...]  # the words marked in each result's excerpt
    pairs: tuple[tuple[tuple[str, str], ...], ...]  # each result's (language, path) of its paired pages


@contextmanager
def _searched(name: str, folder: Path, scratch: Path) -> Iterator[SearchedSite]:
    missing = pagefind_missing()
    with ExitStack() as stack:
        url = stack.enter_context(served(folder))
        pagefind_url = None
        if missing is None:
            pagefind_url = stack.enter_context(served(index_with_pagefind(folder, scratch / f"{name}-pagefind")))
        yield SearchedSite(name, folder, url, pagefind_url, missing, article_pages(folder))


@pytest.fixture(scope="module")
def sample(sample_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchedSite]:
    with _searched("sample", sample_site, tmp_path_factory.mktemp("search-sample")) as site:
        yield site


@pytest.fixture(scope="module")
def ministry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchedSite]:
    corpora = corpora_dir()
    if not (corpora / "real-articles" / "mptc-ctc-website").is_dir():
        pytest.skip(f"the ministry articles are not at {corpora}/real-articles (set PIPELINE_CORPORA)")
    scratch = tmp_path_factory.mktemp("search-ministry")
    with _searched("ministry", build_ministry_site(corpora, scratch), scratch) as site:
        yield site


def ours(browser, site: SearchedSite, lang: str, query: str) -> Answer:
    """What the search page of `lang` lists for `query`, opened as a reader would open it."""
    browser.get(f"{site.url}{lang}/search/?q={urllib.parse.quote(query)}")
    read = browser.execute_async_script(OUR_RESULTS)
    assert read["list"], f"{lang}/search/ has no #search-results"
    results = [r for r in read["results"] if r]
    assert len(results) == len(read["results"]), f"a result of {query!r} has no link: {read}"
    return Answer(tuple(r["url"] for r in results), tuple(r["lang"] for r in results),
                  tuple(r["text"] for r in results), read["status"] or "", tuple(tuple(r["marks"]) for r in results),
                  tuple(tuple(tuple(p) for p in r["pairs"]) for r in results))


def theirs(browser, site: SearchedSite, lang: str, query: str) -> tuple[str, ...] | None:
    """What Pagefind finds for `query` from a page of `lang` of the copy (None without Pagefind)."""
    if site.pagefind_url is None:
        return None
    browser.get(f"{site.pagefind_url}{lang}/")
    found = browser.execute_async_script(PAGEFIND_SEARCH, query)
    assert "error" not in found, found
    return tuple(found["urls"])


def _figures(found, truth: frozenset[str]) -> str:
    hits = len(set(found) & truth)
    return f"recall {hits}/{len(truth)} precision {hits}/{len(set(found))}"


def compare(browser, site: SearchedSite, lang: str, query: str, truth: frozenset[str], capsys,
            record_property) -> Answer:
    """Our answer to `query`, with both tools' figures printed side by side (and recorded)."""
    answer = ours(browser, site, lang, query)
    pagefind = theirs(browser, site, lang, query)
    shown = _figures(pagefind, truth) if pagefind is not None else f"not run: {site.pagefind_missing}"
    line = f"search {site.name} {lang} {query!r}: ours {_figures(answer.urls, truth)} | Pagefind {shown}"
    record_property(f"{site.name} {lang} {query}", line)
    with capsys.disabled():
        print("\n" + line, end="")
    assert_real_pages(site, answer)
    return answer


def assert_real_pages(site: SearchedSite, answer: Answer) -> None:
    """Each result is a link to an article page of this site, listed once."""
    known = {p.url for p in site.pages}
    assert len(set(answer.urls)) == len(answer.urls), answer
    for url in answer.urls:
        assert url in known and (site.folder / url.strip("/") / "index.html").is_file(), (url, answer)


def assert_no_results(answer: Answer, query: str) -> None:
    assert answer.urls == (), answer
    assert answer.status, f"{query!r}: no results and nothing says so"
    assert query.strip() in answer.status, answer.status  # "No results for …"
    assert not any(ch.isdigit() and ch != "0" for ch in answer.status.replace(query, "")), answer.status


# --- the sample site: exact figures --------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    lang: str
    query: str
    words: tuple[str, ...]  # what the pages must contain (all of them)
    why: str

    def __str__(self) -> str:
        return self.why


SAMPLE_CASES = [
    Case("km", "ឌីជីថល", ("ឌីជីថល",), "km-digital"),
    Case("km", "តាកែវ", ("តាកែវ",), "km-takeo"),
    Case("km", "ឌីជីថលតាកែវ", ("ឌីជីថល", "តាកែវ"), "km-two-words-no-space"),
    Case("km", "ក្រសួងប្រៃសណីយ៍", ("ក្រសួង", "ប្រៃសណីយ៍"), "km-ministry-of-posts-no-space"),
    Case("km", "18", ("18",), "latin-digits-for-khmer-digits"),
    Case("km", "១៨", ("18",), "khmer-digits"),
    Case("km", "2025", ("2025",), "latin-digits-after-a-khmer-word"),  # written ឆ្នាំ២០២៥, "year 2025"
    Case("en", "parcel", ("parcel",), "en-parcel"),
    Case("en", "Digital", ("digital",), "en-digital-capitalised"),
    Case("en", "Takeo province", ("takeo", "province"), "en-two-words"),
    Case("km", "ដំរីស", ("ដំរីស",), "km-nowhere"),
    Case("en", "hovercraft", ("hovercraft",), "en-nowhere"),
]


@pytest.mark.parametrize("case", SAMPLE_CASES, ids=str)
def test_sample_search_finds_exactly_the_pages_that_contain_the_words(browser, sample: SearchedSite, case: Case,
                                                                      capsys, record_property) -> None:
    truth = pages_with(searchable(sample.pages, case.lang), case.words)
    answer = compare(browser, sample, case.lang, case.query, truth, capsys, record_property)
    if not truth:
        assert_no_results(answer, case.query)
    assert set(answer.urls) == truth, (case, answer, sorted(truth))


@pytest.mark.parametrize("lang, query, other", [("km", "ឌីជីថល", "en"), ("en", "parcel", "km")])
def test_each_result_marks_the_word_and_offers_its_paired_page(browser, sample: SearchedSite, lang: str,
                                                               query: str, other: str) -> None:
    answer = ours(browser, sample, lang, query)
    assert answer.urls
    for url, marks, pairs in zip(answer.urls, answer.marks, answer.pairs):
        assert marks and all(normalize(query) in normalize(m) for m in marks), (url, marks)
        assert pairs == ((other, url.replace(f"/{lang}/", f"/{other}/", 1)),), (url, pairs)
        assert (sample.folder / pairs[0][1].strip("/") / "index.html").is_file()


@pytest.mark.parametrize("lang, query", [("km", "ឌីជីថល"), ("en", "parcel"), ("en", "digital")])
def test_the_page_with_the_word_in_its_title_comes_first(browser, sample: SearchedSite, lang: str, query: str) -> None:
    pages = searchable(sample.pages, lang)
    titled = [p.url for p in pages if contains(normalize(p.title), normalize(query))]
    assert len(titled) == 1 and len(pages_with(pages, [query])) >= 3, titled
    assert ours(browser, sample, lang, query).urls[0] == titled[0]


def test_latin_digits_find_pages_written_with_khmer_digits(browser, sample: SearchedSite, capsys,
                                                           record_property) -> None:
    khmer_pages = [p for p in sample.pages if p.lang == "km"]
    truth = pages_with(khmer_pages, ["18"])
    shown = {p.url for p in khmer_pages
             if khmer_digits("18") in (sample.folder / p.url.strip("/") / "index.html").read_text(encoding="utf-8")}
    assert truth and truth <= shown  # the Khmer pages write it ១៨
    answer = compare(browser, sample, "km", "18", truth, capsys, record_property)
    assert set(answer.urls) == truth, answer


def test_a_word_inside_a_longer_indexed_word_is_found(browser, sample: SearchedSite, capsys,
                                                      record_property) -> None:
    """ICU keeps ខេត្តតាកែវ (Takeo province) as one word; the browser's segmenter reads តាកែវ alone."""
    khmer = searchable(sample.pages, "km")
    only_inside = {p.url for p in khmer if contains(p.text, "តាកែវ")
                   and not contains(p.text.replace(normalize("ខេត្តតាកែវ"), " "), "តាកែវ")}
    assert only_inside, "the sample no longer has a page that writes Takeo only as ខេត្តតាកែវ"
    answer = compare(browser, sample, "km", "តាកែវ", pages_with(khmer, ["តាកែវ"]), capsys, record_property)
    assert only_inside <= set(answer.urls), answer


def _site_words(pages: tuple[Page, ...]) -> Counter:
    """How many pages each Khmer word (as ICU reads it) of the pages' texts is on."""
    breaker, found = WordBreaker(), Counter()
    for page in pages:
        found.update({w.text for w in breaker.words(page.text) if "\u1780" <= w.text[0] <= "\u17dd"})
    return found


@pytest.mark.parametrize("vowel", ["\u17be", "\u17c4"], ids=["oe-typed-e-ii", "oo-typed-e-aa"])
def test_a_split_vowel_variant_finds_what_the_word_finds(browser, sample: SearchedSite, vowel: str, capsys,
                                                         record_property) -> None:
    khmer = searchable(sample.pages, "km")
    counts = _site_words(khmer)
    word = min((w for w in counts if vowel in w and len(_clusters(w)) >= 2), key=lambda w: (-counts[w], w))
    variant = split_vowel_variant(word)
    assert variant != word and normalize(variant) == normalize(word)
    truth = pages_with(khmer, [word])
    typed_right = ours(browser, sample, "km", word)
    answer = compare(browser, sample, "km", variant, truth, capsys, record_property)
    assert set(answer.urls) == set(typed_right.urls) == truth, (word, variant, answer, typed_right)


def _clusters(word: str) -> list[str]:
    found, at = [], 0
    while at < len(word):
        end = scan_cluster(word, at).end if kind_of(word[at]) == BASE else at + 1
        found.append(word[at:end])
        at = end
    return found


def _splits_into_words(text: str, words: set[str]) -> bool:
    """Whether `text` is one or more of `words` written one after another (cut between clusters)."""
    clusters = _clusters(text)
    reachable = {0}
    for end in range(1, len(clusters) + 1):
        if any("".join(clusters[start:end]) in words for start in reachable if start < end):
            reachable.add(end)
    return len(clusters) in reachable


def test_a_fragment_that_is_no_word_matches_nothing(browser, sample: SearchedSite, capsys, record_property) -> None:
    """The first half of a long word, when it is no word of the site and no run of its words, must
    not find the pages that hold it only inside that word."""
    khmer = searchable(sample.pages, "km")
    counts = _site_words(khmer)
    words = {normalize(w) for w in counts}
    candidates = []
    for word in sorted(counts, key=lambda w: (-counts[w], w)):
        clusters = _clusters(word)
        fragment = "".join(clusters[: len(clusters) // 2])
        if len(clusters) >= 4 and not _splits_into_words(normalize(fragment), words):
            candidates.append(fragment)
    assert candidates, "the sample has no long word whose first half is no word"
    fragment = candidates[0]
    inside = pages_with(khmer, [fragment])
    assert inside  # the pages do hold these letters, inside a longer word
    answer = compare(browser, sample, "km", fragment, frozenset(), capsys, record_property)
    assert not set(answer.urls) & inside, (fragment, answer)
    assert_no_results(answer, fragment)


# --- the real ministry articles: floors ----------------------------------------------------------

def _case(lang: str, query: str, words: tuple[str, ...], why: str) -> pytest.param:
    return pytest.param(Case(lang, query, words, why), id=why)


MINISTRY_CASES = [
    _case("km", "ឌីជីថល", ("ឌីជីថល",), "km-digital"),
    _case("km", "តាកែវ", ("តាកែវ",), "km-takeo"),
    _case("km", "បច្ចេកវិទ្យា", ("បច្ចេកវិទ្យា",), "km-technology"),
    _case("km", "កុំព្យូទ័រ", ("កុំព្យូទ័រ",), "km-computer"),
    _case("km", "ត្រាំកក់", ("ត្រាំកក់",), "km-tram-kak-district"),
    _case("km", "គ្រូបង្រៀនកុំព្យូទ័រ", ("គ្រូបង្រៀន", "កុំព្យូទ័រ"), "km-two-words-no-space"),
    _case("km", "ទូរគមនាគមន៍", ("ទូរគមនាគមន៍",), "km-telecommunications"),  # the author field
    _case("km", "ក្រសួងប្រៃសណីយ៍", ("ក្រសួង", "ប្រៃសណីយ៍"), "km-ministry-of-posts-no-space"),
    _case("km", "2025", ("2025",), "latin-digits-for-khmer-digits"),
    _case("en", "computer", ("computer",), "en-computer"),
    _case("en", "Takeo", ("takeo",), "en-takeo"),
    _case("en", "teachers", ("teachers",), "en-teachers"),
]
RECALL_FLOOR = 0.9
PRECISION_FLOOR = 0.9


@pytest.mark.parametrize("case", MINISTRY_CASES)
def test_ministry_search_finds_the_pages_that_contain_the_words(browser, ministry: SearchedSite, case: Case,
                                                                capsys, record_property) -> None:
    truth = pages_with(searchable(ministry.pages, case.lang), case.words)
    assert len(truth) >= 2, (case, sorted(truth))
    answer = compare(browser, ministry, case.lang, case.query, truth, capsys, record_property)
    assert recall(answer.urls, truth) >= RECALL_FLOOR, (case, sorted(truth - set(answer.urls)))
    assert precision(answer.urls, truth) >= PRECISION_FLOOR, (case, sorted(set(answer.urls) - truth))


# --- throw-away projects: an English-only article, hostile text --------------------------------

HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
ENGLISH_ONLY = """
---
title: Ferry timetable to Koh Kong
date: 2025-08-10
---
The ferry to Koh Kong leaves every morning.
"""
HOSTILE = f"""
---
title: "{HOSTILE_TITLE}"
description: "<script>window.__pwned = 1</script> ferry"
date: 2025-08-11
---
Ferry notice <img src=x onerror="window.__pwned = 2"> and `<script>window.__pwned = 3</script>` too.
"""
# Recorded before any script of the page runs: every alert, and whether anything set __pwned.
SPY = "window.__alerts = []; window.alert = (m) => { window.__alerts.push(String(m)); };"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchedSite]:
    scratch = tmp_path_factory.mktemp("search-mixed")
    project = with_one_translated_article(Project(scratch / "project"))
    project.write("content/news/ferry.md", ENGLISH_ONLY)
    project.write("content/news/hostile.md", HOSTILE)
    assert project.run("build", "--now", "2025-09-01") == 0
    site = project.output_folder(())
    with _searched("mixed", site, scratch) as searched:
        yield searched


def test_the_khmer_search_lists_english_only_pages_marked_english(browser, mixed: SearchedSite, capsys,
                                                                  record_property) -> None:
    english_only = {p.url for p in mixed.pages if p.lang == "en" and "km" not in p.paired}
    assert "/en/news/ferry/" in english_only
    truth = pages_with(searchable(mixed.pages, "km"), ["ferry"])
    assert truth == english_only == {"/en/news/ferry/", "/en/news/hostile/"}
    answer = compare(browser, mixed, "km", "ferry", truth, capsys, record_property)
    assert set(answer.urls) == truth, answer
    assert set(answer.langs) == {"en"}, answer


@pytest.mark.parametrize("lang, query", [("en", "ferry"), ("en", "onerror"), ("km", "ferry"),
                                          ("en", "ferry <img src=x onerror=alert(2)>"),
                                          ("km", "<script>window.__pwned=4</script>")])
def test_nothing_from_the_index_or_the_query_runs(browser, mixed: SearchedSite, lang: str, query: str) -> None:
    browser.execute_cdp_cmd("Page.enable", {})
    spy = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": SPY})
    try:
        answer = ours(browser, mixed, lang, query)
        ran = browser.execute_script(
            "return {alerts: window.__alerts, pwned: window.__pwned === undefined ? null : window.__pwned,"
            " made: document.querySelectorAll('main img, main script:not([src]), main [onerror]').length,"
            " scripts: Array.from(document.scripts).map(s => s.src || 'inline')};")
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": spy["identifier"]})
    assert ran["alerts"] == [] and ran["pwned"] is None and ran["made"] == 0, ran
    if query in ("ferry", "onerror") and lang == "en":
        assert "/en/news/hostile/" in answer.urls, answer
        assert HOSTILE_TITLE in answer.titles, answer  # shown as text, as it was written


# --- many results ----------------------------------------------------------------------------------

MANY = 61


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchedSite]:
    """A site where one word is on more pages than the list shows at once."""
    scratch = tmp_path_factory.mktemp("search-crowded")
    project = Project(scratch / "project")
    shutil.copytree(REPO / "templates", project.root / "templates")
    for n in range(MANY):
        project.write(f"content/news/n{n:02d}.md",
                      f"---\ntitle: Notice {n}\ndate: 2025-01-{1 + n % 28:02d}\n---\nThe kiwifruit harvest, part {n}.\n")
    assert project.run("build", "--now", "2025-09-01") == 0
    with _searched("crowded", project.output_folder(()), scratch) as searched:
        yield searched


def test_a_word_on_many_pages_lists_them_all_a_batch_at_a_time(browser, crowded: SearchedSite) -> None:
    """The first results come with a button for the next ones, and the count says how many there
    are: every matching page once, newest first among equals, and no record file loaded for pages
    not shown yet."""
    first = ours(browser, crowded, "en", "kiwifruit")
    assert len(first.urls) == 50 and str(MANY) in first.status, first.status
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(r => r.name)"
                                    ".filter(n => n.includes('/search/pages/'));")
    assert len(loaded) == 1, loaded  # (61 pages: one record file holds them all; only it was loaded)
    from selenium.webdriver.support.ui import WebDriverWait

    browser.find_element("css selector", "button.search-more").click()
    WebDriverWait(browser, 20).until(
        lambda driver: len(driver.find_elements("css selector", "#search-results > li")) == MANY)
    links = [a.get_attribute("href") for a in browser.find_elements("css selector", "#search-results > li h2 a")]
    assert len(set(links)) == MANY and not browser.find_elements("css selector", "button.search-more")
    dates = [t.get_attribute("datetime") for t in browser.find_elements("css selector", "#search-results time")]
    assert dates == sorted(dates, reverse=True)
