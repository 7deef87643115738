"""The rebuilds of `pipeline serve`: extraction and publishing told which files were saved since
the last rebuild, with sessions that keep what they read, so that one saved article costs about
what it takes to extract and publish that article, not the whole site.

Changes are remembered until a rebuild that needed them succeeds: a rebuild that fails (a YAML
mistake, a missing image) loses nothing, and the next one looks at everything saved since the last
good one."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from pipeline.commands import build, extract
from pipeline.config import Config
from pipeline.disk.project import load_config
from pipeline.disk.outputs import is_output_tree
from pipeline.pages import BuildOptions


@dataclass
class Preview:
    """The preview site of one project, in `out`: drafts, future articles and unfinished
    translations included."""

    config: Config
    out: Path
    jobs: int = 1  # processes for the first build; later ones run in this process (its server threads
    #                would not survive a fork), as a save changes few articles
    extracting: extract.Session = field(default_factory=extract.Session)
    building: build.Session = field(default_factory=build.Session)
    unextracted: set[str] = field(default_factory=set)  # saved since the last extraction
    unbuilt: set[str] = field(default_factory=set)  # saved (or written by extraction) since the last build
    started: bool = False
    ours: dict[str, tuple[int, ...]] = field(default_factory=dict)  # files extraction wrote → their stamp then

    def __post_init__(self) -> None:
        """The preview folder is a cache: one that no build marked (left by an older version) goes."""
        if not is_output_tree(self.out):
            shutil.rmtree(self.out)
        self.out.mkdir(parents=True, exist_ok=True)

    def rebuild(self, changed: Iterable[Path | str] = (), today: dt.date | None = None) -> None:
        """Bring the preview up to date after `changed` files were saved (the first call builds it
        all); a PipelineError says what stopped it."""
        names = {str(p) for p in changed}
        if any(Path(name).name == "pyproject.toml" for name in names):
            self.close()
            self.config = load_config(self.config.root)
            self.extracting, self.building, self.started = extract.Session(), build.Session(), False
        self.unextracted |= names
        self.unbuilt |= names
        if not self.started or any(self._extracted(name) for name in self.unextracted):
            report = extract.extract(self.config, jobs=self.jobs, session=self.extracting,
                                        changed=self.unextracted if self.started else None)
            self.unextracted = set()
            written = {str(self.config.root / shown) for shown in report.written}  # not yet seen by the watch
            self.unbuilt |= written
            self.ours.update({name: _stamp(name) for name in written})
        options = BuildOptions(today=today or dt.date.today(), drafts=True, min_translated=0)
        # strict, as `pipeline check` is: a translation's error shows as the error page, rather than
        # as a page that is silently missing from the preview
        build.build_site(_at_host_root(self.config), self.out, options, strict=True, jobs=self.jobs, session=self.building,
                         changed=self.unbuilt if self.started else None)
        self.unbuilt, self.started, self.jobs = set(), True, 1

    def saved(self, changed: Iterable[Path | str]) -> set[str]:
        """Of the files a watch reports changed, those saved by someone else: a file extraction
        wrote that still has the stamp it was written with is no change."""
        names = {str(p) for p in changed}
        ours = {name for name in names if name in self.ours and self.ours[name] == _stamp(name)}
        for name in names - ours:
            self.ours.pop(name, None)
        return names - ours

    def close(self) -> None:
        """Write what the sessions keep in memory to the cache folder."""
        self.extracting.close()
        self.building.close()

    def _extracted(self, name: str) -> bool:
        """Whether a saved file is one extraction reads: articles and templates (a translator's
        catalog is published as it is, and extracted with its article next time)."""
        return any(_is_inside(name, folder) for folder in (self.config.content_dir, self.config.templates_dir))


def _is_inside(name: str, folder: Path) -> bool:
    try:
        Path(name).resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _stamp(name: str) -> tuple[int, ...]:
    """What tells one version of a file from the next: inode, size, modification and change times."""
    try:
        status = os.stat(name)
    except OSError:
        return ()
    return status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


def _at_host_root(config: Config) -> Config:
    """The configuration as the preview serves the site: at the root of its port, whatever path
    `base_url` has (a GitHub Pages project site's `/<repo>/`)."""
    path = config.base_path
    return replace(config, base_url=config.base_url[: len(config.base_url) - len(path)]) if path else config
