"""The search index as the browser reads it (`pipeline.search`, `pipeline.search_index`): every
term can be found by the manifest's chunks, pages are numbered newest first, the text files' word offsets are JavaScript
string indexes of the words the index holds, compounds are looked inside, and spelling variants,
Khmer digits and case fold to one term. The browser side is tested in tests/test_search_browser.py."""

from __future__ import annotations

import datetime as dt
import json
from bisect import bisect_right
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import same_as_a_clean_build
from pipeline import search, search_index
from pipeline.khmer.words import WordBreaker

BREAKER = WordBreaker()


def page(article_id: str, lang: str, body: str, title: str = "", date: dt.date | None = None,
         description: str = "", data: list = ()) -> tuple[search.SearchPage, dict]:
    found, text = search.page_search(article_id, lang, f"/{lang}/{article_id}/", title or article_id, description,
                                     body, date, BREAKER, data)
    return found, json.loads(text)


def lookup(files: dict[str, bytes], lang: str, term: str) -> tuple[list[int], list[int]]:
    """A term's postings found the way the browser finds them: the manifest's chunk by binary search
    in UTF-16 order, then the chunk's `w` and `i` maps."""
    manifest = json.loads(files[f"{lang}/search/index.json"])
    keys = [first.encode("utf-16-be") for first in manifest["chunks"]]
    number = bisect_right(keys, term.encode("utf-16-be")) - 1
    chunk = json.loads(files[f"{lang}/search/terms/{number}.json"])
    return chunk["w"].get(term, []), chunk["i"].get(term, [])


def pages_of(postings: list[int]) -> list[int]:
    return postings[::2]


# --- folding: one term for the spellings a reader may type -----------------------------------------


@pytest.mark.parametrize("typed, standard", [
    ("\u1780\u17c1\u17b8\u178f", "\u1780\u17be\u178f"),  # split vowel េ+ី for ើ
    ("\u179f\u17d2\u179a\u17d2\u178f\u17b8", "\u179f\u17d2\u178f\u17d2\u179a\u17b8"),  # ស្រ្តី for ស្ត្រី (coeng RO first)
    ("\u178f\u17b6\u200b\u1780\u17c2\u179c", "\u178f\u17b6\u1780\u17c2\u179c"),  # a zero-width space inside តាកែវ
    ("\u17a3\u1780", "\u17a2\u1780"),  # deprecated ឣ
    ("\u179f\u1798\u17d2\u178a\u17c1\u1785", "\u179f\u1798\u17d2\u178f\u17c1\u1785"),  # សម្ដេច, សម្តេច
    ("\u17b2\u17d2\u1799", "\u17b1\u17d2\u1799"),  # ឲ្យ, ឱ្យ
    ("១៨", "18"),
    ("MPTC", "mptc"),
])
def test_spelling_variants_fold_to_one_term(typed: str, standard: str) -> None:
    assert search.terms_of(typed, BREAKER) == search.terms_of(standard, BREAKER)
    assert search.terms_of(typed, BREAKER)


khmer_text = st.text(st.sampled_from([chr(c) for c in range(0x1780, 0x17FA)] + ["\u200b", " ", "a", "Z", "7"]),
                     max_size=40)


@settings(max_examples=300, deadline=None)
@given(khmer_text)
def test_folding_is_stable(text: str) -> None:
    """Repairing or folding twice changes nothing more: a term searched for is a term as indexed."""
    repaired = search.repair(text)
    assert search.repair(repaired) == repaired
    for word in BREAKER.words(repaired):
        term = search.fold(word.text)
        assert search.fold(term) == term


def test_a_pasted_word_longer_than_any_real_one_is_not_a_term() -> None:
    assert search.fold("a" * (search.LONGEST_TERM + 1)) == ""
    assert search.fold("\U0001F600" * (search.LONGEST_TERM // 2 + 1)) == ""  # UTF-16 units, as the browser counts


# --- one page --------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("ab \u1780\u17b6\u1781\u17d2\u179a\u17be") + ["\U0001F600", "&amp;", "<br>"]),
                max_size=60))
