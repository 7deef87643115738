"""Benchmark runner (not a test): times the `pipeline` CLI on generated corpora, optionally beside
mdpo and Translate Toolkit, and micro-benchmarks the translation memory.

    .venv/bin/python bench/run.py                       # N = 1,000 and 10,000, 3 repeats, ours only
    .venv/bin/python bench/run.py --sizes 1000 --peers  # with mdpo and Translate Toolkit (bench/peers.sh first)
    .venv/bin/python bench/run.py --sizes 1000 --pin    # everything pinned to CPU 0 (`taskset -c 0`),
                                                        # as the issue's peer figures were measured
    .venv/bin/python bench/run.py --only-tm             # translation-memory micro-benchmark only

Every timing is the wall clock of one fresh subprocess (median of --repeat runs); memory is the
child's peak RSS (GNU time's %M when /usr/bin/time exists, else `os.wait4`); CPU seconds
(user + system, from `os.wait4`) are reported beside the wall clock, as they hold up better when
other work shares the machine. Corpora are generated once per (N, seed) under bench/.work/ and
reused; each repeat works on a fresh copy (articles hard-linked, catalogs copied), so no cache
survives from one repeat to the next. The pipeline's modules are byte-compiled first, as an installed
package's are. Results are printed as a Markdown table and saved as JSON.

What is timed, per N (ours):
  extract-first     `pipeline extract` with no locale/ at all (what the peers' extract does)
  extract-cold      `pipeline extract` on a clean checkout: filled catalogs, no cache, nothing stale
  extract-noop      the same again, nothing changed
  build-cold        `pipeline build --markdown DIR` with no site/ and no cache
  build-noop        the same again, nothing changed
  extract-one-first `pipeline extract` after one paragraph of one article changed
  build-one-first   `pipeline build --markdown DIR` after that (the first since build-cold: it also
                    makes the spare output folders, hard-linking every unchanged file)
  extract-one       the same again (another edit of that paragraph): what an editor waits for each time
  build-one
  extract-edit5     `pipeline extract` after 5 % of all plain paragraphs were edited (fuzzy + memory)
Peers (--peers): mdpo-extract / mdpo-merge (mdpo's Python API, one process looping over the
articles), ttk-extract / ttk-merge (Translate Toolkit's md2po / po2md in folder mode).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import generate  # noqa: E402

PEERS = BENCH / ".peers-venv"
TIME = Path("/usr/bin/time")
NOW = "2026-01-01"  # every generated article is dated 2020–2025, so all are published
EPOCH = "1755043200"

OURS = ("extract-first", "extract-cold", "extract-noop", "build-cold", "build-noop",
        "extract-one-first", "build-one-first", "extract-one", "build-one", "extract-edit5")
RESTORED = ("restored-extract", "restored-build")  # --restored: a fresh clone with yesterday's cache
THEIRS = ("mdpo-extract", "mdpo-merge", "ttk-extract", "ttk-merge")


@dataclass
class Sample:
    seconds: float  # wall clock
    cpu: float  # user + system CPU seconds of the child (robust to other load on the machine)
    rss_mib: float  # the largest single process (GNU time / wait4)
    returncode: int
    tree_pss_mib: float = 0.0  # the most the whole process tree (with --jobs workers) held at once, sampled


@dataclass
class Series:
    samples: list[Sample] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def rss(self) -> float:
        return max(s.rss_mib for s in self.samples)

    @property
    def tree_pss(self) -> float:
        return max(s.tree_pss_mib for s in self.samples)

    def as_dict(self) -> dict:
        times = [round(s.seconds, 4) for s in self.samples]
        return {"median_s": round(self.median, 4), "min_s": min(times), "max_s": max(times), "runs_s": times,
                "cpu_median_s": round(self.cpu, 4), "cpu_min_s": round(min(x.cpu for x in self.samples), 4),
                "cpu_runs_s": [round(x.cpu, 4) for x in self.samples],
                "peak_rss_mib": round(self.rss, 1), "peak_tree_pss_mib": round(self.tree_pss, 1),
                "returncodes": [s.returncode for s in self.samples]}


class TreeSampler(threading.Thread):
    """Polls /proc every 50 ms and keeps the largest total memory of a process and its descendants
    (a parallel build's workers are separate processes; GNU time only sees the largest one). Each
    process counts its proportional set size (PSS: a page shared by n processes counts 1/n in each),
    so the total is the memory the tree holds: a worker forked from a large build shares the
    build's pages, and its RSS would count them again (VmRSS when PSS cannot be read)."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.peak_kib, self._done = root, 0, threading.Event()

    def stop(self) -> None:
        self._done.set()
        self.join()

    def run(self) -> None:
        while not self._done.wait(0.05):
            parents: dict[int, int] = {}
            held: dict[int, int] = {}  # pid → KiB (PSS)
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry.name}/status", encoding="ascii", errors="replace") as status:
                        fields = dict(line.split(":", 1) for line in status if ":" in line)
                    parents[int(entry.name)] = int(fields["PPid"])
                    held[int(entry.name)] = _pss_kib(entry.name) or int(fields.get("VmRSS", "0 kB").split()[0])
                except (OSError, KeyError, ValueError):
                    continue
            tree, frontier = set(), {self.root}
            while frontier:
                tree |= frontier
                frontier = {pid for pid, parent in parents.items() if parent in frontier} - tree
            self.peak_kib = max(self.peak_kib, sum(held.get(pid, 0) for pid in tree))


