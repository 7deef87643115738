"""Which characters a text may hold: the one rule for articles and catalogs.

XML 1.0 has no way to carry the C0 control characters other than tab, line feed and carriage
return, the noncharacters U+FFFE and U+FFFF, or lone surrogates (U+D800–U+DFFF): a feed or a
sitemap holding one is not XML, and readers refuse it. They reach a source through invisible
pasted bytes, YAML escapes ("\\x01", "\\ud800") or PO escapes ("\\a", "\\001", "\\x0b"), so they are
refused where a text enters the pipeline, with the line they are on. Standard library only."""

from __future__ import annotations

import re

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
HINT = ("delete it (most editors do not show it); write a tab or a line break if one was meant, "
        "and check escapes such as \\x01, \\a or \\ud800")


def first_forbidden(text: str) -> re.Match[str] | None:
    """Where `text` holds its first character that XML forbids, if anywhere."""
    return FORBIDDEN.search(text)


def character_problem(char: str) -> str:
    """A sentence naming one forbidden character as U+XXXX and saying why it is refused."""
    code = ord(char)
    kind = ("a control character" if code < 0x20 else
            "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a noncharacter")
    return f"U+{code:04X} ({kind}) is a character XML forbids: no page, feed or sitemap can carry it"


def encoded_surrogate(data: bytes, start: int) -> str | None:
    """The lone surrogate that the bytes at `start` encode (ED A0 80 is U+D800), if they do: strict
    UTF-8 decoding refuses them as invalid bytes, which they are, but naming the character helps."""
    try:
        char = data[start:start + 3].decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return None
    return char if len(char) == 1 and 0xD800 <= ord(char) <= 0xDFFF else None
