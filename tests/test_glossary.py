"""The project glossary (issue 19): glossary.csv read as spreadsheets save it, TBX both ways and read
by Translate Toolkit (what Weblate uses), hostile files refused with a located error, the `glossary`
check (English term found, Khmer equivalent missing, Khmer compared as `check` would repair it), the
listing, `check` redoing its work when only glossary.csv changed, and the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.checks import check_catalog
from pipeline.errors import PipelineError
from pipeline.khmer.encoding import comparable_khmer
from pipeline.glossary import (Glossary, Term, glossary_csv, glossary_tbx, merged,
                               read_glossary_csv, terms_from_tbx)
from pipeline.model import Catalog, Message
from xml.sax.saxutils import escape as xml_escape
from tests.conftest import REPO, Project

tbx = pytest.importorskip("translate.storage.tbx")

MPTC_EN, MPTC_KM = "Ministry of Posts and Telecommunications", "ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍"
GLOSSARY = (f"English,Khmer,Note\n{MPTC_EN},{MPTC_KM},official name\n"
            "Community Tech Center,មជ្ឈមណ្ឌលបច្ចេកវិទ្យាសហគមន៍ | ម.ប.ស,\n"
            "H.E.,ឯកឧត្តម,\nSecretary of State,រដ្ឋលេខាធិការ,\nUnder-Secretary of State,អនុរដ្ឋលេខាធិការ,\n"
            "Samdech,សម្តេច,\nWomen's Affairs,កិច្ចការនារី,\n")


def glossary(text: str = GLOSSARY) -> Glossary:
    return read_glossary_csv(text.encode("utf-8"))


def findings(english: str, khmer: str, comments: tuple[str, ...] = (), text: str = GLOSSARY) -> list[str]:
    catalog = Catalog(header=None, messages=(Message(english, khmer, line=7, translator_comments=comments),))
    return [d.message for d in check_catalog(catalog, "km.po", "km", glossary=glossary(text)) if d.code == "glossary"]


# --- glossary.csv -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("saved", [
    GLOSSARY,  # as written here
    "\ufeff" + GLOSSARY.replace("\n", "\r\n"),  # Excel's "CSV UTF-8": a byte-order mark, CRLF
    GLOSSARY.replace(",", ";").replace("Posts and", "Posts and"),  # Excel where `,` is the decimal mark
    '"English","Khmer","Note"\n' + GLOSSARY.split("\n", 1)[1],  # LibreOffice quoting every text cell
])
def test_the_glossary_is_read_as_spreadsheets_save_it(saved: str) -> None:
    read = read_glossary_csv(saved.encode("utf-8"))
    assert read.terms == glossary().terms
    assert read.terms[1].khmer == ("មជ្ឈមណ្ឌលបច្ចេកវិទ្យាសហគមន៍", "ម.ប.ស")
    assert read_glossary_csv(glossary_csv(read)).terms == read.terms  # written back in the style it was read in
    assert glossary_csv(read).startswith(b"\xef\xbb\xbf") == saved.startswith("\ufeff")


@pytest.mark.parametrize("row, line, says", [
    (",ឯកឧត្តម,", 3, "the English term is empty"),
    ("Minister,,", 3, "has no Khmer term"),
    ("Minister,Minister,", 3, "holds no Khmer letters"),
    ("minister,រដ្ឋមន្ត្រី,\nMINISTER ,រដ្ឋមន្ត្រី,", 4, "already a term at line 3"),
    ("Minister,រដ្ឋមន្ត្រី,a note,another cell", 3, "has 4 cells"),
    ('Minister,"រដ្ឋមន្ត្រី,', 3, "cannot be read as CSV"),
    ("Mini\x01ster,រដ្ឋមន្ត្រី,", 3, "control character"),
])
def test_a_bad_row_is_an_error_at_its_line(row: str, line: int, says: str) -> None:
    text = "English,Khmer,Note\nH.E.,ឯកឧត្តម,\n" + row + "\n"
    with pytest.raises(PipelineError) as raised:
        read_glossary_csv(text.encode("utf-8"))
    assert [(d.path, d.line) for d in raised.value.diagnostics] == [("glossary.csv", line)]
    assert says in raised.value.diagnostics[0].message


@pytest.mark.parametrize("data, line, says", [
    ("English,Khmer,Note\nH.E.,ឯកឧត្តម,\n".encode("utf-16"), 1, "UTF-16"),
    (b"English,Khmer,Note\nCaf\xe9,x,\n", 2, "not UTF-8"),
    (b"Term,Translation\nH.E.,x\n", 1, "the first row must name the columns"),
])
def test_a_file_that_is_not_a_glossary_is_one_located_error(data: bytes, line: int, says: str) -> None:
    with pytest.raises(PipelineError) as raised:
        read_glossary_csv(data)
    assert raised.value.diagnostics[0].line == line and says in raised.value.diagnostics[0].message


# --- TBX ------------------------------------------------------------------------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff\ufffe\uffff"),
                min_size=1, max_size=12).map(lambda s: " ".join(s.split())) \
    .filter(lambda s: s and not s.startswith(("=", "+", "-", "@")))  # (a formula in a spreadsheet: refused)
_KHMER = st.text(st.sampled_from("កខគងចឆជញដឋណតថទធនបផពភមយរលវសហឡអាិីឹឺុូួើឿៀេែៃោៅំះ្ ។"), min_size=1, max_size=10) \
    .map(lambda s: " ".join(s.split())).filter(lambda s: any("\u1780" <= c <= "\u17b3" for c in s))


@st.composite
def glossaries(draw) -> Glossary:
    english = draw(st.lists(_TEXT, min_size=0, max_size=6, unique_by=lambda e: e.casefold()))
    return Glossary(tuple(Term(e, tuple(draw(st.lists(_KHMER, min_size=1, max_size=3, unique=True))),
                               draw(st.one_of(st.just(""), _TEXT))) for e in english))


@settings(max_examples=60, deadline=None)
@given(glossaries())
def test_csv_and_tbx_keep_every_term(written: Glossary) -> None:
    assert read_glossary_csv(glossary_csv(written)).terms == written.terms
    assert terms_from_tbx(glossary_tbx(written), "x.tbx").terms == written.terms


@settings(max_examples=30, deadline=None)
@given(glossaries())
def test_translate_toolkit_reads_the_exported_terms(written: Glossary) -> None:
    store = tbx.tbxfile.parsestring(glossary_tbx(written), "en", "km")
    units = [unit for unit in store.units if not unit.isheader()]
    assert [unit.source for unit in units] == [term.english for term in written.terms]
    assert [tuple(t.text for t in unit.get_target_terms()) for unit in units] == [t.khmer for t in written.terms]
    assert [unit.getnotes() for unit in units] == [term.note for term in written.terms]


def test_a_tbx_written_by_translate_toolkit_is_imported() -> None:
    store = tbx.tbxfile(sourcelanguage="en", targetlanguage="km")
    unit = store.addsourceunit(MPTC_EN)
    unit.settarget(MPTC_KM, lang="km")
    unit.addnote("official name")
    several = store.addsourceunit("Community Tech Center")
    several.set_target_terms(["មជ្ឈមណ្ឌលបច្ចេកវិទ្យាសហគមន៍", "ម.ប.ស"], lang="km")
    store.addsourceunit("Untranslated")
    found = terms_from_tbx(bytes(store), "weblate.tbx")
    assert found.terms == (Term(MPTC_EN, (MPTC_KM,), "official name"),
                           Term("Community Tech Center", ("មជ្ឈមណ្ឌលបច្ចេកវិទ្យាសហគមន៍", "ម.ប.ស")))
    assert found.incomplete == 1


TBX_BASIC = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">
<martif type="TBX-Basic" xml:lang="en-US">
 <martifHeader><fileDesc><sourceDesc><p>by hand</p></sourceDesc></fileDesc></martifHeader>
 <text><body>
  <termEntry id="c1">
   <descrip type="definition">A title of senior officials.</descrip>
   <langSet xml:lang="en-US"><tig><term>H.E.</term></tig><tig><term>His Excellency</term></tig></langSet>
   <langSet xml:lang="km-KH">
    <tig><term>ឯកឧត្តម</term></tig>
    <ntig><termGrp><term>ឯ.ឧ.</term></termGrp></ntig>
    <tig><term>លោកឧត្តម</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
    <note>short form in lists</note>
   </langSet>
  </termEntry>
 </body></text>
</martif>"""


