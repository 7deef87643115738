"""Files known by content (`pipeline.engine.contents`): whatever happens to a file between runs
(rewritten with the same bytes, copied over, touched, changed, removed and put back, checked out
anew), the stamp a run sees for it stands for one content only. Two runs that see the same standing
stamp saw the same bytes, so nothing kept for that stamp is ever used for other bytes; and a file
whose bytes are back to what an earlier run saw, under any new stamp, is recognized."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from hypothesis import given, settings, strategies as st

from pipeline.disk.scan import DIGEST_LENGTH, scan_stamps, stamp, walked
from pipeline.engine.contents import recognize, written

CONTENTS = [b"", b"a", b"b", b"ab", "ក្រសួង".encode()]
NAMES = ["a.md", "b.po", "sub/c.jpg"]
ACTIONS = st.sampled_from(["rewrite", "replace", "copy over", "touch", "remove", "rename away and back"])


def _age(root: Path, seconds: int) -> None:
    """Date every file `seconds` back, as files are by the time the next run looks (a file changed
    within the last tick of the clock is never remembered by its stamp)."""
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(time.time_ns(), time.time_ns() - seconds * 1_000_000_000))


def _act(root: Path, name: str, action: str, content: bytes) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if action == "rewrite":  # in place: same inode
        with open(path, "wb") as stream:
            stream.write(content)
    elif action == "replace":  # a new file renamed over it, as editors save
        (root / ".new").write_bytes(content)
        os.replace(root / ".new", path)
    elif action == "copy over":  # a new inode and the time of the copy, as a checkout writes
        (root / ".new").write_bytes(content)
        shutil.copyfile(root / ".new", path.with_suffix(".tmp"))
        os.replace(path.with_suffix(".tmp"), path)
        (root / ".new").unlink()
    elif action == "touch" and path.exists():
        os.utime(path)
    elif action == "remove":
        path.unlink(missing_ok=True)
    elif action == "rename away and back" and path.exists():
        os.rename(path, root / ".away")
        os.rename(root / ".away", path)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(NAMES), ACTIONS, st.sampled_from(CONTENTS)), max_size=4),
                min_size=1, max_size=6),
       st.lists(st.booleans(), min_size=6, max_size=6))
def test_a_standing_stamp_stands_for_one_content(tmp_path_factory, rounds, aged) -> None:
    root = tmp_path_factory.mktemp("files")
    known: dict = {}
    seen: dict = {}  # (path, standing stamp) → the bytes a run saw under it
    for number, actions in enumerate(rounds):
        for name, action, content in actions:
            _act(root, name, action, content)
        if aged[number]:
            _age(root, 120 - number)
        stamps, _ = scan_stamps(root, lambda name: name.startswith("."))
        found = recognize(stamps, known, time.time_ns())
        for path, standing in found.stamps.items():
            data = Path(path).read_bytes()
            assert seen.setdefault((path, standing), data) == data
        known = found.known


def test_a_file_checked_out_anew_with_its_old_bytes_is_recognized(tmp_path: Path) -> None:
    for name, content in zip(NAMES, CONTENTS):
        _act(tmp_path, name, "replace", content)
    _age(tmp_path, 60)
    first = recognize(scan_stamps(tmp_path)[0], {}, time.time_ns())
    for name, content in zip(NAMES, CONTENTS):
        _act(tmp_path, name, "copy over", content)
    _act(tmp_path, NAMES[0], "copy over", b"changed")
    again = recognize(scan_stamps(tmp_path)[0], first.known, time.time_ns())
    assert again.hashed == len(NAMES)
    changed = str(tmp_path / NAMES[0])
    assert again.stamps[changed] != first.stamps[changed]
    assert {p: s for p, s in again.stamps.items() if p != changed} == \
        {p: s for p, s in first.stamps.items() if p != changed}


def test_a_file_a_run_wrote_is_recognized_by_what_it_wrote(tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "x.po"
    path.write_bytes(b"msgid ...")
    placed = scan_stamps(tmp_path)[0][str(path)]
    known = written({}, [(str(path), placed, hashlib.sha256(b"msgid ...").hexdigest()[:DIGEST_LENGTH])])
    shutil.copyfile(path, tmp_path / "copy")
    os.replace(tmp_path / "copy", path)  # the same bytes, checked out anew
    assert recognize(scan_stamps(tmp_path)[0], known, time.time_ns()).stamps[str(path)] == placed


TREE_NAMES = ["km/LC_MESSAGES/a.po", "km/LC_MESSAGES/sub/b.po", "km/.hidden/c.po", "km/LC_MESSAGES/.d.po",
              "templates/a.pot", "en/LC_MESSAGES/a.po", ".git/x", "km/x.po"]
TREE_PARTS = ["km/LC_MESSAGES", "km", "templates", "en/LC_MESSAGES", "km/.hidden", "missing", "km/LC_MESSAGES/sub"]


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from(TREE_NAMES)),
       st.sampled_from([None, "km/LC_MESSAGES", "km/LC_MESSAGES/sub", "templates/a.pot", "km/x.po"]),
       st.sampled_from(TREE_PARTS), st.booleans())
def test_one_walk_answers_as_walking_or_stating_each_part_would(tmp_path_factory, names, linked, part, hidden) -> None:
    """What a run looks up in its one walk of a folder (`disk.scan.Walked`) is what walking a part
    of it, or stating each file, finds now: with hidden names skipped or not, and a part of the
    tree reached through a symbolic link (which the walk does not follow into a folder)."""
    root = tmp_path_factory.mktemp("locale")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name)
    if linked is not None:
        target = elsewhere / "target"
        if (root / linked).is_dir():
            shutil.copytree(root / linked, target)
            shutil.rmtree(root / linked)
        else:
            (root / linked).parent.mkdir(parents=True, exist_ok=True)
            target.write_text("linked")
            (root / linked).unlink(missing_ok=True)
        os.symlink(target, root / linked)
    skip = (lambda name: name.startswith(".")) if hidden else (lambda name: False)
    walk = walked(root, skip)
    folder = root / part
    assert walk.under(folder) == scan_stamps(folder, skip)[0]
    for name in TREE_NAMES + ["templates/nothing.pot"]:
        assert walk.stamp(str(root / name)) == (stamp(root / name) if (root / name).is_file() else None)
