"""File writing that never leaves a torn file (write beside the target, fsync, rename), output trees
swapped in whole, and cheap change detection (stamps of every file under a folder)."""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import shutil
import signal
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace `path` with `data` in one step: readers see the old file or the new one. A cache,
    which is only a shortcut, can skip waiting for the disk (`durable=False`)."""
    temporary = _write_beside(path, data, durable)
    _replace(temporary, path)


def write_files_atomic(files: Mapping[Path, bytes]) -> None:
    """Replace several files, each in one step, and none when their new contents cannot all be
    written: each is first written beside its file (a full disk or a read-only folder stops the
    whole there), then all are renamed into place. (A rename the system refuses, as onto an
    immutable file, stops the rest; the files renamed before it stay whole and new.)"""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            staged.append((_write_beside(path, data), path))
    except BaseException:
        for temporary, _ in staged:
            _remove_quietly(temporary)
        raise
    for number, (temporary, path) in enumerate(staged):
        try:
            _replace(temporary, path)
        except BaseException:
            for left, _ in staged[number + 1:]:
                _remove_quietly(left)
            raise


def _write_beside(path: Path, data: bytes, durable: bool = True) -> str:
    """A new temporary file in the folder of `path` (made if missing) holding `data`."""
    path.parent.mkdir(parents=True, exist_ok=True)  # (an error names the folder that could not be made)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise named(error, path)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
    except BaseException as error:
        _remove_quietly(temporary)
        raise named(error, path) if isinstance(error, OSError) else error
    return temporary


def _replace(temporary: str, path: Path) -> None:
    try:
        os.replace(temporary, path)
    except BaseException as error:
        _remove_quietly(temporary)
        raise named(error, path) if isinstance(error, OSError) else error


def named(error: OSError, path: Path | str) -> OSError:
    """`error`, naming `path`: the file the caller was writing, rather than a temporary file beside
    it or nothing at all (a full disk shows when data is written, and `write` names no file)."""
    error.filename, error.filename2 = os.fspath(path), None
    return error


def _remove_quietly(path: str) -> None:
    """Remove a temporary file after a failure; a second failure must not hide the first."""
    try:
        os.unlink(path)
    except OSError:
        pass


FSYNC_EACH = 32  # up to this many files, an fsync each: syncfs would also wait for everything else written


def flush_to_disk(folder: str, paths: Iterable[str]) -> None:
    """Make files written (by any process) under `folder` durable before they are renamed into
    place: an fsync of each when they are few, else one syncfs(2) of the folder's file system where
    Linux offers it."""
    paths = list(paths)
    syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None) if len(paths) > FSYNC_EACH else None
    if syncfs is not None:
        handle = os.open(folder, os.O_RDONLY)
        try:
            if syncfs(handle) == 0:
                return
        finally:
            os.close(handle)
    for path in paths:
        handle = os.open(path, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def write_text_atomic(path: Path, text: str) -> None:
    write_atomic(path, text.encode("utf-8"))


def _exchange(a: Path, b: Path) -> None:
    """Swap two directories atomically (Linux renameat2); two renames where that is missing."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # not a file system that cannot exchange
            raise OSError(code, os.strerror(code), os.fspath(b))
    retired = a.with_name(a.name + ".old")
    os.rename(b, retired)
    os.rename(a, b)
    os.rename(retired, a)


def read_json(path: Path) -> dict:
    """A cache file's content, or {} when it is missing or unreadable (caches are safe to delete)."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_json_atomic(path: Path, data: dict) -> None:
    import json

    write_text_atomic(path, json.dumps(data, ensure_ascii=False, sort_keys=True))


def stamp(path: Path) -> list[int] | None:
    """Size, modification time and inode of a file or folder, or None when it is missing: a cheap
    change detector (a tree swapped in by `TreeUpdate` is a new inode)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ino]


# --- change detection ---------------------------------------------------------------------------------

Stamp = tuple[int, int, int]  # size, modification time (ns), inode


