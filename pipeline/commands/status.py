"""`pipeline status`: per article and target language, how far the translation is, and how many
source words are left to translate."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline import catalog as catalogs
from pipeline.config import Config
from pipeline.disk.layout import catalog_path, target_languages
from pipeline.disk.project import load_articles, read_catalog
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


def status(config: Config) -> tuple[StatusRow, ...]:
    """Per article and target language: counts, percent complete, source words left to translate."""
    rows = []
    for article in load_articles(config):
        for lang in target_languages(config, article):
            path = catalog_path(config, lang, article.id)
            found = read_catalog(config, path)
            if found is None:  # not extracted yet: everything is left to do
                units = {(s.msgctxt, s.msgid): s for s in prepare(config, article).segments}
                found = Catalog(header=None, messages=tuple(Message(msgid=s.msgid, msgctxt=s.msgctxt)
                                                            for s in units.values()))
            left = sum(count_words(m.msgid) for m in found.messages if not m.obsolete and not m.translated)
            rows.append(StatusRow(article.id, lang, config.relative(path), catalogs.statistics(found), left))
    return tuple(rows)
