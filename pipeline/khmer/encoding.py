"""Khmer encoding checks. Standard library only.

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

from pipeline.khmer.script import (
    BARE_COENG,
    BASE,
    COENG,
    DA,
    INHERENT,
    JOINER,
    MARKS,
    MUUSIKATOAN,
    RANK,
    RO,
    ROBAT,
    SHIFTER,
    SIGN,
    SPLIT_VOWELS,
    SRA_U,
    SUBSCRIPT,
    TA,
    TRIISAP,
    VOWEL,
    ZWSP,
    Cluster,
    Mark,
    canonical,
    dedupe,
    is_consonant,
    khmer_runs,
    kind_of,
    scan_cluster,
    shifter_for,
    takes_shifter,
)
from pipeline.model import Severity

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
    shown = "".join(("\u25cc" + c) if kind_of(c) in MARKS else c for c in chars)
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


def _about(cluster: Cluster, code: str, message: str, action: str, offset: int,
           mechanical: bool = True) -> KhmerFinding:
    """A finding that quotes `cluster`. A mechanical one carries the cluster retyped as its fix and
    shows it in the hint; otherwise a person must decide and there is no fix."""
    if not mechanical:
        return _finding(code, message, action, offset, cluster.text, None)
    fixed = canonical(cluster)
    hint = f"{action}: {fixed}" if fixed != cluster.text else action
    return _finding(code, message, hint, offset, cluster.text, fixed)


def _check_cluster(text: str, cluster: Cluster) -> list[KhmerFinding]:
    """The findings about one cluster of `text`."""
    marks = [m for m in cluster.marks if m.kind not in (JOINER, INHERENT)]
    if not marks:
        return []
    out = _coeng_findings(text, cluster, marks) + _repeat_findings(cluster, marks)
    marks = [m for m in dedupe(marks) if m.kind != BARE_COENG]
    return out + _order_findings(cluster, marks) + _vowel_findings(cluster, marks) + _subscript_findings(cluster, marks)


def _coeng_findings(text: str, cluster: Cluster, marks: list[Mark]) -> list[KhmerFinding]:
    """Coengs with no consonant after them: doubled, cut off by a zero-width space, or dangling."""
    out: list[KhmerFinding] = []
    for pos, mark in enumerate(marks):
        if mark.kind != BARE_COENG:
            continue
        i = mark.index
        nxt = marks[pos + 1] if pos + 1 < len(marks) else None
        if nxt is not None and nxt.index == i + 1 and nxt.kind in (SUBSCRIPT, BARE_COENG):
            message = f"coeng {_show(COENG)} typed twice in {cluster.text!r}"
            out.append(_about(cluster, "km-duplicate-mark", message, f"delete one {_show(COENG)}", i))
        elif text[i + 1 : i + 2] == ZWSP and kind_of(text[i + 2 : i + 3] or " ") == BASE:
            piece = text[cluster.start : i + 3]
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
            out.append(
                _about(
                    cluster,
                    "km-dangling-coeng",
                    f"coeng {_show(COENG)} {what} in {cluster.text!r} has no consonant to subscript",
                    "type the missing subscript consonant after the coeng, or delete the coeng",
                    i,
                    mechanical=False,
                )
            )
    return out


def _repeat_findings(cluster: Cluster, marks: list[Mark]) -> list[KhmerFinding]:
    """The same vowel or mark twice in a row (one report per run)."""
    out: list[KhmerFinding] = []
    for pos in range(1, len(marks)):
        mark, before = marks[pos], marks[pos - 1]
        t = mark.text
        if t == before.text and mark.kind in (VOWEL, SIGN, SHIFTER, ROBAT) and (pos < 2 or marks[pos - 2].text != t):
            code, kind = ("km-duplicate-vowel", "vowel") if mark.kind == VOWEL else ("km-duplicate-mark", "mark")
            message = f"{kind} {_show(t)} typed twice in {cluster.text!r}"
            out.append(_about(cluster, code, message, f"delete one {_show(t)}", before.index))
    return out


def _order_findings(cluster: Cluster, marks: list[Mark]) -> list[KhmerFinding]:
    """Marks out of the order base, robat, subscripts, shifter, vowel, signs (one report)."""
    first_vowel = next((m for m in marks if m.kind == VOWEL), None)
    late_sub = next((m for m in marks if m.kind == SUBSCRIPT and first_vowel and first_vowel.index < m.index), None)
    if first_vowel and late_sub:
        return [
            _about(
                cluster,
                "km-vowel-before-coeng",
                f"vowel {_show(first_vowel.text)} is typed before the subscript {_show(late_sub.text)} "
                f"in {cluster.text!r}",
                f"type the subscript {late_sub.text} first, then the vowel",
                first_vowel.index,
            )
        ]
    for pos, mark in enumerate(marks):
        earlier = next((m for m in marks[:pos] if RANK[m.kind] > RANK[mark.kind]), None)
        if earlier:
            return [
                _about(
                    cluster,
                    "km-mark-order",
                    f"{_show(earlier.text)} is typed before {_show(mark.text)} in {cluster.text!r}; the order "
                    "is base, robat, subscripts, shifter, vowel, signs",
                    f"retype the cluster in that order ({canonical(cluster)}), or delete the mark if it does "
                    "not belong",
                    earlier.index,
                    mechanical=False,
                )
            ]
    return []


def _vowel_findings(cluster: Cluster, marks: list[Mark]) -> list[KhmerFinding]:
    """Several vowels in one cluster: a split vowel, sra U typed for a shifter, or two vowels."""
    vowels = [m for m in marks if m.kind == VOWEL]
    if len(vowels) < 2:
        return []
    i0, v0, v1 = vowels[0].index, vowels[0].text, vowels[1].text
    if (v0, v1) in SPLIT_VOWELS:
        one = SPLIT_VOWELS[(v0, v1)]
        message = f"split vowel: {_show(v0)} + {_show(v1)} typed for {_show(one)} in {cluster.text!r}"
        return [_about(cluster, "km-split-vowel", message, f"type the single vowel {_show(one)} instead", i0)]
    has_shifter = any(m.kind == SHIFTER for m in marks)
    if v0 == SRA_U and not has_shifter and takes_shifter(v1, [m.text for m in marks if m.kind == SIGN]):
        shifter = shifter_for(cluster.base)
        which = _show(shifter) if shifter else f"{_show(MUUSIKATOAN)} or {_show(TRIISAP)}"
        return [
            _about(
                cluster,
                "km-u-for-shifter",
                f"sra U {_show(SRA_U)} is typed before the vowel {_show(v1)} in {cluster.text!r}; "
                "the mark that looks like it there is a register shifter",
                f"type the shifter {which} instead of {_show(SRA_U)}",
                i0,
                mechanical=bool(shifter),
            )
        ]
    return [
        _about(
            cluster,
            "km-multiple-vowels",
            f"two vowels {_show(v0)} and {_show(v1)} in one cluster {cluster.text!r}",
            "a Khmer syllable has one dependent vowel: keep the one that was meant",
            i0,
            mechanical=False,
        )
    ]


def _subscript_findings(cluster: Cluster, marks: list[Mark]) -> list[KhmerFinding]:
    """Subscripts: coeng RO goes last; DA before RO is TA in these loanwords."""
    out: list[KhmerFinding] = []
    subs = [m for m in marks if m.kind == SUBSCRIPT]
    ro = next((pos for pos, m in enumerate(subs[:-1]) if m.text[1] == RO), None)
    if ro is not None:
        out.append(
            _about(
                cluster,
                "km-coeng-ro-order",
                f"coeng RO {_show(subs[ro].text)} is typed before the subscript {_show(subs[ro + 1].text)} "
                f"in {cluster.text!r}; it must be the last subscript",
                "type the other subscript first, then ្រ",
                subs[ro].index,
            )
        )
    if any(m.text[1] == RO for m in subs):
        for m in subs:
            if m.text[1] == DA:
                out.append(
                    _about(
                        cluster,
                        "km-coeng-da",
                        f"subscript DA {_show(m.text)} before coeng RO in {cluster.text!r}: these loanwords "
                        "(មន្ត្រី, ស្ត្រី, សាស្ត្រ) are spelled with subscript TA ្ត, which looks the same",
                        f"type {_show(COENG + TA)} instead of {_show(m.text)}",
                        m.index,
                    )
                )
    return out


# --- zero-width spaces between clusters -----------------------------------------------------------


# Consonants that are words by themselves: ក neck, គ mute, ត to join or go on (មិន​ត​ជា​បណ្ដាញ,
# "not connected to a network"), ស white. A translator's ZWSP beside one separates two words.
ONE_LETTER_WORDS = frozenset("\u1780\u1782\u178f\u179f")


def _lone_consonant_zwsp(text: str) -> list[KhmerFinding]:
    """A ZWSP that leaves one bare consonant standing alone is almost surely inside a word (ច​ន្ទ),
    unless that consonant is a word of its own."""
    out: list[KhmerFinding] = []
    runs = khmer_runs(text)
    for idx, run in enumerate(runs):
        s, e = run.start, run.stop
        if e - s != 1 or not is_consonant(text[s]) or text[s] in ONE_LETTER_WORDS:
            continue
        before = idx > 0 and runs[idx - 1].stop == s - 1 and text[s - 1] == ZWSP
        after = idx + 1 < len(runs) and runs[idx + 1].start == e + 1 and text[e] == ZWSP
        if not (before or after):
            continue
        zw = s - 1 if before else e
        lo = max(runs[idx - 1].start if before else s, s - 8)
        hi = min(runs[idx + 1].stop if after else e, e + 8)
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


def _long_cluster(text: str, cluster: Cluster) -> KhmerFinding:
    start = cluster.start
    return _finding(
        "km-long-cluster",
        f"{cluster.end - start - 1:,} marks on the letter {cluster.base}: no Khmer syllable has more than a few",
        "delete the marks typed or pasted by mistake",
        start,
        text[start : start + _SHOWN],  # the cluster's start: quoting all of it would repeat the garbage
    )


def _orphan(text: str, i: int, j: int) -> KhmerFinding:
    """Marks text[i:j] with no base: cut off by a zero-width space, or simply orphaned."""
    run = text[i:j]
    if i >= 2 and text[i - 1] == ZWSP and kind_of(text[i - 2]) in (BASE, *MARKS):
        p = i - 2  # back to the base of the cluster the space cuts, over its marks only
        while p > 0 and kind_of(text[p]) in (*MARKS, JOINER):
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
# walks every character in Python. Zero-width spaces, coeng DA with a coeng RO after it in its
# cluster and doubled punctuation always take the full check.
_CLUSTER = (
    "(?:[\u1780-\u17A2]\u17CC?(?:\u17D2[\u1780-\u1799\u179B-\u17A2]){0,2}(?:\u17D2\u179A)?"
    "[\u17C9\u17CA]?[\u17B6-\u17C5]?[\u17C6-\u17C8\u17CB\u17CD-\u17D1\u17DD]?"
    "|[\u17A5-\u17B3][\u17C6\u17C7]?)"
)
_WELL_FORMED = re.compile(f"(?:{_CLUSTER}|[\u17D4-\u17D7\u17D9-\u17DC\u17E0-\u17E9\u17F0-\u17F9]+"
                          "|[^\u1780-\u17FF\u200B]+)*+")
_FULL_CHECK_NEEDED = re.compile("\u17D2\u178A(?:\u17D2[\u1780-\u17A2])*\u17D2\u179A|([\u17D4\u17D5])\\1")
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
        k = kind_of(text[i])
        if k == BASE:
            cluster = scan_cluster(text, i)
            if len(cluster.marks) > _LONGEST_CLUSTER:
                out.append(_long_cluster(text, cluster))
            else:
                out.extend(_check_cluster(text, cluster))
            i = cluster.end
        elif k in MARKS:
            j = i
            while j < n and kind_of(text[j]) in (*MARKS, JOINER):
                j += 1
            if any(kind_of(c) != INHERENT for c in text[i:j]):  # lone U+17B4/5: reported above
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


# --- comparing Khmer -----------------------------------------------------------------------------------

_LEFT_OUT = {ord(ch): fix or None for ch, fix in {**DISCOURAGED, **DEPRECATED}.items()}
_LEFT_OUT.update({ord(ch): None for ch in (ZWSP, "\u200c", "\u200d", "\u2060", "\ufeff")})
_ANY_LEFT_OUT = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_LEFT_OUT)) + "]")
_SPACES = re.compile(r"\s+")
_KHMER_RUN = re.compile("[\u1780-\u17ff\u25cc]+")


def standard_khmer(text: str) -> str:
    """The text with its Khmer typed as `pipeline check` would have it: every cluster in the standard
    order with its mechanical mistakes repaired (split vowels, coeng RO last, doubled marks),
    deprecated and discouraged letters replaced, zero-width characters left out. Everything else,
    spaces included, stays as it is."""
    if _ANY_LEFT_OUT.search(text) is not None:  # (found in C at once; `translate` looks each character up)
        text = text.translate(_LEFT_OUT)
    if _plainly_well_formed(text):  # then so is each of its runs: the whole text is kept at once
        return text
    return _KHMER_RUN.sub(_standard_run, text)


def _standard_run(found: re.Match) -> str:
    """One run of Khmer letters and marks (no cluster spans two runs) in the standard order; most
    runs are already, and are seen to be by one regular expression."""
    text = found.group()
    if _plainly_well_formed(text):
        return text
    pieces, at = [], 0
    while at < len(text):
        if kind_of(text[at]) == BASE:
            cluster = scan_cluster(text, at)
            pieces.append(canonical(cluster))
            at = cluster.end
        else:
            pieces.append(text[at])
            at += 1
    return "".join(pieces)


def comparable_khmer(text: str) -> str:
    """Khmer as `pipeline check` would have it typed, for comparing two spellings of a term: every
    cluster in the standard order with its mechanical mistakes repaired (split vowels, coeng RO last,
    doubled marks), deprecated letters replaced, and zero-width characters and spaces left out (a
    translator may or may not break a name with a space); Latin letters in lower case; and the
    spellings Khmer writers use alike made one (subscript ្ដ and ្ត, as in សម្ដេច and សម្តេច; ឲ្យ and ឱ្យ)."""
    text = standard_khmer(_SPACES.sub("", text)).casefold()
    return text.replace("\u17d2\u178a", "\u17d2\u178f").replace("\u17b2", "\u17b1")  # ្ដ/្ត, ឲ/ឱ: one word
