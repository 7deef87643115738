"""Files known by their content, whatever their stamps say.

Everything a run keeps is tied to the stamps (size, modification time, inode) of the files it
read. A fresh checkout, or a cache restored on another machine, gives every file a new stamp, so
stamps alone would say that everything changed. So each run also remembers, per file, the digest
of its content and the stamp that first stood for that content (its *standing* stamp). A file whose
stamp is new is hashed: when its content is what the standing stamp stood for, the run sees the
standing stamp, and all that was kept for it holds; otherwise its new stamp stands for its new
content. The standing stamp is always one the file really had with that content, so nothing kept
can be taken for another content.

Only stamps old enough to be trusted (`stamps.trusted`) are remembered: a file changed in the
same clock tick as it was hashed could change again unseen."""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from pipeline.disk.scan import Stamp, stable_digest
from pipeline.engine.stamps import Inputs, hashed, trusted
from pipeline.engine.store import Store

FILES_FORMAT = "files 1"
FILES = "files.pickle"  # what a store keeps of the files, shared by every command
SAVE_AFTER = 64  # files whose records changed before they are saved, or one in this many
Known = tuple[Stamp, str, Stamp]  # a stamp the file had, the digest of its content then, the standing stamp


@dataclass(frozen=True)
class Standing:
    """The files as one run recognized them: the standing stamp of a file seen with a given stamp."""

    stamps: Mapping[str, tuple[Stamp, Stamp]]  # path → (its stamp, its standing stamp)

    def of(self, path: str, now: Stamp | None) -> Stamp | None:
        """The stamp standing for what `path` holds when it has the stamp `now` (`now` itself when
        the run did not recognize it with that stamp)."""
        entry = self.stamps.get(path)
        return entry[1] if now is not None and entry is not None and entry[0] == now else now


@dataclass(frozen=True)
class Recognized:
    """The walk's stamps as standing stamps, and what to remember of the files for the next run."""

    stamps: dict[str, Stamp]  # path → the stamp standing for its content
    known: dict[str, Known]
    hashed: int  # how many files were read to be recognized

    def standing(self, seen: Mapping[str, Stamp]) -> Standing:
        """How the files, seen with the stamps `seen`, were recognized."""
        return Standing({path: (now, self.stamps[path]) for path, now in seen.items() if self.stamps[path] != now})


def recognize(stamps: Mapping[str, Stamp], known: Mapping[str, Known], started_ns: int) -> Recognized:
    """Each file's standing stamp, from what `known` says of earlier runs; the files whose stamps
    are new are read and hashed."""
    standing: dict[str, Stamp] = dict(stamps)
    remembered: dict[str, Known] = dict(known)
    new = []
    for path, now in stamps.items():
        entry = known.get(path)
        if entry is not None and entry[0] == now:
            standing[path] = entry[2]
        else:
            new.append((path, now))
    for (path, now), digest in zip(new, hashed(lambda item: stable_digest(*item), new)):
        entry = known.get(path)
        stands = entry[2] if digest is not None and entry is not None and entry[1] == digest else now
        standing[path] = stands
        if digest is not None and trusted(now, started_ns):
            remembered[path] = (now, digest, stands)
        elif stands == now:  # (a file just changed: what is remembered of its old content goes; a file
            remembered.pop(path, None)  # just copied, holding the old content, is hashed again next time)
    return Recognized(standing, remembered, len(new))


def remembered_files(store: Store) -> dict[str, Known]:
    known = store.load(FILES)
    return known if isinstance(known, dict) else {}


def files_store(cache: Path) -> Store:
    """Where runs remember the files of a project (stamps and digests), for every command. What it
    keeps does not depend on the version of the code."""
    return Store(cache / "files", FILES_FORMAT)


def standing_inputs(inputs: Inputs, store: Store, save: bool = True) -> Inputs:
    """The inputs of a run with each file's standing stamp, from what `store` remembers of the
    files; what is remembered is brought up to date (unless not to `save`: a run that writes nothing)."""
    known = remembered_files(store)
    found = recognize(inputs.stamps, known, inputs.started_ns)
    remembered = forget_missing(found.known, inputs.stamps, inputs.roots)
    if save:
        keep_files(store, remembered, known)
    vouched = frozenset(entry[2] for path, entry in remembered.items()
                        if entry[2] != entry[0] and inputs.stamps.get(path) == entry[0])
    return dataclasses.replace(inputs, stamps=found.stamps, known=remembered, vouched=vouched)


def keep_files(store: Store, remembered: dict[str, Known], known: Mapping[str, Known]) -> None:
    """Save what is remembered of the files when it differs from what was (`known`), unless in only
    a few of very many files: then rewriting every file's record costs more than hashing those few
    again next time (which finds the same standing stamps: not saving loses no work)."""
    changed = sum(1 for path, entry in remembered.items() if known.get(path) != entry) + \
        len(known.keys() - remembered.keys())
    if changed and not few(changed, len(remembered)):
        store.save(FILES, remembered)


def few(some: int, files: int) -> bool:
    """Whether `some` of `files` files are few enough to be looked at again rather than have the
    records of every file read or rewritten: fewer than SAVE_AFTER, and fewer than one in SAVE_AFTER."""
    return some < SAVE_AFTER and some * SAVE_AFTER < files


def fingerprint(stamps: Mapping[str, Stamp]) -> str:
    """A digest of a walk's stamps: equal for two walks that found every file with the same stamp."""
    return hashlib.blake2b(marshal.dumps(sorted(stamps.items())), digest_size=16).hexdigest()


def forget_missing(known: Mapping[str, Known], stamps: Mapping[str, Stamp], roots: tuple[str, ...]) -> dict[str, Known]:
    """`known` without the files under `roots` (the folders a walk went through) that it did not find."""
    return {path: entry for path, entry in known.items() if path in stamps or not path.startswith(roots)}


def written(known: Mapping[str, Known], files: Iterable[tuple[str, Stamp | None, str]]) -> dict[str, Known]:
    """`known` after a run wrote these files (path, stamp after writing, digest of what was written):
    each new stamp stands for its own content (as the run that wrote them records it)."""
    remembered = dict(known)
    for path, now, digest in files:
        if now is not None:
            remembered[path] = (now, digest, now)
        else:
            remembered.pop(path, None)
    return remembered
