"""What a mixed Khmer/English text holds besides its words: its digits, its numbers, and how much
of it is written in Khmer. Standard library only.

Numbers compare across scripts (`1,800 km` and `១៨០០ គ.ម` hold the same number), which is how a
translation is checked for a dropped or changed figure and how sentences are aligned; the share of
Khmer letters tells a Khmer translation from a copied English one.
"""

from __future__ import annotations

import re
import unicodedata

KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"
_TO_KHMER = str.maketrans("0123456789", KHMER_DIGITS)
_TO_LATIN = str.maketrans(KHMER_DIGITS, "0123456789")


def to_khmer_digits(text: str | int) -> str:
    """Replace the Latin digits 0–9 with Khmer digits ០–៩; everything else is kept."""
    return str(text).translate(_TO_KHMER)


def to_latin_digits(text: str) -> str:
    """Replace Khmer digits ០–៩ with Latin digits 0–9; everything else is kept."""
    return text.translate(_TO_LATIN)


# --- numbers -----------------------------------------------------------------------------------

# A run of digits with `,` / `.` between digit groups, or a space (no-break, thin) before a group of
# three. Khmer digits are mapped to Latin first.
_NUMBER = re.compile(r"\d+(?:[.,]\d+|[ \u00a0\u2009\u202f]\d{3}(?!\d))*", re.ASCII)
_ANY_DIGITS_NUMBER = re.compile(  # _NUMBER before the digits are mapped
    r"[0-9០-៩]+(?:[.,][0-9០-៩]+|[ \u00a0\u2009\u202f][0-9០-៩]{3}(?![0-9០-៩]))*")


def _canonical_numbers(token: str) -> list[str]:
    """Split one digit run such as `1,800` or `1.234.567,5` into canonical numbers.

    Rules, so that `1,800` ≡ `១៨០០` ≡ `1.800.000`-style groupings compare equal:
    - both `,` and `.` present: the last kind is the decimal mark, the other one groups;
    - one kind, all groups after the first exactly 3 digits and the first 1–3 digits:
      `,` always groups (`1,800`, `1,000,000`); `.` groups only when it occurs twice or more
      (`1.000.000`, the CLDR Khmer style) — a single `.` is a decimal point (`1.5`, `2.500`);
    - anything else (`1,5`, `1,2,3`) is a list: each piece is its own number.
    The decimal mark of the result is always `.`.
    """
    seps = [c for c in token if c in ",."]
    if not seps:
        return [token]
    groups = re.split(r"[.,]", token)
    if "," in seps and "." in seps:
        dec = seps[-1]
        grouping = "." if dec == "," else ","
        if seps.count(dec) == 1:
            whole, _, frac = token.rpartition(dec)
            return [whole.replace(grouping, "") + "." + frac]
        return groups
    kind = seps[0]
    grouped = 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    if kind == "," and grouped:
        return ["".join(groups)]
    if kind == ".":
        if len(seps) == 1:
            return [token]
        if grouped:
            return ["".join(groups)]
    return groups


_GROUP_SPACES = re.compile("[ \u00a0\u2009\u202f]")  # a space, no-break space, thin spaces


def canonical_digit_numbers(latin: str) -> list[str]:
    """The numbers one run of Latin digits writes, as values: `4 000` (any space, no-break or thin
    space between groups of three) is 4000, `09` is 9, `2.50` is 2.5; `,` and `.` as in
    `_canonical_numbers`. Spaces that do not group thousands (`2019 100`) separate numbers."""
    chunks = _GROUP_SPACES.split(latin)
    if len(chunks) > 1 and not (chunks[0].isdigit() and len(chunks[0]) <= 3
                                and all(c.isdigit() for c in chunks[1:-1])):
        return [n for chunk in chunks for n in canonical_digit_numbers(chunk)]
    return [_as_value(n) for n in _canonical_numbers("".join(chunks))]


