"""Line breaking as GNU gettext 0.21 does it: libunistring 1.0's `ulc_width_linebreaks`, UTF-8.

UAX #14 break opportunities (Unicode 14 data) and a greedy fill to a width, counted in columns
the way `uc_width` counts them (Khmer combining marks are 0 columns wide, CJK 2). The writer
breaks the *escaped* text of a string with `_fill`; the indices where gettext forbids a break
(inside an escape sequence or a format directive) are given to it.

The tables are built once, when this module is imported, from the data at its end: one code per
character (its class and width in one ASCII character, so that `str.translate` classifies a
whole string at once), the pair table, and a regex for the breaks in printable ASCII.
"""

from __future__ import annotations

import base64
import re
import zlib
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

# Line breaking classes, numbered as the pair table. AI, SA and XX are resolved to AL, CB to ID
# (what libunistring does for a non-CJK encoding) in the data.
_WJ, _GL, _B2, _BA, _BB, _HY, _CL, _CP, _CP2, _EX, _IN, _NS, _OP, _OP2, _QU, _IS, _NU, _PO, \
    _PR, _SY, _AL, _H2, _H3, _ID, _ID2, _JL, _JV, _JT, _HL, _RI, _ZWJ, _EB, _EM, _BK, _CR, _LF, \
    _CM, _ZW, _SP = range(39)
_HL_BA = 99  # "Hebrew letter followed by hyphen or break-after" (rule LB21a)

_SP_CODE = chr(1 + 3 * _SP + 1)
_AL_CODES = (chr(1 + 3 * _AL), chr(2 + 3 * _AL), chr(3 + 3 * _AL))
# a run of letters (or any other single character) and the spaces after it
_RUN_RE = re.compile(
    f"([{re.escape(_AL_CODES[0])}-{re.escape(_AL_CODES[2])}]+|.)({re.escape(_SP_CODE)}*)", re.S
)


# --- width ------------------------------------------------------------------------------------


def _classify(s: str) -> str:
    """One ASCII character per character of `s`: chr(1 + 3 * line breaking class + width)."""
    codes = s.translate(_CODES)
    if not codes.isascii():  # characters from U+20000 on were left as they were
        codes = "".join(c if c < "\x80" else _BEYOND_CODES[bisect_right(_BEYOND_STARTS, ord(c)) - 1]
                        for c in codes)
    return codes


def _codes_width(codes: str) -> int:
    """Columns of the text that `_classify` turned into `codes`."""
    return len(codes.translate(_CODE_WIDTH))


def _text_width(s: str) -> int:
    """Columns of `s` as libunistring's uc_width counts them (control characters count 0)."""
    if s.isascii() and s.isprintable():
        return len(s)
    return _codes_width(_classify(s))


# --- breaking ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fill:
    """How a text is broken into lines: `breaks`, the indices before which a line starts, and
    whether the text has a break opportunity at all and a mandatory break."""

    breaks: list[int]
    opportunity: bool
    mandatory: bool


def _break_points(s: str, width: int, start_column: int, prohibited: Iterable[int],
                  codes: str | None = None) -> list[int]:
    """Indices i of `s` before which msgcat starts a new line."""
    return _fill(s, width, start_column, prohibited, codes).breaks