def _pss_kib(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            return next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
    except (OSError, StopIteration, ValueError, IndexError):
        return None


class Runner:
    def __init__(self, pin: bool, log: Path, verbose: bool) -> None:
        self.prefix = ["taskset", "-c", "0"] if pin else []
        self.log = log
        self.verbose = verbose

    def run(self, label: str, argv: list[str], cwd: Path | None = None) -> Sample:
        """One fresh subprocess: wall clock and peak RSS; stdout/stderr go to the log."""
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONDONTWRITEBYTECODE="1")
        if SOURCE is not None:
            env["PYTHONPATH"] = str(SOURCE)
        with open(self.log, "a", encoding="utf-8") as log:
            log.write(f"\n### {label}: {' '.join(argv)}\n")
            log.flush()
            # The peak RSS that wait4 reports for a child forked from this process is never below this
            # process's own RSS (Linux keeps the high-water mark across exec), so when GNU time is there
            # it measures the command from a small process instead.
            measure = ["/usr/bin/time", "-f", "%M", "-o", str(self.log) + ".rss"] if TIME.exists() else []
            start = time.perf_counter()
            child = subprocess.Popen(measure + self.prefix + argv, cwd=cwd, env=env, stdout=log, stderr=log,
                                     stdin=subprocess.DEVNULL)
            sampler = TreeSampler(child.pid)
            sampler.start()
            _, status, usage = os.wait4(child.pid, 0)
            sampler.stop()
            elapsed = time.perf_counter() - start
            child.returncode = os.waitstatus_to_exitcode(status)
            rss_kib = usage.ru_maxrss
            if measure:
                try:
                    rss_kib = int(Path(measure[4]).read_text().strip().splitlines()[-1])
                except (OSError, ValueError, IndexError):
                    pass
            log.write(f"### {label}: exit {child.returncode}, {elapsed:.3f} s, {rss_kib / 1024:.1f} MiB\n")
            log.flush()
        sample = Sample(elapsed, usage.ru_utime + usage.ru_stime, rss_kib / 1024, child.returncode,
                        (sampler.peak_kib or rss_kib) / 1024)
        if self.verbose:
            print(f"  {label:14} {elapsed:8.3f} s wall {sample.cpu:8.3f} s cpu {sample.rss_mib:7.1f} MiB"
                  + (f"  EXIT {child.returncode} (see {self.log})" if child.returncode else ""), flush=True)
        return sample


# --- corpus and work folders ----------------------------------------------------------------------------


SOURCE: Path | None = None  # --commit: pipeline/ and templates/ exported from that commit


def pipeline_cmd(root: Path, *args: str) -> list[str]:
    if SOURCE is not None:
        python = REPO / ".venv" / "bin" / "python"
        # -P: with -m, Python would put the current folder first on sys.path, and a `pipeline/`
        # there (the working tree) would shadow the exported commit given in PYTHONPATH.
        command = [str(python if python.exists() else sys.executable), "-P", "-m", "pipeline.cli"]
    else:
        command = generate.pipeline_command()
    return command + ["--root", str(root), "-q", *args]


def export_commit(work: Path, revision: str) -> Path:
    """pipeline/ and templates/ as they are in `revision` (read-only git commands), so that a long
    run measures one version of the code while others keep editing the working tree."""
    sha = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--verify", f"{revision}^{{commit}}"],
                         capture_output=True, text=True, check=True).stdout.strip()
    target = work / f"src-{sha[:12]}"
    if not (target / ".complete").exists():
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", sha, "pipeline", "templates"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
        (target / ".complete").write_text(sha)
    return target


