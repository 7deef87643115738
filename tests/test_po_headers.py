"""Catalog headers: `pipeline check` judges a header as GNU `msgfmt --check` does, `build --strict`
agrees with `check`, and a header deleted by hand comes back with the next `pipeline extract`.

GNU msgfmt decides: every header variant below is written as a catalog, checked by msgfmt and by
`pipeline check`, and the pipeline must report an error (at the header's line) exactly when msgfmt
fails. The variants are built by dimension: the header entry itself (deleted, empty, obsolete,
fuzzy), each field msgfmt wants (missing, misspelled, doubled, left at the template's value), the
charset (against Khmer, accented Latin and plain ASCII text), and Plural-Forms values crossed with
the plural entries a catalog may hold. Two rules are the pipeline's own: the Language field must name
the catalog's folder, and a plural expression longer than 16,384 characters is refused.

Declared charsets other than UTF-8 are judged with Python's codec of that name; glibc's tables for
CP932, CP1255, GBK and TIS-620 refuse other bytes than Python's, so those four are not among the
variants (the pipeline reads every catalog as UTF-8 whatever it declares)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, Project, needs_gettext, with_one_translated_article
from pipeline.checks import check_catalog
from pipeline.po import parse_po

MSGFMT_ENV = {**os.environ, "LC_ALL": "C", "LANG": "C", "LANGUAGE": ""}

FIELDS = (
    ("Project-Id-Version", "test-site 1.0"),
    ("Report-Msgid-Bugs-To", ""),
    ("POT-Creation-Date", "2025-08-13 00:00+0000"),
    ("PO-Revision-Date", "2025-08-13 09:30+0700"),
    ("Last-Translator", "Sok Dara <dara@example.org>"),
    ("Language-Team", "Khmer <km@example.org>"),
    ("Language", "km"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "8bit"),
    ("Plural-Forms", "nplurals=1; plural=0;"),
)
TEMPLATE_VALUES = {  # what xgettext leaves in a template's header
    "Project-Id-Version": "PACKAGE VERSION",
    "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
    "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
    "Language-Team": "LANGUAGE <LL@li.org>",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=CHARSET",
    "Content-Transfer-Encoding": "ENCODING",
    "Language": "",
}

KHMER = 'msgid "Hello"\nmsgstr "សួស្តី"\n'
LATIN = 'msgid "Coffee"\nmsgstr "កាហ្វេ café"\n'
ASCII = 'msgid "42"\nmsgstr "42"\n'


def plural_entry(forms: int, flag: str = "", first: str = "ឯកសារ") -> str:
    texts = [first] + ["ឯកសារ"] * (forms - 1)
    return (f"#, {flag}\n" if flag else "") + 'msgid "one file"\nmsgid_plural "files"\n' + "".join(
        f'msgstr[{i}] "{text}"\n' for i, text in enumerate(texts))


ENTRIES = {
    "no-plural": KHMER,
    "1-form": KHMER + "\n" + plural_entry(1),
    "2-forms": KHMER + "\n" + plural_entry(2),
    "3-forms": KHMER + "\n" + plural_entry(3),
    "fuzzy-2-forms": KHMER + "\n" + plural_entry(2, "fuzzy"),
    "untranslated-3-forms": KHMER + "\n" + plural_entry(3, first=""),
}

PLURAL_FORMS = [
    None,  # no Plural-Forms field
    "nplurals=1; plural=0;",  # Khmer
    "nplurals=2; plural=(n != 1);",
    "nplurals=2; plural=n != 1",
    "nplurals=2; plural=0;",  # two forms, the expression only ever gives the first
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;",
    "nplurals=x; plural=0;",
    "nplurals=; plural=0;",
    "nplurals=-1; plural=0;",
    "nplurals=2x; plural=n>1;",
    "nplurals=1;",
    "plural=0;",
    "nplurals=0; plural=0;",
    "nplurals=2; plural=n;",
    "nplurals=2; plural=n-1;",
    "nplurals=2; plural=n/0;",
    "nplurals=2; plural=n%(n-5) > 1;",
    "nplurals=2; plural=n>3 ? n/(n-7) : 0;",
    "nplurals=2; plural=n>=0 ? 1 : n/0;",  # the division is never evaluated
    "nplurals=2; plural=n<5 || n/(n-6);",
    "nplurals=2; plural=;",
    "nplurals=2; plural=(n != 1;",
    "nplurals=2; plural=n = 1;",
    "nplurals=2; plural=n & 1;",
    "nplurals=2; plural=-1;",
    "nplurals=2; plural=N > 1;",
    "nplurals=2; plural=n ? 1 : 0 : 1;",
    "nplurals = 2; plural = n != 1;",  # no "plural=" at all
    "NPLURALS=2; PLURAL=(n != 1);",
    "nplurals=2; plural=18446744073709551615;",
    "nplurals=2; plural=n*18446744073709551615 > 5;",  # wraps around as C's unsigned long
    "nplurals=2; plural=(n != 1); and some words",
    "nplurals=99999999999999999999; plural=n;",
    "nplurals=2; plural=" + "!" * 9997 + "n;",  # as deep as msgfmt's parser goes
    "nplurals=2; plural=" + "!" * 9998 + "n;",  # one deeper
    "nplurals=2; plural=" + "n?0:" * 2499 + "1;",
    "nplurals=2; plural=" + "n?0:" * 2500 + "1;",
    "nplurals=2; plural=" + "0*(" * 3332 + "n" + ")" * 3332 + ";",
    "nplurals=2; plural=" + "0*(" * 3333 + "n" + ")" * 3333 + ";",
]

CHARSETS = ["UTF-8", "utf-8", "ASCII", "us-ascii", "ISO-8859-1", "ISO_8859-3", "ISO-8859-6", "KOI8-R", "CP1250",
            "CP1252", "CP1253", "EUC-JP", "EUC-KR", "GB2312", "BIG5", "SHIFT_JIS", "GB18030", "VISCII", "latin1",
            "utf8", "CHARSET", "FOO", "", "UTF-8;"]


@dataclass(frozen=True)
class Variant:
    """One catalog: its header fields (None: no header entry), how the header entry is written,
    its entries, and whether one of the pipeline's own rules makes it an error."""

    name: str
    fields: tuple[tuple[str, str], ...] | None = FIELDS
    form: str = "active"  # "active", "fuzzy", "empty", "obsolete"
    entries: str = KHMER
    own_rule_broken: bool = False

    def text(self) -> str:
        head = "# A Khmer catalog\n"
        if self.fields is None:
            return head + self.entries
        lines = "".join(f'"{name}: {escaped(value)}\\n"\n' for name, value in self.fields)
        if self.form == "empty":
            lines = ""
        entry = f'msgid ""\nmsgstr ""\n{lines}'
        if self.form == "obsolete":
            entry = "".join(f"#~ {row}\n" for row in entry.splitlines())
        flag = "#, fuzzy\n" if self.form == "fuzzy" else ""
        return f"{head}{flag}{entry}\n{self.entries}"

    def header_line(self) -> int:
        lines = self.text().split("\n")
        return lines.index('msgid ""') + 1 if 'msgid ""' in lines and self.form != "obsolete" else 1


def escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")


def changed(name: str, value: str | None) -> tuple[tuple[str, str], ...]:
    """The fields with one replaced (None: removed)."""
    if value is None:
        return tuple((key, old) for key, old in FIELDS if key != name)
    return tuple((key, value if key == name else old) for key, old in FIELDS)


def variants() -> list[Variant]:
    found = [Variant("well-formed")]
    found += [Variant(f"header-{form}", form=form) for form in ("fuzzy", "empty", "obsolete")]
    found += [Variant("header-deleted", fields=None), Variant("header-deleted-with-plurals", fields=None,
                                                             entries=ENTRIES["2-forms"])]
    for name in TEMPLATE_VALUES:
        found.append(Variant(f"{name}-missing", changed(name, None)))
        found.append(Variant(f"{name}-template-value", changed(name, TEMPLATE_VALUES[name])))
        found.append(Variant(f"{name}-lowercase", tuple((k.lower() if k == name else k, v) for k, v in FIELDS)))
        found.append(Variant(f"{name}-twice", FIELDS + ((name, "again"),)))
    found += [Variant("Language-th", changed("Language", "th"), own_rule_broken=True),
              Variant("plural-too-long", changed("Plural-Forms", "nplurals=2; plural=" + "n+" * 8192 + "0 > 1;"),
                      own_rule_broken=True),
              Variant("plural-longest", changed("Plural-Forms", "nplurals=2; plural=" + "n+" * 8189 + "0>1;")),
              Variant("Language-km_KH", changed("Language", "km_KH")),
              Variant("Language-twice-th", FIELDS + (("Language", "th"),)),
              Variant("Content-Transfer-Encoding-base64", changed("Content-Transfer-Encoding", "base64")),
              Variant("Content-Type-no-charset", changed("Content-Type", "text/plain")),
              Variant("charset-in-another-field", changed("Content-Type", None) + (("X-Note", "charset=ASCII"),),
                      entries=LATIN),
              Variant("plural-in-another-field", (("X-Note", "plural=n"),) + FIELDS),
              Variant("header-fuzzy-plural-n", changed("Plural-Forms", "nplurals=1; plural=n;"), form="fuzzy"),
              Variant("header-fuzzy-no-plural-forms", changed("Plural-Forms", None), form="fuzzy",
                      entries=ENTRIES["2-forms"])]
    for charset in CHARSETS:
        for label, entries in (("khmer", KHMER), ("latin", LATIN), ("ascii", ASCII)):
            found.append(Variant(f"charset-{charset or 'empty'}-{label}",
                                 changed("Content-Type", f"text/plain; charset={charset}"), entries=entries))
    for index, plural in enumerate(PLURAL_FORMS):
        for label, entries in ENTRIES.items():
            found.append(Variant(f"plural-{index:02d}-{label}", changed("Plural-Forms", plural), entries=entries))
    return found


