"""A translator's save is never lost to `pipeline extract` (nor to `pipeline serve`, which extracts
with the same code): a catalog saved after extraction read it and before the new one is swapped in
is merged, at whatever moment it lands, however the editor saves (a new file renamed over the old
one, as Poedit, Weblate and vim do, or the same file written in place, as VS Code does).

Three levels: the swap primitive (`saves.replace_unchanged`, which knows nothing of PO) with a save
injected at each step; the three-way merge (`catalog.merge_saved`) over generated catalogs; and
`pipeline extract` itself, first with saves injected at each moment of a run, then raced by real
processes that save a catalog in a loop while extraction runs over and over."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, Project
from pipeline import catalog as catalogs
from pipeline.disk import files as disk_files, saves as on_disk
from pipeline.disk.memory import TranslationMemory
from pipeline.model import Catalog, Message
from pipeline.po import parse_po

OLD, OURS, SAVED, LATER = b"the file as read\n", b"our new version\n", b"saved by a translator\n", b"saved again\n"


def save_renamed(path: Path, data: bytes) -> None:
    """A save as Poedit, Weblate and vim make it: a new file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def save_in_place(path: Path, data: bytes) -> None:
    """A save as VS Code makes it: the same file emptied and written again."""
    with open(path, "r+b") as stream:
        stream.truncate(0)
        stream.write(data)


SAVES = {"renamed": save_renamed, "in-place": save_in_place}


def leases_granted(folder: Path) -> bool:
    """Whether this file system grants read leases (what detects a save still being written)."""
    probe = folder / ".lease-probe"
    probe.write_bytes(b"")
    handle = os.open(probe, os.O_RDONLY)
    try:
        return on_disk._lease(handle, True) is True and on_disk._lease(handle, False) is True
    finally:
        os.close(handle)
        probe.unlink()


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """A target holding OLD and a staged file holding OURS, in another folder of the same file system."""
    (tmp_path / "live").mkdir()
    (tmp_path / "staging").mkdir()
    target, staged = tmp_path / "live" / "a.po", tmp_path / "staging" / "a.po"
    target.write_bytes(OLD)
    staged.write_bytes(OURS)
    return target, staged


def inject(monkeypatch: pytest.MonkeyPatch, flags: int, *saves) -> list:
    """Before the n-th renameat2 call with `flags`, run saves[n] (a function, or None): a save that
    lands exactly at that step. Returns the list of calls made."""
    real, calls = on_disk.rename2, []

    def injected(source: str, target: str, given_flags: int) -> int:
        if given_flags == flags:
            if len(calls) < len(saves) and saves[len(calls)] is not None:
                saves[len(calls)]()
            calls.append((source, target))
        return real(source, target, given_flags)

    monkeypatch.setattr(on_disk, "rename2", injected)
    return calls


# --- the swap primitive ---------------------------------------------------------------------------------


def test_placed_when_the_target_holds_what_it_was_made_from(pair: tuple[Path, Path]) -> None:
    target, staged = pair
    result = on_disk.replace_unchanged(str(staged), str(target), on_disk.digest(OLD), on_disk.stamp(target))
    assert result.placed and result.found is None
    assert target.read_bytes() == OURS and not staged.exists()
    assert result.stamp == on_disk.stamp(target)
    assert os.listdir(target.parent) == ["a.po"]


MOMENTS = [("before the check", "renamed"), ("before the check", "in-place"),
           ("before the check, stamp unchanged", "in-place"),  # (a rename gives a new inode: the stamp tells)
           ("between the check and the exchange", "renamed"), ("between the check and the exchange", "in-place")]


