"""Output trees brought up to date by difference: a spare copy of the tree is updated file by file
(unchanged files hard-linked from the live tree), then swapped in whole with one rename; a preview
tree is updated in place. Every tree a build writes is marked, so that no build ever replaces a
folder it did not write."""

from __future__ import annotations

import dataclasses
import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pipeline.disk.files import exchange, named, remove_quietly
from pipeline.disk.outputs import OUTPUT_MARKER, mark_output_tree
from pipeline.disk.scan import Stamp, names_under, read_regular, stamp
from pipeline.engine.stamps import content_digest, hashed

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
    midway leaves it, and the next build does not trust that spare. A live tree that holds files
    its manifest does not name (`live_exact` false: restored from a cache, or left by a build
    killed before it recorded it) never becomes a trusted spare: those files would stay in it."""

    MARKER = ".pipeline-incomplete"

    def __init__(self, out: Path, live: Manifest | None, spare: Manifest | None, live_exact: bool = True):
        self.out = out.resolve()
        self.spare_path = spare_of(self.out)
        self.live = live or {}
        self.live_exact = live_exact
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
            except FileNotFoundError:  # removed from the live tree by hand: not there to keep, made again
                del self.live[relative]
                self.have.pop(relative, None)  # (the version this tree had is gone too: `_clear` removed it)
                return False
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

    def read_live(self, relative: str) -> bytes | None:
        """The bytes of a regular file the live tree's manifest lists (None: not listed, not there,
        not a regular file, or unreadable). The caller checks them against the manifest's digest."""
        if relative not in self.live:
            return None
        try:
            return read_regular(f"{self.out}/{relative}", os.O_NOFOLLOW)
        except OSError:
            return None

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
                exchange(self.root, self.out)
                self.swapped = True
            else:
                os.rename(self.root, self.out)
                self.swapped = None  # (nothing was there: nothing to keep as the spare)
        except OSError as error:
            raise named(error, self.out)

    def unswap(self) -> None:
        """Undo `swap`: another output folder could not be swapped in, so this one is put back."""
        if self.swapped:
            exchange(self.root, self.out)
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
        return self.wanted, self.live if self.live and self.live_exact else None

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
                remove_quietly(temporary)
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


# --- what is known of the output folders -------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """An output folder as a run left it: its stamp and manifest, and its spare's (the folder as
    the run before left it; None when there is none)."""

    stamp: Stamp | None
    manifest: Manifest
    spare_stamp: Stamp | None = None
    spare: Manifest | None = None
    exact: bool = True  # the folder holds only the files of its manifest (else it is never updated in place)


Folders = dict[str, Known]  # output folder (resolved) → what the last run left there


class OutputTrees:
    """The output folders one run brings up to date, together: each opened on what `folders` knows
    of it, all swapped in or none, and `folders` told what they hold after."""

    def __init__(self, folders: Folders, outputs: Iterable[Path], in_place: bool = False):
        self.folders = folders
        self.opened: list[tuple[Path, TreeUpdate]] = []
        try:
            for folder in outputs:
                self.opened.append((folder, self._open(folder, in_place)))
        except BaseException:
            self.abandon()
            raise

    def __getitem__(self, number: int) -> TreeUpdate:
        return self.opened[number][1]

    def _open(self, folder: Path, in_place: bool) -> TreeUpdate:
        """Beside the folder, swapped in at the end; or, `in_place` (a preview) when the folder is as
        the last run left it, the folder itself, file by file."""
        live, spare = self._manifest(folder), self._manifest(folder, spare=True)
        known = self.folders.get(str(folder.resolve()))
        if in_place and live is not None and known is not None and known.exact:
            return InPlaceUpdate(folder, live, spare)
        return TreeUpdate(folder, live, spare, live_exact=known is None or known.exact)

    def _manifest(self, folder: Path, spare: bool = False) -> Manifest | None:
        """The manifest of a folder (or of its spare), when it is the one the last run left there."""
        known = self.folders.get(str(folder.resolve()))
        if known is None:
            return None
        path, recorded, manifest = ((spare_of(folder.resolve()), known.spare_stamp, known.spare) if spare
                                    else (folder.resolve(), known.stamp, known.manifest))
        return manifest if recorded is not None and recorded == stamp(path) else None

    def finish(self) -> None:
        """Swap every folder's new tree in: all of them, or (when one cannot be) none."""
        for _, tree in self.opened:
            tree.complete()
        swapped = []
        try:
            for _, tree in self.opened:
                tree.swap()
                swapped.append(tree)
        except BaseException:
            for tree in reversed(swapped):
                tree.unswap()
            raise
        for folder, tree in self.opened:
            self._record(folder, tree, *tree.settle())

    def abandon(self) -> None:
        """The run failed: the live folders stay as they were (a preview's keep what was written
        into them, recorded as such, or nothing at all is trusted of them)."""
        for folder, tree in self.opened:
            tree.abandon()
            if isinstance(tree, InPlaceUpdate):
                try:
                    self._record(folder, tree, *tree.finish())
                except OSError:
                    self.folders.pop(str(folder.resolve()), None)

    def _record(self, folder: Path, tree: TreeUpdate, live: Manifest, spare: Manifest | None) -> None:
        resolved = folder.resolve()
        self.folders[str(resolved)] = Known(stamp(resolved), live,
                                            stamp(tree.spare_path) if spare is not None else None, spare)


