"""`pipeline mv OLD NEW`: rename an article, or move it to another collection, keeping its
translations: its catalog in every language and its template go with it, and links follow it.

Links. A link is part of its unit's msgid, so rewriting it in the Markdown alone would turn that
unit's translations fuzzy: each link is rewritten in the Markdown and, alike, in the msgid, msgstr
and `#| msgid` of the catalogs, which then still match what `pipeline extract` finds. Rewritten
are the moved article's relative links and images when it changes folder, its links to itself,
and the other articles' links to it (relative `.md` paths, site paths such as `/km/news/old/`).
A link written in a form this cannot rewrite is never rewritten halfway: in the moved article it
refuses the move; in another article it is reported, with its line, and that article left alone.

Order. Nothing changes before every file is read and every refusal checked. Each file is then
written whole beside its place and renamed over it, never over a file changed since it was read
(`disk.saves.replace_unchanged`):
  1. NEW's catalogs and template, then NEW's article (new files: OLD is still whole);
  2. the catalogs of the articles linking to OLD, then those articles (interrupted between the
     two, the next `pipeline mv` finds the article's links to OLD again);
  3. OLD's article, then OLD's catalogs, each removed only while it holds what was read.
Interrupted anywhere, every translation is in OLD's catalogs or NEW's, and the same `pipeline mv`
run again finishes the move (a NEW file holding exactly what the move writes does not stop it).
A catalog a translator saved meanwhile is left where it is, and said.

When OLD's article is gone (renamed by hand) but its catalogs remain and NEW exists, the move gives
OLD's catalogs to NEW: these are the orphans `pipeline status` lists."""

from __future__ import annotations

import html
import os
import posixpath
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import unquote, urlsplit

from pipeline.commands.new import id_mistake, unknown_collection
from pipeline.config import Config, closest
from pipeline.content import Article, is_url_key, parse_article
from pipeline.disk.layout import ARTICLE_SUFFIXES, article_path, catalog_path, id_spelling_problem, template_path
from pipeline.disk.project import Source, find_articles, read_article
from pipeline.disk.saves import write_unless_changed
from pipeline.errors import PipelineError
from pipeline.links import is_site_local, link_target
from pipeline.markdown import InlineReader, parse, render
from pipeline.model import Catalog, Diagnostic
from pipeline.po import decode_po, format_po, parse_po
from pipeline.segment import prepare


@dataclass(frozen=True)
class MoveReport:
    """What `pipeline mv` did. Paths as shown (relative to the project folder)."""

    old: str  # the article id moved
    new: str
    written: tuple[str, ...]  # NEW's files, then the other files rewritten
    removed: tuple[str, ...]  # OLD's files
    relinked: tuple[str, ...]  # the other articles whose links to OLD now point at NEW
    warnings: tuple[Diagnostic, ...] = ()  # what is left for the editor to do by hand


@dataclass(frozen=True)
class _Change:
    """A file the move writes: its new content, and the content it replaces (None: no file)."""

    path: Path
    data: bytes
    expected: bytes | None


@dataclass(frozen=True)
class _Plan:
    old: str
    new: str
    created: tuple[_Change, ...]  # NEW's catalogs and template, then its article
    relinked: tuple[_Change, ...]  # the catalogs of the articles linking to OLD, then the articles
    relinked_ids: tuple[tuple[str, Path], ...]  # (id, file) of each article rewritten
    removed: tuple[tuple[Path, bytes], ...]  # OLD's article, then its catalogs: each with what was read
    warnings: tuple[Diagnostic, ...]


def move_article(config: Config, old: str, new: str, cwd: Path, new_collection: bool = False) -> MoveReport:
    """Move the article `old` to `new` (each an id such as `news/foo`, or a path to its file relative
    to `cwd`, the project folder or the content folder), with its catalogs and the links to it; a
    PipelineError, with nothing changed, when the move is refused (see the module's docstring).
    `new_collection`: NEW may start a collection that is neither configured nor a folder yet."""
    plan = _plan(config, old, new, cwd, new_collection)
    return _carry_out(config, plan)