def _fill(s: str, width: int, start_column: int, prohibited: Iterable[int],
          codes: str | None = None) -> Fill:
    """The lines of `s` in `width` columns, its first line starting at `start_column`: the
    greedy fill of libunistring's `u8_width_linebreaks_v2`.

    `prohibited` holds the indices where gettext's overrides forbid a break. A run of letters
    (class AL) and the spaces after it are taken in one step: inside them nothing can break.
    `codes` is `_classify(s)` when the caller has it already."""
    if s.isascii() and s.isprintable():
        return _ascii_fill(s, width, start_column, prohibited)
    if codes is None:
        codes = _classify(s)
    forbid = set(prohibited)
    al0, al2 = _AL_CODES[0], _AL_CODES[2]
    zero_width_letters = al0 in codes
    wide_letters = al2 in codes
    runs = _RUN_RE.findall(codes)
    result: list[int] = []
    opportunity = mandatory = False
    last_p = -1
    last_column = start_column
    piece_width = 0
    i = 0
    for (run, spaces), brk in zip(runs, _opportunities(runs)):
        code = ord(run[0]) - 1
        if brk and not (forbid and i in forbid):
            if brk == 1:
                opportunity = True
                if last_p >= 0 and last_column + piece_width > width:
                    result.append(last_p)
                    last_column = 0
                last_p = i
                last_column += piece_width
                piece_width = 0
            else:
                mandatory = True
                if last_p >= 0 and last_column + piece_width > width:
                    result.append(last_p)
                last_p = -1
                last_column = 0
                piece_width = -(code % 3)  # the mandatory break character itself is not counted
        n = len(run)
        if n == 1:
            piece_width += code % 3
        else:  # a run of letters: nothing changes inside it
            piece_width += n
            if zero_width_letters:
                piece_width -= run.count(al0)
            if wide_letters:
                piece_width += run.count(al2)
        i += n
        if spaces:
            piece_width += len(spaces)
            i += len(spaces)
    if last_p >= 0 and last_column + piece_width > width:
        result.append(last_p)
    return Fill(result, opportunity, mandatory)


def _opportunities(runs: list[tuple[str, str]]) -> list[int]:
    """The break before each run of `_RUN_RE` (one character, or letters, and the spaces after
    it): 0 none, 1 possible, 3 mandatory. The UAX #14 rules of libunistring's
    `u8_possible_linebreaks_v2`; nothing can break inside a run."""
    pairs = _PAIR
    out: list[int] = []
    prev_prop = last_prop = _BK  # the class before, and the last one that is no space or mark
    seen_space = False
    ri_count = 0
    for run, spaces in runs:
        p = (ord(run[0]) - 1) // 3
        if p < _BK and p != _ZWJ:
            if last_prop == _BK:
                brk = 0
            elif last_prop == _ZW:
                brk = 1
            elif prev_prop == _ZWJ or prev_prop == _HL_BA:
                brk = 0
            elif p == _RI and last_prop == _RI:
                brk = 1 if (seen_space or ri_count % 2 == 0) else 0
            else:
                t = pairs[last_prop * 64 + p]
                brk = 1 if t == 1 or (t == 2 and seen_space) else 0
            last_prop = p
            seen_space = False
            if p == _RI:
                ri_count += 1
                prev_prop = p
            else:
                ri_count = 0
                prev_prop = _HL_BA if (prev_prop == _HL and (p == _HY or p == _BA)) else p
        elif _BK <= p <= _LF:  # BK, CR, LF: mandatory break
            brk = 3
            prev_prop = p
            last_prop = _BK
            seen_space = False
            ri_count = 0
        else:
            brk = 0
            if p == _SP:
                seen_space = True
            elif p == _ZW:
                last_prop = _ZW
                seen_space = False
            elif last_prop == _BK:  # CM or ZWJ from here on
                last_prop = _AL
                seen_space = False
            elif last_prop == _ZW or seen_space:
                brk = 1
                last_prop = _AL
                seen_space = False
            prev_prop = p
            ri_count = 0
        out.append(brk)
        if spaces and p != _SP:  # no break before a space, and more spaces change nothing
            seen_space = True
            prev_prop = _SP
            ri_count = 0
    return out


# --- printable ASCII --------------------------------------------------------------------------