def test_a_hand_written_tbx_basic_file_is_imported() -> None:
    found = terms_from_tbx(TBX_BASIC.encode(), "hand.tbx").terms
    note = "A title of senior officials.; short form in lists"
    assert found == (Term("H.E.", ("ឯកឧត្តម", "ឯ.ឧ."), note), Term("His Excellency", ("ឯកឧត្តម", "ឯ.ឧ."), note))


BOMB = """<?xml version="1.0"?>
<!DOCTYPE martif [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>
<martif><text><body><termEntry><langSet xml:lang="en"><tig><term>&h;</term></tig></langSet></termEntry>
</body></text></martif>"""


@pytest.mark.parametrize("data, line, says", [
    (BOMB, 2, "inline DTD"),
    ('<?xml version="1.0"?>\n<!DOCTYPE martif [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<martif>&x;</martif>', 2,
     "inline DTD"),
    ('<?xml version="1.0"?>\n<!DOCTYPE martif SYSTEM "x.dtd">\n<martif>\n&undeclared;</martif>', 4, "entities"),
    ("<martif><text>\n<body></text></martif>", 2, "not well-formed"),
    ("<html><body/></html>", 1, "not a TBX file"),
    ("<martif>" + "<p>" * 100 + "</p>" * 100 + "</martif>", 1, "nested more than"),
])
def test_a_hostile_tbx_file_is_a_clear_error(data: str, line: int, says: str) -> None:
    with pytest.raises(PipelineError) as raised:
        terms_from_tbx(data.encode(), "in.tbx")
    diagnostic = raised.value.diagnostics[0]
    assert (diagnostic.path, diagnostic.line) == ("in.tbx", line) and says in diagnostic.message


