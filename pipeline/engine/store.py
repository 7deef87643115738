"""What earlier runs left for later ones, in files under the cache folder: each value is written
with the version of the code that made it, and a value another version wrote reads as nothing. A
store only saves work: a file missing, unreadable or from other code means starting afresh."""

from __future__ import annotations

import hashlib
import pickle
import sys
import zlib
from pathlib import Path

import pipeline
from pipeline.disk.files import write_atomic


def code_version() -> str:
    """The pipeline's own code and the Python that runs it: what a value in a store was made with."""
    digest = hashlib.sha256(pipeline.__version__.encode())
    package = Path(pipeline.__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return f"{digest.hexdigest()} {sys.version}"


class Store:
    """Values kept in a folder, by name, for one version of the code."""

    def __init__(self, folder: Path, version: str):
        self.folder = folder
        self.version = version

    def load(self, name: str):
        """The value kept under `name`, or None."""
        try:
            found, value = pickle.loads((self.folder / name).read_bytes())
        except Exception:  # a store is only a shortcut: any problem reading it means starting afresh
            return None
        return value if found == self.version else None

    def save(self, name: str, value: object) -> None:
        """Keep `value` under `name` (not waited for on the disk: a store is only a shortcut)."""
        write_atomic(self.folder / name, pickle.dumps((self.version, value), protocol=pickle.HIGHEST_PROTOCOL),
                     durable=False)

    def forget(self, name: str) -> None:
        (self.folder / name).unlink(missing_ok=True)


def shard_of(key: str, shards: int) -> int:
    """Which of `shards` files keeps the value of `key` (stable across runs and processes)."""
    return zlib.crc32(key.encode()) % shards
