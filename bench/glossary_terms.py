"""How the glossary check scales with the glossary's size (not a test).

    .venv/bin/python bench/glossary_terms.py [--terms 50,500,5000] [--units 2000]

Generates a glossary of N multi-word English terms (from a small vocabulary, so that terms share
words and prefixes as institution names do) and times, per translated unit, what `check` does for
each unit with a glossary: the terms its source uses and whether its translation follows them
(`pipeline.glossary.uses`). The baseline, in the same run, is the finder the trie replaced: one
regular expression alternating every variant, longest first. The first call pays for compiling
the pattern; it is reported apart.
"""

from __future__ import annotations

import argparse
import random
import re
import time

from pipeline import glossary as module
from pipeline.glossary import Glossary, Term, uses

VOCABULARY = ("Ministry", "of", "Post", "Telecommunications", "Council", "National", "Provincial", "Department",
              "Office", "Committee", "Digital", "Education", "Youth", "Sport", "Rural", "Development", "Fund",
              "Agency", "Service", "Authority", "Board", "Centre", "Technology", "Public", "Works")
UNIT = ("On August 13, 2025, the Ministry of Post and Telecommunications and the Provincial Department of "
        "Education opened 18 Community Tech Centers for students, with the National Committee for Digital "
        "Development and the Public Works Authority.")


def generated(n: int, seed: int = 7) -> Glossary:
    rng = random.Random(seed)
    terms: dict[str, Term] = {}
    while len(terms) < n:
        english = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(1, 5)))
        terms.setdefault(english.casefold(), Term(english, (f"ក្រសួង{len(terms)}",)))
    return Glossary(tuple(terms.values()))


def plain_alternation(glossary: Glossary) -> re.Pattern:
    """The finder before the trie: every variant in one alternation, longest first."""
    variants = sorted({v for term in glossary.terms for v in module.english_variants(term.english)},
                      key=lambda v: (-len(v), v))
    words = (r"[\s\-\u2010\u2011]+".join(re.escape(w) for w in module._WORD_GAP.split(v.strip())) for v in variants)
    return re.compile(r"(?<![\w.@/])(?:" + "|".join(words) + r")(?!\w|\.\w)", re.IGNORECASE)


def timed(function, units: int) -> tuple[float, float]:
    """(seconds of the first call, mean seconds of the next `units` calls)."""
    start = time.perf_counter()
    function()
    first = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(units):
        function()
    return first, (time.perf_counter() - start) / units


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terms", default="50,500,5000")
    parser.add_argument("--units", type=int, default=2000)
    args = parser.parse_args()
    print("| terms | trie: compile ms | trie: µs per unit | alternation: compile ms | alternation: µs per unit | ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in (int(x) for x in args.terms.split(",")):
        trie_first, trie = timed(lambda g=generated(n): uses(g, UNIT, "ក្រសួង"), args.units)
        glossary = generated(n)
        compile_start = time.perf_counter()
        finder = plain_alternation(glossary)
        compile_seconds = time.perf_counter() - compile_start
        units = max(args.units // max(n // 50, 1), 20)  # the baseline is slow with many terms
        _, plain = timed(lambda: list(finder.finditer(module._prose(UNIT))), units)
        print(f"| {n:,} | {trie_first * 1e3:.0f} | {trie * 1e6:.1f} | {compile_seconds * 1e3:.0f} | "
              f"{plain * 1e6:.1f} | {plain / trie:.0f}× |")


if __name__ == "__main__":
    main()
