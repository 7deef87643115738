"""Putting staged catalogs in place without ever losing a translator's save: each replaces only
the version its plan read (`disk.saves.replace_unchanged`, compare and swap in one step); a save
made meanwhile is merged with the plan (`catalog.merge_saved`: what the translator changed wins)
and the merge is put in place instead, until a swap finds what it expected."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from pipeline import catalog as catalogs
from pipeline.config import Config
from pipeline.disk.files import flush_to_disk, named, write_atomic
from pipeline.disk.layout import cache_folder, language_of_catalog
from pipeline.disk.saves import Replaced, digest as content_digest, replace_unchanged
from pipeline.disk.scan import Stamp, stamp as file_stamp
from pipeline.errors import PipelineError
from pipeline.disk.memory import TranslationMemory
from pipeline.model import Catalog, Diagnostic
from pipeline.po import decode_po, format_po, parse_po
from pipeline.commands.plans import REREADS, Staged, read_again

MERGES = 200  # saves of one catalog merged in one run before giving up on it (its last save stays as it is)


@dataclass(frozen=True)
class Placed:
    """An output as this run left it, and its stamp then. For a catalog that translators saved during
    the run: how many saves were merged into it (`raced`: of those, how many only the atomic exchange
    caught: landed between the check and the swap, or over ours while it stood in place), the
    catalog it holds, and whether this run wrote it (False: the last save already held the merge)."""

    shown: str
    stamp: Stamp | None
    merged: Catalog | None = None
    saves: int = 0
    raced: int = 0
    written: bool = True


def put_in_place(config: Config, memory_paths: Mapping[str, Path], staging: str,
                 staged: Sequence[Staged]) -> tuple[list[Placed], list[Diagnostic]]:
    """Move every staged file, once on disk, to its place (each replaced atomically). A catalog only
    replaces the version its plan read (`_place_catalog`); one a translator has since saved with a
    syntax error is reported (and stays as saved) while the others are put in place."""
    if staged:
        flush_to_disk(staging, [item.temporary for item in staged])
    placed, problems, folders = [], [], set()
    memories = {lang: TranslationMemory(path, readonly=True) for lang, path in memory_paths.items()}
    try:  # (a memory opens on first use: when a save must be merged)
        for item in staged:
            target = os.path.join(config.root, item.shown)
            folder = os.path.dirname(target)
            if folder not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            if not item.catalog:
                placed.append(Placed(item.shown, _replace(item.temporary, target)))
                continue
            try:
                placed.append(_place_catalog(config, item, memories, staging))
            except PipelineError as error:
                problems.extend(error.diagnostics)
    finally:
        for memory in memories.values():
            memory.close()
    return placed, problems


def _replace(temporary: str, target: str) -> Stamp | None:
    """Rename a staged file over its target; the stamp of the file put in place."""
    stamp = file_stamp(temporary)
    try:
        os.replace(temporary, target)
    except OSError:  # the cache folder is on another file system
        write_atomic(Path(target), Path(temporary).read_bytes())
        stamp = file_stamp(target)
    return stamp


def _place_catalog(config: Config, item: Staged, memories: Mapping[str, TranslationMemory], staging: str) -> Placed:
    """Put a staged catalog in place, but only over the version its plan read; when a translator has
    saved the catalog since, merge the save in first (`_merge_saves`)."""
    target = os.path.join(config.root, item.shown)
    result = replace_unchanged(item.temporary, target, item.expected, item.seen)
    if result.placed:
        return Placed(item.shown, result.stamp)
    language = language_of_catalog(config, item.shown)
    merging = _Merging(config, item.shown, target, staging, parse_po(item.template, item.shown), language,
                       memories[language])
    planned = parse_po(Path(item.temporary).read_text(encoding="utf-8"), item.shown)  # what the plan read, merged
    return _merge_saves(merging, item, result, planned)


@dataclass(frozen=True)
class _Merging:
    """What merging translators' saves into one catalog needs: where it is, and the template and
    memory its plan merged the catalog with."""

    config: Config
    shown: str
    target: str
    staging: str
    template: Catalog
    language: str
    memory: TranslationMemory

    def brought(self, data: bytes) -> Catalog:
        """A saved catalog merged with the template as the plan merged the one it read (a
        PipelineError when it does not parse), as it reads once written."""
        info = catalogs.CatalogInfo(project=self.config.project, version=self.config.version, created=catalogs.creation_time(os.environ))
        merged = catalogs.merged_catalog(self.template, parse_po(decode_po(data, self.shown), self.shown),
                                self.language, self.memory, info)
        return parse_po(self.text(merged), self.shown)

    def text(self, catalog: Catalog) -> str:
        """A catalog as this project writes it (`po_wrap`)."""
        return format_po(catalog, width=self.config.po_wrap)


def _merge_saves(merging: _Merging, item: Staged, result: Replaced, planned: Catalog) -> Placed:
    """A catalog whose plan found it saved since it was read: their save and ours are merged
    (`catalogs.merge_saved`: what they changed is theirs, the rest ours, both merged with the template)
    and the merge is put in place over their save, until a swap finds the save it expected (a save
    landing meanwhile is merged in turn). A save that does not parse is read again a few times (it
    may have been read halfway through being written), then reported, and stays as saved."""
    base = ours = planned  # base: what the swap expects to replace, merged with the template
    temporary, expected = item.temporary, item.expected  # ours as staged, what the swap expects (its digest)
    saves = raced = rereads = rounds = 0
    carried = False  # whether ours holds a save that is no longer on disk
    while not result.placed:
        rounds += 1
        if result.busy:
            raise _unmerged(merging, [Diagnostic(merging.shown, 0, "catalog-open", "a program keeps the catalog "
                                                 "open for writing: extraction left it as it is",
                                                 hint="close it in your editor and run `pipeline extract` again")],
                            merging.text(ours).encode() if carried else None, result.overwritten)
        if saves > MERGES:
            raise _unmerged(merging, [Diagnostic(merging.shown, 0, "saved-meanwhile",
                                                 f"the catalog was saved {saves} times while extraction merged it",
                                                 hint="run `pipeline extract` again")],
                            merging.text(ours).encode() if carried else None, result.overwritten)
        try:
            theirs = merging.brought(result.found) if result.found is not None else None
            if result.overwritten is not None:  # saved over ours in the instant it stood there: the latest save
                overwriting = merging.brought(result.overwritten)
        except PipelineError as error:
            if result.overwritten is None and rereads < REREADS and read_again(Path(merging.target), result.found):
                rereads += 1
                result = replace_unchanged(temporary, merging.target, expected)
                continue  # it was being written: look again
            raise _unmerged(merging, error.diagnostics, merging.text(ours).encode() if carried else None,
                            result.overwritten)
        merged = ours if theirs is None else catalogs.merge_saved(base, theirs, ours)
        if result.overwritten is not None:
            merged = catalogs.merge_saved(ours, overwriting, merged)
        saves += (theirs is not None) + (result.overwritten is not None)
        raced += result.undone + (result.overwritten is not None)
        carried = carried or result.overwritten is not None
        text = merging.text(merged)
        if theirs is not None and catalogs.content_equal(result.found.decode("utf-8", "replace"), text):
            return Placed(merging.shown, result.stamp, merged, saves, raced, written=False)  # the save holds it all
        base, ours = theirs if theirs is not None else ours, parse_po(text, merging.shown)
        expected = content_digest(result.found) if result.found is not None else None  # None: it was removed
        temporary = _stage_again(merging, text, rounds)
        result = replace_unchanged(temporary, merging.target, expected, result.stamp)
    return Placed(merging.shown, result.stamp, ours, saves, raced)


def _unmerged(merging: _Merging, diagnostics: Sequence[Diagnostic], *saves: bytes | None) -> PipelineError:
    """What stops merging saves into a catalog (the last save stays in place as it was saved); the
    saves that are no longer on disk (None: none) are kept in the cache folder, and named."""
    config, kept = merging.config, list(diagnostics)
    folder = cache_folder(config) / "unmerged"
    for number, data in enumerate(saves):
        if data is not None:
            path = folder / f"{merging.shown.replace('/', '%')}.{time.time_ns()}.{number}"
            write_atomic(path, data)
            kept.append(Diagnostic(merging.shown, 0, "save-unmerged", "a save made during the extraction and no "
                                   f"longer in place is kept as {config.relative(path)}", hint="merge it by hand"))
    return PipelineError(kept)


def _stage_again(merging: _Merging, text: str, attempt: int) -> str:
    """A merged catalog staged (durably) to be put in place."""
    temporary = os.path.join(merging.staging, f"{merging.shown.replace('/', '%')}~{attempt}")
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.fchmod(handle, 0o644)
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as error:
        raise named(error, merging.target)
    return temporary