def scan_stamps(root: Path, skip: Callable[[str], bool] = lambda name: False) -> tuple[dict[str, Stamp], dict[str, str]]:
    """Every file under `root` (absolute path → stamp of what it points to), walked with os.scandir,
    and the symbolic links met (path → target): what resolving paths depends on. Links to folders
    are not followed, links to missing files are left out, names for which `skip` is true are not
    visited."""
    found: dict[str, Stamp] = {}
    links: dict[str, str] = {}
    pending = [str(root)]
    while pending:
        try:
            entries = os.scandir(pending.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                if skip(entry.name):
                    continue
                if entry.is_symlink():
                    links[entry.path] = os.readlink(entry.path)
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                    continue
                try:
                    info = entry.stat()
                except OSError:
                    continue
                found[entry.path] = (info.st_size, info.st_mtime_ns, info.st_ino)
    return found, links


# --- output trees updated by difference --------------------------------------------------------------

Manifest = dict[str, str]  # relative posix path → digest of the file's content


@contextmanager
def tree_lock(out: Path) -> Iterator[None]:
    """Held for a whole build into `out`: a second build waits, then sees the first one's result."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.parent / f".{out.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


class TreeUpdate:
    """Brings a tree that nobody reads to the wanted content, then swaps it with the live one.

    The tree worked on is the spare that the previous build retired (when its content is known
    for sure), or else a fresh folder. Only files whose digest differs are written; unchanged files
    the spare lacks are hard-linked from the live tree. Files are never changed in place, so live
    and spare may share them. A marker file says the spare is being worked on: a build killed
    midway leaves it, and the next build does not trust that spare."""

    MARKER = ".pipeline-incomplete"

    def __init__(self, out: Path, live: Manifest | None, spare: Manifest | None):
        self.out = out.resolve()
        self.spare_path = spare_of(self.out)
        self.live = live or {}
        self.swapped = False
        for stale in self.out.parent.glob(f".{self.out.name}.new-*"):  # left by a build that was killed
            shutil.rmtree(stale, ignore_errors=True)
        if spare is not None and self.spare_path.is_dir() and not (self.spare_path / self.MARKER).exists():
            self.root, self.have = self.spare_path, dict(spare)
        else:
            try:
                made = tempfile.mkdtemp(prefix=f".{self.out.name}.new-", dir=self.out.parent)
            except OSError as error:
                raise named(error, self.out)
            self.root, self.have = Path(made), {}
        try:
            if self.root != self.spare_path:
                self.root.chmod(0o755)
            (self.root / self.MARKER).touch()
            mark_output_tree(self.root)
        except BaseException as error:
            self.abandon()
            raise named(error, self.out) if isinstance(error, OSError) else error
        self.wanted: Manifest = {}
        self.folders: set[str] = {str(self.root)}  # folders known to exist

    def put(self, relative: str, digest: str, data: bytes | Path) -> None:
        """The file `relative` must hold `data` (bytes, or a file to copy), whose digest is given."""
        if self.keep(relative, digest):
            return
        try:
            target = self._clear(relative)
            if isinstance(data, Path):
                if os.path.lexists(target):  # a stray file the manifest did not know: replace, never write through
                    os.unlink(target)
                shutil.copyfile(data, target)
                os.chmod(target, 0o644)
            else:
                try:
                    handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                except FileExistsError:  # a stray file the manifest did not know: replace, never write through
                    os.unlink(target)
                    handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                with open(handle, "wb") as stream:
                    stream.write(data)
        except OSError as error:
            raise self._named(error, relative, data)
        self.wanted[relative] = self.have[relative] = digest

    def _named(self, error: OSError, relative: str, source: bytes | Path | None = None) -> OSError:
        """An error met while writing `relative`, naming it in the output folder (not in the tree
        being prepared); an error reading the file to copy keeps that file's name."""
        if isinstance(source, Path) and error.filename == os.fspath(source) and error.filename2 is None:
            return error
        return named(error, f"{self.out}/{relative}")

    def keep(self, relative: str, digest: str) -> bool:
        """The file must hold what the live tree holds under the same digest; False when it does not."""
        if self.have.get(relative) == digest:
            self.wanted[relative] = digest
            return True
        if self.live.get(relative) != digest:
            return False
        source = f"{self.out}/{relative}"
        try:
            target = self._clear(relative)
            try:
                os.link(source, target)
            except FileExistsError:
                os.unlink(target)
                os.link(source, target)
            except OSError:  # another file system, or one without hard links
                shutil.copyfile(source, target)
        except OSError as error:
            raise self._named(error, relative)
        self.wanted[relative] = self.have[relative] = digest
        return True

    def keep_all(self, files: Iterable[tuple[str, str]]) -> bool:
        """`keep` each (relative path, digest); False at the first the live tree does not hold."""
        have, wanted = self.have, self.wanted
        for relative, digest in files:
            if have.get(relative) == digest:
                wanted[relative] = digest
            elif not self.keep(relative, digest):
                return False
        return True

    def keep_live(self, relative: str) -> bool:
        """`keep` the file as the live tree holds it; False when the live tree does not."""
        digest = self.live.get(relative)
        if digest is not None and self.have.get(relative) == digest:  # `keep`'s first case, without a call
            self.wanted[relative] = digest
            return True
        return digest is not None and self.keep(relative, digest)

    def finish(self) -> tuple[Manifest, Manifest | None]:
        """Remove what is not wanted and swap the tree in; (live manifest, spare manifest) after."""
        self.complete()
        self.swap()
        return self.settle()

    # `finish` in three steps, so that several trees are swapped in together or not at all:
    # `complete` each, `swap` each (`unswap` those already swapped when one fails), `settle` each.

    def complete(self) -> None:
        """Remove the files nobody asked for, then the marker: the tree is complete."""
        try:
            self._remove_unwanted()
        except OSError as error:
            raise named(error, self.out)

    def swap(self) -> None:
        """Put the complete tree in the output folder's place, in one step."""
        try:
            if os.path.lexists(self.out):
                _exchange(self.root, self.out)
                self.swapped = True
            else:
                os.rename(self.root, self.out)
                self.swapped = None  # (nothing was there: nothing to keep as the spare)
        except OSError as error:
            raise named(error, self.out)

    def unswap(self) -> None:
        """Undo `swap`: another output folder could not be swapped in, so this one is put back."""
        if self.swapped:
            _exchange(self.root, self.out)
        elif self.swapped is None:
            os.rename(self.out, self.root)
        self.swapped = False

    def settle(self) -> tuple[Manifest, Manifest | None]:
        """After `swap`: the old live tree becomes the spare; (live manifest, spare manifest)."""
        if self.swapped is None:
            return self.wanted, None
        if self.root != self.spare_path:  # a fresh folder now holds the old live tree: it becomes the spare
            try:
                if self.spare_path.exists():  # renamed first: a half-removed spare must not keep its name
                    retired = self.out.with_name(f".{self.out.name}.new-retired")
                    os.rename(self.spare_path, retired)
                    shutil.rmtree(retired, ignore_errors=True)
                os.rename(self.root, self.spare_path)
            except OSError:  # the site is in place; without a spare, the next build starts a fresh tree
                shutil.rmtree(self.root, ignore_errors=True)
                return self.wanted, None
        return self.wanted, self.live if self.live else None

    def abandon(self) -> None:
        """The build failed: leave the live tree alone, drop a fresh folder; a spare gets its marker
        back if `complete` took it (the next build must not trust a spare this one changed)."""
        if self.root != self.spare_path:
            shutil.rmtree(self.root, ignore_errors=True)
        else:
            try:
                (self.root / self.MARKER).touch()
            except OSError:
                pass

    def _clear(self, relative: str) -> str:
        """The file's path, free to create: an old version removed (never overwritten in place, as
        the live tree may share it), its folder made."""
        target = f"{self.root}/{relative}"
        if relative in self.have:
            os.unlink(target)
        else:
            self._make_folder(target)
        return target

    def _make_folder(self, target: str) -> None:
        folder = os.path.dirname(target)
        if folder not in self.folders:
            os.makedirs(folder, mode=0o755, exist_ok=True)
            self.folders.add(folder)

    def _remove_unwanted(self) -> None:
        """Remove the files nobody asked for, then the marker: the tree is complete."""
        for relative in sorted(set(self.have) - set(self.wanted), reverse=True):
            (self.root / relative).unlink(missing_ok=True)
            _remove_empty_parents(self.root, relative)
        (self.root / self.MARKER).unlink()


class InPlaceUpdate(TreeUpdate):
    """Brings the live tree itself to the wanted content (a preview's: no second copy, no swap).
    Each file is replaced in one step, so a reader sees a page as it was or as it is, but the tree
    as a whole changes file by file. Needs the live tree's manifest; the marker file, until the
    update is done, makes a tree that an update left halfway untrusted."""

    def __init__(self, out: Path, live: Manifest, spare: Manifest | None):
        # (not TreeUpdate.__init__, which makes a fresh tree or takes the spare)
        self.out = out.resolve()
        self.spare_path = spare_of(self.out)
        self.live = live
        self.spare = spare
        self.root, self.have = self.out, dict(live)
        self.swapped = False
        try:
            (self.root / self.MARKER).touch()
            mark_output_tree(self.root)
        except OSError as error:
            raise named(error, self.out)
        self.wanted = {}
        self.folders = {str(self.root)}

    def put(self, relative: str, digest: str, data: bytes | Path) -> None:
        if self.keep(relative, digest):
            return
        temporary = None
        try:
            target = self._clear(relative)
            folder, name = os.path.split(target)
            temporary = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
            if isinstance(data, Path):
                shutil.copyfile(data, temporary)
            else:
                with open(temporary, "wb") as stream:
                    stream.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)  # the old file may be the spare's too: it is replaced, not written
        except OSError as error:
            if temporary is not None:
                _remove_quietly(temporary)
            raise self._named(error, relative, data)
        self.wanted[relative] = self.have[relative] = digest

    def keep(self, relative: str, digest: str) -> bool:
        if self.have.get(relative) == digest:
            self.wanted[relative] = digest
            return True
        return False

    def finish(self) -> tuple[Manifest, Manifest | None]:
        self.complete()
        return self.settle()

    def swap(self) -> None:  # the tree is the live one already
        pass

    def unswap(self) -> None:
        pass

    def settle(self) -> tuple[Manifest, Manifest | None]:
        return self.wanted, self.spare

    def abandon(self) -> None:
        """The build failed: what was written stays, and `finish` records the tree as holding it."""
        self.wanted = dict(self.have)

    def _clear(self, relative: str) -> str:
        target = f"{self.root}/{relative}"
        self._make_folder(target)  # (an old file is replaced by `put`, not removed first)
        return target


