"""`pipeline glossary suggest`: term pairs mined from translated units, for a reviewer to accept.

Synthetic catalogs where the right pairs are known (terms planted in generated units with
rotating filler phrases, one-off names, sentence-initial capitals, untranslated names and spelling
variants as noise), then the real ministry site against the judged top 30 of
`tests/glossary_precision.py`."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import glossary_precision
from import_fidelity import corpora_dir
from pipeline.glossary_suggest import Suggestion, english_key, khmer_key, suggest_terms
from pipeline.khmer.words import repaired

# (English, Khmer, a second spelling of the Khmer the same word may be typed in)
PLANTED = (
    ("Ministry of Rural Development", "ក្រសួងអភិវឌ្ឍន៍ជនបទ", "ក្រសួង\u200bអភិវឌ្ឍន៍\u200bជនបទ"),
    ("National Assembly", "រដ្ឋសភា", "រដ្ឋ\u200bសភា"),
    ("Royal Government", "រាជរដ្ឋាភិបាល", "រាជរដ្ឋាភិបាល"),
    ("Prime Minister", "នាយករដ្ឋមន្ត្រី", "នាយករដ្ឋមន្រ្តី"),  # coeng RO typed before coeng TA
    ("Kampot Province", "ខេត្តកំពត", "ខេត្ដកំពត"),  # subscript DA for subscript TA
    ("H.E.", "ឯកឧត្តម", "ឯកឧត្ដម"),
)
# Phrases around the terms: each term meets a different one in each of its units.
FILLERS = (
    ("attended the meeting", "បានចូលរួមកិច្ចប្រជុំ"),
    ("to discuss the work", "ដើម្បីពិភាក្សាអំពីការងារ"),
    ("gave gifts to the people", "បានផ្តល់អំណោយដល់ប្រជាពលរដ្ឋ"),
    ("welcomed the students", "បានទទួលស្វាគមន៍សិស្សានុសិស្ស"),
    ("this morning", "កាលពីព្រឹកមិញ"),
    ("with the teachers", "ជាមួយគ្រូបង្រៀន"),
)
NOISE = (
    ("Mr Chan Dara attended the meeting.", "លោក ចាន់ ដារ៉ា បានចូលរួមកិច្ចប្រជុំ។"),  # a name seen once
    ("Water Festival this morning.", "បុណ្យអុំទូក កាលពីព្រឹកមិញ។"),  # a name translated two ways
    ("The Water Festival with the teachers.", "ពិធីបុណ្យទឹក ជាមួយគ្រូបង្រៀន។"),
    ("Today the teachers attended the meeting.", "ថ្ងៃនេះ គ្រូបង្រៀនបានចូលរួមកិច្ចប្រជុំ។"),  # capital of a sentence
    ("Today we gave gifts to the people.", "ថ្ងៃនេះ យើងបានផ្តល់អំណោយដល់ប្រជាពលរដ្ឋ។"),
    ("The React library is useful.", "បណ្ណាល័យ React មានប្រយោជន៍។"),  # a name kept as it is, not បណ្ណាល័យ
    ("We use the React library.", "យើងប្រើបណ្ណាល័យ React។"),
)


def planted_units(repeats: dict[int, int], variants: list[bool]) -> list[tuple[str, str]]:
    """Units holding term `t` of PLANTED `repeats[t]` times, each with another filler; the i-th unit
    of a term spells its Khmer the second way when `variants[i]`; then the noise."""
    units = []
    for term, count in sorted(repeats.items()):
        english, khmer, variant = PLANTED[term]
        for i in range(count):
            filler_en, filler_km = FILLERS[(term + i) % len(FILLERS)]
            units.append((f"The {english} {filler_en}.", f"{variant if variants[i] else khmer} {filler_km}។"))
    return units + list(NOISE)


def expected_khmer(term: int, count: int, variants: list[bool]) -> str:
    """The Khmer as most often written, ties to the least text; shown without zero-width spaces and
    with typing mistakes repaired (they look the same), but in either of two correct spellings."""
    _, khmer, variant = PLANTED[term]
    forms = Counter(repaired((variant if variants[i] else khmer).replace("\u200b", "")) for i in range(count))
    return min(forms.items(), key=lambda item: (-item[1], item[0]))[0]


repeats_strategy = st.dictionaries(st.integers(0, len(PLANTED) - 1), st.integers(2, 6), min_size=1)
variants_strategy = st.lists(st.booleans(), min_size=6, max_size=6)


@settings(max_examples=30, deadline=None)
@given(repeats=repeats_strategy, variants=variants_strategy)
def test_the_planted_pairs_and_nothing_else_are_suggested(repeats: dict[int, int], variants: list[bool]) -> None:
    found = suggest_terms(planted_units(repeats, variants))
    want = {(PLANTED[t][0], expected_khmer(t, n, variants), n) for t, n in repeats.items()}
    assert {(s.english, s.khmer, s.units) for s in found} == want
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)


@settings(max_examples=20, deadline=None)
@given(repeats=repeats_strategy, variants=variants_strategy)
def test_fragments_of_a_term_are_never_suggested(repeats: dict[int, int], variants: list[bool]) -> None:
    """Neither "Rural Development" nor ក្រសួង alone, for "Ministry of Rural Development"."""
    found = suggest_terms(planted_units(repeats, variants))
    planted_english = {english_key(english) for english, _, _ in PLANTED}
    planted_khmer = {khmer_key(khmer) for _, khmer, _ in PLANTED}
    for suggestion in found:
        assert english_key(suggestion.english) in planted_english
        assert khmer_key(suggestion.khmer) in planted_khmer


def test_a_more_frequent_term_ranks_first() -> None:
    found = suggest_terms(planted_units({0: 6, 1: 4, 2: 2}, [False] * 6))
    assert [s.english for s in found] == ["Ministry of Rural Development", "National Assembly", "Royal Government"]


@pytest.mark.parametrize("count", [1, 2, 5])
def test_a_repeated_label_is_evidence_and_a_single_one_is_not(count: int) -> None:
    """A unit that is the term alone ("Post Office" on every centre's page) pairs the whole
    translation with it; seen once, it is an accident."""
    found = suggest_terms([("Post Office", "ការិយាល័យប្រៃសណីយ៍")] * count + list(NOISE))
    assert [(s.english, s.khmer, s.units) for s in found] == ([] if count == 1 else
                                                             [("Post Office", "ការិយាល័យប្រៃសណីយ៍", count)])


@pytest.mark.parametrize("month, khmer", [("November", "ខែវិច្ឆិកា"), ("Monday", "ថ្ងៃចន្ទ")])
def test_month_and_weekday_names_are_not_suggested(month: str, khmer: str) -> None:
    """Dates are written by the pipeline, in each language's own words: a month or a weekday in
    every dated unit is no term for a reviewer, while a name beside it still is."""
    verbs = [("met", "បានប្រជុំ"), ("decided", "បានសម្រេច"), ("announced", "បានប្រកាស"), ("agreed", "បានយល់ព្រម")]
    pairs = [(f"On {month} {day}, the Royal Government {verb}.", f"នា{khmer} ទី{day} រាជរដ្ឋាភិបាល{verb_km}។")
             for day, (verb, verb_km) in enumerate(verbs, start=1)]
    assert [(s.english, s.khmer) for s in suggest_terms(pairs + list(NOISE))] == [("Royal Government", "រាជរដ្ឋាភិបាល")]


@pytest.mark.parametrize("plural", ["Community Tech Centers", "COMMUNITY TECH CENTERS", "Community Tech  Centers"])
def test_singular_and_plural_are_one_term(plural: str) -> None:
    units = [(f"The Community Tech Center {en}.", f"មជ្ឈមណ្ឌលបច្ចេកវិទ្យាសហគមន៍ {km}។") for en, km in FILLERS[:2]]
    units += [(f"All {plural} {en}.", f"មជ្ឈមណ្ឌលបច្ចេកវិទ្យាសហគមន៍ទាំងអស់ {km}។") for en, km in FILLERS[2:5]]
    found = suggest_terms(units)
    assert [(english_key(s.english), s.khmer, s.units) for s in found] == [
        ("community tech center", "មជ្ឈមណ្ឌលបច្ចេកវិទ្យាសហគមន៍", 5)]


@pytest.mark.parametrize("known", ["National Assembly", "national  assembly", "NATIONAL ASSEMBLY"])
def test_terms_already_in_the_glossary_are_skipped(known: str) -> None:
    units = planted_units({1: 3, 2: 3}, [False] * 6)
    found = suggest_terms(units, known_english=[known])
    assert [s.english for s in found] == ["Royal Government"]


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_the_order_of_the_units_does_not_matter(data: st.DataObject) -> None:
    units = planted_units({0: 3, 1: 4, 3: 2, 5: 3}, [True, False, True, False, False, True])
    shuffled = data.draw(st.permutations(units))
    assert suggest_terms(shuffled) == suggest_terms(units)


def test_the_limit_keeps_the_best() -> None:
    units = planted_units({0: 5, 1: 4, 2: 3, 4: 2}, [False] * 6)
    assert suggest_terms(units, limit=2) == suggest_terms(units)[:2]


def test_examples_are_the_units_that_hold_the_pair() -> None:
    units = planted_units({4: 5}, [False] * 6)
    (found,) = suggest_terms(units)
    assert len(found.examples) == 3
    assert all(pair in units and "Kampot Province" in pair[0] and "ខេត្តកំពត" in pair[1] for pair in found.examples)


@pytest.mark.parametrize("pairs", [[], [("", "")], [("The Prime Minister", "  ")], [("   ", "នាយករដ្ឋមន្ត្រី")]])
def test_nothing_to_mine(pairs: list[tuple[str, str]]) -> None:
    assert suggest_terms(pairs) == ()


# --- the real ministry site -----------------------------------------------------------------------------

MEASURED_RIGHT = 27  # of the top 30 judged in glossary_precision.JUDGED
MARGIN = 2


def test_precision_on_the_ministry_site_holds() -> None:
    if not (corpora_dir() / "real-articles" / glossary_precision.MEASURED_SET).is_dir():
        pytest.skip(f"corpora not found at {corpora_dir()} (set PIPELINE_CORPORA)")
    result = glossary_precision.measure()
    assert len(result.suggestions) == glossary_precision.LIMIT
    shown = "\n".join(f"{s.english} = {s.khmer}: {'unjudged' if j is None else j.right}"
                      for s, j in zip(result.suggestions, result.judgments))
    assert result.right >= MEASURED_RIGHT - MARGIN, shown


def test_the_judged_table_is_the_measured_figure() -> None:
    assert sum(judgment.right for judgment in glossary_precision.JUDGED) == MEASURED_RIGHT
    assert len(glossary_precision.JUDGED) == glossary_precision.LIMIT
    assert all(judgment.reason for judgment in glossary_precision.JUDGED if not judgment.right)
    assert isinstance(suggest_terms([("Prime Minister", "នាយករដ្ឋមន្ត្រី")] * 2)[0], Suggestion)
