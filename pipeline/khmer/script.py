"""How Khmer text is built: the kind of each character, and clusters. Standard library only.

A cluster is a base letter (a consonant or an independent vowel) and the marks typed after it. The
Unicode/SIL Khmer model types them in one order: base, robat, subscripts (coeng + consonant, coeng
RO last), register shifter, one dependent vowel, signs. `scan_cluster` reads a cluster as it was
typed; `canonical` retypes it in that order with the mechanical mistakes repaired.
"""

from __future__ import annotations

from dataclasses import dataclass

COENG = "\u17d2"
RO = "\u179a"
DA = "\u178a"
TA = "\u178f"
ZWSP = "\u200b"
MUUSIKATOAN = "\u17c9"
TRIISAP = "\u17ca"
SRA_U = "\u17bb"
_JOINERS = "\u200c\u200d"  # ZWNJ, ZWJ: allowed inside a cluster (e.g. after a shifter)

# The kinds of character. A coeng is of kind SUBSCRIPT (it starts one); a mark of a scanned cluster
# is of kind SUBSCRIPT when it is a coeng and its consonant, and BARE_COENG when no consonant follows.
BASE, VOWEL, SIGN, SHIFTER, ROBAT, SUBSCRIPT, INHERENT, JOINER, OTHER = range(9)
BARE_COENG = -1
MARKS = (VOWEL, SIGN, SHIFTER, ROBAT, SUBSCRIPT, INHERENT)
# Where each kind of mark stands in the typing order.
RANK = {ROBAT: 1, SUBSCRIPT: 2, BARE_COENG: 2, SHIFTER: 3, VOWEL: 4, SIGN: 5}


def kind_of(ch: str) -> int:
    """The kind of one character: BASE, one of the MARKS, JOINER or OTHER."""
    o = ord(ch)
    if 0x1780 <= o <= 0x17B3 or o == 0x17DC or o == 0x25CC:
        return BASE  # consonants, independent vowels (incl. deprecated 17A3/17A4), ◌
    if 0x17B6 <= o <= 0x17C5:
        return VOWEL
    if o in (0x17C9, 0x17CA):
        return SHIFTER
    if o == 0x17CC:
        return ROBAT
    if o == 0x17D2:
        return SUBSCRIPT
    if 0x17C6 <= o <= 0x17D1 or o in (0x17D3, 0x17DD):
        return SIGN
    if o in (0x17B4, 0x17B5):
        return INHERENT
    if ch in _JOINERS:
        return JOINER
    return OTHER


def is_consonant(ch: str) -> bool:
    return "\u1780" <= ch <= "\u17a2"


# Consonants of the first (a-) series take TRIISAP ៊ to move to the o-series; the sonorants of
# the second (o-) series take MUUSIKATOAN ៉; BA takes either (ប៉ = p, ប៊ = b with o-series).
_FIRST_SERIES = set("កខចឆដឋណតថផសហឡអឝឞ")
_SECOND_SERIES = set("គឃងជឈញឌឍនទធពភមយរលវ")
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


def shifter_for(base: str) -> str:
    """The register shifter a base letter takes; "" for BA (either) and non-consonants."""
    if base in _FIRST_SERIES and base != "ប":
        return TRIISAP
    if base in _SECOND_SERIES:
        return MUUSIKATOAN
    return ""


def takes_shifter(vowel: str, signs: list[str]) -> bool:
    """Whether a register shifter written before `vowel` takes the shape of sra U ុ."""
    return vowel in _UPPER_VOWELS or (vowel == "\u17b6" and signs[:1] == ["\u17c6"])  # ាំ


# --- clusters ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mark:
    """One mark of a cluster as typed: its kind, its index in the text, and its characters (two
    for a subscript: the coeng and its consonant)."""

    kind: int
    index: int
    text: str


@dataclass(frozen=True, slots=True)
class Cluster:
    """A base letter and the marks typed after it, `text` being the characters start:end of the
    string it was read from."""

    start: int
    end: int
    text: str
    marks: tuple[Mark, ...]

    @property
    def base(self) -> str:
        return self.text[0]


