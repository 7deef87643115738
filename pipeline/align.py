"""Pairing the units of an article with the units of its existing translation (pure functions).

Used by `pipeline import` to turn a hand-translated page into a catalog. Both sides are reduced to
sequences of `Unit`s (what `pipeline.segment` calls a unit, plus where it sits in the document);
`align` pairs them with a dynamic-programming alignment that keeps the order of the document as a
strong prior and scores each candidate pair by:

- kind and structure (heading with heading of the same level, list item with list item, table
  cell with the cell at the same row and column);
- anchors that survive translation: numbers (Khmer digits count as Latin ones), link and image
  URLs, inline code, footnote markers, Obsidian embeds and callout types;
- Latin words written in the translation (names, product words) that the source also contains;
- the length ratio, compared with the ratio of the whole article.

Besides one-to-one pairs it knows gaps on either side (a unit the translation left out, a
paragraph the translator added), one source unit translated by two target units (a split
paragraph) and two source units translated by one (merged paragraphs). Each pair says whether it
is confident and, when not, why; the caller turns that into `fuzzy` entries with a comment. A pair
whose anchors contradict each other (`contradiction`: other numbers, other addresses, other names)
is never confident, however well it scores.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from pipeline.khmer import khmer_ratio, numbers_in
from pipeline.markdown import inline_features
from pipeline.segment import without_code_spans

# --- scores (tuned on the real pairs of corpora/real-articles) -------------------------------------
GAP = -0.6  # a unit with no counterpart, on either side
JOIN = -0.9  # extra cost of pairing one unit with two
MARGIN = 0.5  # how much a pair must beat its neighbours to count as decided by content
SAME_KIND, OTHER_KIND = 1.0, -1.5
LENGTH_WEIGHT = 1.5  # per unit of |log(length ratio / article ratio)|
IDENTICAL = 3.0  # bonus when the translation repeats the source text unchanged
JOINABLE_KINDS = ("paragraph", "blockquote", "list item", "footnote")

_URL_TARGET = re.compile(r"\]\((?:[^)\]]|\](?!\())*\)")  # (a target ends at the next `](`: linear time)
_BARE_URL = re.compile(r"(?:https?|ftp|mailto):[^\s)>\]]+|www\.[^\s)>\]]+")
_EMBED = re.compile(r"!\[\[([^\]\[|#]+)")  # (a name ends at the next `[`: linear time)
_CALLOUT = re.compile(r"\[!([A-Za-z-]+)\]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]+")
_MARKUP = re.compile(r"[*_~`#>|\[\]()!\\]")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)  # (tried once per run: linear)
_SENTENCE_START = re.compile(r"(?:\A|[.!?:;\n])[\s*_\[(\"'“‘]*(?=[A-Za-z])")  # what comes before a sentence's first word
_MOSTLY_KHMER = 0.5  # khmer_ratio from which a text's Latin words stand out as names


@dataclass(frozen=True)
class Unit:
    """One translatable unit as the aligner sees it."""

    kind: str  # heading, paragraph, list item, table cell, blockquote, footnote, image alt
    text: str
    level: int = 0  # heading level
    container: str = ""  # innermost block container: "list", "table", "quote" or ""
    group: tuple = ()  # identity of that container inside its document (its address)
    position: tuple = ()  # index of a list item in its list, (row, column) of a table cell
    image: str = ""  # the image URL of an image alt


@dataclass(frozen=True)
class Pair:
    """Source units paired with target units. `source` or `target` may be empty (a gap)."""

    source: tuple[int, ...]
    target: tuple[int, ...]
    confident: bool
    reason: str = ""  # why the pair is not confident; empty when it is
    score: float = 0.0

    @property
    def kind(self) -> str:
        if not self.target:
            return "missing"
        if not self.source:
            return "extra"
        if len(self.source) == 2:
            return "merged"
        if len(self.target) == 2:
            return "split"
        return "pair"


@dataclass
class _Features:
    unit: Unit
    length: float
    anchors: Counter
    words: frozenset
    parts: int = 1


def _features(unit: Unit, languages: tuple[str, ...] = ()) -> _Features:
    text = unit.text
    found = inline_features(text)
    anchors: Counter = Counter()
    anchors.update("n:" + n for n in numbers_in(without_code_spans(text)))
    anchors.update("u:" + _same_page(u, languages) for u in found.links)
    anchors.update("i:" + u for u in found.images)
    anchors.update("c:" + c.strip("`").strip() for c in found.code)
    anchors.update("f:" + f for f in found.footnotes)
    anchors.update("e:" + e.strip() for e in _EMBED.findall(text))
    anchors.update("k:" + k.lower() for k in _CALLOUT.findall(text))
    if unit.image:
        anchors["i:" + unit.image] += 1
    prose = _BARE_URL.sub(" ", without_code_spans(_URL_TARGET.sub("]", text)))
    words = frozenset(w.lower() for w in _LATIN_WORD.findall(prose))
    length = len(_MARKUP.sub("", prose).strip()) or 1
    return _Features(unit=unit, length=float(length), anchors=anchors, words=words)


def _joined(a: _Features, b: _Features) -> _Features:
    return _Features(unit=a.unit, length=a.length + b.length, anchors=a.anchors + b.anchors,
                     words=a.words | b.words, parts=a.parts + b.parts)


def length_ratio(source: Sequence[_Features], target: Sequence[_Features]) -> float:
    """The article's overall target/source length ratio, kept within sane bounds."""
    total_s = sum(f.length for f in source) or 1.0
    total_t = sum(f.length for f in target) or 1.0
    return min(max(total_t / total_s, 0.4), 2.5)


