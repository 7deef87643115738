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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=None)
    parser.add_argument("--set", action="append", choices=tuple(SETS))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", action="append", default=[], metavar="CODE")
    args = parser.parse_args(argv)
    units, findings = measure(args.corpora, tuple(args.set or SETS))
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


if __name__ == "__main__":
    sys.exit(main())
