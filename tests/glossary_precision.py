"""How often `pipeline glossary suggest` is right on a real site: the ministry's CTC site.

The set `mptc-ctc-website` of `corpora/real-articles` is imported into a throw-away project (as
`tests/check_corpus.py` does), every translated (msgid, msgstr) of its Khmer catalogs is collected
(fuzzy ones included: the import marks a pair fuzzy when it doubts the pairing, and the miner has
to cope with that), and `suggest_terms(..., limit=30)` runs on them.

Each of the 30 suggestions was judged by reading it with its example units (`--examples`): it is
right when its Khmer is a correct and complete equivalent of the English term as the site uses it
(the site's own spelling of a name counts, a misspelt English label whose Khmer is right counts),
and wrong when the Khmer is a fragment of the term, holds a neighbouring word, or is not a correct
equivalent even if it is what the site wrote. JUDGED holds those judgments; precision is the share
of the suggestions that are judged right. A suggestion not in JUDGED (after the miner changed) is
reported as unjudged and counts as not right until someone judges it.

Run: `.venv/bin/python tests/glossary_precision.py [--set NAME] [--limit N] [--examples]`.
`tests/test_glossary_suggest.py` asserts a floor under this precision.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: tests/ holds the helper modules
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_corpus import imported_units  # noqa: E402
from import_fidelity import SETS, corpora_dir  # noqa: E402

from pipeline.glossary_suggest import Suggestion, suggest_terms  # noqa: E402

MEASURED_SET = "mptc-ctc-website"
LIMIT = 30


@dataclass(frozen=True)
class Judgment:
    english: str
    khmer: str
    right: bool
    reason: str = ""  # why a wrong one is wrong


# The top 30 on the CTC site, judged by reading each with its units (see the module docstring).
JUDGED = (
    Judgment("C.T.C.", "ម.ប.ស.", True),  # Community Tech Center, មជ្ឈមណ្ឌលបច្ចេកវិទ្យាសហគមន៍: both abbreviated
    Judgment("High School", "វិទ្យាល័យ", True),
    Judgment("Member", "សមាជិក", True),
    Judgment("Chair", "ប្រធាន", True),
    Judgment("Management Committee", "គ្រប់គ្រង", False,
             "a fragment: គ្រប់គ្រង is 'management'; the site writes គណៈគ្រប់គ្រង (and គណៈកម្មការគ្រប់គ្រង)"),
    Judgment("Takeo Province", "ខេត្តតាកែវ", True),
    Judgment("Commune", "ឃុំ", True),
    Judgment("Representative", "តំណាង", True),
    Judgment("Teacher", "គ្រូ", True),
    Judgment("Sok An", "សុខ អាន", True),  # the name the schools bear, as the site spells it
    Judgment("Digital Technology", "បច្ចេកវិទ្យាឌីជីថល", True),
    Judgment("Ministry of Posts and Telecommunications", "ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍", True),
    Judgment("Hun Sen", "ហ៊ុន សែន", True),
    Judgment("Computer", "កុំព្យូទ័រ", True),
    Judgment("Vice-chair", "អនុប្រធាន", True),
    Judgment("Assistant Teacher", "គ្រូ ជំនួយ", True),
    Judgment("Chair of the School Management Committee", "ប្រធានគណៈកម្មការគ្រប់គ្រងសាលារៀន", True),
    Judgment("Commune Administrative Representative", "តំណាងរដ្ឋបាលឃុំ សង្កាត់", True),
    Judgment("Honorary Chair", "ប្រធានកិត្តិយស", True),
    Judgment("Post Office", "ការិយាល័យប្រៃសណីយ៍", True),
    Judgment("Principal of the High School", "នាយកវិទ្យាល័យ", True),
    Judgment("Public Hall", "សាលាធម្មតា", False,
             "the site's own pairing, but សាលាធម្មតា is 'ordinary hall'; public is សាធារណៈ"),
    Judgment("Traning Room", "បន្ទប់បណ្តុះបណ្តាល", True),  # 'training room'; the English label is misspelt
    Judgment("District", "ស្រុក", True),
    Judgment("Village", "ភូមិ", True),
    Judgment("Community Tech Center", "មជ្ឈមណ្ឌលបច្ចេកវិទ្យាសហគមន៍", True),
    Judgment("H.E.", "ឯកឧត្ដម", True),  # the honorific, spelt with subscript DA as the site writes it
    Judgment("Deputy Director", "នាយករង", True),
    Judgment("Digital Technology Teacher", "គ្រូបង្រៀនបច្ចេកវិទ្យាឌីជីថល", True),
    Judgment("Technology Teacher", "ឌីជីថល", False,
             "a neighbouring word: ឌីជីថល is 'digital' (of Digital Technology Teacher), not 'technology teacher'"),
)


@dataclass(frozen=True)
class Precision:
    suggestions: tuple[Suggestion, ...]
    judgments: tuple[Judgment | None, ...]  # one per suggestion, None when not judged
    seconds: float  # how long suggest_terms took
    cpu_seconds: float  # of which this process computed (the rest: other processes had the CPU)

    @property
    def right(self) -> int:
        return sum(1 for judgment in self.judgments if judgment is not None and judgment.right)

    @property
    def unjudged(self) -> int:
        return sum(1 for judgment in self.judgments if judgment is None)

    @property
    def share(self) -> float:
        return self.right / len(self.suggestions) if self.suggestions else 0.0


def translated_pairs(corpora: Path, name: str) -> list[tuple[str, str]]:
    """Every translated (msgid, msgstr) of the Khmer catalogs of the set `name`, imported."""
    with tempfile.TemporaryDirectory() as scratch:
        units = imported_units(corpora, name, Path(scratch))
    return [(unit.message.msgid, unit.message.msgstr) for unit in units if Path(unit.catalog).parts[1] == "km"]


def judge(suggestions: tuple[Suggestion, ...], judged: tuple[Judgment, ...] = JUDGED) -> tuple[Judgment | None, ...]:
    table = {(judgment.english, judgment.khmer): judgment for judgment in judged}
    return tuple(table.get((suggestion.english, suggestion.khmer)) for suggestion in suggestions)


def measure(corpora: Path | None = None, name: str = MEASURED_SET, limit: int = LIMIT) -> Precision:
    pairs = translated_pairs(corpora or corpora_dir(), name)
    start, cpu = time.perf_counter(), time.process_time()
    suggestions = suggest_terms(pairs, limit=limit)
    return Precision(suggestions, judge(suggestions), time.perf_counter() - start, time.process_time() - cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=None)
    parser.add_argument("--set", default=MEASURED_SET, choices=tuple(SETS))
    parser.add_argument("--limit", type=int, default=LIMIT)
    parser.add_argument("--examples", action="store_true", help="print each suggestion's example units")
    args = parser.parse_args(argv)
    result = measure(args.corpora, args.set, args.limit)
    for rank, (suggestion, judgment) in enumerate(zip(result.suggestions, result.judgments), 1):
        mark = "?" if judgment is None else "right" if judgment.right else "WRONG"
        print(f"{rank:2}. {mark:5} {suggestion.english} = {suggestion.khmer}  "
              f"({suggestion.units} units, score {suggestion.score:.2f})")
        if judgment is not None and not judgment.right:
            print(f"           {judgment.reason}")
        if args.examples:
            for english, khmer in suggestion.examples:
                print(f"           EN: {english}\n           KM: {khmer}")
    judged = (f"precision {result.right}/{len(result.suggestions)} = {result.share:.0%} ({result.unjudged} unjudged)"
              if result.unjudged < len(result.suggestions) else f"{len(result.suggestions)} suggestions, not judged")
    print(f"\n{args.set}: {judged}; suggest_terms took {result.seconds:.2f} s ({result.cpu_seconds:.2f} s CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
