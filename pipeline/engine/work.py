"""Doing only the work that changed. Each piece of work a command does (an article read, its pages
rendered, a catalog planned) is kept with what it observed; the engine keeps a piece while the
command says every observation still holds, and does the others again, several at once, in order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, Iterable, Iterator, Mapping, Sequence, TypeVar

from pipeline.engine.pool import Progress, imap_in_order, no_progress

Item = TypeVar("Item")
Kept = TypeVar("Kept")
Result = TypeVar("Result")


@dataclass(frozen=True)
class Split(Generic[Item, Kept]):
    """Which pieces of work stand as they were kept, and which must be done again."""

    kept: dict[str, Kept]  # key → what was kept for it
    redo: list[Item]


def split(items: Iterable[Item], key: Callable[[Item], str], kept: Mapping[str, Kept],
          holds: Callable[[Item, Kept], bool]) -> Split[Item, Kept]:
    """Each item's kept work where `holds(item, kept)` (every observation it made still holds),
    the others to do again, in the items' order."""
    found, redo = {}, []
    for item in items:
        known = kept.get(key(item))
        if known is not None and holds(item, known):
            found[key(item)] = known
        else:
            redo.append(item)
    return Split(found, redo)


def done(work: Callable[[object, Item], Result], items: Sequence[Item], context: object, jobs: int,
         what: str = "work", progress: Progress = no_progress) -> Iterator[tuple[Item, Result]]:
    """(item, work(context, item)) for each item, spread over `jobs` processes, in the items' order
    as results arrive (so that the caller can write each away), the progress told as it goes."""
    for count, (item, result) in enumerate(zip(items, imap_in_order(work, items, context, jobs)), 1):
        progress(what, count, len(items))
        yield item, result
