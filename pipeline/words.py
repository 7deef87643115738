"""Word counts for translator workload and reading time."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_MARKUP = re.compile(r"`[^`]*`|\]\([^)]*\)|<[^>]+>|https?://\S+")


def count_words(text: str) -> int:
    """Words a translator reads in a unit of inline Markdown (URLs, code and markup not counted)."""
    return len(_WORD.findall(_MARKUP.sub(" ", text)))
