"""What a unit of inline Markdown contains (for the translation checks), and how a Markdown
reader reads a unit on its own."""

from __future__ import annotations

from dataclasses import dataclass

from mistune.core import BlockState

from pipeline.markdown.setup import _INLINE_SYNTAX, InlineMemo, _flatten, _markdown, _read_blocks


@dataclass(frozen=True)
class InlineFeatures:
    """The parts of inline Markdown a translation must keep."""

    links: tuple[str, ...]
    images: tuple[str, ...]
    code: tuple[str, ...]
    strong: int
    emphasis: int
    strikethrough: int
    footnotes: tuple[str, ...]
    raw_html: tuple[str, ...]


_NO_FEATURES = InlineFeatures(links=(), images=(), code=(), strong=0, emphasis=0, strikethrough=0,
                              footnotes=(), raw_html=())


class _FootnoteKeys(dict):
    """Pretends every footnote key is defined, so `[^n]` in a lone unit parses as a reference."""

    def __contains__(self, key: object) -> bool:
        return True

    def __bool__(self) -> bool:
        return True


class InlineReader:
    """Reads units of inline Markdown (their InlineFeatures, or their tokens) with one mistune
    parser. Create one for a batch of texts (a catalog, or every catalog a process reads) and keep
    it to one thread. With a `memo`, the tokens it parses are kept there, for a `Renderer` given
    the same memo (see `InlineMemo`)."""

    def __init__(self, memo: InlineMemo | None = None) -> None:
        self._md = _markdown(memo=memo)

    def features(self, text: str) -> InlineFeatures:
        """The links, images, code spans, emphasis, footnotes and raw HTML of a unit."""
        if _INLINE_SYNTAX.search(text) is None:
            return _NO_FEATURES  # plain text: one text token
        found: dict[str, list] = {"links": [], "images": [], "code": [], "footnotes": [], "raw_html": []}
        counts = {"strong": 0, "emphasis": 0, "strikethrough": 0}
        env = {"ref_links": {}, "ref_footnotes": _FootnoteKeys()}
        for token in _flatten(self._md.inline(text, env)):
            kind = token["type"]
            if kind == "link":
                found["links"].append(token["attrs"]["url"])
            elif kind == "image":
                found["images"].append(token["attrs"]["url"])
            elif kind == "codespan":
                found["code"].append(token["raw"])
            elif kind == "footnote_ref":
                found["footnotes"].append(token["raw"])
            elif kind == "inline_html":
                found["raw_html"].append(token["raw"])
            elif kind in counts:
                counts[kind] += 1
        return InlineFeatures(**{k: tuple(v) for k, v in found.items()}, **counts)

    def blocks(self, text: str) -> BlockState:
        """`text` as a Markdown reader reads it on its own: its block tokens, each block's inline
        tokens as its `children` (every footnote reference counts as defined)."""
        state = _read_blocks(self._md, text, {"ref_links": {}, "ref_footnotes": _FootnoteKeys()})
        for token in _flatten(state.tokens):
            if "text" in token:
                token["children"] = self._md.inline(token.pop("text"), state.env)
        return state


def inline_features(text: str, reader: InlineReader | None = None) -> InlineFeatures:
    """The links, images, code spans, emphasis, footnotes and raw HTML of a unit of inline
    Markdown; pass a `reader` when reading many texts."""
    return (reader or InlineReader()).features(text)