def test_merging_keeps_every_row_and_every_khmer_term() -> None:
    old = glossary()
    new = [Term("h.e.", ("ឯ.ឧ.",), "from Weblate"), Term("Minister", ("រដ្ឋមន្ត្រី",)), Term("Samdech", ("សម្តេច",))]
    result = merged(old, new)
    assert [t.english for t in result.glossary.terms] == [t.english for t in old.terms] + ["Minister"]
    assert result.glossary.terms[2] == Term("H.E.", ("ឯកឧត្តម", "ឯ.ឧ."), "from Weblate")
    assert (result.added, result.extended) == (("Minister",), ("H.E.",))


# --- the check -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("english, khmer", [
    (f"The {MPTC_EN} opened a centre.", f"{MPTC_KM}បានបើកមជ្ឈមណ្ឌល។"),
    ("the ministry of posts and telecommunications", MPTC_KM.replace("និង", " និង")),  # letter case; a space
    ("Two Community Tech Centers opened.", "ម.ប.ស. ពីរបានបើក។"),  # a plural; the second Khmer term
    ("Secretaries of State met.", "រដ្ឋលេខាធិការបានជួបគ្នា។"),  # the plural of an `X of Y` term
    ("H.E. Mao Sila, the Under Secretary of State", "ឯកឧត្តម ម៉ៅ សិលា អនុរដ្ឋលេខាធិការ"),  # the longest term counts
    ("Samdech Techo", "សម្ដេចតេជោ"),  # ្ដ for ្ត: writers use both
    ("Samdech Techo", "ស\u200bម្តេច\u200bតេជោ"),  # zero-width spaces
    ("Samdech Techo", "សម\u17d2\u178f\u17c1ច"),  # typed letter by letter, the same
    ("Women's Affairs", "កិច្ចការនារី"),
    ("Visit [the site](https://mptc.gov.kh/community-tech-center) or `H.E.`",  # link targets, code
     "ចូលមើល [គេហទំព័រ](https://mptc.gov.kh/community-tech-center)"),
    ("See www.h.e.gov.kh", "មើល www.h.e.gov.kh"),  # an address, not the title
])
def test_a_translation_that_follows_the_glossary_passes(english: str, khmer: str) -> None:
    assert findings(english, khmer) == []


@pytest.mark.parametrize("typed, standard", [
    ("ស្រ្តី", "ស្ត្រី"),  # coeng RO typed before the other subscript
    ("សេីម", "សើម"),  # a split vowel: េ + ី for ើ
    ("\u17a3ក", "\u17a2ក"),  # the deprecated independent vowel ឣ for អ
    ("ក\u17b4ខ", "កខ"),  # an invisible inherent vowel
    ("ឲ្យ", "ឱ្យ"),
])
def test_comparable_khmer_repairs_what_check_repairs(typed: str, standard: str) -> None:
    assert comparable_khmer(typed) == comparable_khmer(standard)
    assert findings("Samdech", "សម្តេច" + typed, text=f"English,Khmer\nSamdech,សម្តេច{standard}\n") == []


