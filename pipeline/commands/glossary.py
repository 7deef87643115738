"""`pipeline glossary`: the project's glossary read from its file (`glossary.csv`, the `glossary`
setting), where each term is used in the Khmer catalogs and how often the translations follow it,
TBX export and import (for Weblate's glossary), and candidate terms mined from the translations."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from pipeline.config import Config
from pipeline.disk.files import write_atomic
from pipeline.disk.saves import write_unless_changed
from pipeline.disk.layout import catalog_path, target_languages
from pipeline.disk.project import load_articles, read_catalog
from pipeline.disk.scan import read_regular
from pipeline.errors import PipelineError
from pipeline.glossary import (Glossary, Term, english_variants, glossary_csv, glossary_tbx, merged, read_glossary_csv,
                               terms_from_tbx, uses)
from pipeline.glossary_suggest import Suggestion, suggest_terms
from pipeline.model import Catalog, Diagnostic

GLOSSARY_LANGUAGE = "km"  # the glossary gives the Khmer of English terms


def load_glossary(config: Config) -> Glossary | None:
    """The project's glossary, or None when its file does not exist (a PipelineError when it is broken)."""
    data = _glossary_bytes(config)
    return None if data is None else read_glossary_csv(data, config.relative(config.glossary))


def _glossary_bytes(config: Config) -> bytes | None:
    try:
        return read_regular(config.glossary)
    except FileNotFoundError:
        return None


def _required(config: Config) -> Glossary:
    glossary = load_glossary(config)
    if glossary is None:
        raise PipelineError(Diagnostic(config.relative(config.glossary), 0, "usage", "there is no glossary file",
                                       hint="write one with the columns English,Khmer,Note, or `pipeline glossary "
                                            "import FILE.tbx`; the `glossary` setting of [tool.pipeline] names it"))
    return glossary


# --- where each term is used -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A translated unit that uses a term: its catalog, line, and whether it follows the glossary."""

    catalog: str
    line: int
    followed: bool


@dataclass(frozen=True)
class TermUse:
    term: Term
    places: tuple[Place, ...]

    @property
    def followed(self) -> int:
        return sum(1 for place in self.places if place.followed)

    def as_dict(self) -> dict:
        return {"english": self.term.english, "khmer": list(self.term.khmer), "note": self.term.note,
                "line": self.term.line, "units": len(self.places), "followed": self.followed,
                "places": [{"catalog": p.catalog, "line": p.line, "followed": p.followed} for p in self.places]}


@dataclass(frozen=True)
class Listing:
    """Every term with the translated units that use it; the catalogs that could not be read."""

    glossary: str
    terms: tuple[TermUse, ...]
    findings: tuple[Diagnostic, ...] = ()


def translated_units(config: Config) -> tuple[list[tuple[str, Catalog]], list[Diagnostic]]:
    """The Khmer catalog of every article written in English (its shown path and contents), and the
    errors of those that cannot be read."""
    found, problems = [], []
    for article in load_articles(config):
        if GLOSSARY_LANGUAGE not in target_languages(config, article) or article.lang != "en":
            continue
        path = catalog_path(config, GLOSSARY_LANGUAGE, article.id)
        try:
            catalog = read_catalog(config, path)
        except PipelineError as error:
            problems.extend(error.diagnostics)
            continue
        if catalog is not None:
            found.append((config.relative(path), catalog))
    return found, problems


def _translated(catalog: Catalog):
    return (m for m in catalog.messages if m.msgstr and not m.obsolete and not m.fuzzy and m.msgid_plural is None)


def glossary_listing(config: Config) -> Listing:
    """Each term of the glossary and the translated units of the Khmer catalogs that use it."""
    glossary = _required(config)
    places: dict[str, list[Place]] = {term.key: [] for term in glossary.terms}
    found, problems = translated_units(config)
    for shown, catalog in found:
        for message in _translated(catalog):
            for use in uses(glossary, message.msgid, message.msgstr):
                places[use.term.key].append(Place(shown, message.line, use.followed))
    return Listing(glossary.shown, tuple(TermUse(term, tuple(places[term.key])) for term in glossary.terms),
                   tuple(problems))


