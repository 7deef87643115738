"""Khmer script facts: digits, numbers, script detection and encoding checks. Standard library only.

`check_khmer(text)` reads a string cluster by cluster (a base letter, then its subscripts, register
shifter, vowel and signs) and reports the typing mistakes that Khmer translations are known for:
split vowels, marks typed in the wrong order, duplicated marks, orphan marks, dangling coengs,
zero-width spaces inside a word, and deprecated characters. NFC normalisation changes none of them.

Severities: **error** means the text is broken whatever the font (a mark with nothing to sit on,
a subscript sign with no consonant, a doubled vowel, a zero-width space cutting a cluster, a
deprecated letter). **warning** means the text usually looks right but is not encoded the way the
Unicode/SIL Khmer order wants it (split vowels, coeng RO first, a vowel typed before a coeng ...):
search, sorting and line breaking suffer, and a one-keystroke fix exists. Such spellings are
common in published Khmer, so they must not stop a build.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

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

# A run of digits with `,` / `.` between digit groups. Khmer digits are mapped to Latin first.
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*", re.ASCII)
_ANY_DIGITS_NUMBER = re.compile(r"[0-9០-៩]+(?:[.,][0-9០-៩]+)*")  # _NUMBER before the digits are mapped


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


def normalise_digits_for_compare(text: str) -> str:
    """Khmer digits → Latin, and thousands separators dropped: `1,800` and `១៨០០` both → `1800`."""
    latin = to_latin_digits(text)
    return _NUMBER.sub(lambda m: " ".join(_canonical_numbers(m.group(0))), latin)


def numbers_in(text: str) -> tuple[str, ...]:
    """The numbers written in `text`, canonical (Latin digits, no grouping, `.` decimal), in order.

    `numbers_in("1,800 km") == numbers_in("១៨០០ គ.ម") == ("1800",)`. Leading zeros are kept.
    """
    out: list[str] = []
    for m in _ANY_DIGITS_NUMBER.finditer(text):
        out.extend(_canonical_numbers(to_latin_digits(m.group(0))))
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


# --- character classes ---------------------------------------------------------------------------

COENG = "\u17d2"
RO = "\u179a"
DA = "\u178a"
TA = "\u178f"
ZWSP = "\u200b"
_JOINERS = "\u200c\u200d"  # ZWNJ, ZWJ: allowed inside a cluster (e.g. after a shifter)

_BASE, _VOWEL, _SIGN, _SHIFTER, _ROBAT, _COENG, _INHERENT, _JOINER, _OTHER = range(9)


def _cat(ch: str) -> int:
    o = ord(ch)
    if 0x1780 <= o <= 0x17B3 or o == 0x17DC or o == 0x25CC:
        return _BASE  # consonants, independent vowels (incl. deprecated 17A3/17A4), ◌
    if 0x17B6 <= o <= 0x17C5:
        return _VOWEL
    if o in (0x17C9, 0x17CA):
        return _SHIFTER
    if o == 0x17CC:
        return _ROBAT
    if o == 0x17D2:
        return _COENG
    if 0x17C6 <= o <= 0x17D1 or o in (0x17D3, 0x17DD):
        return _SIGN
    if o in (0x17B4, 0x17B5):
        return _INHERENT
    if ch in _JOINERS:
        return _JOINER
    return _OTHER


_MARKS = (_VOWEL, _SIGN, _SHIFTER, _ROBAT, _COENG, _INHERENT)


def _is_consonant(ch: str) -> bool:
    return "\u1780" <= ch <= "\u17a2"


# Consonants of the first (a-) series take TRIISAP ៊ to move to the o-series; the sonorants of
# the second (o-) series take MUUSIKATOAN ៉; BA takes either (ប៉ = p, ប៊ = b with o-series).
_FIRST_SERIES = set("កខចឆដឋណតថផសហឡអឝឞ")
_SECOND_SERIES = set("គឃងជឈញឌឍនទធពភមយរលវ")
MUUSIKATOAN = "\u17c9"
TRIISAP = "\u17ca"
SRA_U = "\u17bb"
_UPPER_VOWELS = set("\u17b7\u17b8\u17b9\u17ba\u17be\u17bf")  # ិ ី ឹ ឺ ើ ឿ

# Split vowels: the two code points typed for one vowel → that vowel.
SPLIT_VOWELS: dict[tuple[str, str], str] = {
    ("\u17c1", "\u17b8"): "\u17be",  # េ + ី → ើ
    ("\u17c1", "\u17b6"): "\u17c4",  # េ + ា → ោ
    ("\u17c1", "\u17be"): "\u17be",  # េ + ើ → ើ (the េ part is already inside ើ)
    ("\u17c1", "\u17bf"): "\u17bf",  # េ + ឿ → ឿ
    ("\u17c1", "\u17c0"): "\u17c0",  # េ + ៀ → ៀ
    ("\u17c1", "\u17c4"): "\u17c4",  # េ + ោ → ោ
    ("\u17c1", "\u17c5"): "\u17c5",  # េ + ៅ → ៅ
}

DEPRECATED: dict[str, str] = {  # error: Unicode deprecates them, an exact replacement exists
    "\u17a3": "\u17a2",  # ឣ → អ
    "\u17a4": "\u17a2\u17b6",  # ឤ → អា
}
DISCOURAGED: dict[str, str] = {  # warning: Unicode discourages them
    "\u17b4": "",  # invisible inherent vowel AQ: delete it
    "\u17b5": "",  # invisible inherent vowel AA: delete it
    "\u17d3": "",  # BATHAMASAT: use the lunar date symbols U+19E0–U+19FF
    "\u17d8": "\u17d4\u179b\u17d4",  # BEYYAL: spell it ។ល។
}
_DOUBLED_PUNCT = re.compile("([\u17d4\u17d5])\\1+")  # ។។ ៕៕

# A real cluster has a handful of marks on its base. One with more is typed or pasted garbage, and
# is reported once as such: checked mark by mark, a cluster of n marks could take n² steps and give
# n findings that each quote it.
_LONGEST_CLUSTER = 32

# Severity of every finding code, and its rule in one line (for reports and docs).
Severity = Literal["error", "warning"]
CHECKS: dict[str, tuple[Severity, str]] = {
    "km-orphan-mark": ("error", "a dependent vowel, sign, shifter or coeng with no base letter before it"),
    "km-dangling-coeng": ("error", "a coeng ្ (U+17D2) not followed by the consonant it subscripts"),
    "km-duplicate-vowel": ("error", "the same dependent vowel typed twice in a row in one cluster"),
    "km-duplicate-mark": ("error", "the same sign, shifter, robat or coeng typed twice in a row"),
    "km-multiple-vowels": ("error", "two different dependent vowels in one cluster (not a known split vowel)"),
    "km-zwsp-in-word": (
        "error",
        "a zero-width space cutting a cluster (before a mark, or between a coeng and its consonant); "
        "as a warning: one that leaves a lone bare consonant standing, i.e. splits a word",
    ),
    "km-deprecated-char": ("error", "U+17A3 or U+17A4, deprecated independent vowels"),
    "km-unassigned-char": ("error", "an unassigned code point in the Khmer block"),
    "km-long-cluster": ("error", f"more than {_LONGEST_CLUSTER} marks on one letter (no Khmer syllable has so many)"),
    "km-split-vowel": ("warning", "a vowel typed as two code points, e.g. េ+ី for ើ, េ+ា for ោ"),
    "km-vowel-before-coeng": ("warning", "a dependent vowel typed before a subscript (coeng + consonant)"),
    "km-mark-order": (
        "warning",
        "marks out of the order base, robat, subscripts, shifter, vowel, signs (other than a vowel before a coeng)",
    ),
    "km-coeng-ro-order": ("warning", "coeng RO ្រ not the last subscript of its cluster (ស្រ្តី for ស្ត្រី)"),
    "km-u-for-shifter": (
        "warning",
        "sra U ុ typed before an upper vowel (or ាំ) where a register shifter ៊/៉ belongs: សុី for ស៊ី",
    ),
    "km-coeng-da": ("warning", "subscript DA ្ដ together with coeng RO, where the loanword has TA: ្ត្រ"),
    "km-discouraged-char": ("warning", "U+17B4, U+17B5 (invisible), U+17D3 or U+17D8, discouraged by Unicode"),
    "km-duplicate-punct": ("warning", "a doubled khan ។។ or bariyoosan ៕៕"),
}


@dataclass(frozen=True)
class KhmerFinding:
    """One encoding problem in a Khmer string.

    `offset` is the index in the checked string where the problem starts; `excerpt` is the
    offending cluster (or the text around a zero-width space); `hint` says what to type instead.
    `fix` is the excerpt as it should be typed when the repair is mechanical (`""` = delete the
    excerpt), and None when a person must decide (a missing consonant, a stray mark).
    """

    code: str
    severity: Severity
    message: str
    hint: str
    offset: int
    excerpt: str
    fix: str | None = None


_SHOWN = 16  # a longer run of characters (a run of orphan marks) is described by its start


def _show(chars: str) -> str:
    """`◌ើ (U+17BE)`-style description; marks sit on a dotted circle so they stay visible."""
    if not chars:
        return "nothing"
    cut = "…" if len(chars) > _SHOWN else ""
    chars = chars[:_SHOWN]
    shown = "".join(("\u25cc" + c) if _cat(c) in _MARKS else c for c in chars)
    cps = " ".join(f"U+{ord(c):04X}" for c in chars)
    return f"{shown}{cut} ({cps}{' …' if cut else ''})"


def _finding(
    code: str,
    message: str,
    hint: str,
    offset: int,
    excerpt: str,
    fix: str | None = None,
    severity: Severity | None = None,
) -> KhmerFinding:
    return KhmerFinding(code, severity or CHECKS[code][0], message, hint, offset, excerpt, fix)


# --- one cluster -------------------------------------------------------------------------------

# A cluster is its base letter plus items (kind, index in the string, text). A subscript is
# COENG + letter, kind _COENG; a coeng with no letter after it has kind _BARE_COENG.
_BARE_COENG = -1
_RANK = {_ROBAT: 1, _COENG: 2, _BARE_COENG: 2, _SHIFTER: 3, _VOWEL: 4, _SIGN: 5}
Item = tuple[int, int, str]


def _scan_cluster(text: str, start: int) -> tuple[int, list[Item]]:
    """From the base letter at `start`, collect the cluster's items; return (end, items)."""
    items: list[Item] = []
    j, n = start + 1, len(text)
    while j < n:
        ch = text[j]
        k = _cat(ch)
        if k == _COENG:
            if j + 1 < n and _cat(text[j + 1]) == _BASE and text[j + 1] != "\u25cc":
                items.append((_COENG, j, text[j : j + 2]))
                j += 2
            else:
                items.append((_BARE_COENG, j, ch))
                j += 1
        elif k in (_VOWEL, _SIGN, _SHIFTER, _ROBAT, _INHERENT, _JOINER):
            items.append((k, j, ch))
            j += 1
        else:
            break
    return j, items