VARIANTS = {variant.name: variant for variant in variants()}


def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True,
                          env=MSGFMT_ENV, timeout=120)


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "--root", str(root), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=300)


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[subprocess.CompletedProcess, list[dict]]]:
    """Every variant as a catalog of one project: msgfmt's verdict on each file, and the findings
    one run of `pipeline check --json` reports for it."""
    needs_gettext()
    root = tmp_path_factory.mktemp("headers") / "site"
    Project(root)
    folder = root / "locale/km/LC_MESSAGES/variants"
    folder.mkdir(parents=True)
    shown = {}
    for index, variant in enumerate(VARIANTS.values()):
        path = folder / f"v{index:03d}.po"
        path.write_text(variant.text(), encoding="utf-8")
        article = root / f"content/variants/v{index:03d}.md"  # (a catalog no article reads is an orphan)
        article.parent.mkdir(parents=True, exist_ok=True)
        article.write_text("---\ntitle: T\ndate: 2025-08-13\n---\nText.\n", encoding="utf-8")
        shown[variant.name] = (path, path.relative_to(root).as_posix())
    result = run_cli(root, "check", "--json")
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    findings = json.loads(result.stdout)["findings"]
    return {name: (msgfmt_check(path), [f for f in findings if f["path"] == relative])
            for name, (path, relative) in shown.items()}


