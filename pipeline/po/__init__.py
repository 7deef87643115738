"""Gettext PO files, read and written as GNU gettext 0.21 reads and writes them. Standard library only.

* `reader`: `decode_po` (bytes to text, a located error at the first invalid UTF-8 byte) and
  `parse_po` (the whole grammar, every problem reported at once, each located);
* `writer`: `format_po`, the text `msgcat` 0.21 prints for a catalog, byte for byte, and
  `written_entries`, the entries of a file it wrote (so they are not wrapped again);
* `references`: the `#:` lines, split as gettext splits them (file names with spaces included);
* `linebreak`: libunistring's line breaking (Unicode 14), with which the writer fills strings;
* `directives`: the format directives (c, python, python-brace, …) a line may not break inside;
* `plurals`: `Plural-Forms` expressions, parsed and checked as `msgfmt` does.
"""

from pipeline.po.reader import decode_po, parse_po
from pipeline.po.writer import Written, WrittenEntry, format_po, written_entries

__all__ = ["Written", "WrittenEntry", "decode_po", "format_po", "parse_po", "written_entries"]
