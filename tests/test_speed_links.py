"""Link targets and file names read with string operations are what pathlib reads: the article a
relative link names, and whether a link names a file to copy."""

from __future__ import annotations

import posixpath
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.links import PAGE_SUFFIXES, is_site_local, link_target, names_a_file

SEGMENTS = st.sampled_from(["news", "a", "b-c", "x.y", "ខេត្ត", "2024"])
IDS = st.lists(SEGMENTS, min_size=1, max_size=3).map("/".join)
URL_PIECES = st.sampled_from(["..", ".", "", "news", "x.md", "y.markdown", "index.html", "a.pdf", "a.", ".hidden",
                              "b.PDF", "%2E%2E", "c#frag", "d?q=1", "e.tar.gz", "..."])
URLS = st.lists(URL_PIECES, max_size=5).map("/".join)


def reference_target(article_id: str, url: str) -> str:
    """The relative link's article as pathlib joins it (the absolute ones never met pathlib)."""
    path = unquote(urlsplit(url).path)
    target = posixpath.normpath((PurePosixPath(article_id).parent / path).as_posix())
    for suffix in (".md", ".markdown", "/index.html", "/"):
        if target.endswith(suffix):
            target = target[: -len(suffix)]
    return target.lower()


@settings(max_examples=500, deadline=None)
@given(IDS, URLS)
def test_a_relative_link_names_the_article_pathlib_finds(article_id: str, url: str) -> None:
    if is_site_local(url) and not unquote(urlsplit(url).path).startswith("/"):
        assert link_target(article_id, url, ("en", "km")) == reference_target(article_id, url)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["", "/", "../", "/files/", "https://e.example/"]), URLS)
def test_a_link_names_a_file_as_pathlib_reads_its_suffix(prefix: str, url: str) -> None:
    name = unquote(urlsplit(prefix + url).path).rsplit("/", 1)[-1]
    assert names_a_file(prefix + url) == (PurePosixPath(name).suffix.lower() not in PAGE_SUFFIXES)