def compile_pipeline(source: Path) -> None:
    """Byte-compile the measured pipeline/ once, as installing a package does: the commands run with
    PYTHONDONTWRITEBYTECODE (nothing written beside the sources mid-run), and without compiled files
    each one would spend ~0.5 s compiling the pipeline's modules again."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(source / "pipeline")], check=True)


def corpus(work: Path, n: int, seed: int, runner: Runner) -> Path:
    """The generated project for (n, seed), made once and reused."""
    root = work / f"corpus-{n}-{seed}"
    stamp = root / ".complete"
    if stamp.exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    print(f"generating {n} articles in {root} …", flush=True)
    start = time.perf_counter()
    generate.write_project(n, root, seed)
    sample = runner.run(f"generate-extract-{n}", pipeline_cmd(root, "extract"))
    if sample.returncode:
        raise SystemExit(f"pipeline extract failed on the generated corpus; see {runner.log}")
    filled = generate.fill_catalogs(root)
    print(f"  {filled} Khmer messages filled; corpus ready in {time.perf_counter() - start:.0f} s", flush=True)
    stamp.write_text(json.dumps({"n": n, "seed": seed, "messages": filled}))
    return root


def fresh_copy(source: Path, target: Path, with_locale: bool = True) -> Path:
    """A clean checkout of the corpus: articles hard-linked (edits replace files, never write in place),
    catalogs copied; no site/, no Markdown export, no cache folders."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(source / "pyproject.toml", target / "pyproject.toml")
    shutil.copytree((SOURCE or source) / "templates", target / "templates")
    shutil.copytree(source / "content", target / "content", copy_function=os.link)
    if with_locale:
        shutil.copytree(source / "locale", target / "locale")
    return target


def count_fuzzy(root: Path) -> int:
    return sum(p.read_text(encoding="utf-8").count("\n#, fuzzy")
               for p in (root / "locale" / "km" / "LC_MESSAGES").rglob("*.po"))


# --- one size ---------------------------------------------------------------------------------------------


def bench_ours(source: Path, work: Path, n: int, runner: Runner, results: dict[str, Series], extra: dict) -> None:
    first = fresh_copy(source, work / f"first-{n}", with_locale=False)
    results["extract-first"].samples.append(runner.run("extract-first", pipeline_cmd(first, "extract")))
    shutil.rmtree(first)

    root = fresh_copy(source, work / f"ours-{n}")
    md = root / "export"
    build = ("build", "--now", NOW, "--markdown", str(md))
    results["extract-cold"].samples.append(runner.run("extract-cold", pipeline_cmd(root, "extract")))
    results["extract-noop"].samples.append(runner.run("extract-noop", pipeline_cmd(root, "extract")))
    results["build-cold"].samples.append(runner.run("build-cold", pipeline_cmd(root, *build)))
    results["build-noop"].samples.append(runner.run("build-noop", pipeline_cmd(root, *build)))
    for suffix, round_ in (("-first", 1), ("", 2)):
        extra[f"edited_article{suffix}"] = generate.edit_article(root, round_)
        results[f"extract-one{suffix}"].samples.append(runner.run(f"extract-one{suffix}", pipeline_cmd(root, "extract")))
        results[f"build-one{suffix}"].samples.append(runner.run(f"build-one{suffix}", pipeline_cmd(root, *build)))
    fuzzy_before = count_fuzzy(root)
    extra["edited_paragraphs"] = generate.edit_paragraphs(root, 0.05)
    results["extract-edit5"].samples.append(runner.run("extract-edit5", pipeline_cmd(root, "extract")))
    extra["fuzzy_after_edit5"] = count_fuzzy(root) - fuzzy_before
    extra["site_files_after_build_one"] = sum(1 for p in (root / "site").rglob("*") if p.is_file()) if (root / "site").exists() else 0
    extra["markdown_files_after_build_one"] = sum(1 for p in md.rglob("*.md")) if md.exists() else 0
    shutil.rmtree(root)


