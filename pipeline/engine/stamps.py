"""The inputs of a run: the stamp of every file in the folders it reads, taken in one walk at its
start, or brought up to date from the last run's when the caller knows which files changed.

A stamp (size, modification time, inode) tells a changed file cheaply. It cannot tell a file that
changed twice within one tick of the file system's clock: a stamp taken within RACY_NS of the
run's start is not trusted later (the work that read such a file is not kept, and is done again)."""

from __future__ import annotations

import os
import stat as stat_module
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, TypeVar

from pipeline.disk.scan import Stamp, file_digest, scan_stamps

Item = TypeVar("Item")
Result = TypeVar("Result")

HASHING_THREADS = 2  # more only wait for the interpreter's lock, on files of a few kilobytes
RACY_NS = 100_000_000  # a file changed this close to a run's start may change again unseen


def trusted(stamp: Stamp | None, started_ns: int) -> bool:
    """Whether a stamp taken by a run that started at `started_ns` tells later changes (a file
    missing then tells them too)."""
    return stamp is None or stamp[1] < started_ns - RACY_NS


@dataclass(frozen=True)
class Inputs:
    """Stamps of every file under the folders a run reads, taken in one walk."""

    stamps: Mapping[str, Stamp]  # absolute path → stamp
    links: Mapping[str, str]  # symbolic link → its target
    roots: tuple[str, ...]  # the folders walked, each ending with a separator
    started_ns: int
    known: Mapping[str, tuple] = field(default_factory=dict)  # path → (stamp, digest, standing stamp): `contents`
    vouched: frozenset = frozenset()  # standing stamps of files whose own stamps are old enough to trust

    def digest(self, path: str) -> str | None:
        """The SHA-256 of a walked file's content: as remembered for the stamp standing for it
        (which this run's walk recognized), or read now."""
        entry = self.known.get(path)
        if entry is not None and entry[2] == self.stamps.get(path):
            return entry[1]
        return content_digest(path)

    def lookup(self, path: Path | str) -> Stamp | None:
        """The stamp of a file, or None when it is missing (files outside the walk are asked for)."""
        name = str(path)
        if name.startswith(self.roots):
            return self.stamps.get(name)
        return _file_stamp(name)

    def resolve(self, path: Path) -> Path:
        """The real path: lexical inside the walked folders when the walk met no symbolic link."""
        if not self.links and str(path).startswith(self.roots):
            return Path(os.path.normpath(path))
        return path.resolve()

    def trusted(self, stamps: Iterable[Stamp | None]) -> bool:
        """False when a file changed so recently that a change within the same clock tick could hide."""
        return all(stamp in self.vouched or trusted(stamp, self.started_ns) for stamp in stamps)

    def case_twin(self, path: Path | str) -> str | None:
        """A file named as `path` is but for letter case, in the same folder (what a link that works
        on a case-blind disk and fails on the web server names), or None."""
        name = str(path)
        folder, wanted = os.path.dirname(name) + os.sep, os.path.basename(name).casefold()
        if name.startswith(self.roots):
            candidates = [p for p in self.stamps if p.startswith(folder) and os.sep not in p[len(folder):]]
        else:
            try:
                candidates = [folder + entry for entry in os.listdir(folder)]
            except OSError:
                return None
        return next((p for p in sorted(candidates) if os.path.basename(p).casefold() == wanted and p != name), None)

    def under(self, folder: Path) -> list[tuple[str, Stamp]]:
        """The files under a folder (resolved), with their stamps, in path order."""
        prefix = str(folder.resolve()) + os.sep
        return sorted((path, found) for path, found in self.stamps.items() if path.startswith(prefix))


def walk(folders: Iterable[Path]) -> Inputs:
    """The stamps of every file under the folders (nested ones walked once; `.git` left out)."""
    started = time.time_ns()
    resolved = sorted({folder.resolve() for folder in folders})
    outermost = [r for r in resolved if not any(r != other and r.is_relative_to(other) for other in resolved)]
    stamps: dict[str, Stamp] = {}
    links: dict[str, str] = {}
    for root in outermost:
        found, linked = scan_stamps(root, _is_git)
        stamps.update(found)
        links.update(linked)
    return Inputs(stamps, links, tuple(str(r) + os.sep for r in outermost), started)


@dataclass(frozen=True)
class Rescan:
    """The inputs after some files or folders changed, and what changed among them."""

    inputs: Inputs
    files: tuple[str, ...]  # the changed files (real paths) inside the walked folders
    folders: bool  # a folder changed (what it holds was walked again)
    added_or_removed: bool  # a file appeared or went away


def rescanned(inputs: Inputs, changed: Iterable[str]) -> Rescan:
    """The stamps again, after the given files or folders changed; everything else is as it was."""
    stamps = dict(inputs.stamps)
    added_or_removed, folders, files = False, False, []
    for path in {os.path.realpath(p) for p in changed}:
        if not path.startswith(inputs.roots):
            continue
        before = stamps.pop(path, None) is not None
        folder = os.path.isdir(path) and not os.path.islink(path)
        if folder or not before:  # a folder, or a name that may have been one: what it held goes
            inner = path + os.sep
            for name in [name for name in stamps if name.startswith(inner)]:
                del stamps[name]
        if folder:
            stamps.update(scan_stamps(Path(path), _is_git)[0])
            added_or_removed = folders = True
            continue
        found = _file_stamp(path)
        if found is not None:
            stamps[path] = found
        added_or_removed |= before != (found is not None)
        files.append(path)
    fresh = Inputs(stamps, inputs.links, inputs.roots, time.time_ns(), inputs.known, inputs.vouched)
    return Rescan(fresh, tuple(files), folders, added_or_removed)


def content_digest(path: str, follow_links: bool = True) -> str | None:
    """The SHA-256 of a regular file's content, or None when it cannot be read (`scan.file_digest`)."""
    found = file_digest(path, follow_links)
    return found[0] if found is not None else None


def hashed(read: Callable[[Item], Result], items: list[Item]) -> list[Result]:
    """`read` (which reads and hashes files) of each item, over a few threads when there are many:
    reading and hashing release the interpreter's lock, so the threads keep the disk and cores busy."""
    if len(items) < 64:
        return [read(item) for item in items]
    shares = [items[number::HASHING_THREADS] for number in range(HASHING_THREADS)]  # (one task per thread)
    results: list = [None] * len(items)
    with ThreadPoolExecutor(HASHING_THREADS) as pool:
        for number, done in enumerate(pool.map(lambda share: [read(item) for item in share], shares)):
            results[number::HASHING_THREADS] = done
    return results


def same_content(path: str, now: Stamp | None, seen: Stamp | None, digest: str) -> bool:
    """Whether a file holds what it held when a run saw it with stamp `seen` and content `digest`:
    by its stamp, or, when that differs (a file touched, copied, checked out again), by its content."""
    return (seen is not None and now == seen) or content_digest(path) == digest


def differences(before: Mapping[str, Stamp], now: Mapping[str, Stamp]) -> tuple[set[str], bool]:
    """The files whose stamps differ between two walks, and whether any appeared or went away."""
    changed = {path for path, _ in now.items() ^ before.items()}
    return changed, any((path in before) != (path in now) for path in changed)


def _is_git(name: str) -> bool:
    return name == ".git"


def _file_stamp(path: str) -> Stamp | None:
    """The stamp of what a path names when that is a regular file (as the walk sees files), or None."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino) if stat_module.S_ISREG(info.st_mode) else None
