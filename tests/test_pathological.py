"""Pathological Markdown costs linear time, or stops at a located limit.

Articles made of long runs of every special character, alternations of pairs, deep nesting, wide
and long tables, many lines, reference definitions, footnotes and images, long Khmer text and
digit runs (the generator of bench/pathological.py, which times them into bench/README.md), put
in every kind of unit and in translations, go through `pipeline extract` and `pipeline build` as
real processes: each command finishes, or stops with `path:line: error:` at a documented limit;
never a traceback, never a hang. The timeouts only catch a hang; no test here measures time.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import mistune
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from pipeline import khmer, markdown, segment
from pipeline.markdown.setup import _flatten

sys.path.insert(0, str(REPO / "bench"))
import pathological  # noqa: E402  (the generator lives with the benchmark that times it)

# Each class of shapes gets one project: every shape at the largest size in a paragraph, and at a
# smaller size in every place (heading, list item, table cell, quote, footnote, front matter, and
# the msgstr of every kind of unit). Linear code reads a class in seconds; with the worst spots the
# benchmark found (a run of backticks, a Khmer cluster of garbage marks, a wide table) a command
# outlasted the timeout. Milder growth is the benchmark's to measure.
LARGEST = 45_000  # under the 50,000-character limit of a unit
LARGEST_BLOCKS = 200_000  # tables and rows of images: many small units, so no unit limit applies
SIZE = 12_000
TIMEOUT = 60  # seconds per command: a hang guard, not a timing assertion
LIMIT_CODES = {"too-long", "too-deep"}  # the documented limits a source unit may hit
LOCATED = re.compile(r"^(?P<path>(?:content|locale)/[^\n]+?):(?P<line>[1-9]\d*): error: .*?(?: \[(?P<code>[\w-]+)\])?$")


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pipeline.cli", "--root", str(root), "-q", *args, "--jobs", "1"]
    env = {"SOURCE_DATE_EPOCH": "1755043200", "CI": "true", "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env, timeout=TIMEOUT)


def error_lines(result: subprocess.CompletedProcess) -> list[re.Match]:
    """Every `error:` line of a command's output, each located (or the test fails)."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    lines = [line for line in output.splitlines() if ": error: " in line]
    unlocated = [line[:300] for line in lines if not LOCATED.match(line)]
    assert not unlocated, unlocated
    return [LOCATED.match(line) for line in lines]


def _articles(shape_class: str, shape: str) -> dict[str, pathological.Case]:
    make = pathological.SHAPES[shape]
    largest = LARGEST_BLOCKS if shape_class in ("tables", "images") else LARGEST
    articles = {f"news/{shape}--largest": pathological.PLACES["paragraph"](make(largest))}
    for place, put in pathological.PLACES.items():
        articles[f"news/{shape}--{place}"] = put(make(SIZE))
    return articles


@pytest.mark.parametrize("shape_class", sorted(pathological.CLASSES))
def test_every_shape_extracts_and_builds_or_stops_at_a_located_limit(tmp_path: Path, shape_class: str) -> None:
    root = tmp_path / "project"
    pathological.write_project(root)
    cases = {}
    for shape in pathological.CLASSES[shape_class]:
        cases.update(_articles(shape_class, shape))
    for article_id, case in cases.items():
        pathological.write_article(root, article_id, case)

    extract = run_cli(root, "extract")
    errors = error_lines(extract)
    assert extract.returncode == (1 if errors else 0), extract.stderr[-3000:]
    assert {found["code"] for found in errors} <= LIMIT_CODES, [found.group(0)[:300] for found in errors]
    refused = {found["path"].removeprefix("content/").removesuffix(".md") for found in errors}
    assert refused <= cases.keys(), refused
    if refused:  # the others extract once the refused articles are gone
        for article_id in refused:
            (root / "content" / (article_id + ".md")).unlink()
        extract = run_cli(root, "extract")
        assert extract.returncode == 0 and not error_lines(extract), extract.stderr[-3000:]

    for article_id, case in cases.items():
        if article_id not in refused:
            pathological.fill_translations(root, case, article_id)
    build = run_cli(root, *pathological.build_args(root))
    error_lines(build)  # a translation with errors is held back, each error located in its catalog
    assert build.returncode in (0, 1), build.stderr[-3000:]
    for article_id in cases.keys() - refused:
        assert (root / "site/en" / article_id / "index.html").is_file(), article_id


# --- the pieces that made it linear, each against what mistune itself does -----------------------

_INLINE = mistune.create_markdown(escape=False, plugins=list(markdown.PLUGINS))


def _refusals(text: str) -> int:
    """How many closing runs mistune refuses for depth while reading `text` (the quadratic step:
    each refusal walks every token between the run and its opener). Counted by wrapping a private
    function of mistune 3.4's emphasis module: if mistune changes, this test says so."""
    from mistune._inline import emphasis
    from mistune.core import token_depth

    original, refused = emphasis._get_emphasis_children, []

    def counting(parts, opener_index, closer_index, max_depth):
        children = original(parts, opener_index, closer_index, max_depth)
        if children is None and max_depth > 0 and token_depth(parts[opener_index + 1:closer_index]) >= max_depth:
            refused.append(closer_index)
        return children

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(emphasis, "_get_emphasis_children", counting)
        _INLINE.inline(text, {"ref_links": {}, "ref_footnotes": {}})
    return len(refused)


EMPHASIS_PIECES = ["*", "**", "_", "__", "~~", "~", "***", "a", "b", "1", "ក", " ", ".", ",", "(", ")", "`",
                   "[", "](u)", "\\", "<b>", "http://x.y", "&amp;", "&nbsp;", "\n", "!", "x_y"]