@pytest.mark.parametrize("english, khmer, missing", [
    (f"The {MPTC_EN} opened it.", "ក្រសួងបានបើកវា។", ["Ministry of Posts and Telecommunications"]),
    ("Three Community Tech Centers", "មជ្ឈមណ្ឌលបី", ["Community Tech Center"]),
    ("H.E. the Secretary of State", "លោក រដ្ឋលេខាធិការ", ["H.E."]),
    ("The Under-Secretary of State", "រដ្ឋលេខាធិការ", ["Under-Secretary of State"]),
    ("H.E. Samdech", "លោក", ["H.E.", "Samdech"]),
])
def test_a_missing_khmer_term_is_a_warning_naming_term_and_khmer(english: str, khmer: str,
                                                                   missing: list[str]) -> None:
    found = findings(english, khmer)
    assert len(found) == len(missing)
    for message, term in zip(found, missing):
        expected = next(t for t in glossary().terms if t.english == term)
        assert f"“{term}”" in message and all(k in message for k in expected.khmer)


def test_the_warning_is_silenced_by_noqa_and_is_a_warning() -> None:
    assert findings("H.E. Mao Sila", "លោក ម៉ៅ សិលា", ("noqa: glossary",)) == []
    catalog = Catalog(header=None, messages=(Message("H.E. Mao Sila", "លោក ម៉ៅ សិលា", line=3),))
    [finding] = [d for d in check_catalog(catalog, "km.po", "km", glossary=glossary()) if d.code == "glossary"]
    assert (finding.severity, finding.line) == ("warning", 3)
    assert [d for d in check_catalog(catalog, "en.po", "en", glossary=glossary()) if d.code == "glossary"] == []


# --- a project: listing, the incremental check, the CLI ------------------------------------------------------

ARTICLE = "---\ntitle: H.E. visits a Community Tech Center\ndate: 2025-08-13\n---\nThe Secretary of State spoke.\n"


@pytest.fixture
def site(project: Project) -> Project:
    shutil.copytree(REPO / "templates", project.root / "templates")
    project.write("content/news/visit.md", ARTICLE)
    assert project.run("extract") == 0
    po = project.root / "locale/km/LC_MESSAGES/news/visit.po"
    text = po.read_text(encoding="utf-8")
    for english, khmer in (("H.E. visits a Community Tech Center", "ឯកឧត្តម ទស្សនា ម.ប.ស."),
                           ("The Secretary of State spoke.", "លោករដ្ឋមន្ត្រីបានថ្លែង។")):
        text = text.replace(f'msgid "{english}"\nmsgstr ""', f'msgid "{english}"\nmsgstr "{khmer}"')
    po.write_text(text, encoding="utf-8")
    (project.root / "glossary.csv").write_text(GLOSSARY, encoding="utf-8")
    return project


