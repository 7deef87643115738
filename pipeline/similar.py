"""Fuzzy matching: how alike two texts are, and the closest of many. The one module that imports
rapidfuzz.

The similarity is the one GNU msgmerge judges fuzzy matches by (gnulib's `fstrcmp`): the share of
both texts left when the fewest insertions and deletions turn one into the other, 2·LCS/(|a|+|b|)
for their longest common subsequence. rapidfuzz computes it bit-parallel in C++ (its Indel
similarity), microseconds for a pair of paragraphs where difflib needed milliseconds. Texts may
be strings (compared character by character) or lists of tokens."""

from __future__ import annotations

from typing import Hashable, Sequence

from rapidfuzz import process
from rapidfuzz.distance import Indel

_EPSILON = 1e-9  # scores equal but for rounding count as equal
_ROUGH_CUTOFF = 0.01  # rapidfuzz's own cutoff drops a score exactly at it: ask for a little more, then judge


def similarity(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """2·LCS/(|a|+|b|), from 0 (nothing in common) to 1 (equal); 1 for two empty texts."""
    return Indel.normalized_similarity(a, b)


def best_match(query: Sequence[Hashable], candidates: Sequence[Sequence[Hashable]], threshold: float,
               bonuses: Sequence[float] | None = None) -> int | None:
    """The index of the candidate most similar to `query`, among those at least `threshold`
    similar; `bonuses[index]` (e.g. for a candidate in the same context) is added when ranking
    them, not when judging the threshold. Ties go to the lowest index; None when no candidate is
    similar enough."""
    found = process.extract(query, candidates, scorer=Indel.normalized_similarity, limit=None,
                            score_cutoff=max(0.0, threshold - _ROUGH_CUTOFF))
    best, best_score = None, 0.0
    for _, score, index in sorted(found, key=lambda item: item[2]):
        if score + _EPSILON < threshold:
            continue
        score += bonuses[index] if bonuses else 0.0
        if best is None or score > best_score + _EPSILON:
            best, best_score = index, score
    return best
