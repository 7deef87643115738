"""`pipeline new`: start an article with today's date and the keys of its collection's latest one.
Also the rules a new article id must follow (`id_mistake`, `unknown_collection`), which `pipeline mv`
applies to the id it moves an article to."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.config import Config, closest
from pipeline.content import front_matter_skeleton
from pipeline.disk.files import write_text_atomic
from pipeline.disk.layout import ARTICLE_SUFFIXES, article_id_of, article_id_problem, article_path, id_spelling_problem
from pipeline.disk.project import find_articles, load_articles
from pipeline.errors import PipelineError
from pipeline.model import Diagnostic


def new_article(config: Config, article_id: str, lang: str | None, today: dt.date,
                new_collection: bool = False) -> Path:
    """Write content/<article_id>.md with the collection's front-matter keys; never overwrite. An
    article in a collection that is neither configured nor a folder yet is refused (a misspelt
    collection, most likely) unless `new_collection`."""
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
    unknown = None if new_collection else unknown_collection(config, article_id)
    if unknown is not None:
        raise PipelineError(unknown)
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
    mistake = id_mistake(config, article_id)
    if mistake is not None:
        problems.append(mistake)
    if lang is not None and lang not in config.languages:
        problems.append(f"--lang {lang!r} is not one of the configured languages {list(config.languages)}")
    return problems


def id_mistake(config: Config, article_id: str) -> str | None:
    """Why no article may have this id (a sentence naming the id), or None: it must be a path of
    plain names, <collection>/<slug> or deeper, that names an article (not an asset), whose pages
    take the place of nothing the build writes, reached through no symbolic link."""
    mistake = id_spelling_problem(article_id)
    if mistake is None and article_id_of(f"{article_id}.md") != article_id:
        mistake = "it names no article (content/assets/ holds images)"
    if mistake is None:
        mistake = article_id_problem(article_id, config.languages) or _linked_folder(config, article_id)
    if mistake is None:
        return None
    return (f"{article_id!r} is not <collection>/<slug> inside {config.relative(config.content_dir)}/ "
            f"(e.g. news-and-events/new-post-office): {mistake}")


def known_collections(config: Config) -> tuple[str, ...]:
    """The collections of the project: those configured in pyproject.toml and the folders of the
    content folder (assets/ and hidden folders aside), sorted."""
    folders = {path.name for path in config.content_dir.iterdir() if path.is_dir()} \
        if config.content_dir.is_dir() else set()
    folders = {name for name in folders if name != "assets" and not name.startswith(".")}
    return tuple(sorted(folders | set(config.collections)))


def unknown_collection(config: Config, article_id: str) -> Diagnostic | None:
    """The error for an article id whose collection is neither configured nor a folder of the
    content folder (with the closest known name), or None when the collection is known."""
    collection = article_id.split("/", 1)[0]
    known = known_collections(config)
    if collection in known:
        return None
    near = closest(collection, known)
    listed = ", ".join(f"`{name}`" for name in known) or "none yet"
    return Diagnostic(config.relative(article_path(config, article_id)), 0, "usage",
                      f"there is no collection {collection!r} (known: {listed})"
                      + (f"; did you mean `{near}`?" if near else ""),
                      hint="check the spelling, or pass --new-collection to start a new collection "
                           f"(its settings go under [tool.pipeline.collections.{collection}] in pyproject.toml)")


def _linked_folder(config: Config, article_id: str) -> str | None:
    """A folder on the way to the article's file that is a symbolic link (the walk of the content
    folder does not follow them, and the file would land wherever it points), or None."""
    folder = config.content_dir
    for part in article_id.split("/")[:-1]:
        folder = folder / part
        if folder.is_symlink():
            return f"{config.relative(folder)} is a symbolic link"
    return None
