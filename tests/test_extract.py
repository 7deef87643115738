"""`pipeline extract` end to end: templates, catalogs, GNU gettext agreement, update rules."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path


from conftest import REPO, Project, needs_gettext
from pipeline.po import parse_po

NEWS = """
---
title: Post offices open longer
description: Longer hours for the festival.
date: 2025-10-28
author: Ministry of Posts and Telecommunications
image: "@/assets/news/post/thumbnail.JPG"
tags: [post]
---
## Opening hours

Post offices in **Phnom Penh** open at 7:00 during the [festival](https://example.org/festival "Festival").

- Counter services
  1. Parcels
  2. Letters
- Online services

| Office | Hours |
|--------|-------|
| Central | Open late |
| 1280 | 42 |

> Remember to bring your `tracking number`.

```
code never goes to translators
```

Check https://example.org for updates.

Open late
"""

CENTER = """
---
name: "Takeo Community Tech Center"
description: "A center for digital skills."
contact:
  address: "Takeo Province"
  mapUrl: "https://maps.example.org/x"
facilities:
  - "Computer Lab"
  - "Post Office"
team:
  member:
    - role: "Chair"
      phone: "012 345 678"
    - role: "Member"
      phone: "012 345 679"
date: 2025-01-01
title: Center
---
Welcome.
"""


def pot_messages(project: Project, article_id: str):
    return parse_po(project.read(f"locale/templates/{article_id}.pot"), "t.pot").messages


def po(project: Project, lang: str, article_id: str):
    return parse_po(project.read(f"locale/{lang}/LC_MESSAGES/{article_id}.po"), "t.po")


def set_msgstr(project: Project, lang: str, article_id: str, mapping: dict[str, str]) -> None:
    """Fill translations the way a translator would: edit msgstr lines in the file."""
    from pipeline.po import format_po
    from dataclasses import replace

    cat = po(project, lang, article_id)
    cat = replace(cat, messages=tuple(replace(m, msgstr=mapping.get(m.msgid, m.msgstr)) for m in cat.messages))
    (project.root / f"locale/{lang}/LC_MESSAGES/{article_id}.po").write_text(format_po(cat), encoding="utf-8")


def test_units_are_extracted_with_kinds_lines_and_flags(project: Project) -> None:
    project.write("content/news/post.md", NEWS)
    assert project.run("extract") == 0
    messages = pot_messages(project, "news/post")
    found = {(m.msgctxt, m.msgid): m for m in messages}
    assert found[("title", "Post offices open longer")].references == ("content/news/post.md:2",)
    assert found[("description", "Longer hours for the festival.")].extracted_comments == ("front matter: description",)
    heading = found[(None, "Opening hours")]
    assert heading.references == ("content/news/post.md:9",) and heading.extracted_comments == ("heading",)
    assert heading.flags == ("markdown-text",)
    paragraph = found[(None, 'Post offices in **Phnom Penh** open at 7:00 during the '
                             '[festival](https://example.org/festival "Festival").')]
    assert paragraph.references == ("content/news/post.md:11",)
    assert found[(None, "Parcels")].extracted_comments == ("list item",)
    assert found[(None, "Remember to bring your `tracking number`.")].extracted_comments == ("blockquote",)
    assert found[(None, "Open late")].references == ("content/news/post.md:20", "content/news/post.md:31")
    texts = [m.msgid for m in messages]
    assert not any("code never" in t for t in texts)
    assert "1280" not in texts and "42" not in texts  # numbers alone are not translatable
    assert "2025-10-28" not in texts and "Ministry of Posts and Telecommunications" not in texts
    assert not any("thumbnail" in t for t in texts)
    assert len(texts) == len(set(texts))


def test_nested_and_list_key_paths_from_config(project: Project) -> None:
    project.write("content/centers/takeo.md", CENTER)
    assert project.run("extract") == 0
    keys = [(m.msgctxt, m.msgid) for m in pot_messages(project, "centers/takeo")]
    assert keys == [
        ("name", "Takeo Community Tech Center"),
        ("description", "A center for digital skills."),
        ("contact.address", "Takeo Province"),
        ("facilities[0]", "Computer Lab"),
        ("facilities[1]", "Post Office"),
        ("team.member[0].role", "Chair"),
        ("team.member[1].role", "Member"),
        (None, "Welcome."),
    ]


def test_target_languages_follow_the_article_language(project: Project) -> None:
    project.write("content/news/post.md", NEWS)
    project.write("content/news/khmer.md", "---\ntitle: ព័ត៌មាន\ndate: 2025-01-01\nlang: km\n---\nសួស្តី។\n")
    assert project.run("extract") == 0
    assert (project.root / "locale/km/LC_MESSAGES/news/post.po").is_file()
    assert not (project.root / "locale/en/LC_MESSAGES/news/post.po").exists()
    english = po(project, "en", "news/khmer")
    assert english.header_field("Language") == "en"
    assert [m.msgid for m in english.messages] == ["ព័ត៌មាន", "សួស្តី។"]
    khmer = po(project, "km", "news/post")
    assert khmer.header_field("Language") == "km"
    assert khmer.header_field("Plural-Forms") == "nplurals=1; plural=0;"
    assert khmer.header_field("Content-Type") == "text/plain; charset=UTF-8"
    assert khmer.header_field("Project-Id-Version") == "test-site 1.0"


def test_gettext_accepts_every_file_byte_for_byte(project: Project) -> None:
    needs_gettext()
    project.write("content/news/post.md", NEWS)
    project.write("content/centers/takeo.md", CENTER)
    assert project.run("extract") == 0
    set_msgstr(project, "km", "news/post", {"Opening hours": "ម៉ោងបើក", "Parcels": "កញ្ចប់"})
    files = sorted(project.root.glob("locale/**/*.po*"))
    assert len(files) >= 5
    for path in files:
        check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, f"{path}: {check.stderr}"
        ours = re.sub(r"^#, markdown-text\n", "", path.read_text(encoding="utf-8"), flags=re.M)
        ours = re.sub(r"^(#, .*), markdown-text$", r"\1", ours, flags=re.M)
        theirs = subprocess.run(["msgcat", str(path)], capture_output=True, text=True, check=True).stdout
        assert theirs == ours, path


def test_second_extract_changes_nothing_and_dates_alone_do_not_rewrite(project: Project, monkeypatch) -> None:
    project.write("content/news/post.md", NEWS)
    assert project.run("extract") == 0
    files = sorted(project.root.glob("locale/**/*.po*"))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    assert 'POT-Creation-Date: 2025-08-13 00:00+0000' in project.read("locale/templates/news/post.pot")
    assert project.run("extract") == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert project.run("extract") == 0
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before


def test_edit_delete_add_and_move_follow_msgmerge(project: Project) -> None:
    body = "First paragraph about the post office.\n\nSecond paragraph about parcels.\n\nThird paragraph, to be removed.\n"
    project.write("content/news/a.md", "---\ntitle: A\ndate: 2025-01-01\n---\n" + body)
    assert project.run("extract") == 0
    set_msgstr(project, "km", "news/a", {
        "A": "ក", "First paragraph about the post office.": "កថាខណ្ឌទីមួយ។",
        "Second paragraph about parcels.": "កថាខណ្ឌទីពីរ។", "Third paragraph, to be removed.": "ទីបី។"})
    edited = ("A brand new opening line.\n\nSecond paragraph about parcels.\n\n"
              "First paragraph about the main post office.\n")
    project.write("content/news/a.md", "---\ntitle: A\ndate: 2025-01-01\n---\n" + edited)
    assert project.run("extract") == 0
    cat = po(project, "km", "news/a")
    live = {m.msgid: m for m in cat.messages if not m.obsolete}
    assert list(live) == ["A", "A brand new opening line.", "Second paragraph about parcels.",
                          "First paragraph about the main post office."]
    assert live["Second paragraph about parcels."].msgstr == "កថាខណ្ឌទីពីរ។"  # moved: kept
    assert live["Second paragraph about parcels."].references == ("content/news/a.md:7",)
    changed = live["First paragraph about the main post office."]
    assert changed.fuzzy and changed.msgstr == "កថាខណ្ឌទីមួយ។"
    assert changed.previous_msgid == "First paragraph about the post office."
    assert live["A brand new opening line."].msgstr == ""
    obsolete = [m for m in cat.messages if m.obsolete]
    assert [(m.msgid, m.msgstr) for m in obsolete] == [("Third paragraph, to be removed.", "ទីបី។")]
    text = project.read("locale/km/LC_MESSAGES/news/a.po")
    assert '#| msgid "First paragraph about the post office."' in text
    assert '#~ msgid "Third paragraph, to be removed."' in text


def test_translator_comments_and_flags_survive_updates(project: Project) -> None:
    project.write("content/news/a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nHello world.\n")
    assert project.run("extract") == 0
    path = project.root / "locale/km/LC_MESSAGES/news/a.po"
    text = path.read_text(encoding="utf-8")
    text = text.replace('#. paragraph\n', '# checked by Dara\n#. paragraph\n').replace(
        '#, markdown-text\nmsgid "Hello world."\nmsgstr ""', '#, markdown-text, no-wrap\nmsgid "Hello world."\nmsgstr "សួស្តី។"')
    path.write_text(text, encoding="utf-8")
    project.write("content/news/a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nIntro.\n\nHello world.\n")
    assert project.run("extract") == 0
    entry = {m.msgid: m for m in po(project, "km", "news/a").messages}["Hello world."]
    assert entry.translator_comments == ("checked by Dara",)
    assert "no-wrap" in entry.flags and entry.msgstr == "សួស្តី។"


def test_new_articles_reuse_the_translation_memory(project: Project) -> None:
    footer = "For more information, call the hotline 1280."
    project.write("content/news/a.md", f"---\ntitle: A\ndate: 2025-01-01\n---\n{footer}\n\nPosted by the ministry.\n")
    assert project.run("extract") == 0
    set_msgstr(project, "km", "news/a", {footer: "សម្រាប់ព័ត៌មានបន្ថែម សូមទូរស័ព្ទទៅលេខ ១២៨០។",
                                         "Posted by the ministry.": "ចុះផ្សាយដោយក្រសួង។"})
    project.write("content/news/b.md", f"---\ntitle: B\ndate: 2025-01-02\n---\n{footer}\n\nPosted by the ministry today.\n")
    assert project.run("extract") == 0
    entries = {m.msgid: m for m in po(project, "km", "news/b").messages}
    assert entries[footer].msgstr.startswith("សម្រាប់") and not entries[footer].fuzzy
    close = entries["Posted by the ministry today."]
    assert close.fuzzy and close.previous_msgid == "Posted by the ministry." and close.msgstr == "ចុះផ្សាយដោយក្រសួង។"


def test_ui_strings_come_from_the_templates(project: Project) -> None:
    shutil.copytree(REPO / "templates", project.root / "templates")
    project.write("content/news/a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nHello.\n")
    assert project.run("extract") == 0
    ui = parse_po(project.read("locale/ui.pot"), "ui.pot")
    ids = {m.msgid for m in ui.messages}
    assert "News" in ids  # the collection label
    assert any(ref.startswith("templates/") for m in ui.messages for ref in m.references)
    assert (project.root / "locale/km/LC_MESSAGES/ui.po").is_file()


def test_status_counts_and_words_left(project: Project, capsys) -> None:
    project.write("content/news/a.md", "---\ntitle: A title\ndate: 2025-01-01\n---\nHello big world.\n\nSecond one.\n")
    assert project.run("extract") == 0
    set_msgstr(project, "km", "news/a", {"A title": "ចំណងជើង"})
    capsys.readouterr()
    assert project.run("status", "--json") == 0
    import json
    rows = json.loads(capsys.readouterr().out)["catalogs"]
    assert rows == [{"article": "news/a", "language": "km", "catalog": "locale/km/LC_MESSAGES/news/a.po",
                     "translated": 1, "fuzzy": 0, "untranslated": 2, "obsolete": 0, "percent": 33.3,
                     "words_left": 5}]


def test_golden_template_for_the_seed_article(project: Project) -> None:
    seed = REPO / "content/news-and-events/article-19.md"
    (project.root / "content/news-and-events").mkdir(parents=True)
    shutil.copy(seed, project.root / "content/news-and-events/article-19.md")
    assert project.run("extract") == 0
    golden = (Path(__file__).parent / "golden/article-19.pot").read_text(encoding="utf-8")
    assert project.read("locale/templates/news-and-events/article-19.pot") == golden


def test_committed_catalogs_are_up_to_date(tmp_path: Path) -> None:
    """`pipeline extract` on the repository changes nothing: the sample catalogs are current."""
    from pipeline.cli import main

    root = tmp_path / "repo"
    root.mkdir()
    for name in ("pyproject.toml", "content", "locale", "templates"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    before = {p.relative_to(root): p.read_bytes() for p in (root / "locale").rglob("*") if p.is_file()}
    assert main(["--root", str(root), "-q", "extract"]) == 0
    after = {p.relative_to(root): p.read_bytes() for p in (root / "locale").rglob("*") if p.is_file()}
    assert after == before