def bench_restored(source: Path, work: Path, n: int, runner: Runner, results: dict[str, Series], extra: dict,
                   edits: int = 10, translated: bool = False) -> None:
    """A scheduled CI build: yesterday's run left `.cache/` and `site/`, which the CI's cache action
    restores into a fresh clone (every file a new inode and modification time; the restored ones keep
    their modification times, as tar does); a day's work edited `edits` articles. Timed: extract,
    then build. Then a clean build of the same tree (no cache, no site) must give the same bytes.
    With `translated`, the day's commits also hold the edited articles' catalogs, extracted and
    translated again (no Khmer page is held back); else their Khmer pages are held back, and every
    later page of their Khmer lists shifts."""
    clone = work / f"clone-{n}"  # (the checkout is at the same place every day, as on a CI runner)
    fresh_copy(source, clone)
    build = ("build", "--now", NOW)
    for label, argv in (("yesterday-extract", ("extract",)), ("yesterday-build", build)):
        if runner.run(label, pipeline_cmd(clone, *argv)).returncode:
            raise SystemExit(f"{label} failed; see {runner.log}")
    yesterday = work / f"yesterday-{n}"
    if yesterday.exists():
        shutil.rmtree(yesterday)
    clone.rename(yesterday)
    clone.mkdir()
    shutil.copyfile(yesterday / "pyproject.toml", clone / "pyproject.toml")
    for folder in ("templates", "content", "locale"):  # what the repository holds: a checkout writes anew
        shutil.copytree(yesterday / folder, clone / folder, copy_function=shutil.copyfile)
    for folder in (".cache", "site"):  # what the cache action restores
        shutil.copytree(yesterday / folder, clone / folder, symlinks=True)
    shutil.rmtree(yesterday)
    edited = generate.edit_articles(clone, edits)
    extra["restored_edited"] = len(edited)
    extra["restored_translated"] = translated
    if translated:
        _translate_edits(clone, edited, work / f"editor-{n}", runner)
    clean = work / f"clean-{n}"
    if clean.exists():
        shutil.rmtree(clean)
    shutil.copytree(clone, clean, ignore=shutil.ignore_patterns(".cache", "site"), copy_function=os.link)
    results["restored-extract"].samples.append(runner.run("restored-extract", pipeline_cmd(clone, "extract")))
    results["restored-build"].samples.append(runner.run("restored-build", pipeline_cmd(clone, *build)))
    for label, argv in (("clean-extract", ("extract",)), ("clean-build", build)):
        runner.run(label, pipeline_cmd(clean, *argv))
    extra["restored_identical_to_clean"] = _same_tree(clone / "site", clean / "site") and \
        _same_tree(clone / "locale", clean / "locale")
    print(f"  restored site and catalogs identical to a clean build's: {extra['restored_identical_to_clean']}",
          flush=True)
    shutil.rmtree(clone)
    shutil.rmtree(clean)


def _translate_edits(clone: Path, edited: list[str], editor: Path, runner: Runner) -> None:
    """What an editor and the translators commit with the day's edits: on another machine (`editor`,
    a copy of the sources), `pipeline extract` then the edited articles' Khmer catalogs translated
    again; the catalogs and templates that changed are then checked out anew into `clone`."""
    if editor.exists():
        shutil.rmtree(editor)
    shutil.copytree(clone, editor, ignore=shutil.ignore_patterns(".cache", "site"))
    if runner.run("editor-extract", pipeline_cmd(editor, "extract")).returncode:
        raise SystemExit(f"the editor's extract failed; see {runner.log}")
    ids = [Path(path).relative_to("content").with_suffix("").as_posix() for path in edited]
    generate.fill_catalogs(editor, only=ids)
    for path in (editor / "locale").rglob("*"):
        target = clone / path.relative_to(editor)
        if path.is_file() and (not target.exists() or target.read_bytes() != path.read_bytes()):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    shutil.rmtree(editor)


def _same_tree(a: Path, b: Path) -> bool:
    """Whether two folders hold the same files with the same bytes."""
    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    return a.is_dir() and b.is_dir() and files(a) == files(b)


def bench_serve(source: Path, work: Path, n: int, rounds: int = 6) -> dict:
    """`pipeline serve` on a fresh copy: once its first build is done, one article saved at a time,
    timed from the save until its English preview page is a new file (the watcher's settling time
    included); each page is read every 2 ms."""
    root = fresh_copy(source, work / f"serve-{n}")
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONDONTWRITEBYTECODE="1")
    if SOURCE is not None:
        env["PYTHONPATH"] = str(SOURCE)
    command = pipeline_cmd(root, "serve", "--port", "0")
    command.remove("-q")  # the "rebuilt" lines are wanted
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             stdin=subprocess.DEVNULL)
    try:
        for line in child.stdout:
            if line.startswith("serving "):
                break
        else:
            raise SystemExit("pipeline serve stopped before serving; run it by hand to see why")
        ready = time.perf_counter() - start
        latencies = []
        for round_ in range(rounds):
            time.sleep(1.0)  # let the previous rebuild's own writes settle
            article = generate.edit_article(root, round_ + 10)
            saved = time.perf_counter()
            page = root / ".cache" / "preview" / "en" / article.removeprefix("content/").rsplit(".", 1)[0] / "index.html"
            before = page.stat().st_ino
            while page.stat().st_ino == before and time.perf_counter() - saved < 60:
                time.sleep(0.002)
            latencies.append(time.perf_counter() - saved)
    finally:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=120)
        except subprocess.TimeoutExpired:
            child.kill()
    shutil.rmtree(root)
    steady = latencies[1:] or latencies
    return {"ready_s": ready, "latencies_s": latencies, "first_s": latencies[0],
            "median_s": statistics.median(steady), "max_s": max(steady)}


