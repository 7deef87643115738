"""An independent reader agrees with ours: every catalog the pipeline writes, and every real Khmer
catalog in the corpora, reads the same in polib (the PO library Python tools such as Sphinx's
translators and many Weblate add-ons use) as in `pipeline.po`: each entry's context, source,
translation, plural forms, flags, comments, references, previous source and obsolete mark."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings

from pipeline.model import Catalog, Message
from pipeline.po import decode_po, format_po, parse_po
from test_po import catalogs, corpus_po_files

polib = pytest.importorskip("polib", reason="polib is a test dependency (pip install -e '.[test]')")


def as_polib_sees(message: Message) -> tuple:
    """What polib reads of an entry, from our record of it (polib 1.2 does not read the previous
    source of an obsolete entry, `#~| msgid`: it is left out there)."""
    plural = {n: text for n, text in enumerate(message.msgstr_plural)} if message.msgid_plural is not None else {}
    references = sorted(_reference(r) for r in message.references)
    previous = (None, None) if message.obsolete else (message.previous_msgid, message.previous_msgctxt)
    return (message.msgctxt, message.msgid, message.msgid_plural or "", message.msgstr, plural,
            sorted(message.flags), _comment(message.extracted_comments), _comment(message.translator_comments),
            references, *previous, message.obsolete)


def _comment(lines) -> str:
    """Comment lines as polib joins them (it leaves out the empty ones)."""
    return "\n".join(line for line in lines if line.strip())


def _reference(reference: str) -> tuple[str, str]:
    name, _, line = reference.rpartition(":")
    return (name, line) if line.isdigit() else (reference, "")


def polib_entry(entry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural, entry.msgstr,
            {int(n): text for n, text in entry.msgstr_plural.items()}, sorted(entry.flags),
            _comment(entry.comment.split("\n")), _comment(entry.tcomment.split("\n")),
            sorted((name, line or "") for name, line in entry.occurrences),
            entry.previous_msgid, entry.previous_msgctxt, bool(entry.obsolete))


def read_by_polib(text: str) -> list[tuple]:
    return [polib_entry(e) for e in polib.pofile(text, wrapwidth=79) if e.msgid or e.msgctxt]


def read_by_us(catalog: Catalog) -> list[tuple]:
    return [as_polib_sees(m) for m in catalog.messages]


def _without_spaced_references(catalog: Catalog) -> Catalog:
    """polib 1.2 splits `#:` lines at every space: file names with spaces are left out."""
    return dataclasses.replace(catalog, messages=tuple(
        dataclasses.replace(m, references=tuple(r for r in m.references if " " not in r)) for m in catalog.messages))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(catalog=catalogs().map(_without_spaced_references))
def test_what_we_write_polib_reads_as_we_meant_it(catalog: Catalog) -> None:
    text = format_po(catalog)
    assert read_by_polib(text) == read_by_us(catalog)


@pytest.mark.parametrize("path", corpus_po_files() or [None], ids=lambda p: p.name if p else "no-corpora")
def test_real_khmer_catalogs_read_the_same_in_polib_and_in_ours(path) -> None:
    if path is None:
        pytest.skip("the km-po corpus is not in ../shared/corpora")
    text = decode_po(path.read_bytes(), path.name)
    ours = parse_po(text, path.name)
    assert read_by_polib(text) == read_by_us(ours)
    assert len(ours.messages) > 20


def test_the_sample_sites_catalogs_read_the_same_in_polib(sample_catalogs) -> None:
    for path in sample_catalogs:
        text = path.read_text(encoding="utf-8")
        assert read_by_polib(text) == read_by_us(parse_po(text, path.name)), path


@pytest.fixture
def sample_catalogs():
    from conftest import REPO

    found = sorted((REPO / "locale").rglob("*.po")) + sorted((REPO / "locale").rglob("*.pot"))
    assert len(found) >= 10
    return found