def test_the_variants_are_many_and_msgfmt_fails_on_many_of_them(judged) -> None:
    failed = sum(1 for verdict, _ in judged.values() if verdict.returncode != 0)
    assert len(judged) >= 300 and 100 <= failed <= len(judged) - 100, (len(judged), failed)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_check_reports_an_error_at_the_header_exactly_when_msgfmt_fails(judged, name: str) -> None:
    variant = VARIANTS[name]
    verdict, findings = judged[name]
    assert verdict.returncode >= 0, f"msgfmt crashed: {verdict.stderr}"
    errors = [f for f in findings if f["severity"] == "error"]
    expected = verdict.returncode != 0 or variant.own_rule_broken
    assert bool(errors) == expected, (verdict.stderr, findings)
    assert all(f["line"] == variant.header_line() for f in findings), findings
    assert all(f["hint"] for f in findings), findings
    if "warning:" in verdict.stderr and "header field" in verdict.stderr:  # msgfmt's warnings are ours too
        assert any(f["severity"] == "warning" for f in findings), (verdict.stderr, findings)


# --- Plural-Forms, generated ----------------------------------------------------------------------

BINARY = ["||", "&&", "==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "-", "/", "%"]  # (more often)
NUMBERS = st.sampled_from(["0", "1", "2", "0", "1", "2", "3", "5", "7", "10", "11", "100", "1000", "9223372036854775807",
                           "9223372036854775808", "18446744073709551615", "18446744073709551617"])
ATOMS = st.one_of(st.just("n"), NUMBERS)
NPLURALS = st.sampled_from(["1", "2", "3", "4", "1", "2", "3", "2", "0", "x", "", "-1", "2x", " 3",
                            "18446744073709551616"])


def _larger(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(BINARY), children).map(" ".join),
        children.map(lambda child: f"({child})"),
        children.map(lambda child: f"!{child}"),
        st.tuples(children, children, children).map(lambda t: f"{t[0]} ? {t[1]} : {t[2]}"),
    )


VALID = st.recursive(ATOMS, _larger, max_leaves=10)


@st.composite
def expressions(draw: st.DrawFn) -> str:
    """A C expression, and often one broken by a character inserted or removed, or spaces removed."""
    text = draw(VALID)
    change = draw(st.sampled_from(["none", "none", "insert", "delete", "compact"]))
    at = draw(st.integers(0, len(text)))
    if change == "insert":
        text = text[:at] + draw(st.sampled_from(list("n()!?:=&|<>+-*/%;x0 \t"))) + text[at:]
    elif change == "delete" and text:
        text = text[:at] + text[at + 1:]
    elif change == "compact":
        text = text.replace(" ", "")
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expression=expressions(),
       nplurals=NPLURALS,
       written=st.sampled_from(["both", "both", "both", "no-plural", "no-nplurals"]),
       forms=st.integers(0, 4))
def test_plural_forms_are_judged_as_msgfmt_judges_them(tmp_path_factory: pytest.TempPathFactory, expression: str,
                                                      nplurals: str, written: str, forms: int) -> None:
    needs_gettext()
    plural = {"both": f"nplurals={nplurals}; plural={expression};", "no-plural": f"nplurals={nplurals};",
              "no-nplurals": f"plural={expression};"}[written]
    variant = Variant("generated", changed("Plural-Forms", plural),
                      entries=KHMER + ("\n" + plural_entry(forms) if forms else ""))
    path = tmp_path_factory.getbasetemp() / "generated.po"
    path.write_text(variant.text(), encoding="utf-8")
    verdict = msgfmt_check(path)
    findings = check_catalog(parse_po(variant.text(), "generated.po"), "generated.po", "km")
    errors = [d for d in findings if d.severity == "error"]
    assert bool(errors) == (verdict.returncode != 0), (plural, verdict.stderr, errors)
    assert _kinds(verdict.stderr) == _kinds(" ".join(d.message for d in errors)), (plural, verdict.stderr, errors)
    assert all(d.line == variant.header_line() for d in findings)