def bench_peers(source: Path, work: Path, n: int, runner: Runner, results: dict[str, Series], extra: dict) -> None:
    mdpo_py, ttk = PEERS / "mdpo" / "bin" / "python", PEERS / "ttk" / "bin"
    if not mdpo_py.exists() or not (ttk / "md2po").exists():
        raise SystemExit("peers are not installed: run `bash bench/peers.sh` first")
    content = source / "content"
    tasks = str(BENCH / "peer_tasks.py")
    filled = work / f"peers-filled-{n}"
    peer = work / f"peers-{n}"
    if peer.exists():
        shutil.rmtree(peer)
    peer.mkdir(parents=True)
    results["mdpo-extract"].samples.append(
        runner.run("mdpo-extract", [str(mdpo_py), tasks, "mdpo-extract", str(content), str(peer / "mdpo-po")]))
    results["ttk-extract"].samples.append(
        runner.run("ttk-extract", [str(ttk / "md2po"), "-i", str(content), "-o", str(peer / "ttk-po"),
                                   "-x", "assets", "--progress", "none"]))
    if not (filled / ".complete").exists():  # the translators' work, once per corpus
        if filled.exists():
            shutil.rmtree(filled)
        filled.mkdir(parents=True)
        for name in ("mdpo-po", "ttk-po"):
            shutil.copytree(peer / name, filled / name)
        out = subprocess.run([sys.executable, tasks, "fill", str(filled)], capture_output=True, text=True, check=True)
        extra["peer_fill"] = out.stdout.strip()
        (filled / ".complete").write_text("")
    results["mdpo-merge"].samples.append(
        runner.run("mdpo-merge", [str(mdpo_py), tasks, "mdpo-merge", str(content), str(filled / "mdpo-po"),
                                  str(peer / "mdpo-md")]))
    results["ttk-merge"].samples.append(
        runner.run("ttk-merge", [str(ttk / "po2md"), "-i", str(filled / "ttk-po"), "-t", str(content),
                                 "-o", str(peer / "ttk-md"), "--progress", "none"]))
    extra["mdpo_messages"] = sum(p.read_text(encoding="utf-8").count("\nmsgid ")
                                 for p in (peer / "mdpo-po").rglob("*.po"))
    extra["ttk_messages"] = sum(p.read_text(encoding="utf-8").count("\nmsgid ") - 1
                                for p in (peer / "ttk-po").rglob("*.po"))
    shutil.rmtree(peer)


# --- translation memory micro-benchmark ---------------------------------------------------------------------


def tm_bench(entries: int, queries: int, seed: int, repeat: int) -> dict:
    """build_memory over `entries` translated messages, then closest() for `queries` new messages:
    half are edited versions of remembered units (should match), half are unseen text."""
    import random

    from pipeline.disk.memory import build_memory
    from pipeline.model import Message

    rng = random.Random(f"{seed}:tm")
    texts: dict[str, None] = {}
    while len(texts) < entries:
        kind = rng.random()
        if kind < 0.6:
            text = generate._paragraph(rng, 0, seed)
        elif kind < 0.8:
            text = generate._sentence(rng)
        else:
            text = generate._title(rng)
        texts.setdefault(text)
    messages = [Message(msgid=t, msgstr=generate.khmerize(t), flags=("markdown-text",)) for t in texts]
    builds, build_cpu = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        memory = build_memory(messages)
        builds.append(time.perf_counter() - start)
        build_cpu.append(time.process_time() - cpu)
    known = list(texts)
    near = [generate._edit(rng, rng.choice(known)) for _ in range(queries // 2)]
    fresh = [generate._paragraph(rng, 0, seed) for _ in range(queries - len(near))]
    timings, hits = {"near": [], "fresh": []}, {"near": 0, "fresh": 0}
    cpu_each: list[float] = []
    for kind, batch in (("near", near), ("fresh", fresh)):
        for query in batch:
            start, cpu = time.perf_counter(), time.process_time()
            found = memory.closest(query)
            timings[kind].append(time.perf_counter() - start)
            cpu_each.append(1000 * (time.process_time() - cpu))
            hits[kind] += found is not None
    every = timings["near"] + timings["fresh"]
    ms = sorted(t * 1000 for t in every)
    return {
        "entries": memory.size(), "queries": len(every),
        "build_s": round(statistics.median(builds), 3), "build_cpu_s": round(statistics.median(build_cpu), 3),
        "cpu_ms_per_query_mean": round(statistics.mean(cpu_each), 3),
        "cpu_ms_per_query_median": round(statistics.median(cpu_each), 3),
        "cpu_ms_per_query_p95": round(sorted(cpu_each)[int(0.95 * (len(cpu_each) - 1))], 3),
        "ms_per_query_mean": round(statistics.mean(ms), 3), "ms_per_query_median": round(statistics.median(ms), 3),
        "ms_per_query_p95": round(ms[int(0.95 * (len(ms) - 1))], 3), "ms_per_query_max": round(ms[-1], 3),
        "near_ms_mean": round(1000 * statistics.mean(timings["near"]), 3),
        "fresh_ms_mean": round(1000 * statistics.mean(timings["fresh"]), 3),
        "near_hit_rate": round(hits["near"] / max(1, len(near)), 3),
        "fresh_hit_rate": round(hits["fresh"] / max(1, len(fresh)), 3),
    }


def tm_in_subprocess(runner: Runner, entries: int, queries: int, seed: int, repeat: int) -> dict:
    python = REPO / ".venv" / "bin" / "python"
    argv = [str(python if python.exists() else sys.executable), "-P", str(Path(__file__).resolve()), "--tm-child",
            f"{entries},{queries},{seed},{repeat}"]
    env = dict(os.environ, PYTHONPATH=str(SOURCE)) if SOURCE is not None else None
    out = subprocess.run(runner.prefix + argv, capture_output=True, text=True, env=env)
    if out.returncode:
        raise SystemExit(f"translation-memory benchmark failed:\n{out.stderr}")
    return json.loads(out.stdout)


# --- report ---------------------------------------------------------------------------------------------------


def source_fingerprint() -> str:
    """sha256 of the pipeline's modules: the code measured (others may be editing it while a run goes on)."""
    import hashlib

    digest = hashlib.sha256()
    package = (SOURCE or REPO) / "pipeline"
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), "0")
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(int(mem) / 1024 / 1024, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "loadavg": Path("/proc/loadavg").read_text().split()[:3]}


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}×" if theirs else "n/a"


