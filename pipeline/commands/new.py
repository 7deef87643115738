"""`pipeline new`: start an article with today's date and the keys of its collection's latest one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.config import Config
from pipeline.content import front_matter_skeleton
from pipeline.disk.files import write_text_atomic
from pipeline.disk.layout import ARTICLE_SUFFIXES, article_id_of, article_id_problem, article_path, id_spelling_problem
from pipeline.disk.project import find_articles, load_articles
from pipeline.errors import PipelineError
from pipeline.model import Diagnostic


def new_article(config: Config, article_id: str, lang: str | None, today: dt.date) -> Path:
    """Write content/<article_id>.md with the collection's front-matter keys; never overwrite."""
    problems = _problems(config, article_id, lang)
    if problems:
        raise PipelineError([Diagnostic(article_id, 0, "usage", p) for p in problems])
    path = article_path(config, article_id)
    existing = [p for p in (path.with_suffix(s) for s in ARTICLE_SUFFIXES) if p.exists()]
    existing += [Path(s.path) for s in find_articles(config).articles  # the same id in other letter cases:
                 if s.id.lower() == article_id.lower()]                 # one page on most disks
    if existing:
        raise PipelineError(Diagnostic(config.relative(existing[0]), 1, "exists",
                                       "an article with this id already exists; it was not changed",
                                       hint="choose another slug, or edit the existing file"))
    collection = article_id.split("/", 1)[0]
    siblings = [a for a in load_articles(config, quietly=True) if a.collection == collection]  # (a broken
    model = max(siblings, key=lambda a: (a.date or dt.date.min, a.id), default=None)  # neighbour stops nobody)
    settings = config.collection(collection)
    keys = tuple(dict.fromkeys(settings.required + tuple(k.split(".")[0].split("[")[0] for k in settings.translate)))
    text = front_matter_skeleton(model, keys, today, lang if lang and lang != config.default_language else None)
    write_text_atomic(path, text)
    return path


def _problems(config: Config, article_id: str, lang: str | None) -> list[str]:
    problems = []
    mistake = id_spelling_problem(article_id)
    if mistake is None and article_id_of(f"{article_id}.md") != article_id:
        mistake = "it names no article (content/assets/ holds images)"
    if mistake is None:
        mistake = article_id_problem(article_id, config.languages) or _linked_folder(config, article_id)
    if mistake is not None:
        problems.append(f"{article_id!r} is not <collection>/<slug> inside {config.relative(config.content_dir)}/ "
                        f"(e.g. news-and-events/new-post-office): {mistake}")
    if lang is not None and lang not in config.languages:
        problems.append(f"--lang {lang!r} is not one of the configured languages {list(config.languages)}")
    return problems


def _linked_folder(config: Config, article_id: str) -> str | None:
    """A folder on the way to the article's file that is a symbolic link (the walk of the content
    folder does not follow them, and the file would land wherever it points), or None."""
    folder = config.content_dir
    for part in article_id.split("/")[:-1]:
        folder = folder / part
        if folder.is_symlink():
            return f"{config.relative(folder)} is a symbolic link"
    return None
