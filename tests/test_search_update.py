"""The search index brought up to date from the last one (`pipeline.search_index.Last`) is byte
for byte the index made anew from the same pages, whatever changed: a body, a title, a date, a
Khmer page held back or published, pages added or removed, words of one letter cluster that come
and go (they change what stands inside longer words), chunk boundaries that move. And a last index
that is not what its memo says is never used."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import re
from bisect import bisect_right

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import search, search_index
from pipeline.khmer.words import WordBreaker

BREAKER = WordBreaker()
LANGUAGES = ("en", "km")
# English, digits, Khmer compounds ICU keeps whole and their parts, among them parts of one letter
# cluster (គោ "cow" in ទឹកដោះគោ "milk", ដី "earth" and កា in ដីកា "decree"): such a part is found
# inside the compound only while it is a word of the index on its own
WORDS = ["post", "office", "takeo", "digital", "services", "2025", "១៨", "ខេត្តតាកែវ", "ខេត្ត", "តាកែវ",
         "ឌីជីថល", "ការ", "សេវា", "ក្រសួង", "ទឹកដោះគោ", "ទឹកដោះ", "គោ", "ដីកា", "ដី", "កា", "ដីខ្មៅ", "ខ្មៅ"]


def article(words: list[str], day: int) -> dict:
    return {"title": " ".join(words[:2]) or "untitled", "body": " ".join(words), "date": dt.date(2025, 1, 1 + day % 28)}


def pages_of(site: dict[str, dict[str, dict]]) -> list[search.SearchPage]:
    return [search.page_search(article_id, lang, f"/{lang}/{article_id}/", value["title"], "",
                               f"<p>{value['body']}</p>", value["date"], BREAKER)[0]
            for article_id, versions in sorted(site.items()) for lang, value in sorted(versions.items())]


def made_anew(pages: list[search.SearchPage]) -> search_index.Index:
    return search_index.index_files(pages, LANGUAGES, "/base", BREAKER)


def brought_up_to_date(pages: list[search.SearchPage], before: list[search.SearchPage],
                       last: search_index.Index, files: dict[str, bytes]) -> search_index.Index:
    return search_index.index_files(pages, LANGUAGES, "/base", BREAKER,
                                    search_index.Last(last.memos, before, files.get))


def resolved(index: search_index.Index, last_files: dict[str, bytes]) -> dict[str, bytes]:
    """The files as the site holds them: one that is None is the last index's at that path."""
    return {path: last_files[path] if data is None else data for path, data in index.files.items()}


words = st.lists(st.sampled_from(WORDS), max_size=8)
change = st.one_of(
    st.tuples(st.just("body"), st.integers(0, 30), st.sampled_from(LANGUAGES), words),
    st.tuples(st.just("title"), st.integers(0, 30), st.sampled_from(LANGUAGES), words),
    st.tuples(st.just("date"), st.integers(0, 30), st.sampled_from(LANGUAGES), st.integers(0, 40)),
    st.tuples(st.just("hold back"), st.integers(0, 30)),
    st.tuples(st.just("publish"), st.integers(0, 30), words),
    st.tuples(st.just("add"), words),
    st.tuples(st.just("remove"), st.integers(0, 30)),
)


def changed(site: dict[str, dict[str, dict]], how: tuple) -> None:
    ids = sorted(site)
    if how[0] == "add":
        site[f"news/{len(ids) + 100}"] = {"en": article(how[1], len(ids))}
        return
    if not ids:
        return
    article_id = ids[how[1] % len(ids)]
    versions = site[article_id]
    if how[0] == "hold back" and len(versions) > 1:
        del versions["km"]
    elif how[0] == "publish":
        versions["km"] = article(how[2], versions["en"]["date"].day)
    elif how[0] == "remove":
        del site[article_id]
    elif how[0] in ("body", "title", "date") and how[2] in versions:
        value = versions[how[2]]
        if how[0] == "date":
            value["date"] = dt.date(2025, 1, 1) + dt.timedelta(days=how[3])
        else:
            value[how[0]] = " ".join(how[3]) or "untitled"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(words, st.booleans()), min_size=1, max_size=14), st.lists(st.lists(change, min_size=1,
       max_size=3), min_size=1, max_size=5), st.sampled_from([60, 150, 24_000]))