def test_the_word_offsets_are_javascript_indexes_of_the_indexed_words(pieces: list[str]) -> None:
    found, text = page("n/a", "km", f"<p>{''.join(pieces)}</p>")
    units = text["text"].encode("utf-16-le")
    gaps = text["words"]
    assert len(gaps) % 2 == 0 and all(n >= 0 for n in gaps) and all(n > 0 for n in gaps[1::2])
    terms, words, end = {term for term, _ in found.terms}, [], 0
    for gap, length in zip(gaps[::2], gaps[1::2]):
        words += [end + gap, end + gap + length]
        end += gap + length
    assert end <= len(units) // 2
    for start, end in zip(words[::2], words[1::2]):
        word = units[2 * start:2 * end].decode("utf-16-le")
        assert search.fold(word) in terms


def test_title_words_weigh_more_than_body_words() -> None:
    found, _ = page("n/a", "en", "<p>Takeo takeo post</p>", title="Post office")
    scores = dict(found.terms)
    assert scores["post"] == search.WEIGHTS["title"] + search.WEIGHTS["body"]
    assert scores["takeo"] == 2 * search.WEIGHTS["body"]


def test_the_text_is_what_a_reader_sees() -> None:
    _, text = page("n/a", "en", "<h2>Hours</h2><ul><li>Mon&nbsp;8</li><li>Tue</li></ul><p>a&lt;b <em>c</em>d</p>")
    assert text["text"] == "Hours Mon 8 Tue a<b cd"


# --- the index of a language -----------------------------------------------------------------------


def site(*pages: search.SearchPage, base_path: str = "") -> dict[str, bytes]:
    return search_index.index_files(pages, ("en", "km"), base_path, BREAKER).files


def test_every_term_is_found_through_the_manifest_when_there_are_many_chunks(monkeypatch) -> None:
    monkeypatch.setattr(search_index, "CHUNK_BYTES", 200)
    words = [f"w{n}x" for n in range(300)] + ["\u1780\u17b6\u179a", "zz", "\U0001F600a", "\uffef"]
    found, _ = page("news/one", "en", "<p>" + " ".join(words) + "</p>")
    files = site(found)
    manifest = json.loads(files["en/search/index.json"])
    assert len(manifest["chunks"]) > 10 and manifest["chunks"][0] == ""
    for term, _ in found.terms:
        assert pages_of(lookup(files, "en", term)[0]) == [0], term
    assert lookup(files, "en", "absent") == ([], [])


def test_pages_are_numbered_newest_first_and_their_records_say_where_everything_is() -> None:
    old, _ = page("news/old", "en", "<p>post</p>", date=dt.date(2024, 1, 1))
    new, _ = page("news/new", "en", "<p>post</p>", date=dt.date(2025, 1, 1))
    undated, _ = page("news/undated", "en", "<p>post</p>")
    files = site(old, undated, new, base_path="/ministry")
    records = json.loads(files["en/search/pages/0.json"])
    assert [r["url"] for r in records] == ["/ministry/en/news/new/", "/ministry/en/news/old/",
                                           "/ministry/en/news/undated/"]
    assert records[0]["text"] == "/ministry/en/search/text/news/new.json"
    assert records[0]["date"] == "2025-01-01" and records[0]["shown_date"] == "January 1, 2025"
    assert records[2]["date"] is None
    assert pages_of(lookup(files, "en", "post")[0]) == [0, 1, 2]


def test_a_khmer_search_lists_english_only_pages_and_every_page_offers_its_pair() -> None:
    paired_en, _ = page("news/both", "en", "<p>digital</p>", title="Digital")
    paired_km, _ = page("news/both", "km", "<p>ឌីជីថល</p>", title="ឌីជីថល")
    english_only, _ = page("news/english", "en", "<p>digital</p>")
    files = site(paired_en, paired_km, english_only)
    km = json.loads(files["km/search/pages/0.json"])
    assert {(r["url"], r["lang"]) for r in km} == {("/km/news/both/", "km"), ("/en/news/english/", "en")}
    both = next(r for r in km if r["lang"] == "km")
    assert both["pairs"] == [{"lang": "en", "url": "/en/news/both/", "title": "Digital"}]
    assert lookup(files, "km", "digital")[0]  # the English-only page's words are in the Khmer index
    en = json.loads(files["en/search/pages/0.json"])
    assert {r["url"] for r in en} == {"/en/news/both/", "/en/news/english/"}


