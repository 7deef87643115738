"""Khmer script checks: encoding mistakes, digits, numbers, script detection.

Corpus tests read `PIPELINE_CORPORA` (default `../shared/corpora`) and skip when it is absent.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.khmer import (
    CHECKS,
    KhmerFinding,
    check_khmer,
    is_khmer,
    khmer_errors,
    khmer_ratio,
    normalise_digits_for_compare,
    numbers_in,
    to_khmer_digits,
    to_latin_digits,
)
from pipeline.khmer.encoding import ONE_LETTER_WORDS


def _corpora() -> Path:
    folder = Path(
        os.environ.get("PIPELINE_CORPORA", Path(__file__).parents[1] / ".." / "shared" / "corpora")
    ).resolve()
    if not folder.is_dir():
        pytest.skip(f"corpora not found at {folder} (set PIPELINE_CORPORA)")
    return folder


def codes(text: str) -> list[str]:
    return [f.code for f in check_khmer(text)]


def only(text: str) -> KhmerFinding:
    found = check_khmer(text)
    assert len(found) == 1, found
    return found[0]


# --- the bad-strings ground truth ----------------------------------------------------------------

# Each expectation in khmer_bad_strings.json, matched by pattern, → the finding code we must
# give, or None with the reason we deliberately give none.
EXPECTATIONS: list[tuple[str, str | None]] = [
    (r"^orphan-mark\b", "km-orphan-mark"),
    (r"^dangling-coeng\b", "km-dangling-coeng"),
    (r"^duplicated-vowel\b", "km-duplicate-vowel"),
    (r"^duplicated ។។", "km-duplicate-punct"),
    (r"^not-normalised: coeng RO must be last", "km-coeng-ro-order"),
    (r"^coeng DA for TA", "km-coeng-da"),
    (r"^split vowel", "km-split-vowel"),
    (r"^vowel typed before coeng", "km-vowel-before-coeng"),
    (r"^ZWSP inside a word", "km-zwsp-in-word"),
    (r"^deprecated U\+17A[34]", "km-deprecated-char"),
    (r"^discouraged U\+17B[45]", "km-discouraged-char"),
    (r"^repeated coeng", "km-duplicate-mark"),
    (r"^ុ used instead of triisap", "km-u-for-shifter"),
    # The Debian apt string has ZWSPs between words only: translators put them there on
    # purpose (DESIGN.md), so they must NOT be reported.
    (r"^ZWSP$", None),
    # The file itself says a misspelling is not detectable structurally.
    (r"not detectable structurally", None),
]


def _rule_for(expectation: str) -> tuple[str, str | None]:
    hits = [(pat, code) for pat, code in EXPECTATIONS if re.search(pat, expectation)]
    assert len(hits) == 1, f"expectation {expectation!r} maps to {len(hits)} rules: update EXPECTATIONS"
    return hits[0]


def _correction(expectation: str) -> str | None:
    """The corrected spelling an expectation gives: `-> X` or `(should be X)`."""
    m = re.search(r"->\s*(.+)$", expectation) or re.search(r"should be ([^;)]+)", expectation)
    return m.group(1) if m else None


def _bad_cases() -> list[dict]:
    path = _corpora() / "khmer" / "khmer_bad_strings.json"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return json.loads(path.read_text(encoding="utf-8"))


def test_bad_strings_each_expectation_maps_to_our_finding() -> None:
    cases = _bad_cases()
    assert cases
    met = total = 0
    for case in cases:
        text = case["msgstr"]
        found = check_khmer(text)
        wanted: set[str] = set()
        for expectation in case["expect"]:
            _, code = _rule_for(expectation)
            total += 1
            if code is None:
                if expectation == "ZWSP":
                    assert "km-zwsp-in-word" not in [f.code for f in found], (text, found)
                met += 1
                continue
            wanted.add(code)
            hits = [f for f in found if f.code == code]
            assert hits, f"{text!r}: expected {code} for {expectation!r}, got {found}"
            for f in hits:
                assert f.excerpt and f.excerpt in text
                assert 0 <= f.offset < len(text)
                assert f.hint and f.message
            fixes = [f.fix for f in hits if f.fix]
            correction = _correction(expectation)
            if correction and fixes:  # our mechanical repair is part of the spelling they give
                assert any(fix in correction for fix in fixes), (expectation, fixes)
            met += 1
        # nothing beyond what the case expects
        assert {f.code for f in found} <= wanted, (text, found)
    assert met == total


def test_bad_strings_good_cases_are_clean() -> None:
    """If the file ever lists clean strings (empty `expect`), they must give no finding."""
    for case in _bad_cases():
        if not case["expect"]:
            assert check_khmer(case["msgstr"]) == (), case


# --- real published Khmer: no errors (apart from pinned genuine typos) ----------------------------

# Real typos in the published corpus. Each was read and is a genuine mistake that renders badly,
# so it stays an error; they are pinned here so that any *other* error fails the test.
KNOWN_REAL_ERRORS = {
    ("real-articles/reactjs-km/km/content/docs/accessibility.md", "km-duplicate-vowel", "មួួ"),
    ("real-articles/reactjs-km/km/content/docs/accessibility.md", "km-zwsp-in-word", "ជ\u200bា"),
    ("real-articles/reactjs-km/km/content/docs/hooks-custom.md", "km-duplicate-vowel", "មួួ"),
    ("real-articles/reactjs-km/km/content/docs/components-and-props.md", "km-dangling-coeng", "ឱ្"),
    ("real-articles/reactjs-km/km/content/docs/lifting-state-up.md", "km-dangling-coeng", "ន្"),
    ("real-articles/reactjs-km/km/content/docs/lifting-state-up.md", "km-dangling-coeng", "ស្រ្"),
    ("real-articles/reactjs-km/km/content/tutorial/tutorial.md", "km-dangling-coeng", "ប្"),
    ("km-po/gedit-5af5bbe_km.po", "km-dangling-coeng", "ប្ូ"),
}


def _articles(root: Path) -> list[Path]:
    files = set(root.glob("real-articles/*/km/**/*.md"))
    files |= set(root.glob("real-articles/mptc-ctc-website/src/content/*/km/*.md"))
    return sorted(files)


def _po_msgstrs(root: Path) -> list[tuple[Path, str]]:
    polib = pytest.importorskip("polib")
    out: list[tuple[Path, str]] = []
    for path in sorted((root / "km-po").glob("*.po")):
        for entry in polib.pofile(str(path)):
            texts = [entry.msgstr, *entry.msgstr_plural.values()]
            out.extend((path, t) for t in texts if t)
    return out


def _unexpected_errors(root: Path, sources: list[tuple[Path, str]]) -> tuple[list, Counter]:
    unexpected, warnings = [], Counter()
    for path, text in sources:
        rel = path.relative_to(root).as_posix()
        for f in check_khmer(text):
            if f.severity == "warning":
                warnings[f.code] += 1
            elif (rel, f.code, f.excerpt) not in KNOWN_REAL_ERRORS:
                unexpected.append((rel, f))
    return unexpected, warnings


def test_real_articles_give_no_unexpected_errors() -> None:
    root = _corpora()
    files = _articles(root)
    if not files:
        pytest.skip("no real Khmer articles in the corpora")
    sources = [(p, p.read_text(encoding="utf-8")) for p in files]
    assert all(is_khmer(text) for _, text in sources)
    unexpected, warnings = _unexpected_errors(root, sources)
    assert unexpected == []
    print("real articles:", len(files), "files; warnings by code:", dict(sorted(warnings.items())))


def test_real_po_msgstrs_give_no_unexpected_errors() -> None:
    root = _corpora()
    sources = _po_msgstrs(root)
    if not sources:
        pytest.skip("no Khmer .po files in the corpora")
    unexpected, warnings = _unexpected_errors(root, sources)
    assert unexpected == []
    print("km-po:", len(sources), "msgstrs; warnings by code:", dict(sorted(warnings.items())))


def test_real_po_msgstrs_are_khmer() -> None:
    root = _corpora()
    sources = _po_msgstrs(root)
    if not sources:
        pytest.skip("no Khmer .po files in the corpora")
    khmer = sum(is_khmer(t) for _, t in sources)
    assert khmer / len(sources) > 0.9


# --- each check on small synthetic strings ------------------------------------------------------

KA, SA, TA, DA, NO = "\u1780", "\u179f", "\u178f", "\u178a", "\u1793"
MO, RO, BA, YO = "\u1798", "\u179a", "\u1794", "\u1799"
COENG = "\u17d2"
AA, I, II, U, UU = "\u17b6", "\u17b7", "\u17b8", "\u17bb", "\u17bc"
E, OE, OO, AU, IE = "\u17c1", "\u17be", "\u17c4", "\u17c5", "\u17c0"
NIKAHIT, REAHMUK, BANTOC = "\u17c6", "\u17c7", "\u17cb"
MUUSIKATOAN, TRIISAP = "\u17c9", "\u17ca"
ZWSP, KHAN = "\u200b", "\u17d4"


def test_correct_words_are_clean() -> None:
    for word in [
        "\u1781\u17d2\u1798\u17c2\u179a",  # ខ្មែរ
        SA + COENG + TA + COENG + RO + II,  # ស្ត្រី
        "\u17b1\u17d2\u1799",  # ឱ្យ: independent vowel with a subscript
        KA + OE + TA,  # កើត
        BA + MUUSIKATOAN + U + NO + COENG + TA + "\u17c2",  # ប៉ុន្តែ
        SA + TRIISAP + II,  # ស៊ី
        KA + U + NIKAHIT,  # កុំ
        "\u1796\u17d0\u178f\u17cc\u1798\u17b6\u1793",  # ព័ត៌មាន
        "ថ្ងៃពុធ ៤រោច ខែស្រាពណ៍ ឆ្នាំម្សាញ់ សប្តស័ក ពុទ្ធសករាជ ២៥៦៩",
        "មិន\u200bអាច\u200bកែ\u200bបញ្ហា",  # ZWSPs between words are fine
        "\u25cc" + BANTOC,  # a mark shown on a dotted circle, as in documentation
        "Hello, world! 1,800",
    ]:
        assert check_khmer(word) == (), (word, check_khmer(word))


@pytest.mark.parametrize(
    ("typed", "meant", "offset"),
    [
        ("\u178a" + E + II + RO, "\u178a" + OE, 1),  # ដេីរ → ដើ(រ)
        (KA + E + AA + REAHMUK, KA + OO + REAHMUK, 1),  # កេាះ → កោះ
        (KA + E + IE, KA + IE, 1),  # េ + ៀ → ៀ
        (KA + E + AU, KA + AU, 1),  # េ + ៅ → ៅ
    ],
)
def test_split_vowel(typed: str, meant: str, offset: int) -> None:
    f = only(typed)
    assert (f.code, f.severity, f.offset, f.fix) == ("km-split-vowel", "warning", offset, meant)
    assert meant in f.hint


def test_vowel_before_coeng() -> None:
    typed = SA + AA + COENG + MO  # សា្ម
    f = only(typed)
    assert (f.code, f.severity, f.offset, f.fix) == ("km-vowel-before-coeng", "warning", 1, SA + COENG + MO + AA)


def test_coeng_ro_not_last() -> None:
    typed = SA + COENG + RO + COENG + TA + II  # ស្រ្តី
    f = only(typed)
    assert (f.code, f.offset, f.fix) == ("km-coeng-ro-order", 1, SA + COENG + TA + COENG + RO + II)


def test_coeng_da_before_ro() -> None:
    typed = NO + COENG + DA + COENG + RO + II  # ន្ដ្រី
    f = only(typed)
    assert (f.code, f.severity, f.fix) == ("km-coeng-da", "warning", NO + COENG + TA + COENG + RO + II)
    assert check_khmer(NO + COENG + DA + AA) == ()  # ្ដ alone (កណ្ដាល, ស្ដាប់) is not reported


def test_duplicated_vowel_and_marks() -> None:
    f = only("\u1791" + E + E)  # ទេេ
    assert (f.code, f.severity, f.offset, f.fix) == ("km-duplicate-vowel", "error", 1, "\u1791" + E)
    f = only(KA + BANTOC + BANTOC)
    assert (f.code, f.severity, f.fix) == ("km-duplicate-mark", "error", KA + BANTOC)
    f = only(SA + COENG + COENG + MO)  # ស្្ម
    assert (f.code, f.severity, f.offset, f.fix) == ("km-duplicate-mark", "error", 1, SA + COENG + MO)
    f = only(KA + E + E + E)  # one report for a run
    assert f.code == "km-duplicate-vowel"


@pytest.mark.parametrize(
    ("text", "offset", "excerpt"),
    [
        (BANTOC, 0, BANTOC),  # at the start
        ("ok " + AA, 3, AA),  # after a space
        ("\u17e1" + I, 1, I),  # after a digit
        (KHAN + COENG + KA, 1, COENG),  # a coeng with nothing before it
        ("abc" + U + NIKAHIT, 3, U + NIKAHIT),  # a run is reported once
    ],
)
def test_orphan_marks(text: str, offset: int, excerpt: str) -> None:
    f = only(text)
    assert (f.code, f.severity, f.offset, f.excerpt) == ("km-orphan-mark", "error", offset, excerpt)


def test_dangling_coeng() -> None:
    f = only("\u179c\u17b7\u1780\u17d2\u1780\u1799\u1794\u178f\u17d2")  # វិក្កយបត្ (end)
    assert (f.code, f.severity, f.offset, f.excerpt, f.fix) == ("km-dangling-coeng", "error", 8, TA + COENG, None)
    assert codes(BA + COENG + " " + YO) == ["km-dangling-coeng"]  # before a space
    assert codes(BA + COENG + UU + RO) == ["km-dangling-coeng"]  # before a vowel: ប្ូរ


def test_zwsp_inside_a_cluster_is_an_error() -> None:
    f = only("\u1787" + ZWSP + AA)  # ជ​ា
    assert (f.code, f.severity, f.offset, f.fix) == ("km-zwsp-in-word", "error", 1, "\u1787" + AA)
    f = only(NO + COENG + ZWSP + "\u1791")  # ន្​ទ
    assert (f.code, f.severity, f.offset) == ("km-zwsp-in-word", "error", 2)
    f = only(NO + ZWSP + COENG + "\u1791")  # ន​្ទ
    assert (f.code, f.severity, f.offset) == ("km-zwsp-in-word", "error", 1)


def test_zwsp_leaving_a_lone_consonant_is_a_warning() -> None:
    f = only("\u1785" + ZWSP + NO + COENG + "\u1791")  # ច​ន្ទ
    assert (f.code, f.severity, f.offset, f.fix) == ("km-zwsp-in-word", "warning", 1, "ចន្ទ")
    f = only("មិ" + ZWSP + NO + ZWSP + "បាន")  # one report for ន between two ZWSPs
    assert f.code == "km-zwsp-in-word"
    assert check_khmer("ក" + ZWSP) == ()  # a ZWSP at the end joins nothing
    assert check_khmer("ខ្ញុំ" + ZWSP + "ទៅ" + ZWSP + "ផ្សារ") == ()


@pytest.mark.parametrize("consonant", [chr(c) for c in range(0x1780, 0x17A3)])
@pytest.mark.parametrize("between", [("មិន", "ជា"), ("", "បណ្ដាញ"), ("ក្រសួង", "")])
def test_zwsp_beside_a_one_letter_word_separates_words(consonant: str, between: tuple[str, str]) -> None:
    """ក neck, គ mute, ត to join, ស white are words by themselves: ZWSPs around one, as in gedit's
    មិន​ត​ជា​បណ្ដាញ ("not connected to a network"), stand between words; around any other lone
    consonant they cut a word (មិ​ន​បាន)."""
    before, after = between
    text = before + (ZWSP if before else "") + consonant + (ZWSP if after else "") + after
    assert ("km-zwsp-in-word" in codes(text)) == (consonant not in ONE_LETTER_WORDS)


@pytest.mark.parametrize(
    ("char", "code", "severity", "fix"),
    [
        ("\u17a3", "km-deprecated-char", "error", "\u17a2"),
        ("\u17a4", "km-deprecated-char", "error", "\u17a2\u17b6"),
        ("\u17b4", "km-discouraged-char", "warning", ""),
        ("\u17b5", "km-discouraged-char", "warning", ""),
        ("\u17d8", "km-discouraged-char", "warning", "\u17d4\u179b\u17d4"),
        ("\u17d3", "km-discouraged-char", "warning", None),
    ],
)
def test_deprecated_and_discouraged(char: str, code: str, severity: str, fix: str | None) -> None:
    text = KA + char if char in "\u17b4\u17b5\u17d3" else char + "\u1784"
    f = only(text)
    assert (f.code, f.severity, f.excerpt, f.fix) == (code, severity, char, fix)
    assert f"U+{ord(char):04X}" in f.message


def test_u_typed_for_a_register_shifter() -> None:
    f = only(SA + U + II)  # សុី → ស៊ី
    assert (f.code, f.severity, f.fix) == ("km-u-for-shifter", "warning", SA + TRIISAP + II)
    f = only(MO + U + I)  # មុិ → ម៉ិ
    assert f.fix == MO + MUUSIKATOAN + I
    f = only(SA + U + AA + NIKAHIT)  # សុាំ → ស៊ាំ
    assert f.fix == SA + TRIISAP + AA + NIKAHIT
    f = only(BA + U + II)  # BA takes either shifter: no mechanical fix
    assert (f.code, f.fix) == ("km-u-for-shifter", None)


def test_other_vowel_pairs_and_mark_order() -> None:
    f = only(KA + AA + I)
    assert (f.code, f.severity) == ("km-multiple-vowels", "error")
    f = only(KA + NIKAHIT + U)  # កំុ typed for កុំ
    assert (f.code, f.severity, f.offset) == ("km-mark-order", "warning", 1)
    assert KA + U + NIKAHIT in f.hint
    f = only(MO + MUUSIKATOAN + COENG + TA + E)  # ម៉្តេ: shifter before the subscript
    assert f.code == "km-mark-order"


def test_duplicated_punctuation() -> None:
    f = only("ខូច" + KHAN + KHAN)
    assert (f.code, f.severity, f.offset, f.fix) == ("km-duplicate-punct", "warning", 3, KHAN)
    assert check_khmer("។ល។") == ()


def test_unassigned_code_point() -> None:
    f = only("\u17de")
    assert (f.code, f.severity) == ("km-unassigned-char", "error")


def test_findings_are_sorted_and_located() -> None:
    text = BANTOC + " " + "\u1791" + E + E + " " + SA + COENG + RO + COENG + TA + II
    found = check_khmer(text)
    assert [f.code for f in found] == ["km-orphan-mark", "km-duplicate-vowel", "km-coeng-ro-order"]
    assert [f.offset for f in found] == sorted(f.offset for f in found)
    assert khmer_errors(text) == tuple(f for f in found if f.severity == "error")


def test_every_code_is_documented() -> None:
    assert all(sev in ("error", "warning") and rule for sev, rule in CHECKS.values())
    assert all(re.fullmatch(r"km(-[a-z]+)+", code) for code in CHECKS)


# --- well-formed clusters never give an error ------------------------------------------------------

CONSONANTS = [chr(c) for c in range(0x1780, 0x17A3)]
INDEPENDENT = [chr(c) for c in range(0x17A5, 0x17B4)]
SUBSCRIPTABLE = [c for c in CONSONANTS if c != RO]
VOWELS = [chr(c) for c in range(0x17B6, 0x17C6)]
SIGNS = ["\u17c6", "\u17c7", "\u17c8", "\u17cb", "\u17cd", "\u17ce", "\u17cf", "\u17d0", "\u17d1", "\u17dd"]


@st.composite
def clusters(draw: st.DrawFn) -> str:
    base = draw(st.sampled_from(CONSONANTS + INDEPENDENT))
    subs = draw(st.lists(st.sampled_from(SUBSCRIPTABLE), max_size=2))
    text = base + "".join(COENG + s for s in subs)
    if draw(st.booleans()):
        text += COENG + RO  # coeng RO last
    if draw(st.booleans()):
        text += draw(st.sampled_from([MUUSIKATOAN, TRIISAP]))
    if draw(st.booleans()):
        text += draw(st.sampled_from(VOWELS))
    if draw(st.booleans()):
        text += draw(st.sampled_from(SIGNS))
    return text


@settings(max_examples=400)
@given(st.lists(clusters(), min_size=1, max_size=6), st.sampled_from(["", " ", ZWSP]))
def test_well_formed_clusters_never_give_errors(parts: list[str], sep: str) -> None:
    text = sep.join(parts)
    assert khmer_errors(text) == ()


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from([chr(c) for c in range(0x1780, 0x17FA)] + [ZWSP, " ", "a"]), max_size=30))
def test_any_khmer_text_gives_located_findings(text: str) -> None:
    for f in check_khmer(text):
        assert f.severity == CHECKS[f.code][0] or f.code == "km-zwsp-in-word"
        assert 0 <= f.offset < len(text)
        assert f.excerpt and f.excerpt in text


# --- digits, numbers, script ---------------------------------------------------------------------


def test_digits_round_trip() -> None:
    assert to_khmer_digits(2025) == "២០២៥"
    assert to_latin_digits("ថ្ងៃទី១៣") == "ថ្ងៃទី13"
    assert to_latin_digits(to_khmer_digits("0123456789")) == "0123456789"


@pytest.mark.parametrize(
    ("english", "khmer"),
    [("1,800", "១៨០០"), ("120", "១២០"), ("1,000,000 riels", "១.០០០.០០០ រៀល"), ("2.5 km", "២.៥ គ.ម"),
     ("4,000", "៤ ០០០"), ("4,000", "៤\u00a0០០០"), ("4,000", "៤\u2009០០០"), ("4,000", "៤\u202f០០០"), ("9", "០៩"),
     ("2.5", "២.៥០")],
)
def test_numbers_compare_across_scripts(english: str, khmer: str) -> None:
    assert numbers_in(english) == numbers_in(khmer)
    assert normalise_digits_for_compare(english).split()[0] == normalise_digits_for_compare(khmer).split()[0]


def test_numbers_in() -> None:
    assert numbers_in("ថ្ងៃទី១៣ ខែសីហា ឆ្នាំ២០២៥") == ("13", "2025")
    assert numbers_in("1,800 and ១២០") == ("1800", "120")
    assert numbers_in("2025-08-13") == ("2025", "8", "13")  # values: no leading zeros
    assert numbers_in("2024–2025") == numbers_in("២០២៤-២០២៥") == ("2024", "2025")  # a range: the dash is no minus
    assert numbers_in("in 2019 100 schools") == ("2019", "100")  # a space groups only after 1 to 3 digits
    assert numbers_in("1,5") == ("1", "5")  # not a thousands group: two numbers
    assert numbers_in("1.234,5") == ("1234.5",)
    assert numbers_in("no numbers") == ()
    assert normalise_digits_for_compare("តម្លៃ ១,៨០០ រៀល") == "តម្លៃ 1800 រៀល"


def test_is_khmer() -> None:
    assert is_khmer("ខ្មែរ")
    assert is_khmer("%(count)s ឯកសារ")
    assert is_khmer("ប្រើ Django ដើម្បីបង្កើតគេហទំព័រ")
    assert is_khmer("អំពី gedit")  # translations keep product names in Latin
    assert is_khmer("Boolean (អាច\u200bជា True រឺ False)")
    assert not is_khmer("ខ្មែរ", min_ratio=1.5)
    assert not is_khmer("Save %(name)s")
    assert not is_khmer("Invoice")
    assert not is_khmer("១២៣ ...")  # no letters at all
    assert not is_khmer("")
    assert khmer_ratio("ក a") == 0.5
    assert khmer_ratio("<b>ខ្មែរ</b>") == 1.0
    assert khmer_ratio("123") == 0.0