def test_an_index_brought_up_to_date_is_the_index_made_anew(first: list, builds: list, chunk_bytes: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_index, "CHUNK_BYTES", chunk_bytes)  # many chunks, whose boundaries move
        patch.setattr(search_index, "UPDATE_SHARE", 1)  # updated however many pages changed,
        patch.setattr(search_index, "UPDATE_CHUNKS", 0)  # and however many chunks they touch
        site = {f"news/{n}": {"en": article(w, n), **({"km": article(w[::-1], n)} if km else {})}
                for n, (w, km) in enumerate(first)}
        before = pages_of(site)
        last = made_anew(before)
        files = resolved(last, {})
        for build in builds:
            for how in build:
                changed(site, how)
            pages = pages_of(site)
            expected = made_anew(pages)
            update = brought_up_to_date(pages, before, last, files)
            assert resolved(update, files) == resolved(expected, {})
            assert update.memos == expected.memos
            before, last, files = pages, update, resolved(update, files)


def test_one_changed_page_among_many_rewrites_only_what_shows_it(monkeypatch) -> None:
    monkeypatch.setattr(search_index, "CHUNK_BYTES", 400)
    site = {f"news/{n}": {"en": article([WORDS[n % 7], WORDS[n % 11], "post"], n)} for n in range(120)}
    site["news/7"]["km"] = article(["ខេត្តតាកែវ", "សេវា"], 7)
    before = pages_of(site)
    last = made_anew(before)
    files = resolved(last, {})
    site["news/7"]["en"]["body"] += " digital"
    pages = pages_of(site)
    update = brought_up_to_date(pages, before, last, files)
    assert resolved(update, files) == resolved(made_anew(pages), {})
    kept = [path for path, data in update.files.items() if data is None]
    assert len(kept) > len(update.files) // 2, "most chunks and record files did not change"
    assert "en/search/pages/0.json" not in kept  # its record file shows the changed page


@pytest.mark.parametrize("fault", ["file unreadable", "file of another index", "pages not the memo's"])
def test_a_last_index_that_is_not_what_its_memo_says_is_not_used(fault: str) -> None:
    site = {f"news/{n}": {"en": article([WORDS[n % 5], "post"], n)} for n in range(30)}
    before = pages_of(site)
    last = made_anew(before)
    files = resolved(last, {})
    other = resolved(made_anew(pages_of({"news/x": {"en": article(["office"], 1)}})), {})
    site["news/3"]["en"]["body"] = "takeo"
    pages = pages_of(site)
    if fault == "file unreadable":
        update = search_index.index_files(pages, LANGUAGES, "/base", BREAKER,
                                          search_index.Last(last.memos, before, lambda path: None))
    elif fault == "file of another index":
        update = search_index.index_files(pages, LANGUAGES, "/base", BREAKER,
                                          search_index.Last(last.memos, before, lambda path: other.get(path, b"{}")))
        # (the build's reader gives None for bytes the last build did not make; here they are wrong
        # yet valid JSON: what the update reads decides only the files it writes)
    else:
        update = search_index.index_files(pages, LANGUAGES, "/base", BREAKER,
                                          search_index.Last(last.memos, pages, files.get))
    if fault != "file of another index":
        assert all(data is not None for data in update.files.values()), "made anew"
        assert resolved(update, {}) == resolved(made_anew(pages), {})
    else:
        assert update.files.keys() == made_anew(pages).files.keys()


