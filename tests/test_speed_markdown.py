"""The Markdown shortcuts that change no token: the next emphasis marker found by a regex where
mistune looks at one character at a time, and a token tree walked by one generator instead of a
generator per level. Each is held to the plain definition it replaces."""

from __future__ import annotations

import re
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.markdown import InlineReader, safe
from pipeline.markdown.setup import _flatten, _next_delimiter_run


def reference_delimiter_run(text: str, pos: int) -> int:
    """mistune's own: the first `*` or `_` at or after `pos`, one character after another."""
    while pos < len(text) and text[pos] not in "*_":
        pos += 1
    return pos


def reference_flatten(tokens: list[dict]) -> list[dict]:
    found = []
    for token in tokens:
        found.append(token)
        found += reference_flatten(token.get("children", []))
    return found


TEXT = st.text(alphabet=st.sampled_from("ab *_\\\nក្ខ"), max_size=30)


@settings(max_examples=500, deadline=None)
@given(TEXT, st.integers(min_value=0, max_value=35))
def test_the_next_emphasis_marker_is_mistunes(text: str, pos: int) -> None:
    assert _next_delimiter_run(text, pos) == reference_delimiter_run(text, pos)


TOKENS = st.recursive(st.builds(lambda kind: {"type": kind}, st.sampled_from(["text", "codespan"])),
                      lambda inner: st.builds(lambda kids: {"type": "emphasis", "children": kids},
                                              st.lists(inner, max_size=3)), max_leaves=20)
TREES = st.lists(TOKENS, max_size=4)


@settings(max_examples=300, deadline=None)
@given(TREES)
def test_a_token_tree_is_walked_each_token_before_its_children(tokens: list[dict]) -> None:
    assert [id(token) for token in _flatten(tokens)] == [id(token) for token in reference_flatten(tokens)]


def test_children_given_to_a_token_while_it_is_walked_are_walked() -> None:
    tokens = [{"type": "paragraph", "text": "a"}, {"type": "heading", "text": "b"}]
    seen = []
    for token in _flatten(tokens):
        seen.append(token["type"])
        if "text" in token:
            token["children"] = [{"type": "text", "raw": token.pop("text")}]
    assert seen == ["paragraph", "text", "heading", "text"]


# Translations as they come: links and images to paths, hosts and schemes (spelled with character
# references, backslashes, tabs and line breaks too), raw HTML, reference definitions, emphasis.
MARKDOWN_PIECES = st.sampled_from([
    "[a](/x/)", "[a](../b.md)", "![i](img.png)", "[a](x//y)", "[a](//evil.example)", "[a](\\\\evil)",
    "[a](javascript:alert)", "[a](javascript&#58;x)", "[a](https://e.example)", "[r]", "[r]: /u", "[r]: data:x",
    "<b>", "</b>", "<div>", "www.example.com", "http://e.example", "**", "*", "_", "`c`", "\\", "&amp;", ":",
    "/", "//", "\t", "\n", "\n\n", " ", "a", "ក", "# ", "> ", "- ", "1. ", "|", "[", "]", "(", ")",
])
TRANSLATIONS = st.lists(MARKDOWN_PIECES, max_size=14).map("".join)
READER = InlineReader()


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(["[a](/x/) <b>b</b>", "plain", "![i](img.png)"]), TRANSLATIONS, st.booleans())
def test_a_translation_without_html_or_hosts_or_schemes_is_kept_as_the_full_reading_keeps_it(
        source: str, text: str, blocks: bool) -> None:
    found = safe.without_untrusted_html(READER, source, text, blocks)
    with mock.patch.object(safe, "_MAY_BE_UNSAFE", re.compile("")):  # every text read as blocks
        assert safe.without_untrusted_html(READER, source, text, blocks) == found
