"""The browser's search (`templates/static/search.js`) reads queries as the index reads text.

A query finds a page only when the browser repairs and folds its words exactly as
`pipeline.search.repair` and `fold` did when the index was built: these tests run the script's own
functions under node over many strings (generated ones from the Khmer block, zero-width characters,
Latin, digits and spaces; the real mistyped strings of the corpus; the project's own translations)
and compare them with Python's. Then the script's matching runs on small hand-made indexes: words
the browser splits out of a compound that ICU kept whole, AND, ranking, loading only what a query
needs, and the words an excerpt marks.

One node process serves the whole module (JSON lines in and out); skipped when node is missing
(`.ci/run` installs Debian's nodejs)."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import REPO
from import_fidelity import corpora_dir
from pipeline.po.reader import parse_po
from pipeline.search import fold, repair, word_terms

SEARCH_JS = REPO / "templates" / "static" / "search.js"

# Answers one JSON request per line: {"do": "normalize" | "search" | "excerpt", ...}.
DRIVER = r"""
const search = require(process.env.SEARCH_JS);
const readline = require("readline");

function tinyIndex(files, loaded) {
  return (path) => {
    loaded.push(path);
    if (!Object.prototype.hasOwnProperty.call(files, path)) return Promise.reject(new Error("no " + path));
    return Promise.resolve(JSON.parse(JSON.stringify(files[path])));
  };
}

// A segmenter that cuts the query where the test says, as a browser's own dictionary might.
function cutAt(cuts) {
  return (text) => {
    const ends = cuts.concat([text.length]);
    return ends.map((end, k) => ({ text: text.slice(k ? ends[k - 1] : 0, end), start: k ? ends[k - 1] : 0, end: end }));
  };
}

const handlers = {
  normalize: ({ texts }) => texts.map((text) => [search.repair(text), search.fold(text), search.wordTerms(text)]),
  search: async ({ files, lang, query, cuts }) => {
    const loaded = [];
    const records = await search.engine(tinyIndex(files, loaded), lang, cuts && cutAt(cuts)).search(query);
    return { urls: records.map((r) => r.url), loaded: Array.from(new Set(loaded)).sort() };
  },
  excerpt: ({ page, equal, within }) => search.excerpt(page, new Set(equal), new Set(within)),
};

