"""The traditional Khmer lunar calendar (ចន្ទគតិ, "Chhankitek"), computed from its own arithmetic.

Official Cambodian documents print a lunar line beside the Gregorian date, e.g. for 2025-08-13:

    ថ្ងៃពុធ ៤រោច ខែស្រាពណ៍ ឆ្នាំម្សាញ់ សប្តស័ក ពុទ្ធសករាជ ២៥៦៩

Everything here is integer arithmetic on the Chula Sakarat year (ចុល្លសករាជ, "JS"):

* aharkun (ហារគុណ) is the count of days from the era's origin to the start of a JS year, and
  kromathopol (ក្រមធុពល) is what is left over, in 800ths of a day; a small kromathopol means the
  traditional solar year is a 366-day one;
* avoman (អវមាន) measures, in 692nds of a lunar day, how far the lunar days drift ahead of the
  solar days; when it is small the year needs an extra day (leap day, chantrea thimeas);
* bodithey (បូតិថី) is the lunar day reached at the solar new year; when it is large (or small,
  having wrapped) the lunar year has fallen a month behind and needs a 13th month (leap month,
  adhikameas, which doubles Asadh into បឋមាសាឍ and ទុតិយាសាឍ).

From those we lay out every lunar month from a single anchor day and read any date off the
layout.  The solar new year (Songkran) is found by stepping the traditional mean sun, corrected
by the traditional equation-of-centre table, until it enters Aries; it decides when the animal
year and the sak change, while the Buddhist era changes on the day after Visak Bochea.

Supported: 1900-01-01 to 2100-12-31 (`MIN_DATE`, `MAX_DATE`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from pipeline.khmer.numbers import to_khmer_digits
from pipeline.locales import format_date

MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)

# date.weekday() order: Monday first.
WEEKDAYS = ("ចន្ទ", "អង្គារ", "ពុធ", "ព្រហស្បតិ៍", "សុក្រ", "សៅរ៍", "អាទិត្យ")

WAXING = "កើត"
WANING = "រោច"

CHETR, PISAKH, JESTH = "ចេត្រ", "ពិសាខ", "ជេស្ឋ"
ASADH, FIRST_ASADH, SECOND_ASADH = "អាសាឍ", "បឋមាសាឍ", "ទុតិយាសាឍ"
SRAP, PHATRABOT, ASSOCH, KADEK = "ស្រាពណ៍", "ភទ្របទ", "អស្សុជ", "កត្តិក"
MIGASIR, BOS, MEAK, PHALKUN = "មិគសិរ", "បុស្ស", "មាឃ", "ផល្គុន"

# The twelve-animal cycle, rat first.
ANIMAL_YEARS = (
    "ជូត", "ឆ្លូវ", "ខាល", "ថោះ", "រោង", "ម្សាញ់",
    "មមី", "មមែ", "វក", "រកា", "ច", "កុរ",
)

# The ten sak names, indexed by the last digit of the Chula Sakarat year (…0 is សំរឹទ្ធិស័ក).
SAKS = (
    "សំរឹទ្ធិស័ក", "ឯកស័ក", "ទោស័ក", "ត្រីស័ក", "ចត្វាស័ក",
    "បញ្ចស័ក", "ឆស័ក", "សប្តស័ក", "អដ្ឋស័ក", "នព្វស័ក",
)

NORMAL_YEAR = "normal"
LEAP_DAY_YEAR = "leap-day"
LEAP_MONTH_YEAR = "leap-month"

# The Chula Sakarat era is 638 years behind the Gregorian one (its years begin at Songkran).
_JS_OFFSET = 638
# The Buddhist era is 543 years ahead before Visak Bochea and 544 ahead after it.
_BE_OFFSET = 543

# Our single reference point: 1900-03-31 was 1កើត ខែចេត្រ.  (It is 89 days, i.e. the 30-day
# Bos, 29-day Meak and 30-day Phalkun, after 1900-01-01 = 1កើត ខែបុស្ស, the usual published epoch.)
_ANCHOR_YEAR = 1900
_ANCHOR_CHETR_FIRST = dt.date(1900, 3, 31).toordinal()


@dataclass(frozen=True)
class LunarDate:
    """One civil day in the Khmer lunar calendar."""

    gregorian: dt.date
    weekday: str  # ចន្ទ … អាទិត្យ
    day: int  # 1–15 within the half-month
    waxing: bool  # True: កើត (waxing), False: រោច (waning)
    month: str  # ចេត្រ … ផល្គុន, or បឋមាសាឍ / ទុតិយាសាឍ in a leap-month year
    animal_year: str
    sak: str
    buddhist_era: int

    @property
    def phase(self) -> str:
        return WAXING if self.waxing else WANING

    @property
    def lunar_day(self) -> str:
        """The day as printed: `៤រោច`, `១៥កើត`."""
        return to_khmer_digits(self.day) + self.phase


@dataclass(frozen=True)
class KhmerNewYear:
    """The solar new year (ចូលឆ្នាំ) of one Gregorian year."""

    songkran: dt.datetime  # the moment the new year starts (ម៉ោងទេវតាចុះ)
    days: int  # 3 or 4: Moha Songkran, one or two Vonabat days, Leungsak
    leungsak: dt.date  # ថ្ងៃឡើងស័ក, the last day

    @property
    def first_day(self) -> dt.date:
        return self.leungsak - dt.timedelta(days=self.days - 1)


# ---------------------------------------------------------------------------------------------
# The year numbers of the Chhankitek
# ---------------------------------------------------------------------------------------------


# A solar year is 292207/800 days.  The days elapsed up to a year (plus the era's fixed offset of
# 373/800) split into whole days (aharkun, counted from 1) and the 800ths of a day still missing
# to complete the next one (kromathopol).


def _elapsed(js_year: int) -> int:
    """800ths of a day from the era's origin to the start of `js_year`."""
    return js_year * 292207 + 373