def recognized_folders(folders: Folders, expected: Callable[[str], str | None]) -> Folders:
    """The output folders as the last run left them, with the stamps they have now. A folder whose
    stamp changed (restored from a cache, copied, checked out) is known again by content: its
    manifest keeps the files that hold what it says (`expected(digest)`: what the SHA-256 of the
    file must begin with, None when that is no longer known); a file altered, or one the manifest
    does not name, makes the folder not `exact`, so that it is never updated in place. Its spare,
    which nobody restores, is forgotten when its stamp changed."""
    recognized = {}
    for folder, known in folders.items():
        now = stamp(folder)
        if now is None:
            continue
        if now != known.stamp:
            manifest, exact = _verified(folder, known.manifest, expected)
            known = Known(now, manifest, exact=exact)
        elif known.spare_stamp is not None and known.spare_stamp != stamp(spare_of(Path(folder))):
            known = dataclasses.replace(known, spare_stamp=None, spare=None)
        recognized[folder] = known
    return recognized


def _verified(folder: str, manifest: Manifest, expected: Callable[[str], str | None]) -> tuple[Manifest, bool]:
    """The part of `manifest` that the folder's files hold, and whether the folder holds nothing else."""
    prefix = folder + os.sep
    present = names_under(folder) - {OUTPUT_MARKER}
    wanted = [(relative, digest, expected(digest)) for relative, digest in manifest.items() if relative in present]
    holds = hashed(lambda item: item[2] is not None and _begins_with(prefix + item[0], item[2]), wanted)
    verified = {relative: digest for (relative, digest, _), good in zip(wanted, holds) if good}
    return verified, set(verified) == present


def _begins_with(path: str, digest: str) -> bool:
    found = content_digest(path, follow_links=False)
    return found is not None and found.startswith(digest)


def packed_folders(folders: Folders) -> Folders:
    """The folders as kept in a store: a spare as its difference from the live manifest (path → the
    spare's digest, None where it has no file), a fraction of its size."""
    return {folder: known if known.spare is None else
            dataclasses.replace(known, spare={path: known.spare.get(path)
                                              for path, _ in known.manifest.items() ^ known.spare.items()})
            for folder, known in folders.items()}


def unpacked_folders(packed: Folders) -> Folders:
    """`packed_folders` undone."""
    folders = {}
    for folder, known in packed.items():
        if known.spare is not None:
            spare = dict(known.manifest)
            for path, digest in known.spare.items():
                if digest is None:
                    spare.pop(path, None)
                else:
                    spare[path] = digest
            known = dataclasses.replace(known, spare=spare)
        folders[folder] = known
    return folders


class NoTrees:
    """Output trees for a run that writes nothing (`pipeline check`): every page is made and
    judged, nothing on disk is touched. With `kept`, a file a record says the last run made is
    taken as there (the run judges against what the last build left, and redoes only the rest)."""

    def __init__(self, kept: bool = False) -> None:
        self.opened: list[tuple[Path | None, "_Nowhere"]] = [(None, _Nowhere(kept))]

    def __getitem__(self, number: int) -> "_Nowhere":
        return self.opened[number][1]

    def finish(self) -> None:
        pass

    def abandon(self) -> None:
        pass


class _Nowhere:
    """A tree that takes every file and writes none; a file is there to be kept only when `kept`."""

    def __init__(self, kept: bool) -> None:
        self.kept = kept

    def put(self, relative: str, digest: str, data: bytes | Path) -> None:
        pass

    def keep(self, relative: str, digest: str) -> bool:
        return self.kept

    def keep_all(self, files: Iterable[tuple[str, str]]) -> bool:
        return self.kept

    def keep_live(self, relative: str) -> bool:
        return self.kept

    def read_live(self, relative: str) -> bytes | None:
        return None
