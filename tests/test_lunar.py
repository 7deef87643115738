"""Tests for pipeline.lunar, the Khmer lunar (Chhankitek) calendar."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.khmer import lunar
from pipeline.khmer import to_khmer_digits
from pipeline.khmer.lunar import (
    MAX_DATE,
    MIN_DATE,
    format_lunar_line,
    format_official_date,
    khmer_new_year,
    lunar_date,
    lunar_year_kind,
    visak_bochea,
)

D = dt.date.fromisoformat
ONE_DAY = dt.timedelta(days=1)

# ---------------------------------------------------------------------------------------------
# The 730 checked days of 2025–2026
# ---------------------------------------------------------------------------------------------

_CORPUS_NAME = "khmer/khmer_lunar_2025_2026_momentkh.tsv"
_FIELDS = ("weekday", "lunar_day", "lunar_month", "animal_year", "sak", "buddhist_era", "full_line")


def _corpus_path() -> Path:
    root = os.environ.get("PIPELINE_CORPORA")
    base = Path(root) if root else Path(__file__).parents[1] / ".." / "shared" / "corpora"
    return base / _CORPUS_NAME


def _corpus_rows() -> list[list[str]]:
    path = _corpus_path()
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


_ROWS = _corpus_rows()


def _fields_of(ld: lunar.LunarDate) -> dict[str, str]:
    return {
        "weekday": ld.weekday,
        "lunar_day": ld.lunar_day,
        "lunar_month": ld.month,
        "animal_year": ld.animal_year,
        "sak": ld.sak,
        "buddhist_era": to_khmer_digits(ld.buddhist_era),
        "full_line": format_lunar_line(ld),
    }


@pytest.mark.parametrize(
    "row", _ROWS or [None], ids=[row[0] for row in _ROWS] or ["corpus-absent"]
)
def test_corpus_day_agrees_field_by_field(row):
    if row is None:
        pytest.skip(f"corpus not found: {_corpus_path()}")
    expected = dict(zip(_FIELDS, row[1:], strict=True))
    assert _fields_of(lunar_date(D(row[0]))) == expected, row[0]


def test_corpus_is_two_whole_years():
    if not _ROWS:
        pytest.skip(f"corpus not found: {_corpus_path()}")
    days = [D(row[0]) for row in _ROWS]
    assert len(days) == 730
    assert days[0] == dt.date(2025, 1, 1) and days[-1] == dt.date(2026, 12, 31)


# ---------------------------------------------------------------------------------------------
# Published anchors (from the corpus header and the design notes), no corpus needed
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "line"),
    [
        # The design notes' example.
        ("2025-08-13", "ថ្ងៃពុធ ៤រោច ខែស្រាពណ៍ ឆ្នាំម្សាញ់ សប្តស័ក ពុទ្ធសករាជ ២៥៦៩"),
        # Published in the press (ppreporter.com): 4th waning day of Pisakh, BE 2569.
        ("2025-05-15", "ថ្ងៃព្រហស្បតិ៍ ៤រោច ខែពិសាខ ឆ្នាំម្សាញ់ សប្តស័ក ពុទ្ធសករាជ ២៥៦៩"),
        # Visak Bochea: full moon of Pisakh, the last day of BE 2568.
        ("2025-05-11", "ថ្ងៃអាទិត្យ ១៥កើត ខែពិសាខ ឆ្នាំម្សាញ់ សប្តស័ក ពុទ្ធសករាជ ២៥៦៨"),
        # Pchum Ben: the last (15th waning) day of Phatrabot.
        ("2025-09-22", "ថ្ងៃចន្ទ ១៥រោច ខែភទ្របទ ឆ្នាំម្សាញ់ សប្តស័ក ពុទ្ធសករាជ ២៥៦៩"),
        # Water Festival: full moon of Kadek.
        ("2025-11-05", "ថ្ងៃពុធ ១៥កើត ខែកត្តិក ឆ្នាំម្សាញ់ សប្តស័ក ពុទ្ធសករាជ ២៥៦៩"),
    ],
)
def test_published_anchor_lines(day, line):
    assert format_lunar_line(lunar_date(D(day))) == line


def test_official_date_form():
    assert format_official_date(D("2025-08-13")) == (
        "ថ្ងៃពុធ ៤រោច ខែស្រាពណ៍ ឆ្នាំម្សាញ់ សប្តស័ក ព.ស.២៥៦៩ ត្រូវនឹងថ្ងៃទី១៣ ខែសីហា ឆ្នាំ២០២៥"
    )


def test_lunar_date_fields():
    ld = lunar_date(D("2025-08-13"))
    assert ld == lunar.LunarDate(
        gregorian=D("2025-08-13"), weekday="ពុធ", day=4, waxing=False, month="ស្រាពណ៍",
        animal_year="ម្សាញ់", sak="សប្តស័ក", buddhist_era=2569,
    )
    assert (ld.phase, ld.lunar_day) == ("រោច", "៤រោច")


def test_usual_epoch_is_first_waxing_day_of_bos():
    ld = lunar_date(D("1900-01-01"))
    assert (ld.day, ld.waxing, ld.month) == (1, True, "បុស្ស")


# ---------------------------------------------------------------------------------------------
# Festivals and New Year facts of recent years (public-holiday calendars)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day", ["2018-04-29", "2019-05-18", "2020-05-06", "2023-05-04", "2024-05-22", "2025-05-11"]
)
def test_visak_bochea(day):
    assert visak_bochea(D(day).year) == D(day)
    ld = lunar_date(D(day))
    assert (ld.day, ld.waxing, ld.month) == (15, True, "ពិសាខ")


@pytest.mark.parametrize("day", ["2023-10-14", "2024-10-02", "2025-09-22"])
def test_pchum_ben_is_last_day_of_phatrabot(day):
    ld = lunar_date(D(day))
    assert (ld.day, ld.waxing, ld.month) == (15, False, "ភទ្របទ")
    assert lunar_date(D(day) + ONE_DAY).month == "អស្សុជ"


@pytest.mark.parametrize("day", ["2023-11-27", "2024-11-15", "2025-11-05"])
def test_water_festival_is_full_moon_of_kadek(day):
    ld = lunar_date(D(day))
    assert (ld.day, ld.waxing, ld.month) == (15, True, "កត្តិក")


@pytest.mark.parametrize(
    ("year", "first_day", "days"),
    [(2020, "2020-04-13", 4), (2023, "2023-04-14", 3), (2024, "2024-04-13", 4),
     (2025, "2025-04-14", 3), (2026, "2026-04-14", 3)],
)
def test_khmer_new_year_days(year, first_day, days):
    new_year = khmer_new_year(year)
    assert (new_year.first_day, new_year.days) == (D(first_day), days)
    assert new_year.songkran.date() == D(first_day)
    assert new_year.leungsak == D(first_day) + (days - 1) * ONE_DAY


def test_songkran_2025_time():
    # Announced for 2025: Moha Songkran on 14 April at 04:48.
    assert khmer_new_year(2025).songkran == dt.datetime(2025, 4, 14, 4, 48)


def test_animal_year_and_sak_change_after_songkran():
    # Songkran 2025 fell during 14 April, so the 14th is still Dragon/Chhasak.
    before, after = lunar_date(D("2025-04-14")), lunar_date(D("2025-04-15"))
    assert (before.animal_year, before.sak) == ("រោង", "ឆស័ក")
    assert (after.animal_year, after.sak) == ("ម្សាញ់", "សប្តស័ក")
    assert before.buddhist_era == after.buddhist_era == 2568


def test_buddhist_era_changes_day_after_visak_bochea():
    assert lunar_date(D("2025-05-11")).buddhist_era == 2568
    assert lunar_date(D("2025-05-12")).buddhist_era == 2569
    assert lunar_date(D("2025-05-12")).lunar_day == "១រោច"


def test_leap_month_year_doubles_asadh():
    # 2023 and 2026 are adhikameas years: Jesth is followed by បឋមាសាឍ and ទុតិយាសាឍ.
    assert lunar_year_kind(2023) == lunar_year_kind(2026) == "leap-month"
    assert lunar_date(D("2023-07-03")).month == "បឋមាសាឍ"
    assert lunar_date(D("2023-08-01")).month == "ទុតិយាសាឍ"
    assert lunar_date(D("2026-06-15")).month == "បឋមាសាឍ"
    assert lunar_date(D("2026-07-15")).month == "ទុតិយាសាឍ"


def test_leap_day_year_gives_jesth_thirty_days():
    assert lunar_year_kind(2025) == "leap-day"
    assert lunar_date(D("2025-06-25")).lunar_day == "១៥រោច"
    assert lunar_date(D("2025-06-25")).month == "ជេស្ឋ"
    # In the normal year 2024 Jesth ends on its 14th waning day.
    assert lunar_year_kind(2024) == "normal"
    last_of_jesth = lunar_date(D("2024-07-05"))
    assert (last_of_jesth.lunar_day, last_of_jesth.month) == ("១៤រោច", "ជេស្ឋ")
    assert lunar_date(D("2024-07-06")).month == "អាសាឍ"


def test_no_year_has_both_and_a_displaced_leap_day_moves_on():
    # 2015's arithmetic calls for both: it keeps the leap month and 2016 takes the leap day.
    assert lunar._needs_leap_month(2015 - 638) and lunar._needs_leap_day(2015 - 638)
    assert lunar_year_kind(2015) == "leap-month"
    assert not lunar._needs_leap_day(2016 - 638)
    assert lunar_year_kind(2016) == "leap-day"
    for year in range(1900, 2100):
        js_year = year - 638
        if lunar._needs_leap_month(js_year) and lunar._needs_leap_day(js_year):
            assert lunar_year_kind(year) == "leap-month"
            assert lunar_year_kind(year + 1) == "leap-day", year


def test_year_kinds_are_in_the_usual_proportions():
    kinds = [lunar_year_kind(year) for year in range(1901, 2091)]  # ten 19-year cycles
    assert 68 <= kinds.count("leap-month") <= 72  # about 7 in 19 years
    assert kinds.count("leap-day") >= 30


@pytest.mark.parametrize("day", [MIN_DATE - ONE_DAY, MAX_DATE + ONE_DAY])
def test_outside_supported_range_raises(day):
    with pytest.raises(ValueError):
        lunar_date(day)


@pytest.mark.parametrize(
    "function",
    [lunar_year_kind, lunar.lunar_months, lunar.chetr_first_day, visak_bochea, khmer_new_year],
)
@pytest.mark.parametrize("year", [MIN_DATE.year - 1, MAX_DATE.year + 1])
def test_year_functions_reject_unsupported_years(function, year):
    with pytest.raises(ValueError):
        function(year)


def test_range_limits_are_supported():
    assert lunar_date(MIN_DATE).buddhist_era == 2443
    assert lunar_date(MAX_DATE).buddhist_era == 2644


def test_datetime_counts_as_its_date():
    assert lunar_date(dt.datetime(2025, 8, 13, 23, 59)) == lunar_date(D("2025-08-13"))


# ---------------------------------------------------------------------------------------------
# Invariants over the whole supported range
# ---------------------------------------------------------------------------------------------

_days = st.dates(min_value=MIN_DATE, max_value=MAX_DATE - ONE_DAY)


def _is_new_month(ld: lunar.LunarDate) -> bool:
    return ld.waxing and ld.day == 1


def _index_in_month(ld: lunar.LunarDate) -> int:
    return ld.day - 1 if ld.waxing else ld.day + 14


@settings(deadline=None)  # timing varies on a loaded machine; correctness is what we test
@given(_days)
def test_consecutive_days_advance_by_one_except_at_month_end(day):
    today, tomorrow = lunar_date(day), lunar_date(day + ONE_DAY)
    if _is_new_month(tomorrow):
        assert not today.waxing and today.day in (14, 15)
        assert tomorrow.month != today.month
    else:
        assert tomorrow.month == today.month
        assert _index_in_month(tomorrow) == _index_in_month(today) + 1


@settings(deadline=None)  # timing varies on a loaded machine; correctness is what we test
@given(_days)
def test_year_names_only_change_at_their_turning_points(day):
    today, tomorrow = lunar_date(day), lunar_date(day + ONE_DAY)
    if tomorrow.buddhist_era != today.buddhist_era:
        assert tomorrow.buddhist_era == today.buddhist_era + 1
        assert (tomorrow.lunar_day, tomorrow.month) == ("១រោច", "ពិសាខ")
    if (tomorrow.animal_year, tomorrow.sak) != (today.animal_year, today.sak):
        assert tomorrow.animal_year != today.animal_year and tomorrow.sak != today.sak
        assert tomorrow.gregorian.month == 4


def _month_length(day: dt.date) -> int:
    start = day - _index_in_month(lunar_date(day)) * ONE_DAY
    end = start
    while not _is_new_month(lunar_date(end + ONE_DAY)):
        end += ONE_DAY
    return (end - start).days + 1


@settings(deadline=None)  # timing varies on a loaded machine; correctness is what we test
@given(st.dates(min_value=MIN_DATE + 31 * ONE_DAY, max_value=MAX_DATE - 31 * ONE_DAY))
def test_months_have_29_or_30_days(day):
    assert _month_length(day) in (29, 30)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1900, max_value=2099))
def test_a_year_has_12_or_13_months(year):
    start = lunar.chetr_first_day(year)
    end = lunar.chetr_first_day(year + 1)
    months = []
    day = start
    while day < end:
        ld = lunar_date(day)
        if _is_new_month(ld):
            months.append(ld.month)
        day += ONE_DAY
    kind = lunar_year_kind(year)
    assert len(months) == (13 if kind == "leap-month" else 12)
    assert (end - start).days == {"normal": 354, "leap-day": 355, "leap-month": 384}[kind]
    assert months[0] == "ចេត្រ" and months[-1] == "ផល្គុន"
    assert len(set(months)) == len(months)


@settings(deadline=None)  # timing varies on a loaded machine; correctness is what we test
@given(st.integers(min_value=1900, max_value=2100))
def test_new_year_falls_in_chetr_or_pisakh_in_april(year):
    new_year = khmer_new_year(year)
    assert new_year.days in (3, 4)
    assert new_year.first_day.month == 4
    assert lunar_date(new_year.leungsak).month in ("ចេត្រ", "ពិសាខ")