@dataclass
class _Scorer:
    source: list[_Features]
    target: list[_Features]
    ratio: float
    cache: dict = field(default_factory=dict)
    languages: tuple[str, ...] = ()  # a link to /km/x/ and one to /en/x/ name the same page

    def pair(self, i: int, j: int) -> float:
        key = (i, j)
        if key not in self.cache:
            self.cache[key] = score(self.source[i], self.target[j], self.ratio)
        return self.cache[key]

    def split(self, i: int, j: int) -> float:
        """Source i with target j and j+1 together."""
        a, b = self.target[j], self.target[j + 1]
        if not _joinable(self.source[i].unit, a.unit, b.unit):
            return -math.inf
        return score(self.source[i], _joined(a, b), self.ratio) + JOIN

    def merge(self, i: int, j: int) -> float:
        """Source i and i+1 together with target j."""
        a, b = self.source[i], self.source[i + 1]
        if not _joinable(self.target[j].unit, a.unit, b.unit):
            return -math.inf
        return score(_joined(a, b), self.target[j], self.ratio) + JOIN


def _joinable(one: Unit, a: Unit, b: Unit) -> bool:
    return (a.kind == b.kind == one.kind and one.kind in JOINABLE_KINDS
            and a.container == b.container == one.container)


def score(s: _Features, t: _Features, ratio: float) -> float:
    """How well target `t` fits as the translation of source `s` (higher is better)."""
    su, tu = s.unit, t.unit
    if s.parts == t.parts == 1 and su.text == tu.text:
        return SAME_KIND + IDENTICAL if su.kind == tu.kind else OTHER_KIND + IDENTICAL
    value = SAME_KIND if su.kind == tu.kind else OTHER_KIND
    if su.kind == "heading" and tu.kind == "heading":
        value += 0.4 if su.level == tu.level else -0.8
    elif {su.kind, tu.kind} == {"heading", "paragraph"}:
        value -= 1.0
    if su.container != tu.container:
        value -= 0.5
    elif su.position and su.position == tu.position and su.container == "table":
        value += 0.3
    value += anchor_score(s.anchors, t.anchors)
    if t.words:
        covered = len(t.words & s.words) / len(t.words)
        weight = min(1.0, len(t.words) / 3)
        value += weight * (1.5 * covered - 0.5)
    value -= LENGTH_WEIGHT * _length_weight(s, t) * length_deviation(s.length, t.length, ratio)
    return value


