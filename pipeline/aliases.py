"""Old addresses of an article kept alive: the `aliases:` of its front matter (Hugo's name for the
same thing), each turned into a small redirect page at that path. Values in, values out.

An alias is a path of the site as a browser asks for it, such as `/en/news/My Post/` (spaces and
Khmer letters may be written as they are or percent-encoded). One that starts with a language
folder (`/en/…`) stands for that path in every language the article is published in: `/en/news/x/`
and `/km/news/x/` redirect to the English and the Khmer page. Any other (`/blog/x/`, an old site's
path outside any language folder) redirects to the page in the article's own language. A path
ending in `.html` or `.htm` is that file; any other is a folder with an `index.html`.

Only a value that starts with `/`, or a URL, is an address: other values are left alone, as
Obsidian notes list other names of the note under the same key (`aliases: [Interpreter]`).

A redirect page has no script: a `<meta http-equiv="refresh">`, a `<link rel="canonical">` to the
page's full URL, and a plain link. An alias may not be a URL of another host or scheme, hold `..`,
`?` or `#`, nor take the place of an article's page, of another alias, or of a page the build
makes (home, lists, feeds, 404…); each such mistake is an error at the alias's line.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping
from urllib.parse import unquote

from pipeline.config import Config
from pipeline.content import Article
from pipeline.links import in_site, page_url
from pipeline.model import Diagnostic
from pipeline.urls import browser_form, is_external, url_problem

KEY = "aliases"
_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|(?:javascript|data|vbscript|file):)", re.IGNORECASE)


@dataclass(frozen=True)
class Alias:
    """One alias as written in an article's front matter, with its line; `problem` when the value
    is not a text at all."""

    path: str
    line: int
    problem: str = ""


@dataclass(frozen=True)
class Redirects:
    """The redirect pages of every published article (output path → HTML), and the aliases refused."""

    pages: tuple[tuple[str, bytes], ...]
    problems: tuple[Diagnostic, ...]


def article_aliases(article: Article) -> tuple[Alias, ...]:
    """The aliases an article lists: `aliases: [/old/path/]`, a YAML list, or one text."""
    if KEY not in article.metadata or article.metadata[KEY] is None:
        return ()
    value = article.metadata[KEY]
    line = article.line_of_key(KEY)
    if isinstance(value, str):
        return (Alias(value, line),)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return (Alias(repr(value), line, "aliases must be a list of site paths, such as - /news/old-name/"),)
    lines = {f.key_path: f.line for f in article.fields}
    return tuple(Alias(item, lines.get(f"{KEY}[{index}]", line)) for index, item in enumerate(value))


def is_address(value: str) -> bool:
    """Whether an alias is meant as an address (a path from the site's root, or a URL, which is
    refused) rather than another name of the note, as Obsidian's aliases are (`Interpreter`)."""
    seen = browser_form(value)
    return seen.startswith("/") or _URL.match(seen) is not None


def alias_problem(path: str) -> str | None:
    """Why a text cannot be an alias (a sentence), or None: it must be a path of this site."""
    seen = browser_form(path)
    problem = url_problem(path)
    if problem is not None:
        return problem
    if is_external(seen) or not seen.startswith("/"):
        return f"{path!r} is not a path of this site: write it from the site's root, starting with /"
    if "?" in seen or "#" in seen:
        return f"{path!r} holds ? or #: an alias is a path, without a query or a fragment"
    names = unquote(seen).strip("/").split("/")
    if seen.strip("/") and any(name in ("", ".", "..") or name.startswith(".") for name in names):
        return f"{path!r} holds an empty, hidden, . or .. part: each part of the path is a plain name"
    if any(ord(c) < 32 or ord(c) == 127 for c in unquote(seen)):
        return f"{path!r} holds a control character"
    return None


def output_path(path: str) -> str:
    """Where the redirect page for an alias lies in the site: `/news/My%20Post/` → `news/My Post/index.html`."""
    seen = unquote(browser_form(path)).strip("/")
    if posixpath.splitext(seen)[1].lower() in (".html", ".htm"):
        return seen
    return f"{seen}/index.html" if seen else "index.html"