def _aharkun(js_year: int) -> int:
    return _elapsed(js_year) // 800 + 1


def _kromathopol(js_year: int) -> int:
    return 800 - _elapsed(js_year) % 800


# Lunar days run 11/692 of a day faster than solar days: avoman is the surplus carried in 692nds,
# bodithey the lunar day (0–29) reached, i.e. solar days plus the whole surplus days.


def _surplus(aharkun: int) -> int:
    return 11 * aharkun + 650


def _avoman(js_year: int) -> int:
    return _surplus(_aharkun(js_year)) % 692


def _bodithey(js_year: int) -> int:
    aharkun = _aharkun(js_year)
    return (aharkun + _surplus(aharkun) // 692) % 30


def _has_366_days(js_year: int) -> bool:
    # A kromathopol of at most 207 marks a solar year of 366 days.
    return _kromathopol(js_year) <= 207


def _needs_leap_month(js_year: int) -> bool:
    # The lunar year falls a month behind when bodithey is 25–29 or 0–5.  Two special pairs
    # of consecutive years: 25 then 5 puts the extra month in the second year only, and
    # 24 then 6 puts it in the first.
    this_year, next_year = _bodithey(js_year), _bodithey(js_year + 1)
    if (this_year, next_year) == (25, 5):
        return False
    if (this_year, next_year) == (24, 6):
        return True
    return this_year >= 25 or this_year <= 5


def _needs_leap_day(js_year: int) -> bool:
    # The extra day is due when avoman is small: below 127 in a 366-day solar year, below 138
    # otherwise.  When avoman 137 is followed by avoman 0, the day belongs to the second year.
    avoman = _avoman(js_year)
    if avoman == 0 and _avoman(js_year - 1) == 137:
        return True
    if _has_366_days(js_year):
        return avoman <= 126
    if avoman == 137 and _avoman(js_year + 1) == 0:
        return False
    return avoman <= 137


def _leap_day_carried_in(js_year: int) -> bool:
    # A year cannot take both a leap month and a leap day: the month wins and the day is
    # postponed to the next year that has no leap month.  So look back over the leap-month
    # years just before this one for a leap day that is still owed.
    earlier = js_year - 1
    while _needs_leap_month(earlier):
        if _needs_leap_day(earlier):
            return True
        earlier -= 1
    return False


def _check_year(year: int) -> None:
    if not MIN_DATE.year <= year <= MAX_DATE.year:
        raise ValueError(f"{year} is outside the supported years {MIN_DATE.year}–{MAX_DATE.year}")


def lunar_year_kind(year: int) -> str:
    """`normal` (354 days), `leap-day` (Jesth has 30 days: 355) or `leap-month` (384 days)
    for the lunar year whose Jesth falls in Gregorian `year`."""
    _check_year(year)
    return _year_kind(year)


def _year_kind(year: int) -> str:
    js_year = year - _JS_OFFSET
    if _needs_leap_month(js_year):
        return LEAP_MONTH_YEAR
    if _needs_leap_day(js_year) or _leap_day_carried_in(js_year):
        return LEAP_DAY_YEAR
    return NORMAL_YEAR


# ---------------------------------------------------------------------------------------------
# Month layout
# ---------------------------------------------------------------------------------------------


def lunar_months(year: int) -> tuple[tuple[str, int], ...]:
    """(name, days) of the months from Chetr of Gregorian `year` to the Phalkun after it."""
    _check_year(year)
    return _month_layout(year)


@lru_cache(maxsize=512)  # pure; the walks below, one per year, read the same years' layouts
def _month_layout(year: int) -> tuple[tuple[str, int], ...]:
    # Months alternate 29 and 30 days.  A leap-day year gives Jesth a 30th day; a leap-month
    # year replaces Asadh with two 30-day months, បឋមាសាឍ and ទុតិយាសាឍ.
    kind = _year_kind(year)
    jesth_days = 30 if kind == LEAP_DAY_YEAR else 29
    asadh = ((FIRST_ASADH, 30), (SECOND_ASADH, 30)) if kind == LEAP_MONTH_YEAR else ((ASADH, 30),)
    return (
        (CHETR, 29), (PISAKH, 30), (JESTH, jesth_days), *asadh,
        (SRAP, 29), (PHATRABOT, 30), (ASSOCH, 29), (KADEK, 30),
        (MIGASIR, 29), (BOS, 30), (MEAK, 29), (PHALKUN, 30),
    )


def _lunar_year_length(year: int) -> int:
    return sum(days for _, days in _month_layout(year))


@lru_cache(maxsize=512)  # pure; a date reads it two or three times (a walk: ~7 ms a date without caches)
def _chetr_first_ordinal(year: int) -> int:
    # Walk whole lunar years from the anchor to the 1កើត ខែចេត្រ of `year`.
    ordinal = _ANCHOR_CHETR_FIRST
    for earlier in range(_ANCHOR_YEAR, year):
        ordinal += _lunar_year_length(earlier)
    for later in range(year, _ANCHOR_YEAR):
        ordinal -= _lunar_year_length(later)
    return ordinal


def chetr_first_day(year: int) -> dt.date:
    """The Gregorian date of 1កើត ខែចេត្រ in `year` (March or April)."""
    _check_year(year)
    return dt.date.fromordinal(_chetr_first_ordinal(year))


@dataclass(frozen=True)
class _DayOfMonth:
    month: str  # the lunar month's name
    index: int  # 0-based day in that month: 0–14 waxing (កើត), 15 on waning (រោច)


def _locate(day: dt.date) -> _DayOfMonth:
    """The lunar month of a date and the day in that month."""
    year = day.year if day.toordinal() >= _chetr_first_ordinal(day.year) else day.year - 1
    remaining = day.toordinal() - _chetr_first_ordinal(year)
    for month, days in _month_layout(year):
        if remaining < days:
            return _DayOfMonth(month, remaining)
        remaining -= days
    raise AssertionError(f"{day} fell outside its lunar year")  # the layout covers the year


# ---------------------------------------------------------------------------------------------
# Festivals and the changes of year
# ---------------------------------------------------------------------------------------------


def visak_bochea(year: int) -> dt.date:
    """Visak Bochea, 15កើត ខែពិសាខ: Chetr has 29 days, so it is Chetr's first day + 43."""
    return chetr_first_day(year) + dt.timedelta(days=29 + 14)


# The sun's position is counted in reasey (signs, 12 to the circle), angsar (degrees, 30 to a
# sign) and libda (minutes, 60 to a degree); we keep it as a single number of libda.
_LIBDA_PER_ANGSAR = 60
_LIBDA_PER_REASEY = 30 * _LIBDA_PER_ANGSAR
_LIBDA_PER_CIRCLE = 12 * _LIBDA_PER_REASEY
# Where the traditional sun is slowest (its apogee): 2 reasey 20 angsar.
_SUN_APOGEE = 2 * _LIBDA_PER_REASEY + 20 * _LIBDA_PER_ANGSAR
# The equation of centre, per 15-angsar step (khan) of the sun's distance from its apogee
# line: (correction reached at the start of the step, growth across the step), in libda.
_SUN_CORRECTION = ((0, 35), (35, 32), (67, 27), (94, 22), (116, 13), (129, 5))
_SUN_CORRECTION_MAX = 134


def _mean_sun(js_year: int, sotin: int) -> int:
    # The mean sun `sotin` days into the year, from the leftover of the previous year; the
    # divisors are the traditional round values of a sign (24350), a degree (811) and a minute
    # (14) in 800ths of a day, with a fixed 3-minute correction.
    parts = 800 * sotin + _kromathopol(js_year - 1)
    reasey, parts = divmod(parts, 24350)
    angsar, parts = divmod(parts, 811)
    libda = parts // 14 - 3
    return reasey * _LIBDA_PER_REASEY + angsar * _LIBDA_PER_ANGSAR + libda


def _true_sun(js_year: int, sotin: int) -> int:
    mean = _mean_sun(js_year, sotin)
    anomaly = (mean - _SUN_APOGEE) % _LIBDA_PER_CIRCLE
    anomaly_sign = anomaly // _LIBDA_PER_REASEY  # 0–11
    # Fold the anomaly into 0–90 degrees; the correction table only covers one quadrant.
    half = _LIBDA_PER_CIRCLE // 2
    folded = min(anomaly % half, half - anomaly % half)
    step, into_step = divmod(folded, 15 * _LIBDA_PER_ANGSAR)
    if step < len(_SUN_CORRECTION):
        start, growth = _SUN_CORRECTION[step]
        correction = start + into_step * growth // (15 * _LIBDA_PER_ANGSAR)
    else:
        correction = _SUN_CORRECTION_MAX
    # Moving away from the apogee the true sun lags the mean one; coming back it leads it.
    return mean - correction if anomaly_sign <= 5 else mean + correction


def _sun_in_aries_first_degree(position: int) -> bool:
    return (position % _LIBDA_PER_CIRCLE) // _LIBDA_PER_ANGSAR == 0


def _leungsak_offset_from_chetr(js_year: int) -> int:
    # Leungsak falls on the lunar day numbered by bodithey, counted from 1កើត ខែចេត្រ; a bodithey
    # of 0–5 has wrapped past Chetr's 29 days into Pisakh.  If last year postponed its leap day,
    # the lunar days this April lag one behind and Leungsak moves one lunar day on.
    bodithey = _bodithey(js_year)
    if _needs_leap_month(js_year - 1) and _needs_leap_day(js_year - 1):
        bodithey = (bodithey + 1) % 30
    return bodithey - 1 if bodithey >= 6 else bodithey + 29


def khmer_new_year(year: int) -> KhmerNewYear:
    """The Khmer solar new year of Gregorian `year`, by the traditional Songkran arithmetic.

    The new year begins when the true sun enters Aries (Mesha).  We test the solar days just
    before the year's end (sotin 362–365, or 363–366 after a 366-day year): the first whose sun
    stands in Aries' first degree is Moha Songkran.  If that is already the first one tested,
    two Vonabat days follow instead of one, making a four-day festival.  The hour comes from
    how far into that degree the sun already is (one libda ≈ 24 minutes of its motion).
    """
    _check_year(year)
    return _new_year(year)


@lru_cache(maxsize=512)  # pure; every date reads it, and it steps the sun up to four times
def _new_year(year: int) -> KhmerNewYear:
    js_year = year - _JS_OFFSET
    songkran = _songkran(js_year)
    days = songkran.vonabat_days + 2
    leungsak_ordinal = _chetr_first_ordinal(year) + _leungsak_offset_from_chetr(js_year)
    leungsak = dt.date.fromordinal(leungsak_ordinal)
    first_day = leungsak - dt.timedelta(days=days - 1)
    return KhmerNewYear(
        songkran=dt.datetime.combine(first_day, _songkran_time(songkran.sun)),
        days=days,
        leungsak=leungsak,
    )


@dataclass(frozen=True)
class _Songkran:
    vonabat_days: int  # 1 or 2
    sun: int  # the true sun on Moha Songkran day, in libda


def _songkran(js_year: int) -> _Songkran:
    """The number of Vonabat days and the true sun on Moha Songkran day of a JS year."""
    first_sotin = 363 if _has_366_days(js_year - 1) else 362
    for tested, sotin in enumerate(range(first_sotin, first_sotin + 4)):
        position = _true_sun(js_year, sotin)
        if _sun_in_aries_first_degree(position):
            return _Songkran(2 if tested == 0 else 1, position)
    raise AssertionError(f"the sun never reached Aries in JS {js_year}")  # cannot happen


def _songkran_time(position: int) -> dt.time:
    # The sun crossed into Aries `libda` minutes of arc before the end of the day; it moves about
    # 60 libda a day, so each libda is 24 minutes earlier than midnight.  A crossing exactly at
    # the day's end (libda 0) is written as 00:00 of Moha Songkran day itself, so the moment
    # always lies on the festival's first day.
    minutes = (24 * 60 - (position % _LIBDA_PER_ANGSAR) * 24) % (24 * 60)
    return dt.time(minutes // 60, minutes % 60)


def _first_day_of_new_era(year: int) -> dt.date:
    # Animal year and sak are those of the new Chula Sakarat year from the first civil day that
    # begins at or after the Songkran moment: a day that started in the old year keeps its name.
    # This is usually the (first) Vonabat day.  It is how the reference data behaves; note that
    # tradition raises the sak on Leungsak day (ឡើងស័ក), one or two days later, while the
    # reference data changes both names together.
    songkran = _new_year(year).songkran
    if songkran.time() == dt.time():
        return songkran.date()
    return songkran.date() + dt.timedelta(days=1)


def _js_year(day: dt.date) -> int:
    year = day.year - _JS_OFFSET
    return year if day >= _first_day_of_new_era(day.year) else year - 1


def _buddhist_era(day: dt.date) -> int:
    # The Buddhist era turns on 1រោច ខែពិសាខ, the day after Visak Bochea.
    return day.year + _BE_OFFSET + (1 if day > visak_bochea(day.year) else 0)


# ---------------------------------------------------------------------------------------------
# Public conversion and formatting
# ---------------------------------------------------------------------------------------------


def lunar_date(day: dt.date) -> LunarDate:
    """The Khmer lunar date of a Gregorian date (a datetime counts as its calendar date)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if not isinstance(day, dt.date):
        raise TypeError(f"expected a datetime.date, got {type(day).__name__}")
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValueError(f"{day} is outside the supported range {MIN_DATE} to {MAX_DATE}")
    place = _locate(day)
    js_year = _js_year(day)
    return LunarDate(
        gregorian=day,
        weekday=WEEKDAYS[day.weekday()],
        day=place.index + 1 if place.index < 15 else place.index - 14,
        waxing=place.index < 15,
        month=place.month,
        # JS 1386 (2024–25) was a dragon year (index 4), hence the +10.
        animal_year=ANIMAL_YEARS[(js_year + 10) % 12],
        sak=SAKS[js_year % 10],
        buddhist_era=_buddhist_era(day),
    )


def _day_month_and_year(ld: LunarDate) -> str:
    return f"ថ្ងៃ{ld.weekday} {ld.lunar_day} ខែ{ld.month} ឆ្នាំ{ld.animal_year} {ld.sak}"


def format_lunar_line(ld: LunarDate) -> str:
    """`ថ្ងៃពុធ ៤រោច ខែស្រាពណ៍ ឆ្នាំម្សាញ់ សប្តស័ក ពុទ្ធសករាជ ២៥៦៩`."""
    return f"{_day_month_and_year(ld)} ពុទ្ធសករាជ {to_khmer_digits(ld.buddhist_era)}"


def format_official_date(day: dt.date) -> str:
    """The lunar line with the era abbreviated, then the Gregorian date in Khmer:
    `ថ្ងៃពុធ ៤រោច ខែស្រាពណ៍ ឆ្នាំម្សាញ់ សប្តស័ក ព.ស.២៥៦៩ ត្រូវនឹងថ្ងៃទី១៣ ខែសីហា ឆ្នាំ២០២៥`."""
    ld = lunar_date(day)
    era = to_khmer_digits(ld.buddhist_era)
    return f"{_day_month_and_year(ld)} ព.ស.{era} ត្រូវនឹង{format_date(ld.gregorian, 'km')}"
