"""Pathological Markdown: articles built to expose super-linear code, timed through the real CLI.

    .venv/bin/python bench/pathological.py                      # every case at 10,000 and 40,000 characters
    .venv/bin/python bench/pathological.py --baseline 74dba76 --only backtick,wide-table
    .venv/bin/python bench/pathological.py --fork --sizes 5000,20000     # quick exploration
    .venv/bin/python bench/pathological.py --list               # the cases, one a line

Each case is one article (a *shape* of text put in one *place*) in a fresh project: `pipeline
extract --jobs 1`, then the Khmer catalog is filled, then `pipeline build --min-translated 0
--jobs 1 --markdown DIR`, each a fresh interpreter with a timeout. A case is timed at two sizes:
the ratio of the times (extract + build) at the larger size to the smaller one is about 1 when
start-up dominates, at most the size ratio for linear code, and its square for quadratic code.
`--baseline REV` also times the code of a commit, case by case in the same run (snapshots of both
are taken at the start, so edits to the tree during a run change nothing). Cases are listed
slowest first; the exit status is 1 when a case neither finished nor stopped with a located error.

The shapes (`SHAPES`) are text generators by class: runs of every character Markdown, YAML,
gettext, the number check or the Khmer check reads specially; alternations of pairs; nesting;
wide and long tables; long lines and many lines; many reference definitions, footnotes and
images; long Khmer text without spaces and Khmer clusters with thousands of marks; long runs of
digits. The places (`PLACES`) are where a text stands: a paragraph, a heading, a list item, a
table cell, a quote, a footnote, a front-matter value, and a translation (the msgstr of the title
and of a paragraph, a heading, a table cell, an image alt and a footnote, which the build checks
and renders). Every size stays under the 50,000-character unit limit of `segment.py`.

tests/test_pathological.py writes the same articles (`SHAPES`, `PLACES`, `write_project`,
`write_article`, `fill_translations`), as a hang guard at one size.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]

PYPROJECT = """\
[tool.pipeline]
project = "pathological"
version = "1.0"
languages = ["en", "km"]
default_language = "en"
base_url = "https://news.example.org"