def report(result: dict) -> str:
    lines = []
    for size in result["sizes"]:
        n, series, extra = size["n"], size["series"], size["extra"]
        lines.append(f"\n### N = {n:,} articles ({extra.get('messages', '?'):,} Khmer messages)\n")
        lines.append("| step | wall s (median) | wall min–max s | CPU s (median) | CPU min s | peak RSS MiB, largest process | tree PSS MiB |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|")
        for name in OURS + RESTORED + THEIRS:
            if name in series:
                s = series[name]
                lines.append(f"| {name} | {s['median_s']:.3f} | {s['min_s']:.3f}–{s['max_s']:.3f} | "
                             f"{s['cpu_median_s']:.3f} | {s.get('cpu_min_s', s['cpu_median_s']):.3f} | {s['peak_rss_mib']:.0f} | "
                             f"{(format(s['peak_tree_pss_mib'], '.0f') if s.get('peak_tree_pss_mib') else '–')} |")
        med = {k: v["median_s"] for k, v in series.items()}
        best = {k: v["min_s"] for k, v in series.items()}
        cpu = {k: v["cpu_median_s"] for k, v in series.items()}
        if "mdpo-extract" in med:
            lines.append("")
            for peer in ("mdpo", "ttk"):
                label = "mdpo" if peer == "mdpo" else "Translate Toolkit"
                for what, m in (("wall median", med), ("wall min", best), ("CPU median", cpu)):
                    lines.append(
                        f"- ours/{label} ({what}): extract (cold) = {_ratio(m['extract-cold'], m[f'{peer}-extract'])}, "
                        f"extract (first, no catalogs) = {_ratio(m['extract-first'], m[f'{peer}-extract'])}, "
                        f"build --markdown vs merge = {_ratio(m['build-cold'], m[f'{peer}-merge'])}, "
                        f"extract + build = {_ratio(m['extract-cold'] + m['build-cold'], m[f'{peer}-extract'] + m[f'{peer}-merge'])}")
        lines.append("")
        lines.append("- " + ", ".join(f"{k}: {v}" for k, v in extra.items()))
        if size.get("serve"):
            serve = size["serve"]
            lines.append(f"- `pipeline serve`: ready in {serve['ready_s']:.1f} s (first build); one saved article until "
                         f"its page is rebuilt: median {serve['median_s']:.3f} s, max {serve['max_s']:.3f} s after the "
                         f"first save ({serve['first_s']:.3f} s); all: "
                         + ", ".join(f"{x:.3f}" for x in serve["latencies_s"]) + " s")
    if result.get("tm"):
        tm = result["tm"]
        lines.append(f"\n### Translation memory ({tm['entries']:,} entries, {tm['queries']:,} queries)\n")
        lines.append(f"- build_memory: {tm['build_s']:.3f} s wall, {tm['build_cpu_s']:.3f} s CPU")
        lines.append(f"- closest(): mean {tm['ms_per_query_mean']:.2f} ms, median {tm['ms_per_query_median']:.2f} ms, "
                     f"p95 {tm['ms_per_query_p95']:.2f} ms, max {tm['ms_per_query_max']:.2f} ms "
                     f"(edited queries {tm['near_ms_mean']:.2f} ms, hit rate {tm['near_hit_rate']:.0%}; "
                     f"unseen {tm['fresh_ms_mean']:.2f} ms, hit rate {tm['fresh_hit_rate']:.0%}); "
                     f"CPU per query: mean {tm['cpu_ms_per_query_mean']:.2f} ms, median {tm['cpu_ms_per_query_median']:.2f} ms, "
                     f"p95 {tm['cpu_ms_per_query_p95']:.2f} ms")
    lines.append("\n### Targets (issue 8)\n")
    lines.extend(targets(result))
    return "\n".join(lines)


