"""Benchmark (not a test): parse + write every km-po corpus file with `pipeline.po`, and the same
with polib (`polib.pofile(text)` + `str(po)`) as the baseline, in one run.

    .venv/bin/python bench/bench_po.py            # 20 rounds
    .venv/bin/python bench/bench_po.py -n 50

Prints CPU seconds per MB of PO text (best round of N, garbage collector off while timing, as
timeit does; parse+format, and the two halves of ours) and our time as a fraction of polib's.
The corpora folder is $PIPELINE_CORPORA or ../shared/corpora beside the repository.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.po import format_po, parse_po  # noqa: E402


def corpus_files() -> list[tuple[str, str]]:
    folder = Path(os.environ.get("PIPELINE_CORPORA", REPO / ".." / "shared" / "corpora")) / "km-po"
    files = sorted(folder.glob("*.po"))
    if not files:
        sys.exit(f"no .po files in {folder}")
    return [(str(f), f.read_text(encoding="utf-8")) for f in files]


def best(rounds: int, fn) -> float:
    """Best CPU time of `rounds` calls (single-threaded work: CPU time is steadier than wall
    time on a shared machine), garbage collector off while timing (as timeit does)."""
    times = []
    for _ in range(rounds):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            fn()
            times.append(time.process_time() - start)
        finally:
            gc.enable()
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--rounds", type=int, default=20)
    args = parser.parse_args()
    files = corpus_files()
    megabytes = sum(len(text.encode("utf-8")) for _, text in files) / 1e6

    parsed = [parse_po(text, path) for path, text in files]  # warm-up (loads the Unicode tables)
    for catalog in parsed:
        format_po(catalog)

    ours_parse = best(args.rounds, lambda: [parse_po(text, path) for path, text in files])
    ours_format = best(args.rounds, lambda: [format_po(c) for c in parsed])
    ours = best(args.rounds, lambda: [format_po(parse_po(text, path)) for path, text in files])

    print(f"km-po corpus: {len(files)} files, {megabytes:.3f} MB, best of {args.rounds} rounds")
    print(f"pipeline.po parse+format : {ours / megabytes:8.3f} s/MB")
    print(f"  parse only             : {ours_parse / megabytes:8.3f} s/MB")
    print(f"  format only            : {ours_format / megabytes:8.3f} s/MB")
    try:
        import polib
    except ImportError:
        print("polib is not installed: no baseline")
        return
    theirs = best(args.rounds, lambda: [str(polib.pofile(text)) for _, text in files])
    print(f"polib pofile+str         : {theirs / megabytes:8.3f} s/MB")
    print(f"ratio ours/polib         : {ours / theirs:8.3f}  (below 1: we are faster)")


if __name__ == "__main__":
    main()
