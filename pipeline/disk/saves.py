"""Replacing a file that its owner may be saving, and reading one while nobody writes it.

A translator's editor may save a catalog at any moment, with a new file renamed over it (Poedit,
Weblate, vim) or by writing it in place (VS Code). `replace_unchanged` puts a new version in place
only over the content it was made from; `read_when_quiet` reads a file while nobody writes it. Both
use Linux read leases where the file system grants them: while one is held on a file, a program
opening it for writing waits, and taking one fails while a program has it open for writing."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.disk.files import RENAME_CANNOT, RENAME_EXCHANGE, RENAME_NOREPLACE, named, remove_quietly, rename2
from pipeline.disk.scan import Stamp, open_regular, stamp

_LEASE_SIGNAL = getattr(signal, "SIGURG", 0)  # sent to a lease holder when a writer waits: ignored unless handled
QUIET_WAIT = 2.0  # seconds to wait for a program to finish writing a file before reading it as it is
_QUIET_POLL = 0.005


@dataclass(frozen=True)
class Snapshot:
    """A file's content and stamp as read at one moment (both None: missing); whether nobody could
    write it while it was read (known only where read leases are granted), and whether a program
    kept it open for writing all the time `read_when_quiet` waited (then it is read as it was)."""

    data: bytes | None
    stamp: Stamp | None
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
    stamp: Stamp | None
    found: bytes | None = None
    overwritten: bytes | None = None
    undone: bool = False
    busy: bool = False


def digest(data: bytes) -> str:
    """What `replace_unchanged` expects: the SHA-256 of a file's content."""
    return hashlib.sha256(data).hexdigest()


def replace_unchanged(staged: str, target: str, expected: str | None, seen: Stamp | None = None) -> Replaced:
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
                if code in RENAME_CANNOT:
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
            remove_quietly(beside)  # (gone when it was placed)


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
        handle = open_regular(path)
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
        return Snapshot(data, (info.st_size, info.st_mtime_ns, info.st_ino), leased is True)
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


def _create(staged: str, target: str) -> int:
    """Rename `staged` to `target` unless `target` exists: 0, or the error number (EEXIST)."""
    code = rename2(staged, target, RENAME_NOREPLACE)
    if code not in RENAME_CANNOT:
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
    remove_quietly(staged)
    return 0


def _exchange_checked(staged: str, target: str, expected: str) -> Replaced | int:
    """Exchange `staged` with `target`; keep the exchange if what it displaced is the expected
    content, else undo it at once. An error number when the files could not be exchanged."""
    handle = os.open(staged, os.O_RDONLY | os.O_CLOEXEC)
    leased = _lease(handle, True)  # while it stands in place, nobody may write our file
    try:
        mine = _read_all(handle) if not leased else None  # (without a lease, keep its content now)
        info = os.fstat(handle)
        ours = (info.st_size, info.st_mtime_ns, info.st_ino)
        code = rename2(staged, target, RENAME_EXCHANGE)
        if code:
            return code
        try:
            displaced = _read(staged, lease=True)  # None: a program is writing it (it was being saved)
        except BaseException:
            _give_back(staged, target)
            raise
        if displaced is not None and displaced.data is not None and digest(displaced.data) == expected:
            remove_quietly(staged)
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
    if rename2(displaced, target, RENAME_EXCHANGE) != 0:
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
        remove_quietly(copy)
        raise
    return copy


def write_unless_changed(path: Path, data: bytes, expected: bytes | None) -> bool:
    """Write `data` to `path` whole (beside it, then renamed over it) only while the file holds
    `expected`, what the writer read (None: only while there is no file); whether `data` is in
    place. A save made since it was read is kept, and `data` is not written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, staged = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(staged, 0o644)
        return replace_unchanged(staged, str(path), None if expected is None else digest(expected)).placed
    finally:
        remove_quietly(staged)