def test_a_province_after_khet_is_found_inside_the_compound_icu_keeps_whole() -> None:
    """ICU reads ខេត្តតាកែវ ("Takeo province") as one word; a browser may split it, and a reader
    types តាកែវ alone: the index knows តាកែវ stands inside it."""
    takeo, _ = page("news/takeo", "km", "<p>នៅខេត្តតាកែវ</p>")
    elsewhere, _ = page("news/kampot", "km", "<p>ខេត្ត</p>")
    files = site(takeo, elsewhere)
    number = [r["url"] for r in json.loads(files["km/search/pages/0.json"])].index("/km/news/takeo/")
    assert lookup(files, "km", "តាកែវ") == ([], [number, search.WEIGHTS["body"]])
    assert pages_of(lookup(files, "km", "ខេត្តតាកែវ")[0]) == [number]
    assert pages_of(lookup(files, "km", "ខេត្ត")[0]) == [1 - number]  # where it stands alone


@pytest.mark.parametrize("fragment", ["ត្តតា", "ខេត្តតា", "តាកែ", "ឌីជី", "ជីថល"])
def test_a_fragment_that_is_no_word_is_not_indexed_inside_a_compound(fragment: str) -> None:
    found, _ = page("news/x", "km", "<p>ខេត្តតាកែវ ឌីជីថល</p>")
    assert lookup(site(found), "km", search.fold(fragment)) == ([], [])


def test_no_search_files_without_pages_but_a_manifest_per_language() -> None:
    files = site()
    for lang in ("en", "km"):
        manifest = json.loads(files[f"{lang}/search/index.json"])
        assert manifest["pages"] == 0 and manifest["chunks"] == [""]
        assert json.loads(files[f"{lang}/search/pages/0.json"]) == []


# Clusters with several marks to reorder: subscripts (RO, DA, TA…), split vowels, shifters, signs.
CLUSTER_PARTS = st.sampled_from(["\u1780", "\u179f", "\u1782", "\u17d2\u179a", "\u17d2\u178a", "\u17d2\u178f",
                                 "\u17d2\u1780", "\u17d2", "\u17c1", "\u17b8", "\u17b6", "\u17bb", "\u17b7", "\u17c9",
                                 "\u17ca", "\u17c6", "\u17cc", "\u17d4", "\u200b", " ", "a"])


@settings(max_examples=1000, deadline=None)
@given(st.one_of(khmer_text, st.lists(CLUSTER_PARTS, max_size=12).map("".join)))
@example("\u1780\u17d2\u178a\u17d2\u1780\u17d2\u179a")  # ក្ដ្ក្រ: coeng DA, then RO after another subscript
def test_the_fast_path_of_standard_khmer_gives_what_the_full_walk_gives(text: str) -> None:
    from unittest import mock

    from pipeline.khmer import encoding

    fast = encoding.standard_khmer(text)
    with mock.patch.object(encoding, "_plainly_well_formed", lambda _: False):
        assert encoding.standard_khmer(text) == fast


@pytest.mark.parametrize("word, terms", [
    ("ឆ្នាំ២០២៥", ["ឆ្នាំ", "2025"]),  # "year 2025": ICU reads it as one word
    ("ថ្ងៃទី15", ["ថ្ងៃទី", "15"]),
    ("covid19", ["covid19"]),  # Latin letters and digits stay one word, as the browser reads them
    ("2025", ["2025"]),
    ("ៗ", []),
])
def test_a_number_glued_to_a_khmer_word_is_a_term_of_its_own(word: str, terms: list[str]) -> None:
    assert search.word_terms(word) == terms


def test_a_data_articles_values_are_its_text_but_not_its_addresses() -> None:
    found, text = page("centers/takeo", "km", "", data=[{"name": "ខេត្តតាកែវ", "phone": 12345,
                                                         "map": "https://maps.example/x", "photo": "/img/a.jpg"},
                                                        ["computer", {"deep": ["lab"]}], True])
    assert text["text"] == "ខេត្តតាកែវ 12345 computer lab"
    assert {"computer", "lab", "12345"} <= {term for term, _ in found.terms}


