"""Cheap change detection: the stamp (size, modification time, inode) of a file, and of every file
under a folder in one walk; reading a file, only when it is a regular file."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Callable

Stamp = tuple[int, int, int]  # size, modification time (ns), inode
READ_SIZE = 1 << 20  # bytes read at a time from a file that grows while it is read
DIGEST_LENGTH = 32  # hex digits of SHA-256 a file is known by (in the files records and the site manifests)


def scan_stamps(root: Path, skip: Callable[[str], bool] = lambda name: False) -> tuple[dict[str, Stamp], dict[str, str]]:
    """Every regular file under `root` (absolute path → stamp of what it points to), walked with
    os.scandir, and the symbolic links met (path → target): what resolving paths depends on. Links
    to folders are not followed, links to missing files are left out, names for which `skip` is
    true are not visited. A FIFO, socket or device is no file to read (opening a FIFO waits for a
    writer) and is left out."""
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
                if S_ISREG(info.st_mode):
                    found[entry.path] = (info.st_size, info.st_mtime_ns, info.st_ino)
    return found, links


def names_under(root: str) -> set[str]:
    """The path (relative, with `/`) of everything under `root` that is not a folder, whatever it is
    (a symbolic link, even to nothing, a FIFO…): what a folder holds, named without reading or
    stating anything."""
    found = set()
    pending = [(root, "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{prefix}{entry.name}/"))
                else:
                    found.add(prefix + entry.name)
    return found


def stamp(path: Path | str) -> Stamp | None:
    """Size, modification time and inode of a file or folder, or None when it is missing: a cheap
    change detector (a tree swapped in by `TreeUpdate` is a new inode)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)



def stable_digest(path: str, seen: Stamp) -> str | None:
    """The SHA-256 of a file's content (its first DIGEST_LENGTH hex digits: 128 bits), when the file
    still has the stamp `seen` after it was read (so the digest is of what that stamp stands for);
    None when it changed or cannot be read."""
    found = file_digest(path)
    if found is None or found[1] != seen:
        return None
    return found[0][:DIGEST_LENGTH]


def file_digest(path: str, follow_links: bool = True) -> tuple[str, Stamp] | None:
    """The SHA-256 (hex) of a regular file's content, and the file's stamp once it was read; None
    when it cannot be read, is not a regular file, or (`follow_links` false) is a symbolic link.
    (Read through the descriptor: a third of the time of `Path.read_bytes` on small files, which is
    what a restored site of 85,000 pages is made of.)"""
    try:
        descriptor = open_regular(path, 0 if follow_links else os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        data = _read_all(descriptor)
        info = os.fstat(descriptor)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    return hashlib.sha256(data).hexdigest(), (info.st_size, info.st_mtime_ns, info.st_ino)


def open_regular(path: Path | str, flags: int = 0) -> int:
    """A descriptor for reading a regular file. Anything else raises an OSError naming the path: a
    folder, and a FIFO, socket or device (a FIFO is opened without waiting for a writer, which would
    never come)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | flags)
    try:
        mode = os.fstat(descriptor).st_mode
        if S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file (a named pipe, a socket or a device)", str(path))
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def read_regular(path: Path | str, flags: int = 0) -> bytes:
    """The bytes of a regular file (`open_regular` says what else raises; `flags` such as O_NOFOLLOW)."""
    descriptor = open_regular(path, flags)
    try:
        return _read_all(descriptor)
    finally:
        os.close(descriptor)


def _read_all(descriptor: int) -> bytes:
    """What an open file holds: in one piece as it stands, then whatever was added while it was read."""
    data = os.read(descriptor, os.fstat(descriptor).st_size + 1)
    rest = []
    while chunk := os.read(descriptor, READ_SIZE):
        rest.append(chunk)
    return data + b"".join(rest) if rest else data
