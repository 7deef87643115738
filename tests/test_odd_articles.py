"""Articles with odd real-world traits: spaces and Khmer letters in file names, Khmer names in
English text, raw HTML in front matter, `{#id}` heading anchors, Obsidian callouts."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace

from conftest import REPO, Project, needs_gettext
from pipeline.po import format_po, parse_po

ODD = """
---
title: "Post offices <b>open</b> longer"
description: Meeting with ឯកឧត្តម ម៉ៅ សិលា in Takeo.
date: 2025-08-13
---
## Opening hours {#hours}

H.E. ម៉ៅ សិលា (Mao Sila) opened the meeting.

> [!note] Good to know
> Bring your tracking number.
"""


def build_odd(project: Project, name: str = "news/ទំព័រ ថ្មី") -> str:
    shutil.copytree(REPO / "templates", project.root / "templates")
    project.write(f"content/{name}.md", ODD)
    assert project.run("extract") == 0
    path = project.root / f"locale/km/LC_MESSAGES/{name}.po"
    cat = parse_po(path.read_text(encoding="utf-8"), str(path))
    khmer = {"Post offices <b>open</b> longer": "ការិយាល័យប្រៃសណីយ៍ <b>បើក</b> យូរជាងមុន",
             "Meeting with ឯកឧត្តម ម៉ៅ សិលា in Takeo.": "កិច្ចប្រជុំជាមួយឯកឧត្តម ម៉ៅ សិលា នៅខេត្តតាកែវ។",
             "Opening hours": "ម៉ោងបើក",
             "H.E. ម៉ៅ សិលា (Mao Sila) opened the meeting.": "ឯកឧត្តម ម៉ៅ សិលា បានបើកកិច្ចប្រជុំ។",
             "Good to know\nBring your tracking number.": "គួរដឹង\nសូមយកលេខតាមដានមកជាមួយ។"}
    assert sorted(m.msgid for m in cat.messages) == sorted(khmer)
    path.write_text(format_po(replace(cat, messages=tuple(replace(m, msgstr=khmer[m.msgid]) for m in cat.messages))),
                    encoding="utf-8")
    assert project.run("build", "--now", "2025-09-01") == 0
    return name


def test_khmer_file_names_with_spaces_publish_and_link(project: Project) -> None:
    name = build_odd(project)
    site = project.root / "site"
    assert (site / "en" / name / "index.html").is_file() and (site / "km" / name / "index.html").is_file()
    encoded = "news/%E1%9E%91%E1%9F%86%E1%9E%96%E1%9F%90%E1%9E%9A%20%E1%9E%90%E1%9F%92%E1%9E%98%E1%9E%B8"
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"https://news.example.org/km/{encoded}/" in sitemap
    english = (site / "en" / name / "index.html").read_text(encoding="utf-8")
    assert f'href="/km/{encoded}/"' in english


def test_catalogs_of_such_files_pass_gettext(project: Project) -> None:
    needs_gettext()
    name = build_odd(project)
    for path in (project.root / f"locale/km/LC_MESSAGES/{name}.po", project.root / f"locale/templates/{name}.pot"):
        assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)]).returncode == 0


def test_anchors_callouts_names_and_html_in_front_matter(project: Project) -> None:
    name = build_odd(project)
    km = (project.root / "site/km" / name / "index.html").read_text(encoding="utf-8")
    en = (project.root / "site/en" / name / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="hours">ម៉ោងបើក</h2>' in km and '<h2 id="hours">Opening hours</h2>' in en
    assert "[!note] គួរដឹង" in km  # the callout marker stays, its text is translated
    assert "ឯកឧត្តម ម៉ៅ សិលា បានបើកកិច្ចប្រជុំ។" in km and "H.E. ម៉ៅ សិលា (Mao Sila)" in en
    assert "<b>open</b>" not in en and "&lt;b&gt;open&lt;/b&gt;" in en  # front matter is text, never markup
    assert "<b>បើក</b>" not in km
    assert project.run("check") == 0