def _kinds(text: str) -> set[str]:
    """What a report says is wrong with Plural-Forms, in words msgfmt and the pipeline share."""
    kinds = {kind for kind, words in (("nplurals", "invalid nplurals value"), ("expression", "invalid plural expression"),
                                      ("division", "division by zero"), ("negative", "negative values"))
             if words in text}
    kinds.update(f"as large as {value}" for value in re.findall(r"values as large as (\d+)", text))
    if "but some messages have" in text or "but the plural entry at line" in text:
        kinds.add("forms")
    if "lacks" in text:
        kinds.add("lacks")
    return kinds


# --- build --strict agrees with check -------------------------------------------------------------

BUILD_CASES = {  # header mutation → whether it is an error
    "deleted": (lambda text: text.split("\n\n", 1)[1], True),
    "emptied": (lambda text: re.sub(r'msgstr ""\n(".*\n)+', 'msgstr ""\n', text, count=1), True),
    "nplurals-x": (lambda text: text.replace("nplurals=1; plural=0;", "nplurals=x; plural=0;"), True),
    "plural-out-of-range": (lambda text: text.replace("nplurals=1; plural=0;", "nplurals=1; plural=n;"), True),
    "charset-ascii": (lambda text: text.replace("charset=UTF-8", "charset=ASCII"), True),
    "language-th": (lambda text: text.replace("Language: km", "Language: th"), True),
    "translator-template-value": (lambda text: text.replace("Last-Translator: ", "Last-Translator: FULL NAME <EMAIL@ADDRESS>"),
                                  False),
    "no-plural-forms": (lambda text: text.replace('"Plural-Forms: nplurals=1; plural=0;\\n"\n', ""), False),
    "charset-latin1": (lambda text: text.replace("charset=UTF-8", "charset=latin1"), False),
}


@pytest.fixture
def translated(project: Project) -> Project:
    """A project with one article, its Khmer catalog fully translated."""
    return with_one_translated_article(project)


@pytest.mark.parametrize("case", sorted(BUILD_CASES))
def test_build_strict_and_check_agree_on_header_errors(translated: Project, case: str) -> None:
    needs_gettext()
    mutate, is_error = BUILD_CASES[case]
    po = translated.root / "locale/km/LC_MESSAGES/news/good.po"
    po.write_text(mutate(po.read_text(encoding="utf-8")), encoding="utf-8")
    assert (msgfmt_check(po).returncode != 0) == (is_error and case != "language-th")
    check = run_cli(translated.root, "check")
    strict = run_cli(translated.root, "build", "--now", "2025-09-01", "--strict")
    assert (check.returncode, strict.returncode) == ((1, 1) if is_error else (0, 0)), (check.stderr, strict.stderr)
    if is_error:
        assert "locale/km/LC_MESSAGES/news/good.po:" in strict.stderr and "Traceback" not in strict.stderr
    lenient = run_cli(translated.root, "build", "--now", "2025-09-01")
    assert "Traceback" not in lenient.stderr
    assert (translated.root / "site/en/news/good/index.html").is_file()
    assert (translated.root / "site/km/news/good/index.html").is_file() == (not is_error), lenient.stdout


# --- a deleted header comes back ------------------------------------------------------------------

KHMER_SOURCE = "---\ntitle: ព័ត៌មាន\ndate: 2025-08-13\nlang: km\n---\nកថាខណ្ឌទីមួយ។\n\nកថាខណ្ឌទីពីរ។\n"
ENGLISH_SOURCE = "---\ntitle: News\ndate: 2025-08-13\n---\nThe first paragraph.\n\nThe second paragraph.\n\nA third one.\n"
RESTORE_CASES = {  # article, catalog, Language, Plural-Forms
    "km": ("news/english", ENGLISH_SOURCE, "locale/km/LC_MESSAGES/news/english.po", "km", "nplurals=1; plural=0;"),
    "en": ("news/khmer", KHMER_SOURCE, "locale/en/LC_MESSAGES/news/khmer.po", "en", "nplurals=2; plural=(n != 1);"),
}
DELETIONS = {
    "entry-removed": lambda text: text.split("\n\n", 1)[1],
    "msgstr-emptied": lambda text: re.sub(r'msgstr ""\n(".*\n)+', 'msgstr ""\n', text, count=1),
    "made-obsolete": lambda text: re.sub(r'(?s)\A(.*?\n)?(msgid ""\n.*?\n)\n',
                                         lambda m: (m.group(1) or "") + "".join(f"#~ {row}\n" for row in
                                                                                m.group(2).splitlines()) + "\n",
                                         text, count=1),
}