def test_the_update_reads_postings_the_browser_can_find() -> None:
    site = {f"news/{n}": {"en": article(["post", WORDS[n % 9]], n)} for n in range(50)}
    before = pages_of(site)
    last = made_anew(before)
    files = resolved(last, {})
    site["news/20"]["en"]["body"] = "kiwifruit post"
    pages = pages_of(site)
    now = resolved(brought_up_to_date(pages, before, last, files), files)
    manifest = json.loads(now["en/search/index.json"])
    numbers = [r["url"] for k in range(manifest["pages"] // 200 + 1)
               for r in json.loads(now[f"en/search/pages/{k}.json"])]
    found = [json.loads(now[f"en/search/terms/{k}.json"])["w"].get("kiwifruit") for k in range(len(manifest["chunks"]))]
    postings = next(p for p in found if p)
    assert numbers[postings[0]] == "/base/en/news/20/"


# --- in a build --------------------------------------------------------------------------------------


def test_a_build_brings_the_index_up_to_date_and_it_is_a_clean_builds(ready, tmp_path, monkeypatch) -> None:
    """81 articles; one edited, and one translated edited so that its Khmer page is held back (an
    English page takes its place in the Khmer index): the build updates both languages' index
    (nothing is made anew), keeps the files that did not change as they were, and its site is the
    one a build from nothing writes. A live index file altered behind the build's back is not
    read into the files the next build makes."""
    from conftest import same_as_a_clean_build

    monkeypatch.setattr(search_index, "CHUNK_BYTES", 300)  # many chunks: most unchanged
    monkeypatch.setattr(search_index, "UPDATE_CHUNKS", 0)  # (a site of few words has each in most chunks)
    for n in range(80):
        ready.write(f"content/news/a{n:02d}.md", f"---\ntitle: Article {n}\ndate: 2025-03-{1 + n % 28:02d}\n---\n"
                                                 f"The {WORDS[n % 7]} of {WORDS[n % 5]} number {n}.\n")
    options = ("--now", "2025-09-01")
    assert ready.run("extract") == 0
    catalog = ready.root / "locale/km/LC_MESSAGES/news/a07.po"  # words of several letter clusters each
    catalog.write_text(re.sub(r'(msgid "[^"\n][^\n]*"\nmsgstr )""', r'\1"សេវា ខេត្តតាកែវ ៧"',
                              catalog.read_text(encoding="utf-8")), encoding="utf-8")
    assert ready.run("build", *options) == 0
    site = ready.root / "site"
    assert (site / "km/news/a07/index.html").is_file()
    before = {p: p.stat().st_ino for p in (site / "en/search/terms").glob("*.json")}
    made_anew = []
    monkeypatch.setattr(search_index, "_made", lambda language, made=search_index._made: (
        made_anew.append(language.lang), made(language))[1])
    ready.write("content/news/a07.md", "---\ntitle: Article 7\ndate: 2025-03-08\n---\nThe post of office number 7.\n"
                                       "\nA kiwifruit grows.\n")
    ready.write("content/news/a09.md", "---\ntitle: Article 9\ndate: 2025-03-10\n---\nA durian falls.\n")
    assert ready.run("extract") == 0 and ready.run("build", *options) == 0
    assert not (site / "km/news/a07/index.html").exists()
    assert made_anew == []
    assert any(p.stat().st_ino == inode for p, inode in before.items()), "an unchanged chunk is the same file"
    same_as_a_clean_build(ready, tmp_path / "1", *options)
    for lang in ("en", "km"):  # the chunk the next change needs to read, altered behind the build's back
        manifest = json.loads((site / lang / "search/index.json").read_bytes())
        number = bisect_right([first.encode("utf-16-be") for first in manifest["chunks"]], "number".encode("utf-16-be"))
        chunk = site / lang / f"search/terms/{number - 1}.json"
        chunk.write_bytes(chunk.read_bytes().replace(b'"number":[', b'"number":[0,999,'))
    ready.write("content/news/a08.md", "---\ntitle: Article 8\ndate: 2025-03-09\n---\nA rambutan falls.\n")
    assert ready.run("extract") == 0 and ready.run("build", *options) == 0
    same_as_a_clean_build(ready, tmp_path / "2", *options)
    made_anew.clear()  # a file of the Khmer index gone from the live site: that index is made anew, the other updated
    (site / "km/search/terms/0.json").unlink()  # (a chunk the change leaves where it was: the update would keep it)
    shutil.rmtree(ready.root / ".site.spare")  # (else the build works in the spare, which has its own copy)
    ready.write("content/news/a08.md", "---\ntitle: Article 8\ndate: 2025-03-09\n---\nA mango falls.\n")
    assert ready.run("extract") == 0 and ready.run("build", *options) == 0
    assert made_anew == ["km"]
    same_as_a_clean_build(ready, tmp_path / "3", *options)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(words, words), min_size=1, max_size=12))
def test_what_stands_inside_a_word_is_what_a_page_by_page_count_finds(bodies: list) -> None:
    """The index made anew merges the postings of the words a term stands inside; the reference
    counts them page by page, capped at the highest score."""
    site = {f"news/{n}": {"en": article(en, n), "km": article(km, n)} for n, (en, km) in enumerate(bodies)}
    pages = pages_of(site)
    files = made_anew(pages).files
    inside = search_index._Inside(BREAKER)
    for lang in LANGUAGES:
        listed = search_index._newest_first([p for p in pages if p.lang == lang])
        whole: dict[str, dict[int, int]] = {}
        for number, page in enumerate(listed):
            for term, score in page.terms:
                whole.setdefault(term, {})[number] = score
        expected: dict[str, dict[int, int]] = {}
        for term, found in whole.items():
            for piece in inside.pieces(term, whole):
                for number, score in found.items():
                    total = expected.setdefault(piece, {})
                    total[number] = min(search.HIGHEST_SCORE, total.get(number, 0) + score)
        chunks = [json.loads(data) for path, data in sorted(files.items()) if path.startswith(f"{lang}/search/terms/")]
        inner = {term: postings for chunk in chunks for term, postings in chunk["i"].items()}
        assert inner == {piece: [v for number in sorted(found) for v in (number, found[number])]
                         for piece, found in expected.items()}