def _shifter_for(base: str) -> str:
    """The register shifter a base letter takes; "" for BA (either) and non-consonants."""
    if base in _FIRST_SERIES and base != "ប":
        return TRIISAP
    if base in _SECOND_SERIES:
        return MUUSIKATOAN
    return ""


def _takes_shifter(vowel: str, signs: list[str]) -> bool:
    """Whether a register shifter written before `vowel` takes the shape of sra U ុ."""
    return vowel in _UPPER_VOWELS or (vowel == "\u17b6" and signs[:1] == ["\u17c6"])  # ាំ


def _dedupe(items: list[Item]) -> list[Item]:
    """Drop a mark that repeats the one just before it (subscripts may repeat: ក្ក)."""
    out: list[Item] = []
    for it in items:
        if out and it[2] == out[-1][2] and it[0] != _COENG:
            continue
        if out and it[0] == _BARE_COENG and out[-1][0] == _BARE_COENG:
            continue
        out.append(it)
    # a bare coeng right before a subscript is a doubled coeng: ស + ្ + ្ម
    def doubled(pos: int) -> bool:
        it = out[pos]
        nxt = out[pos + 1] if pos + 1 < len(out) else None
        return it[0] == _BARE_COENG and nxt is not None and nxt[0] == _COENG and nxt[1] == it[1] + 1

    return [it for pos, it in enumerate(out) if not doubled(pos)]