def listing_lines(listing: Listing, verbose: bool = False) -> Iterable[str]:
    """The listing as text: a line per term, then the places (all with `verbose`, else those that
    do not follow the glossary)."""
    for use in listing.terms:
        term = use.term
        counts = f"{len(use.places)} unit(s), {use.followed} follow" if use.places else "not used"
        yield f"{term.english} → {' | '.join(term.khmer)}  ({counts})"
        for place in use.places:
            if verbose or not place.followed:
                yield f"  {place.catalog}:{place.line}" + ("" if place.followed else "  (other Khmer)")


# --- TBX ------------------------------------------------------------------------------------------------------


def export_tbx(config: Config, out: Path) -> int:
    """Write the glossary as TBX to `out` (atomically); the number of terms written."""
    glossary = _required(config)
    write_atomic(out, glossary_tbx(glossary))
    return len(glossary.terms)


@dataclass(frozen=True)
class Imported:
    """What `pipeline glossary import` did: terms added, terms that gained Khmer or a note, concepts
    of the TBX file skipped for lacking an English or a Khmer term."""

    glossary: str
    added: tuple[str, ...]
    extended: tuple[str, ...]
    incomplete: int
    terms: int  # terms in the glossary now

    def as_dict(self) -> dict:
        return {"glossary": self.glossary, "added": list(self.added), "extended": list(self.extended),
                "incomplete": self.incomplete, "terms": self.terms}

    @property
    def summary(self) -> str:
        return (f"glossary: {len(self.added)} term(s) added, {len(self.extended)} given more Khmer or a note, "
                f"{self.incomplete} concept(s) without English or Khmer skipped; {self.terms} in {self.glossary}")


def import_tbx(config: Config, source: Path) -> Imported:
    """Merge the terms of a TBX file into the glossary file (created when missing), written
    atomically: no row is dropped, no Khmer term lost."""
    shown = config.relative(source.resolve()) if source.is_absolute() else source.as_posix()
    found = terms_from_tbx(read_regular(source), shown)
    before = _glossary_bytes(config)
    existing = None if before is None else read_glossary_csv(before, config.relative(config.glossary))
    result = merged(existing or Glossary(shown=config.relative(config.glossary)), found.terms)
    if result.added or result.extended or existing is None:
        data = glossary_csv(result.glossary)
        read_glossary_csv(data, result.glossary.shown)  # what is written reads back (else nothing is written)
        if not write_unless_changed(config.glossary, data, before):
            raise PipelineError(Diagnostic(result.glossary.shown, 0, "changed", "the glossary was saved while the "
                                           "import ran; nothing was written, so that save is kept",
                                           hint=f"run `pipeline glossary import {shown}` again"))
    return Imported(result.glossary.shown, result.added, result.extended, found.incomplete,
                    len(result.glossary.terms))


# --- suggestions ----------------------------------------------------------------------------------------------


def suggestions(config: Config, limit: int = 30) -> tuple[Suggestion, ...]:
    """Candidate term pairs mined from the translated units of the Khmer catalogs, best first,
    leaving out the terms the glossary has (and their plurals)."""
    glossary = load_glossary(config)
    found, _problems = translated_units(config)
    pairs = [(m.msgid, m.msgstr) for _shown, catalog in found for m in _translated(catalog)]
    known = [variant for term in glossary.terms for variant in english_variants(term.english)] if glossary else []
    return suggest_terms(pairs, known, limit=limit)


def suggestion_dict(suggestion: Suggestion) -> dict:
    return {"english": suggestion.english, "khmer": suggestion.khmer, "units": suggestion.units,
            "score": round(suggestion.score, 4), "examples": [list(pair) for pair in suggestion.examples]}


def suggestion_lines(found: Iterable[Suggestion]) -> list[str]:
    """A line per candidate (its counts) and its first example pair, indented."""
    lines = []
    for rank, suggestion in enumerate(found, 1):
        lines.append(f"{rank:>3}. {suggestion.english} → {suggestion.khmer}  ({suggestion.units} unit(s), "
                     f"score {suggestion.score:.2f})")
        if suggestion.examples:
            english, khmer = suggestion.examples[0]
            lines += [f"       e.g. {_clipped(english)}", f"            {_clipped(khmer)}"]
    return lines


def _clipped(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"