def anchor_score(a: Counter, b: Counter) -> float:
    if not a and not b:
        return 0.0
    shared = sum((a & b).values())
    dice = 2 * shared / (sum(a.values()) + sum(b.values()))
    return 2.5 * dice - 1.0


def length_deviation(source_length: float, target_length: float, ratio: float) -> float:
    return abs(math.log((target_length + 4) / ((source_length + 4) * ratio)))


def _length_weight(s: _Features, t: _Features) -> float:
    """Short texts have noisy length ratios: trust them less."""
    return min(1.0, max(s.length, t.length) / 40)


# --- the alignment -------------------------------------------------------------------------------


def align(source: Sequence[Unit], target: Sequence[Unit], languages: tuple[str, ...] = ()) -> tuple[Pair, ...]:
    """Pair every source unit and every target unit, in document order (list items may reorder).
    `languages`: the site's, whose folders a link may name (`/km/x/` is the page `/en/x/` is)."""
    fs = [_features(u, languages) for u in source]
    ft = [_features(u, languages) for u in target]
    scorer = _Scorer(fs, ft, length_ratio(fs, ft), languages=tuple(languages))
    ops = _dynamic_programming(scorer, len(fs), len(ft))
    ops = _reorder_lists(ops, scorer)
    return tuple(_judge(ops, scorer))


def _dynamic_programming(scorer: _Scorer, n: int, m: int) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    best = [[-math.inf] * (m + 1) for _ in range(n + 1)]
    step: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        row = best[i]
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            value, move = -math.inf, None
            if i and j:
                candidate = best[i - 1][j - 1] + scorer.pair(i - 1, j - 1)
                if candidate > value:
                    value, move = candidate, (1, 1)
            if i:
                candidate = best[i - 1][j] + GAP
                if candidate > value:
                    value, move = candidate, (1, 0)
            if j:
                candidate = row[j - 1] + GAP
                if candidate > value:
                    value, move = candidate, (0, 1)
            if i and j >= 2 and best[i - 1][j - 2] > -math.inf:
                candidate = best[i - 1][j - 2] + scorer.split(i - 1, j - 2)
                if candidate > value:
                    value, move = candidate, (1, 2)
            if i >= 2 and j and best[i - 2][j - 1] > -math.inf:
                candidate = best[i - 2][j - 1] + scorer.merge(i - 2, j - 1)
                if candidate > value:
                    value, move = candidate, (2, 1)
            row[j] = value
            step[i][j] = move
    ops = []
    i, j = n, m
    while i or j:
        di, dj = step[i][j]
        src = tuple(range(i - di, i))
        tgt = tuple(range(j - dj, j))
        if di == 1 and dj == 1:
            value = scorer.pair(i - 1, j - 1)
        elif di == 1 and dj == 2:
            value = scorer.split(i - 1, j - 2)
        elif di == 2 and dj == 1:
            value = scorer.merge(i - 2, j - 1)
        else:
            value = GAP
        ops.append((src, tgt, value))
        i, j = i - di, j - dj
    ops.reverse()
    return ops