def _canonical(base: str, items: list[Item]) -> str:
    """The cluster retyped in the standard order with the mechanical mistakes repaired."""
    marks = _dedupe([it for it in items if it[0] not in (_JOINER, _INHERENT)])

    def of(*kinds: int) -> list[str]:
        return [t for k, _, t in marks if k in kinds]

    subs = of(_COENG)
    has_ro = any(s[1] == RO for s in subs)
    subs = [s for s in subs if s[1] != RO] + [s for s in subs if s[1] == RO]
    subs = [COENG + TA if (s[1] == DA and has_ro) else s for s in subs]
    shifters, vowels, signs = of(_SHIFTER), of(_VOWEL), of(_SIGN)
    while len(vowels) >= 2 and (vowels[0], vowels[1]) in SPLIT_VOWELS:
        vowels[:2] = [SPLIT_VOWELS[(vowels[0], vowels[1])]]
    if len(vowels) == 2 and vowels[0] == SRA_U and not shifters and _takes_shifter(vowels[1], signs):
        if _shifter_for(base):
            shifters, vowels = [_shifter_for(base)], vowels[1:]
    joiners = [t for k, _, t in items if k == _JOINER]
    return base + "".join(of(_ROBAT) + subs + of(_BARE_COENG) + shifters + joiners + vowels + signs)