# --- which article, to where -------------------------------------------------------------------------


def _as_id(config: Config, text: str, cwd: Path) -> tuple[str, str | None]:
    """The article id an argument names, and the file suffix it was written with (None: an id). A
    path to a file (`content/news/foo.md`, `foo.md` in content/news/) is taken from the current
    folder, the project folder or the content folder: the first where the file is, else the first
    where its folder is (`guides/new.md` typed in content/news/ is content/guides/new.md)."""
    suffix = next((s for s in ARTICLE_SUFFIXES if text.lower().endswith(s)), None)
    if suffix is None:
        return text, None
    content = Path(os.path.normpath(config.content_dir))
    inside = [path for path in (Path(os.path.normpath(base / text)) for base in (cwd, config.root, content))
              if path.is_relative_to(content) and path != content]
    chosen = next((path for path in inside if path.is_file()),
                  next((path for path in inside if path.parent.is_dir()), inside[0] if inside else None))
    if chosen is None:
        return text[: -len(suffix)], text[-len(suffix):]
    relative = chosen.relative_to(content).as_posix()
    return relative[: -len(suffix)], relative[-len(suffix):]


def _catalog_paths(config: Config, article_id: str) -> tuple[Path, ...]:
    """Where the catalogs of an article live: its template, then its catalog in each language."""
    return (template_path(config, article_id),) + tuple(catalog_path(config, lang, article_id)
                                                         for lang in config.languages)


def _refusals(config: Config, ids: Iterable[str], old: str, new: str, new_collection: bool) -> list[Diagnostic]:
    """Why the move of `old` to `new` cannot be made at all (before either is looked at closer)."""
    ids = list(ids)
    problems = []
    spelling = id_spelling_problem(old)
    if spelling is not None:
        problems.append(Diagnostic(old, 0, "usage", f"{old!r} is not an article id: {spelling}"))
    mistake = id_mistake(config, new)
    unknown = None if mistake is not None or new_collection else unknown_collection(config, new)
    if mistake is not None or unknown is not None:
        problems.append(unknown or Diagnostic(new, 0, "usage", mistake))
    if problems:
        return problems
    if new == old:
        return [Diagnostic(old, 0, "usage", "OLD and NEW are the same article id")]
    if new.lower() == old.lower():
        return [Diagnostic(old, 0, "usage", f"{old!r} and {new!r} differ only in letter case, which many disks do "
                                            "not tell apart", hint=f"move it to another id first, then to {new!r}")]
    taken = next((i for i in ids if i.lower() == new.lower()), None)
    if taken is not None and taken != new:
        return [Diagnostic(new, 0, "usage", f"the article {taken!r} has this id but for letter case: one page "
                                            "on most disks", hint="choose another id")]
    return []


def _plan(config: Config, old_text: str, new_text: str, cwd: Path, new_collection: bool) -> _Plan:
    """Every file the move writes and removes, read and checked; a PipelineError when it is refused."""
    old, _ = _as_id(config, old_text, cwd)
    new, new_suffix = _as_id(config, new_text, cwd)
    sources = {source.id: source for source in find_articles(config).articles}
    problems = _refusals(config, sources, old, new, new_collection)
    if problems:
        raise PipelineError(problems)
    source = sources.get(old)
    old_catalogs = {path: path.read_bytes() for path in _catalog_paths(config, old) if path.is_file()}
    if source is None:
        return _adoption(config, sources, old, new, old_catalogs)
    article = read_article(config, source)  # (an article that cannot be read is fixed first)
    raw = Path(source.path).read_bytes()
    target = article_path(config, new, new_suffix or os.path.splitext(source.path)[1])
    retarget = _Retarget(old, new, old, new, config.languages)
    moved, after = _moved_article(config, article, raw, new, target, retarget)
    present = target.read_bytes() if target.is_file() else None
    others = [p for p in (article_path(config, new, s) for s in ARTICLE_SUFFIXES) if p.is_file() and p != target]
    if new in sources and Path(sources[new].path) != target:
        others.append(Path(sources[new].path))
    if others or (present is not None and present != moved):  # (what the move writes: a move interrupted)
        raise PipelineError(Diagnostic(config.relative(others[0] if others else target), 0, "usage",
                                       f"the article {new!r} exists already; nothing was moved",
                                       hint="choose another id, or move or delete that article first"))
    carried, warnings = _carried_catalogs(config, old, after, old_catalogs, retarget)
    changes, relinked, link_warnings = _relinking(config, sources, old, new)
    removed = ((Path(source.path), raw),) + tuple(old_catalogs.items())
    return _Plan(old, new, carried + (_Change(target, moved, present),), changes, relinked, removed,
                 tuple(warnings + link_warnings))


