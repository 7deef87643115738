"""The peers' side of the comparison, run by bench/run.py with a peer's own interpreter.

mdpo has no folder mode, so — as in the issue's measurements — one process loops over the
articles with mdpo's Python API (a process per file would mostly time interpreter start-up):

    .peers-venv/mdpo/bin/python bench/peer_tasks.py mdpo-extract CONTENT_DIR PO_DIR
    .peers-venv/mdpo/bin/python bench/peer_tasks.py mdpo-merge CONTENT_DIR PO_DIR OUT_DIR

Translate Toolkit is timed through its own commands in folder mode (no helper needed):

    .peers-venv/ttk/bin/md2po -i CONTENT_DIR -o PO_DIR -x assets --progress none
    .peers-venv/ttk/bin/po2md -i PO_DIR -t CONTENT_DIR -o OUT_DIR --progress none

`fill PO_DIR` (run with the project's interpreter, which has polib) gives every message of the
peers' catalogs the same pseudo-Khmer translation as our catalogs get (bench/generate.py).
"""

from __future__ import annotations

import sys
from pathlib import Path


def _articles(content: Path) -> list[Path]:
    return sorted(p for p in content.rglob("*.md") if p.relative_to(content).parts[0] != "assets")


def mdpo_extract(content: Path, po_dir: Path) -> None:
    from mdpo.md2po import markdown_to_pofile

    for path in _articles(content):
        target = po_dir / path.relative_to(content).with_suffix(".po")
        target.parent.mkdir(parents=True, exist_ok=True)
        markdown_to_pofile(str(path), po_filepath=str(target), save=True)


def mdpo_merge(content: Path, po_dir: Path, out: Path) -> None:
    from mdpo.po2md import pofile_to_markdown

    for path in _articles(content):
        relative = path.relative_to(content)
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        pofile_to_markdown(str(path), str(po_dir / relative.with_suffix(".po")), save=str(target))


def fill(po_dir: Path) -> int:
    import polib

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import khmerize

    count = 0
    for path in sorted(po_dir.rglob("*.po")):
        catalog = polib.pofile(str(path), wrapwidth=78)
        for entry in catalog:
            if entry.obsolete or not entry.msgid:
                continue
            front_matter = entry.msgid.startswith(("---\n", "title:"))
            entry.msgstr = entry.msgid if front_matter else khmerize(entry.msgid)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            count += 1
        catalog.save(str(path))
    return count


def main(argv: list[str]) -> int:
    task, *paths = argv
    args = [Path(p) for p in paths]
    if task == "mdpo-extract":
        mdpo_extract(*args)
    elif task == "mdpo-merge":
        mdpo_merge(*args)
    elif task == "fill":
        print(f"filled {fill(*args)} peer messages")
    else:
        raise SystemExit(f"unknown task {task!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
