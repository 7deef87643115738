"""Records a command keeps from one run to the next, in a store: by key (an article's id), in
shards so that a small change rewrites a file or two, each shard valid only for the `key` of what
all its records depend on (the code, the configuration, the templates): records made under another
key are not loaded."""

from __future__ import annotations

from typing import Generic, TypeVar

from pipeline.engine.store import Store, shard_of

Record = TypeVar("Record")

SHARDS = 64


class Records(Generic[Record]):
    """Records by key, for one `key` of what they depend on. Change `values` and `save()`."""

    def __init__(self, store: Store, name: str, key: str, shards: int = SHARDS):
        self.store, self.name, self.key, self.shards = store, name, key, shards
        self.values: dict[str, Record] = {}
        self._read: dict[str, Record] = {}  # the records as loaded: a shard none of which changed is not written

    def load(self) -> "Records[Record]":
        for number in range(self.shards):
            found = self.store.load(self._file(number))
            if isinstance(found, tuple) and len(found) == 2 and found[0] == self.key:
                self.values.update(found[1])
        self._read = dict(self.values)
        return self

    def save(self) -> None:
        """Write the shards holding a record that changed, was added or went away."""
        shards: list[dict[str, Record]] = [{} for _ in range(self.shards)]
        changed = set()
        for key, record in self.values.items():
            number = shard_of(key, self.shards)
            shards[number][key] = record
            if self._read.get(key) is not record:
                changed.add(number)
        changed |= {shard_of(key, self.shards) for key in self._read if key not in self.values}
        for number in sorted(changed):
            self.store.save(self._file(number), (self.key, shards[number]))
        self._read = dict(self.values)

    def _file(self, number: int) -> str:
        return f"{self.name}-{number:02d}.pickle"