OUTPUT_MARKER = ".pipeline-site"  # at the top of every tree a build writes: a folder a build may replace
_MARKER_TEXT = b"Written by `pipeline build`: the next build replaces this whole folder.\n"


def mark_output_tree(folder: Path) -> None:
    """Mark a tree a build writes (the site, a Markdown export, a preview) as one, so that a later
    build may replace it; a folder without the mark is never replaced unless it is empty."""
    marker = folder / OUTPUT_MARKER
    if not marker.is_file():
        marker.write_bytes(_MARKER_TEXT)


def is_output_tree(folder: Path) -> bool:
    """Whether `folder` holds what a build wrote (its marker), or nothing at all."""
    try:
        with os.scandir(folder) as entries:
            names = {entry.name for entry in entries}
    except FileNotFoundError:
        return True
    return not names or (OUTPUT_MARKER in names and (folder / OUTPUT_MARKER).is_file())


def spare_of(out: Path) -> Path:
    """Where the previous generation of the output folder `out` (resolved) is kept."""
    return out.with_name(f".{out.name}.spare")


def _remove_empty_parents(root: Path, relative: str) -> None:
    folder = (root / relative).parent
    while folder != root:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


# --- replacing a file that its owner may be saving -------------------------------------------------------
#
# A translator's editor may save a catalog at any moment, with a new file renamed over it (Poedit,
# Weblate, vim) or by writing it in place (VS Code). `replace_unchanged` puts a new version in place
# only over the content it was made from; `read_when_quiet` reads a file while nobody writes it. Both
# use Linux read leases where the file system grants them: while one is held on a file, a program
# opening it for writing waits, and taking one fails while a program has it open for writing.

