"""Khmer-aware words: counts, excerpts that never cut a word or a cluster, reading time, lunar line."""

from __future__ import annotations

import shutil

import icu
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, Project
from pagefacts import page_facts
from pipeline.khmer.words import count_words, excerpt, reading_minutes, repaired, words

KHMER_WORDS = ["ក្រសួង", "ប្រៃសណីយ៍", "ទូរគមនាគមន៍", "មជ្ឈមណ្ឌល", "បច្ចេកវិទ្យា", "សហគមន៍", "ខេត្ត", "តាកែវ",
               "សិស្សានុសិស្ស", "បណ្ដុះបណ្ដាល", "ជំនាញ", "ឌីជីថល", "សេវា", "ប្រជាពលរដ្ឋ", "ការិយាល័យ"]


def test_khmer_words_are_counted_by_dictionary_not_by_spaces() -> None:
    sentence = "មជ្ឈមណ្ឌលបច្ចេកវិទ្យាសហគមន៍ផ្ដល់ការបណ្ដុះបណ្ដាលជំនាញឌីជីថល"
    assert len(sentence.split()) == 1
    assert [w.text for w in words(sentence)] == ["មជ្ឈមណ្ឌល", "បច្ចេកវិទ្យា", "សហគមន៍", "ផ្ដល់", "ការ",
                                                 "បណ្ដុះបណ្ដាល", "ជំនាញ", "ឌីជីថល"]
    assert count_words(sentence) == 8
    assert count_words("Call **1280** or see [the site](https://example.org) and `code`.") == 7
    assert count_words("ទូរស័ព្ទ ១២៨០ ឥឡូវនេះ") == 3


def test_encoding_mistakes_are_repaired_before_segmenting() -> None:
    split = "ពេ\u17b8ល"  # េ + ី typed for ើ
    assert repaired(split) == "ពើល"
    assert count_words("នេ\u17b6ះ") == count_words("នោះ") == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(KHMER_WORDS), min_size=2, max_size=40), st.integers(3, 120))
def test_excerpts_end_on_a_word_or_cluster_boundary(chosen, limit) -> None:
    text = "".join(chosen)
    cut = excerpt(text, limit)
    if cut == text:
        return
    assert cut.endswith("…") and len(cut) - 1 <= limit
    kept = cut[:-1]
    assert text.startswith(kept)
    boundaries = {w.end for w in words(text)}
    clusters = icu.BreakIterator.createCharacterInstance(icu.Locale("km"))
    clusters.setText(text)
    if kept and len(kept) in boundaries:
        return
    assert len(kept) in set(clusters), "cut inside a character cluster"
    assert not any(w.end <= limit for w in words(text)), "cut inside a word although a whole word fitted"


def test_reading_time_uses_language_speed() -> None:
    assert reading_minutes(0, "km") == 1
    assert reading_minutes(600, "km") == 4 and reading_minutes(690, "en") == 3


LUNAR = """
[tool.pipeline]
languages = ["en", "km"]
base_url = "https://news.example.org"

[tool.pipeline.collections.news]
lunar_date = "{style}"
"""


def build_with_lunar(project: Project, style: str) -> dict:
    (project.root / "pyproject.toml").write_text(LUNAR.format(style=style), encoding="utf-8")
    shutil.copytree(REPO / "templates", project.root / "templates", dirs_exist_ok=True)
    project.write("content/news/a.md", "---\ntitle: A\ndate: 2025-08-13\n---\nHello world.\n")
    assert project.run("extract") == 0
    po = project.root / "locale/km/LC_MESSAGES/news/a.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgid "A"\nmsgstr ""', 'msgid "A"\nmsgstr "ក"')
                  .replace('msgid "Hello world."\nmsgstr ""', 'msgid "Hello world."\nmsgstr "សួស្តី ពិភពលោក។"'),
                  encoding="utf-8")
    assert project.run("build", "--now", "2025-09-01") == 0
    return {lang: (project.root / f"site/{lang}/news/a/index.html").read_text(encoding="utf-8") for lang in ("en", "km")}


def test_lunar_date_line_on_khmer_pages_when_configured(project: Project) -> None:
    pages = build_with_lunar(project, "line")
    assert "ថ្ងៃពុធ ៤រោច ខែស្រាពណ៍ ឆ្នាំម្សាញ់ សប្តស័ក ពុទ្ធសករាជ ២៥៦៩" in pages["km"]
    assert "ពុទ្ធសករាជ" not in pages["en"]
    assert "<time datetime=\"2025-08-13\">ថ្ងៃទី១៣ ខែសីហា ឆ្នាំ២០២៥</time>" in pages["km"]


def test_official_combined_form(project: Project) -> None:
    pages = build_with_lunar(project, "official")
    assert ('<time datetime="2025-08-13">ថ្ងៃពុធ ៤រោច ខែស្រាពណ៍ ឆ្នាំម្សាញ់ សប្តស័ក ព.ស.២៥៦៩ '
            'ត្រូវនឹងថ្ងៃទី១៣ ខែសីហា ឆ្នាំ២០២៥</time>') in pages["km"]
    assert '<time datetime="2025-08-13">August 13, 2025</time>' in pages["en"]


def test_lunar_date_is_off_by_default(project: Project) -> None:
    pages = build_with_lunar(project, "")
    assert "ពុទ្ធសករាជ" not in pages["km"] and "ព.ស." not in pages["km"]


def test_sample_list_pages_show_whole_word_excerpts(sample_site) -> None:
    html = (sample_site / "km/index.html").read_text(encoding="utf-8")
    assert 'class="summary"' in html
    facts = page_facts(sample_site / "km/news-and-events/article-19/index.html")
    assert facts["lang"] == "km"
