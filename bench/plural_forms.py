"""How long checking a catalog header takes, by the size of its Plural-Forms expression.

    .venv/bin/python bench/plural_forms.py

The header check parses the `plural=` expression once and evaluates each of its operations once
for all n = 0 … 1000 together (as msgfmt checks it), so the time grows linearly with the length of
the expression; expressions longer than `checks.PLURAL_EXPRESSION_LIMIT` are refused unread."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.checks import PLURAL_EXPRESSION_LIMIT, check_header  # noqa: E402
from pipeline.model import Catalog, Message  # noqa: E402

HEADER = ("Project-Id-Version: bench 1.0\nPO-Revision-Date: 2025-08-13 09:30+0700\nLast-Translator: B <b@example.org>\n"
          "Language-Team: Khmer\nLanguage: km\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
          "Content-Transfer-Encoding: 8bit\nPlural-Forms: nplurals={nplurals}; plural={expression};\n")

CASES = [
    ("Khmer", 1, "0"),
    ("English", 2, "(n != 1)"),
    ("Russian", 3, "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"),
    ("Arabic", 6, "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5"),
] + [(f"n+n+…>0, {size:,} chars", 2, "+".join(["n"] * (size // 2)) + ">0")
     for size in (1_000, 4_000, PLURAL_EXPRESSION_LIMIT - 4)] + [
    (f"(n*n*…%7)+…, {PLURAL_EXPRESSION_LIMIT - 100:,} chars", 2,
     "(n*n*n*n*n*n*n*n*n*n%7)+" * ((PLURAL_EXPRESSION_LIMIT - 100) // 24) + "0>1"),
]


def timed(catalog: Catalog, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        list(check_header(catalog, "bench.po", "km"))
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    print("| Plural-Forms | characters | check_header (median) |")
    print("|---|---:|---:|")
    for label, nplurals, expression in CASES:
        catalog = Catalog(header=Message("", HEADER.format(nplurals=nplurals, expression=expression), line=1))
        seconds = timed(catalog, 200 if len(expression) < 500 else 3)
        print(f"| {label} | {len(expression):,} | {seconds * 1e3:.3f} ms |")


if __name__ == "__main__":
    main()