def _check_cluster(text: str, start: int, end: int, items: list[Item]) -> list[KhmerFinding]:
    out: list[KhmerFinding] = []
    base, cluster = text[start], text[start:end]
    fixed = _canonical(base, items)

    def hint(action: str) -> str:
        return f"{action}: {fixed}" if fixed != cluster else action

    def add(code: str, message: str, action: str, offset: int, mechanical: bool = True) -> None:
        if mechanical:
            out.append(_finding(code, message, hint(action), offset, cluster, fixed))
        else:
            out.append(_finding(code, message, action, offset, cluster, None))

    marks = [it for it in items if it[0] not in (_JOINER, _INHERENT)]

    # Coengs with no consonant after them: doubled, cut off by a zero-width space, or dangling.
    for pos, (k, i, _t) in enumerate(marks):
        if k != _BARE_COENG:
            continue
        nxt = marks[pos + 1] if pos + 1 < len(marks) else None
        if nxt is not None and nxt[1] == i + 1 and nxt[0] in (_COENG, _BARE_COENG):
            message = f"coeng {_show(COENG)} typed twice in {cluster!r}"
            add("km-duplicate-mark", message, f"delete one {_show(COENG)}", i)
        elif text[i + 1 : i + 2] == ZWSP and _cat(text[i + 2 : i + 3] or " ") == _BASE:
            piece = text[start : i + 3]
            out.append(
                _finding(
                    "km-zwsp-in-word",
                    f"a zero-width space (U+200B) separates coeng {_show(COENG)} from its consonant "
                    f"{text[i + 2]} in {piece!r}",
                    f"delete the zero-width space at offset {i + 1}",
                    i + 1,
                    piece,
                    piece.replace(ZWSP, ""),
                )
            )
        else:
            after = text[i + 1 : i + 2]
            what = "at the end of the text" if not after else f"before {_show(after)}"
            add(
                "km-dangling-coeng",
                f"coeng {_show(COENG)} {what} in {cluster!r} has no consonant to subscript",
                "type the missing subscript consonant after the coeng, or delete the coeng",
                i,
                mechanical=False,
            )

    # The same vowel or mark twice in a row (one report per run).
    for pos in range(1, len(marks)):
        k, _i, t = marks[pos]
        pk, pi, pt = marks[pos - 1]
        if t == pt and k in (_VOWEL, _SIGN, _SHIFTER, _ROBAT) and (pos < 2 or marks[pos - 2][2] != t):
            code, kind = ("km-duplicate-vowel", "vowel") if k == _VOWEL else ("km-duplicate-mark", "mark")
            add(code, f"{kind} {_show(t)} typed twice in {cluster!r}", f"delete one {_show(t)}", pi)
    marks = [it for it in _dedupe(marks) if it[0] != _BARE_COENG]

    # Order: base, robat, subscripts, shifter, vowel, signs.
    first_vowel = next((it for it in marks if it[0] == _VOWEL), None)
    late_sub = next((it for it in marks if it[0] == _COENG and first_vowel and first_vowel[1] < it[1]), None)
    if first_vowel and late_sub:
        add(
            "km-vowel-before-coeng",
            f"vowel {_show(first_vowel[2])} is typed before the subscript {_show(late_sub[2])} in {cluster!r}",
            f"type the subscript {late_sub[2]} first, then the vowel",
            first_vowel[1],
        )
    else:
        for pos, (k, _i, t) in enumerate(marks):
            earlier = next((it for it in marks[:pos] if _RANK[it[0]] > _RANK[k]), None)
            if earlier:
                add(
                    "km-mark-order",
                    f"{_show(earlier[2])} is typed before {_show(t)} in {cluster!r}; the order is base, "
                    "robat, subscripts, shifter, vowel, signs",
                    f"retype the cluster in that order ({fixed}), or delete the mark if it does not belong",
                    earlier[1],
                    mechanical=False,
                )
                break

    # Several vowels in one cluster.
    vowels = [it for it in marks if it[0] == _VOWEL]
    if len(vowels) >= 2:
        (_, i0, v0), (_, _, v1) = vowels[0], vowels[1]
        has_shifter = any(it[0] == _SHIFTER for it in marks)
        if (v0, v1) in SPLIT_VOWELS:
            one = SPLIT_VOWELS[(v0, v1)]
            add(
                "km-split-vowel",
                f"split vowel: {_show(v0)} + {_show(v1)} typed for {_show(one)} in {cluster!r}",
                f"type the single vowel {_show(one)} instead",
                i0,
            )
        elif v0 == SRA_U and not has_shifter and _takes_shifter(v1, [t for k, _, t in marks if k == _SIGN]):
            shifter = _shifter_for(base)
            which = _show(shifter) if shifter else f"{_show(MUUSIKATOAN)} or {_show(TRIISAP)}"
            add(
                "km-u-for-shifter",
                f"sra U {_show(SRA_U)} is typed before the vowel {_show(v1)} in {cluster!r}; "
                "the mark that looks like it there is a register shifter",
                f"type the shifter {which} instead of {_show(SRA_U)}",
                i0,
                mechanical=bool(shifter),
            )
        else:
            add(
                "km-multiple-vowels",
                f"two vowels {_show(v0)} and {_show(v1)} in one cluster {cluster!r}",
                "a Khmer syllable has one dependent vowel: keep the one that was meant",
                i0,
                mechanical=False,
            )

    # Subscripts: coeng RO goes last; DA before RO is TA in these loanwords.
    subs = [it for it in marks if it[0] == _COENG]
    ro = next((pos for pos, it in enumerate(subs[:-1]) if it[2][1] == RO), None)
    if ro is not None:
        add(
            "km-coeng-ro-order",
            f"coeng RO {_show(subs[ro][2])} is typed before the subscript {_show(subs[ro + 1][2])} "
            f"in {cluster!r}; it must be the last subscript",
            "type the other subscript first, then ្រ",
            subs[ro][1],
        )
    if any(it[2][1] == RO for it in subs):
        for _, i, t in subs:
            if t[1] == DA:
                add(
                    "km-coeng-da",
                    f"subscript DA {_show(t)} before coeng RO in {cluster!r}: these loanwords "
                    "(មន្ត្រី, ស្ត្រី, សាស្ត្រ) are spelled with subscript TA ្ត, which looks the same",
                    f"type {_show(COENG + TA)} instead of {_show(t)}",
                    i,
                )
    return out