def redirects(config: Config, facts: Iterable, published: Mapping[str, tuple[str, ...]], article_ids: Iterable[str],
              taken: Callable[[str], str | None], unpublished: Iterable = ()) -> Redirects:
    """The redirect pages of the published articles' aliases (`facts`: their `ArticleFacts`;
    `published`: article id → its published languages), and the aliases refused: not a site path,
    or where an article's page (of `article_ids`), another alias or a page the build makes
    (`taken`: why a site file path is one, or None) lies. The aliases of `unpublished` articles are
    only checked to be site paths (a strict build judges them too)."""
    facts = sorted((f for f in facts if f.aliases), key=lambda f: f.id)
    problems = [_refused(fact, alias, problem) for fact in sorted(unpublished, key=lambda f: f.id)
                for alias in fact.aliases for problem in [_spelling_problem(alias)] if problem]
    if not facts:
        return Redirects((), tuple(problems))
    pages = {f"{lang}/{article_id}/index.html".lower(): f"the page of {article_id}"
             for article_id in article_ids for lang in config.languages}
    made: dict[str, str] = {}
    written: list[tuple[str, bytes]] = []
    for fact in facts:
        for alias in fact.aliases:
            if not alias.problem and not is_address(alias.path):
                continue  # another name of the note (Obsidian's aliases), no address
            problem = _spelling_problem(alias)
            places = [] if problem else _places(config, alias.path, fact.lang, published.get(fact.id, ()))
            clashes = [(where, _clash(where, pages, made, taken)) for where, _ in places]
            problem = problem or next((f"alias {alias.path!r} (/{where}): {clash}" for where, clash in clashes
                                       if clash), None)
            if problem:
                problems.append(_refused(fact, alias, problem))
                continue
            for where, lang in places:
                made[where.lower()] = f"the alias {alias.path!r} of {fact.path}"
                written.append((where, redirect_page(config, lang, fact.id)))
    return Redirects(tuple(written), tuple(problems))


def _spelling_problem(alias: Alias) -> str | None:
    """Why an alias that is an address cannot be one of this site (None too for another name)."""
    if alias.problem:
        return alias.problem
    problem = alias_problem(alias.path) if is_address(alias.path) else None
    return f"alias {problem}" if problem else None


def _clash(where: str, pages: Mapping[str, str], made: Mapping[str, str], taken: Callable[[str], str | None]
           ) -> str | None:
    """Why a redirect page cannot lie at `where` (letter case ignored, as many disks do), or None."""
    key = where.lower()
    if key in pages:
        return f"it is where {pages[key]} is published"
    if key in made:
        return f"{made[key]} has the same path"
    reason = taken(where)
    return f"it would take the place of {reason}" if reason else None


def _refused(fact, alias: Alias, problem: str) -> Diagnostic:
    return Diagnostic(fact.path, alias.line, "alias", problem,
                      hint="an alias is the old path of this page on the site, e.g. /en/news/old-name/")


def _places(config: Config, path: str, own_lang: str, langs: tuple[str, ...]) -> list[tuple[str, str]]:
    """(output path, language of the page it leads to) of each redirect page an alias makes."""
    where = output_path(path)
    first, _, rest = where.partition("/")
    if rest and first in config.languages:
        return [(f"{lang}/{rest}", lang) for lang in langs]
    return [(where, own_lang)] if own_lang in langs else []


def redirect_page(config: Config, lang: str, article_id: str) -> bytes:
    """A page that sends the browser on to an article's page in `lang`, without script."""
    url = page_url(lang, article_id)
    target = html.escape(in_site(config.base_path, url), quote=True)
    canonical = html.escape(config.base_url + url, quote=True)
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(lang, quote=True)}">\n<head>\n<meta charset="utf-8">\n'
            f'<title>{target}</title>\n<link rel="canonical" href="{canonical}">\n'
            f'<meta name="robots" content="noindex">\n<meta http-equiv="refresh" content="0; url={target}">\n'
            f'</head>\n<body>\n<p><a href="{target}">{target}</a></p>\n</body>\n</html>\n').encode("utf-8")