def targets(result: dict) -> list[str]:
    out = []

    def verdict(ok: bool, text: str) -> None:
        out.append(f"- {'MET ' if ok else 'MISSED'} {text}")

    for size in result["sizes"]:
        n, med = size["n"], {k: v["median_s"] for k, v in size["series"].items()}
        if "mdpo-extract" in med:
            ours = med["extract-cold"] + med["build-cold"]
            theirs = med["mdpo-extract"] + med["mdpo-merge"]
            cpu = {k: v["cpu_median_s"] for k, v in size["series"].items()}
            ours_cpu = cpu["extract-cold"] + cpu["build-cold"]
            theirs_cpu = cpu["mdpo-extract"] + cpu["mdpo-merge"]
            best = {k: v["min_s"] for k, v in size["series"].items()}
            ours_best = best["extract-cold"] + best["build-cold"]
            theirs_best = best["mdpo-extract"] + best["mdpo-merge"]
            verdict(ours * 3 <= theirs, f"N={n:,}: extract + build --markdown ≥ 3× faster than mdpo extract + merge: "
                                        f"median {ours:.2f} s vs {theirs:.2f} s wall = ours/mdpo {ours / theirs:.2f}× "
                                        f"(best run {ours_best:.2f} s vs {theirs_best:.2f} s = {ours_best / theirs_best:.2f}×; "
                                        f"CPU {ours_cpu:.2f} s vs {theirs_cpu:.2f} s = {ours_cpu / theirs_cpu:.2f}×; "
                                        f"need ≤ 0.33×)")
        if "restored-build" in med:
            restored = med["restored-extract"] + med["restored-build"]
            verdict(restored <= 3 and size["extra"].get("restored_identical_to_clean", False),
                    f"N={n:,}: fresh clone, restored cache, 10 edited articles"
                    f"{' (translated again)' if size['extra'].get('restored_translated') else ''}: extract + build ≤ 3 s: "
                    f"{med['restored-extract']:.2f} + {med['restored-build']:.2f} s; same bytes as a clean build: "
                    f"{size['extra'].get('restored_identical_to_clean')}")
        if n >= 10000 and "extract-edit5" in med:
            verdict(med["extract-edit5"] < 10, f"N={n:,}: extract after 5 % edits < 10 s: {med['extract-edit5']:.2f} s")
            verdict(med["extract-noop"] < 1, f"N={n:,}: no-op extract < 1 s: {med['extract-noop']:.2f} s")
            verdict(med["build-noop"] < 1, f"N={n:,}: no-op build < 1 s: {med['build-noop']:.2f} s")
            one = med["extract-one"] + med["build-one"]
            verdict(one < 0.5, f"N={n:,}: one article re-extracted + re-published < 0.5 s, by two commands "
                               f"(extract-one + build-one): {one:.2f} s")
            if size.get("serve"):
                serve = size["serve"]
                verdict(serve["median_s"] < 0.5, f"N={n:,}: one article re-extracted + re-published < 0.5 s, by "
                                                 f"`pipeline serve` (save to new page, watcher included): median "
                                                 f"{serve['median_s']:.3f} s, max {serve['max_s']:.3f} s")
            steps = OURS + RESTORED
            peak = max(v["peak_rss_mib"] for k, v in size["series"].items() if k in steps)
            tree = max(v.get("peak_tree_pss_mib", 0) for k, v in size["series"].items() if k in steps)
            verdict(tree < 500, f"N={n:,}: peak memory < 500 MiB: the whole process tree (workers included, "
                                f"shared pages counted once) held {tree:.0f} MiB; the largest process's RSS "
                                f"(a worker's counts the pages it shares with the build) {peak:.0f} MiB")
    if result.get("tm"):
        tm = result["tm"]
        verdict(tm["ms_per_query_p95"] < 10, f"memory search over {tm['entries']:,} entries costs milliseconds: "
                                             f"wall mean {tm['ms_per_query_mean']:.2f} ms, p95 {tm['ms_per_query_p95']:.2f} ms; "
                                             f"CPU mean {tm['cpu_ms_per_query_mean']:.2f} ms, p95 {tm.get('cpu_ms_per_query_p95', 0):.2f} ms "
                                             f"(taken as wall p95 < 10 ms)")
    return out