_RENAME_NOREPLACE = 1
_RENAME_CANNOT = (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP)  # no renameat2, or not on this file system
_LEASE_SIGNAL = getattr(signal, "SIGURG", 0)  # sent to a lease holder when a writer waits: ignored unless handled
QUIET_WAIT = 2.0  # seconds to wait for a program to finish writing a file before reading it as it is
_QUIET_POLL = 0.005


def _find_renameat2() -> Callable | None:
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    except OSError:
        return None


_RENAMEAT2 = _find_renameat2()  # the C library's function, looked up once (a lookup costs ~25 µs)


@dataclass(frozen=True)
class Snapshot:
    """A file's content and stamp as read at one moment (both None: missing); whether nobody could
    write it while it was read (known only where read leases are granted), and whether a program
    kept it open for writing all the time `read_when_quiet` waited (then it is read as it was)."""

    data: bytes | None
    stamp: list[int] | None
    quiet: bool = False
    busy: bool = False


@dataclass(frozen=True)
class Replaced:
    """What `replace_unchanged` did. `placed`: the new file is the target now (its `stamp`). Else the
    target no longer holds the expected content: `found` is what it holds (None: it is missing), with
    its `stamp`, left as it is; `undone` when the save landed between the check and the exchange,
    which was undone; and `overwritten` is what a program saved over the new file in the instant it
    stood in place (None when nothing was), which is no longer on disk. `busy`: a program keeps the
    target open for writing, so what it holds is not known (`found`: what it held when last read)."""

    placed: bool
    stamp: list[int] | None
    found: bytes | None = None
    overwritten: bytes | None = None
    undone: bool = False
    busy: bool = False