def _ascii_fill(s: str, width: int, start_column: int, prohibited: Iterable[int]) -> Fill:
    """`_fill` for printable ASCII, a line at a time instead of a character at a time.

    The greedy fill breaks a line at its last break opportunity before the first opportunity (or
    the end of the text) that would overflow it, and never before the first opportunity after
    the line's start. Every character is one column wide, so columns are indexes."""
    forbid = set(prohibited)
    result: list[int] = []
    line_start, column = 0, start_column
    while True:
        limit = line_start + width - column  # the last index the line may reach
        if len(s) <= limit:
            break
        cut = _last_ascii_break(s, line_start, limit, forbid)
        if cut < 0:  # one piece longer than the line: it stays whole
            cut = _next_ascii_break(s, line_start, forbid)
            if cut < 0:
                break
        result.append(cut)
        line_start, column = cut, 0
    return Fill(result, bool(result) or _next_ascii_break(s, 0, forbid) >= 0, False)


_LOOK_BACK = 16  # how far back from a line's end to look for its last break first


def _last_ascii_break(s: str, low: int, limit: int, forbid: set[int]) -> int:
    """The last break opportunity in s[low + 1 : limit + 1], or -1."""
    start = max(low, limit - _LOOK_BACK)
    while start > low and s[start - 1] == " ":  # a match starts at the first space of a run
        start -= 1
    while True:
        last = -1
        for found in _ASCII_BREAK.finditer(s, start, limit + 1):
            if found.end() not in forbid:
                last = found.end()
        if last >= 0 or start == low:
            return last
        start = low


def _next_ascii_break(s: str, low: int, forbid: set[int]) -> int:
    """The first break opportunity after index `low`, or -1."""
    for found in _ASCII_BREAK.finditer(s, low):
        if found.end() not in forbid:
            return found.end()
    return -1


# --- the tables -----------------------------------------------------------------------------

# The data: Unicode 14.0 as compiled into libunistring 1.0, the library GNU gettext 0.21 breaks lines with.
# Read out of that library (its line breaking property and pair tables, and `uc_width` for every
# code point), with the classes resolved the way it resolves them for UTF-8 (AI, SA and XX become
# AL, CB becomes ID). `tests/test_po.py` compares the line breaking built on it with the library.
#
# * `_PAIRS`: the UAX #14 pair table, 33 rows (class before) of 33 columns (class after):
#   0 no break, 1 direct break, 2 indirect break (only across spaces).
# * `_CODES_DATA`: zlib+base64 of one byte per code point below U+20000, its line breaking class
#   (numbered as above) and column width (0, 1, 2) in one value, 1 + 3 * class + width;
#   `_CODE_RUNS_BEYOND`: the same values from U+20000 on, as (first code point, value) runs.