OPENERS = ["*a ", "**a ", "_a ", "~~a ", "*`c` ", "[*a ", "***", "*"]
CLOSERS = [" a*", " a**", " a_", " a~~", " a*](u)", "***", "*", "a*,"]
PIECES = st.lists(st.sampled_from(EMPHASIS_PIECES), max_size=12).map("".join)
NESTED = st.builds(lambda before, opener, opened, middle, closer, closed, after:
                   before + opener * opened + middle + closer * closed + after,
                   PIECES, st.sampled_from(OPENERS), st.integers(0, 40), PIECES,
                   st.sampled_from(CLOSERS), st.integers(0, 60), PIECES)


@settings(max_examples=300, deadline=None)
@given(st.one_of(NESTED, st.lists(st.sampled_from(EMPHASIS_PIECES), max_size=40).map("".join)))
def test_mistune_refuses_no_more_closing_runs_than_the_bound(text: str) -> None:
    bound = markdown.emphasis_nesting_bound(text)
    assert _refusals(text) <= bound or bound > 19


@pytest.mark.parametrize("text", [
    " ".join(f"**Province {n}**: its capital," for n in range(40)),  # many bold terms, one after another
    " ".join(f"*term{n}*" for n in range(200)),
    "a*b*c*d*e*f*g*h*i*j*k*l*m*n*o*p*q*r*s*t*u*v*w*x*y*z" * 4,
    " ".join(f"file_name_{n}.txt" for n in range(300)),
    "\\*a " * 40 + "x" + " a\\*" * 40,  # escaped asterisks, as the limit's hint says
])
def test_real_emphasis_is_far_from_the_nesting_limit(text: str) -> None:
    assert markdown.emphasis_nesting_bound(text) <= 2


def test_deep_emphasis_is_a_located_error_and_escaped_markers_are_not(tmp_path: Path) -> None:
    root = tmp_path / "project"
    pathological.write_project(root)
    deep = "*a " * 30 + "x" + " a*" * 30
    pathological.write_article(root, "news/deep", pathological.Case(None, "Text.\n\n" + deep + "\n", {}))
    result = run_cli(root, "extract")
    [found] = error_lines(result)
    assert result.returncode == 1
    assert (found["path"], found["line"], found["code"]) == ("content/news/deep.md", "9", "too-deep")
    assert not (root / "locale").exists()  # nothing written
    escaped = deep.replace("*", "\\*")
    pathological.write_article(root, "news/deep", pathological.Case(None, "Text.\n\n" + escaped + "\n", {}))
    assert run_cli(root, "extract").returncode == 0


CODE_PIECES = ["`", "``", "```", "a", " ", "\\", "b`", "`a`"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(CODE_PIECES), max_size=30).map("".join))
def test_translatable_text_is_what_mistune_shows_outside_code(text: str) -> None:
    tokens = _INLINE.inline(text, {"ref_links": {}, "ref_footnotes": {}})
    words = [token["raw"] for token in _flatten(tokens) if token["type"] == "text"]
    assert segment.is_translatable(text) == bool(re.search(r"[^\W\d_]", "".join(words)))


HEADING_PIECES = ["#", "##", " ", "\t", "a", "C#", "\\#", "\u00a0", "\u2003", "`#`"]


def _block_tokens(md: mistune.Markdown, body: str) -> list[dict]:
    state = md.block.state_cls()
    state.process(body)
    md.block.parse(state)
    return state.tokens


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(HEADING_PIECES), max_size=20).map("".join))
def test_headings_are_read_as_mistune_reads_them(text: str) -> None:
    body = "## " + text + "\n\n# " + text.strip() + " #\n"
    assert list(markdown.parse(body).tokens) == _block_tokens(_INLINE, body)


@pytest.mark.parametrize("marks", ["\u17b6\u17b6\u17c6", "\u17c1\u17b8", "\u17d2\u1780", "\u17d2\u178a\u17d2\u179a", "\u17c6\u17b6"])
@pytest.mark.parametrize("count", [40, 20_000])
def test_a_khmer_cluster_of_garbage_marks_is_one_short_finding(marks: str, count: int) -> None:
    text = "សួស្តី ក" + marks * count + " ពិភពលោក"
    [finding] = khmer.check_khmer(text)
    assert (finding.code, finding.severity, finding.offset, finding.fix) == ("km-long-cluster", "error", 7, None)
    assert finding.excerpt in text and len(finding.excerpt + finding.message + finding.hint) < 200


def test_slots_keep_their_lines_in_wide_tables_and_among_many_footnotes() -> None:
    columns, notes = 3_000, 500
    table = "|" + "|".join(f" h{c} " for c in range(columns)) + "|\n|" + "---|" * columns + "\n" \
        + "|" + "|".join(f" c{c} " for c in range(columns)) + "|\n"
    uses = " ".join(f"See[^note{n}]." for n in range(notes))
    definitions = "\n".join(f"[^note{n}]: Note number {n}." for n in range(notes))
    body = f"Note number 7.\n\n{table}\n{uses}\n\n{definitions}\n"
    slots = markdown.parse(body).slots
    lines = {(slot.kind, slot.text): slot.line for slot in slots}
    assert lines[("table cell", "h2999")] == 3 and lines[("table cell", "c2999")] == 5
    assert lines[("paragraph", "Note number 7.")] == 1
    footnotes = {slot.address[1]: slot.line for slot in slots if slot.kind == "footnote"}
    # each at its own definition, even the one whose text stands earlier in the body
    assert footnotes["NOTE7"] == 9 + 7 and footnotes["NOTE499"] == 9 + 499