def _adoption(config: Config, sources: dict[str, Source], old: str, new: str,
              old_catalogs: dict[Path, bytes]) -> _Plan:
    """The plan that gives the catalogs of an article already renamed by hand (OLD, gone) to NEW."""
    if not old_catalogs:
        near = closest(old, sources)
        raise PipelineError(Diagnostic(old, 0, "usage", f"there is no article {old!r} (and no catalog of one)"
                                       + (f"; did you mean `{near}`?" if near else "")))
    if new not in sources:
        shown = ", ".join(config.relative(p) for p in old_catalogs)
        raise PipelineError(Diagnostic(old, 0, "usage", f"there is no article {old!r}, only its catalogs ({shown}), "
                                       f"and no article {new!r} to give them to",
                                       hint=f"rename the article's file back to {old!r} and run `pipeline mv` "
                                            "again, or delete the catalogs if the article is gone for good"))
    path = Path(sources[new].path)
    article, raw = read_article(config, sources[new]), path.read_bytes()
    text, after, warnings = _relinked_text(config, article, _Retarget(old, new, new, new, config.languages))
    carried, carried_warnings = _carried_catalogs(config, old, after, old_catalogs,
                                                  _Retarget(old, new, old, new, config.languages))
    own = () if text is None else (_Change(path, _encoded(text, raw), raw),)  # its own links to OLD
    changes, relinked, link_warnings = _relinking(config, sources, old, new)
    return _Plan(old, new, carried + own, changes, relinked, tuple(old_catalogs.items()),
                 tuple(warnings + carried_warnings + link_warnings))


# --- the moved article and its catalogs --------------------------------------------------------------


def _moved_article(config: Config, article: Article, raw: bytes, new: str, target: Path,
                   retarget: _Retarget) -> tuple[bytes, Article]:
    """The moved article's file, its links rewritten for its new place (its bytes as they were when
    none changes), and the article it holds. Refused when one of its links or images cannot be
    rewritten so that it points where it pointed."""
    text = _rewritten_text(article, retarget)
    shown = config.relative(target)
    if text is None:
        return raw, replace(article, id=new, path=shown)
    after = parse_article(text, new, shown, config.default_language)
    wrong = _misdirected(article, after, retarget)
    if wrong:
        raise PipelineError([Diagnostic(article.path, _line_of(article.text, url), "usage",
                                        f"the link {url!r} could not be rewritten for the new place of the article; "
                                        "nothing was moved", hint="write it as a site path (/en/…) or an @/ path, "
                                                                  "then run `pipeline mv` again") for url in wrong])
    return _encoded(text, raw), after


