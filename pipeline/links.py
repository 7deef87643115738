"""Where links and images of an article point: the URL of each page, the article a link names
(and whether it exists and is published), and the image file a page shows, with its language
variant (`photo.km.jpg`). Values in, values out: what the disk holds is asked through callables."""

from __future__ import annotations

import difflib
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping
from urllib.parse import quote, unquote, urlsplit

from pipeline.config import Config
from pipeline.content import Article
from pipeline.model import Diagnostic
from pipeline.urls import browser_form, is_external

def is_site_local(url: str) -> bool:
    """A URL that points into this site (not another scheme or host, not a bare `#fragment`)."""
    seen = browser_form(url)
    return bool(seen) and not seen.startswith(("#", "//")) and not is_external(seen)


def page_url(lang: str, article_id: str) -> str:
    """The page's URL path; file names with spaces or Khmer letters are percent-encoded."""
    return f"/{lang}/{quote(article_id)}/"


def in_site(base_path: str, url: str) -> str:
    """The URL a page links to for a URL of this site: a site path (`/en/news/x/`) gets the site's
    base path in front (`/posts-site/en/news/x/`, see `Config.base_path`); relative URLs, `#…`,
    `?…` and URLs of other hosts stay as they are. Absolute URLs are `base_url` + the site path."""
    seen = browser_form(url)
    if not base_path or not seen.startswith("/") or seen.startswith("//"):
        return url
    return base_path + seen


PAGES_FOLDER = "page"  # <lang>/<collection>/page/<n>/: the later pages of a collection's list
SEARCH_FOLDER = "search"  # <lang>/search/: the search page of a language, its index and its pages' texts
FileState = tuple  # what `lookup` says about a file (size, modification time, inode); None when missing


