"""Cheap change detection: the stamp (size, modification time, inode) of a file, and of every file
under a folder in one walk; reading a file, only when it is a regular file."""

from __future__ import annotations

import errno
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Callable, Mapping

Stamp = tuple[int, int, int]  # size, modification time (ns), inode
READ_SIZE = 1 << 20  # bytes read at a time from a file that grows while it is read
DIGEST_LENGTH = 32  # hex digits of SHA-256 a file is known by (in the files records and the site manifests)


def _never(name: str) -> bool:
    return False


def scan_stamps(root: Path, skip: Callable[[str], bool] = _never) -> tuple[dict[str, Stamp], dict[str, str]]:
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


@dataclass(frozen=True)
class Walked:
    """Every regular file under a folder with its stamp, from one walk (`scan_stamps`): what the
    steps of one run look up instead of each stating or walking a part of the folder again."""

    folder: str  # the folder walked, with a trailing separator
    stamps: Mapping[str, Stamp]
    skip: Callable[[str], bool]  # the names the walk did not visit
    links: bool  # a symbolic link was met: what lies behind one may be missing from `stamps`

    def stamp(self, path: str) -> Stamp | None:
        """A file's stamp as the walk found it; a file it did not find (behind a link, elsewhere,
        or missing) is stated now."""
        found = self.stamps.get(path)
        return found if found is not None else stamp(path)

    def under(self, folder: Path) -> dict[str, Stamp]:
        """The files under `folder` as `scan_stamps(folder, skip)` would find them: from the walk
        when the folder is inside the walked one and the walk saw all of it."""
        prefix = str(folder) + os.sep
        if self.links or not prefix.startswith(self.folder) or \
                any(self.skip(name) for name in prefix[len(self.folder):].split(os.sep) if name):
            return scan_stamps(folder, self.skip)[0]
        return {path: found for path, found in self.stamps.items() if path.startswith(prefix)}


def walked(folder: Path, skip: Callable[[str], bool] = _never) -> Walked:
    """The stamps of every regular file under `folder`, in one walk (`scan_stamps`)."""
    found, links = scan_stamps(folder, skip)
    return Walked(str(folder) + os.sep, found, skip, bool(links))


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