# --- zero-width spaces between clusters -----------------------------------------------------------


def _in_khmer_run(ch: str) -> bool:
    return _cat(ch) in (_BASE, *_MARKS, _JOINER) and ch != "\u25cc"


def _khmer_runs(text: str) -> list[tuple[int, int]]:
    """Maximal runs of Khmer letters and marks (ZWSP, spaces, punctuation, digits cut them)."""
    runs: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        if _in_khmer_run(text[i]):
            j = i + 1
            while j < n and _in_khmer_run(text[j]):
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _lone_consonant_zwsp(text: str) -> list[KhmerFinding]:
    """A ZWSP that leaves one bare consonant standing alone is almost surely inside a word (ច​ន្ទ)."""
    out: list[KhmerFinding] = []
    runs = _khmer_runs(text)
    for idx, (s, e) in enumerate(runs):
        if e - s != 1 or not _is_consonant(text[s]):
            continue
        before = idx > 0 and runs[idx - 1][1] == s - 1 and text[s - 1] == ZWSP
        after = idx + 1 < len(runs) and runs[idx + 1][0] == e + 1 and text[e] == ZWSP
        if not (before or after):
            continue
        zw = s - 1 if before else e
        lo = max(runs[idx - 1][0] if before else s, s - 8)
        hi = min(runs[idx + 1][1] if after else e, e + 8)
        piece = text[lo:hi]
        out.append(
            _finding(
                "km-zwsp-in-word",
                f"a zero-width space (U+200B) leaves the consonant {text[s]} standing alone in "
                f"{piece!r}: it most likely splits a word",
                f"delete the zero-width space at offset {zw} so the consonant joins its word",
                zw,
                piece,
                piece[: zw - lo] + piece[zw - lo + 1 :],
                severity="warning",
            )
        )
    return out


