"""`pipeline check`: every problem of a project, located: its articles (front matter, body, links
and images), every catalog's header and each translation compared with its source."""

from __future__ import annotations

from pipeline.checks import check_article_body, check_catalog
from pipeline.config import Config
from pipeline.content import check_front_matter
from pipeline.disk.layout import ui_paths
from pipeline.disk.project import catalog_files, find_articles, read_article, read_catalog
from pipeline.errors import PipelineError
from pipeline.model import Diagnostic
from pipeline.segment import prepare


def check_project(config: Config) -> tuple[Diagnostic, ...]:
    """Everything `pipeline check` reports."""
    sources = find_articles(config)
    problems: list[Diagnostic] = list(sources.problems)
    for source in sources.articles:
        problems.extend(_article_problems(config, source))
    interface = ui_paths(config)[1]
    for lang in config.languages:
        for path in catalog_files(config, lang):
            try:
                catalog = read_catalog(config, path)
            except PipelineError as error:
                problems.extend(error.diagnostics)
                continue
            problems.extend(check_catalog(catalog, config.relative(path), lang, config.languages,
                                          interface=path == interface.get(lang)))
    return tuple(problems)


def _article_problems(config: Config, source) -> list[Diagnostic]:
    try:
        article = read_article(config, source)
    except PipelineError as error:
        return list(error.diagnostics)
    problems = list(check_front_matter(article, config.collection(article.collection), config.languages))
    try:
        parsed = prepare(config, article)
    except PipelineError as error:
        return problems + list(error.diagnostics)
    return problems + list(check_article_body(article, parsed.document))