_PAIRS = (
    "022222000022222022202222222222222"
    "022222000022222022202222222222222"
    "020212000022112011101111111111111"
    "011212000022112011101111111111111"
    "022222000022222022202222222222222"
    "011212000022112021101111111111111"
    "021212000020112012201111111111111"
    "021212000022112022202111111121211"
    "021212000022112012201111111111111"
    "021212000022112011101111111111111"
    "021212000022112011101111111111111"
    "021212000022112011101111111111111"
    "000000000000000000000000000000000"
    "000000000000000000000000000000000"
    "022222000022002022202222222222222"
    "021212000022112021101111111111111"
    "021212000022212022202111111121211"
    "021212000022222021102111111121211"
    "021212000022222021102222222221222"
    "021212000022112021101111111121111"
    "021212000022212022202111111121211"
    "021212000022112012101111112211111"
    "021212000022112012101111111211111"
    "021212000022112012101111111111111"
    "021212000022112012101111111111112"
    "021212000022112012101221122111111"
    "021212000022112012101111112211111"
    "021212000022112012101111111211111"
    "021212000022212022202111111121211"
    "021212000022112011101111111111111"
    "021212000022212022202112211121222"
    "021212000022112012101111111111112"
    "021212000022112012101111111111111"
)
_CODES_DATA = (
    "eNrtnVtrI8kVgFkYw7AdBEsk9knGwYogRuDBoEXDohIEFjUe2IV9MIQ8WJBZAoHqyUP+P6lLX6pafb9IsvV91qXVp7oup06d"
    "PtWSu6SM+f4/X7/+Wx7xv/lKbNZitfxRbB5/ePz5KeXxUQgxF+UsNz+KKpbBVNhCvspSbpbrzWZj0q/E90Ks1fZExJ9VHgJA"
    "WJuYFO+uRA7LB++DxUvgl/5Ix6VdcOVaeAz066adQQZSpVePeaq9l3ISsVfs1qA21uu19uhO5nM5n8/b96NPdr5YPz3pRCdQ"
    "5TypylYkpmW0pDey+hQeuq2rYEVnjD9ECkqpaU9hJsbcdM/K+MxamNRJn35qV+UuLTW26FS2p/lpI6gbRFHHPomkiKIozUVv"
    "R9GxN1OjNKjoJX1MV6tIyhdCZ6K2U1Hklu9byXptdq+VrxFmZPQtPynEtrqwx7Lyj9L0L99aZ+S1X5S2f+PbS0/9y0L9e22q"
    "8zp9/IY1Of0eGV0U9X+Jl9ik5hfJzu2P7T51EE6Tq9s/ce1/0qf/o7jtIjFFYXujof5l9/6X2fir0n9J+ev+47/AjmyFMs1E"
    "x/3fs7xtEjNsHStKdm2dkoJglFNhVn5yqvDimBbnw9gSFerlZjIJbuaaGzOpTWypKD8ddQm5nC6nHXSZD+Di16PTfJPwTyQ6"
    "lk5zAjucbm5G0L1WcazpremI0v62neP3UZbHUYemm56+t+PHir+OzG8D8ftIMP0cN2wXwWVXMaCX4DLtbzkduKhmEUndjFCJ"
    "KzOStVcQ+p+GRS4AcoOi7TYI7pVeg41oFA/N54EKGebmoskH2Tp+GsZPNgxvz+LCzcxexrG0mXFFcZidavAsWhPVM+2eze4+"
    "LTT2mBjo1rVNf66gPx/ZW1396yLiLuF42yDeTvplbAn+BM6LhwPP5RxXUklrS4/sxSUpoybXLytqbKoqu8x3k7lkdqnLtEG3"
    "Lmjbf3mXPEbI5V/dc5QuU1cSvZfvG/p+YUUEcsVM4kEcBDfq+V/5Tyn11kclWq2WK/3Uye7u7oI//rBfx69jVAJxf2+zeVxO"
    "75PtJKozrk89vzN+vsTe8hFeQcS3saw3Huv4ZZ0XbDoY/Nq7HudeHL1KNu+58Xflk4288YWh9/Fh9rZbvlPoVu33IY4PYpsQ"
    "e0V+t7b8vZa8HstScsftHAqTF+dSZIu74k8F+Yahrv7evJlCdnrDGLjesfdqGRelU4dq/2toBoNhpxMeDq+vFapqok6bSmtg"
    "Z06hGjU73Mf+JfurH6sN67FrdqWkcclwenzTGKijmmSBNdR5xw4HNXUWcKbpcrw11xOU+cm//sgVKE/Q4EpWHvFsUM3cloE+"
    "gZl5YOyQ9P65MLM6k/PHj3aKt8wOsqL5PD2kvn5hKbtwLNxYJXyX7ErJp/rTbBaGizB8mCV/2fbiQQsTtLV8+2Y27etCHbbf"
    "LcLkr4xFTWWdo5O3xW4n5UKhCxkjf/uq3tsawcgGsxvbGhY5hqpP/XgGAAAAAAAAAAAAAAAAgDr6/j4ADQIAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACcgQUqAIAT03091sq15ytW4w1YEtlVx/F6yE8pgy1H7KxJXJ98+PWQhV2s"
    "GJwlqGXVWtRRJGWUT7DuUeJkMp9nmbc/PsqRWUkQ5O31eMVrpx5K3My+k2NL7cbJ32/Rr1XYA9tqQOoWS/MaJYWlFl3Ynu0A"
    "4zlpnH0WrmGuW+LlXzPOth1sZyu2W3Xc1h6r3ppnYqpuahTJaxrgqr/MI9DNzvf/338pBxkyZMiQIUOGDBkyZMiQIUOGDBky"
    "ZMiQIUOGDBkyZMiQIUOGDBkyZMiQIUOGDBkyZO1l7o95fytGi35vC//7AAAAAAAAAAAAAAAAAAAAAO8Bbrp63VQax4t8SREv"
    "LiJ+FS/xIxXAFTFdvuXa63u45u+O+mk2+/Tp9vZh9hd7P+W83Ayah5n/p/fE42kWznaLxe1tmEji+zOHn38K29+feXS+292G"
    "umqmAaru7k3w9V3wbytcx4OXvFj+MJv+bTq939+n7NtQm1w1IdkoeFfSnz6rmnz+fNxy1Zd7BrC46ltBS5p4plo1ufm5Mc/W"
    "9vzO+m/g+88DwAlOq7TjrZwgzYIc6VmpzWFFp9cg5sLamKvf3SCBI+uIXEmY7IwL4pEzdkNwyRbScEmjSus6PZGM+ra4cmGc"
    "/KiR/qJOrZe/ibLFb4TYag/s5NZgLZiC9YEaNzdK+zjLxZwD2i1iJPXCQ1nGrfUfq8BZbEhVITD1itz1jCZDX9ywBeu1ZEyH"
    "q8cJDbdbS6SjrJL+j6LOg94uraMzsM8sp8jVWjpa2sz8LxlHqdYkZBIReSNjjKsvadFW82ZQXtH1grj5dg000/hJEJjV1AKf"
    "XNg7UtdHR54/r/+JS8+TbCSzzj9Jf8dLjW3NomN2yTG3vGsL/70TzxvxYkPbh11xMHbqygzVpnTt4Oz+J/UQ0jpIFQZE9YFc"
    "FLWa+puwTb+aGCOYOI7eOS30iCiNYwm092CKfVEuIIlk0vAzdxWkzv4n85Yzi6TAKLOMs/qeLJIT2VK2YoDzkXUscVDJ9YYx"
    "e7BzyP/GWCvGmFUBAHS5jMOXJgAAAAAAAO+K5XI5nU6bpNSJltPl9NoUNH2TLf5g+eufMXEAAAAAAAAAgDNwdVfRAAAAAAAA"
    "AAAAAAAAAAAAAABgRPz7lw1/65e290ezd6vuXl56v2snj6BHfQDgiLd6jygZ3yC2NY57GbRCC8UH5/O3b76cFWABAAAAAAAA"
    "AAAAAN4PXP8HCMMdvEOafz965BABAAAAAAAAAAAAAAAAAAAAAC4Y8+uY5Fcy6sEvwBr/VLIRi8WiaF+6E3W+0Y4FAAAAgPGR"
    "Mhj8hmgAAAAAAAAAAHBVyFaUpkeRUE4UWROxSz2UGlW9pV7oCKKHAQDOzFNr0Bnxbwe6HZoWmquDXu/reMUvewiBNgDAmP5f"
    "lF/qEIkUZYnjqTqR1Em137vvcv21QacAAO/z/HzqMv3zy3JJjwAMwzp+AsAw7BXhvhnPiv0JeHY4EuV3+B/D55Yl5JUxtrKr"
    "E+yEqFrExNNMG/5RShiGX1za/P+8lz49/ktBfl8ultpGetaV7hzmBgRJNofiIrXBlCxaZN/swYeDyeHw+honL6yyk3lo9/9L"
    "07sFe1N8RmGywzFJs/Vmdtghr4ud+UuVtEvaPoz+98n6T9XLQpWKvMFZaRhun+iO2u8PhZ7JinxZ2NJ/ur69XL4fTo9xd2qa"
    "OcLVanV/f6+3muReXJwrtO06WLs2L8bt+Xo3O70xkff/J8L1zKOd1OP8Xb2Zz7kzQ75efduU39P9+OJU+87nwGLc3A+Orfnu"
    "7FDgybTnO3Q9Hxx6jjfzKByHeSd7hnvglMdvsT0+597DzCorK+vLk/Sqnc8Fx/ufE3msmHHH3wWT/77qGQCuFCH+D+3Vt2M="
)
_CODE_RUNS_BEYOND = (
    (0x20000, 72), (0x2FFFE, 63), (0x30000, 72), (0x3FFFE, 63),
    (0x40000, 62), (0xE0001, 109), (0xE0002, 62), (0xE0020, 109),
    (0xE0080, 62), (0xE0100, 109), (0xE01F0, 62),
)