def _json(capsys, project: Project, *args: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = project.run(*args, "--json")
    return code, json.loads(capsys.readouterr().out)


def test_the_listing_says_where_each_term_is_used(site: Project, capsys) -> None:
    code, report = _json(capsys, site, "glossary")
    assert code == 0
    terms = {term["english"]: term for term in report["terms"]}
    assert (terms["H.E."]["units"], terms["H.E."]["followed"]) == (1, 1)
    assert (terms["Secretary of State"]["units"], terms["Secretary of State"]["followed"]) == (1, 0)
    [place] = terms["Secretary of State"]["places"]
    assert place["catalog"] == "locale/km/LC_MESSAGES/news/visit.po" and place["line"] > 0
    assert terms["Samdech"]["units"] == 0


def _glossary_findings(capsys, project: Project, *command: str) -> list[tuple[str, int, str]]:
    _code, report = _json(capsys, project, *command)
    return sorted((f["path"], f["line"], f["message"]) for f in report["findings"] if f["code"] == "glossary")


def test_check_and_a_strict_build_judge_again_when_only_the_glossary_changes(site: Project, capsys) -> None:
    first = _glossary_findings(capsys, site, "check")
    assert [message.split("”")[0] for _p, _l, message in first] == ["the source says “Secretary of State"]
    assert _glossary_findings(capsys, site, "build", "--strict", "--now", "2025-09-01") == first
    (site.root / "glossary.csv").write_text(GLOSSARY.replace("រដ្ឋលេខាធិការ,", "រដ្ឋលេខាធិការ | រដ្ឋមន្ត្រី,"),
                                            encoding="utf-8")
    assert _glossary_findings(capsys, site, "check") == []
    assert _glossary_findings(capsys, site, "build", "--strict", "--now", "2025-09-01") == []
    (site.root / "glossary.csv").unlink()  # no glossary, no glossary findings
    assert _glossary_findings(capsys, site, "check") == []


def test_a_broken_glossary_stops_check_and_build_at_its_line(site: Project, capsys) -> None:
    (site.root / "glossary.csv").write_text(GLOSSARY + ",ឯកឧត្តម,\n", encoding="utf-8")
    for command in (("check",), ("build", "--strict")):
        capsys.readouterr()
        assert site.run(*command) == 1
        assert "glossary.csv:9: error: the English term is empty" in capsys.readouterr().err


def test_export_then_import_round_trips_and_never_drops_a_row(site: Project, capsys, tmp_path: Path) -> None:
    out = tmp_path / "glossary.tbx"
    code, report = _json(capsys, site, "glossary", "export", str(out))
    assert (code, report["terms"]) == (0, 7)
    before = (site.root / "glossary.csv").read_bytes()
    code, report = _json(capsys, site, "glossary", "import", str(out))
    assert (code, report["added"], report["extended"]) == (0, [], [])
    assert (site.root / "glossary.csv").read_bytes() == before  # nothing new: not even rewritten
    store = tbx.tbxfile(sourcelanguage="en", targetlanguage="km")
    store.addsourceunit("Minister").settarget("រដ្ឋមន្ត្រី", lang="km")
    store.addsourceunit("Samdech").settarget("សម្ដេច", lang="km")
    (tmp_path / "weblate.tbx").write_bytes(bytes(store))
    code, report = _json(capsys, site, "glossary", "import", str(tmp_path / "weblate.tbx"))
    assert (code, report["added"], report["extended"], report["terms"]) == (0, ["Minister"], ["Samdech"], 8)
    after = read_glossary_csv((site.root / "glossary.csv").read_bytes()).terms
    assert after[:5] == glossary().terms[:5] and after[5].khmer == ("សម្តេច", "សម្ដេច")
    assert after[6:] == (glossary().terms[6], Term("Minister", ("រដ្ឋមន្ត្រី",)))


def test_a_hostile_import_leaves_the_glossary_alone(site: Project, capsys, tmp_path: Path) -> None:
    (tmp_path / "bomb.tbx").write_text(BOMB, encoding="utf-8")
    before = (site.root / "glossary.csv").read_bytes()
    capsys.readouterr()
    assert site.run("glossary", "import", str(tmp_path / "bomb.tbx")) == 1
    err = capsys.readouterr().err
    assert "bomb.tbx:2: error:" in err and "Traceback" not in err
    assert (site.root / "glossary.csv").read_bytes() == before


def test_a_glossary_saved_while_an_import_runs_is_kept(site: Project, capsys, tmp_path: Path, monkeypatch) -> None:
    """An editor saves glossary.csv after the import read it: the import writes nothing, says so,
    and the save stays as it was made (run again, the import merges into it)."""
    from pipeline.commands import glossary as command

    (tmp_path / "hand.tbx").write_text(TBX_BASIC, encoding="utf-8")
    saved = (site.root / "glossary.csv").read_bytes() + "Senate,ព្រឹទ្ធសភា,added by hand\n".encode()
    real_merged = command.merged

    def merged_while_someone_saves(*args, **kwargs):
        (site.root / "glossary.csv").write_bytes(saved)
        return real_merged(*args, **kwargs)

    monkeypatch.setattr(command, "merged", merged_while_someone_saves)
    capsys.readouterr()
    assert site.run("glossary", "import", str(tmp_path / "hand.tbx")) == 1
    err = capsys.readouterr().err
    assert "saved while the import ran" in err and "Traceback" not in err
    assert (site.root / "glossary.csv").read_bytes() == saved
    monkeypatch.setattr(command, "merged", real_merged)
    assert site.run("glossary", "import", str(tmp_path / "hand.tbx")) == 0
    terms = read_glossary_csv((site.root / "glossary.csv").read_bytes()).terms
    assert Term("Senate", ("ព្រឹទ្ធសភា",), "added by hand") in terms


@pytest.mark.parametrize("args, code, says", [
    (("glossary", "export"), 2, "takes a TBX file"),
    (("glossary", "list", "x.tbx"), 2, "takes no file"),
    (("glossary", "import", "missing.tbx"), 1, "no such file"),
])
def test_cli_mistakes_are_one_line_without_traceback(site: Project, capsys, args, code: int, says: str) -> None:
    capsys.readouterr()
    assert site.run(*args) == code
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_listing_without_a_glossary_says_how_to_start_one(project: Project, capsys) -> None:
    assert project.run("glossary") == 2
    assert "glossary.csv: error: there is no glossary file" in capsys.readouterr().err


def test_suggest_lists_ranked_candidates_and_leaves_known_terms_out(site: Project, capsys) -> None:
    po = site.root / "locale/km/LC_MESSAGES/news/other.po"
    units = [(f"The Digital Skills Office opened room {n}.", f"ការិយាល័យជំនាញឌីជីថល បានបើកបន្ទប់ទី{n}។")
             for n in "123"]
    site.write("content/news/other.md", "---\ntitle: Rooms\ndate: 2025-08-13\n---\n"
               + "\n\n".join(english for english, _ in units) + "\n")
    assert site.run("extract") == 0
    text = po.read_text(encoding="utf-8")
    for english, khmer in units:
        text = text.replace(f'msgid "{english}"\nmsgstr ""', f'msgid "{english}"\nmsgstr "{khmer}"')
    po.write_text(text, encoding="utf-8")
    code, report = _json(capsys, site, "glossary", "suggest", "--limit", "5")
    assert code == 0 and len(report["suggestions"]) <= 5
    found = {s["english"]: s for s in report["suggestions"]}
    assert "Digital Skills Office" in found and found["Digital Skills Office"]["units"] == 3
    assert found["Digital Skills Office"]["examples"]
    assert not {"H.E.", "Community Tech Center"} & set(found)  # terms the glossary has
    capsys.readouterr()
    assert site.run("glossary", "suggest") == 0 and "Digital Skills Office" in capsys.readouterr().out


def test_the_sample_glossary_cites_a_source_for_every_term_and_the_sample_follows_it(capsys) -> None:
    from pipeline.cli import main

    sample = read_glossary_csv((REPO / "glossary.csv").read_bytes())
    assert len(sample.terms) >= 20
    assert all("http" in term.note or "github.com/" in term.note for term in sample.terms)
    capsys.readouterr()
    main(["--root", str(REPO), "check", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert [f for f in report["findings"] if f["code"] == "glossary"] == []


def test_the_preview_reads_the_glossary_again_when_it_is_saved(site: Project, tmp_path: Path) -> None:
    import datetime as dt

    from pipeline.commands.preview import Preview
    from pipeline.disk.project import load_config

    preview = Preview(load_config(site.root), tmp_path / "preview")
    try:
        preview.rebuild(today=dt.date(2025, 9, 1))
        path = site.root / "glossary.csv"
        path.write_text(GLOSSARY + "Minister,,\n", encoding="utf-8")
        with pytest.raises(PipelineError) as raised:
            preview.rebuild({path}, today=dt.date(2025, 9, 1))
        assert [(d.path, d.line) for d in raised.value.diagnostics] == [("glossary.csv", 9)]
        path.write_text(GLOSSARY, encoding="utf-8")
        preview.rebuild({path}, today=dt.date(2025, 9, 1))
    finally:
        preview.close()


def test_a_long_lived_build_session_judges_again_after_a_glossary_save(site: Project, tmp_path: Path) -> None:
    import datetime as dt

    from pipeline.commands import build
    from pipeline.disk.project import load_config
    from pipeline.pages import BuildOptions

    config, session = load_config(site.root), build.Session()
    options = BuildOptions(today=dt.date(2025, 9, 1), drafts=True, min_translated=0)

    def warned(changed) -> list[str]:
        report = build.build_site(config, tmp_path / "out", options, session=session, changed=changed)
        return [d.message.split("”")[0] for d in report.findings if d.code == "glossary"]

    try:
        assert warned(None) == ["the source says “Secretary of State"]
        path = site.root / "glossary.csv"
        path.write_text(GLOSSARY.replace("Secretary of State,", "Secretary of State ,").replace(
            "រដ្ឋលេខាធិការ,\nUnder", "រដ្ឋលេខាធិការ | រដ្ឋមន្ត្រី,\nUnder"), encoding="utf-8")
        assert warned({str(path)}) == []
    finally:
        session.close()


def test_the_glossary_setting_names_another_file(site: Project, capsys) -> None:
    (site.root / "glossary.csv").rename(site.root / "terms.csv")
    assert _glossary_findings(capsys, site, "check") == []  # glossary.csv is gone: no glossary
    text = (site.root / "pyproject.toml").read_text(encoding="utf-8")
    (site.root / "pyproject.toml").write_text(text.replace("[tool.pipeline]\n", '[tool.pipeline]\nglossary = "terms.csv"\n', 1),
                                              encoding="utf-8")
    assert len(_glossary_findings(capsys, site, "check")) == 1


# --- the trie-shaped finder against the plain alternation it replaced --------------------------------------

_TERM_WORDS = ("Ministry", "of", "Post", "Posts", "Office", "Tech", "Center", "H.E.", "Education,", "Youth",
               "and", "Sport", "Under", "Secretary", "State", "CTC", "Ox")


def _reference_terms_in(glossary: Glossary, english: str) -> tuple[str, ...]:
    """The English keys of the terms found, by one alternation of every variant, longest first:
    what `Glossary.terms_in` did before its pattern took the shape of a trie."""
    import re
    from pipeline import glossary as module

    variants = sorted({v for term in glossary.terms for v in module.english_variants(term.english)},
                      key=lambda v: (-len(v), v))
    alternation = "|".join(r"[\s\-\u2010\u2011]+".join(re.escape(word) for word in module._WORD_GAP.split(v.strip()))
                           for v in variants)
    finder = re.compile(r"(?<![\w.@/])(?:" + alternation + r")(?!\w|\.\w)", re.IGNORECASE)
    found: dict[str, None] = {}
    for match in finder.finditer(module._prose(english)):
        term = glossary._by_variant.get(module._english_key(match.group()))
        if term is not None:
            found.setdefault(term.key)
    return tuple(found)


_TERMS = st.lists(st.lists(st.sampled_from(_TERM_WORDS), min_size=1, max_size=4).map(" ".join),
                  min_size=1, max_size=12, unique_by=str.casefold)


@settings(max_examples=300, deadline=None)
@given(_TERMS, st.data())
def test_the_terms_found_are_those_a_plain_alternation_of_every_variant_finds(englishes, data) -> None:
    """The finder reads the text once down a trie of the variants (fast with thousands of terms):
    it finds the same terms, the longest where several begin at one place, as trying every variant."""
    pieces = st.sampled_from(englishes + list(_TERM_WORDS) + ["the", "Ministries", "Centers", "-", ".", "www.", "x"])
    text = " ".join(data.draw(st.lists(pieces, max_size=12)))
    glossary = Glossary(tuple(Term(english, ("ក",)) for english in englishes))
    assert tuple(term.key for term in glossary.terms_in(text)) == _reference_terms_in(glossary, text)


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x.example\",\"ok\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1)"])
@pytest.mark.parametrize("column", [0, 1, 2])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_refused_at_its_line(cell: str, column: int) -> None:
    """glossary.csv is opened in Excel and LibreOffice: a cell beginning with = + - @ is a formula
    there, whether it came from a hand edit or from a shared TBX file."""
    cells = ["Minister", "រដ្ឋមន្ត្រី", "a note"]
    cells[column] = cell if column != 1 else cell + "ក"
    row = ",".join('"' + c.replace('"', '""') + '"' for c in cells)
    with pytest.raises(PipelineError) as raised:
        read_glossary_csv(f"English,Khmer,Note\nCTC,ម.ប.ស,ok\n{row}\n".encode())
    assert [(d.path, d.line) for d in raised.value.diagnostics] == [("glossary.csv", 3)]
    assert "formula" in raised.value.diagnostics[0].message
    if column == 0:
        tbx = TBX_BASIC.replace("<term>H.E.</term>", f"<term>{xml_escape(cell)}</term>", 1)
        with pytest.raises(PipelineError) as raised:
            terms_from_tbx(tbx.encode(), "shared.tbx")
        assert raised.value.diagnostics[0].path == "shared.tbx" and "formula" in raised.value.diagnostics[0].message