[tool.pipeline.collections.news]
translate = ["title", "description"]
"""

ARTICLE_ID = "news/case"
PLAIN = "A plain paragraph to translate."  # the body unit whose msgstr the "translation" place fills
KHMER_TITLE = "ចំណងជើង"
KHMER_PLAIN = "កថាខណ្ឌធម្មតា។"
# a 1×1 transparent PNG: the images of the shapes point at it
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _times(piece: str, size: int) -> str:
    """`piece` repeated to about `size` characters."""
    return piece * max(1, size // len(piece))


def _run(char: str) -> Callable[[int], str]:
    return lambda size: "a" + char * size + " b"


def _pairs(piece: str) -> Callable[[int], str]:
    return lambda size: "a " + _times(piece, size) + " b"


def _nested(opening: str, middle: str, closing: str) -> Callable[[int], str]:
    def shape(size: int) -> str:
        depth = max(1, size // (len(opening) + len(closing)))
        return opening * depth + middle + closing * depth
    return shape


def _table(columns: int, rows: int) -> str:
    head = "|" + "|".join(f" h{c} " for c in range(columns)) + "|\n"
    rule = "|" + "|".join("---" for _ in range(columns)) + "|\n"
    body = "".join("|" + "|".join(f" c{r} " for _ in range(columns)) + "|\n" for r in range(rows))
    return head + rule + body


def _wide_table(size: int) -> str:
    return _table(max(1, size // 10), 1)


def _long_table(size: int) -> str:
    return _table(2, max(1, size // 14))


def _many_lines(size: int) -> str:
    return _times("word\n", size).rstrip("\n")


def _reference_definitions(size: int) -> str:
    count = max(1, size // 40)
    uses = " ".join(f"[w{i}][r{i}]" for i in range(count))
    definitions = "\n".join(f"[r{i}]: /page{i}" for i in range(count))
    return uses + "\n\n" + definitions


def _footnotes(size: int) -> str:
    count = max(1, size // 30)
    uses = " ".join(f"word[^n{i}]" for i in range(count))
    definitions = "\n\n".join(f"[^n{i}]: note {i}" for i in range(count))
    return uses + "\n\n" + definitions


def _images(size: int) -> str:
    return _times("![alt](@/assets/p.png) ", size).rstrip()


def _images_lines(size: int) -> str:
    return _times("![alt](@/assets/p.png)\n", size).rstrip()


def _khmer_words(size: int) -> str:
    return _times("សួស្តីពិភពលោកកម្ពុជា", size)


# Shape name → text of about `size` characters (a few have a newline: they spill out of one-line places).
SHAPES: dict[str, Callable[[int], str]] = {
    **{f"run-{name}": _run(char) for name, char in {
        "backtick": "`", "star": "*", "underscore": "_", "open-bracket": "[", "close-bracket": "]",
        "open-paren": "(", "close-paren": ")", "bang": "!", "lt": "<", "gt": ">", "amp": "&",
        "backslash": "\\", "pipe": "|", "hash": "#", "dash": "-", "plus": "+", "equals": "=",
        "tilde": "~", "colon": ":", "dquote": '"', "squote": "'", "dollar": "$", "open-brace": "{",
        "close-brace": "}", "percent": "%", "space": " ", "tab": "\t", "zero": "0", "digit": "7",
        "khmer-digit": "៧", "coeng": "\u17d2", "khmer-vowel": "\u17b6", "khmer-sign": "\u17c6",
        "zwsp": "\u200b", "letter": "x",
    }.items()},
    **{f"pairs-{name}": _pairs(piece) for name, piece in {
        "star-a": "*a", "underscore-a": "_a", "bracket-a": "[a", "backtick-a": "`a", "lt-a": "<a ",
        "close-paren": "](", "image-open": "![", "comment-open": "<!--", "pi-open": "<?",
        "entity-open": "&a", "http": "http://", "www": "www.", "mailto": "mailto:", "percent-zero": "%0",
        "percent-paren": "%(", "brace-hash": " {#a", "footnote-open": "[^", "link-open": "[a](",
        "double-star-a": "**a", "tilde-pair": "~~a", "backslash-star": "\\*", "digit-comma": "1,",
        "digit-dot": "1.", "khmer-split-vowel": "ក\u17c1\u17b8", "khmer-sign-vowel": "ក\u17c6\u17b6",
        "khmer-zwsp": "ក\u200b", "khmer-coeng-zwsp": "ក\u17d2\u200bក", "space-dot": " .",
    }.items()},
    "nested-emphasis": _nested("*a ", "x", " a*"),
    "nested-strong": _nested("**", "x", "**"),
    "nested-links": _nested("[", "x", "](/u)"),
    "nested-brackets": _nested("[", "x", "]"),
    "nested-parens-in-link": lambda size: "[a](" + _nested("(", "x", ")")(size) + ")",
    "nested-code-in-emphasis": _nested("*`", "x", "`*"),
    "nested-quotes": _nested("> ", "x", ""),
    "nested-lists": _nested("- ", "x", ""),
    "nested-ordered-lists": _nested("1. ", "x", ""),
    "heading-blanks": lambda size: "a\n\n# a" + " " * size + "b",  # an ATX heading wherever text is read as blocks
    "long-word": lambda size: "x" * size,
    "long-url": lambda size: "http://example.org/" + "a" * size,
    "long-khmer": _khmer_words,
    "many-lines": _many_lines,
    "wide-table": _wide_table,
    "long-table": _long_table,
    "reference-definitions": _reference_definitions,
    "footnotes": _footnotes,
    "images": _images,
    "images-lines": _images_lines,
    "khmer-cluster-marks": lambda size: "ក" + _times("\u17c6\u17b6", size),
    "khmer-cluster-duplicates": lambda size: "ក" + _times("\u17b6\u17b6\u17c6", size),
    "khmer-cluster-split-vowels": lambda size: "ក" + _times("\u17c1\u17b8", size),
    "khmer-cluster-subscripts": lambda size: "ក" + _times("\u17d2\u1780", size),
    "khmer-cluster-ro-first": lambda size: "ក" + _times("\u17d2\u179a\u17d2\u1780", size),
    "khmer-cluster-vowel-then-subscripts": lambda size: "ក\u17b6" + _times("\u17d2\u1780", size),
    "khmer-cluster-da-ro": lambda size: "ស" + _times("\u17d2\u178a\u17d2\u179a", size),
}


def _class_of(shape: str) -> str:
    prefix = shape.split("-")[0]
    if prefix in ("run", "pairs", "nested", "khmer"):
        return prefix
    return {"long-khmer": "khmer", "images": "images", "wide-table": "tables", "long-table": "tables", "images-lines": "images",
            "reference-definitions": "definitions", "footnotes": "definitions"}.get(shape, "lines")


# Class name → its shapes: runs, pairs, nesting, tables, lines (long or many), definitions
# (references and footnotes), images, Khmer.
CLASSES: dict[str, tuple[str, ...]] = {}
for _shape in SHAPES:
    CLASSES[_class_of(_shape)] = CLASSES.get(_class_of(_shape), ()) + (_shape,)


@dataclass(frozen=True)
class Case:
    """One article: its front-matter description (None: none), its body after the plain paragraph,
    and the msgstr its Khmer catalog gets for some msgids."""

    description: str | None
    body: str
    translations: dict[str, str]


def _yaml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def _one_line(text: str) -> str:
    return text.replace("\n", " ")


PLAIN_TRANSLATIONS = {"Pathological": KHMER_TITLE, PLAIN: KHMER_PLAIN}
# One unit of every kind, for the "translation" place: each gets the shape's text as its msgstr,
# so that the build checks it and renders it in every kind of slot (a footnote is read as blocks).
UNITS_BODY = ("## A heading unit\n\n| A cell unit |\n|---|\n| another cell |\n\n"
              "![An alt unit](@/assets/p.png)\n\nNoted[^t].\n\n[^t]: A footnote unit.\n")
UNITS = ("Pathological", PLAIN, "A heading unit", "A cell unit", "An alt unit", "A footnote unit.")


def _in_body(body: str) -> Case:
    return Case(None, body, PLAIN_TRANSLATIONS)


# Place name → (shape text → Case).
PLACES: dict[str, Callable[[str], Case]] = {
    "paragraph": lambda text: _in_body(text + "\n"),
    "heading": lambda text: _in_body("## " + _one_line(text) + "\n"),
    "list-item": lambda text: _in_body("- " + text.replace("\n", "\n  ") + "\n"),
    "table-cell": lambda text: _in_body("| head |\n|---|\n| " + _one_line(text) + " |\n"),
    "quote": lambda text: _in_body("> " + text.replace("\n", "\n> ") + "\n"),
    "footnote": lambda text: _in_body("Noted[^x].\n\n[^x]: " + text.replace("\n", "\n    ") + "\n"),
    "front-matter": lambda text: Case(text, "Body.\n", PLAIN_TRANSLATIONS),
    "translation": lambda text: Case(None, UNITS_BODY, dict.fromkeys(UNITS, text)),
}


def write_project(root: Path, templates: Path = REPO / "templates") -> None:
    """A fresh project in `root` (the folder is replaced): configuration, templates, the image."""
    if root.exists():
        shutil.rmtree(root)
    (root / "content/assets").mkdir(parents=True)
    shutil.copytree(templates, root / "templates")
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "content/assets/p.png").write_bytes(PNG)


def write_article(root: Path, article_id: str, case: Case) -> None:
    front = ["---", "title: Pathological", "date: 2025-08-13"]
    if case.description is not None:
        front.append("description: " + _yaml_string(case.description))
    text = "\n".join(front) + "\n---\n" + PLAIN + "\n\n" + case.body
    path = root / "content" / (article_id + ".md")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_case(root: Path, shape: str, place: str, size: int, templates: Path = REPO / "templates") -> Case:
    """A fresh project in `root` holding the one article of this shape, place and size."""
    case = PLACES[place](SHAPES[shape](size))
    write_project(root, templates)
    write_article(root, ARTICLE_ID, case)
    return case


def _po_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + escaped + '"'


def fill_translations(root: Path, case: Case, article_id: str = ARTICLE_ID) -> None:
    """Give the case's msgids their Khmer msgstr in the catalog `pipeline extract` wrote."""
    po = root / "locale/km/LC_MESSAGES" / (article_id + ".po")
    text = po.read_text(encoding="utf-8")
    for msgid, msgstr in case.translations.items():
        entry = f"msgid {_po_string(msgid)}\nmsgstr \"\""
        if entry not in text:
            raise SystemExit(f"{po}: no entry {entry!r} to fill")
        text = text.replace(entry, f"msgid {_po_string(msgid)}\nmsgstr {_po_string(msgstr)}")
    po.write_text(text, encoding="utf-8")