@dataclass
class AssetCollector:
    """Resolves image paths of one article's pages, remembers which files the site must copy and
    every file it looked at (with what it found), so a cached page can be checked later."""

    config: Config
    lookup: Callable[[Path], FileState | None]
    resolve: Callable[[Path], Path]
    case_twin: Callable[[Path], str | None] = lambda path: None  # a file named the same but for letter case
    assets: dict[str, Path] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    seen: dict[str, FileState | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.content_root = self.resolve(self.config.content_dir)
        self.asset_root = self.resolve(self.config.asset_root)
        public = self.config.public_dir
        self.public_root = self.resolve(public) if public is not None else None
        self._found: dict[str, _Image | None] = {}  # URL → its image (None: a problem was recorded)

    def url_for(self, article: Article, lang: str, url: str, kind: str = "image") -> str:
        """The site URL of the file a site-local image or attachment URL names, in its `lang`
        variant when there is one (`photo.km.jpg`); the URL itself when it names no file."""
        placed = self.placed(article, lang, url, kind)
        if placed is None:
            return url
        self.assets[placed.relative] = placed.file
        fragment = urlsplit(url).fragment
        return "/" + quote(placed.relative) + (f"#{fragment}" if fragment else "")

    def placed(self, article: Article, lang: str, url: str, kind: str = "image") -> Placed | None:
        """The file a site-local image or attachment URL names as the `lang` page shows it (its
        language variant when there is one), or None (with a problem recorded) when there is none."""
        if not is_site_local(url):
            return None
        if url not in self._found:  # every language's page shows the same files: look each up once
            self._found[url] = self._image(article, url, kind)
        image = self._found[url]
        if image is None:
            return None
        real, relative = image.file, image.relative
        name = f"{image.stem}.{lang}{image.suffix}"
        variant = f"{image.folder}{os.sep}{name}"
        if self._exists(variant) and _inside(str(self.resolve(Path(variant))), image.folder):
            real, relative = Path(variant), f"{image.relative_folder}{name}"
        return Placed(real, relative, image.public)

    def _image(self, article: Article, url: str, kind: str) -> _Image | None:
        found = self._image_file(article, url, kind)
        if found is None:
            return None
        real, public = found
        folder = str(real.parent)
        root = str(self.public_root if public else
                   self.asset_root if _inside(str(real), str(self.asset_root)) else self.content_root)
        relative = str(real)[len(root):].lstrip(os.sep).replace(os.sep, "/")
        return _Image(real, relative, folder, relative[: relative.rfind("/") + 1], real.stem, real.suffix, public)

    def _image_file(self, article: Article, url: str, kind: str) -> tuple[Path, bool] | None:
        """The file a site-local URL names, and whether it is in the public folder; None (and a
        problem) when there is none."""
        what = "image" if kind == "image" else "file"
        path_part = unquote(urlsplit(url).path)
        public = path_part.startswith("/")
        if path_part.startswith("@/"):
            candidate = self.asset_root / path_part[2:]
        elif public and self.config.public_dir is None:
            self._problem(article, url, f"{what} path {url!r} starts at the site's root, and the project has no "
                                        "public folder: set `public_dir` in pyproject.toml to the folder that holds "
                                        "such files (Astro's public/, Hugo's static/), or write the path relative "
                                        "to the article or from the content root as '@/…'")
            return None
        elif public:
            candidate = self.config.public_dir / path_part.lstrip("/")
        else:
            candidate = (self.config.content_dir / article.id).parent / path_part
        real = self.resolve(candidate)
        if public and path_part.lstrip("/").split("/", 1)[0] in (*self.config.languages, "static"):
            self._problem(article, url, f"{what} path {url!r} is where the site's own pages are; link a file "
                                        "of the public folder by a path outside them, or an asset with '@/…'")
            return None
        roots = (self.public_root,) if public else (self.content_root, self.asset_root)
        if not any(_inside(str(real), str(root)) for root in roots):
            where = "the public folder" if public else "the content folder"
            self._problem(article, url, f"{what} path {url!r} leaves {where}")
            return None
        if not self._exists(real):
            twin = self.case_twin(real)
            guess = f"; did you mean {Path(twin).name!r}? (letter case matters on the web server)" if twin else ""
            served = (f"; a path from the site's root names a file of the public folder "
                      f"({self.config.relative(self.config.public_dir)}/, setting `public_dir`)") if public else ""
            self._problem(article, url, f"{what} {url!r} not found (looked for {self.config.relative(candidate)})"
                                        f"{guess}{served}")
            return None
        return real, public

    def _exists(self, path: Path | str) -> bool:
        state = self.lookup(path)
        self.seen[str(path)] = state
        return state is not None

    def _problem(self, article: Article, url: str, message: str) -> None:
        line = _line_of(article, url)
        self.problems.append(Diagnostic(article.path, line, "asset", message,
                                        hint="check the path; images and attachments live under content/assets/, "
                                             "files served as they are under the public folder"))

    def link_problem(self, article: Article, url: str, found: tuple[str, str] | None) -> None:
        """Note what `Links.problem` found wrong with a link of the article (nothing when None)."""
        if found is not None:
            severity, message = found
            self.problems.append(Diagnostic(article.path, _line_of(article, url), "link", message, severity,
                                            hint="fix the link, or write the article it names"))


@dataclass(frozen=True)
class _Image:
    """An image file that a page shows, and where the site keeps it and its language variants."""

    file: Path  # resolved
    relative: str  # its path in the site
    folder: str  # the folder the file is in
    relative_folder: str  # that folder in the site, with a trailing "/" ("" at the top)
    stem: str
    suffix: str
    public: bool  # from the public folder: `relative` is its path from the site's root


@dataclass(frozen=True)
class Placed:
    """A file as one language's page shows it: the file (its language variant when there is one),
    its path in the site, and whether it comes from the public folder."""

    file: Path
    relative: str  # its path in the site, not percent-encoded: "assets/news/photo.km.jpg"
    public: bool


def _inside(path: str, folder: str) -> bool:
    """Whether a normalised absolute path is the folder or inside it (`PurePath.is_relative_to`)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _line_of(article: Article, needle: str) -> int:
    at = article.text.find(needle)
    return article.text.count("\n", 0, at) + 1 if at >= 0 else 1


@dataclass(frozen=True)
class Links:
    """What links between articles resolve against: the ids and every article's published languages."""

    languages: tuple[str, ...]
    ids: Mapping[str, str]  # lower-case id → id, of every article shown
    published: Mapping[str, tuple[str, ...]]  # id → languages it is published in, sorted
    known: frozenset[str] = frozenset()  # lower-case id of every article of the project, shown or not

    def target(self, target: str) -> tuple[str | None, tuple[str, ...]]:
        """The article a normalised link target names, and its published languages."""
        target_id = self.ids.get(target)
        return target_id, self.published.get(target_id, ()) if target_id else ()

    def problem(self, url: str, target: str) -> tuple[str, str] | None:
        """(severity, message) when a link names an article that does not exist (a relative `.md`
        path, or a site path into a collection) or one that is not published; None otherwise, and
        always when the project's articles are not known."""
        if not self.known:
            return None
        if target in self.known:
            if self.ids.get(target) is None:
                return "warning", (f"link to {url!r}: that article is not published (a draft, or dated in the "
                                   "future), so the link leads nowhere for now")
            return None
        if not self._names_an_article(url, target):
            return None
        close = difflib.get_close_matches(target, sorted(self.known), n=1)
        guess = f"; did you mean {close[0]!r}?" if close else ""
        return "error", f"link to {url!r}: there is no article {target!r}{guess}"

    def _names_an_article(self, url: str, target: str) -> bool:
        path = unquote(urlsplit(url).path).lower()
        if path.endswith((".md", ".markdown")):
            return True
        if not path.startswith("/"):
            return False  # a relative link to something else: what it names is not known here
        pieces = target.split("/")
        collections = {known.split("/", 1)[0] for known in self.known}
        return len(pieces) > 1 and pieces[0] in collections and pieces[1] != PAGES_FOLDER


def link_target(article_id: str, url: str, languages: tuple[str, ...]) -> str | None:
    """The lower-case article id a site-local link names if it names one (`../x.md`, `/km/news/x/`),
    or None for links that cannot point at an article."""
    if not is_site_local(url):
        return None
    path = unquote(urlsplit(url).path)
    if path.startswith("/"):
        pieces = [p for p in path.split("/") if p]
        if pieces and pieces[0] in languages:
            pieces = pieces[1:]
        target = "/".join(pieces)
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(article_id), path))  # (strings: pathlib is slow)
    for suffix in (".md", ".markdown", "/index.html", "/"):
        if target.endswith(suffix):
            target = target[: -len(suffix)]
    return target.lower()