def _carried_catalogs(config: Config, old: str, after: Article, old_catalogs: dict[Path, bytes],
                      retarget: _Retarget) -> tuple[tuple[_Change, ...], list[Diagnostic]]:
    """OLD's catalogs and template as they are written at the places of NEW's (`after`: NEW's
    article): their links rewritten as the article's are, their references naming its file. A file
    already at NEW's place is replaced only when it holds no translator's work or exactly what the
    move writes. Warns of translations whose unit NEW's article does not have (`extract` keeps them
    as fuzzy or obsolete entries)."""
    places = dict(zip(_catalog_paths(config, old), _catalog_paths(config, after.id)))
    renamed = (tuple(config.relative(article_path(config, old, s)) for s in ARTICLE_SUFFIXES), after.path)
    units = {(s.msgctxt, s.msgid) for s in prepare(config, after).segments}
    reader = InlineReader()
    changes, refused, astray = [], [], 0
    for path, data in old_catalogs.items():
        carried = _carried(_read_po(config, path, data), retarget, reader, renamed)
        astray += sum(1 for m in carried.messages if m.translated and m.key not in units)
        written, destination = format_po(carried, width=config.po_wrap).encode("utf-8"), places[path]
        present = destination.read_bytes() if destination.is_file() else None
        if present is not None and present != written and _loses_work(_read_po(config, destination, present), carried):
            refused.append(Diagnostic(config.relative(destination), 0, "usage",
                                      f"{after.id!r} has translations of its own here, which {old!r}'s "
                                      "catalog does not hold; nothing was moved",
                                      hint="compare the two catalogs, keep the one you want (delete the other), "
                                           "or choose another id"))
        changes.append(_Change(destination, written, present))
    if refused:
        raise PipelineError(refused)
    warnings = [Diagnostic(after.path, 0, "move", f"{astray} translation(s) of {old!r} match no unit of {after.id!r} "
                           "as it is now", severity="warning",
                           hint="`pipeline extract` keeps them as fuzzy or obsolete entries for review")] if astray else []
    return tuple(changes), warnings


def _read_po(config: Config, path: Path, data: bytes) -> Catalog:
    shown = config.relative(path)
    return parse_po(decode_po(data, shown), shown)


def _loses_work(present: Catalog, carried: Catalog) -> bool:
    """Whether putting `carried` in the place of `present` would lose a translation or a translator's
    comment of `present`: one that `carried` holds nowhere, link targets aside (what `pipeline
    extract` filled in from the translation memory, OLD's own translations, is there)."""
    texts = {_unlinked(t) for m in carried.messages for t in (m.msgstr, *m.msgstr_plural)}
    comments = {c for m in carried.messages for c in m.translator_comments}
    return any(_unlinked(t) not in texts for m in present.messages for t in (m.msgstr, *m.msgstr_plural) if t) \
        or any(c not in comments for m in present.messages for c in m.translator_comments)


def _unlinked(text: str) -> str:
    return re.sub(r"\]\([^)]*\)", "]()", text)


def _carried(catalog: Catalog, retarget: _Retarget, reader: InlineReader,
             renamed: tuple[tuple[str, ...], str] | None = None) -> Catalog:
    """A catalog with the links of its messages rewritten by `retarget` (msgid, msgstr and previous
    msgid alike) and, when `renamed` (the names the old file may have, the new file), its references
    and header naming the new file."""
    def text(value: str | None) -> str | None:
        if not value:
            return value
        features = reader.features(value)
        return rewrite_destinations(value, features.links + features.images, retarget)

    def reference(found: str) -> str:
        file, colon, line = found.rpartition(":") if found.rpartition(":")[2].isdigit() else (found, "", "")
        return renamed[1] + colon + line if renamed is not None and file in renamed[0] else found

    messages = tuple(replace(m, msgid=text(m.msgid), msgstr=text(m.msgstr), msgid_plural=text(m.msgid_plural),
                             msgstr_plural=tuple(text(s) for s in m.msgstr_plural),
                             previous_msgid=text(m.previous_msgid),
                             references=tuple(reference(r) for r in m.references))
                     for m in catalog.messages)
    header = catalog.header
    if header is not None and renamed is not None:
        header = replace(header, translator_comments=tuple(
            f"Source: {renamed[1]}" if c.removeprefix("Source: ") in renamed[0] else c
            for c in header.translator_comments))
    return Catalog(header, messages)