# --- running the commands ---------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """The code a command runs: `source` holds pipeline/ and templates/ (a snapshot of the working
    tree, or a commit exported with git archive); `fork` runs it in a child of this process."""

    label: str
    source: Path
    fork: bool = False


@dataclass(frozen=True)
class Step:
    seconds: float
    exit: int | None  # None: killed at the timeout
    located: bool  # the output holds a `path:line: error:` line
    traceback: bool


def run_pipeline(root: Path, *args: str, timeout: float, version: Version | None = None) -> Step:
    """One `pipeline` command with `--jobs 1` in a fresh interpreter (the working tree's code
    unless a `version` is given), or forked from this process for a forking version."""
    if version is not None and version.fork:
        return _forked(root, args, timeout)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1755043200", CI="true")
    command = [sys.executable, "-m", "pipeline.cli"]
    if version is not None:
        env["PYTHONPATH"] = str(version.source)
        command = [sys.executable, "-P", "-m", "pipeline.cli"]  # -P: the working tree must not shadow it
    command += ["--root", str(root), "-q", *args, "--jobs", "1"]
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, cwd=root, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Step(time.perf_counter() - start, None, False, False)
    output = done.stdout + done.stderr
    return Step(time.perf_counter() - start, done.returncode, ": error: " in output, "Traceback" in output)


def _forked(root: Path, args: tuple[str, ...], timeout: float) -> Step:
    import contextlib
    import io
    import select

    from pipeline.cli import main as pipeline_main

    reading, writing = os.pipe()
    start = time.perf_counter()
    child = os.fork()
    if child == 0:  # the child runs the command and sends back its exit code and output
        os.close(reading)
        output = io.StringIO()
        code = 1
        try:
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
                code = pipeline_main(["--root", str(root), "-q", *args, "--jobs", "1"])
        except BaseException:  # noqa: BLE001 - reported to the parent as a traceback
            import traceback
            output.write("Traceback\n" + traceback.format_exc())
        os.write(writing, json.dumps([code, output.getvalue()]).encode())
        os._exit(0)
    os.close(writing)
    chunks: list[bytes] = []
    deadline = start + timeout
    while True:
        left = deadline - time.perf_counter()
        if left <= 0 or not select.select([reading], [], [], left)[0]:
            os.kill(child, 9)
            os.waitpid(child, 0)
            os.close(reading)
            return Step(time.perf_counter() - start, None, False, False)
        chunk = os.read(reading, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(reading)
    os.waitpid(child, 0)
    code, output = json.loads(b"".join(chunks).decode())
    return Step(time.perf_counter() - start, code, ": error: " in output, "Traceback" in output)


def _warm_up(root: Path) -> None:
    """Run both commands once in this process on a small case, so that forked children start
    with every module imported."""
    import contextlib
    import io

    from pipeline.cli import main as pipeline_main

    os.environ.update(SOURCE_DATE_EPOCH="1755043200", CI="true")
    case = write_case(root, "run-letter", "translation", 10)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        pipeline_main(["--root", str(root), "-q", "extract", "--jobs", "1"])
        fill_translations(root, case)
        pipeline_main(["--root", str(root), "-q", *build_args(root), "--jobs", "1"])


def build_args(root: Path) -> tuple[str, ...]:
    return ("build", "--min-translated", "0", "--now", "2026-01-01", "--markdown", str(root / "export"))


def measure(root: Path, shape: str, place: str, size: int, timeout: float, version: Version | None = None) -> dict:
    """Extract, fill the catalog, build: the two steps' figures."""
    templates = version.source / "templates" if version is not None else REPO / "templates"
    case = write_case(root, shape, place, size, templates)
    extract = run_pipeline(root, "extract", timeout=timeout, version=version)
    build = None
    if extract.exit == 0:
        fill_translations(root, case)
        build = run_pipeline(root, *build_args(root), timeout=timeout, version=version)
    return {"extract": extract.__dict__, "build": build.__dict__ if build else None}


