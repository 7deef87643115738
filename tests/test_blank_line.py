"""A translation that adds a blank line to a body message is an error, `blank-line`.

A blank line ends a Markdown block, and each body message is one block of the page (a paragraph, a
list item, a heading, a table cell, a quote, a footnote). A blank line the source unit does not have
is an error at the message's line in the .po file, whatever the line endings (LF, CRLF, CR) and the
spaces or tabs on the blank line, wherever it stands; `# noqa` does not silence it. `check` and a
strict `build` report it alike. Front-matter values are text, not Markdown blocks: a blank line in
a translated `title` or `description` is kept (the export writes it as valid YAML), not an error.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, Project
from pipeline.checks import ALWAYS_CHECKED, check_catalog
from pipeline.model import Catalog, Message
from pipeline.po import format_po, parse_po

WORDS = st.lists(st.sampled_from(["ក្រសួង", "ប្រៃសណីយ៍", "word", "**bold**", "១២០", "[link](/en/x/)"]),
                 min_size=1, max_size=4).map(" ".join)
ENDING = st.sampled_from(["\n", "\r\n", "\r"])
GAP = st.text(alphabet=" \t", max_size=3)
BLANK = st.builds(lambda first, gap, second: first + gap + second, ENDING, GAP, ENDING).filter(
    lambda s: s not in ("\r\n",))  # "\r" + "" + "\n" is one CRLF line ending, not a blank line
NOT_BLANK = st.one_of(ENDING, st.builds(lambda gap, end: gap + end, GAP, ENDING), st.just(" "))


def body_message(msgid: str, msgstr: str, comment: str = "", flags: tuple[str, ...] = ("markdown-text",)) -> Message:
    return Message(msgid=msgid, msgstr=msgstr, flags=flags, line=7,
                   translator_comments=(comment,) if comment else ())


def codes(message: Message) -> list[tuple[str, int]]:
    catalog = Catalog(header=None, messages=(message,))
    return [(d.code, d.line) for d in check_catalog(catalog, "km.po", "km") if d.code == "blank-line"]


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(WORDS, min_size=2, max_size=4), separators=st.data(), noqa=st.booleans())
def test_a_blank_line_the_source_lacks_is_an_error_at_the_message(parts, separators, noqa: bool) -> None:
    gaps = [separators.draw(st.one_of(BLANK, NOT_BLANK)) for _ in parts[1:]]
    start, end = separators.draw(st.sampled_from(["", "\n\n", " \r\n\t\r\n"])), separators.draw(
        st.sampled_from(["", "\n\n", "\r\n\r\n", "\n \n"]))
    translation = start + parts[0] + "".join(gap + part for gap, part in zip(gaps, parts[1:])) + end
    normalized = translation.replace("\r\n", "\n").replace("\r", "\n")
    blank = any(line.strip(" \t") == "" for line in normalized.split("\n")[1:-1]) or "\n\n" in normalized
    message = body_message("One English paragraph.", translation, "noqa: blank-line" if noqa else "")
    assert codes(message) == ([("blank-line", 7)] if blank else [])


@pytest.mark.parametrize("source", ["First.\n\nSecond.", "First.\n  \nSecond.", "First.\r\n\r\nSecond."])
def test_a_source_with_a_blank_line_lets_the_translation_have_one(source: str) -> None:
    assert codes(body_message(source, "ទីមួយ។\n\nទីពីរ។")) == []


@pytest.mark.parametrize("key", ["title", "description", "contact.address"])
def test_front_matter_values_may_hold_blank_lines(key: str) -> None:
    message = Message(msgid="Value", msgstr="តម្លៃ\n\nបន្ត", msgctxt=key, line=3)
    assert codes(message) == []


def test_noqa_cannot_silence_it() -> None:
    assert "blank-line" in ALWAYS_CHECKED
    assert codes(body_message("A.", "ក\n\nខ", "noqa")) == [("blank-line", 7)]


ARTICLE = """\
---
title: Blank lines
description: What a blank line does
date: 2025-08-13
---
A paragraph of text[^1].

- A list item
- Another item

## A heading

| Cell one | Cell two |
|---|---|
| Cell three | Cell four |

> A quoted line

[^1]: A footnote.
"""
BODY = ["A paragraph of text[^1].", "A list item", "A heading", "Cell one", "Cell four", "A quoted line",
        "A footnote."]


@pytest.fixture
def blank_project(project: Project) -> Project:
    import shutil
    shutil.copytree(REPO / "templates", project.root / "templates")
    project.write("content/news/blank.md", ARTICLE)
    assert project.run("extract") == 0
    return project


def fill(project: Project, blank: dict[str, str]) -> dict[str, int]:
    """Every message translated, those of `blank` with the blank line given; each msgid's .po line."""
    path = project.root / "locale/km/LC_MESSAGES/news/blank.po"
    catalog = parse_po(path.read_text(encoding="utf-8"), str(path))
    messages = []
    for m in catalog.messages:
        text = f"ខ្មែរ {m.msgid}"
        if m.msgid in blank:
            text = f"ខ្មែរ{blank[m.msgid]}{m.msgid}"
        messages.append(replace(m, msgstr=text, translator_comments=("noqa: blank-line",)))
    path.write_text(format_po(replace(catalog, messages=tuple(messages))), encoding="utf-8")
    written = parse_po(path.read_text(encoding="utf-8"), str(path))
    return {m.msgid: m.line for m in written.messages}


def findings(project: Project, capsys, *command: str) -> tuple[int, list[dict]]:
    from pipeline.cli import main
    capsys.readouterr()
    code = main(["--root", str(project.root), *command, "--json"])
    report = json.loads(capsys.readouterr().out)
    return code, [f for f in report["findings"] if f["code"] == "blank-line"]


@pytest.mark.parametrize("gap", ["\n\n", "\r\n\r\n", "\n \t\n", "\n\n\n"], ids=["lf", "crlf", "spaces-tabs", "two"])
def test_check_and_build_report_it_at_each_body_message(blank_project: Project, capsys, gap: str) -> None:
    lines = fill(blank_project, {**{msgid: gap for msgid in BODY}, "Blank lines": gap,
                                 "What a blank line does": gap})
    code, found = findings(blank_project, capsys, "check")
    assert code == 1
    expected = sorted(("locale/km/LC_MESSAGES/news/blank.po", lines[msgid]) for msgid in BODY)
    assert sorted((f["path"], f["line"]) for f in found) == expected
    assert all(f["severity"] == "error" and f["hint"] for f in found)
    build_code, built = findings(blank_project, capsys, "build", "--strict", "--now", "2025-09-01")
    assert build_code == 1 and sorted((f["path"], f["line"]) for f in built) == expected


def test_front_matter_blank_lines_publish(blank_project: Project, capsys) -> None:
    fill(blank_project, {"Blank lines": "\n\n", "What a blank line does": "\r\n\r\n"})
    code, found = findings(blank_project, capsys, "check")
    assert (code, found) == (0, [])
    assert blank_project.run("build", "--now", "2025-09-01") == 0
    assert (blank_project.root / "site/km/news/blank/index.html").is_file()
