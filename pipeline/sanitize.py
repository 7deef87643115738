"""The last word on what HTML a page body may hold: an allow-list applied by a real HTML parser.

Owns nh3, the Python binding of the Rust `ammonia` sanitizer, which parses with html5ever (the
HTML5 parsing algorithm a browser uses, so markup hidden in attribute values, CDATA, comments,
SVG or MathML is read as a browser would read it) and writes back only allowed elements and
attributes, with URLs limited to the schemes `pipeline.urls` allows. Every article body, in every
language, goes through `clean_body` after Markdown rendering; what mistune produces is allowed,
so a body without raw HTML comes out as it went in, up to serialisation (`<br />` → `<br>`)."""

from __future__ import annotations

from html.parser import HTMLParser

import nh3

from pipeline.urls import ALLOWED_SCHEMES, url_problem

# Structure and phrasing elements an article may use. No scripting, embedding, forms, styling
# elements or document-level elements (base, meta, link), whatever their attributes.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
})

# Removed with everything inside them (their text is no content a reader should see).
DROPPED_WITH_CONTENT = frozenset({"script", "style"})

ALLOWED_ATTRIBUTES = {
    "*": {"class", "dir", "id", "lang", "title"},
    "a": {"href", "hreflang"},
    "img": {"alt", "height", "src", "width"},
    "ol": {"reversed", "start"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "input": {"checked", "disabled"},  # task-list boxes; `type` is limited below
}

# Attributes that may hold only these values.
ALLOWED_VALUES = {"input": {"type": {"checkbox"}}}

ALLOWED_STYLE_PROPERTIES = frozenset({"text-align"})  # table column alignment, as mistune writes it


class Sanitizer:
    """The allow-list, ready to apply to many bodies (setting it up costs more than cleaning a page:
    make one per process, as `site.Tools` does)."""

    def __init__(self) -> None:
        self._cleaner = nh3.Cleaner(
            tags=set(ALLOWED_TAGS),
            clean_content_tags=set(DROPPED_WITH_CONTENT),
            attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
            tag_attribute_values={tag: {name: set(values) for name, values in found.items()}
                                  for tag, found in ALLOWED_VALUES.items()},
            url_schemes=set(ALLOWED_SCHEMES),
            filter_style_properties=set(ALLOWED_STYLE_PROPERTIES),
            strip_comments=True,
            link_rel=None,
        )

    def clean(self, html: str) -> str:
        """`html` (a page body fragment) with everything outside the allow-list removed."""
        return self._cleaner.clean(html)


def clean_body(html: str, sanitizer: Sanitizer | None = None) -> str:
    """`html` with everything outside the allow-list removed (`sanitizer`: one to reuse)."""
    return (sanitizer or Sanitizer()).clean(html)


def removed_markup(html: str) -> tuple[str, ...]:
    """What the allow-list takes out of a piece of raw HTML, for an editor to read: `<iframe>`,
    `onclick on <img>`, `href on <a> (javascript: URL)`. Read with the standard library's HTML
    tokenizer: it explains, while `Sanitizer` decides."""
    reader = _StartTags()
    reader.feed(html)
    reader.close()
    removed = []
    for tag, attributes in reader.tags:
        if tag not in ALLOWED_TAGS:
            removed.append(f"<{tag}>")
            continue
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set())
        for name, value in attributes:
            limited = ALLOWED_VALUES.get(tag, {}).get(name)
            if limited is not None and (value or "") in limited:
                continue
            if name not in allowed:
                removed.append(f"{name} on <{tag}>")
            elif name in _URL_ATTRIBUTES and value and url_problem(value):
                removed.append(f"{name} on <{tag}> (not an allowed URL)")
    return tuple(dict.fromkeys(removed))


_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})


class _StartTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