PAGE_SUFFIXES = ("", ".md", ".markdown", ".html", ".htm")


def names_a_file(url: str) -> bool:
    """Whether a site-local link names a file to copy with the site (`report.pdf`, `/files/a.xlsx`)
    rather than a page (`../other.md`, `/en/news/x/`, `page.html`)."""
    name = unquote(urlsplit(url).path).rsplit("/", 1)[-1]
    dot = name.rfind(".")
    suffix = name[dot:] if 0 < dot < len(name) - 1 else ""  # as pathlib has it: `.hidden` and `a.` have none
    return suffix.lower() not in PAGE_SUFFIXES


def link_for(article_id: str, lang: str, url: str, links: Links) -> str:
    """A link to another article (relative `.md` path or site path) points at the page in `lang`,
    or at the page in the linked article's own language when no `lang` page is published."""
    target = link_target(article_id, url, links.languages)
    return url if target is None else _link_to(url, lang, links.target(target))


def _link_to(url: str, lang: str, found: tuple[str | None, tuple[str, ...]]) -> str:
    """`link_for` once the article the link names is found (its id and languages, as `Links.target`)."""
    target_id, langs = found
    if target_id is None:
        return url
    fragment = urlsplit(url).fragment
    fragment = f"#{fragment}" if fragment else ""
    if lang in langs:
        return page_url(lang, target_id) + fragment
    return page_url(langs[0], target_id) + fragment if langs else url


def url_rewriter(article: Article, lang: str, assets: AssetCollector, links: Links,
                  followed: dict[str, tuple[str | None, tuple[str, ...]]]):
    """The function that gives each link and image URL of `article` its URL on the `lang` page;
    `followed` collects each link target with what it found."""

    def site_url(kind: str, url: str) -> str:
        if kind == "image":
            return assets.url_for(article, lang, url)
        target = link_target(article.id, url, links.languages)
        if target is None:
            return url
        if names_a_file(url) and links.target(target)[0] is None:
            return assets.url_for(article, lang, url, "link")  # an attachment: a PDF, a spreadsheet…
        if target not in followed:  # every language's page has the same links: each is judged once
            assets.link_problem(article, url, links.problem(url, target))
        found = followed[target] = links.target(target)
        return _link_to(url, lang, found)

    def rewrite(kind: str, url: str) -> str:
        return in_site(assets.config.base_path, site_url(kind, url))
    return rewrite
