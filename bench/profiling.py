"""Profile one `pipeline` command in-process with cProfile and print the hot spots (not a test).

    .venv/bin/python bench/profiling.py OUT.prof [--top 25] [--wall] -- --root DIR extract
    .venv/bin/python bench/profiling.py OUT.prof -- --root DIR build --now 2026-01-01 --markdown DIR/export
    .venv/bin/python bench/profiling.py --show OUT.prof          # print an existing profile again
    .venv/bin/python bench/profiling.py --pyinstrument OUT.txt -- --root DIR extract

cProfile's own overhead is large for the many small calls of the PO writer (it makes a run ~7×
slower and inflates those functions' shares); `--pyinstrument` runs the command under the
sampling profiler pyinstrument instead (installed by bench/peers.sh into .peers-venv/prof) and
writes its call tree as text, whose shares are the ones to trust.

The profiler's clock is the process CPU time by default (so other load on the machine does not
count); `--wall` uses the wall clock instead. Prints the functions with the most cumulative time
and the most own time, each with its share of the whole run.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path


def show(path: Path, top: int) -> None:
    stats = pstats.Stats(str(path))
    total = stats.total_tt
    rows = []
    for (filename, line, name), (cc, nc, tt, ct, _callers) in stats.stats.items():
        rows.append((ct, tt, nc, f"{_short(filename)}:{line}({name})"))
    print(f"total: {total:.3f} s (profiler clock)\n")
    print(f"top {top} by cumulative time")
    print(f"{'cum s':>8} {'share':>6} {'own s':>8} {'calls':>9}  function")
    for ct, tt, nc, where in sorted(rows, reverse=True)[:top]:
        print(f"{ct:8.3f} {ct / total:6.1%} {tt:8.3f} {nc:9d}  {where}")
    print(f"\ntop {top} by own time")
    print(f"{'own s':>8} {'share':>6} {'cum s':>8} {'calls':>9}  function")
    for ct, tt, nc, where in sorted(rows, key=lambda r: r[1], reverse=True)[:top]:
        print(f"{tt:8.3f} {tt / total:6.1%} {ct:8.3f} {nc:9d}  {where}")


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/pipeline/", "lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1] if marker != "/pipeline/" else "pipeline/" + filename.split(marker, 1)[1]
    return filename


def _pyinstrument(output: Path, pipeline_args: list[str], source: Path | None) -> int:
    import subprocess
    import sysconfig

    bench = Path(__file__).resolve().parent
    python = bench / ".peers-venv" / "prof" / "bin" / "python"
    if not python.exists():
        raise SystemExit("pyinstrument is not installed: run `bash bench/peers.sh` first")
    site = sysconfig.get_paths()["purelib"]  # this interpreter's packages: pipeline's dependencies
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(source or bench.parent), site]))
    env.setdefault("SOURCE_DATE_EPOCH", "1755043200")
    start = time.perf_counter()
    # run from a neutral folder: `-m` puts the current folder first on sys.path, and the working
    # tree's pipeline/ would shadow --source
    code = subprocess.call([str(python), "-m", "pyinstrument", "-r", "text", "-o", str(output.resolve()),
                            "-m", "pipeline.cli", *pipeline_args], env=env, cwd=str(source or bench.parent))
    print(f"pipeline {' '.join(pipeline_args)}: exit {code}, {time.perf_counter() - start:.2f} s wall; "
          f"profile in {output}")
    return code


def main() -> int:
    argv = sys.argv[1:]
    pipeline_args = []
    if "--" in argv:
        at = argv.index("--")
        argv, pipeline_args = argv[:at], argv[at + 1:]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--wall", action="store_true", help="profile with the wall clock, not CPU time")
    parser.add_argument("--show", action="store_true", help="only print an existing profile")
    parser.add_argument("--pyinstrument", action="store_true", help="sample with pyinstrument; OUTPUT is text")
    parser.add_argument("--source", type=Path, help="folder holding the pipeline/ package to profile "
                        "(e.g. one exported by run.py --commit; default: this checkout)")
    args = parser.parse_args(argv)
    if args.pyinstrument:
        return _pyinstrument(args.output, pipeline_args, args.source)
    if not args.show:
        os.environ.setdefault("SOURCE_DATE_EPOCH", "1755043200")
        if args.source:
            sys.path.insert(0, str(args.source.resolve()))
        from pipeline.cli import main as pipeline_main

        profiler = cProfile.Profile(time.perf_counter if args.wall else time.process_time)
        start = time.perf_counter()
        code = profiler.runcall(pipeline_main, pipeline_args)
        elapsed = time.perf_counter() - start
        profiler.dump_stats(str(args.output))
        print(f"pipeline {' '.join(pipeline_args)}: exit {code}, {elapsed:.2f} s wall under the profiler\n")
    show(args.output, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
