"""What article templates get of the front matter: every value, nested as in the file, in the page's
language (`Text`: the translation, or the source's text marked with its language), URL keys as the
URLs the page uses; which keys the default template shows; the labels of keys. Values in, values out."""

from __future__ import annotations

import re
from typing import Callable, Mapping

from pipeline.config import Config
from pipeline.content import is_url_key
from pipeline.segment import is_translatable
from pipeline.translate import Translated
from pipeline.urls import url_problem

SHOWN_ELSEWHERE = ("title", "description", "date", "image", "draft", "lang")  # keys the page shows in its head
IMAGE_WORDS = frozenset({"image", "images", "cover", "thumbnail", "thumbnails", "src"})


def title_key_of(result: Translated) -> str:
    """The key an article's title comes from: `title`, else `name` (data collections such as
    centres are named, not titled)."""
    return "name" if not result.value("title") and result.value("name") else "title"


class Text(str):
    """One front-matter value as a page shows it: the text itself (a string: Jinja escapes it like
    any other), `lang`, the language it is written in (the page's when translated; the source
    language when the catalog has no usable translation or the key is not translated), and `kind`:
    "text", or "link" / "image" for URL keys, whose text is then the URL the page uses (complete,
    base path included: write `href="{{ value }}"`, without `|href`)."""

    lang: str
    kind: str

    def __new__(cls, text: str, lang: str, kind: str = "text") -> "Text":
        value = super().__new__(cls, text)
        value.lang, value.kind = lang, kind
        return value

    def __reduce__(self):
        return Text, (str(self), self.lang, self.kind)


def front_matter_data(result: Translated, rewrite_url: Callable[[str, str], str]) -> dict:
    """Every front-matter value of the article in `result.lang`, nested as in the source (mappings
    as dicts, lists as lists): text leaves are `Text` values, other scalars (numbers, dates) as read."""
    return _data_value(result, dict(result.article.metadata), "", rewrite_url)


def _data_value(result: Translated, raw, path: str, rewrite_url: Callable[[str, str], str]):
    if isinstance(raw, Mapping):
        return {str(key): _data_value(result, value, f"{path}.{key}" if path else str(key), rewrite_url)
                for key, value in raw.items()}
    if isinstance(raw, list):
        return [_data_value(result, item, f"{path}[{index}]", rewrite_url) for index, item in enumerate(raw)]
    if isinstance(raw, str):
        return _data_text(result, path, raw, rewrite_url)
    return raw


def _data_text(result: Translated, path: str, raw: str, rewrite_url: Callable[[str, str], str]) -> Text:
    """One text leaf: a URL key's URL as the page uses it (a URL the rules refuse, already an error
    at its line, becomes empty), a translated key's text in the page's language or marked as the
    source's, any other key's source text (text without words, such as a number, takes the page's)."""
    if is_url_key(path):
        name = path.rsplit(".", 1)[-1].split("[", 1)[0].lower()
        kind = "image" if any(name.endswith(word) for word in IMAGE_WORDS) else "link"
        return Text(rewrite_url(kind, raw) if raw.strip() and url_problem(raw) is None else "", result.lang, kind)
    if path in result.values:
        fell_back = path in result.fallback_values
        return Text(result.values[path], result.article.lang if fell_back else result.lang)
    return Text(raw, result.article.lang if is_translatable(raw) else result.lang)


def data_keys(config: Config, result: Translated) -> list[str]:
    """The top-level keys the default article template shows in its data section, in source order:
    those holding values configured for translation, except the ones the page shows elsewhere
    (`title`, `description`, and `name` when it is the title)."""
    translated = {pattern.split(".", 1)[0].split("[", 1)[0]
                  for pattern in config.collection(result.article.collection).translate}
    skipped = set(SHOWN_ELSEWHERE) | ({"name"} if title_key_of(result) == "name" else set())
    return [key for key in map(str, result.article.metadata) if key in translated and key not in skipped
            and _has_content(result.article.metadata[key])]


def _has_content(raw) -> bool:
    if isinstance(raw, Mapping):
        return any(_has_content(value) for value in raw.values())
    if isinstance(raw, list):
        return any(_has_content(item) for item in raw)
    return raw is not None and str(raw).strip() != ""


def data_context(config: Config, result: Translated, rewrite_url: Callable[[str, str], str]) -> dict:
    """What the article template gets of the front matter: `data`, every value; what its data
    section shows (`data_keys`), split into labelled values (`data_fields`, key → value) and
    `data_sections` (the keys of mappings and lists, each a section); `has_body`, whether the body
    has any words (a data article, whose content is its front matter, has none: its description
    is then its text)."""
    data = front_matter_data(result, rewrite_url)
    keys = data_keys(config, result)
    sections = [key for key in keys if isinstance(data[key], (dict, list))]
    return {"data": data, "data_fields": {key: data[key] for key in keys if key not in sections},
            "data_sections": sections, "has_body": result.body_words > 0}


def key_label(key: str) -> str:
    """The English label of a front-matter key, also its msgid in the `ui` catalog:
    `managementTeam` → "Management team", `mapUrl` → "Map URL", `phone_number` → "Phone number"."""
    words = [word.lower() for word in _KEY_WORDS.findall(key)] or [key]
    words = [word.upper() if word in ("url", "id") else word for word in words]
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


_KEY_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def data_labels(config: Config) -> list[str]:
    """The labels the default templates show for the keys of configured translated values (every
    word of every `translate` key path but the keys a page shows in its head), for `ui.pot`."""
    labels = []
    for collection in sorted(config.collections):
        for pattern in config.collection(collection).translate:
            for key in re.sub(r"\[[^\]]*\]", "", pattern).split("."):
                if key and key not in SHOWN_ELSEWHERE and key_label(key) not in labels:
                    labels.append(key_label(key))
    return labels