# --- the whole string -------------------------------------------------------------------------------


def _char_findings(text: str) -> list[KhmerFinding]:
    """Deprecated, discouraged and unassigned characters, wherever they stand."""
    out: list[KhmerFinding] = []
    for i, ch in enumerate(text):
        if ch in DEPRECATED:
            repl = DEPRECATED[ch]
            out.append(
                _finding(
                    "km-deprecated-char",
                    f"{_show(ch)} {unicodedata.name(ch)} is deprecated",
                    f"type {_show(repl)} instead",
                    i,
                    ch,
                    repl,
                )
            )
        elif ch in DISCOURAGED:
            repl = DISCOURAGED[ch]
            if repl:
                hint, fix = f"type {_show(repl)} instead", repl
            elif ch == "\u17d3":
                hint, fix = "use the Khmer lunar date symbols (U+19E0–U+19FF) instead", None
            else:
                hint, fix = "delete it: it is invisible and means nothing in modern Khmer", ""
            out.append(
                _finding(
                    "km-discouraged-char",
                    f"{_show(ch)} {unicodedata.name(ch)} is discouraged by Unicode",
                    hint,
                    i,
                    ch,
                    fix,
                )
            )
        elif "\u1780" <= ch <= "\u17ff" and unicodedata.category(ch) == "Cn":
            out.append(
                _finding(
                    "km-unassigned-char",
                    f"U+{ord(ch):04X} is not an assigned Khmer character",
                    "delete it, or retype the letter that was meant",
                    i,
                    ch,
                )
            )
    return out


def _long_cluster(text: str, start: int, end: int) -> KhmerFinding:
    return _finding(
        "km-long-cluster",
        f"{end - start - 1:,} marks on the letter {text[start]}: no Khmer syllable has more than a few",
        "delete the marks typed or pasted by mistake",
        start,
        text[start : start + _SHOWN],  # the cluster's start: quoting all of it would repeat the garbage
    )


def _orphan(text: str, i: int, j: int) -> KhmerFinding:
    """Marks text[i:j] with no base: cut off by a zero-width space, or simply orphaned."""
    run = text[i:j]
    if i >= 2 and text[i - 1] == ZWSP and _cat(text[i - 2]) in (_BASE, *_MARKS):
        p = i - 2  # back to the base of the cluster the space cuts, over its marks only
        while p > 0 and _cat(text[p]) in (*_MARKS, _JOINER):
            p -= 1
        piece = text[p:j]
        return _finding(
            "km-zwsp-in-word",
            f"a zero-width space (U+200B) cuts the cluster {piece!r}: {_show(run)} is separated "
            "from its base",
            f"delete the zero-width space at offset {i - 1}",
            i - 1,
            piece,
            piece.replace(ZWSP, ""),
        )
    where = "at the start of the text" if i == 0 else f"after {text[i - 1]!r}"
    return _finding(
        "km-orphan-mark",
        f"{_show(run)} {where} has no base letter to sit on",
        "type the letter this mark belongs to before it, or delete the mark",
        i,
        run,
    )