def test_the_text_file_of_a_page_whose_name_needs_escaping_is_where_its_record_says() -> None:
    """A file named with spaces, Khmer letters or `#`/`?`: the record's URL, percent-encoded as
    the page's own URL is, names the file the build writes (`text_path`)."""
    from urllib.parse import unquote

    for article_id in ("news/a b", "news/ខេត្ត", "news/a#b?c", "news/100%"):
        found, _ = page(article_id, "en", "<p>post</p>")
        record = json.loads(site(found)["en/search/pages/0.json"])[0]
        assert unquote(record["text"]) == "/" + search.text_path("en", article_id)
        assert "#" not in record["text"] and "?" not in record["text"] and " " not in record["text"]


# --- the build -------------------------------------------------------------------------------------


def terms_in(site: Path, lang: str) -> set[str]:
    return {term for chunk in (site / lang / "search/terms").glob("*.json")
            for part in json.loads(chunk.read_text(encoding="utf-8")).values() for term in part}


def test_a_changed_body_reaches_the_index_of_an_incremental_build(ready, tmp_path: Path) -> None:
    """Only the body changes (not the title or the excerpt the lists show): the index follows it,
    as a build from nothing would make it, and a removed article leaves it with its text file."""
    site = ready.root / "site"
    assert "kiwifruit" not in terms_in(site, "en")
    source = ready.root / "content/news/good.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA second paragraph about kiwifruit.\n", encoding="utf-8")
    assert ready.run("build", "--now", "2025-09-01", "--min-translated", "0") == 0
    assert "kiwifruit" in terms_in(site, "en") and "kiwifruit" in terms_in(site, "km")  # (km: it fell back)
    same_as_a_clean_build(ready, tmp_path / "1", "--now", "2025-09-01", "--min-translated", "0")
    ready.write("content/news/other.md", "---\ntitle: Other\ndate: 2025-08-14\n---\nMangosteen.\n")
    assert ready.run("build", "--now", "2025-09-01", "--min-translated", "0") == 0
    assert (site / "en/search/text/news/other.json").is_file() and "mangosteen" in terms_in(site, "en")
    (ready.root / "content/news/other.md").unlink()
    assert ready.run("build", "--now", "2025-09-01", "--min-translated", "0") == 0
    assert not (site / "en/search/text/news/other.json").exists() and "mangosteen" not in terms_in(site, "en")


def test_a_project_whose_templates_predate_search_and_tags_still_builds(ready) -> None:
    for name in ("search.html", "tag.html", "tags.html"):
        (ready.root / "templates" / name).unlink()
    assert ready.run("build", "--now", "2025-09-01") == 0
    site = ready.root / "site"
    assert (site / "en/news/good/index.html").is_file()
    assert not (site / "en/search").exists() and not (site / "km/tags").exists()


def test_a_preview_session_follows_a_changed_body_into_the_index(ready) -> None:
    """`pipeline serve` builds in one session, told which files changed: the index follows a change
    of the body alone, as the build from nothing does."""
    from pipeline.commands.build import build_site
    from pipeline.commands.build_state import Session
    from pipeline.disk.project import load_config
    from pipeline.pages import BuildOptions

    config, session = load_config(ready.root), Session()
    options = BuildOptions(today=dt.date(2025, 9, 1), min_translated=0)
    out = ready.root / "preview"
    build_site(config, out, options, session=session)
    source = ready.root / "content/news/good.md"
    for fruit in ("durian", "rambutan"):
        source.write_text(source.read_text(encoding="utf-8") + f"\nA paragraph about {fruit}.\n", encoding="utf-8")
        build_site(config, out, options, session=session, changed=[str(source)])
        assert fruit in terms_in(out, "en")
        text = json.loads((out / "en/search/text/news/good.json").read_text(encoding="utf-8"))["text"]
        assert text.endswith(f"A paragraph about {fruit}.")
    session.close()
