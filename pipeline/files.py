"""File writing that never leaves a torn file (write beside the target, fsync, rename), output trees
swapped in whole, and cheap change detection (stamps of every file under a folder)."""

from __future__ import annotations

import ctypes
import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace `path` with `data` in one step: readers see the old file or the new one. A cache,
    which is only a shortcut, can skip waiting for the disk (`durable=False`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
        for stale in self.out.parent.glob(f".{self.out.name}.new-*"):  # left by a build that was killed
            shutil.rmtree(stale, ignore_errors=True)
        if spare is not None and self.spare_path.is_dir() and not (self.spare_path / self.MARKER).exists():
            self.root, self.have = self.spare_path, dict(spare)
        else:
            self.root, self.have = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.new-", dir=self.out.parent)), {}
            self.root.chmod(0o755)
        (self.root / self.MARKER).touch()
        self.wanted: Manifest = {}
        self.folders: set[str] = {str(self.root)}  # folders known to exist

    def put(self, relative: str, digest: str, data: bytes | Path) -> None:
        """The file `relative` must hold `data` (bytes, or a file to copy), whose digest is given."""
        if self.keep(relative, digest):
            return
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
        self.wanted[relative] = self.have[relative] = digest

    def keep(self, relative: str, digest: str) -> bool:
        """The file must hold what the live tree holds under the same digest; False when it does not."""
        if self.have.get(relative) == digest:
            self.wanted[relative] = digest
            return True
        if self.live.get(relative) != digest:
            return False
        target = self._clear(relative)
        source = f"{self.out}/{relative}"
        try:
            os.link(source, target)
        except FileExistsError:
            os.unlink(target)
            os.link(source, target)
        except OSError:  # another file system
            shutil.copyfile(source, target)
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
        self._remove_unwanted()
        if not self.out.exists():
            os.rename(self.root, self.out)
            return self.wanted, None
        _exchange(self.root, self.out)
        if self.root != self.spare_path:  # a fresh folder now holds the old live tree: it becomes the spare
            if self.spare_path.exists():  # renamed first: a half-removed spare must not keep its name
                retired = self.out.with_name(f".{self.out.name}.new-retired")
                os.rename(self.spare_path, retired)
                shutil.rmtree(retired, ignore_errors=True)
            os.rename(self.root, self.spare_path)
        return self.wanted, self.live if self.live else None

    def abandon(self) -> None:
        """The build failed: leave the live tree alone, drop a fresh folder (a spare keeps its marker)."""
        if self.root != self.spare_path:
            shutil.rmtree(self.root, ignore_errors=True)

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
        (self.root / self.MARKER).touch()
        self.wanted = {}
        self.folders = {str(self.root)}

    def put(self, relative: str, digest: str, data: bytes | Path) -> None:
        if self.keep(relative, digest):
            return
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
        self.wanted[relative] = self.have[relative] = digest

    def keep(self, relative: str, digest: str) -> bool:
        if self.have.get(relative) == digest:
            self.wanted[relative] = digest
            return True
        return False

    def finish(self) -> tuple[Manifest, Manifest | None]:
        self._remove_unwanted()
        return self.wanted, self.spare

    def abandon(self) -> None:
        """The build failed: what was written stays, and `finish` records the tree as holding it."""
        self.wanted = dict(self.have)

    def _clear(self, relative: str) -> str:
        target = f"{self.root}/{relative}"
        self._make_folder(target)  # (an old file is replaced by `put`, not removed first)
        return target


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
