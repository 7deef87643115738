"""What earlier runs left for later ones, in files under the cache folder: each value is written
with the version of the code that made it, and a value another version wrote reads as nothing. A
store only saves work: a file missing, unreadable or from other code means starting afresh.

A cache folder may come from elsewhere (a CI cache restored into a fresh checkout), and a value is
only unpickled when the file carries the HMAC of its bytes under this machine's key
(`cache_key`): a file altered, or written under another key, reads as nothing."""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import sys
import zlib
from pathlib import Path
from typing import Mapping

import pipeline
from pipeline.disk.files import write_atomic
from pipeline.disk.scan import read_regular

KEY_VARIABLE = "PIPELINE_CACHE_KEY"  # a secret shared by the machines that share a cache (CI)
_MAC = hashlib.sha256().digest_size


def cache_key(environ: Mapping[str, str]) -> bytes:
    """The key the stores of this machine sign their files with: `PIPELINE_CACHE_KEY` when set
    (CI runners restoring each other's caches share it as a secret), else a random key kept in the
    user's configuration folder, made on first use. Where neither can be had, a fixed key: the
    files are then checked against damage, not against someone who could write them."""
    secret = environ.get(KEY_VARIABLE)
    if secret:
        return hashlib.sha256(secret.encode()).digest()
    folder = Path(environ.get("XDG_CONFIG_HOME") or Path(environ.get("HOME") or "~").expanduser() / ".config")
    path = folder / "pipeline" / "cache-key"
    try:
        if not path.is_file() or path.stat().st_size != 32:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, os.urandom(32))
            os.chmod(path, 0o600)
        return path.read_bytes()  # (another process may have made it first: its key is the one kept)
    except OSError:
        return b"pipeline: no key could be kept".ljust(32, b".")


def code_version() -> str:
    """The pipeline's own code and the Python that runs it: what a value in a store was made with."""
    digest = hashlib.sha256(pipeline.__version__.encode())
    package = Path(pipeline.__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return f"{digest.hexdigest()} {sys.version}"


class Store:
    """Values kept in a folder, by name, for one version of the code, signed with `key`."""

    def __init__(self, folder: Path, version: str, key: bytes | None = None):
        self.folder = folder
        self.version = version
        self.key = key if key is not None else cache_key(os.environ)

    def load(self, name: str):
        """The value kept under `name`, or None."""
        try:
            data = read_regular(self.folder / name)
            if not hmac.compare_digest(data[:_MAC], self._mac(name, memoryview(data)[_MAC:])):
                return None
            found, value = pickle.loads(memoryview(data)[_MAC:])
        except Exception:  # a store is only a shortcut: any problem reading it means starting afresh
            return None
        return value if found == self.version else None

    def save(self, name: str, value: object) -> None:
        """Keep `value` under `name` (not waited for on the disk: a store is only a shortcut)."""
        data = pickle.dumps((self.version, value), protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(self.folder / name, self._mac(name, data) + data, durable=False)

    def _mac(self, name: str, data) -> bytes:
        """The HMAC of a file's bytes and its name (a file signed as one value is not another)."""
        signer = hmac.new(self.key, name.encode() + b"\0", hashlib.sha256)
        signer.update(data)
        return signer.digest()

    def forget(self, name: str) -> None:
        (self.folder / name).unlink(missing_ok=True)


def shard_of(key: str, shards: int) -> int:
    """Which of `shards` files keeps the value of `key` (stable across runs and processes)."""
    return zlib.crc32(key.encode()) % shards