@pytest.mark.parametrize("moment,how", MOMENTS)
def test_a_save_landing_at_any_step_is_never_overwritten(pair: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                                         moment: str, how: str) -> None:
    target, staged = pair
    seen = on_disk.stamp(target)
    save = SAVES[how]
    if moment == "before the check":
        save(target, SAVED)
    elif moment == "before the check, stamp unchanged":  # same size, same time: only the content tells
        info = os.stat(target)
        save(target, SAVED[:len(OLD)].ljust(len(OLD), b"!"))
        os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
        assert on_disk.stamp(target) == seen
    else:
        inject(monkeypatch, on_disk.RENAME_EXCHANGE, lambda: save(target, SAVED))
    saved = target.read_bytes() if moment != "between the check and the exchange" else SAVED
    result = on_disk.replace_unchanged(str(staged), str(target), on_disk.digest(OLD), seen)
    assert not result.placed
    assert result.found == saved == target.read_bytes()
    assert result.stamp == on_disk.stamp(target)
    assert result.overwritten is None
    assert result.undone == (moment != "before the check")
    assert staged.read_bytes() == OURS  # left as it was, for a merge
    assert sorted(os.listdir(target.parent)) == ["a.po"]


def test_a_save_over_ours_in_the_instant_it_stands_in_place_is_returned(pair: tuple[Path, Path],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The first save lands between the check and the exchange; the second over our file, before
    the exchange is undone (an in-place save cannot: our file is leased while it stands there)."""
    target, staged = pair
    calls = inject(monkeypatch, on_disk.RENAME_EXCHANGE, lambda: save_renamed(target, SAVED),
                   lambda: save_renamed(target, LATER))
    result = on_disk.replace_unchanged(str(staged), str(target), on_disk.digest(OLD), on_disk.stamp(target))
    assert len(calls) == 2
    assert not result.placed and result.undone
    assert result.found == SAVED == target.read_bytes()
    assert result.overwritten == LATER
    assert staged.read_bytes() == OURS
    assert sorted(os.listdir(target.parent)) == ["a.po"]


def test_a_save_still_being_written_when_exchanged_is_read_whole(pair: tuple[Path, Path],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor that writes in place has the file open while the exchange is made: the file is
    given its place back, and read once the editor has closed it."""
    target, staged = pair
    if not leases_granted(target.parent):
        pytest.skip("no read leases on this file system: a save being written cannot be told")
    writer = []

    def start_writing() -> None:
        stream = open(target, "r+b")
        stream.truncate(0)
        stream.write(SAVED[:5])
        stream.flush()
        writer.append(stream)

    def finish_writing(seconds: float) -> None:  # the editor finishes while extraction waits
        if writer:
            stream = writer.pop()
            stream.write(SAVED[5:])
            stream.close()

    inject(monkeypatch, on_disk.RENAME_EXCHANGE, start_writing)
    monkeypatch.setattr(on_disk.time, "sleep", finish_writing)
    result = on_disk.replace_unchanged(str(staged), str(target), on_disk.digest(OLD), on_disk.stamp(target))
    assert not result.placed and result.undone
    assert result.found == SAVED == target.read_bytes()
    assert staged.read_bytes() == OURS


@pytest.mark.parametrize("stamp_known", [False, True])
def test_a_file_kept_open_for_writing_is_left_alone(pair: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                                   stamp_known: bool) -> None:
    """An editor that keeps the file open for writing may write into it at any time: it is never
    replaced (the editor would go on writing into a file no longer in place), whether the check
    reads it or the exchange finds it open."""
    target, staged = pair
    if not leases_granted(target.parent):
        pytest.skip("no read leases on this file system: a file open for writing cannot be told")
    monkeypatch.setattr(on_disk, "QUIET_WAIT", 0.05)  # (how long to wait for the editor to close it)
    with open(target, "r+b"):
        result = on_disk.replace_unchanged(str(staged), str(target), on_disk.digest(OLD),
                                         on_disk.stamp(target) if stamp_known else None)
    assert not result.placed and result.busy
    assert target.read_bytes() == OLD and staged.read_bytes() == OURS
    assert sorted(os.listdir(target.parent)) == ["a.po"]


def test_a_new_file_never_replaces_one_created_meanwhile(pair: tuple[Path, Path],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    target, staged = pair
    target.unlink()
    inject(monkeypatch, on_disk.RENAME_NOREPLACE, lambda: save_renamed(target, SAVED))
    result = on_disk.replace_unchanged(str(staged), str(target), None)
    assert not result.placed and result.found == SAVED == target.read_bytes()
    assert staged.read_bytes() == OURS
    result = on_disk.replace_unchanged(str(staged), str(target.with_name("b.po")), None)
    assert result.placed and target.with_name("b.po").read_bytes() == OURS


def test_without_renameat2_it_compares_then_renames(pair: tuple[Path, Path],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback (no atomic exchange): a save made before the check is still seen, a new file is
    created with link(2), which never replaces one."""
    target, staged = pair
    monkeypatch.setattr(disk_files, "_RENAMEAT2", None)
    save_renamed(target, SAVED)
    result = on_disk.replace_unchanged(str(staged), str(target), on_disk.digest(OLD), None)
    assert not result.placed and result.found == SAVED == target.read_bytes()
    result = on_disk.replace_unchanged(str(staged), str(target), on_disk.digest(SAVED), None)
    assert result.placed and target.read_bytes() == OURS
    staged.write_bytes(OURS)
    assert not on_disk.replace_unchanged(str(staged), str(target), None).placed
    assert on_disk.replace_unchanged(str(staged), str(target.with_name("b.po")), None).placed


def test_staged_on_another_file_system_is_copied_beside_first(pair: tuple[Path, Path]) -> None:
    target, _ = pair
    other = Path("/dev/shm")
    if not other.is_dir() or os.stat(other).st_dev == os.stat(target.parent).st_dev:
        pytest.skip("no second file system at /dev/shm")
    staging = Path(on_disk.tempfile.mkdtemp(dir=other))
    try:
        staged = staging / "a.po"
        staged.write_bytes(OURS)
        save_renamed(target, SAVED)
        assert on_disk.replace_unchanged(str(staged), str(target), on_disk.digest(OLD)).found == SAVED
        assert on_disk.replace_unchanged(str(staged), str(target), on_disk.digest(SAVED)).placed
        assert target.read_bytes() == OURS
        assert os.listdir(target.parent) == ["a.po"]  # no copy left beside it
    finally:
        on_disk.shutil.rmtree(staging)


# --- the three-way merge --------------------------------------------------------------------------------

KEYS = [(context, msgid) for context in (None, "title") for msgid in ("Hello", "Post office", "Open late", "Two")]
TEXTS = st.sampled_from(["", "សួស្តី", "ការិយាល័យ", "បើក"])
FLAGS = st.lists(st.sampled_from(["fuzzy", "markdown-text", "no-wrap"]), unique=True).map(tuple)
COMMENTS = st.lists(st.sampled_from(["checked", "ask the editor"]), max_size=1).map(tuple)


@st.composite
def entry(draw, key: tuple[str | None, str]) -> Message:
    return Message(msgctxt=key[0], msgid=key[1], msgstr=draw(TEXTS), flags=draw(FLAGS),
                   translator_comments=draw(COMMENTS), obsolete=draw(st.booleans()))


@st.composite
def catalog(draw) -> Catalog:
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True))
    return Catalog(header=Message(msgid="", msgstr=draw(st.sampled_from(["Language: km\n", "Language: km\nX: 1\n"]))),
                   messages=tuple(draw(entry(key)) for key in keys))


@st.composite
def edited(draw, base: Catalog) -> Catalog:
    """A version made from `base`: some entries changed, some removed, some added, maybe reordered."""
    messages = []
    for m in base.messages:
        action = draw(st.sampled_from(["keep", "keep", "change", "remove"]))
        if action == "change":
            messages.append(draw(entry(m.key)))
        elif action == "keep":
            messages.append(m)
    free = [key for key in KEYS if key not in {m.key for m in messages}]
    added = draw(st.lists(st.sampled_from(free), unique=True)) if free else []
    messages += [draw(entry(key)) for key in added]
    messages = draw(st.permutations(messages))
    header = base.header if draw(st.booleans()) else Message(msgid="", msgstr="Language: km\nLast-Translator: T\n")
    return Catalog(header=header, messages=tuple(messages))


@st.composite
def three_versions(draw) -> tuple[Catalog, Catalog, Catalog]:
    base = draw(catalog())
    return base, draw(edited(base)), draw(edited(base))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(three_versions())
def test_merge_keeps_every_entry_they_changed_and_ours_elsewhere(versions: tuple[Catalog, Catalog, Catalog]) -> None:
    base, theirs, ours = versions
    merged = catalogs.merge_saved(base, theirs, ours)
    before = {(m.obsolete, m.key): m for m in base.messages}
    after = {(m.obsolete, m.key): m for m in merged.messages}
    live = {key for obsolete, key in after if not obsolete}
    assert len(after) == len(merged.messages)  # no entry twice
    changed = {(m.obsolete, m.key) for m in theirs.messages if before.get((m.obsolete, m.key)) != m}
    for m in theirs.messages:
        if (m.obsolete, m.key) in changed and not (m.obsolete and m.key in live):
            assert after[(m.obsolete, m.key)] == m, ("their change is lost", m)
    for m in ours.messages:
        if (m.obsolete, m.key) not in changed and not (m.obsolete and m.key in live):
            assert after[(m.obsolete, m.key)] == m, ("our entry is lost", m)
    for obsolete, key in after:  # nothing comes from nowhere
        assert (obsolete, key) in {(m.obsolete, m.key) for m in theirs.messages + ours.messages}
    ours_order = [m.key for m in ours.messages if not m.obsolete]
    assert [m.key for m in merged.messages if not m.obsolete][:len(ours_order)] == ours_order
    assert merged.header == (theirs.header if theirs.header != base.header else ours.header)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(three_versions())
def test_merge_with_no_save_is_ours(versions: tuple[Catalog, Catalog, Catalog]) -> None:
    """Ours, plus the obsolete entries ours dropped (obsolete entries are never dropped by a merge)."""
    base, _, ours = versions
    live = [m for m in ours.messages if not m.obsolete]
    dropped = [m for m in base.messages if m.obsolete and m.key not in {k.key for k in ours.messages}]
    assert catalogs.merge_saved(base, base, ours) == Catalog(
        ours.header, tuple(live + [m for m in ours.messages if m.obsolete] + dropped))


# --- pipeline extract, a save injected at each moment ---------------------------------------------------

ARTICLE = "---\ntitle: Hello\ndate: 2025-08-13\n---\nFirst paragraph.\n\nSecond paragraph.\n"
REVISED = ARTICLE.replace("Second paragraph.", "Second paragraph, revised.")
CATALOG = "locale/km/LC_MESSAGES/news/a.po"


def translated(text: str, msgid: str, msgstr: str) -> str:
    """The catalog text with one entry translated, as a translator's editor saves it."""
    pattern = re.compile(f'(msgid "{re.escape(msgid)}"\nmsgstr ")[^"\n]*(")')
    assert pattern.search(text), msgid
    return pattern.sub(lambda m: m.group(1) + msgstr + m.group(2), text)


def save_translation(po: Path, msgid: str, msgstr: str, save=save_renamed) -> None:
    """A translator translates one entry of the catalog as it is now, and saves it."""
    save(po, translated(po.read_text(encoding="utf-8"), msgid, msgstr).encode())


def entries(project: Project) -> dict[tuple[str | None, str], Message]:
    return {m.key: m for m in parse_po(project.read(CATALOG), CATALOG).messages if not m.obsolete}


def assert_learned(project: Project, msgid: str, msgstr: str) -> None:
    """The memory knows the catalog as it was left, and the extract cache its stamp."""
    memory = TranslationMemory(project.root / ".cache/pipeline/memory-km.sqlite", readonly=True)
    try:
        assert memory.exact(None, msgid) == msgstr
        assert memory.stamps()[CATALOG] == ":".join(map(str, on_disk.stamp(project.root / CATALOG)))
    finally:
        memory.close()
    from pipeline.commands.extract import CACHE
    from pipeline.engine.store import Store, code_version

    _, extracted = Store(project.root / ".cache/pipeline", code_version()).load(CACHE)
    assert extracted["news/a"].outputs[CATALOG] == on_disk.stamp(project.root / CATALOG)


@pytest.fixture
def extracted(project: Project) -> Project:
    project.write("content/news/a.md", ARTICLE)
    assert project.run("extract") == 0
    project.write("content/news/a.md", REVISED)  # so that the next extraction writes the catalog
    return project


def save_at(monkeypatch: pytest.MonkeyPatch, moment: str, save) -> None:
    """Make `save` happen at `moment` of the next extraction."""
    from pipeline.commands import placing as extraction

    if moment == "after the plan read it":
        real = extraction.flush_to_disk

        def flush(folder, paths):
            save()
            return real(folder, paths)

        monkeypatch.setattr(extraction, "flush_to_disk", flush)
    else:  # between the check and the swap: at the first exchange of the catalog
        real_rename, done = on_disk.rename2, []

        def rename(source: str, target: str, flags: int) -> int:
            if target.endswith(CATALOG) and flags == on_disk.RENAME_EXCHANGE and not done:
                done.append(True)
                save()
            return real_rename(source, target, flags)

        monkeypatch.setattr(on_disk, "rename2", rename)


@pytest.mark.parametrize("how", sorted(SAVES))
@pytest.mark.parametrize("moment", ["after the plan read it", "between the check and the swap"])
def test_extract_merges_a_save_made_while_it_runs(extracted: Project, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture, moment: str, how: str) -> None:
    po = extracted.root / CATALOG
    save_at(monkeypatch, moment, lambda: save_translation(po, "First paragraph.", "កថាខណ្ឌទីមួយ", SAVES[how]))
    assert extracted.run("-v", "extract") == 0
    assert f"merged a save made while extracting into {CATALOG}" in capsys.readouterr().out
    found = entries(extracted)
    assert found[(None, "First paragraph.")].msgstr == "កថាខណ្ឌទីមួយ"  # the translator's save
    assert not found[(None, "First paragraph.")].fuzzy
    assert (None, "Second paragraph, revised.") in found and (None, "Second paragraph.") not in found  # and ours
    assert_learned(extracted, "First paragraph.", "កថាខណ្ឌទីមួយ")
    before = po.read_bytes()
    monkeypatch.undo()
    assert extracted.run("extract") == 0
    assert po.read_bytes() == before


def test_extract_merges_two_saves_around_the_instant_ours_stands_in_place(extracted: Project,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """One save lands between the check and the swap; a second, made from the file as it stood then
    (ours, without the first save), lands while ours stands in place. Both are kept."""
    po = extracted.root / CATALOG
    first = lambda: save_translation(po, "First paragraph.", "ទីមួយ")
    second = lambda: save_translation(po, "Second paragraph, revised.", "ទីពីរ")
    calls = inject(monkeypatch, on_disk.RENAME_EXCHANGE, first, second)
    assert extracted.run("extract") == 0
    assert len(calls) >= 3
    found = entries(extracted)
    assert found[(None, "First paragraph.")].msgstr == "ទីមួយ"
    assert found[(None, "Second paragraph, revised.")].msgstr == "ទីពីរ"
    assert_learned(extracted, "Second paragraph, revised.", "ទីពីរ")


def test_a_broken_save_made_while_extract_runs_is_reported_and_kept(extracted: Project,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture) -> None:
    po = extracted.root / CATALOG
    broken = po.read_text(encoding="utf-8").replace('msgid "First paragraph."\nmsgstr ""',
                                                    'msgid "First paragraph."\nmsgstr "unclosed') .encode()
    save_at(monkeypatch, "between the check and the swap", lambda: save_renamed(po, broken))
    assert extracted.run("extract") == 1
    error = capsys.readouterr().err
    line = broken[:broken.index(b'msgstr "unclosed')].count(b"\n") + 1
    assert f"{CATALOG}:{line}: error:" in error and "Traceback" not in error
    assert po.read_bytes() == broken  # as the translator saved it
    monkeypatch.undo()
    save_renamed(po, broken.decode().replace('"unclosed', '"ទីមួយ"').encode())
    assert extracted.run("extract") == 0
    assert entries(extracted)[(None, "First paragraph.")].msgstr == "ទីមួយ"
    assert (None, "Second paragraph, revised.") in entries(extracted)


def test_a_catalog_kept_open_for_writing_is_reported_and_left_alone(extracted: Project,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture) -> None:
    po = extracted.root / CATALOG
    if not leases_granted(po.parent):
        pytest.skip("no read leases on this file system: a file open for writing cannot be told")
    monkeypatch.setattr(on_disk, "QUIET_WAIT", 0.05)
    before = po.read_bytes()
    with open(po, "r+b"):  # an editor that keeps it open
        assert extracted.run("extract") == 1
    error = capsys.readouterr().err
    assert f"{CATALOG}: error: a program keeps the catalog open for writing" in error and "Traceback" not in error
    assert po.read_bytes() == before
    assert extracted.run("extract") == 0
    assert (None, "Second paragraph, revised.") in entries(extracted)


def test_a_broken_save_over_ours_in_the_instant_it_stands_in_place_is_kept_aside(
        extracted: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    """The one save that is no longer on disk when it is found (it was written over ours, and ours
    was exchanged back with the save it had displaced): when it does not parse, it is kept."""
    po = extracted.root / CATALOG
    first = lambda: save_translation(po, "First paragraph.", "ទីមួយ")
    broken = b'msgid "unclosed\n'
    inject(monkeypatch, on_disk.RENAME_EXCHANGE, first, lambda: save_renamed(po, broken))
    assert extracted.run("extract") == 1
    error = capsys.readouterr().err
    kept = re.search(r"kept as (\S+)", error)
    assert kept and (extracted.root / kept.group(1)).read_bytes() == broken, error
    assert entries(extracted)[(None, "First paragraph.")].msgstr == "ទីមួយ"  # the other save, in place


def test_a_catalog_saved_without_pause_is_left_as_saved(extracted: Project, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture) -> None:
    """Extraction merges a save made meanwhile, then the next, and so on; it gives up after a number
    of them, with an error, leaving the last save as it is."""
    from pipeline.commands import placing as extraction

    po = extracted.root / CATALOG
    monkeypatch.setattr(extraction, "MERGES", 3)
    saves = iter(range(100))

    def save() -> None:
        save_translation(po, "First paragraph.", f"ទី{next(saves)}")

    def save_while_merging(*args, real=extraction._stage_again) -> str:
        save()
        return real(*args)

    save_at(monkeypatch, "after the plan read it", save)
    monkeypatch.setattr(extraction, "_stage_again", save_while_merging)
    assert extracted.run("extract") == 1
    assert f"{CATALOG}: error: the catalog was saved 4 times while extraction merged it" in capsys.readouterr().err
    last = next(saves) - 1
    assert entries(extracted)[(None, "First paragraph.")].msgstr == f"ទី{last}"


# --- pipeline extract raced by real processes -----------------------------------------------------------

STABLE = "Stable paragraph {} about the harbour."
SAVER = r'''
import os, random, re, sys, time

po, mode, log, first, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
pace = random.Random(first)
state = None
with open(log, "a", encoding="utf-8") as record:
    for i in range(first, first + count):
        value = "km-%s-%d" % (mode, i)
        if mode == "memory":  # an editor that keeps the file in memory, and saves it whole
            if state is None:
                state = open(po, encoding="utf-8").read()
            text = state
        else:  # an editor that reads the file, changes one entry and saves
            text = open(po, encoding="utf-8").read()
        pattern = re.compile('(msgid "Stable paragraph %d about the harbour\\."\nmsgstr ")[^"\n]*(")' % i)
        text, found = pattern.subn(lambda m: m.group(1) + value + m.group(2), text)
        if found != 1:
            record.write("missing %d\n" % i)
            record.flush()
            continue
        state = text
        data = text.encode("utf-8")
        if mode == "inplace":
            with open(po, "r+b") as stream:
                stream.truncate(0)
                stream.write(data[:len(data) // 2])
                stream.flush()
                time.sleep(0.001)
                stream.write(data[len(data) // 2:])
        else:
            temporary = os.path.join(os.path.dirname(po), ".saving")
            with open(temporary, "wb") as stream:
                stream.write(data)
            os.replace(temporary, po)
        record.write("%d %s\n" % (i, value))
        record.flush()
        time.sleep(pace.uniform(0.005, 0.04))
'''
ROUNDS = int(os.environ.get("PIPELINE_SAVE_RACE_ROUNDS", "12"))  # extractions per editor (more: a longer soak)
SESSION = 40  # at most this many saves each time the editor has the catalog open


def race_article(revision: int, paragraphs: int) -> str:
    body = "\n\n".join(STABLE.format(i) for i in range(paragraphs))
    return f"---\ntitle: The harbour\ndate: 2025-08-13\n---\nRevision {revision} of the notice.\n\n{body}\n"


def run_extract(project: Project) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "--root", str(project.root), "-v", "extract"],
                          capture_output=True, text=True, cwd=REPO, timeout=300)


@pytest.mark.parametrize("mode", ["reread-renamed", "memory", "inplace"])
def test_every_save_survives_extract_run_over_and_over(project: Project, mode: str) -> None:
    """While `pipeline extract` runs again and again on an article whose English changes each time,
    a translator opens the catalog in an editor, saves it a number of times, each time with a new
    translation of another entry, and closes it, at any moment of the extraction. After each
    extraction, every translation saved is on disk; after a last one, all are in the catalog."""
    paragraphs = ROUNDS * SESSION
    project.write("content/news/a.md", race_article(0, paragraphs))
    assert project.run("extract") == 0
    po, log = project.root / CATALOG, project.root / f"{mode}.log"
    merged = raced = 0
    for revision in range(1, ROUNDS + 1):
        project.write("content/news/a.md", race_article(revision, paragraphs))
        first = (revision - 1) * SESSION
        editor = subprocess.Popen([sys.executable, "-c", SAVER, str(po), mode, str(log), str(first),
                                   str(random.Random(revision).randint(5, SESSION))])
        try:
            result = run_extract(project)
        finally:
            assert editor.wait(timeout=120) == 0
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        merged += result.stdout.count("merged a save made while extracting")
        raced += result.stdout.count("landed between the check and the swap")
        made = [line.split()[-1] for line in log.read_text(encoding="utf-8").splitlines()]
        now = po.read_text(encoding="utf-8")
        assert not [value for value in made if f'msgstr "{value}"' not in now], (revision, result.stdout)
    assert run_extract(project).returncode == 0
    saved = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    assert not [line for line in saved if line[0] == "missing"], "an entry vanished from the catalog"
    found = entries(project)
    lost = [value for number, value in saved if found[(None, STABLE.format(number))].msgstr != value
            or found[(None, STABLE.format(number))].fuzzy]
    print(f"\n{mode}: {ROUNDS} extractions raced by {len(saved)} saves; {merged} saves merged, "
          f"{raced} of them caught by the atomic exchange; lost: {len(lost)}")
    assert not lost, f"{len(lost)} of {len(saved)} saves lost: {lost[:5]}"
