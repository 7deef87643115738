"""Plain, frozen records that flow between the stages. Standard library only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Mapping

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    """A finding about one place in one file. `line` is 1-based (0 when the whole file is meant)."""

    path: str
    line: int
    code: str
    message: str
    severity: Severity = "error"
    hint: str = ""
    msgid: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text} [{self.code}]" if self.code else text


# --- gettext catalogs -------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One PO entry. Comments and flags keep the order they had in the file."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    translator_comments: tuple[str, ...] = ()  # "# text" lines, without the "# "
    extracted_comments: tuple[str, ...] = ()  # "#. text" lines, without the "#. "
    references: tuple[str, ...] = ()  # "path:line" items from "#:" lines, in order
    previous_msgctxt: str | None = None  # "#| msgctxt"
    previous_msgid: str | None = None  # "#| msgid"
    previous_msgid_plural: str | None = None  # "#| msgid_plural"
    obsolete: bool = False  # written as "#~ " entries
    # 1-based line of the `msgid` keyword in the file it was read from, 0 if new: where the entry
    # was, not what it holds, so equal entries compare equal wherever they stand
    line: int = field(default=0, compare=False)

    @property
    def key(self) -> tuple[str | None, str]:
        """Identity of the entry inside a catalog: (msgctxt, msgid)."""
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """True when the entry has a usable translation (not fuzzy, not empty, not obsolete)."""
        if self.obsolete or self.fuzzy:
            return False
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural)
        return bool(self.msgstr)


@dataclass(frozen=True)
class Catalog:
    """A whole PO/POT file: the header entry (msgid "") and the messages in file order."""

    header: Message | None
    messages: tuple[Message, ...] = ()

    def header_field(self, name: str) -> str | None:
        """Value of one `Name: value` line of the header, or None."""
        if self.header is None:
            return None
        for line in self.header.msgstr.split("\n"):
            key, sep, value = line.partition(":")
            if sep and key.strip().lower() == name.lower():
                return value.strip()
        return None


@dataclass(frozen=True)
class Templates:
    """The site's templates as read: the folder they are in (as shown) and each template's text,
    by its name in that folder (`article.html`, `partials/_entries.html`)."""

    folder: str
    sources: Mapping[str, str]