def scan_cluster(text: str, start: int) -> Cluster:
    """The cluster whose base letter stands at `start`: it ends at the first character that is
    not one of its marks."""
    marks: list[Mark] = []
    j, n = start + 1, len(text)
    while j < n:
        ch = text[j]
        k = kind_of(ch)
        if k == SUBSCRIPT:
            if j + 1 < n and kind_of(text[j + 1]) == BASE and text[j + 1] != "\u25cc":
                marks.append(Mark(SUBSCRIPT, j, text[j : j + 2]))
                j += 2
            else:
                marks.append(Mark(BARE_COENG, j, ch))
                j += 1
        elif k in (VOWEL, SIGN, SHIFTER, ROBAT, INHERENT, JOINER):
            marks.append(Mark(k, j, ch))
            j += 1
        else:
            break
    return Cluster(start, j, text[start:j], tuple(marks))


def dedupe(marks: list[Mark]) -> list[Mark]:
    """Drop a mark that repeats the one just before it (subscripts may repeat: ក្ក)."""
    out: list[Mark] = []
    for mark in marks:
        if out and mark.text == out[-1].text and mark.kind != SUBSCRIPT:
            continue
        if out and mark.kind == BARE_COENG and out[-1].kind == BARE_COENG:
            continue
        out.append(mark)

    # a bare coeng right before a subscript is a doubled coeng: ស + ្ + ្ម
    def doubled(pos: int) -> bool:
        mark = out[pos]
        nxt = out[pos + 1] if pos + 1 < len(out) else None
        return mark.kind == BARE_COENG and nxt is not None and nxt.kind == SUBSCRIPT and nxt.index == mark.index + 1

    return [mark for pos, mark in enumerate(out) if not doubled(pos)]


def canonical(cluster: Cluster) -> str:
    """The cluster retyped in the standard order with the mechanical mistakes repaired."""
    marks = dedupe([m for m in cluster.marks if m.kind not in (JOINER, INHERENT)])

    def of(*kinds: int) -> list[str]:
        return [m.text for m in marks if m.kind in kinds]

    subs = of(SUBSCRIPT)
    has_ro = any(s[1] == RO for s in subs)
    subs = [s for s in subs if s[1] != RO] + [s for s in subs if s[1] == RO]
    subs = [COENG + TA if (s[1] == DA and has_ro) else s for s in subs]
    shifters, vowels, signs = (_once_each(of(kind)) for kind in (SHIFTER, VOWEL, SIGN))
    while len(vowels) >= 2 and (vowels[0], vowels[1]) in SPLIT_VOWELS:
        vowels[:2] = [SPLIT_VOWELS[(vowels[0], vowels[1])]]
    base = cluster.base
    if len(vowels) == 2 and vowels[0] == SRA_U and not shifters and takes_shifter(vowels[1], signs):
        if shifter_for(base):
            shifters, vowels = [shifter_for(base)], vowels[1:]
    joiners = [m.text for m in cluster.marks if m.kind == JOINER]
    return base + "".join(of(ROBAT) + subs + of(BARE_COENG) + shifters + joiners + vowels + signs)


def _once_each(texts: list[str]) -> list[str]:
    """Marks of one kind with a mark that repeats the one before it dropped: typed apart (ក + ំ + ា
    + ំ), they are a doubled mark once in the standard order, and repaired as one."""
    return [text for at, text in enumerate(texts) if at == 0 or text != texts[at - 1]]


# --- runs of Khmer -------------------------------------------------------------------------------


def _in_khmer_run(ch: str) -> bool:
    return kind_of(ch) in (BASE, *MARKS, JOINER) and ch != "\u25cc"


def khmer_runs(text: str) -> list[range]:
    """Maximal runs of Khmer letters and marks (ZWSP, spaces, punctuation, digits cut them)."""
    runs: list[range] = []
    i, n = 0, len(text)
    while i < n:
        if _in_khmer_run(text[i]):
            j = i + 1
            while j < n and _in_khmer_run(text[j]):
                j += 1
            runs.append(range(i, j))
            i = j
        else:
            i += 1
    return runs