# --- command line ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes (default 1000,10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the median is reported (default 3)")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--peers", action="store_true", help="also time mdpo and Translate Toolkit (bench/peers.sh)")
    parser.add_argument("--pin", action="store_true", help="pin every timed process to CPU 0 with taskset")
    parser.add_argument("--serve", action="store_true",
                        help="also time `pipeline serve`: one saved article until its preview page is rebuilt")
    parser.add_argument("--restored", action="store_true",
                        help="also time a fresh clone with the last build's .cache/ and site/ restored and 10 "
                             "articles edited (a scheduled CI build), and compare it with a clean build")
    parser.add_argument("--only-restored", action="store_true", help="--restored, and none of the other steps")
    parser.add_argument("--translated", action="store_true",
                        help="with --restored: the edited articles' catalogs are extracted and translated again "
                             "before the clone (their Khmer pages stay published)")
    parser.add_argument("--tm-entries", type=int, default=100_000, help="translation-memory size (0: skip)")
    parser.add_argument("--tm-queries", type=int, default=1000)
    parser.add_argument("--only-tm", action="store_true", help="run only the translation-memory micro-benchmark")
    parser.add_argument("--work", type=Path, default=BENCH / ".work", help="scratch folder (default bench/.work)")
    parser.add_argument("--json", type=Path, help="write the results here (default: WORK/results-<time>.json)")
    parser.add_argument("--commit", metavar="REV",
                        help="measure pipeline/ and templates/ of this commit (exported with git archive) "
                             "instead of the working tree")
    parser.add_argument("--tm-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.tm_child:
        entries, queries, seed, repeat = (int(x) for x in args.tm_child.split(","))
        print(json.dumps(tm_bench(entries, queries, seed, repeat)))
        return 0

    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    global SOURCE
    if args.commit:
        SOURCE = export_commit(work, args.commit)
        print(f"measuring {(SOURCE / '.complete').read_text()[:12]} from {SOURCE}", flush=True)
    compile_pipeline(SOURCE or REPO)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    runner = Runner(args.pin, work / f"log-{stamp}.txt", verbose=True)
    result: dict = {"machine": machine(), "pipeline_source": source_fingerprint(), "pinned": args.pin,
                    "commit": (SOURCE / ".complete").read_text() if SOURCE else None, "repeat": args.repeat, "seed": args.seed,
                    "sizes": [], "tm": None}
    print(json.dumps(result["machine"]), flush=True)
    sizes = [] if args.only_tm else [int(s) for s in args.sizes.split(",") if s.strip()]
    for n in sizes:
        source = corpus(work, n, args.seed, runner)
        steps = (() if args.only_restored else OURS) + (THEIRS if args.peers else ()) + \
            (RESTORED if args.restored or args.only_restored else ())
        series = {name: Series() for name in steps}
        extra = {"messages": json.loads((source / ".complete").read_text())["messages"]}
        for r in range(args.repeat):
            print(f"N={n:,} run {r + 1}/{args.repeat}", flush=True)
            if not args.only_restored:
                bench_ours(source, work, n, runner, series, extra)
            if args.peers:
                bench_peers(source, work, n, runner, series, extra)
            if args.restored or args.only_restored:
                bench_restored(source, work, n, runner, series, extra, translated=args.translated)
        failed = [k for k, s in series.items() if any(x.returncode for x in s.samples)]
        if failed:
            extra["failed_steps"] = failed
        size = {"n": n, "series": {k: s.as_dict() for k, s in series.items()}, "extra": extra}
        if args.serve:
            print(f"N={n:,} pipeline serve …", flush=True)
            size["serve"] = bench_serve(source, work, n)
            print(f"  serve: ready in {size['serve']['ready_s']:.1f} s; one saved article until its page is new: "
                  + ", ".join(f"{x:.3f}" for x in size["serve"]["latencies_s"]) + " s", flush=True)
        result["sizes"].append(size)
    if args.tm_entries:
        print(f"translation memory: {args.tm_entries:,} entries …", flush=True)
        result["tm"] = tm_in_subprocess(runner, args.tm_entries, args.tm_queries, args.seed, args.repeat)
    result["loadavg_end"] = Path("/proc/loadavg").read_text().split()[:3]
    result["pipeline_source_end"] = source_fingerprint()
    if result["pipeline_source_end"] != result["pipeline_source"]:
        print("note: the pipeline's modules changed while the benchmark ran; figures mix two versions", flush=True)
    text = report(result)
    print(text)
    path = args.json or work / f"results-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nresults: {path}\nlog: {runner.log}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