def _reorder_lists(ops: list, scorer: _Scorer) -> list:
    """Where a source list and a target list of the same length were paired (item by item, or
    with gaps around items the order kept apart), pair their items by content instead when that
    is clearly better: a reordered list."""
    lists: set[tuple] = set()
    for src, tgt, *_ in ops:
        if len(src) == 1 and len(tgt) == 1:
            s, t = scorer.source[src[0]].unit, scorer.target[tgt[0]].unit
            if s.kind == t.kind == "list item" and s.group and t.group:
                lists.add((s.group, t.group))
    for source_group, target_group in sorted(lists):
        sources = [i for i, f in enumerate(scorer.source) if f.unit.kind == "list item" and f.unit.group == source_group]
        targets = [j for j, f in enumerate(scorer.target) if f.unit.kind == "list item" and f.unit.group == target_group]
        if len(sources) != len(targets) or len(sources) < 2:
            continue
        involved = [k for k, op in enumerate(ops) if set(op[0]) & set(sources) or set(op[1]) & set(targets)]
        if any(len(ops[k][0]) > 1 or len(ops[k][1]) > 1 or not set(ops[k][0]) <= set(sources)
               or not set(ops[k][1]) <= set(targets) for k in involved):
            continue
        current = sum(ops[k][2] for k in involved)
        matrix = [[scorer.pair(i, j) for j in targets] for i in sources]
        chosen = _assignment(matrix)
        by_content = sum(matrix[k][chosen[k]] for k in range(len(sources)))
        paired_now = {ops[k][0][0]: ops[k][1][0] for k in involved if ops[k][0] and ops[k][1]}
        moved = sum(1 for k, i in enumerate(sources) if paired_now.get(i) != targets[chosen[k]])
        if by_content < current + max(1.0, 0.5 * moved):  # each moved item must pay for itself
            continue
        first = involved[0]
        kept = [op for k, op in enumerate(ops) if k not in set(involved)]
        group = []
        replacement = [((sources[k],), (targets[chosen[k]],), matrix[k][chosen[k]], group)
                       for k in range(len(sources))]
        group.extend((sources[k], targets[chosen[k]]) for k in range(len(sources)))
        before = sum(1 for k in range(first) if k not in set(involved))
        ops = kept[:before] + replacement + kept[before:]
    return ops


def _assignment(matrix: list[list[float]]) -> list[int]:
    """A maximum-score one-to-one assignment of rows to columns (greedy, then improved by swaps)."""
    n = len(matrix)
    cells = sorted(((matrix[r][c], r, c) for r in range(n) for c in range(n)), reverse=True)
    chosen: dict[int, int] = {}
    used: set[int] = set()
    for _, r, c in cells:
        if r not in chosen and c not in used:
            chosen[r] = c
            used.add(c)
    order = [chosen[r] for r in range(n)]
    improved = True
    while improved:
        improved = False
        for a in range(n):
            for b in range(a + 1, n):
                now = matrix[a][order[a]] + matrix[b][order[b]]
                swapped = matrix[a][order[b]] + matrix[b][order[a]]
                if swapped > now + 1e-9:
                    order[a], order[b] = order[b], order[a]
                    improved = True
    return order


def _judge(ops: list, scorer: _Scorer) -> list[Pair]:
    """Decide for every pair whether it is confident, and say why when it is not."""
    pairs = []
    for index, op in enumerate(ops):
        src, tgt, value = op[0], op[1], op[2]
        group = op[3] if len(op) > 3 else None
        if not src or not tgt:
            reason = ("import: no counterpart found in the translation" if not tgt
                      else "import: translated text with no source counterpart")
            pairs.append(Pair(src, tgt, False, reason, value))
            continue
        if len(src) == 2:
            pairs.append(Pair(src, tgt, False, "import: the translation joins this unit and the next in one",
                              value))
            continue
        if len(tgt) == 2:
            pairs.append(Pair(src, tgt, False, "import: the translation splits this unit in two; joined here",
                              value))
            continue
        i, j = src[0], tgt[0]
        s, t = scorer.source[i], scorer.target[j]
        reason = _doubt(s, t, scorer.ratio, scorer.languages)
        if not reason:
            if group is not None:
                if not _beats(scorer, i, j, [a for a, _ in group], [b for _, b in group]):
                    reason = "import: the translated list has another order; paired by content"
            elif not _settled(ops, index) and not _same_cell(scorer, i, j) and not _decided(scorer, ops, index):
                reason = "import: paired by position only"
        pairs.append(Pair(src, tgt, not reason, reason, value))
    return pairs


def _doubt(s: _Features, t: _Features, ratio: float, languages: tuple[str, ...] = ()) -> str:
    """A reason to distrust a one-to-one pair whatever its neighbours, or ""."""
    if s.unit.kind != t.unit.kind:
        return f"import: a {s.unit.kind} paired with a translated {t.unit.kind}"
    if s.unit.kind == "heading" and s.unit.level != t.unit.level:
        return "import: the translated heading has another level"
    contradicted = contradiction(s.unit.text, t.unit.text, languages)
    if contradicted:
        return contradicted
    strong = {k: v for k, v in s.anchors.items() if not k.startswith("n:")}
    strong_t = {k: v for k, v in t.anchors.items() if not k.startswith("n:")}
    if s.anchors and t.anchors and anchor_score(s.anchors, t.anchors) < -0.1:
        return "import: numbers, links or code differ from the source"
    if strong and not strong_t:
        return "import: the translation lacks the links, images or code of the source"
    if max(s.length, t.length) >= 40 and length_deviation(s.length, t.length, ratio) > 0.9:
        longer = "longer" if t.length > s.length * ratio else "shorter"
        return f"import: the translation is much {longer} than the source"
    return ""


