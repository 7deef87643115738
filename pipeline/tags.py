"""Tags: the front matter's `tags`, each tag's slug (its page's folder) and English label (its msgid
in the `ui` catalog, translated once for the whole site).

    tags: [digital-skills, Training, ឌីជីថល]   →   slugs digital-skills, training, ឌីជីថល

A slug is the tag in lower case (case-folded: `Straße` and `STRASSE` are one tag), with each run of
anything that is not a letter, a mark or a digit turned into `-` (invisible format characters, such
as zero-width spaces, dropped): Khmer keeps its letters and signs. Two tags with one slug are one
tag, shown by one label made from the slug."""

from __future__ import annotations

import unicodedata
from typing import Any, Iterable, Mapping
from urllib.parse import quote

TAGS_KEY = "tags"
TAGS_FOLDER = "tags"  # <lang>/tags/: the index of the tags, and a page per tag (<lang>/tags/<slug>/)
MAX_TAG_CHARS = 60  # a longer tag is refused: its folder name would near the file systems' 255 bytes


def tag_slug(text: str) -> str:
    """`Digital Skills` → `digital-skills`; "" when the text has no letter, mark or digit."""
    slug, gap = [], False
    for char in unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold()):
        kind = unicodedata.category(char)
        if kind == "Cf":
            continue
        if kind[0] in "LMN":
            if gap and slug:
                slug.append("-")
            slug.append(char)
            gap = False
        else:
            gap = True
    return "".join(slug)


def tag_label(slug: str) -> str:
    """The English label of a tag, also its msgid: `digital-skills` → "Digital skills" (as
    collection names are shown)."""
    return slug.replace("-", " ").capitalize()


def tag_problem(value: Any) -> str | None:
    """Why one value of the `tags` list cannot be a tag, or None."""
    if not isinstance(value, str):
        return None if value is None else "is not text"
    if len(value) > MAX_TAG_CHARS:
        return f"is {len(value)} characters long; a tag has at most {MAX_TAG_CHARS}"
    if not tag_slug(value):
        return f"{value!r} has no letter or digit to name its page"
    return None


def written_tags(value: Any) -> list | None:
    """The values of the front matter's `tags` as written: a list, or one text as one tag
    (`tags: training`); None when it is neither."""
    if isinstance(value, str):
        return [value]
    return value if isinstance(value, list) else None


def tags_of(metadata: Mapping[str, Any]) -> tuple[str, ...]:
    """The slugs of an article's tags, each once, in the order written; values that cannot be tags
    (the front matter's check reports them) are left out."""
    found = written_tags(metadata.get(TAGS_KEY)) or ()
    usable = (value for value in found if value is not None and tag_problem(value) is None)
    return tuple(dict.fromkeys(tag_slug(value) for value in usable))


def site_tags(each: Iterable[Iterable[str]]) -> tuple[str, ...]:
    """Every tag of a set of articles (their slugs), sorted."""
    return tuple(sorted({slug for slugs in each for slug in slugs}))


def tag_folder(lang: str, slug: str) -> str:
    """The site path of a tag's page in a language: `/km/tags/ឌីជីថល/` (not encoded: a file's path)."""
    return f"/{lang}/{TAGS_FOLDER}/{slug}/"


def tag_url(lang: str, slug: str) -> str:
    """The URL of a tag's page: its site path, percent-encoded (`/km/tags/%E1%9E%8C…/`)."""
    return quote(tag_folder(lang, slug))
