"""Apply one language's translations to an article: untrusted text made safe, fallbacks marked.

Translations are untrusted text. Their raw HTML is shown as text unless the source article has
the very same markup (mistune's own tokens decide what is HTML), and the whole body, in every
language, then passes the allow-list of `pipeline.sanitize`. Front-matter values are plain text:
the templates escape them, once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from pipeline import markdown
from pipeline.content import Article
from pipeline.markdown import Document
from pipeline.sanitize import Sanitizer, clean_body
from pipeline.segment import Segment
from pipeline.khmer.words import WordBreaker, count_words

Key = tuple[str | None, str]


@dataclass(frozen=True)
class Translated:
    """An article in one language: rendered body, translated front-matter values, completeness."""

    article: Article
    lang: str
    body_html: str
    values: Mapping[str, str]  # key path → text in this language
    total: int  # distinct units
    done: int  # distinct units with a usable translation
    fallback_lang: str | None  # the source language, when some units fell back to it
    fallback_values: frozenset[str] = frozenset()  # front-matter key paths shown in the source language
    body_words: int = 0  # words of the body as published in this language
    first_paragraph: str = ""  # inline Markdown of the first body paragraph, for excerpts
    first_paragraph_lang: str = ""  # its language: `lang`, or the source's when it fell back

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.done / self.total

    def value(self, key_path: str, default: str = "") -> str:
        if key_path in self.values:
            return self.values[key_path]
        raw = self.article.metadata.get(key_path, default)
        return raw if isinstance(raw, str) else default


def translate(article: Article, document: Document, segments: tuple[Segment, ...], lang: str,
              translations: Mapping[Key, str] | None, rewrite_url: Callable[[str, str], str],
              renderer: markdown.Renderer | None = None, breaker: WordBreaker | None = None,
              sanitizer: Sanitizer | None = None) -> Translated:
    """The article in `lang`. `translations` None means the source language itself. Pass a
    `renderer`, a `breaker` and a `sanitizer` when translating many articles."""
    replacements, fallback, values = {}, {}, {}
    fallback_values: set[str] = set()
    done: set[Key] = set()
    keys: set[Key] = set()
    for segment in segments:
        key = (segment.msgctxt, segment.msgid)
        keys.add(key)
        if translations is None:
            text = segment.msgid
            done.add(key)
        elif key in translations:
            text = translations[key]
            done.add(key)
        else:
            text = segment.msgid
            if segment.address is not None:
                fallback[segment.address] = article.lang
            elif segment.key_path is not None:
                fallback_values.add(segment.key_path)
        if segment.address is not None:
            replacements[segment.address] = text
        elif segment.key_path is not None:
            values[segment.key_path] = text
    html = clean_body(markdown.render(document, replacements, fallback, rewrite_url, renderer,
                                      translated=translations is not None), sanitizer)
    body_units = [s for s in segments if s.address is not None]
    body_texts = {s.address: replacements[s.address] for s in body_units}
    breaker = breaker or WordBreaker()
    return Translated(
        article=article, lang=lang, body_html=html, values=values, total=len(keys), done=len(done),
        fallback_lang=article.lang if len(done) < len(keys) else None,
        fallback_values=frozenset(fallback_values),
        body_words=sum(count_words(text, breaker) for text in body_texts.values()),
        first_paragraph=next((body_texts[s.address] for s in body_units if s.kind == "paragraph"), ""),
        first_paragraph_lang=next((fallback.get(s.address, lang) for s in body_units if s.kind == "paragraph"), lang),
    )