def digest(data: bytes) -> str:
    """What `replace_unchanged` expects: the SHA-256 of a file's content."""
    return hashlib.sha256(data).hexdigest()


def replace_unchanged(staged: str, target: str, expected: str | None, seen: list[int] | None = None) -> Replaced:
    """Put the file `staged` at `target` only if `target` holds the content whose `digest` is
    `expected` (None: only if there is no `target`), so that a save made since that content was read
    is never overwritten; `seen` is the stamp `target` had then (a cheap first check).

    Compare and swap are one step where Linux offers renameat2: the files are exchanged, then the
    displaced one is compared; if it is not the expected content, it is given its place back at once
    (our file stands in place for a few microseconds, during which nobody can open it for writing)
    and reported as `found`. Elsewhere a new file is created with link(2) (never over another), and
    an existing one compared, then renamed over: a save landing between the two is lost there.
    When not placed, `staged` is left holding what it held; staged on another file system, it is
    first copied beside the target."""
    beside = None
    try:
        while True:
            if expected is None:
                placed = stamp(Path(staged))
                code = _create(staged, target)
                if code == errno.EEXIST:
                    found = read_when_quiet(target)
                    if found.data is None:
                        continue  # removed again meanwhile
                    return Replaced(False, found.stamp, found.data, busy=found.busy)
            else:
                if seen is None or stamp(Path(target)) != seen:
                    found = read_when_quiet(target)
                    if found.data is None or found.busy or digest(found.data) != expected:
                        return Replaced(False, found.stamp, found.data, busy=found.busy)
                code = _exchange_checked(staged, target, expected)
                if code in _RENAME_CANNOT:
                    code = _compare_then_replace(staged, target, expected)
                if isinstance(code, Replaced):
                    return code
                if code == errno.ENOENT and os.path.exists(staged):
                    seen = None  # the target was removed meanwhile: look again
                    continue
            if code == errno.EXDEV and beside is None:
                staged = beside = _copy_beside(staged, target)
                continue
            if code:
                raise named(OSError(code, os.strerror(code)), target)
            return Replaced(True, placed)
    finally:
        if beside is not None:
            _remove_quietly(beside)  # (gone when it was placed)


def read_when_quiet(path: str, wait: float | None = None) -> Snapshot:
    """A file's content once no program has it open for writing, read while none can open it for
    writing; after `wait` seconds (QUIET_WAIT) it is read as it is then, and said `busy`. Where read
    leases are not granted (another system, file system or owner), it is read as it is, and the
    snapshot says it is not known to be quiet."""
    deadline = time.monotonic() + (QUIET_WAIT if wait is None else wait)
    while True:
        snapshot = _read(path, lease=True)
        if snapshot is not None:
            return snapshot
        if time.monotonic() >= deadline:
            snapshot = _read(path, lease=False)
            return Snapshot(snapshot.data, snapshot.stamp, busy=True)
        time.sleep(_QUIET_POLL)


