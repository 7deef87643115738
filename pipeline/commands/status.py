"""`pipeline status`: per article and target language, how far the translation is, and how many
source words are left to translate; and the catalogs whose article is gone."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from pipeline import catalog as catalogs
from pipeline.config import Config
from pipeline.disk.layout import catalog_path, target_languages
from pipeline.disk.project import load_articles, orphan_catalogs, read_catalog
from pipeline.khmer.words import count_words
from pipeline.model import Catalog, Message
from pipeline.segment import prepare


@dataclass(frozen=True)
class StatusRow:
    article: str
    lang: str
    catalog: str
    stats: catalogs.Statistics
    words_left: int

    def as_dict(self) -> dict:
        s = self.stats
        return {"article": self.article, "language": self.lang, "catalog": self.catalog,
                "translated": s.translated, "fuzzy": s.fuzzy, "untranslated": s.untranslated,
                "obsolete": s.obsolete, "percent": round(s.percent, 1), "words_left": self.words_left}


@dataclass(frozen=True)
class Status:
    """The progress of every catalog, and the catalogs and templates whose article is gone (as
    shown: relative to the project folder)."""

    rows: tuple[StatusRow, ...]
    orphans: tuple[str, ...]


def status(config: Config) -> Status:
    """Per article and target language: counts, percent complete, source words left to translate;
    and the orphan catalogs (`disk.project.orphan_catalogs`)."""
    rows, articles = [], load_articles(config)
    for article in articles:
        for lang in target_languages(config, article):
            path = catalog_path(config, lang, article.id)
            found = read_catalog(config, path)
            if found is None:  # not extracted yet: everything is left to do
                units = {(s.msgctxt, s.msgid): s for s in prepare(config, article).segments}
                found = Catalog(header=None, messages=tuple(Message(msgid=s.msgid, msgctxt=s.msgctxt)
                                                            for s in units.values()))
            left = sum(count_words(m.msgid) for m in found.messages if not m.obsolete and not m.translated)
            rows.append(StatusRow(article.id, lang, config.relative(path), catalogs.statistics(found), left))
    return Status(tuple(rows), tuple(config.relative(path) for path in orphan_catalogs(config, (a.id for a in articles))))


# --- the table ---------------------------------------------------------------------------------------

_HEADINGS = ("article", "lang", "done", "transl", "fuzzy", "untr", "obs", "words left")
_LEFT_ALIGNED = 2  # the article and the language; the numbers are right-aligned


def table(rows: tuple[StatusRow, ...]) -> tuple[str, ...]:
    """The rows as a table for a terminal: a heading line, then one line per row, each column as
    wide as its widest cell as a terminal shows it (`display_width`), so that long ids and Khmer
    names keep the columns in line."""
    cells = [_HEADINGS] + [_cells(row) for row in rows]
    widths = [max(display_width(line[column]) for line in cells) for column in range(len(_HEADINGS))]
    return tuple(" ".join(_pad(cell, width, column < _LEFT_ALIGNED) for column, (cell, width)
                          in enumerate(zip(line, widths))).rstrip() for line in cells)


def _cells(row: StatusRow) -> tuple[str, ...]:
    s = row.stats
    return (row.article, row.lang, f"{s.percent:.1f}%", str(s.translated), str(s.fuzzy), str(s.untranslated),
            str(s.obsolete), str(row.words_left))


def _pad(cell: str, width: int, left: bool) -> str:
    padding = " " * (width - display_width(cell))
    return cell + padding if left else padding + cell


def display_width(text: str) -> int:
    """How many columns a terminal gives `text`: none for combining marks, format characters (the
    zero-width space) and a Khmer coeng or vowel sign written over or under its letter, two for
    wide (East Asian) characters, one for the others."""
    width = 0
    for character in text:
        if unicodedata.combining(character) or unicodedata.category(character) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1
    return width
