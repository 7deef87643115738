"""Which URLs an article may carry: the one rule for links, images and URL-valued front matter.

A URL is read as a browser reads it (tabs and line breaks inside it dropped, spaces and control
characters at its ends ignored, a backslash counted as a slash), so that `java&#9;script:` or
`/\\evil.example` cannot pass for something else. Allowed: paths in this site (relative, `/…`,
`#…`, `?…`), content assets (`@/…`), and `http`, `https`, `mailto` and `tel` URLs. Standard
library only."""

from __future__ import annotations

import re

ALLOWED_SCHEMES = ("http", "https", "mailto", "tel")

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_DROPPED = re.compile(r"[\t\n\r]")  # removed from anywhere in a URL by the WHATWG URL parser
_EDGES = "".join(chr(c) for c in range(0x21))  # C0 controls and space: trimmed from both ends


def browser_form(url: str) -> str:
    """The URL as a browser's URL parser starts from (before it resolves anything)."""
    return _DROPPED.sub("", url.strip(_EDGES)).replace("\\", "/")


def url_problem(url: str) -> str | None:
    """Why `url` may not be published (a sentence), or None when it is allowed."""
    seen = browser_form(url)
    if seen.startswith("//"):
        return (f"{url!r} names another host without a scheme; write it in full, with https://, "
                "or as a path in this site")
    found = _SCHEME.match(seen)
    if found is None:
        return None  # a path in this site, an @/ asset, a #fragment or a ?query
    if found.group(1).lower() in ALLOWED_SCHEMES:
        return None
    return (f"{url!r} uses the {found.group(1).lower()}: scheme; links and images may only be paths in "
            f"this site, @/ assets, or {', '.join(s + ':' for s in ALLOWED_SCHEMES)} URLs")


def is_external(url: str) -> bool:
    """Whether an allowed URL points outside this site (it has a scheme)."""
    return _SCHEME.match(browser_form(url)) is not None
