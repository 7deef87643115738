"""Numbers written as words, in English and in Khmer, and how a run of them makes one number.

Each word is a `NumberWord`: its value and its part in a number (a unit, a teen, a tens word, the
hundred word, or a scale such as thousand or លាន). `combine` reads a run of such parts as people
write them: `two hundred and fifty thousand`, `ពីររយហាសិប`, `១,៥លាន`, `២លាន ៥សែន`, and starts a new
number where the run cannot go on (`one two` is two numbers, `ពីរបី`, "two or three", too).
Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

UNIT, TEEN, TENS, HUNDRED, SCALE, DIGITS, ARTICLE = "unit", "teen", "tens", "hundred", "scale", "digits", "article"


@dataclass(frozen=True)
class NumberWord:
    value: int
    part: str  # UNIT, TEEN, TENS, HUNDRED or SCALE
    ordinal: bool = False  # `third`, `24th`: ends the number


def _table(names: str, start: int, step: int, part: str, ordinal: bool = False) -> dict[str, NumberWord]:
    return {name: NumberWord(start + i * step, part, ordinal) for i, name in enumerate(names.split())}


_ENGLISH_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
ENGLISH: dict[str, NumberWord] = {
    **_table("one two three four five six seven eight nine", 1, 1, UNIT),
    **_table("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen", 10, 1, TEEN),
    **_table("twenty thirty forty fifty sixty seventy eighty ninety", 20, 10, TENS),
    "hundred": NumberWord(100, HUNDRED),
    **{name: NumberWord(value, SCALE) for name, value in _ENGLISH_SCALES.items()},
    **_table("first second third fourth fifth sixth seventh eighth ninth", 1, 1, UNIT, True),
    **_table("tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
             "nineteenth", 10, 1, TEEN, True),
    **_table("twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth", 20, 10, TENS, True),
    "hundredth": NumberWord(100, HUNDRED, True),
    **{name + "th": NumberWord(value, SCALE, True) for name, value in _ENGLISH_SCALES.items()},
    "both": NumberWord(2, UNIT, True),  # ទាំងពីរ
    "twice": NumberWord(2, UNIT, True),  # ពីរដង
    # Khmer numerals as romanised in proper names: `Hun Sen Muy Mithona` is ហ៊ុន សែន ១ មិថុនា.
    "muy": NumberWord(1, UNIT),
}
ENGLISH_ARTICLES = ("a", "an")  # "a thousand" is 1000; "a minute" may be written ១នាទី

KHMER: dict[str, NumberWord] = {
    **_table("មួយ ពីរ បី បួន ប្រាំ ប្រាំមួយ ប្រាំពីរ ប្រាំបី ប្រាំបួន", 1, 1, UNIT),
    "ដប់": NumberWord(10, TENS),  # ដប់មួយ is 10 + 1, as ម្ភៃមួយ is 20 + 1
    **_table("ម្ភៃ សាមសិប សែសិប ហាសិប ហុកសិប ចិតសិប ប៉ែតសិប កៅសិប", 20, 10, TENS),
    "រយ": NumberWord(100, HUNDRED),
    "ពាន់": NumberWord(10**3, SCALE),
    "ម៉ឺន": NumberWord(10**4, SCALE),
    "សែន": NumberWord(10**5, SCALE),
    "លាន": NumberWord(10**6, SCALE),
    "ពាន់លាន": NumberWord(10**9, SCALE),
    "ប៊ីលាន": NumberWord(10**9, SCALE),
}


@dataclass(frozen=True)
class Part:
    """One piece of a run: a number word, an article, or a number written in digits."""

    start: int
    end: int
    part: str  # a NumberWord part, DIGITS or ARTICLE
    value: Decimal | None  # None: digits too long to compute with (kept as written)
    ordinal: bool = False
    digits: str = ""  # DIGITS: the canonical number
    next_scale: int = 0  # DIGITS followed by a scale word: 10**6 for `២` in `២លាន`


@dataclass(frozen=True)
class Combined:
    start: int
    end: int
    value: str  # canonical: `1500000`, `2.5`
    in_digits: bool  # some of it is written in digits
    article: bool = False  # a lone `a`/`an`


_MAX_DIGITS = 30  # longer digit numbers are compared as written, never multiplied


def combine(parts: list[Part]) -> list[Combined]:
    """The numbers a run of adjacent parts writes, in order (see the module's description). One
    pass: each part is judged by the part before it, the smallest scale so far (each scale must be
    smaller than the one before: `thousand million` is two numbers) and whether the group since
    that scale has its hundred already."""
    numbers: list[Combined] = []
    run: list[Part] = []
    smallest_scale, has_hundred = 0, False
    for part in parts:
        if run and not _continues(run[-1], part, smallest_scale, has_hundred):
            numbers.extend(_finish(run))
            run, smallest_scale, has_hundred = [], 0, False
        run.append(part)
        if part.part == SCALE:
            smallest_scale, has_hundred = part.value, False
        elif part.part == HUNDRED:
            has_hundred = True
    if run:
        numbers.extend(_finish(run))
    return numbers


def _continues(last: Part, part: Part, smallest_scale: int, has_hundred: bool) -> bool:
    if last.ordinal or part.part == ARTICLE or last.value is None:
        return False
    if part.part == DIGITS:  # `២លាន ៥សែន`: 2 500 000
        return last.part == SCALE and part.value is not None and 0 < part.next_scale < smallest_scale
    if last.part == ARTICLE:
        return part.part in (HUNDRED, SCALE)
    if part.part == UNIT:
        return last.part in (TENS, HUNDRED, SCALE)
    if part.part in (TEEN, TENS):
        return last.part in (HUNDRED, SCALE)
    if part.part == HUNDRED:
        return last.part in (UNIT, TEEN, TENS, DIGITS) and not has_hundred
    return not smallest_scale or part.value < smallest_scale


def _finish(run: list[Part]) -> list[Combined]:
    first = run[0]
    if len(run) == 1:
        if first.part == DIGITS:
            return [Combined(first.start, first.end, first.digits, True)]
        if first.part == ARTICLE:
            return [Combined(first.start, first.end, "1", False, article=True)]
        if first.part == SCALE or (first.part == HUNDRED and not first.ordinal):
            return []  # `thousands`, a bare លាន or សែន (a name: ហ៊ុន សែន) state no number
    total, current = Decimal(0), Decimal(0)
    for part in run:
        value = Decimal(1) if part.part == ARTICLE else part.value
        if part.part == HUNDRED:
            current = (current or 1) * value
        elif part.part == SCALE:
            total, current = total + (current or 1) * value, Decimal(0)
        else:
            current += value
    in_digits = any(p.part == DIGITS for p in run)
    return [Combined(first.start, run[-1].end, canonical_decimal(total + current), in_digits)]


def canonical_decimal(value: Decimal) -> str:
    """`1500000`, `2.5`: no exponent, no trailing zeros after the point."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def digits_value(canonical: str) -> Decimal | None:
    """A canonical digit number as a Decimal, or None when it is too long to compute with."""
    return Decimal(canonical) if len(canonical) <= _MAX_DIGITS else None