def _pair_table() -> bytes:
    """`_PAIRS` with rows 64 wide: [64 * class_before + class_after]."""
    rows = [_PAIRS[i : i + 33].ljust(64, "0") for i in range(0, len(_PAIRS), 33)]
    return bytes(map(int, "".join(rows)))


def _ascii_break_pattern(codes: bytes, pairs: bytes) -> re.Pattern[str]:
    """A regex whose matches end where the pair table allows a break in printable ASCII: after a
    character directly followed by one it may be broken from (`-a`, `/a`), or after spaces
    between two characters it may be broken from across spaces (`a b`). Printable ASCII holds
    none of the classes with rules of their own (BK, CR, LF, CM, ZW, ZWJ, HL, RI)."""
    chars: dict[int, str] = {}  # line breaking class -> its characters
    for code in range(0x21, 0x7F):
        kind = (codes[code] - 1) // 3
        chars[kind] = chars.get(kind, "") + chr(code)
    direct: dict[str, str] = {}  # characters after -> characters before
    spaced: dict[str, str] = {}
    for before, lefts in chars.items():
        row = [(pairs[before * 64 + after], rights) for after, rights in chars.items()]
        after_direct = "".join(rights for kind, rights in row if kind == 1)
        after_spaces = "".join(rights for kind, rights in row if kind != 0)
        if after_direct:
            direct[after_direct] = direct.get(after_direct, "") + lefts
        if after_spaces:
            spaced[after_spaces] = spaced.get(after_spaces, "") + lefts
    # Every match starts with a space or with a character that may be broken from directly (one
    # set of characters, no letter, which lets the search skip letters quickly); the branches
    # then look back.
    parts = [f"(?<=[{re.escape(lefts)}])(?=[{re.escape(rights)}])" for rights, lefts in direct.items()]
    parts += [f"(?<=[{re.escape(lefts)}] ) *(?=[{re.escape(rights)}])" for rights, lefts in spaced.items()]
    return re.compile(f"[ {re.escape(''.join(direct.values()))}](?:{'|'.join(parts)})")


# A character's code: chr(1 + 3 * line breaking class + width), an ASCII character.
_CODES = zlib.decompress(base64.b64decode("".join(_CODES_DATA)))  # code point -> code (`str.translate`)
_BEYOND_STARTS = [start for start, _ in _CODE_RUNS_BEYOND]  # the code points from U+20000 on...
_BEYOND_CODES = "".join(chr(code) for _, code in _CODE_RUNS_BEYOND)  # ...and their codes
# such a character -> its width as a string of that length (a `str.translate` table)
_CODE_WIDTH = {code: "xx"[: (code - 1) % 3] or None for code in range(1, 3 * _SP + 4)}
_PAIR = _pair_table()  # [64 * class_before + class_after]: 0 no break, 1 direct, 2 indirect
_ASCII_BREAK = _ascii_break_pattern(_CODES, _PAIR)  # matches end where printable ASCII may break