# --- the other articles that link to OLD -------------------------------------------------------------


def _relinking(config: Config, sources: dict[str, Source], old: str,
               new: str) -> tuple[tuple[_Change, ...], tuple[tuple[str, Path], ...], list[Diagnostic]]:
    """The other articles whose links name OLD, and their catalogs, rewritten to name NEW: the
    catalogs first, then the articles. An article whose links cannot all be rewritten, or that
    cannot be read, is left as it is and reported."""
    slug = old.rsplit("/", 1)[-1].lower()
    catalogs, articles, ids, warnings = [], [], [], []
    reader = InlineReader()
    for article_id, source in sorted(sources.items()):
        if article_id in (old, new):
            continue
        raw = Path(source.path).read_bytes()
        seen = raw.decode("utf-8", "replace").lower()
        if slug not in seen and slug not in unquote(seen):
            continue  # a link to OLD names its slug
        try:
            article = read_article(config, source)
        except PipelineError:
            warnings.append(Diagnostic(config.relative(Path(source.path)), 0, "link", f"could not be read, so its "
                                       f"links to {old!r} (if any) were not updated", severity="warning",
                                       hint=f"fix it, then point its links to {old!r} at {new!r}"))
            continue
        retarget = _Retarget(old, new, article_id, article_id, config.languages)
        text, _, refused = _relinked_text(config, article, retarget)
        warnings.extend(refused)
        if text is None:
            continue
        for path in _catalog_paths(config, article_id):
            if path.is_file():
                data = path.read_bytes()
                rewritten = format_po(_carried(_read_po(config, path, data), retarget, reader), width=config.po_wrap).encode("utf-8")
                if rewritten != data:
                    catalogs.append(_Change(path, rewritten, data))
        articles.append(_Change(Path(source.path), _encoded(text, raw), raw))
        ids.append((article_id, Path(source.path)))
    return tuple(catalogs + articles), tuple(ids), warnings


def _relinked_text(config: Config, article: Article,
                   retarget: _Retarget) -> tuple[str | None, Article, list[Diagnostic]]:
    """An article that stays where it is with its links to OLD pointing at NEW: its new text (None
    when none changes, or when one cannot be rewritten: then each such link is reported and the
    article left as it is) and the article it holds."""
    text = _rewritten_text(article, retarget)
    if text is None:
        return None, article, []
    after = parse_article(text, article.id, article.path, config.default_language)
    wrong = _misdirected(article, after, retarget)
    if not wrong:
        return text, after, []
    return None, article, [Diagnostic(article.path, _line_of(article.text, url), "link",
                                      f"this link to {retarget.old!r} was not updated (written in a form the move "
                                      "does not rewrite)", severity="warning",
                                      hint=f"point it at {retarget.new!r} by hand") for url in wrong]


# --- rewriting links ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Retarget:
    """Where a link or image of an article points once OLD is NEW. `home` is the id of the article
    the link is written in, `home_after` that article's id after the move (NEW for the moved one).
    Called with a destination as written; returns it rewritten, or None when it stays."""

    old: str
    new: str
    home: str
    home_after: str
    languages: tuple[str, ...]

    def __call__(self, destination: str) -> str | None:
        path, tail = _split(destination)
        if not path or path.startswith("@/") or not is_site_local(destination):
            return None
        if link_target(self.home, destination, self.languages) == self.old.lower():
            return self._to_new(path) + tail
        before, after = _folder(self.home), _folder(self.home_after)
        if path.startswith("/") or before == after:
            return None
        if posixpath.normpath(posixpath.join(before, path)).startswith(".."):
            return None  # it leaves the content folder: broken wherever it is written
        moved = posixpath.relpath(posixpath.normpath(posixpath.join("/", before, path)), "/" + after)
        return moved + ("/" if path.endswith("/") and not moved.endswith("/") else "") + tail

    def _to_new(self, path: str) -> str:
        """A link to OLD, written `path`, pointing at NEW in the same form (`.md`, `/`, a language)."""
        form = next((path[-len(s):] for s in (".md", ".markdown", "/index.html", "/") if path.lower().endswith(s)), "")
        if path.startswith("/"):
            first = path.strip("/").split("/", 1)[0]
            return "/" + (f"{first}/" if first in self.languages else "") + _escaped(self.new) + form
        return _escaped(posixpath.relpath("/" + self.new, "/" + _folder(self.home_after))) + form