def _translate(text: str, lang: str) -> str:
    """Fill every entry, make the second one fuzzy with a translator's note, and add an obsolete entry."""
    blocks = text.rstrip("\n").split("\n\n")
    filled = [blocks[0]]
    for number, block in enumerate(blocks[1:]):
        block = block.replace('msgstr ""', f'msgstr "{"ការបកប្រែ" if lang == "km" else "Translation"} {number}"')
        if number == 1:
            block = "# checked by Dara\n" + block.replace("#, markdown-text", "#, fuzzy, markdown-text")
        filled.append(block)
    return "\n\n".join(filled) + '\n\n#~ msgid "An old paragraph."\n#~ msgstr "' + \
        ("កថាខណ្ឌចាស់" if lang == "km" else "An old translation") + '"\n'


@pytest.mark.parametrize("deletion", sorted(DELETIONS))
@pytest.mark.parametrize("case", sorted(RESTORE_CASES))
def test_a_deleted_header_comes_back_and_every_entry_is_kept(project: Project, case: str, deletion: str) -> None:
    needs_gettext()
    article, source, catalog, lang, plural = RESTORE_CASES[case]
    shutil.copytree(REPO / "templates", project.root / "templates")  # (check judges the pages a build makes)
    project.write(f"content/{article}.md", source)
    assert project.run("extract") == 0
    po = project.root / catalog
    po.write_text(_translate(po.read_text(encoding="utf-8"), lang), encoding="utf-8")
    assert project.run("extract") == 0
    before = po.read_text(encoding="utf-8")
    kept = parse_po(before, catalog)
    assert sum(m.fuzzy for m in kept.messages) == 1 and sum(m.obsolete for m in kept.messages) == 1
    broken = DELETIONS[deletion](before)
    po.write_text(broken, encoding="utf-8")
    damaged = parse_po(broken, catalog)
    assert damaged.header is None or not damaged.header.msgstr
    assert project.run("check") == 1  # the header is missing: an error until extract restores it

    assert project.run("extract") == 0
    after = po.read_text(encoding="utf-8")
    restored = parse_po(after, catalog)
    assert restored.header_field("Language") == lang and restored.header_field("Plural-Forms") == plural
    assert restored.messages == kept.messages  # every msgstr, flag, comment and obsolete entry
    assert after == before  # the same header as extract first wrote (or the obsolete one, brought back)
    assert msgfmt_check(po).returncode == 0, msgfmt_check(po).stderr
    assert project.run("check") == 0


def test_a_deleted_header_of_the_interface_catalog_comes_back(project: Project) -> None:
    needs_gettext()
    shutil.copytree(REPO / "templates", project.root / "templates")
    project.write("content/news/english.md", ENGLISH_SOURCE)
    assert project.run("extract") == 0
    po = project.root / "locale/km/LC_MESSAGES/ui.po"
    po.write_text(_translate(po.read_text(encoding="utf-8"), "km"), encoding="utf-8")
    assert project.run("extract") == 0
    before = po.read_text(encoding="utf-8")
    po.write_text(DELETIONS["entry-removed"](before), encoding="utf-8")
    assert project.run("extract") == 0
    after = po.read_text(encoding="utf-8")
    assert after == before
    assert parse_po(after, "ui.po").header_field("Plural-Forms") == "nplurals=1; plural=0;"
    assert msgfmt_check(po).returncode == 0, msgfmt_check(po).stderr
