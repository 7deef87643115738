"""`po_wrap`: catalogs written at any page width, or unwrapped, and Weblate in the loop.

Weblate saves catalogs through Translate Toolkit, which breaks long lines by its own rules (inside
Khmer words among others). With `po_wrap = "none"` we write what `msgcat --no-wrap` writes, which is
what Translate Toolkit writes with Weblate's "Only wrap lines at newlines" (its `po_line_wrap`
65535): a catalog that Weblate saved comes out of the next `pipeline extract` byte for byte as saved,
and a catalog we wrote comes out of Translate Toolkit unchanged even when it rewrites every string.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Project
from pipeline.po import decode_po, format_po, parse_po
from test_po import catalogs, needs_msgcat, without_flag

pypo = pytest.importorskip("translate.storage.pypo", reason="translate-toolkit is a test dependency")

WEBLATE_NO_WRAP = 65535  # Weblate's po_line_wrap choice "Only wrap lines at newlines"
ARTICLE = "news/long"
POT = f"locale/templates/{ARTICLE}.pot"

KHMER = ("ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍បានរៀបចំពិធីប្រគល់សញ្ញាបត្រដល់និស្សិតដែលបានបញ្ចប់ការសិក្សា"
         "នៅមជ្ឈមណ្ឌលបណ្តុះបណ្តាលបច្ចេកទេសរាជធានីភ្នំពេញ")
ENGLISH = ("The Ministry of Posts and Telecommunications held a graduation ceremony for the students of "
           "the technical training centre in Phnom Penh, with certificates for every one of them")
ARTICLES = {
    "english": f"---\ntitle: {ENGLISH}\ndate: 2025-08-13\n---\n{ENGLISH}.\n\n- {ENGLISH}\n- short\n",
    "khmer": f"---\ntitle: {KHMER}\ndate: 2025-08-13\nlang: km\n---\n{KHMER}។\n\n## {KHMER}\n",
    "lines": f"---\ntitle: Lines\ndate: 2025-08-13\n---\n{ENGLISH}  \n{KHMER}  \nend\n\n> {KHMER} {ENGLISH}\n",
    "marks": (f"---\ntitle: 'Quotes \"and\" back\\slashes'\ndate: 2025-08-13\ndescription: \"{KHMER} {ENGLISH}\"\n"
              f"---\n| a | b |\n|---|---|\n| {KHMER} | \"{ENGLISH}\" \\\\ x |\n"),
}
PIECES = [KHMER[:40], KHMER, ENGLISH[:50], ENGLISH, " ", "  ", "\n", "\t", '"', "\\", "\u200b", "១២០", "**", "ពី"]
TRANSLATION = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join).filter(str.strip)


def catalog(name: str) -> str:
    """The translation catalog of an article: the English one for the article written in Khmer."""
    return f"locale/{'en' if name == 'khmer' else 'km'}/LC_MESSAGES/{ARTICLE}.po"


def unwrapped_project(root: Path, article: str) -> Project:
    project = Project(root)
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
        "[tool.pipeline]\n", '[tool.pipeline]\npo_wrap = "none"\n', 1), encoding="utf-8")
    project.write(f"content/{ARTICLE}.md", article)
    assert project.run("extract") == 0
    return project


def weblate_save(path: Path, edit) -> bytes:
    """What Weblate does with a translator's work: the catalog loaded by Translate Toolkit, `edit`
    applied to its units, the header updated, saved with "Only wrap lines at newlines"."""
    store = pypo.pofile(path.read_bytes(), width=WEBLATE_NO_WRAP)
    for unit in store.units:
        if not unit.isheader():
            edit(unit)
    store.updateheader(add=True, Last_Translator="Sok Dara <dara@example.org>",
                       PO_Revision_Date="2025-08-14 09:30+0700", X_Generator="Weblate 5.14")
    data = bytes(store)
    path.write_bytes(data)
    return data


def entries(data: bytes) -> list[str]:
    return data.decode("utf-8").rstrip("\n").split("\n\n")


@pytest.mark.parametrize("name", ARTICLES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(translations=st.lists(TRANSLATION, min_size=1, max_size=6))
def test_a_weblate_save_is_kept_byte_for_byte_by_the_next_extract(
        name: str, translations: list[str], tmp_path_factory: pytest.TempPathFactory) -> None:
    project = unwrapped_project(tmp_path_factory.mktemp("wrap") / "p", ARTICLES[name])
    po = project.root / catalog(name)
    count = iter(range(1_000_000))

    def translate(unit) -> None:
        unit.target = translations[next(count) % len(translations)]
        unit.markfuzzy(False)

    saved = weblate_save(po, translate)
    assert project.run("extract") == 0
    assert po.read_bytes() == saved
    # the article grows: extract adds the new message and leaves every entry Weblate wrote as it was
    (project.root / f"content/{ARTICLE}.md").write_text(ARTICLES[name] + f"\n{ENGLISH} (more)\n", encoding="utf-8")
    assert project.run("extract") == 0
    after = entries(po.read_bytes())
    assert [e for e in after if "(more)" not in e] == entries(saved)
    assert len(after) == len(entries(saved)) + 1


@pytest.mark.parametrize("name", ARTICLES)
def test_catalogs_we_write_are_left_unchanged_by_translate_toolkit(name: str, tmp_path: Path) -> None:
    project = unwrapped_project(tmp_path / "p", ARTICLES[name] + "\nA paragraph that goes away.\n")
    po = project.root / catalog(name)
    weblate_save(po, lambda unit: setattr(unit, "target", f"{KHMER}\n{unit.source}"))
    # the source changes: fuzzy entries with their previous msgid, and an obsolete one
    article = project.root / f"content/{ARTICLE}.md"
    article.write_text(ARTICLES[name].replace("Ministry", "ministry").replace("ក្រសួង", "ក្រសួង "), encoding="utf-8")
    assert project.run("extract") == 0
    for relative in (catalog(name), POT):
        data = (project.root / relative).read_bytes()
        store = pypo.pofile(data, width=WEBLATE_NO_WRAP)
        for unit in store.units:  # every string quoted again by Translate Toolkit
            if not unit.isheader():
                unit.source, unit.target = unit.source, unit.target
                if unit.prev_source:
                    unit.prev_source = unit.prev_source
        assert bytes(store) == data, relative
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" in text and "#| msgid" in text and "#~ msgid" in text


def test_changing_po_wrap_rewraps_every_catalog(tmp_path: Path) -> None:
    project = unwrapped_project(tmp_path / "p", ARTICLES["lines"])
    unwrapped = project.read(catalog("lines"))
    assert max(len(line) for line in unwrapped.splitlines()) > 79
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace('po_wrap = "none"', "po_wrap = 40"),
                         encoding="utf-8")
    assert project.run("extract") == 0
    for relative in (catalog("lines"), POT):
        text = project.read(relative)
        assert text == format_po(parse_po(text, relative), width=40)
        assert text != format_po(parse_po(text, relative), width=None)  # it was rewrapped, not kept
    assert [(m.msgid, m.msgstr) for m in parse_po(project.read(catalog("lines")), "po").messages] == \
        [(m.msgid, m.msgstr) for m in parse_po(unwrapped, "po").messages]


@needs_msgcat
@pytest.mark.parametrize("width", [None, 20, 33, 79, 140])
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(catalog=catalogs())
def test_each_width_is_written_as_msgcat_writes_it(width: int | None, catalog,
                                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    ours = format_po(catalog, width=width)
    path = tmp_path_factory.mktemp("po") / "in.po"
    path.write_text(ours, encoding="utf-8")
    option = "--no-wrap" if width is None else f"--width={width}"
    done = subprocess.run(["msgcat", option, str(path)], capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert done.stdout == without_flag(ours)
    assert parse_po(decode_po(ours.encode(), "in.po"), "in.po").messages == parse_po(
        format_po(catalog), "in.po").messages


def test_real_khmer_catalogs_unwrapped_are_what_translate_toolkit_writes(corpora: Path) -> None:
    files = sorted((corpora / "km-po").glob("*.po"))
    if not files:
        pytest.skip("no catalogs in the corpora")
    for path in files:
        ours = format_po(parse_po(decode_po(path.read_bytes(), str(path)), str(path)), width=None).encode("utf-8")
        store = pypo.pofile(ours, width=WEBLATE_NO_WRAP)
        for unit in store.units:  # every string of every entry quoted again by Translate Toolkit
            if not unit.isheader():
                unit.source, unit.target = unit.source, unit.target
        assert bytes(store) == ours, path.name