# A fast pass for the common case. Text made only of clusters in the canonical order
# (base, robat, subscripts with RO last, shifter, one vowel, one sign), Khmer digits and
# punctuation, and non-Khmer characters cannot hold any finding of the full check below, which
# walks every character in Python. Zero-width spaces, coeng DA beside coeng RO and doubled
# punctuation always take the full check.
_CLUSTER = (
    "(?:[\u1780-\u17A2]\u17CC?(?:\u17D2[\u1780-\u1799\u179B-\u17A2]){0,2}(?:\u17D2\u179A)?"
    "[\u17C9\u17CA]?[\u17B6-\u17C5]?[\u17C6-\u17C8\u17CB\u17CD-\u17D1\u17DD]?"
    "|[\u17A5-\u17B3][\u17C6\u17C7]?)"
)
_WELL_FORMED = re.compile(f"(?:{_CLUSTER}|[\u17D4-\u17D7\u17D9-\u17DC\u17E0-\u17E9\u17F0-\u17F9]+"
                          "|[^\u1780-\u17FF\u200B]+)*+")
_FULL_CHECK_NEEDED = re.compile("\u17D2\u178A\u17D2\u179A|([\u17D4\u17D5])\\1")
_ANY_KHMER = re.compile("[\u1780-\u17FF\u19E0-\u19FF]")


def _plainly_well_formed(text: str) -> bool:
    return _WELL_FORMED.fullmatch(text) is not None and _FULL_CHECK_NEEDED.search(text) is None


@lru_cache(maxsize=4096)  # a build checks each translation, then counts its words (which repairs it first)
def check_khmer(text: str) -> tuple[KhmerFinding, ...]:
    """All Khmer encoding problems in `text`, sorted by offset. Non-Khmer text is ignored."""
    if _ANY_KHMER.search(text) is None or _plainly_well_formed(text):
        return ()
    return _every_finding(text)


def _every_finding(text: str) -> tuple[KhmerFinding, ...]:
    """`check_khmer` without its fast pass: every character looked at."""
    out = _char_findings(text)
    i, n = 0, len(text)
    while i < n:
        k = _cat(text[i])
        if k == _BASE:
            end, items = _scan_cluster(text, i)
            if len(items) > _LONGEST_CLUSTER:
                out.append(_long_cluster(text, i, end))
            else:
                out.extend(_check_cluster(text, i, end, items))
            i = end
        elif k in _MARKS:
            j = i
            while j < n and _cat(text[j]) in (*_MARKS, _JOINER):
                j += 1
            if any(_cat(c) != _INHERENT for c in text[i:j]):  # lone U+17B4/5: reported above
                out.append(_orphan(text, i, j))
            i = j
        else:
            i += 1
    for m in _DOUBLED_PUNCT.finditer(text):
        out.append(
            _finding(
                "km-duplicate-punct",
                f"{_show(m.group(1))} is typed {len(m.group(0))} times in a row",
                f"type a single {m.group(1)} (end a whole text with ៕ if that was meant)",
                m.start(),
                m.group(0),
                m.group(1),
            )
        )
    cut = {f.offset for f in out if f.code == "km-zwsp-in-word"}  # already reported as an error
    out.extend(f for f in _lone_consonant_zwsp(text) if f.offset not in cut)
    out.sort(key=lambda f: (f.offset, f.code))
    return tuple(out)


def khmer_errors(text: str) -> tuple[KhmerFinding, ...]:
    """Only the error-level findings of `check_khmer(text)`."""
    return tuple(f for f in check_khmer(text) if f.severity == "error")