def _split(destination: str) -> tuple[str, str]:
    """A destination's path, and its query and fragment (`?…#…`)."""
    cut = min((i for i in (destination.find("?"), destination.find("#")) if i >= 0), default=len(destination))
    return destination[:cut], destination[cut:]


def _folder(article_id: str) -> str:
    return article_id.rsplit("/", 1)[0]


def _escaped(path: str) -> str:
    """A path written as a Markdown link destination: what would end or break it percent-encoded."""
    return "".join({" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"}.get(c, c) for c in path)


_INLINE = re.compile(r"(\]\([ \t]*(?:\n[ \t]*)?)(<[^<>\n]*>|[^\s<>()]+(?:\([^\s()]*\)[^\s<>()]*)*)")
_DEFINITION = re.compile(r"^([ \t>]*\[(?:[^\]\\\n]|\\.)+\]:[ \t]*(?:\n[ \t>]*)?)(<[^<>\n]*>|\S+)", re.MULTILINE)


def rewrite_destinations(text: str, urls: Iterable[str], retarget: Callable[[str], str | None]) -> str:
    """`text` (Markdown) with the destination of each inline link or image, and of each link
    reference definition, replaced by `retarget(destination)` when that is not None. Only the
    destinations among `urls` (as a Markdown parser read them: percent-encoded) are looked at, so
    that text that only looks like a link (in code) stays as it is."""
    wanted = {unquote(html.unescape(url)) for url in urls}
    if not wanted:
        return text

    def rewrite(match: re.Match) -> str:
        written = match.group(2)
        bare = written[1:-1] if written.startswith("<") else written
        moved = retarget(bare) if unquote(bare) in wanted else None
        if moved is None or moved == bare:
            return match.group(0)
        return match.group(1) + (f"<{moved}>" if written.startswith("<") else moved)

    return _DEFINITION.sub(rewrite, _INLINE.sub(rewrite, text))


def _rewritten_text(article: Article, retarget: _Retarget) -> str | None:
    """The article's text with the links and images of its body and its front-matter URLs
    rewritten by `retarget`, or None when none changes."""
    body = rewrite_destinations(article.body, [url for _, url in _body_urls(article)], retarget)
    head = article.text[: article.body_offset]
    for field in sorted(article.fields, key=lambda f: -f.start):
        moved = retarget(field.value) if field.is_text and is_url_key(field.key_path) else None
        written = head[field.start:field.end]
        if moved is not None and field.value in written and field.style in ("", "'", '"'):
            head = head[: field.start] + written.replace(field.value, moved, 1) + head[field.end:]
    text = head + body
    return None if text == article.text else text


def _body_urls(article: Article) -> list[tuple[str, str]]:
    """Every (kind, URL) of links and images in the article's body, as its page shows them."""
    found: list[tuple[str, str]] = []

    def collect(kind: str, url: str) -> str:
        found.append((kind, url))
        return url

    render(parse(article.body), {}, {}, rewrite_url=collect)
    return found


def _places(article: Article) -> list[str]:
    """Every URL of an article: its body's links and images, then its front-matter URLs."""
    return [url for _, url in _body_urls(article)] + [f.value for f in article.fields
                                                      if f.is_text and is_url_key(f.key_path)]


