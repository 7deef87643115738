"""The numbers a text states, in any of the ways English and Khmer write them, and whether a
translation states the same ones as its source.

A number may be written in digits (`1,800`, `១ ៨០០`, `០៩`, `1.5 million`, `៥ពាន់`, `24th`), in words
(`twenty-one`, `a thousand`, `the second`, `ម្ភៃមួយ`, `ពីរពាន់`, `ទីមួយ`), as a time of day (`8:30 a.m.`,
`2 p.m.`, `14:00`, `ម៉ោង ៨:៣០ ព្រឹក`, `ម៉ោង២ រសៀល`, `ម៉ោង ២ និង ៣០ នាទី`) or as a Buddhist-era year
(`ព.ស. ២៥៦៩`). The lunar date line (`៤រោច ខែស្រាពណ៍ … ពុទ្ធសករាជ ២៥៦៩`) states no number to compare,
and a Buddhist-era year beside the Common-Era year it stands for (BE = CE + 543, or + 544 after
Visak Bochea) is that year said twice.

Digits are *firm*: a translation that drops, adds or changes one differs from its source. Words
are *soft*: English `one` and Khmer `មួយ` often mean "a", `second` a unit of time, so a word may
answer a number of the other side but is not missing or extra by itself; only when the other side
keeps something unanswered too (`three` against `បួន`, `ពីរ` against an English `a`) do they differ.
`a`/`an` only answer a number (`a minute`, `១នាទី`). Khmer words are read at ICU's word boundaries
(`ពីរបៀប` is ពី + របៀប, not 2; `ជាមួយ` is "with"). Everything is one pass of regular expressions that
never go back over the text, and a dictionary look-up per value: linear in the text's length.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from pipeline.khmer.number_words import (
    ARTICLE,
    DIGITS,
    ENGLISH,
    ENGLISH_ARTICLES,
    KHMER,
    SCALE,
    Part,
    combine,
    digits_value,
)
from pipeline.khmer.numbers import canonical_digit_numbers, to_latin_digits
from pipeline.khmer.words import WordBreaker

WORDS = "words"
STRENGTH = {DIGITS: 0, WORDS: 1, ARTICLE: 2}  # the firmest first: firm numbers are paired first

NUMBER, TIME, HOUR, BUDDHIST_YEAR = "number", "time", "hour", "buddhist-year"
_BE_OFFSETS = (543, 544)  # the Buddhist era turns the day after Visak Bochea

_D = "[0-9០-៩]"
_GROUP_SPACE = "[ \u00a0\u2009\u202f]"
_DIGIT_NUMBER = rf"{_D}+(?:[.,]{_D}+|{_GROUP_SPACE}{_D}{{3}}(?!{_D}))*"
_AMPM = r"[AaPp]\.?\s?[Mm]\.?(?![A-Za-z])"
_DAY_PART = "ព្រឹក|ថ្ងៃត្រង់|រសៀល|ល្ងាច|យប់"
_HALF = rf"(?:\s*(?P<ampm>{_AMPM})|\s*(?P<daypart>{_DAY_PART}))?"
_TIME = (rf"(?:ម៉ោង\s*)?(?<![0-9០-៩.,:])(?P<hour>{_D}{{1,2}})(?!{_D})"
         rf"(?::(?P<minute>{_D}{{2}})(?!{_D})|\s*និង\s*(?P<minutes>{_D}{{1,2}})\s*នាទី)?{_HALF}")
_TIME_AHEAD = rf"(?=ម៉ោង\s*{_D}|{_D}{{1,2}}(?::{_D}{{2}}(?!{_D})|\s*{_AMPM}))"
_SCALE_AHEAD = "|".join(sorted((w for w, n in {**ENGLISH, **KHMER}.items() if n.part == SCALE and not n.ordinal),
                               key=len, reverse=True))


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_KHMER_STARTS = _alternation({w[:2] for w in (*KHMER, "ព.", "ពុទ្ធ", "ម៉ោង")})  # the first two letters: few places pass
_ENGLISH_STARTS = _alternation({w[:2] for w in (*ENGLISH, *ENGLISH_ARTICLES)})
_FIRST_LETTERS = "".join(sorted({w[0] for w in (*KHMER, "ពុទ្ធ", "ម៉ោង")}
                                | {c for w in (*ENGLISH, *ENGLISH_ARTICLES) for c in (w[0], w[0].upper())}))
_TOKEN = re.compile(  # most places fail the first look-ahead at once, and the second one soon: a number may begin there
    rf"(?=[0-9០-៩{_FIRST_LETTERS}])(?=[0-9០-៩]|{_KHMER_STARTS}|(?<![A-Za-z])(?i:{_ENGLISH_STARTS}))"
    rf"(?:(?P<era>ព\.\s?ស\.?|ពុទ្ធសករាជ)\s*(?P<year>{_D}{{4}})(?!{_D})"
    rf"|(?<!{_D}){_D}{{1,2}}\s?(?:កើត|រោច)(?=\s*ខែ)"  # a lunar day: ៤រោច ខែស្រាពណ៍
    rf"|{_TIME_AHEAD}{_TIME}"
    rf"|(?P<digits>{_DIGIT_NUMBER})"
    rf"|(?<![A-Za-z])(?i:(?P<english>{_alternation(ENGLISH)})|(?P<article>{_alternation(ENGLISH_ARTICLES)}))"
    rf"(?![A-Za-z])"
    rf"|(?<!\u17d2)(?P<khmer>(?:{_alternation(KHMER)})+)(?![\u17b6-\u17d3\u17dd]))"  # ដប់ប្រាំពីរ: one run
)
_KHMER_WORD = re.compile(_alternation(KHMER))
_LINK = re.compile(r"[\s\-]*|\s+and\s+", re.IGNORECASE)  # what may stand between the words of one number
_SCALE_NEXT = re.compile(rf"\s?({_SCALE_AHEAD})(?![A-Za-z])", re.IGNORECASE)
_CHUNK = re.compile("[^ \u00a0\u2009\u202f]+")
_RUN = re.compile(r"\d+", re.ASCII)
_LUNAR_LINE_BEFORE = re.compile(r"ស័ក\s*$")
_AFTER_DIGIT = re.compile(rf"{_D}\s?$")
# What a number word may begin in ICU's dictionary: បីដង "three times", ពីរនាក់ "two people".
_MEASURE_WORDS = frozenset({"ដង", "នាក់", "ឆ្នាំ", "ខែ", "ថ្ងៃ", "ម៉ោង", "នាទី", "លើក", "ប្រភេទ", "គូ"})
# (text before, text after) the first word of a run: ជាមួយ "with", មួយណា "which one", ពី + របៀប "from
# how" (also misspelt ពីររបៀប, ពីរបៀ), សញ្ញាចុចពីរ "colon", ពីរបី "a few", ទោះបី "even if" (misspelt ទេាះបី),
# and a number base: គោលពីរ "binary", គោលប្រាំបី "octal", គោលដប់ "decimal", គោលដប់ប្រាំមួយ "hexadecimal"
_NOT_A_NUMBER = {"មួយ": (("ជា",), ("ណា",)), "ពីរ": (("សញ្ញាចុច", "គោល"), ("បៀ", "របៀប", "ដ្ឋ", "យៈ", "បី")),
                 "បី": (("ទោះ", "ទេាះ"), ()), "ប្រាំបី": (("គោល",), ()), "ដប់": (("គោល",), ())}


@dataclass(frozen=True)
class NumberMention:
    """One number a text states."""

    value: str  # canonical: `1800`, `2.5`; a time `14:30` (24-hour) or `8:30` (HOUR: a.m. or p.m.)
    written: str  # as the text writes it
    start: int
    end: int
    strength: str = DIGITS  # DIGITS (firm), WORDS (soft) or ARTICLE (`a`, `an`: answers a 1)
    kind: str = NUMBER  # NUMBER, TIME, HOUR (12-hour clock, half of the day unsaid) or BUDDHIST_YEAR

    def shown(self) -> str:
        if self.kind == BUDDHIST_YEAR:
            return f"{self.value} (Buddhist era)"
        return self.value if self.strength == DIGITS else f"{self.value} (“{self.written}”)"


@dataclass(frozen=True)
class NumberMatch:
    """How the numbers of a translation answer those of its source."""

    pairs: tuple[tuple[NumberMention, NumberMention], ...]  # (source, translation), the same number
    missing: tuple[NumberMention, ...]  # the source's numbers the translation does not state
    extra: tuple[NumberMention, ...]  # the translation's numbers the source does not state

    @property
    def agree(self) -> bool:
        return not self.missing and not self.extra


def compare_numbers(source: str, target: str, breaker: WordBreaker | None = None) -> NumberMatch:
    """Whether `target` states the numbers `source` states (see the module's description)."""
    breaker = breaker or WordBreaker()
    return match_numbers(number_mentions(source, breaker), number_mentions(target, breaker))


def number_mentions(text: str, breaker: WordBreaker | None = None) -> tuple[NumberMention, ...]:
    """Every number `text` states, in order; firm and soft ones (see NumberMention.strength)."""
    boundaries: dict[int, int] | None = None
    mentions: list[NumberMention] = []
    parts: list[Part] = []
    for found in _TOKEN.finditer(text):
        if found.group("khmer"):
            if boundaries is None:
                boundaries = _word_boundaries(text, breaker or WordBreaker())
            if not _khmer_words_stand_alone(text, found.start(), found.end(), boundaries):
                continue
        part_or_mention = _read_token(text, found)
        for item in part_or_mention:
            if isinstance(item, Part):
                if parts and not _LINK.fullmatch(text, parts[-1].end, item.start):
                    mentions.extend(_mentions_of_run(text, parts))
                    parts = []
                parts.append(item)
            else:
                mentions.append(item)
    mentions.extend(_mentions_of_run(text, parts))
    mentions.sort(key=lambda m: m.start)
    return _without_restated_eras(text, mentions)


def _word_boundaries(text: str, breaker: WordBreaker) -> dict[int, int]:
    """Where ICU's words start and end: {start: end} and {end: end}."""
    found: dict[int, int] = {}
    for start, end in breaker.spans(text):
        found[start] = end
        found.setdefault(end, end)
    return found


def _khmer_words_stand_alone(text: str, start: int, end: int, boundaries: dict[int, int]) -> bool:
    """A run of Khmer number words that are words of their own, or that follow digits (`៥ពាន់`),
    the ordinal `ទី` (`ទីមួយ`) or `ទាំង` (`ទាំងពីរ`, "both"), or that begin a dictionary word with
    a measure word (`បីដង`, "three times"); not part of another word (`ជាមួយ`, `ពីរបៀប`, `មួយចំនួន`
    "some"), nor the "each" of `នីមួយៗ`, nor the "a few" of `ពីរបី`."""
    first = _KHMER_WORD.match(text, start).group(0)
    before, after = _NOT_A_NUMBER.get(first, ((), ()))
    if text.startswith("ៗ", end) or text.startswith(after, start + len(first)) or \
            text[max(0, start - 8):start].replace("\u200b", "").endswith(before):
        return False
    if end not in boundaries and not (start in boundaries and text[end:boundaries[start]] in _MEASURE_WORDS):
        return False
    return (start in boundaries or _AFTER_DIGIT.search(text, max(0, start - 2), start) is not None
            or text.endswith(("ទី", "ទាំង"), 0, start))


def _read_token(text: str, found: re.Match) -> list:
    start, end = found.span()
    if found.group("era"):
        year = to_latin_digits(found.group("year"))
        if _LUNAR_LINE_BEFORE.search(text, max(0, start - 12), start):
            return []  # the lunar date line's year: the line states no number to compare
        return [NumberMention(str(int(year)), found.group(0), start, end, DIGITS, BUDDHIST_YEAR)]
    if found.group("hour"):
        return _time(found)
    if found.group("digits"):
        return _digit_parts(text, found.group("digits"), start, end)
    if found.group("english"):
        word = ENGLISH[found.group("english").lower()]
        return [Part(start, end, word.part, Decimal(word.value), word.ordinal)]
    if found.group("article"):
        return [Part(start, end, ARTICLE, Decimal(1))]
    if found.group("khmer"):
        return [Part(start + w.start(), start + w.end(), KHMER[w.group(0)].part, Decimal(KHMER[w.group(0)].value))
                for w in _KHMER_WORD.finditer(found.group("khmer"))]
    return []  # a lunar day


def _digit_parts(text: str, written: str, start: int, end: int) -> list[Part]:
    latin = to_latin_digits(written)
    scale = _SCALE_NEXT.match(text, end)
    before_scale = scale is not None
    if before_scale and len(re.findall(r"[.,]", latin)) == 1 and not re.search(r"[.,]\d{3}$", latin):
        numbers = [canonical_digit_numbers(latin.replace(",", "."))[0]]  # `១,៥លាន`: 1.5 million
    else:
        numbers = canonical_digit_numbers(latin)
    if len(numbers) == 1:
        return [Part(start, end, DIGITS, digits_value(numbers[0]), digits=numbers[0],
                     next_scale=_scale_value(scale.group(1)) if scale else 0)]
    return [Part(a, b, DIGITS, None, digits=n) for n, a, b in _pieces(latin, numbers, start)]  # a list


def _pieces(latin: str, numbers: list[str], start: int) -> list[tuple[str, int, int]]:
    """Where each number of a list (`1,5`, `2019 100`) is written: its own digits."""
    pieces = []
    for chunk in _CHUNK.finditer(latin):
        values = canonical_digit_numbers(chunk.group())
        if len(values) == 1:
            pieces.append((values[0], start + chunk.start(), start + chunk.end()))
        else:  # a list of `,` or `.` separated numbers: one per run of digits
            pieces.extend((value, start + chunk.start() + run.start(), start + chunk.start() + run.end())
                          for value, run in zip(values, _RUN.finditer(chunk.group())))
    if [value for value, _a, _b in pieces] != numbers:  # `1 234,5,6`: each number gets the whole token
        return [(value, start, start + len(latin)) for value in numbers]
    return pieces


def _scale_value(word: str) -> int:
    return (ENGLISH.get(word.lower()) or KHMER[word]).value


def _time(found: re.Match) -> list:
    hour = int(to_latin_digits(found.group("hour")))
    minute_text = found.group("minute") or found.group("minutes") or "0"
    minute = int(to_latin_digits(minute_text))
    half = _half_of_day(found.group("ampm"), found.group("daypart"), hour)
    if minute > 59 or hour > 24 or (half and not 1 <= hour <= 12):
        return []  # not a time of day; what the text says there is not compared
    if half == "pm" and hour < 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    known = half is not None or hour == 0 or hour > 12 or found.group("hour").startswith(("0", "០"))
    return [NumberMention(f"{hour}:{minute:02d}", found.group(0), found.start(), found.end(), DIGITS,
                          TIME if known else HOUR)]


def _half_of_day(ampm: str | None, daypart: str | None, hour: int) -> str | None:
    if ampm:
        return "am" if ampm[0] in "Aa" else "pm"
    if daypart == "ព្រឹក":
        return "am"
    if daypart == "យប់":  # night: ៨ យប់ is 20:00, ១២ យប់ midnight, ២ យប់ 2:00
        return "pm" if 6 <= hour <= 11 else "am"
    if daypart:
        return "pm"
    return None


def _mentions_of_run(text: str, parts: list[Part]) -> list[NumberMention]:
    if not parts:
        return []
    mentions = []
    for number in combine(parts):
        strength = DIGITS if number.in_digits else ARTICLE if number.article else WORDS
        mentions.append(NumberMention(number.value, text[number.start:number.end], number.start, number.end,
                                      strength))
    return mentions


def _without_restated_eras(text: str, mentions: list[NumberMention]) -> tuple[NumberMention, ...]:
    """A Buddhist-era year beside the Common-Era year it stands for is that year said twice."""
    if not any(m.kind == BUDDHIST_YEAR for m in mentions):
        return tuple(mentions)
    stated = {m.value for m in mentions if m.kind == NUMBER}
    return tuple(m for m in mentions if m.kind != BUDDHIST_YEAR or not _common_era_years(m.value) & stated)


def _common_era_years(buddhist_year: str) -> set[str]:
    return {str(int(buddhist_year) - offset) for offset in _BE_OFFSETS}


# --- matching ----------------------------------------------------------------------------------


def match_numbers(source: Iterable[NumberMention], target: Iterable[NumberMention]) -> NumberMatch:
    """Pair equal numbers (firm ones first); then a time with its half of the day unsaid answers the
    same time of either half (and its hour, on the hour), a Buddhist-era year its Common-Era year."""
    source, target = list(source), list(target)
    pairs, left_source, left_target = _pair_equal(source, target)
    more, left_source, left_target = _pair_alike(left_source, left_target)
    pairs += more
    missing, extra = _reported(left_source, left_target)
    return NumberMatch(tuple(sorted(pairs, key=lambda p: p[1].start)), missing, extra)


def _by_strength(mentions: list[NumberMention]) -> list[NumberMention]:
    return sorted(mentions, key=lambda m: (STRENGTH[m.strength], m.start))


def _pair_equal(source: list[NumberMention], target: list[NumberMention]):
    by_value_s, by_value_t = defaultdict(list), defaultdict(list)
    for mention in source:
        by_value_s[mention.value].append(mention)
    for mention in target:
        by_value_t[mention.value].append(mention)
    pairs, left_s, left_t = [], [], []
    for value in by_value_s.keys() | by_value_t.keys():
        ours, theirs = _by_strength(by_value_s.get(value, [])), _by_strength(by_value_t.get(value, []))
        count = min(len(ours), len(theirs))
        pairs.extend(zip(ours[:count], theirs[:count]))
        left_s.extend(ours[count:])
        left_t.extend(theirs[count:])
    return pairs, sorted(left_s, key=lambda m: m.start), sorted(left_t, key=lambda m: m.start)


def _pair_alike(source: list[NumberMention], target: list[NumberMention]):
    """The second round, on what is left: each rule looks its partner up by value."""
    pairs = []
    taken_s, taken_t = set(), set()
    waiting_t = defaultdict(list)
    for index, mention in enumerate(target):
        waiting_t[mention.value].append(index)
    waiting_s = defaultdict(list)
    for index, mention in enumerate(source):
        waiting_s[mention.value].append(index)
    for index, mention in enumerate(source):
        partner = _take(waiting_t, _alike_values(mention), taken_t)
        if partner is not None:
            taken_s.add(index)
            pairs.append((mention, target[partner]))
    for index, mention in enumerate(target):
        if index in taken_t:
            continue
        partner = _take(waiting_s, _alike_values(mention), taken_s)
        if partner is not None:
            taken_t.add(index)
            pairs.append((source[partner], mention))
    return (pairs, [m for i, m in enumerate(source) if i not in taken_s],
            [m for i, m in enumerate(target) if i not in taken_t])


def _alike_values(mention: NumberMention) -> tuple[str, ...]:
    if mention.kind == BUDDHIST_YEAR:
        return tuple(sorted(_common_era_years(mention.value)))
    if mention.kind == HOUR:
        hour, minute = mention.value.split(":")
        afternoon = f"{int(hour) + 12}:{minute}"
        return (afternoon, hour) if minute == "00" else (afternoon,)
    return ()


def _take(waiting: dict, values: tuple[str, ...], taken: set[int]) -> int | None:
    for value in values:
        queue = waiting.get(value, [])
        while queue:
            index = queue.pop()
            if index not in taken:
                taken.add(index)
                return index
    return None


def _reported(source: list[NumberMention], target: list[NumberMention]):
    """Firm numbers left over are reported. A word left over is reported only when the other side
    keeps something too (a number, a word, an `a`): `three` against `បួន`; a word that the other
    side leaves unanswered but states nothing else against (`one of`, `ពីរ` said once more) is let be."""
    firm = any(m.strength == DIGITS for m in (*source, *target))
    telling = (target and any(m.strength == WORDS for m in source)) or \
        (source and any(m.strength == WORDS for m in target))
    if not firm and not telling:
        return (), ()
    return (tuple(m for m in source if m.strength != ARTICLE), tuple(m for m in target if m.strength != ARTICLE))
