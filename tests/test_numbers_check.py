"""The `numbers` check compares numbers as the numbers they are, in English and in Khmer.

Each class of writing (words and ordinals, Khmer words, digit grouping, leading zeros, ranges,
times of day, Buddhist-era years and the lunar date line) is held both ways: the same number written
another way agrees, and a changed number is found. Hypothesis renders one number in random ways
(Latin or Khmer digits, any grouping, English or Khmer words) and checks that it equals itself and no
other number. On the real published pairs in `../shared/corpora` the check finds only the
differences judged real, and changing any number of a correct translation is caught.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import check_corpus
from conftest import REPO
from import_fidelity import corpora_dir
from pipeline.checks import check_message
from pipeline.khmer import KHMER_DIGITS, to_khmer_digits
from pipeline.khmer.lunar import MAX_DATE, MIN_DATE, format_lunar_line, format_official_date, lunar_date
from pipeline.khmer.number_match import compare_numbers, number_mentions
from pipeline.khmer.number_words import KHMER
from pipeline.model import Message


def agree(english: str, khmer: str) -> bool:
    return compare_numbers(english, khmer).agree


def numbers_finding(english: str, khmer: str) -> list[str]:
    message = Message(msgid=english, msgstr=khmer, flags=("markdown-text",), line=7)
    return [f.message for f in check_message(message, "km.po", "km") if f.code == "numbers"]


# (English, Khmer) that state the same numbers, and a Khmer that changes one of them.
SAME_AND_CHANGED = {
    "english words": [
        ("four schools", "សាលារៀន៤", "សាលារៀន៥"),
        ("twenty-one students", "សិស្ស២១នាក់", "សិស្ស២២នាក់"),
        ("twenty one students", "សិស្ស ២១ នាក់", "សិស្ស ១២ នាក់"),
        ("two hundred teachers", "គ្រូ២០០នាក់", "គ្រូ២០នាក់"),
        ("a thousand books", "សៀវភៅ១០០០ក្បាល", "សៀវភៅ១០០ក្បាល"),
        ("1.5 million riels", "១,៥លានរៀល", "២,៥លានរៀល"),
        ("1.5 million riels", "១ ៥០០ ០០០ រៀល", "១ ៥០០ ០០១ រៀល"),
        ("three billion", "៣ ០០០ ០០០ ០០០", "៣ ០០០ ០០០"),
        ("the first round", "លើកទី១", "លើកទី២"),
        ("the 24th meeting", "កិច្ចប្រជុំលើកទី២៤", "កិច្ចប្រជុំលើកទី២៥"),
        ("the second phase", "ដំណាក់កាលទី២", "ដំណាក់កាលទី៣"),
        ("the twenty-first century", "សតវត្សទី២១", "សតវត្សទី២០"),
        ("the ninetieth day", "ថ្ងៃទី៩០", "ថ្ងៃទី៩"),
        ("Hun Sen Muy Mithona High School", "វិទ្យាល័យ ហ៊ុន សែន ១ មិថុនា", "វិទ្យាល័យ ហ៊ុន សែន ២ មិថុនា"),
    ],
    "khmer words": [
        ("3 rounds", "បីលើក", "បួនលើក"),
        ("2,000 people", "ពីរពាន់នាក់", "បីពាន់នាក់"),
        ("21 schools", "សាលាម្ភៃមួយ", "សាលាម្ភៃពីរ"),
        ("17 days", "ដប់ប្រាំពីរថ្ងៃ", "ដប់ប្រាំបីថ្ងៃ"),
        ("6 teams", "ប្រាំមួយក្រុម", "ប្រាំពីរក្រុម"),
        ("250 students", "សិស្សពីររយហាសិបនាក់", "សិស្សពីររយសែសិបនាក់"),
        ("30, 40, 50, 60, 70, 80, 90", "សាមសិប សែសិប ហាសិប ហុកសិប ចិតសិប ប៉ែតសិប កៅសិប",
         "សាមសិប សែសិប ហាសិប ហុកសិប ចិតសិប ប៉ែតសិប ដប់"),
        ("10,000 riels", "មួយម៉ឺនរៀល", "ពីរម៉ឺនរៀល"),
        ("100,000 riels", "មួយសែនរៀល", "មួយម៉ឺនរៀល"),
        ("2,500,000 riels", "២លាន ៥សែនរៀល", "២លាន ៤សែនរៀល"),
        ("5,000 riels", "៥ពាន់រៀល", "៦ពាន់រៀល"),
        ("1.5 million", "១,៥លាន", "១,៦លាន"),
        ("the first", "ទីមួយ", "ទីពីរ"),
        ("the 1st", "ទី១", "ទី២"),
        ("three people", "មនុស្សបីនាក់", "មនុស្សបួននាក់"),
    ],
    "grouping": [
        ("4,000", "៤ ០០០", "៤ ០០១"),
        ("4,000", "៤\u00a0០០០", "៥\u00a0០០០"),
        ("4,000", "៤\u2009០០០", "៤\u2009១០០"),
        ("4,000", "៤\u202f០០០", "៤\u202f០១០"),
        ("1,000,000 riels", "១.០០០.០០០ រៀល", "១.០០០.០០១ រៀល"),
        ("1,800 km", "១៨០០ គ.ម", "១៨០ គ.ម"),
        ("2.5 km", "២.៥ គ.ម", "២.៦ គ.ម"),
    ],
    "leading zeros": [
        ("9 centers", "មជ្ឈមណ្ឌល ០៩", "មជ្ឈមណ្ឌល ០៨"),
        ("on 3 August", "ថ្ងៃទី០៣ ខែសីហា", "ថ្ងៃទី០៤ ខែសីហា"),
    ],
    "ranges": [
        ("2024–2025", "២០២៤-២០២៥", "២០២៤-២០២៦"),
        ("2024-2025", "ឆ្នាំ២០២៤–២០២៥", "ឆ្នាំ២០២៣–២០២៥"),
        ("from 8 to 10", "ពី ៨ ដល់ ១០", "ពី ៨ ដល់ ១១"),
    ],
    "times of day": [
        ("8:30", "ម៉ោង ៨:៣០ ព្រឹក", "ម៉ោង ៨:៤០ ព្រឹក"),
        ("8:30 a.m.", "ម៉ោង ៨:៣០ ព្រឹក", "ម៉ោង ៨:៣០ ល្ងាច"),
        ("2 p.m.", "ម៉ោង២ រសៀល", "ម៉ោង៣ រសៀល"),
        ("14:00", "ម៉ោង២ រសៀល", "ម៉ោង២ ព្រឹក"),
        ("at 2:30 p.m.", "ម៉ោង ២ និង ៣០ នាទី", "ម៉ោង ២ និង ៤០ នាទី"),
        ("at 2:30", "ម៉ោង ២ និង ៣០ នាទី រសៀល", "ម៉ោង ៣ និង ៣០ នាទី រសៀល"),
        ("at 7 p.m.", "ម៉ោង ៧ យប់", "ម៉ោង ៨ យប់"),
        ("at 8 o'clock", "នៅម៉ោង ៨", "នៅម៉ោង ៩"),
        ("from 8:00 to 11:30 a.m.", "ពីម៉ោង ៨:០០ ដល់ ១១:៣០ ព្រឹក", "ពីម៉ោង ៨:០០ ដល់ ១១:០០ ព្រឹក"),
    ],
    "buddhist era": [
        ("in 2025", "ឆ្នាំ២០២៥ ព.ស. ២៥៦៩", "ឆ្នាំ២០២៥ ព.ស. ២៥៧០"),
        ("in 2025", "ពុទ្ធសករាជ ២៥៦៩", "ពុទ្ធសករាជ ២៥៧១"),
        ("in early 2025", "ព.ស.២៥៦៨", "ព.ស.២៥៦៧"),
        ("in 2025", "ឆ្នាំ២០២៥ ត្រូវនឹង ពុទ្ធសករាជ២៥៦៨", "ឆ្នាំ២០២៦ ត្រូវនឹង ពុទ្ធសករាជ២៥៦៨"),
    ],
}
CASES = [(kind, *case) for kind, cases in SAME_AND_CHANGED.items() for case in cases]


@pytest.mark.parametrize(("kind", "english", "khmer", "changed"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_the_same_numbers_agree_and_a_changed_one_is_found(kind: str, english: str, khmer: str, changed: str) -> None:
    assert agree(english, khmer), compare_numbers(english, khmer)
    assert not agree(english, changed)
    assert numbers_finding(english, khmer) == []
    assert len(numbers_finding(english, changed)) == 1


@pytest.mark.parametrize(("english", "khmer"), [
    ("Two ministries met.", "ក្រសួងទាំងពីរបានជួបគ្នា។"),
    ("one of the best schools", "សាលាល្អបំផុតមួយ"),  # `one of`: not stated in Khmer, not missing
    ("Open it in a new tab.", "បើកវានៅក្នុងផ្ទាំងថ្មីមួយ។"),  # មួយ as "a"
    ("It works with React.", "វាដំណើរការជាមួយ React។"),  # ជាមួយ is "with"
    ("each component", "component នីមួយៗ"),  # នីមួយៗ is "each"
    ("in order to learn", "ដើម្បីរៀន"),  # ដើម្បី holds the letters of បី
    ("It shows how to do it.", "វាបង្ហាញពីរបៀបធ្វើវា។"),  # ពី + របៀប, "how"
    ("the duration", "រយៈពេល"),  # រយៈ, "period", holds the letters of រយ
    ("Hun Sen High School", "វិទ្យាល័យហ៊ុន សែន"),  # a name, not 100,000
    ("a minute of your time", "ពេលវេលា១នាទី"),  # `a` answers ១
    ("both inputs", "inputs ទាំងពីរ"),
    ("call it twice", "ហៅវាពីរដង"),
    ("Do not open a binary file.", "កុំបើកឯកសារ\u200bគោល\u200bពីរ។"),  # គោលពីរ, "base two": binary (gedit)
    ("a hexadecimal colour", "ពណ៌គោលដប់ប្រាំមួយ"),
])
def test_words_that_are_not_numbers_or_only_answer_one_are_no_finding(english: str, khmer: str) -> None:
    assert agree(english, khmer)


@pytest.mark.parametrize(("english", "khmer"), [
    ("three rounds", "បួនលើក"),  # a word against a word: both sides keep a number the other lacks
    ("five years", "៥ខែ ១ឆ្នាំ"),  # a firm number the source does not state
    ("in 18 high schools", "នៅវិទ្យាល័យ"),  # a dropped figure
    ("on 11 March", "ថ្ងៃទី១២ ខែមីនា"),
])
def test_a_changed_or_dropped_number_is_found(english: str, khmer: str) -> None:
    assert not agree(english, khmer)


def test_the_lunar_date_line_adds_no_number_and_the_finding_names_what_differs() -> None:
    line = "ថ្ងៃពុធ ៤រោច ខែស្រាពណ៍ ឆ្នាំម្សាញ់ សប្តស័ក ពុទ្ធសករាជ ២៥៦៩"
    assert number_mentions(line) == ()
    assert agree("", line)
    assert numbers_finding("On 13 August, 3 rounds", "ថ្ងៃទី១៣ ខែសីហា បួនលើក") == [
        "numbers differ from the source (missing 3; extra 4 (“បួន”))"]


@settings(max_examples=200, deadline=None)
@given(st.dates(MIN_DATE, MAX_DATE))
def test_an_official_khmer_date_states_the_english_date_and_nothing_more(day: dt.date) -> None:
    english = f"{day:%B} {day.day}, {day.year}"
    assert agree(english, format_official_date(day))
    assert agree("", format_lunar_line(lunar_date(day)))
    era = to_khmer_digits(lunar_date(day).buddhist_era)
    assert agree(f"in {day.year}", f"ព.ស. {era}")  # the Buddhist-era year alone states the year
    assert agree(f"in {day.year}", f"ឆ្នាំ{to_khmer_digits(day.year)} (ព.ស. {era})")
    assert not agree(f"in {day.year + 2}", f"ព.ស. {era}")


# --- one number, written in random ways ------------------------------------------------------------

ENGLISH_UNITS = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen " \
                "sixteen seventeen eighteen nineteen".split()
ENGLISH_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
KHMER_UNITS = "មួយ ពីរ បី បួន ប្រាំ ប្រាំមួយ ប្រាំពីរ ប្រាំបី ប្រាំបួន".split()
KHMER_TENS = "ដប់ ម្ភៃ សាមសិប សែសិប ហាសិប ហុកសិប ចិតសិប ប៉ែតសិប កៅសិប".split()


def english_words(n: int, hyphen: str) -> str:
    """A reference spelling: `two hundred fifty-one thousand three`."""
    parts = []
    for scale, name in ((10**9, "billion"), (10**6, "million"), (10**3, "thousand"), (1, "")):
        group, n = divmod(n, scale)
        if group:
            parts.append(_english_group(group, hyphen) + (f" {name}" if name else ""))
    return " ".join(parts)


def _english_group(n: int, hyphen: str) -> str:
    hundreds, rest = divmod(n, 100)
    words = [f"{ENGLISH_UNITS[hundreds - 1]} hundred"] if hundreds else []
    if rest >= 20:
        tens, unit = divmod(rest, 10)
        words.append(ENGLISH_TENS[tens - 2] + (hyphen + ENGLISH_UNITS[unit - 1] if unit else ""))
    elif rest:
        words.append(ENGLISH_UNITS[rest - 1])
    return " ".join(words)


def khmer_words(n: int, space: str) -> str:
    """A reference spelling with the Khmer place words: ២៥០ ០០០ is ពីរសែនប្រាំម៉ឺន."""
    millions, n = divmod(n, 10**6)
    parts = [_khmer_below_thousand(millions) + "លាន"] if millions else []
    for scale, name in ((10**5, "សែន"), (10**4, "ម៉ឺន"), (10**3, "ពាន់")):
        digit, n = divmod(n, scale)
        if digit:
            parts.append(KHMER_UNITS[digit - 1] + name)
    if n:
        parts.append(_khmer_below_thousand(n))
    return space.join(parts)


def _khmer_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    tens, unit = divmod(rest, 10)
    return ((KHMER_UNITS[hundreds - 1] + "រយ" if hundreds else "") + (KHMER_TENS[tens - 1] if tens else "")
            + (KHMER_UNITS[unit - 1] if unit else ""))


GROUPING = [",", " ", "\u00a0", "\u2009", "\u202f"]


@st.composite
def written(draw, n: int) -> str:
    """`n` as a text writes it: digits (Latin or Khmer, grouped or not, a leading zero) or words."""
    style = draw(st.sampled_from(["digits", "english", "khmer"]))
    if style == "english":
        return english_words(n, draw(st.sampled_from(["-", " "])))
    if style == "khmer":
        return khmer_words(n, draw(st.sampled_from(["", " "])))
    text = str(n)
    if n >= 1000 and draw(st.booleans()):
        mark = draw(st.sampled_from(GROUPING + (["."] if n >= 10**6 else [])))
        text = f"{n:,}".replace(",", mark)
    elif n < 100 and draw(st.booleans()):
        text = "0" + text
    return to_khmer_digits(text) if draw(st.booleans()) else text


NUMBERS = st.integers(1, 10**9 - 1)


@settings(max_examples=400, deadline=None)
@given(st.data(), NUMBERS)
def test_a_number_written_any_way_equals_itself(data, n: int) -> None:
    one, other = data.draw(written(n)), data.draw(written(n))
    assert agree(f"Total: {one}.", f"សរុប៖ {other}។"), (one, other)


@settings(max_examples=400, deadline=None)
@given(st.data(), NUMBERS, NUMBERS)
def test_a_number_written_any_way_differs_from_any_other(data, n: int, m: int) -> None:
    if n == m:
        m = n - 1 if n > 1 else n + 1
    one, other = data.draw(written(n)), data.draw(written(m))
    assert not agree(f"Total: {one}.", f"សរុប៖ {other}។"), (one, other)


TIMES = st.tuples(st.integers(0, 23), st.integers(0, 59))


def _time_ways(hour: int, minute: int) -> list[str]:
    twelve, half = (hour % 12 or 12), ("a.m." if hour < 12 else "p.m.")
    part = "ព្រឹក" if hour < 12 else "រសៀល" if hour < 18 else "ល្ងាច" if hour < 21 else "យប់"
    khmer_ok = hour >= 1 and not (hour >= 21 and twelve < 6)  # យប់ before six is read as the small hours
    ways = [f"{hour}:{minute:02d}" if hour >= 13 or hour == 0 else f"{hour:02d}:{minute:02d}",
            f"{twelve}:{minute:02d} {half}"]
    if khmer_ok:
        ways.append(f"ម៉ោង {to_khmer_digits(twelve)}:{to_khmer_digits(f'{minute:02d}')} {part}")
        ways.append(f"ម៉ោង {to_khmer_digits(twelve)} និង {to_khmer_digits(minute)} នាទី {part}")
    return ways


@settings(max_examples=300, deadline=None)
@given(TIMES, TIMES, st.data())
def test_a_time_of_day_written_any_way_equals_itself_and_no_other_time(time, other_time, data) -> None:
    one, same = data.draw(st.sampled_from(_time_ways(*time))), data.draw(st.sampled_from(_time_ways(*time)))
    assert agree(f"at {one}", f"នៅ {same}"), (one, same)
    other = data.draw(st.sampled_from(_time_ways(*other_time)))
    # "10:00" says no half of the day: 10 p.m. (22:00) may be meant, and is not a different time
    says_half = any(half in one for half in ("a.m.", "p.m.", "ព្រឹក", "រសៀល", "ល្ងាច", "យប់"))
    ambiguous = not says_half and (time[0] % 12, time[1]) == (other_time[0] % 12, other_time[1])
    if other_time != time and not ambiguous:
        assert not agree(f"at {one}", f"នៅ {other}"), (one, other)


# --- hostile text ----------------------------------------------------------------------------------

HOSTILE = {  # (what repeats, how many times): 150,000 characters each (a translation may have 200,000)
    "comma list": ("1,", 75_000),
    "spaced digits": ("១ ", 75_000),
    "thin-space groups": ("\u2009000", 37_500),
    "times": ("ម៉ោង ៨:៣០ ព្រឹក ", 9_375),
    "khmer words": ("ពីររយហាសិប", 15_000),
    "english words": ("twenty-one hundred thousand a ", 5_000),
    "eras": ("ព.ស.២៥៦៩ ", 15_000),
}


def test_a_hostile_translation_of_digits_and_separators_is_checked_in_linear_time() -> None:
    """Each hostile translation is checked, against a source of its first 50,000 characters, in a
    child process; the timeout only catches a hang (quadratic work on these sizes takes minutes)."""
    script = (
        "from pipeline.checks import check_message\nfrom pipeline.model import Message\n"
        f"for name, (unit, times) in {HOSTILE!r}.items():\n"
        "    text = '1' + unit * times\n"
        "    found = [f.code for f in check_message(Message(msgid=text[:50_000], msgstr=text, line=1), 'km.po', 'km')]\n"
        "    print(name, 'numbers' in found)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert [line.rsplit(" ", 1)[0] for line in result.stdout.splitlines()] == list(HOSTILE)


# --- the real published pairs --------------------------------------------------------------------------

# The numbers findings on the real pairs, each read and judged a real difference.
REAL_DIFFERENCES = {
    # the Khmer opens with a dateline (ខេត្តតាកែវ ថ្ងៃទី២១ ខែមីនា ឆ្នាំ២០២៥) that the English lacks
    ("mptc-ctc-website", "locale/km/LC_MESSAGES/blog/11-post.po", 31),
    # the Khmer opens with a date (ថ្ងៃទី១១ ខែមីនា ឆ្នាំ២០២៥) that the English lacks
    ("mptc-ctc-website", "locale/km/LC_MESSAGES/blog/7-post.po", 31),
    # the Khmer drops "replace `16` with the version number"
    ("reactjs-km", "locale/km/LC_MESSAGES/reactjs-km/content/docs/cdn-links.po", 47),
    # the Khmer joins the next paragraph's sentences (nulls ចំនួន៩, ៩ squares) to this one
    ("reactjs-km", "locale/km/LC_MESSAGES/reactjs-km/content/tutorial/tutorial.po", 1069),
    # the Khmer drops the sentence about `$1`, `$2`
    ("obsidian-help", "locale/km/LC_MESSAGES/obsidian-help/bases/functions.po", 743),
    # "(2 cubed)" translated "(2 ដង 3)", "2 times 3": a mistranslation (2 × 3 is not 8)
    ("obsidian-help", "locale/km/LC_MESSAGES/obsidian-help/obsidian-web-clipper/filters.po", 731),
}


@pytest.fixture(scope="module")
def real_units() -> list[check_corpus.Unit]:
    corpora = corpora_dir()
    if not (corpora / "real-articles").is_dir():
        pytest.skip(f"the real corpora are not in {corpora}")
    units, _ = check_corpus.measure(corpora)
    return units


def test_real_pairs_raise_numbers_findings_only_where_the_numbers_really_differ(real_units) -> None:
    findings = check_corpus.check_units(real_units)
    numbers = {(f.set, f.catalog, f.line) for f in findings if f.code == "numbers"}
    assert numbers == REAL_DIFFERENCES


def test_every_changed_number_of_a_correct_real_translation_is_caught(real_units) -> None:
    found = check_corpus.mutate_numbers(real_units)
    assert len(found.mutations) > 1000  # digits and words of about 500 real units
    assert any(m.written in KHMER for m in found.mutations)  # Khmer words were changed
    assert any(set(m.written) & set(KHMER_DIGITS) for m in found.mutations)  # and Khmer digits
    missed = [(m.unit.catalog, m.unit.message.line, m.written, m.mutated) for m in found.mutations if not m.caught]
    assert missed == []