def _misdirected(before: Article, after: Article, retarget: _Retarget) -> list[str]:
    """The URLs of `before` that do not, in `after` (the same article rewritten), point where they
    pointed (NEW for OLD)."""
    def where(url: str, home: str, moving: bool) -> tuple[str, str]:
        if url.startswith("@/") or not is_site_local(url):
            return (url, "")
        target = link_target(home, url, retarget.languages)
        target = retarget.new.lower() if moving and target == retarget.old.lower() else target
        return (target or url, urlsplit(url).fragment)

    old_urls, new_urls = _places(before), _places(after)
    if len(old_urls) != len(new_urls):
        return old_urls
    return [a for a, b in zip(old_urls, new_urls)
            if where(a, retarget.home, True) != where(b, retarget.home_after, False)]


def _line_of(text: str, url: str) -> int:
    """The line of the first place a URL (as a parser read it) stands in an article (1 if not found)."""
    plain = text.replace("\\", "")  # (a backslash escape adds no line)
    for haystack, needle in ((text, url), (text, unquote(url)), (plain, url), (plain, unquote(url))):
        at = haystack.find(needle)
        if at >= 0:
            return haystack.count("\n", 0, at) + 1
    return 1


def _encoded(text: str, raw: bytes) -> bytes:
    """An article's rewritten text as its file held it: its line ends and byte-order mark kept."""
    if b"\r\n" in raw:
        text = text.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b"") + text.encode("utf-8")


# --- carrying the move out ---------------------------------------------------------------------------


def _carry_out(config: Config, plan: _Plan) -> MoveReport:
    """Write and remove the files of a plan, in its order (see the module's docstring)."""
    written, removed, warnings = [], [], list(plan.warnings)
    for change in plan.created:
        if not _put(change):
            raise PipelineError(Diagnostic(config.relative(change.path), 0, "changed",
                                           "this file changed while the move was written; nothing of "
                                           f"{plan.old!r} was removed", hint="run the same `pipeline mv` again"))
        written.append(config.relative(change.path))
    missed = set()
    for change in plan.relinked:
        if _put(change):
            written.append(config.relative(change.path))
        else:
            missed.add(change.path)
            warnings.append(Diagnostic(config.relative(change.path), 0, "changed", "changed while the move ran: its "
                                       f"links to {plan.old!r} were not updated", severity="warning",
                                       hint=f"point them at {plan.new!r} by hand"))
    for path, data in plan.removed:
        if _remove_unchanged(path, data):
            removed.append(config.relative(path))
            _remove_empty_folders(path.parent, (config.content_dir, config.locale_dir))
        else:
            warnings.append(Diagnostic(config.relative(path), 0, "changed", "changed while the move ran, so it was "
                                       "left in place", severity="warning",
                                       hint=f"compare it with the file of {plan.new!r}, then delete it"))
    ids = tuple(article_id for article_id, path in plan.relinked_ids if path not in missed)
    return MoveReport(plan.old, plan.new, tuple(written), tuple(removed), ids, tuple(warnings))


def _put(change: _Change) -> bool:
    """Write a file whole only while its place holds what the plan read (see `write_unless_changed`)."""
    return change.expected == change.data or write_unless_changed(change.path, change.data, change.expected)


def _remove_unchanged(path: Path, data: bytes) -> bool:
    """Remove a file while it holds `data` (a save made since it was read keeps it)."""
    try:
        if path.read_bytes() != data:
            return False
        os.unlink(path)
    except FileNotFoundError:
        pass
    return True


def _remove_empty_folders(folder: Path, roots: tuple[Path, ...]) -> None:
    """Remove `folder` and the folders above it while they are empty, up to (not including) the
    content and locale folders and a language's catalog folder."""
    while any(folder.is_relative_to(root) and folder != root for root in roots) \
            and folder.name != "LC_MESSAGES" and folder.name != "templates":
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = folder.parent
