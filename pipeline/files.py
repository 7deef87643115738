"""File writing that never leaves a torn file: write beside the target, fsync, rename."""

from __future__ import annotations

import ctypes
import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from typing import Mapping

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_atomic(path, text.encode("utf-8"))


def replace_tree(out: Path, files: Mapping[str, bytes]) -> None:
    """Make `out` hold exactly `files` (relative posix path → bytes), all at once.

    The tree is written beside `out` and exchanged with it in one atomic rename, under a lock:
    readers, a concurrent build and a build killed at any moment see the old tree or the new one."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.parent / f".{out.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in out.parent.glob(f".{out.name}.new-*"):  # left by a build that was killed
            shutil.rmtree(stale, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        try:
            _write_tree(staging, files)
            if out.exists():
                _exchange(staging, out)
            else:
                os.rename(staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # after an exchange it holds the old tree


def _write_tree(root: Path, files: Mapping[str, bytes]) -> None:
    root.chmod(0o755)
    for relative, data in sorted(files.items()):
        target = root / relative
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True, mode=0o755)
        target.write_bytes(data)
        target.chmod(0o644)


def _exchange(a: Path, b: Path) -> None:
    """Swap two directories atomically (Linux renameat2); two renames where that is missing."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
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
    change detector (a tree swapped in by `replace_tree` is a new inode)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ino]
