"""Cheap change detection: the stamp (size, modification time, inode) of a file, and of every file
under a folder in one walk."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

Stamp = tuple[int, int, int]  # size, modification time (ns), inode
DIGEST_LENGTH = 32  # hex digits of SHA-256 a file is known by (in the files records and the site manifests)


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
    try:
        with open(path, "rb") as stream:
            data = stream.read()
            info = os.fstat(stream.fileno())
    except OSError:
        return None
    if (info.st_size, info.st_mtime_ns, info.st_ino) != seen:
        return None
    return hashlib.sha256(data).hexdigest()[:DIGEST_LENGTH]