let queue = Promise.resolve();
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  queue = queue.then(async () => {
    const ask = JSON.parse(line);
    let answer;
    try {
      answer = { ok: await handlers[ask.do](ask) };
    } catch (error) {
      answer = { error: String((error && error.stack) || error) };
    }
    process.stdout.write(JSON.stringify(answer) + "\n");
  });
});
"""


class Node:
    """One node process running search.js: `ask(request)` → its answer."""

    def __init__(self, node: str) -> None:
        self.process = subprocess.Popen([node, "-e", DRIVER], env={**os.environ, "SEARCH_JS": str(SEARCH_JS)},
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def ask(self, **request):
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "node stopped"
        answer = json.loads(line)
        assert "error" not in answer, answer["error"]
        return answer["ok"]

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def node():
    found = shutil.which("node") or shutil.which("nodejs")
    if found is None:
        pytest.skip("node is not installed (Debian package `nodejs`)")
    runner = Node(found)
    try:
        yield runner
    finally:
        runner.close()


def assert_normalized_alike(node: Node, texts: list[str]) -> None:
    answers = node.ask(do="normalize", texts=texts)
    for text, (js_repair, js_fold, js_terms) in zip(texts, answers, strict=True):
        assert js_repair == repair(text), f"repair({text!r})"
        assert js_fold == fold(text), f"fold({text!r})"
        assert js_terms == word_terms(text), f"word_terms({text!r})"


# --- repair and fold: the browser's are Python's ------------------------------------------------

KHMER = st.characters(min_codepoint=0x1780, max_codepoint=0x17FF)
# What a Khmer cluster is made of, so that generated text has clusters with several marks to
# reorder: subscripts (coeng RO, DA, TA…), vowels (split ones too), shifters, signs, joiners,
# deprecated and discouraged letters, digits and the repetition sign.
MARKS = st.sampled_from(["\u17d2\u179a", "\u17d2\u178a", "\u17d2\u178f", "\u17d2\u1780", "\u17d2\u1798", "\u17d2",
                         "\u17c1", "\u17b8", "\u17b6", "\u17be", "\u17bb", "\u17b7", "\u17c9", "\u17ca", "\u17c6",
                         "\u17c7", "\u17cc", "\u200c", "\u200d", "\u17b4", "\u17d7", "\u17e1", "\u17b2", "\u17a3",
                         "\u17a4", "\u17d8", "\u17d3"])
BASES = st.sampled_from("កគបសអឥរដ\u25cc")
ODD = st.sampled_from(["\u200b", "\u2060", "\ufeff", " ", "\u00a0", "\n"])
LATIN = st.sampled_from("abcXYZ019 .,-ÉéİΣσ")
TEXTS = st.lists(st.one_of(KHMER, BASES, MARKS, MARKS, ODD, LATIN), max_size=30).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=40))
def test_generated_strings_are_repaired_and_folded_as_python_does(node: Node, texts: list[str]) -> None:
    assert_normalized_alike(node, texts)


@settings(max_examples=300, deadline=None)
@given(BASES, st.lists(MARKS, max_size=5))
@example("ក", ["\u17bb", "\u17b7"])  # sra U before an upper vowel: the base's register shifter
@example("គ", ["\u17bb", "\u17b6", "\u17c6"])
@example("ស", ["\u17d2\u179a", "\u17d2\u178a", "\u17c1", "\u17b8"])  # coeng RO last, split vowel
def test_marks_in_any_order_on_any_base_are_repaired_as_python_does(node: Node, base: str, marks: list[str]) -> None:
    assert_normalized_alike(node, [base + "".join(marks), base + "".join(marks) + base + "\u17d2\u179a"])


def test_the_corpus_mistyped_strings_are_repaired_as_python_does(node: Node) -> None:
    found = corpora_dir() / "khmer" / "khmer_bad_strings.json"
    if not found.is_file():
        pytest.skip(f"{found} is missing")
    cases = json.loads(found.read_text(encoding="utf-8"))
    texts = [case[key] for case in cases for key in ("msgid", "msgstr")]
    assert_normalized_alike(node, texts + [word for text in texts for word in text.split()])


def test_the_projects_translations_are_repaired_as_python_does(node: Node) -> None:
    texts = [text for po in sorted((REPO / "locale" / "km").rglob("*.po"))
             for message in parse_po(po.read_text(encoding="utf-8"), str(po)).messages
             for text in (message.msgstr, *message.msgstr_plural) if text]
    assert len(texts) > 50
    assert_normalized_alike(node, texts + [word for text in texts for word in text.split()])


@pytest.mark.parametrize(("typed", "searched"), [
    ("ពេ\u17b8ល", "ពើល"),  # split vowel េ + ី
    ("ក្រ្ក", "ក្ក្រ"),  # coeng RO last
    ("ខេត្ត\u200bតាកែវ", "ខេត្តតាកែវ"),  # zero-width space
    ("\u17a4", "អា"),  # deprecated independent vowel
])
def test_mistyped_queries_are_searched_as_typed_right(node: Node, typed: str, searched: str) -> None:
    [(repaired, _, _)] = node.ask(do="normalize", texts=[typed])
    assert repaired == searched


@pytest.mark.parametrize(("word", "term"), [("១៨", "18"), ("សម្ដេច", "សម្តេច"), ("ឲ្យ", "ឱ្យ"), ("Takeo", "takeo"),
                                            ("ផ្សេងៗ", "ផ្សេង"), ("ក" * 65, "")])
def test_words_are_folded_to_the_terms_the_index_has(node: Node, word: str, term: str) -> None:
    [(_, folded, _)] = node.ask(do="normalize", texts=[word])
    assert folded == term


# --- matching on a hand-made index ----------------------------------------------------------------


def tiny_index(whole: dict[str, list[int]], inside: dict[str, list[int]] | None = None, pages: int = 4,
               chunks: tuple[str, ...] = ("",)) -> dict:
    """The files of a Khmer index with these postings (term → [page, score, …]), its terms cut into
    chunks starting at `chunks`, and one record per page (`/km/p<n>/`)."""
    inside = inside or {}
    files: dict = {"index.json": {"format": 1, "lang": "km", "pages": pages, "chunks": list(chunks), "per_meta": 2}}
    for number, first in enumerate(chunks):
        following = chunks[number + 1] if number + 1 < len(chunks) else None

        def held(term: str) -> bool:
            return first <= term and (following is None or term < following)

        files[f"terms/{number}.json"] = {"w": {t: p for t, p in whole.items() if held(t)},
                                         "i": {t: p for t, p in inside.items() if held(t)}}
    for start in range(0, pages, 2):
        files[f"pages/{start // 2}.json"] = [{"url": f"/km/p{n}/", "title": f"p{n}", "lang": "km", "date": None,
                                              "shown_date": "", "text": f"/km/search/text/p{n}.json", "pairs": []}
                                             for n in range(start, min(start + 2, pages))]
    return files


PROVINCE = tiny_index({"ខេត្ត": [0, 1, 1, 1, 3, 2], "តាកែវ": [1, 1, 2, 1, 3, 1], "កែវ": [0, 1]})


@pytest.mark.parametrize(("query", "pages"), [
    ("ខេត្តតាកែវ", [1, 3]),  # not a term: two pieces that are, on the pages having both (the lesser score)
    ("ខេត្តតា", []),  # តា is no term: no fragment matching
    ("តាកែវ", [1, 2, 3]),
    ("ខេត្ត តាកែវ", [3, 1]),  # AND, best first
    ("ខេត្ត កែវ", [0]),
    ("ខេត្ត ឌីជីថល", []),  # a word found nowhere: nothing
])
def test_query_words_are_found_whole_or_as_indexed_pieces(node: Node, query: str, pages: list[int]) -> None:
    found = node.ask(do="search", files=PROVINCE, lang="km", query=query)
    assert found["urls"] == [f"/km/p{n}/" for n in pages]


def test_a_word_inside_a_compound_icu_kept_whole_is_found(node: Node) -> None:
    files = tiny_index({"ខេត្តតាកែវ": [2, 9]}, inside={"តាកែវ": [2, 9]})
    assert node.ask(do="search", files=files, lang="km", query="តាកែវ")["urls"] == ["/km/p2/"]


def test_words_the_browser_split_are_joined_again(node: Node) -> None:
    files = tiny_index({"ខេត្តតាកែវ": [2, 9]})
    assert node.ask(do="search", files=files, lang="km", query="ខេត្ត តាកែវ")["urls"] == ["/km/p2/"]


@pytest.mark.parametrize(("query", "pages"), [
    ("wi-fi", [1]),  # the word the index has, not its parts apart
    ("wi fi", [2]),  # typed apart: the two words, not the compound
])
def test_words_typed_together_are_looked_up_as_the_word_icu_kept_whole(node: Node, query: str,
                                                                        pages: list[int]) -> None:
    files = tiny_index({"wi-fi": [1, 1], "wi": [2, 1], "fi": [2, 1, 3, 1]})
    assert node.ask(do="search", files=files, lang="en", query=query)["urls"] == [f"/km/p{n}/" for n in pages]


@pytest.mark.parametrize("cuts", [[7], [8, 12], [4, 7, 12]])
def test_words_written_together_are_read_as_the_index_cuts_them(node: Node, cuts: list[int]) -> None:
    """However the browser cut អាជ្ញាធរមូលដ្ឋាន ("local authority"), even inside a word, the
    pages having both words are found."""
    files = tiny_index({"អាជ្ញាធរ": [1, 1, 2, 1], "មូលដ្ឋាន": [1, 1, 3, 1]})
    query = "អាជ្ញាធរមូលដ្ឋាន"
    assert node.ask(do="search", files=files, lang="km", query=query, cuts=cuts)["urls"] == ["/km/p1/"]
    assert node.ask(do="search", files=files, lang="km", query="អាជ្ញាធរមូល", cuts=cuts[:1])["urls"] == []


def test_khmer_digits_find_latin_digits(node: Node) -> None:
    files = tiny_index({"18": [1, 1], "ឆ្នាំ": [0, 1, 1, 1]})
    assert node.ask(do="search", files=files, lang="km", query="ឆ្នាំ១៨")["urls"] == ["/km/p1/"]


def test_a_query_loads_only_the_chunks_and_records_it_needs(node: Node) -> None:
    files = tiny_index({"ខេត្ត": [0, 1], "ឆ្នាំ": [3, 1], "apple": [2, 1]}, chunks=("", "ខ", "ឆ"))
    found = node.ask(do="search", files=files, lang="km", query="ខេត្ត")
    assert found["urls"] == ["/km/p0/"]
    assert found["loaded"] == ["index.json", "pages/0.json", "terms/1.json"]


VOCABULARY = ["alpha", "beta", "gamma", "delta", "kappa"]


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(VOCABULARY),
                       st.dictionaries(st.integers(0, 7), st.integers(1, 30), min_size=1), min_size=1),
       st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=3))
def test_results_have_every_query_word_best_first(node: Node, postings: dict[str, dict[int, int]],
                                                  query: list[str]) -> None:
    whole = {term: [value for page in sorted(pages) for value in (page, pages[page])] for term, pages in postings.items()}
    found = node.ask(do="search", files=tiny_index(whole, pages=8), lang="en", query=" ".join(query))["urls"]
    terms = set(query)
    matching = [page for page in range(8) if all(page in postings.get(term, {}) for term in terms)]
    assert sorted(found) == sorted(f"/km/p{page}/" for page in matching)

    def score(page: int) -> float:
        return sum(postings[t][page] * math.log(1 + 8 / len(postings[t])) for t in terms)

    shown = [int(url.strip("/").removeprefix("km/p")) for url in found]
    for better, worse in zip(shown, shown[1:]):
        assert score(better) >= score(worse) - 1e-9
        if score(better) == score(worse):
            assert better < worse, "ties: the newer page (lower number) first"


# --- excerpts ----------------------------------------------------------------------------------


def text_file(words: list[str], between: str = " ") -> dict:
    """A text file as the build writes it: each word where it starts after the last one, and its length."""
    text, offsets = "", []
    for word in words:
        gap = len(between) if text else 0
        text += between if text else ""
        offsets += [gap, len(word)]
        text += word
    return {"text": text, "words": offsets}


@pytest.mark.parametrize(("words", "equal", "within", "marked"), [
    (["ឆ្នាំ", "១៨", "ខែ"], ["18"], [], ["១៨"]),
    (["ខេត្តតាកែវ", "និង", "តាកែវ"], [], ["តាកែវ"], ["ខេត្តតាកែវ", "តាកែវ"]),
    (["ការងារ", "ការិយាល័យ"], [], ["ការ"], ["ការងារ"]),  # not inside a letter cluster (រិ)
    (["Digital", "Khmer", "digital"], ["digital"], [], ["Digital", "digital"]),
    (["សម្ដេច", "សម្តេច"], ["សម្តេច"], [], ["សម្ដេច", "សម្តេច"]),
])
def test_excerpts_mark_the_words_a_query_matched(node: Node, words, equal, within, marked) -> None:
    runs = node.ask(do="excerpt", page=text_file(words), equal=equal, within=within)
    assert "".join(text for text, _ in runs) == " ".join(words)
    assert [text for text, is_marked in runs if is_marked] == marked


def test_a_long_text_is_cut_around_the_first_match(node: Node) -> None:
    words = [f"w{n}" for n in range(100)]
    runs = node.ask(do="excerpt", page=text_file(words), equal=["w60"], within=[])
    shown = "".join(text for text, _ in runs)
    assert shown.startswith("… ") and shown.endswith(" …")
    assert shown.split()[1:10] == [f"w{n}" for n in range(52, 61)], "the first match, after 8 words of context"
    assert len(shown.strip("… ").split()) == 25