def _as_value(number: str) -> str:
    whole, _point, fraction = number.partition(".")
    whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def normalise_digits_for_compare(text: str) -> str:
    """Khmer digits → Latin, and thousands separators dropped: `1,800` and `១៨០០` both → `1800`."""
    latin = to_latin_digits(text)
    return _NUMBER.sub(lambda m: " ".join(canonical_digit_numbers(m.group(0))), latin)


def numbers_in(text: str) -> tuple[str, ...]:
    """The numbers written in digits in `text`, as values (Latin digits, no grouping, `.` decimal, no
    leading zeros), in order: `numbers_in("1,800 km") == numbers_in("១ ៨០០ គ.ម") == ("1800",)`.

    The import aligns and doubts pairs by these. The translation check compares all the ways a
    number is written, words and times of day too: see `pipeline.khmer.number_match`.
    """
    out: list[str] = []
    for m in _ANY_DIGITS_NUMBER.finditer(text):
        out.extend(canonical_digit_numbers(to_latin_digits(m.group(0))))
    return tuple(out)


# --- script detection --------------------------------------------------------------------------

# Things inside a translation that are not prose: placeholders, markup, URLs, entities, code.
# A name ends at the next `%` and the flags take every `0` (possessive): tried from each of
# thousands of `%(` with no `)`, or on `%` and a long run of zeros, the match would otherwise read
# the rest of the text each time (quadratic time).
_NOT_PROSE = re.compile(
    r"%\([^)%]*\)[-+ #0]*+\d*(?:\.\d+)?[a-zA-Z]"  # %(name)s
    r"|%[-+ #0]*+\d*(?:\.\d+)?[sdifxXeEgGcru%]"  # %s %d %5.2f
    r"|\{[^{}\s]*\}"  # {name} {0}
    r"|<[^<>]*>"  # <b> </a>
    r"|&[a-zA-Z]+;|&#\d+;"  # &amp;
    r"|(?:https?|ftp)://\S+|www\.\S+"  # URLs
    r"|`[^`]*`"  # `code`
)


# The letters and combining marks of the Khmer blocks (what khmer_ratio counts as Khmer).
_KHMER_LETTER = re.compile("[" + "".join(
    re.escape(chr(code)) for code in (*range(0x1780, 0x1800), *range(0x19E0, 0x1A00))
    if unicodedata.category(chr(code))[0] in "LM") + "]")
_ASCII_LETTER = re.compile("[A-Za-z]")
_ASCII_OR_KHMER = re.compile("[\x00-\x7f\u1780-\u17ff\u19e0-\u19ff]+")


def khmer_ratio(text: str) -> float:
    """Share of the letters (and combining marks) of `text` that are Khmer, from 0.0 to 1.0.

    Placeholders (`%(name)s`, `{0}`), markup, entities, URLs and `code` are ignored; digits,
    punctuation and spaces do not count. A string with no letters at all gives 0.0.
    """
    prose = _NOT_PROSE.sub(" ", text)
    khmer = _KHMER_LETTER.subn("", prose)[1]
    other = _ASCII_LETTER.subn("", prose)[1]
    if not prose.isascii():  # other scripts' letters, one by one (Khmer and ASCII are counted)
        other += sum(1 for ch in _ASCII_OR_KHMER.sub("", prose) if unicodedata.category(ch)[0] in "LM")
    total = khmer + other
    return khmer / total if total else 0.0


def is_khmer(text: str, min_ratio: float = 0.2) -> bool:
    """Whether `text` is written in Khmer: it has Khmer letters and they are at least `min_ratio`
    of all its letters.

    Digits, punctuation, placeholders, markup and URLs are ignored. The default threshold is low on
    purpose: a Khmer translation keeps product names and code in Latin (`អំពី gedit`,
    `Boolean (អាចជា True រឺ False)`), while a Latin-only msgstr has a ratio of 0. A string with no
    letters (`%s`, `១២៣`) is not Khmer.
    """
    ratio = khmer_ratio(text)
    return ratio > 0.0 and ratio >= min_ratio
