"""Hostile input: every mistake is a located error with a non-zero exit, and nothing is lost."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import GOOD, REPO, Project, snapshot


def run_cli(project: Project, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """The CLI in its own process, which fails (rather than hangs) when it takes longer than `timeout` seconds."""
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "--root", str(project.root), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=timeout)


ARTICLE_MISTAKES = {
    "invalid-yaml": (b"---\ntitle: [unclosed\ndate: 2025-08-13\n---\nBody.\n", "content/news/bad.md:3: error: invalid YAML in front matter: did not find expected ',' or ']' (while parsing a flow sequence that starts on line 2)"),
    "no-front-matter": (b"Just a body, no front matter.\n", "content/news/bad.md:1: error: no front matter"),
    "not-utf8": (b"---\ntitle: Bad\ndate: 2025-08-13\n---\nCaf\xe9 latin-1\n", "content/news/bad.md:5: error: not valid UTF-8"),
    "empty": (b"", "content/news/bad.md:1: error: the file is empty"),
    "huge-paragraph": (b"---\ntitle: Big\ndate: 2025-08-13\n---\n" + b"word " * 2_000_000 + b"\n",
                       "content/news/bad.md:5: error: this paragraph is 9,999,999 characters long"),
    "unclosed-front-matter": (b"---\ntitle: Open\ndate: 2025-08-13\nBody.\n", "content/news/bad.md:1: error: front matter is not closed"),
}


@pytest.mark.parametrize("case", sorted(ARTICLE_MISTAKES))
def test_bad_articles_are_located_errors_that_change_nothing(ready: Project, case: str) -> None:
    data, expected = ARTICLE_MISTAKES[case]
    (ready.root / "content/news/bad.md").write_bytes(data)
    before = snapshot(ready.root)
    for command in (["extract"], ["build", "--now", "2025-09-01"], ["check"]):
        result = run_cli(ready, *command)
        assert result.returncode == 1, (command, result.stderr)
        assert expected in result.stderr, (command, result.stderr)
        assert "Traceback" not in result.stderr
    assert snapshot(ready.root) == before


def test_article_id_used_twice(ready: Project) -> None:
    ready.write("content/news/good.markdown", GOOD)
    result = run_cli(ready, "extract")
    assert result.returncode == 1
    assert "content/news/good.md:1: error: article id 'news/good' is already used by content/news/good.markdown" in \
        result.stderr or "content/news/good.markdown:1: error: article id 'news/good' is already used by content/news/good.md" in result.stderr


def test_missing_title_and_bad_date_are_all_reported(ready: Project) -> None:
    ready.write("content/news/one.md", "---\ndate: 2025-02-30\n---\nText.\n")
    ready.write("content/news/two.md", "---\ntitle: Two\n---\nText.\n")
    result = run_cli(ready, "check")
    assert result.returncode == 1
    assert "content/news/one.md:1: error: missing required key 'title'" in result.stderr
    assert "content/news/one.md:2: error: date '2025-02-30' is not a valid date" in result.stderr
    assert "content/news/two.md:1: error: missing required key 'date'" in result.stderr


def test_lists_nested_ten_thousand_deep_do_not_crash(ready: Project) -> None:
    ready.write("content/news/deep.md", "---\ntitle: Deep\ndate: 2025-08-13\n---\n" + "- " * 10_000 + "item\n\n"
                + "> " * 10_000 + "quote\n\n" + "*" * 5000 + "x" + "*" * 5000 + "\n")
    for command in (["extract"], ["build", "--now", "2025-09-01", "--min-translated", "0"]):
        result = run_cli(ready, *command)
        assert result.returncode == 0, result.stderr


PO_MISTAKES = {
    "unterminated": ('msgstr "កថាខណ្ឌល្អ។"', 'msgstr "កថាខណ្ឌល្អ។', "unterminated"),
    "duplicate": ('msgid "A good paragraph."\nmsgstr "កថាខណ្ឌល្អ។"',
                  'msgid "A good paragraph."\nmsgstr "កថាខណ្ឌល្អ។"\n\nmsgid "A good paragraph."\nmsgstr "ម្ដងទៀត"', "duplicate"),
}


@pytest.mark.parametrize("case", sorted(PO_MISTAKES))
def test_broken_catalogs_are_located_and_nothing_is_lost(ready: Project, case: str) -> None:
    old, new, word = PO_MISTAKES[case]
    po = ready.root / "locale/km/LC_MESSAGES/news/good.po"
    text = po.read_text(encoding="utf-8")
    assert old in text
    po.write_text(text.replace(old, new), encoding="utf-8")
    before = snapshot(ready.root)
    for command in (["extract"], ["check"], ["build", "--now", "2025-09-01", "--strict"]):
        result = run_cli(ready, *command)
        assert result.returncode == 1, (command, result.stderr)
        assert "locale/km/LC_MESSAGES/news/good.po:" in result.stderr and word in result.stderr.lower()
        assert "Traceback" not in result.stderr
    assert snapshot(ready.root) == before
    result = run_cli(ready, "build", "--now", "2025-09-01")  # not strict: the source site publishes
    assert result.returncode == 1  # …and says that it held the Khmer page back, and why
    assert "held back: km/news/good: 1 translation error(s), first: locale/km/LC_MESSAGES/news/good.po:" \
        in result.stdout
    assert (ready.root / "site/en/news/good/index.html").is_file()
    assert not (ready.root / "site/km/news/good/index.html").exists()


@pytest.mark.parametrize("case", ["crlf", "bom"])
def test_crlf_and_bom_catalogs_are_refused_with_a_hint(ready: Project, case: str) -> None:
    po = ready.root / "locale/km/LC_MESSAGES/news/good.po"
    data = po.read_bytes()
    po.write_bytes(data.replace(b"\n", b"\r\n") if case == "crlf" else b"\xef\xbb\xbf" + data)
    before = snapshot(ready.root)
    result = run_cli(ready, "extract")
    assert result.returncode == 1 and "locale/km/LC_MESSAGES/news/good.po:1:" in result.stderr
    assert "hint:" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(ready.root) == before


def test_wrong_language_header_is_reported(ready: Project) -> None:
    po = ready.root / "locale/km/LC_MESSAGES/news/good.po"
    po.write_text(po.read_text(encoding="utf-8").replace("Language: km", "Language: th"), encoding="utf-8")
    result = run_cli(ready, "check")
    assert result.returncode == 1
    assert "header says Language: th, but the file is in the 'km' folder" in result.stderr
    assert run_cli(ready, "build", "--now", "2025-09-01", "--strict").returncode == 1


def test_poedit_rewrapped_catalog_keeps_its_translations(ready: Project) -> None:
    """Poedit re-wraps long strings at its own width; the translations must survive an extract."""
    long = "The ministry announces " + "longer opening hours for every post office " * 4 + "in the country."
    ready.write("content/news/good.md", GOOD + f"\n{long}\n")
    assert ready.run("extract") == 0
    po = ready.root / "locale/km/LC_MESSAGES/news/good.po"
    text = po.read_text(encoding="utf-8")
    words = long.split(" ")
    rewrapped = 'msgid ""\n' + "".join(f'"{w} "\n' for w in words[:-1]) + f'"{words[-1]}"\nmsgstr ""\n"ក្រសួង "\n"ប្រកាស។"'
    start = text.index('msgid ""\n"The ministry')
    end = text.index('msgstr ""', start) + len('msgstr ""')
    po.write_text(text[:start] + rewrapped + text[end:], encoding="utf-8")
    assert ready.run("extract") == 0
    from pipeline.po import parse_po
    entries = {m.msgid: m for m in parse_po(po.read_text(encoding="utf-8"), "p").messages}
    assert entries[long].msgstr == "ក្រសួង ប្រកាស។" and not entries[long].fuzzy
    assert entries["A good paragraph."].msgstr == "កថាខណ្ឌល្អ។"


# --- killed and concurrent runs ------------------------------------------------------------------------


def _kill_midway(project: Project, args: list[str], delay: float) -> None:
    process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "--root", str(project.root), "-q", *args],
                               cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()


def _many_articles(project: Project, count: int, word: str) -> None:
    for n in range(count):
        project.write(f"content/news/a{n:03d}.md", f"---\ntitle: {word} {n}\ndate: 2025-08-13\n---\n"
                      + "\n\n".join(f"{word} paragraph {n}.{k} about the post office." for k in range(20)) + "\n")


@pytest.mark.parametrize("delay", [0.3, 0.6, 0.9, 1.2])
def test_kill_during_extract_leaves_whole_files(ready: Project, delay: float) -> None:
    _many_articles(ready, 120, "Old")
    assert ready.run("extract") == 0
    old = snapshot(ready.root)
    _many_articles(ready, 120, "New")
    _kill_midway(ready, ["extract"], delay)
    assert ready.run("extract") == 0
    new = snapshot(ready.root)
    _kill_midway(ready, ["extract"], 0)  # nothing to do, killed or not
    for name, data in snapshot(ready.root).items():
        if name.startswith("locale/"):
            assert data in (old.get(name), new.get(name)), name


@pytest.mark.parametrize("delay", [0.4, 0.8, 1.2, 1.6])
def test_kill_during_build_leaves_the_old_or_the_new_site(ready: Project, delay: float) -> None:
    _many_articles(ready, 150, "Old")
    assert ready.run("build", "--now", "2025-09-01") == 0
    old = {k: v for k, v in snapshot(ready.root).items() if k.startswith("site/")}
    _many_articles(ready, 150, "New")
    _kill_midway(ready, ["build", "--now", "2025-09-01"], delay)
    now = {k: v for k, v in snapshot(ready.root).items() if k.startswith("site/")}
    assert ready.run("build", "--now", "2025-09-01") == 0
    new = {k: v for k, v in snapshot(ready.root).items() if k.startswith("site/")}
    assert now in (old, new)
    assert not list(ready.root.glob(".site.new-*"))  # the next build cleaned up


def test_two_builds_at_once_leave_a_whole_site(ready: Project) -> None:
    _many_articles(ready, 100, "Busy")
    runs = [subprocess.Popen([sys.executable, "-m", "pipeline.cli", "--root", str(ready.root), "-q", "build",
                              "--now", "2025-09-01"], cwd=REPO) for _ in range(2)]
    assert [run.wait(timeout=300) for run in runs] == [0, 0]
    assert ready.run("build", "--now", "2025-09-01") == 0
    expected = snapshot(ready.root)
    assert len([k for k in expected if re.fullmatch(r"site/en/news/a\d{3}/index.html", k)]) == 100


# --- fuzzing ------------------------------------------------------------------------------------------

MARKDOWN_BITS = st.sampled_from(["# ", "## ", "- ", "1. ", "> ", "| a | b |\n|---|---|\n| ", "```\n", "**", "*", "`",
                                 "[", "](", ")", "![", "<b>", "<script>", "\n", "\n\n", "    ", "---\n", "[^1]", "[^1]: ",
                                 "ក្រសួង", "word ", "\u200b", "\t", ":", "{", "}", "\\", "&amp;", "<!--", "~~"])
PO_BITS = st.sampled_from(['msgid "', 'msgstr "', '"\n', "\n", "#, fuzzy\n", "#~ ", "#| ", "msgctxt ", "\\", "\\n",
                           "msgstr[0] ", "ខ្មែរ", "<script>", "[x](javascript:alert(1))", '"', "# noqa\n"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.lists(MARKDOWN_BITS, max_size=40).map("".join),
       title=st.text(max_size=30), po_noise=st.lists(PO_BITS, max_size=25).map("".join))
def test_fuzzed_input_gives_only_located_errors(ready: Project, body: str, title: str, po_noise: str) -> None:
    from pipeline.cli import main

    (ready.root / "content/news/fuzz.md").write_text(f"---\ntitle: {title!r}\ndate: 2025-08-13\n---\n{body}\n",
                                                     encoding="utf-8")
    for command in (["extract"], ["check"], ["build", "--now", "2025-09-01", "--min-translated", "0"]):
        assert main(["--root", str(ready.root), "-q", *command]) in (0, 1)
    po = ready.root / "locale/km/LC_MESSAGES/news/fuzz.po"
    if po.exists():
        po.write_text(po.read_text(encoding="utf-8") + "\n" + po_noise, encoding="utf-8")
        for command in (["extract"], ["check"], ["build", "--now", "2025-09-01", "--min-translated", "0"]):
            assert main(["--root", str(ready.root), "-q", *command]) in (0, 1)
        po.unlink()


def test_a_killed_parallel_build_leaves_no_workers_behind(ready: Project) -> None:
    _many_articles(ready, 150, "Workers")
    process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "--root", str(ready.root), "-q", "build",
                                "--now", "2025-09-01", "--jobs", "2"], cwd=REPO)
    deadline = time.monotonic() + 30
    children: list[str] = []
    while time.monotonic() < deadline and not children:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split() \
            if Path(f"/proc/{process.pid}/task/{process.pid}/children").exists() else []
        time.sleep(0.05)
    assert children, "the build never started its workers"
    process.send_signal(signal.SIGKILL)
    process.wait()
    time.sleep(1.0)
    survivors = [pid for pid in children if Path(f"/proc/{pid}").exists()
                 and "pipeline.cli" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")]
    assert survivors == []


@pytest.mark.parametrize("where", ["content/news/waiting.md", "content/news/good.md",
                                   "locale/km/LC_MESSAGES/news/waiting.po", "locale/km/LC_MESSAGES/ui.po",
                                   "templates/waiting.html", "templates/static/waiting.css",
                                   "content/news/photo.jpg", "locale/km/LC_MESSAGES/news/good.po",
                                   "glossary.csv", ".cache/pipeline/build/site.pickle"])
@pytest.mark.parametrize("kind", ["FIFO", "link to a device"])
def test_a_fifo_or_device_among_the_sources_never_makes_a_command_wait(ready: Project, where: str, kind: str) -> None:
    """Opening a FIFO for reading waits for a writer that never comes, and /dev/zero never ends:
    every command treats such a name as no file at all (as git does), says what that leaves
    missing, and finishes; it is left as it is among the sources (the cache is the pipeline's own:
    it writes its files anew)."""
    if where.endswith(".jpg"):
        good = ready.root / "content/news/good.md"
        good.write_text(good.read_text(encoding="utf-8") + "\n![a photo](photo.jpg)\n", encoding="utf-8")
    path = ready.root / where
    path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "FIFO":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    for command in (["extract"], ["check"], ["build", "--now", "2025-09-01"], ["status"]):
        done = run_cli(ready, *command, timeout=60)
        assert done.returncode in (0, 1), (command, done.stderr)
        assert "Traceback" not in done.stderr, (command, done.stderr)
    assert (stat.S_ISFIFO(path.lstat().st_mode) if kind == "FIFO" else path.is_symlink()) or where.startswith(".cache/")