def contradiction(source: str, target: str, languages: tuple[str, ...] = ()) -> str:
    """Why a text cannot be a sure translation of `source` whatever the alignment says, or "": an
    anchor was changed, not merely left out or added. Numbers (compared as numbers: `១៨` is 18) or
    addresses (link targets, bare URLs, e-mail addresses) of which each side has one the other
    lacks; or a Latin name on the mostly Khmer side that the other side does not mention (a word
    of the other side that begins the name, or that the name begins, counts: `Lab`, `Laboratory`).
    A site path under one of `languages` names the same page under another (`/km/x/`, `/en/x/`)."""
    numbers_s, numbers_t = _numbers(source), _numbers(target)
    if _changed(numbers_s, numbers_t):
        return f"import: numbers differ from the source ({_difference(numbers_s, numbers_t)})"
    addresses_s, addresses_t = _addresses(source, languages), _addresses(target, languages)
    if _changed(addresses_s, addresses_t):
        return f"import: the translation links to other addresses ({_difference(addresses_s, addresses_t)})"
    for khmer, latin, side in ((target, source, "translation"), (source, target, "source")):
        if khmer_ratio(khmer) < _MOSTLY_KHMER or khmer_ratio(latin) >= _MOSTLY_KHMER:
            continue
        only_khmer = sorted(n for n in _names(khmer) if not _mentioned(n, _words(latin), _initials(latin)))
        only_latin = sorted(n for n in _names(latin, inside_sentences=True)
                            if not _mentioned(n, _words(khmer), _initials(khmer)))
        if only_khmer and only_latin:
            return (f"import: names differ: the {side} has {', '.join(only_khmer)} where the other side has "
                    f"{', '.join(only_latin)}")
    return ""


def _changed(a: Counter, b: Counter) -> bool:
    """Each side has something the other lacks: a value was replaced, not only dropped or added."""
    return bool(a - b) and bool(b - a)


def _mentioned(name: str, words: set[str], initials: str) -> bool:
    """A name the other side writes too: as a word, the start of a word (`Lab`, `Laboratory`), or
    spelt out (`UIs`: `User Interfaces`)."""
    if name in words or any(len(w) >= 3 and (name.startswith(w) or w.startswith(name)) for w in words):
        return True
    acronym = name[:-1] if len(name) > 2 and name.endswith("s") else name
    return len(acronym) >= 2 and acronym in initials


def _initials(text: str) -> str:
    """The first letters of the text's Latin words, lower-cased, one run per run of words."""
    return " ".join("".join(w[0] for w in run.split()).lower()
                    for run in re.findall(r"[A-Za-z][A-Za-z0-9]*(?:[ -]+[A-Za-z][A-Za-z0-9]*)*", _prose(text)))


def _numbers(text: str) -> Counter:
    return Counter(numbers_in(without_code_spans(text)))


def _addresses(text: str, languages: tuple[str, ...] = ()) -> Counter:
    """Where a text points or writes to: link targets, bare URLs and e-mail addresses."""
    found = Counter(_same_page(u, languages).removeprefix("mailto:") for u in inline_features(text).links)
    prose = without_code_spans(_URL_TARGET.sub("]", text))
    found.update(u.removeprefix("mailto:") for u in _BARE_URL.findall(prose))
    found.update(_EMAIL.findall(_BARE_URL.sub(" ", prose)))
    return Counter(dict.fromkeys(found, 1))  # the same address twice is no difference


def _prose(text: str) -> str:
    return _EMAIL.sub(" ", _BARE_URL.sub(" ", without_code_spans(_URL_TARGET.sub("]", text))))