def _read(path: str, lease: bool) -> Snapshot | None:
    """The file read under a read lease (where granted), or None when a program has it open for
    writing; `lease` False: read as it is."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return Snapshot(None, None, True)
    try:
        leased = _lease(handle, True) if lease else None
        if leased is False:
            return None
        try:
            info = os.fstat(handle)
            data = _read_all(handle)
        finally:
            if leased:
                _lease(handle, False)
        return Snapshot(data, [info.st_size, info.st_mtime_ns, info.st_ino], leased is True)
    finally:
        os.close(handle)


def _read_all(handle: int) -> bytes:
    chunks = []
    offset = 0
    while chunk := os.pread(handle, 1 << 20, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _lease(handle: int, take: bool) -> bool | None:
    """Take (or give back) a read lease on a file opened for reading: True when held, False when a
    program has the file open for writing, None where leases are not granted."""
    setlease = getattr(fcntl, "F_SETLEASE", None)
    if setlease is None:
        return None
    try:
        if take and _LEASE_SIGNAL:
            fcntl.fcntl(handle, fcntl.F_SETSIG, _LEASE_SIGNAL)  # the default, SIGIO, would end this process
        fcntl.fcntl(handle, setlease, fcntl.F_RDLCK if take else fcntl.F_UNLCK)
        return True
    except OSError as error:
        return False if error.errno == errno.EAGAIN else None


def _rename2(source: str, target: str, flags: int) -> int:
    """renameat2(2): 0, or the error number (ENOSYS where the C library lacks the function)."""
    if _RENAMEAT2 is None:
        return errno.ENOSYS
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), flags) == 0:
        return 0
    return ctypes.get_errno()


def _create(staged: str, target: str) -> int:
    """Rename `staged` to `target` unless `target` exists: 0, or the error number (EEXIST)."""
    code = _rename2(staged, target, _RENAME_NOREPLACE)
    if code not in _RENAME_CANNOT:
        return code
    try:
        os.link(staged, target)  # never replaces an existing file either
    except FileExistsError:
        return errno.EEXIST
    except OSError as error:
        if error.errno == errno.EXDEV:
            return errno.EXDEV
        if os.path.lexists(target):  # a file system without hard links: check, then rename
            return errno.EEXIST
        os.replace(staged, target)
        return 0
    _remove_quietly(staged)
    return 0


def _exchange_checked(staged: str, target: str, expected: str) -> Replaced | int:
    """Exchange `staged` with `target`; keep the exchange if what it displaced is the expected
    content, else undo it at once. An error number when the files could not be exchanged."""
    handle = os.open(staged, os.O_RDONLY | os.O_CLOEXEC)
    leased = _lease(handle, True)  # while it stands in place, nobody may write our file
    try:
        mine = _read_all(handle) if not leased else None  # (without a lease, keep its content now)
        info = os.fstat(handle)
        ours = [info.st_size, info.st_mtime_ns, info.st_ino]
        code = _rename2(staged, target, _RENAME_EXCHANGE)
        if code:
            return code
        try:
            displaced = _read(staged, lease=True)  # None: a program is writing it (it was being saved)
        except BaseException:
            _give_back(staged, target)
            raise
        if displaced is not None and displaced.data is not None and digest(displaced.data) == expected:
            _remove_quietly(staged)
            return Replaced(True, ours)
        _give_back(staged, target)  # a save landed between the check and the exchange
        overwritten = None
        if stamp(Path(staged)) != ours:  # and another was saved over ours in the instant it stood in place
            overwritten = read_when_quiet(staged).data
            _write_over(staged, mine if mine is not None else _read_all(handle))
        found = read_when_quiet(target)
        return Replaced(False, found.stamp, found.data, overwritten, undone=True, busy=found.busy)
    finally:
        if leased:
            _lease(handle, False)
        os.close(handle)


def _give_back(displaced: str, target: str) -> None:
    """Put a save displaced by an exchange back in place (by a rename if exchanging fails)."""
    if _rename2(displaced, target, _RENAME_EXCHANGE) != 0:
        os.replace(displaced, target)  # (our file is gone then: the caller writes it again)


def _write_over(path: str, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=os.path.dirname(path))
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.replace(temporary, path)


def _compare_then_replace(staged: str, target: str, expected: str) -> Replaced | int:
    """Where files cannot be exchanged: compare, then rename (a save landing between is lost)."""
    found = read_when_quiet(target)
    if found.data is None or found.busy or digest(found.data) != expected:
        return Replaced(False, found.stamp, found.data, busy=found.busy)
    placed = stamp(Path(staged))
    try:
        os.replace(staged, target)
    except OSError as error:
        if error.errno == errno.EXDEV:
            return errno.EXDEV
        raise named(error, target)
    return Replaced(True, placed)


def _copy_beside(staged: str, target: str) -> str:
    """A durable copy of `staged` in the target's folder (a rename cannot cross file systems)."""
    folder, name = os.path.split(target)
    handle, copy = tempfile.mkstemp(prefix=f".{name}.", suffix=".swap", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream, open(staged, "rb") as source:
            shutil.copyfileobj(source, stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(copy, 0o644)
    except BaseException:
        _remove_quietly(copy)
        raise
    return copy
