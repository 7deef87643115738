"""`pipeline check`: every problem of a project, located: its articles (front matter, body, links
and images), its templates, every catalog's header and each translation compared with its source.

It is `pipeline build --strict` without writing anything (`build.check_site`), so the two agree:
`check` exits 0 exactly when a strict build succeeds, with the same findings at the same lines.
Drafts and future articles are judged as if published. Catalogs that no article reads are named."""

from __future__ import annotations

import datetime as dt

from pipeline.commands.build import check_site
from pipeline.config import Config
from pipeline.engine.pool import Progress, no_progress
from pipeline.errors import PipelineError
from pipeline.model import Diagnostic
from pipeline.pages import BuildOptions


def check_project(config: Config, today: dt.date | None = None, progress: Progress = no_progress,
                  jobs: int = 1) -> tuple[Diagnostic, ...]:
    """Everything `pipeline check` reports."""
    options = BuildOptions(today=today or dt.date.today(), drafts=False, min_translated=config.min_translated)
    try:
        return check_site(config, options, progress, jobs)
    except PipelineError as error:  # a template that fails while rendering stops the strict build too
        return error.diagnostics