def _same_page(url: str, languages: tuple[str, ...]) -> str:
    """A site path without its language folder (`/km/news/x/` → `/news/x/`); any other URL as it is."""
    first, _, rest = url.removeprefix("/").partition("/")
    return "/" + rest if url.startswith("/") and rest and first in languages else url


def _words(text: str) -> set[str]:
    return {w.lower() for w in _LATIN_WORD.findall(_prose(text))}


def _names(text: str, inside_sentences: bool = False) -> set[str]:
    """Latin words with a capital letter (names, acronyms, product words), lower-cased; with
    `inside_sentences`, not those that begin a sentence (in English any word may)."""
    prose = _prose(text)
    first_words = {found.end() for found in _SENTENCE_START.finditer(prose)} if inside_sentences else set()
    return {found.group().lower() for found in _LATIN_WORD.finditer(prose)
            if not found.group().islower() and found.start() not in first_words}


def _difference(source: Counter, target: Counter) -> str:
    missing, extra = sorted((source - target).elements()), sorted((target - source).elements())
    parts = ([f"source only: {', '.join(missing)}"] if missing else []) + (
        [f"translation only: {', '.join(extra)}"] if extra else [])
    return "; ".join(parts)


def _same_cell(scorer: _Scorer, i: int, j: int) -> bool:
    """Cells at the same row and column of two tables of the same shape: the structure decides."""
    s, t = scorer.source[i].unit, scorer.target[j].unit
    if not (s.kind == t.kind == "table cell" and s.position == t.position):
        return False

    def shape(units: list[_Features], group: tuple) -> set:
        return {f.unit.position for f in units if f.unit.kind == "table cell" and f.unit.group == group}

    return shape(scorer.source, s.group) == shape(scorer.target, t.group)


def _settled(ops: list, index: int) -> bool:
    """A one-to-one pair between one-to-one pairs: the order alone decides it."""
    for k in (index - 1, index + 1):
        if 0 <= k < len(ops) and not (len(ops[k][0]) == 1 and len(ops[k][1]) == 1):
            return False
    return True


def _decided(scorer: _Scorer, ops: list, index: int) -> bool:
    """The pair next to a gap beats the units of the neighbouring gaps by a clear margin."""
    src, tgt = ops[index][0][0], ops[index][1][0]
    rivals_s, rivals_t = [], []
    for k in (index - 1, index + 1):
        if 0 <= k < len(ops):
            rivals_s.extend(ops[k][0])
            rivals_t.extend(ops[k][1])
    return _beats(scorer, src, tgt, rivals_s, rivals_t)


def _beats(scorer: _Scorer, i: int, j: int, rivals_s: list[int], rivals_t: list[int]) -> bool:
    value = scorer.pair(i, j)
    alternatives = [scorer.pair(i, t) for t in rivals_t if t != j]
    alternatives += [scorer.pair(s, j) for s in rivals_s if s != i]
    return all(value >= other + MARGIN for other in alternatives)


def is_untranslated(source_text: str, target_text: str) -> bool:
    """The translation repeats the source, or has no Khmer letters where the source has words.
    Khmer text repeated unchanged (a Khmer name inside an English page) counts as translated."""
    if source_text == target_text:
        return khmer_ratio(target_text) == 0
    return khmer_ratio(target_text) == 0 and khmer_ratio(source_text) == 0 and bool(
        re.search(r"[A-Za-z]", target_text))


def split_lines(text: str, first_length: float, second_length: float) -> tuple[str, str] | None:
    """Cut a translated paragraph at the line break whose sides best match two source lengths."""
    lines = text.split("\n")
    if len(lines) < 2:
        return None
    want = first_length / max(first_length + second_length, 1.0)
    total = len(text)
    best, best_cut = None, None
    for cut in range(1, len(lines)):
        head = "\n".join(lines[:cut])
        share = len(head) / max(total, 1)
        gap = abs(share - want)
        if best is None or gap < best:
            best, best_cut = gap, cut
    return "\n".join(lines[:best_cut]), "\n".join(lines[best_cut:])
