"""Output folders a build may replace whole, and a cache folder it can write: checked before a
build touches anything, so that a mistyped `--out` never replaces a source folder and a read-only
cache never leaves a new site without the record of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

from pipeline.config import Config
from pipeline.disk.files import named
from pipeline.disk.layout import cache_folder
from pipeline.disk.scan import read_regular
from pipeline.errors import PipelineError
from pipeline.model import Diagnostic

OUTPUT_MARKER = ".pipeline-site"  # at the top of every tree a build writes: a folder a build may replace
_MARKER_TEXT = b"Written by `pipeline build`: the next build replaces this whole folder.\n"


def mark_output_tree(folder: Path) -> None:
    """Mark a tree a build writes (the site, a Markdown export, a preview) as one, so that a later
    build may replace it; a folder without the mark is never replaced unless it is empty."""
    marker = folder / OUTPUT_MARKER
    if not marker.is_file():
        marker.write_bytes(_MARKER_TEXT)


def is_output_tree(folder: Path) -> bool:
    """Whether `folder` holds what a build wrote (its marker), or nothing at all."""
    try:
        with os.scandir(folder) as entries:
            names = {entry.name for entry in entries}
    except FileNotFoundError:
        return True
    return not names or (OUTPUT_MARKER in names and (folder / OUTPUT_MARKER).is_file())


def check_output_folders(config: Config, outputs: Mapping[str, Path | None]) -> None:
    """Refuse, before anything is touched, output folders (what each is → its path) that a build
    must not replace whole: the project folder or a folder holding it; a source folder (content,
    catalogs, templates, the asset root, the public folder), a folder inside one or holding one; a file; one output
    inside another; a folder holding anything but what a build wrote (see `files.is_output_tree`).
    Paths are compared as they resolve (through symbolic links) and in lower case (a file system
    may ignore case)."""
    sources = {"the project folder": config.root, "the content folder": config.content_dir,
               "the catalog folder": config.locale_dir, "the templates folder": config.templates_dir,
               "the asset root": config.asset_root}
    if config.public_dir is not None:
        sources["the public folder"] = config.public_dir
    given = [(what, path) for what, path in outputs.items() if path is not None]
    problems = []
    for number, (what, path) in enumerate(given):
        real = Path(os.path.realpath(path))
        shown = config.relative(Path(os.path.abspath(path)))
        problem = _output_problem(real, sources, dict(given[:number]))
        if problem is None and real.is_dir() and not is_output_tree(real) and not _site_of_an_earlier_build(real):
            problem = (f"holds files that no build wrote (it has no {OUTPUT_MARKER} marker), and a build replaces "
                       "its output folder whole")
        if problem is not None:
            problems.append(Diagnostic(shown, 0, "usage", f"the {what} {problem}; nothing was written",
                                       hint="choose a new or empty folder (or one a build wrote), "
                                            "away from the project's sources"))
    if problems:
        raise PipelineError(problems)


def _site_of_an_earlier_build(folder: Path) -> bool:
    """Whether an unmarked folder is a site that a build wrote before builds marked their trees:
    the files only a whole site has (the next build marks it)."""
    return all((folder / name).is_file() for name in ("index.html", "404.html", "sitemap.xml", "static/style.css"))


def check_cache_writable(config: Config) -> None:
    """A build saves its cache after the new site is in place: a cache folder that cannot be
    written (read-only, immutable) must stop the build before then, with the site as it was."""
    folder = cache_folder(config) / "build"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        handle, probe = tempfile.mkstemp(prefix=".probe-", suffix=".tmp", dir=folder)
    except OSError as error:
        raise named(error, folder)
    os.close(handle)
    os.unlink(probe)


def _output_problem(real: Path, sources: Mapping[str, Path], others: Mapping[str, Path]) -> str | None:
    """Why a build must not replace the folder `real` (resolved) whole, or None."""
    if real.exists() and not real.is_dir():
        return "is a file, not a folder"
    folder = str(real).lower()
    root = os.path.realpath(sources["the project folder"]).lower()
    for what, source in list(sources.items()) + [(f"the {w}", p) for w, p in others.items()]:
        other = os.path.realpath(source).lower()
        if folder == other:
            return f"is {what}"
        if _within(other, folder):
            return f"holds {what}"
        if _within(folder, other) and other != root:  # (the site belongs inside the project)
            return f"is inside {what}"
    return None


def _within(inner: str, outer: str) -> bool:
    """Whether the path `inner` is strictly inside the folder `outer` (both absolute, normalised)."""
    return inner.startswith(outer.rstrip(os.sep) + os.sep)


# --- reading a site that a build wrote ----------------------------------------------------------------


def resolved(folder: Path) -> Path:
    """A folder's real path (symbolic links followed)."""
    return folder.resolve()


def file_inside(folder: Path, folder_resolved: Path, parts: Iterable[str]) -> Path | None:
    """The file that path parts name under a folder, or None when it resolves outside it (a
    symbolic link out, a loop, a name too long)."""
    file = folder.joinpath(*parts)
    try:
        return file if file.resolve().is_relative_to(folder_resolved) else None
    except (OSError, RuntimeError):
        return None


def read_page(file: Path) -> bytes | None:
    """The bytes of an HTML page, or None for anything else (or a page gone since a rebuild)."""
    if file.suffix != ".html":
        return None
    try:
        return read_regular(file)
    except OSError:
        return None
