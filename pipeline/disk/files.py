"""Writing the project's files so that none is ever torn: each is written beside its place,
flushed and renamed over it; errors name the file the user cares about, not a temporary one.
Renames that Linux can do in one step (exchange, no-replace) go through `rename2`."""

from __future__ import annotations

import ctypes
import errno
import json
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Mapping

from pipeline.disk.scan import read_regular

AT_FDCWD = -100
RENAME_NOREPLACE = 1
RENAME_EXCHANGE = 2
RENAME_CANNOT = (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP)  # no renameat2, or not on this file system


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
            remove_quietly(temporary)
        raise
    for number, (temporary, path) in enumerate(staged):
        try:
            _replace(temporary, path)
        except BaseException:
            for left, _ in staged[number + 1:]:
                remove_quietly(left)
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
        remove_quietly(temporary)
        raise named(error, path) if isinstance(error, OSError) else error
    return temporary


def _replace(temporary: str, path: Path) -> None:
    try:
        os.replace(temporary, path)
    except BaseException as error:
        remove_quietly(temporary)
        raise named(error, path) if isinstance(error, OSError) else error


def named(error: OSError, path: Path | str) -> OSError:
    """`error`, naming `path`: the file the caller was writing, rather than a temporary file beside
    it or nothing at all (a full disk shows when data is written, and `write` names no file)."""
    error.filename, error.filename2 = os.fspath(path), None
    return error


def remove_quietly(path: str) -> None:
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



def _find_renameat2() -> Callable | None:
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    except OSError:
        return None


_RENAMEAT2 = _find_renameat2()  # the C library's function, looked up once (a lookup costs ~25 µs)


def rename2(source: str, target: str, flags: int) -> int:
    """renameat2(2): 0, or the error number (ENOSYS where the C library lacks the function)."""
    if _RENAMEAT2 is None:
        return errno.ENOSYS
    if _RENAMEAT2(AT_FDCWD, os.fsencode(source), AT_FDCWD, os.fsencode(target), flags) == 0:
        return 0
    return ctypes.get_errno()


def exchange(a: Path, b: Path) -> None:
    """Swap two directories atomically (Linux renameat2); three renames where that is missing."""
    code = rename2(os.fspath(a), os.fspath(b), RENAME_EXCHANGE)
    if code == 0:
        return
    if code not in RENAME_CANNOT:
        raise OSError(code, os.strerror(code), os.fspath(b))
    retired = a.with_name(a.name + ".old")
    os.rename(b, retired)
    os.rename(a, b)
    os.rename(retired, a)


def read_json(path: Path) -> dict:
    """A cache file's content, or {} when it is missing or unreadable (caches are safe to delete)."""
    try:
        data = json.loads(read_regular(path).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_json_atomic(path: Path, data: dict) -> None:
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, sort_keys=True))

