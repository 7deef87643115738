"""What `pipeline check` says about real, published Khmer translations.

Each set of real English/Khmer pairs in `corpora/real-articles` is imported into a throw-away
project (as `tests/import_fidelity.py` does), and every translated unit of every catalog is
checked, fuzzy ones included (an import marks a pair fuzzy when it doubts the pairing, and a
false alarm there is still a false alarm). The report counts the findings per set and per code;
`--show CODE` prints each finding of that code with its source and translation, which is how a
reviewer decides whether it is a real difference or a fault of the check.

Run: `.venv/bin/python tests/check_corpus.py [--corpora DIR] [--json] [--show CODE]`.
`tests/test_check_corpus.py` asserts ceilings on these counts.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: tests/ holds the helper modules
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_fidelity import SETS, _config, _replace_site_schemes, corpora_dir  # noqa: E402

from pipeline.checks import check_catalog  # noqa: E402
from pipeline.khmer import KHMER_DIGITS, to_khmer_digits  # noqa: E402
from pipeline.khmer.number_match import compare_numbers, number_mentions  # noqa: E402
from pipeline.khmer.number_words import ARTICLE, DIGITS, ENGLISH, KHMER, TENS, UNIT  # noqa: E402
from pipeline.khmer.words import WordBreaker  # noqa: E402
from pipeline.commands.importer import import_site  # noqa: E402
from pipeline.markdown import InlineReader  # noqa: E402
from pipeline.model import Catalog, Diagnostic, Message  # noqa: E402
from pipeline.po import parse_po  # noqa: E402


@dataclass(frozen=True)
class Finding:
    set: str
    catalog: str
    line: int
    code: str
    severity: str
    message: str
    msgid: str
    msgstr: str
    fuzzy: bool


@dataclass(frozen=True)
class Unit:
    """One translated unit of a real pair: its entry as the import wrote it."""

    set: str
    catalog: str
    message: Message

    @property
    def fuzzy(self) -> bool:
        return self.message.fuzzy


def imported_units(corpora: Path, name: str, workdir: Path) -> list[Unit]:
    """Every translated unit (fuzzy or not) of the set `name`, imported into `workdir`."""
    spec = SETS[name]
    root = workdir / name
    root.mkdir(parents=True, exist_ok=True)
    config = _config(root, spec["collections"])
    import_site(config, corpora / "real-articles" / spec["source"], force=True)
    _replace_site_schemes(config)
    units = []
    for path in sorted(config.locale_dir.rglob("*.po")):
        shown = str(path.relative_to(root))
        catalog = parse_po(path.read_text(encoding="utf-8"), shown)
        units.extend(Unit(name, shown, m) for m in catalog.messages
                     if m.msgstr and not m.obsolete and m.msgid_plural is None)
    return units


def check_units(units: list[Unit], lang: str = "km") -> list[Finding]:
    """The findings of `pipeline check` on each unit, as if it were not fuzzy."""
    reader = InlineReader()
    findings = []
    for unit in units:
        for found in check_unit(unit.message, lang, reader):
            message = unit.message
            findings.append(Finding(unit.set, unit.catalog, message.line, found.code, found.severity, found.message,
                                    message.msgid, message.msgstr, message.fuzzy))
    return findings


def check_unit(message: Message, lang: str = "km", reader: InlineReader | None = None) -> tuple[Diagnostic, ...]:
    """What `check` finds in one translated entry, fuzzy or not (its `# noqa` comments are obeyed)."""
    entry = dataclasses.replace(message, flags=tuple(f for f in message.flags if f != "fuzzy"))
    header = Message("", f"Content-Type: text/plain; charset=UTF-8\nLanguage: {lang}\n"
                     "Plural-Forms: nplurals=1; plural=0;\n")
    found = check_catalog(Catalog(header, (entry,)), "unit.po", lang, ("en", "km"), reader)
    return tuple(f for f in found if not f.code.startswith("po-"))


def measure(corpora: Path | None = None, sets: tuple[str, ...] = tuple(SETS),
            workdir: Path | None = None) -> tuple[list[Unit], list[Finding]]:
    corpora = corpora or corpora_dir()
    with tempfile.TemporaryDirectory() as scratch:
        base = workdir or Path(scratch)
        units = [unit for name in sets for unit in imported_units(corpora, name, base)]
    return units, check_units(units)


def counts(findings: list[Finding]) -> dict[str, dict[str, int]]:
    """{set: {code: findings}}, and the totals under "all"."""
    table: dict[str, Counter] = {}
    for finding in findings:
        table.setdefault(finding.set, Counter())[finding.code] += 1
        table.setdefault("all", Counter())[finding.code] += 1
    return {name: dict(sorted(codes.items())) for name, codes in table.items()}


# --- mutations: is a changed number caught? --------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    unit: Unit
    written: str  # the translation's number as written
    mutated: str  # what replaced it
    msgstr: str  # the mutated translation
    caught: bool


@dataclass(frozen=True)
class Mutations:
    units: int  # real units whose numbers agree and whose translation states a number of the source
    mutations: tuple[Mutation, ...]
    skipped_words: int  # words not changed: they answer only an English `a`/`an`, or the translation says
    # their value more often than the source (a change leaves every number of the source answered)

    @property
    def caught(self) -> int:
        return sum(m.caught for m in self.mutations)


_SIMPLE_KHMER = {w.value: w_text for w_text, w in KHMER.items() if w.part in (UNIT, TENS) and not w.ordinal}
_SIMPLE_ENGLISH = {w.value: w_text for w_text, w in ENGLISH.items()
                   if w.part in (UNIT, TENS) and not w.ordinal and w_text != "muy"}


def mutate_numbers(units: list[Unit], lang: str = "km") -> Mutations:
    """For every unit whose numbers agree, change each number of the translation that answers a
    number of the source, one at a time, to a value the source does not state (digits stay in their
    script: ២០២៥ → ២០២៦; a word becomes another word: បី → បួន), and check the changed entry.

    Number words are soft (see pipeline.khmer.number_match), so two kinds of words are not changed:
    one that answers only an English `a`/`an` (`API មួយ`), and one whose value the translation says
    more often than the source (ពីរ three times for two `two`s: after a change the source's numbers
    are all still answered, and no check that counts could tell)."""
    reader, breaker = InlineReader(), WordBreaker()
    mutations: list[Mutation] = []
    counted, skipped = 0, 0
    for unit in units:
        message = unit.message
        compared = compare_numbers(message.msgid, message.msgstr, breaker)
        if not compared.agree:
            continue
        stated = {m.value for m in number_mentions(message.msgid, breaker)}
        said = Counter(m.value for m in number_mentions(message.msgid, breaker) if m.strength != ARTICLE)
        said_again = Counter(m.value for m in number_mentions(message.msgstr, breaker) if m.strength != ARTICLE)
        sites = [(s, t) for s, t in compared.pairs if t.strength != ARTICLE]
        for source, number in sites:
            surplus = said_again[number.value] > said[number.value]
            if number.strength != DIGITS and (source.strength == ARTICLE or surplus):
                skipped += 1
        sites = [(s, t) for s, t in sites if t.strength == DIGITS or (
            s.strength != ARTICLE and said_again[t.value] <= said[t.value])]
        counted += bool(sites)
        for _source, number in sites:
            written = number.written
            replacement = _changed_number(written, stated, number.strength == DIGITS)
            msgstr = message.msgstr[:number.start] + replacement + message.msgstr[number.end:]
            changed = dataclasses.replace(message, msgstr=msgstr)
            caught = any(f.code == "numbers" for f in check_unit(changed, lang, reader))
            mutations.append(Mutation(unit, written, replacement, msgstr, caught))
    return Mutations(counted, tuple(mutations), skipped)


def _changed_number(written: str, stated: set[str], in_digits: bool) -> str:
    """`written` with its number changed to one that `stated` (the source's values) lacks."""
    if in_digits:  # change the first run of digits, in its own script
        start = next(i for i, ch in enumerate(written) if ch.isdigit())
        end = start
        while end < len(written) and written[end].isdigit() and written[end] in "0123456789" + KHMER_DIGITS:
            end += 1
        khmer = written[start] in KHMER_DIGITS
        value = int(written[start:end].translate(str.maketrans(KHMER_DIGITS, "0123456789")))
        for step in range(1, 100):
            new = str(value + step)
            candidate = written[:start] + (to_khmer_digits(new) if khmer else new) + written[end:]
            if not {m.value for m in number_mentions(candidate)} & stated:
                return candidate
        return candidate
    words = _SIMPLE_ENGLISH if written.isascii() else _SIMPLE_KHMER
    return next(text for value, text in sorted(words.items(), key=lambda item: (item[0] < 2, item[0]))
                if str(value) not in stated and text != written)  # មួយ last: it is also "a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=None)
    parser.add_argument("--set", action="append", choices=tuple(SETS))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", action="append", default=[], metavar="CODE")
    parser.add_argument("--mutate", action="store_true",
                        help="change each number of the translations whose numbers agree; count those caught")
    args = parser.parse_args(argv)
    units, findings = measure(args.corpora, tuple(args.set or SETS))
    if args.mutate:
        return _print_mutations(mutate_numbers(units), args.json)
    if args.json:
        print(json.dumps({"units": len(units), "counts": counts(findings),
                          "findings": [dataclasses.asdict(f) for f in findings
                                       if f.code in args.show or "all" in args.show]},
                         ensure_ascii=False, indent=1))
        return 0
    print(f"{len(units)} translated units")
    for name, codes in counts(findings).items():
        print(f"{name}: {sum(codes.values())} findings " + ", ".join(f"{c} {n}" for c, n in codes.items()))
    for finding in findings:
        if finding.code in args.show or "all" in args.show:
            print(f"\n--- {finding.set} {finding.catalog}:{finding.line} {finding.code}"
                  f"{' (fuzzy)' if finding.fuzzy else ''}: {finding.message}")
            print(f"EN: {finding.msgid}\nKM: {finding.msgstr}")
    return 0


def _print_mutations(found: Mutations, as_json: bool) -> int:
    missed = [m for m in found.mutations if not m.caught]
    if as_json:
        print(json.dumps({"units": found.units, "mutations": len(found.mutations), "caught": found.caught,
                          "skipped_words": found.skipped_words,
                          "missed": [{"catalog": m.unit.catalog, "line": m.unit.message.line, "written": m.written,
                                      "mutated": m.mutated} for m in missed]}, ensure_ascii=False, indent=1))
        return 0
    print(f"{found.units} units whose numbers agree state numbers of the source; {len(found.mutations)} numbers "
          f"changed one at a time, {found.caught} caught; {found.skipped_words} words not changed (they answer only "
          "an English a/an, or the translation says their value more often than the source)")
    for m in missed:
        print(f"\n--- missed {m.unit.set} {m.unit.catalog}:{m.unit.message.line}: {m.written} → {m.mutated}")
        print(f"EN: {m.unit.message.msgid}\nKM: {m.msgstr}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
