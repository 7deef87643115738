"""`pipeline import`: existing bilingual sites become content/ plus filled catalogs.

Fixtures of our own under tests/fixtures/import/ (see its README) cover each alignment case; the
corpus test measures fidelity on the real pairs of ../shared/corpora/real-articles.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import REPO, Project
from pipeline.align import Unit, align
from pipeline.disk.project import load_config
from pipeline.errors import PipelineError
from pipeline.commands.importer import ImportReport, import_site
from pipeline.model import Message
from pipeline.po import format_po, parse_po

FIXTURES = Path(__file__).parent / "fixtures" / "import"
ASTRO = FIXTURES / "astro-site"
CONTENT = ASTRO / "src" / "content"


def run_import(project: Project, source: Path = ASTRO, force: bool = False, collection: str | None = None
               ) -> ImportReport:
    return import_site(load_config(project.root), source, force=force, collection=collection)


def entries(project: Project, article_id: str, lang: str = "km") -> dict[tuple[str | None, str], Message]:
    path = project.root / "locale" / lang / "LC_MESSAGES" / f"{article_id}.po"
    catalog = parse_po(path.read_text(encoding="utf-8"), str(path))
    return {m.key: m for m in catalog.messages if not m.obsolete}


def result(report: ImportReport, article_id: str, lang: str = "km"):
    article = next(a for a in report.articles if a.article_id == article_id)
    return next(t for t in article.translations if t.lang == lang)


def body(text: str) -> str:
    return text.split("\n---\n", 1)[1]


def imported_notes(message: Message) -> list[str]:
    return [c for c in message.extracted_comments if c.startswith("import: ")]


# --- layouts ------------------------------------------------------------------------------------


def test_astro_site_is_copied_byte_for_byte_with_templates_catalogs_and_assets(project: Project) -> None:
    report = run_import(project)
    ids = sorted(a.article_id for a in report.articles)
    assert ids == ["centers/ctc-kampot", "news/library-opening", "news/new-centres", "news/photo-day",
                   "news/teacher-training"]
    for article_id in ids:
        collection, slug = article_id.split("/")
        source = CONTENT / collection / "en" / f"{slug}.md"
        assert (project.root / "content" / f"{article_id}.md").read_bytes() == source.read_bytes()
        assert (project.root / "locale" / "templates" / f"{article_id}.pot").is_file()
        assert (project.root / "locale" / "km" / "LC_MESSAGES" / f"{article_id}.po").is_file()
    # `@/assets/…` means src/assets/… in Astro and content/assets/… here
    assert (project.root / "content" / "assets" / "news" / "library" / "photo-1.jpg").is_file()
    assert report.assets == 8
    assert all(a.content_status == "written" for a in report.articles)


def test_source_may_be_src_content_or_one_collection_folder(project: Project, tmp_path: Path) -> None:
    report = run_import(project, CONTENT)
    assert len(report.articles) == 5
    other = Project(tmp_path / "other")
    report = run_import(other, CONTENT / "news")
    assert sorted(a.article_id for a in report.articles)[0] == "news/library-opening"
    renamed = Project(tmp_path / "renamed")
    report = run_import(renamed, CONTENT / "news", collection="press")
    assert {a.article_id.split("/")[0] for a in report.articles} == {"press"}
    assert (renamed.root / "locale" / "km" / "LC_MESSAGES" / "press" / "photo-day.po").is_file()


def test_flat_layout_pairs_by_path_or_by_permalink_and_reports_orphans(project: Project) -> None:
    report = run_import(project, FIXTURES / "guides")
    assert [a.article_id for a in report.articles] == ["guides/track-a-parcel"]
    translation = result(report, "guides/track-a-parcel")
    assert translation.source.endswith("km/តាមដានកញ្ចប់.md")  # paired through `permalink`
    assert translation.fuzzy == 0 and translation.unpaired == 0 and translation.confident == 4
    found = entries(project, "guides/track-a-parcel")
    assert found[(None, "Type the number and press **Search**.")].msgstr == "វាយលេខ ហើយចុច **ស្វែងរក**។"
    (orphan,) = report.warnings
    assert orphan.path.endswith("km/km-only.md") and "not imported" in orphan.message


def test_an_article_without_translation_is_imported_without_a_catalog(project: Project, tmp_path: Path) -> None:
    site = tmp_path / "site" / "src" / "content"
    shutil.copytree(FIXTURES / "guides" / "en", site / "pages" / "en")
    report = run_import(project, tmp_path / "site")
    (article,) = report.articles
    assert article.article_id == "pages/track-a-parcel" and article.translations == ()
    assert (project.root / "content" / "pages" / "track-a-parcel.md").is_file()
    assert not (project.root / "locale" / "km").exists()


def test_a_folder_without_articles_is_an_error(project: Project, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(PipelineError, match="no articles found"):
        run_import(project, tmp_path / "empty")


# --- alignment cases ----------------------------------------------------------------------------------


def test_confident_pairs_become_translated_entries(project: Project) -> None:
    report = run_import(project)
    found = entries(project, "news/library-opening")
    title = found[("title", "New community library opens in Kampot")]
    assert title.msgstr == "បណ្ណាល័យសហគមន៍ថ្មីបើកនៅខេត្តកំពត" and not title.fuzzy
    paragraph = found[(None, "It has 1,200 books and 15 computers for students and teachers.")]
    assert paragraph.msgstr.startswith("បណ្ណាល័យនេះមានសៀវភៅ ១,២០០ក្បាល") and not paragraph.fuzzy
    alt = found[(None, "Reading room")]  # an image alt, paired through its image URL
    assert alt.msgstr == "បន្ទប់អាន" and not alt.fuzzy
    assert all(m.translated for m in found.values())
    counts = result(report, "news/library-opening")
    assert (counts.confident, counts.fuzzy, counts.unpaired) == (5, 0, 0)


def test_extra_khmer_paragraph_is_kept_as_a_translator_comment_and_reported(project: Project) -> None:
    report = run_import(project)
    assert result(report, "news/library-opening").extra == 1
    alt = entries(project, "news/library-opening")[(None, "Reading room")]
    assert "អាស្រ័យហេតុនេះ សូមសាធារណជនទាំងអស់ជ្រាបជាព័ត៌មាន៕" in alt.translator_comments
    assert any("no source counterpart" in c and "library-opening.md:16" in c for c in alt.translator_comments)
    # translator comments survive the next extraction (msgmerge keeps them)
    assert project.run("extract") == 0
    again = entries(project, "news/library-opening")[(None, "Reading room")]
    assert "អាស្រ័យហេតុនេះ សូមសាធារណជនទាំងអស់ជ្រាបជាព័ត៌មាន៕" in again.translator_comments
    assert again.msgstr == "បន្ទប់អាន" and not again.fuzzy


def test_merged_paragraphs_are_cut_at_the_line_break_and_fuzzy(project: Project) -> None:
    run_import(project)
    found = entries(project, "news/teacher-training")
    first = found[(None, "The course lasted 18 days in three rounds and covered Google Docs and Scratch.")]
    second = found[(None, "Teachers will now teach the new digital technology subject in Grade 10.")]
    assert first.fuzzy and second.fuzzy
    assert first.msgstr == "វគ្គនេះមានរយៈពេល ១៨ថ្ងៃ ចំនួនបីលើក ស្ដីពី Google Docs និង Scratch។"
    assert second.msgstr == "គ្រូបង្រៀនទាំងនេះនឹងបង្រៀនមុខវិជ្ជាបច្ចេកវិទ្យាឌីជីថលថ្មីនៅថ្នាក់ទី១០។"
    assert any("joins this unit and the next" in c for c in imported_notes(first))
    opening = found[(None, "On June 14, 2025, the ministry closed a training course for 35 teachers.")]
    assert not opening.fuzzy and opening.msgstr.startswith("នៅថ្ងៃទី១៤ ខែមិថុនា")


def test_a_paragraph_split_in_two_is_paired_with_both_joined_and_fuzzy(project: Project) -> None:
    run_import(project)
    found = entries(project, "news/teacher-training")
    (split,) = [m for (ctxt, msgid), m in found.items() if msgid.startswith("A second course")]
    assert split.fuzzy
    assert split.msgstr == ("វគ្គទីពីរនឹងចាប់ផ្ដើមនៅខែកញ្ញា សម្រាប់គ្រូបង្រៀនមកពីខេត្តកំពត និងខេត្តកែប។\n"
                            "វគ្គនេះក៏នឹងបង្រៀនអំពីសុវត្ថិភាពលើអ៊ីនធឺណិត និងបណ្ដាញមូលដ្ឋានសម្រាប់បន្ទប់កុំព្យូទ័រផងដែរ។")
    assert imported_notes(split) == ["import: the translation splits this unit in two; joined here"]
    assert not found[(None, "Certificates")].fuzzy  # the alignment recovers after the split


def test_reordered_list_items_are_paired_by_content(project: Project) -> None:
    report = run_import(project)
    found = entries(project, "news/new-centres")
    assert found[(None, "Takeo: 18 centres")].msgstr == "ខេត្តតាកែវ៖ ១៨ មជ្ឈមណ្ឌល"
    assert found[(None, "Kampot: 5 centres")].msgstr == "ខេត្តកំពត៖ ៥ មជ្ឈមណ្ឌល"
    assert found[(None, "Kandal: 3 centres")].msgstr == "ខេត្តកណ្ដាល៖ ៣ មជ្ឈមណ្ឌល"
    assert not any(found[(None, f"{p}")].fuzzy for p in ("Takeo: 18 centres", "Kandal: 3 centres"))
    assert result(report, "news/new-centres").extra == 0


def test_table_cells_are_paired_by_position(project: Project) -> None:
    run_import(project)
    found = entries(project, "news/new-centres")
    for source, khmer in [("Province", "ខេត្ត"), ("Opening hours", "ម៉ោងបើក"), ("Takeo", "ខេត្តតាកែវ"),
                          ("7:30 to 16:30", "៧:៣០ ដល់ ១៦:៣០")]:
        assert found[(None, source)].msgstr == khmer and not found[(None, source)].fuzzy


def test_a_passage_left_in_english_is_fuzzy_with_a_reason(project: Project) -> None:
    report = run_import(project)
    found = entries(project, "news/new-centres")
    kept = found[(None, "All centres are open to the public. Registration is free for students.")]
    assert kept.fuzzy and kept.msgstr == kept.msgid
    assert imported_notes(kept) == ["import: the translation keeps this in the source language"]
    assert result(report, "news/new-centres").kept_in_source == 1
    after = found[(None, "Contact the centre manager for evening classes.")]
    assert not after.fuzzy and after.msgstr == "សូមទាក់ទងអ្នកគ្រប់គ្រងមជ្ឈមណ្ឌលសម្រាប់ថ្នាក់ពេលល្ងាច។"


def test_a_missing_image_is_reported_and_its_alt_left_untranslated(project: Project) -> None:
    report = run_import(project)
    counts = result(report, "news/photo-day")
    assert any("photo-2.jpg is in the source but not in the translation" in n for n in counts.notes)
    assert counts.unpaired == 1
    found = entries(project, "news/photo-day")
    garden = found[(None, "Garden")]
    assert garden.msgstr == "" and imported_notes(garden) == ["import: no counterpart found in the translation"]
    assert found[(None, "Computer lab")].msgstr == "បន្ទប់កុំព្យូទ័រ"
    # a translation that drops an inline image would fail `pipeline check`: it stays fuzzy
    (printer,) = [m for (_, msgid), m in found.items() if msgid.startswith("Teachers showed")]
    assert printer.fuzzy and printer.msgstr == "គ្រូបង្រៀនបានបង្ហាញម៉ាស៊ីនបោះពុម្ពថ្មីដល់ភ្ញៀវ។"


def test_front_matter_values_are_paired_by_key_path(project: Project) -> None:
    report = run_import(project)
    found = entries(project, "centers/ctc-kampot")
    address = found[("contact.address", "Kampot High School, Kampong Bay Commune, Kampot Province")]
    assert address.msgstr == "វិទ្យាល័យកំពត ឃុំកំពង់បាយ ខេត្តកំពត" and not address.fuzzy
    assert found[("team.member[1].role", "IT teacher")].msgstr == "គ្រូ IT"
    facility = found[("facilities[0]", "Computer lab")]
    assert facility.fuzzy and facility.msgstr == "បន្ទប់កុំព្យូទ័រ"  # the Khmer list is longer
    last = found[("facilities[2]", "Post office")]
    assert "facilities[3]: បណ្ណាល័យ" in last.translator_comments  # the extra item is kept
    assert result(report, "centers/ctc-kampot").extra == 1
    assert ("team.member[0].phoneNumber", "097 510 5589") not in found  # not a translated key
    notes = result(report, "centers/ctc-kampot").notes
    assert any("team.member[0].phoneNumber, team.member[1].phoneNumber" in n for n in notes)


# --- never destroy work ----------------------------------------------------------------------------------


def test_existing_articles_and_catalogs_are_kept_unless_forced(project: Project) -> None:
    run_import(project)
    po = project.root / "locale" / "km" / "LC_MESSAGES" / "news" / "photo-day.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "បន្ទប់កុំព្យូទ័រ"', 'msgstr "បន្ទប់ IT"'),
                  encoding="utf-8")
    edited_po = po.read_bytes()
    article = project.root / "content" / "news" / "library-opening.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nEdited after the import.\n", encoding="utf-8")
    edited_article = article.read_bytes()

    report = run_import(project)
    assert po.read_bytes() == edited_po and article.read_bytes() == edited_article
    statuses = {a.article_id: a.content_status for a in report.articles}
    assert statuses["news/library-opening"] == "kept" and statuses["news/photo-day"] == "unchanged"
    kept = result(report, "news/photo-day")
    assert not kept.written and any("use --force" in n for n in kept.notes)
    assert not result(report, "news/library-opening").written
    assert report.written == ()

    report = run_import(project, force=True)
    assert article.read_bytes() == (CONTENT / "news" / "en" / "library-opening.md").read_bytes()
    assert b"\xe1\x9e\x94\xe1\x9e\x93\xe1\x9f\x92\xe1\x9e\x91\xe1\x9e\x94\xe1\x9f\x8b IT" not in po.read_bytes()
    assert result(report, "news/photo-day").written


def test_nothing_is_written_when_a_file_cannot_be_read(project: Project, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "guides", site / "guides")
    (site / "guides" / "en" / "broken.md").write_text("no front matter here\n", encoding="utf-8")
    with pytest.raises(PipelineError) as error:
        run_import(project, site / "guides")
    assert "broken.md" in str(error.value)
    assert not (project.root / "content").exists() and not (project.root / "locale").exists()


# --- what the rest of the pipeline makes of it -------------------------------------------------------------


def test_imported_catalogs_are_msgcat_stable_pass_check_and_build_the_khmer_page(project: Project) -> None:
    pyproject = project.root / "pyproject.toml"  # the last table is [tool.pipeline.collections.centers]
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + 'required = ["name"]\n', encoding="utf-8")
    shutil.copytree(REPO / "templates", project.root / "templates")
    run_import(project)
    for po in (project.root / "locale" / "km" / "LC_MESSAGES").rglob("*.po"):
        text = po.read_text(encoding="utf-8")
        assert format_po(parse_po(text, str(po))) == text
    assert project.run("check") == 0
    export = project.root / "export"
    assert project.run("build", "--min-translated", "0", "--now", "2026-01-01", "--markdown", str(export)) == 0
    khmer = body((export / "km" / "news" / "library-opening.md").read_text(encoding="utf-8"))
    real = body((CONTENT / "news" / "km" / "library-opening.md").read_text(encoding="utf-8"))
    # every block with an English counterpart is reproduced; the extra closing line is not
    assert khmer == real.replace("\n\nអាស្រ័យហេតុនេះ សូមសាធារណជនទាំងអស់ជ្រាបជាព័ត៌មាន៕\n", "\n")
    title = (export / "km" / "news" / "library-opening.md").read_text(encoding="utf-8").split("\n")[1]
    assert title == "title: បណ្ណាល័យសហគមន៍ថ្មីបើកនៅខេត្តកំពត"


def test_align_pairs_parallel_units_confidently_and_marks_gaps() -> None:
    source = [Unit("heading", "Opening", level=2), Unit("paragraph", "We opened 18 centres in 2025."),
              Unit("paragraph", "They serve students.")]
    target = [Unit("heading", "ពិធីបើក", level=2), Unit("paragraph", "យើងបានបើកមជ្ឈមណ្ឌល ១៨ ក្នុងឆ្នាំ២០២៥។"),
              Unit("paragraph", "ពួកវាបម្រើសិស្ស។"), Unit("paragraph", "សូមអរគុណ។")]
    pairs = align(source, target)
    assert [(p.source, p.target, p.kind) for p in pairs] == [
        ((0,), (0,), "pair"), ((1,), (1,), "pair"), ((2,), (2,), "pair"), ((), (3,), "extra")]
    assert [p.confident for p in pairs[:2]] == [True, True]
    assert not pairs[3].confident and "no source counterpart" in pairs[3].reason


def test_align_never_pairs_a_heading_with_a_paragraph_confidently() -> None:
    pairs = align([Unit("heading", "Contact", level=2)], [Unit("paragraph", "ទំនាក់ទំនង")])
    assert not any(p.confident for p in pairs)


# --- the real pairs ---------------------------------------------------------------------------------------


# Measured with tests/import_fidelity.py (see the figures printed there); floors a little below.
FLOORS = {  # set: (blocks reproduced, date/image/images equal, front-matter values equal)
    "mptc-ctc-website": (0.85, 0.97, 0.97),
    "reactjs-km": (0.93, 0.97, 0.97),
    "obsidian-help": (0.96, 0.97, 0.97),
}


def test_import_reproduces_the_real_khmer_articles(corpora: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from import_fidelity import measure

    if not (corpora / "real-articles" / "PAIRS.json").is_file():
        pytest.skip("real-articles not in the corpora")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1755043200")
    results = measure(corpora, workdir=tmp_path)
    for name, (blocks, facts, front) in FLOORS.items():
        found = results[name]
        assert found.articles, name
        assert found.block_share >= blocks, (name, found.as_dict())
        assert found.facts_share >= facts, (name, found.as_dict())
        assert found.front_share >= front, (name, found.as_dict())


# --- anchors that contradict each other ---------------------------------------------------------------


def _aligned_middle(source: str, target: str):
    """The pair of `source` and `target` between two parallel paragraphs (so that order alone
    would settle it)."""
    before = (Unit("paragraph", "The ministry opened new centres."), Unit("paragraph", "ក្រសួងបានបើកមជ្ឈមណ្ឌលថ្មី។"))
    after = (Unit("paragraph", "They serve students and teachers."), Unit("paragraph", "ពួកវាបម្រើសិស្ស និងគ្រូបង្រៀន។"))
    pairs = align([before[0], Unit("paragraph", source), after[0]], [before[1], Unit("paragraph", target), after[1]])
    assert [(p.source, p.target) for p in pairs] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    return pairs[1]


KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(1990, 2030), st.booleans())
def test_a_changed_number_is_never_certain_and_khmer_digits_count_as_equal(source_count: int, target_count: int,
                                                                           year: int, khmer: bool) -> None:
    written = (lambda n: f"{n:,}".translate(KHMER_DIGITS)) if khmer else (lambda n: f"{n:,}")
    pair = _aligned_middle(f"In {year} the ministry opened {source_count:,} centres in the provinces.",
                           f"នៅឆ្នាំ{written(year)} ក្រសួងបានបើកមជ្ឈមណ្ឌល {written(target_count)} នៅតាមខេត្ត។")
    if source_count == target_count:
        assert pair.confident, pair.reason
    else:
        assert not pair.confident and pair.reason.startswith("import: numbers differ from the source")


@pytest.mark.parametrize("source, target, contradicts", [
    ("The centre in Takeo opened on Monday.", "មជ្ឈមណ្ឌលនៅ Kampot បានបើកនៅថ្ងៃច័ន្ទ។", "names differ"),
    ("Mr Sok Dara from UNICEF spoke.", "លោក Chan Dara មកពី UNICEF បានថ្លែង។", "names differ"),
    ("Read the [guide](https://moeys.gov.kh/guide) first.", "សូមអាន[មគ្គុទ្ទេសក៍](https://mptc.gov.kh/guide)ជាមុន។",
     "other addresses"),
    ("Visit https://moeys.gov.kh for details.", "សូមចូលមើល https://mptc.gov.kh សម្រាប់ព័ត៌មានលម្អិត។", "other addresses"),
    ("Write to info@moeys.gov.kh for details.", "សូមសរសេរទៅ help@moeys.gov.kh សម្រាប់ព័ត៌មានលម្អិត។", "other addresses"),
    ("Classes run from 7:30 to 16:30.", "ថ្នាក់រៀនចាប់ពីម៉ោង ៨:០០ ដល់ ១៦:៣០។", "numbers differ"),
    # the same anchors, or anchors only added or left out, are no contradiction
    ("The centre in Takeo opened on Monday.", "មជ្ឈមណ្ឌលនៅខេត្តតាកែវបានបើកនៅថ្ងៃច័ន្ទ។", None),
    ("Mr Sok Dara from UNICEF spoke.", "លោក សុខ ដារា មកពី UNICEF បានថ្លែង។", None),
    ("The course covered Google Docs and Scratch.", "វគ្គនេះស្ដីពី Google Docs និង Scratch។", None),
    ("Read the [guide](https://moeys.gov.kh/guide) first.", "សូមអាន[មគ្គុទ្ទេសក៍](https://moeys.gov.kh/guide)ជាមុន។", None),
    ("Write to info@moeys.gov.kh for details.", "សូមសរសេរទៅ info@moeys.gov.kh សម្រាប់ព័ត៌មានលម្អិត។", None),
    ("Classes run from 7:30 to 16:30.", "ថ្នាក់រៀនចាប់ពីម៉ោង ៧:៣០ ដល់ ១៦:៣០។", None),
    ("Build components to make complex UIs.", "បង្កើត components ដើម្បីបង្កើត User Interfaces ដ៏ស្មុគស្មាញ។", None),
])
def test_pairs_whose_numbers_names_or_addresses_contradict_are_fuzzy(source: str, target: str,
                                                                     contradicts: str | None) -> None:
    pair = _aligned_middle(source, target)
    if contradicts is None:
        assert pair.confident, pair.reason
    else:
        assert not pair.confident and contradicts in pair.reason


def test_an_imported_contradiction_is_a_fuzzy_entry_with_its_reason(project: Project, tmp_path: Path) -> None:
    site = tmp_path / "old"
    english = ("---\ntitle: 18 new centres open\ndate: 2025-03-01\n---\n\n"
               "The ministry opened 18 centres in Takeo.\n\nEach centre has 20 computers.\n\n"
               "Write to info@moeys.gov.kh to visit.\n")
    khmer = ("---\ntitle: មជ្ឈមណ្ឌលថ្មី ១៩ បានបើក\ndate: 2025-03-01\n---\n\n"
             "ក្រសួងបានបើកមជ្ឈមណ្ឌល ១៨ នៅ Kampot។\n\nមជ្ឈមណ្ឌលនីមួយៗមានកុំព្យូទ័រ ២០ គ្រឿង។\n\n"
             "សូមសរសេរទៅ help@moeys.gov.kh ដើម្បីមកទស្សនា។\n")
    for lang, text in (("en", english), ("km", khmer)):
        (site / lang).mkdir(parents=True)
        (site / lang / "centres.md").write_text(text, encoding="utf-8")
    report = run_import(project, site, collection="news")
    found = entries(project, "news/centres")
    for key, reason in [(("title", "18 new centres open"), "numbers differ"),
                        ((None, "The ministry opened 18 centres in Takeo."), "names differ"),
                        ((None, "Write to info@moeys.gov.kh to visit."), "other addresses")]:
        assert found[key].fuzzy and found[key].msgstr, key
        assert any(reason in note for note in imported_notes(found[key])), imported_notes(found[key])
    kept = found[(None, "Each centre has 20 computers.")]
    assert not kept.fuzzy and kept.msgstr == "មជ្ឈមណ្ឌលនីមួយៗមានកុំព្យូទ័រ ២០ គ្រឿង។"
    counts = result(report, "news/centres")
    assert (counts.confident, counts.fuzzy) == (1, 3)


@pytest.mark.parametrize("source, target", [
    ("See [the list](/en/news/list/).", "សូមមើល[បញ្ជី](/km/news/list/)។"),
    ("See [the list](/news/list/).", "សូមមើល[បញ្ជី](/km/news/list/)។"),
])
def test_a_link_to_the_same_page_in_another_language_is_no_contradiction(source: str, target: str) -> None:
    before = (Unit("paragraph", "The ministry opened new centres."), Unit("paragraph", "ក្រសួងបានបើកមជ្ឈមណ្ឌលថ្មី។"))
    pairs = align([before[0], Unit("paragraph", source)], [before[1], Unit("paragraph", target)], ("en", "km"))
    assert pairs[1].confident, pairs[1].reason
    other = align([before[0], Unit("paragraph", source)],
                  [before[1], Unit("paragraph", target.replace("list", "other"))], ("en", "km"))
    assert not other[1].confident and "other addresses" in other[1].reason
