"""Catalog updates follow `msgmerge --previous`: nothing a translator wrote is ever lost."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess

import pytest

from pipeline import catalog
from pipeline.disk.memory import build_memory
from pipeline.model import Catalog, Message
from pipeline.po import format_po, parse_po
from pipeline.segment import Segment

INFO = catalog.CatalogInfo("test", "1.0", dt.datetime(2025, 8, 13, tzinfo=dt.timezone.utc))


def pot_of(*texts: str) -> Catalog:
    segs = [Segment(msgid=t, msgctxt=None, kind="paragraph", line=i * 2 + 1, address=(i,))
            for i, t in enumerate(texts)]
    return catalog.template("T", "content/a/b.md", segs, INFO)


def translated(pot: Catalog, mapping: dict[str, str]) -> Catalog:
    header = catalog.new_header(pot, "km", "Khmer", INFO)
    filled = Catalog(header=header, messages=())
    merged = catalog.update(filled, pot, None)
    return Catalog(header=merged.header, messages=tuple(
        Message(**{**m.__dict__, "msgstr": mapping.get(m.msgid, "")}) for m in merged.messages))


def by_id(cat: Catalog) -> dict[str, Message]:
    return {m.msgid: m for m in cat.messages}


def test_unchanged_units_keep_translations_and_comments() -> None:
    old = translated(pot_of("One.", "Two."), {"One.": "មួយ។", "Two.": "ពីរ។"})
    old = Catalog(old.header, (Message(**{**old.messages[0].__dict__, "translator_comments": ("checked",)}),)
                  + old.messages[1:])
    new = catalog.update(old, pot_of("One.", "Two."), None)
    assert by_id(new)["One."].msgstr == "មួយ។" and by_id(new)["One."].translator_comments == ("checked",)
    assert by_id(new)["Two."].translated


def test_edited_unit_becomes_fuzzy_with_previous_msgid() -> None:
    old = translated(pot_of("The ministry met on Monday.", "Other."), {"The ministry met on Monday.": "ក្រសួងបានប្រជុំ។"})
    new = catalog.update(old, pot_of("The ministry met on Tuesday.", "Other."), None)
    entry = by_id(new)["The ministry met on Tuesday."]
    assert entry.fuzzy and entry.msgstr == "ក្រសួងបានប្រជុំ។"
    assert entry.previous_msgid == "The ministry met on Monday."
    assert not [m for m in new.messages if m.obsolete]  # the old unit was used, not retired


def test_removed_unit_becomes_obsolete_and_comes_back_translated() -> None:
    old = translated(pot_of("Keep.", "Remove me entirely please."), {"Keep.": "ទុក។", "Remove me entirely please.": "លុប។"})
    new = catalog.update(old, pot_of("Keep."), None)
    retired = [m for m in new.messages if m.obsolete]
    assert [(m.msgid, m.msgstr) for m in retired] == [("Remove me entirely please.", "លុប។")]
    again = catalog.update(new, pot_of("Keep.", "Remove me entirely please."), None)
    assert by_id(again)["Remove me entirely please."].translated
    assert not [m for m in again.messages if m.obsolete]


def test_added_unit_is_empty_and_moved_unit_keeps_translation() -> None:
    old = translated(pot_of("A first.", "B second."), {"A first.": "ក។", "B second.": "ខ។"})
    new = catalog.update(old, pot_of("B second.", "Brand new text.", "A first."), None)
    assert [m.msgid for m in new.messages] == ["B second.", "Brand new text.", "A first."]
    assert by_id(new)["A first."].msgstr == "ក។" and by_id(new)["B second."].msgstr == "ខ។"
    assert by_id(new)["Brand new text."].msgstr == ""
    assert by_id(new)["A first."].references == ("content/a/b.md:5",)


def test_new_units_are_prefilled_from_memory() -> None:
    other = translated(pot_of("For more information, call 1280.", "Posted by the ministry."),
                       {"For more information, call 1280.": "សម្រាប់ព័ត៌មានបន្ថែម សូមទូរស័ព្ទ ១២៨០។",
                        "Posted by the ministry.": "ចុះផ្សាយដោយក្រសួង។"})
    memory = build_memory(other.messages)
    fresh = translated(pot_of("Unrelated."), {})
    new = catalog.update(fresh, pot_of("For more information, call 1280.", "Posted by the ministry today."), memory)
    exact = by_id(new)["For more information, call 1280."]
    assert exact.translated and exact.msgstr.startswith("សម្រាប់")
    close = by_id(new)["Posted by the ministry today."]
    assert close.fuzzy and close.previous_msgid == "Posted by the ministry." and close.msgstr == "ចុះផ្សាយដោយក្រសួង។"


def test_identical_units_share_one_entry_with_all_references() -> None:
    pot = pot_of("Same.", "Other.", "Same.")
    assert [m.msgid for m in pot.messages] == ["Same.", "Other."]
    assert pot.messages[0].references == ("content/a/b.md:1", "content/a/b.md:5")
    assert pot.messages[0].flags == ("markdown-text",)
    assert pot.messages[0].extracted_comments == ("paragraph",)


def test_memory_finds_close_matches_among_many() -> None:
    rng = random.Random(7)
    vocabulary = [f"word{i}" for i in range(3000)]
    messages = [Message(msgid=" ".join(rng.choices(vocabulary, k=12)), msgstr=f"t{i}") for i in range(20000)]
    memory = build_memory(messages)
    target = messages[12345]
    query = target.msgid.rsplit(" ", 1)[0] + " changed"
    found = memory.closest(query)
    assert found is not None and found.msgstr == "t12345"
    assert memory.closest("completely different sentence here") is None


def test_statistics_count_each_state() -> None:
    cat = Catalog(None, (Message("a", "x"), Message("b", "y", flags=("fuzzy",)), Message("c"),
                         Message("d", "z", obsolete=True)))
    stats = catalog.statistics(cat)
    assert (stats.translated, stats.fuzzy, stats.untranslated, stats.obsolete) == (1, 1, 1, 1)
    assert round(stats.percent, 1) == 33.3


def test_fuzzy_matches_are_the_ones_gnu_msgmerge_picks(tmp_path) -> None:
    """Edited sentences of a small vocabulary (so unrelated ones share words) matched against 150 old
    units: each gets the same old translation from us as from `msgmerge --previous`, or none from both."""
    if shutil.which("msgmerge") is None:
        pytest.skip("GNU gettext (msgmerge) is not installed")
    rng = random.Random(5)
    vocabulary = ("the a of to in new centre minister opened school water road health farmers market province "
                  "district village students teachers training program support community project report").split()

    def sentence() -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(rng.randint(4, 12))).capitalize() + "."

    def edited(text: str) -> str:
        words = text[:-1].split()
        for _ in range(rng.randint(1, 3)):
            at, roll = rng.randrange(len(words)), rng.random()
            if roll < 0.4:
                words[at] = rng.choice(vocabulary)
            elif roll < 0.7:
                words.insert(at, rng.choice(vocabulary))
            elif len(words) > 2:
                del words[at]
        return " ".join(words) + "."

    old_texts = list(dict.fromkeys(sentence() for _ in range(150)))
    new_texts = [t for t in dict.fromkeys(edited(rng.choice(old_texts)) for _ in range(300)) if t not in old_texts]
    old = Catalog(header=Message(msgid="", msgstr="Content-Type: text/plain; charset=UTF-8\n"),
                  messages=tuple(Message(msgid=t, msgstr=f"T{n}") for n, t in enumerate(old_texts)))
    new = Catalog(header=old.header, messages=tuple(Message(msgid=t) for t in new_texts))
    (tmp_path / "old.po").write_text(format_po(old), encoding="utf-8")
    (tmp_path / "new.pot").write_text(format_po(new), encoding="utf-8")
    merged = subprocess.run(["msgmerge", "--previous", "--quiet", "old.po", "new.pot"], cwd=tmp_path,
                            capture_output=True, text=True, check=True).stdout
    theirs = {m.msgid: m.msgstr for m in parse_po(merged, "merged.po").messages if not m.obsolete}
    ours = {}
    for text in new_texts:  # msgmerge looks for each edited unit among all old ones
        found = catalog._closest(Message(msgid=text), list(old.messages))
        ours[text] = found.msgstr if found else ""
    assert sum(1 for t in new_texts if theirs[t]) > 250  # most edits are close enough to match
    assert ours == {t: theirs[t] for t in new_texts}