def total_seconds(result: dict) -> float:
    return result["extract"]["seconds"] + (result["build"]["seconds"] if result["build"] else 0.0)


def verdict(result: dict) -> str:
    """"ok", or what went wrong first: a timeout, a traceback, an exit without a located error."""
    for name in ("extract", "build"):
        step = result[name]
        if step is None:
            continue
        if step["exit"] is None:
            return f"{name} timed out"
        if step["traceback"]:
            return f"{name} traceback"
        if step["exit"] != 0:
            return f"{name} exit {step['exit']}" + (" (located)" if step["located"] else " (NOT located)")
    return "ok"


def snapshot(work: Path, revision: str | None) -> Path:
    """pipeline/ and templates/ of `revision` (git archive), or of the working tree now, copied
    into `work`: a long run measures one version while others keep editing the tree."""
    target = work / ("src-" + (revision or "tree"))
    target.mkdir(parents=True)
    if revision is None:
        for folder in ("pipeline", "templates"):
            shutil.copytree(REPO / folder, target / folder, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", revision, "pipeline", "templates"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def _seconds(result: dict) -> str:
    shown = f"{total_seconds(result):.2f} s"
    return shown if verdict(result) == "ok" else f"{shown} ({verdict(result)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,40000", help="two sizes in characters (default 10000,40000)")
    parser.add_argument("--only", default="", help="comma-separated substrings of case names (shape@place)")
    parser.add_argument("--places", default=",".join(PLACES), help="comma-separated places (default: all)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per command (default 60)")
    parser.add_argument("--baseline", metavar="REV",
                        help="also measure pipeline/ and templates/ of this commit, case by case in the same "
                             "run, and show both")
    parser.add_argument("--fork", action="store_true",
                        help="run each command in a forked child of this process (the working tree only): "
                             "about 0.5 s less a command, for exploring; report the figures made without it")
    parser.add_argument("--json", type=Path, help="also save every figure as JSON")
    parser.add_argument("--top", type=int, default=25, help="how many of the worst cases to print (default 25)")
    parser.add_argument("--list", action="store_true", help="print the case names and stop")
    options = parser.parse_args()
    small, large = (int(s) for s in options.sizes.split(","))
    cases = [(shape, place) for shape in SHAPES for place in options.places.split(",")]
    if options.only:
        wanted = options.only.split(",")
        cases = [(s, p) for s, p in cases if any(w in f"{s}@{p}" for w in wanted)]
    if options.list:
        print("\n".join(f"{s}@{p}" for s, p in cases))
        return 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="pathological-") as folder:
        work = Path(folder)
        root = work / "project"
        if options.fork:
            _warm_up(root)
            versions = [Version("after", REPO, fork=True)]
        else:
            versions = [Version("after", snapshot(work, None))]
        if options.baseline:
            versions.insert(0, Version("before", snapshot(work, options.baseline)))
        for number, (shape, place) in enumerate(cases, 1):
            row: dict = {"shape": shape, "place": place}
            for version in versions:
                results = {size: measure(root, shape, place, size, options.timeout, version)
                           for size in (small, large)}
                row[version.label] = {"results": {str(k): v for k, v in results.items()},
                                      "small": total_seconds(results[small]), "large": total_seconds(results[large]),
                                      "ratio": total_seconds(results[large]) / max(total_seconds(results[small]), 1e-9),
                                      "verdict": verdict(results[large]), "shown": [_seconds(results[small]),
                                                                                   _seconds(results[large])]}
            rows.append(row)
            print(f"[{number}/{len(cases)}] {shape}@{place}: " + "; ".join(
                f"{v.label} {row[v.label]['shown'][0]} → {row[v.label]['shown'][1]} (×{row[v.label]['ratio']:.2f})"
                for v in versions), flush=True)
    rows.sort(key=lambda r: (-max(r[v.label]["large"] for v in versions)))
    header = " | ".join(f"{v.label} {small:,} | {v.label} {large:,} | ×" for v in versions)
    print(f"\n| case | {header} |\n|---|" + "---:|---:|---:|" * len(versions))
    for row in rows[: options.top]:
        cells = " | ".join(f"{row[v.label]['shown'][0]} | {row[v.label]['shown'][1]} | {row[v.label]['ratio']:.1f}"
                           for v in versions)
        print(f"| {row['shape']}@{row['place']} | {cells} |")
    bad = [r for r in rows if r["after"]["verdict"] not in ("ok",) and "(located)" not in r["after"]["verdict"]]
    print(f"\n{len(rows)} cases; {len(bad)} neither finished nor stopped with a located error"
          + (": " + ", ".join(f"{r['shape']}@{r['place']}" for r in bad) if bad else "") + f" ({versions[-1].label})")
    if options.json:
        options.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
