"""One validation for `pipeline check`, `pipeline build` and `pipeline serve`: what a run finds, and
which of its findings stop it. `check` is a strict build that writes nothing, so the two agree.

The rules: an error in a published article, a template or a catalog the build cannot read stops the
build; a translation error holds that translation back (and stops a `--strict` build); a draft's or
a future article's errors wait with it, as warnings, unless the run shows drafts or is strict."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Iterable

from pipeline import catalog as catalogs
from pipeline.checks import check_catalog
from pipeline.config import Config
from pipeline.disk.layout import language_of_catalog, ui_paths
from pipeline.disk.project import orphan_catalogs, read_catalog
from pipeline.errors import PipelineError
from pipeline.model import Diagnostic
from pipeline.pages import BuildOptions


@dataclass(frozen=True)
class Rules:
    """How a run judges what it finds: `strict` makes every error stop it, and validates the pages
    of articles it does not publish; drafts and future articles are published with `options.drafts`."""

    options: BuildOptions
    strict: bool = False

    @property
    def waiting_is_error(self) -> bool:
        """Whether the errors of an article that is not published yet are errors (else warnings)."""
        return self.strict or self.options.drafts


@dataclass
class Found:
    """What one run found, in the order found; `stopping` are the errors that stop it."""

    rules: Rules
    findings: list[Diagnostic] = field(default_factory=list)
    stopping: list[Diagnostic] = field(default_factory=list)

    def stop(self, found: Iterable[Diagnostic]) -> None:
        """Errors that stop any run (warnings among them are only reported)."""
        for diagnostic in found:
            self.findings.append(diagnostic)
            if diagnostic.severity == "error":
                self.stopping.append(diagnostic)

    def hold(self, found: Iterable[Diagnostic]) -> None:
        """Findings whose errors hold a translation back: they stop only a strict run."""
        if self.rules.strict:
            self.stop(found)
        else:
            self.findings.extend(found)

    def wait(self, found: Iterable[Diagnostic]) -> None:
        """The findings of an article not published yet: warnings, unless drafts are shown or the
        run is strict."""
        if self.rules.waiting_is_error:
            self.stop(found)
        else:
            self.findings.extend(waiting(d) for d in found)

    @property
    def failed(self) -> bool:
        return bool(self.stopping)

    def error(self) -> PipelineError:
        """What stops the run, with everything else it found (so `--json` and the editor see it all)."""
        return PipelineError(self.stopping + [d for d in self.findings if d.severity != "error"])


def waiting(diagnostic: Diagnostic) -> Diagnostic:
    """An error of an article that is not published yet, as the warning a normal build gives."""
    if diagnostic.severity != "error":
        return diagnostic
    return dataclasses.replace(diagnostic, severity="warning",
                               message=f"{diagnostic.message} (not published yet: a draft or a future date; "
                                       "an error under --drafts, --strict and in check)")


def interface_catalogs(config: Config) -> tuple[dict[str, dict[str, str]], list[Diagnostic], list[Diagnostic]]:
    """The usable translations of the interface strings per language (msgid → msgstr); the errors
    that make a catalog unreadable; and the findings of the checks of the readable ones."""
    usable, unreadable, findings = {}, [], []
    for lang, path in ui_paths(config)[1].items():
        try:
            found = read_catalog(config, path)
        except PipelineError as error:
            unreadable.extend(error.diagnostics)
            usable[lang] = {}
            continue
        usable[lang] = {msgid: text for (_ctxt, msgid), text in catalogs.translations(found).items()} if found else {}
        if found is not None:
            findings.extend(check_catalog(found, config.relative(path), lang, config.languages, interface=True))
    return usable, unreadable, findings


def orphan_findings(config: Config, article_ids: Iterable[str]) -> list[Diagnostic]:
    """The catalogs no article reads, each named, and the problems of each (a strict build and
    `pipeline check` judge every catalog of the project, read or not)."""
    found = []
    for path in orphan_catalogs(config, article_ids):
        shown = config.relative(path)
        found.append(Diagnostic(shown, 0, "orphan", "no article reads this catalog (its article was deleted, or "
                                "renamed without `pipeline mv`)", "warning",
                                hint="`pipeline mv OLD NEW` keeps its translations for a renamed article; else delete it"))
        if path.suffix != ".po":
            continue
        try:
            catalog = read_catalog(config, path)
        except PipelineError as error:
            found.extend(error.diagnostics)
            continue
        if catalog is not None:
            found.extend(check_catalog(catalog, shown, language_of_catalog(config, shown), config.languages))
    return found
