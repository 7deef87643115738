"""pipeline.po: PO parsing, and writing byte-identical to GNU msgcat 0.21.

The writer is checked differentially: the real translator files of the corpora must come out of
parse_po + format_po exactly as `msgcat FILE` prints them, and random catalogs written by
format_po must be left untouched by msgcat (and accepted by `msgfmt --check`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.po import linebreak as po
from pipeline.errors import PipelineError
from pipeline.model import Catalog, Message
from pipeline.po import decode_po, format_po, parse_po, written_entries

REPO = Path(__file__).parents[1]
HAVE_MSGCAT = shutil.which("msgcat") is not None and shutil.which("msgfmt") is not None
needs_msgcat = pytest.mark.skipif(not HAVE_MSGCAT,
                                  reason="GNU gettext (msgcat, msgfmt) not on PATH")


def corpus_po_files() -> list[Path]:
    folder = Path(os.environ.get("PIPELINE_CORPORA", REPO / ".." / "shared" / "corpora")) / "km-po"
    return sorted(folder.glob("*.po")) if folder.is_dir() else []


def msgcat(text: str, tmp_path: Path, name: str = "in.po") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(["msgcat", str(path)], capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    return done.stdout


def without_flag(text: str, flag: str = "markdown-text") -> str:
    """Our output as msgcat would print it: msgcat drops flags it does not know."""

    def fix(m: re.Match[str]) -> str:
        flags = [f for f in m.group(1).split(", ") if f != flag]
        return f"#, {', '.join(flags)}\n" if flags else ""

    return re.sub(r"^#, (.*)\n", fix, text, flags=re.M)


def same_messages(a: Catalog, b: Catalog) -> bool:
    def strip(m: Message | None) -> Message | None:
        return None if m is None else dataclasses.replace(m, line=0)

    return strip(a.header) == strip(b.header) and [strip(m) for m in a.messages] == [
        strip(m) for m in b.messages
    ]


# =============================================================================================
# 1. Real translator files do not churn
# =============================================================================================


@needs_msgcat
@pytest.mark.parametrize("path", corpus_po_files() or [None], ids=lambda p: p.name if p else "none")
def test_corpus_files_are_written_exactly_as_msgcat_writes_them(path: Path | None) -> None:
    if path is None:
        pytest.skip("corpora not found (set PIPELINE_CORPORA)")
    catalog = parse_po(decode_po(path.read_bytes(), str(path)), str(path))
    assert catalog.header is not None and catalog.messages
    expected = subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout
    assert format_po(catalog).encode("utf-8") == expected


# =============================================================================================
# 2. Random catalogs, differentially against msgcat and msgfmt
# =============================================================================================

WORDS = [
    "the", "of", "temple", "water", "festival", "read more", "Cambodia", "Phnom Penh", "e.g.",
    "don't", "10,000", "3.14", "50%", "$5", "a/b/c", "foo-bar", "(see)", "[link](http://x.y/z)",
    "**bold**", "`code`", "https://example.com/path/to/page?x=1&y=2", "—", "…", "“quoted”",
    "it's", "self-evident", "#tag", "C:\\path", 'say "hi"', "漢字", "😀", "👍🏽", "🇰🇭", "!?",
]
KHMER = ["ក", "ខ្មែរ", "ភាសា", "សួស្តី", "ប្រទេស", "កម្ពុជា", "ការ", "អត្ថបទ", "ព្រះ", "វិហារ",
         "ទឹក", "បុណ្យ", "ស្រុក", "ថ្ងៃ", "ឆ្នាំ", "០១២", "៕", "។", "ៗ"]
SEPARATORS = [" ", " ", " ", "", "\u200b", "\n", " \n", "\t", "  ", "-", "/"]


def khmer_words(n: int) -> str:
    """A Khmer run (no spaces, combining marks) picked by `n` (cheaper to draw than a list)."""
    return "".join(KHMER[(n >> (4 * i)) % len(KHMER)] for i in range(1 + n % 7))


def long_word(n: int) -> str:
    return "".join(chr(97 + (n * 7 + i * 13) % 26) for i in range(25 + n % 76))


def sentence(n: int) -> str:
    """Several words, Khmer runs and separators picked by `n`: long strings from one draw."""
    out = []
    for i in range(3 + n % 14):
        n, k = divmod(n, 7)
        n = n * 7 + (n >> 5) + i  # keep varying once the bits of n run out
        if k < 3:
            out.append(WORDS[n % len(WORDS)])
        elif k < 5:
            out.append(khmer_words(n))
        else:
            out.append(str(n % 100000))
        out.append(SEPARATORS[(n >> 3) % len(SEPARATORS)])
    return "".join(out[:-1])


def joined(pairs: list[tuple[str, str]]) -> str:
    return "".join(tok + sep for tok, sep in pairs[:-1]) + (pairs[-1][0] if pairs else "")


# Strategies are built once: building them inside draws makes generation several times slower.
TOKEN = st.one_of(
    st.sampled_from(WORDS),
    st.integers(0, 2**28).map(khmer_words),
    st.integers(0, 10**6).map(long_word),
    st.integers(0, 10**9).map(str),
    st.sampled_from(list(".,;:!?()[]{}<>'\"\\*_#@&%+=|~")),
    st.integers(0, 2**40).map(sentence),
)
PAIR = st.tuples(TOKEN, st.sampled_from(SEPARATORS))
TEXT = st.lists(PAIR, max_size=12).map(joined)
SHORT_TEXT = st.lists(PAIR, max_size=5).map(joined)
REF = st.builds(
    lambda parts, n, line: f"{'/'.join(parts)}/file{n}.md:{line}",
    st.lists(st.sampled_from(["content", "articles", "km", "ui", "a-long-directory-name", "x"]),
             min_size=1, max_size=4),
    st.integers(0, 99),
    st.integers(1, 9999),
)
# one file name with spaces, possibly on several lines: msgcat 0.21 splits such names at their
# spaces and drops repeated pieces; the parser puts them back together
SPACED_REFS = st.one_of(
    st.just(()),
    st.builds(lambda name, lines: tuple(f"{name}:{n}" for n in lines),
              st.sampled_from(["my article.md", "content/Angkor Wat visit notes.md"]),
              st.lists(st.integers(1, 999), min_size=1, max_size=3, unique=True)),
)
REFS = st.builds(lambda a, b, cut: tuple(dict.fromkeys(a[:cut] + list(b) + a[cut:])),
                 st.lists(REF, max_size=9), SPACED_REFS, st.integers(0, 9))
FORMATS = st.sampled_from([(), (), (), ("c-format",), ("python-format",), ("python-brace-format",),
                           ("no-c-format",), ("javascript-format",), ("c-format", "python-format")])
CONTEXT = st.one_of(st.none(), st.none(), st.sampled_from(
    ["title", "contact.address", "facilities[2]", "team.member[0].role"]), SHORT_TEXT)
TRANSLATOR_COMMENTS = st.lists(
    st.sampled_from(["Translators: keep the link", "", " indented", "ខ្មែរ comment"]),
    max_size=2)
EXTRACTED_COMMENTS = st.lists(
    st.sampled_from(["paragraph", "heading level 2", "", "front matter: title"]), max_size=2)
SUFFIX = st.sampled_from([" (km)", "\u200bខ្មែរ", ""])
CHANCE = st.integers(0, 99)
NUMBER = st.integers(0, 10**6)


def like_msgid(value: str, msgid: str) -> str:
    """`value` starting/ending with a newline exactly when msgid does (msgfmt --check wants it)."""
    core = value.strip("\n") or "x"
    return ("\n" if msgid.startswith("\n") else "") + core + ("\n" if msgid.endswith("\n") else "")


@st.composite
def messages(draw: st.DrawFn) -> Message:
    msgid = f"{draw(NUMBER)} {draw(TEXT)}"  # never empty, seldom twice the same
    plural = draw(CHANCE) < 10
    obsolete = draw(CHANCE) < 12
    translated = obsolete or draw(CHANCE) < 80
    msgstr = like_msgid(draw(TEXT), msgid) if translated else ""
    formats = () if plural else draw(FORMATS)
    if formats and msgstr:  # msgfmt --check: the msgstr must have the msgid's directives
        msgstr = like_msgid(msgid + draw(SUFFIX), msgid)
    flags = (["fuzzy"] if msgstr and draw(CHANCE) < 40 else []) + list(formats)
    if not plural and draw(CHANCE) < 10:
        flags.append("no-wrap")
    if draw(CHANCE) < 50:
        flags.append("markdown-text")
    previous = draw(SHORT_TEXT) if "fuzzy" in flags and draw(CHANCE) < 70 else None
    return Message(
        msgid=msgid,
        msgstr="" if plural else msgstr,
        msgctxt=draw(CONTEXT),
        msgid_plural=like_msgid(draw(SHORT_TEXT), msgid) if plural else None,
        msgstr_plural=(
            ((like_msgid(draw(SHORT_TEXT), msgid) if translated else ""),) if plural else ()),
        flags=tuple(flags),
        translator_comments=tuple(draw(TRANSLATOR_COMMENTS)),
        extracted_comments=tuple(draw(EXTRACTED_COMMENTS)),
        references=() if obsolete else draw(REFS),
        previous_msgctxt="old.context" if previous and draw(CHANCE) < 20 else None,
        previous_msgid=previous,
        obsolete=obsolete,
    )


MESSAGES = st.lists(messages(), min_size=5, max_size=25)

HEADER = Message(
    msgid="",
    msgstr=(
        "Project-Id-Version: test-site 1.0\n"
        "Report-Msgid-Bugs-To: \n"
        "POT-Creation-Date: 2025-08-13 00:00+0000\n"
        "PO-Revision-Date: 2025-08-14 09:30+0700\n"
        "Last-Translator: Sok Dara <dara@example.org>\n"
        "Language-Team: Khmer <km@example.org>\n"
        "Language: km\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        "Plural-Forms: nplurals=1; plural=0;\n"
    ),
    translator_comments=("Khmer translation of the test site.",
                         "Sok Dara <dara@example.org>, 2025."),
)


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    entries: dict[tuple[str | None, str], Message] = {}
    for m in draw(MESSAGES):
        entries.setdefault(m.key, m)
    # format_po writes obsolete entries last: generate them last so that the order round-trips
    ordered = [m for m in entries.values() if not m.obsolete] + [
        m for m in entries.values() if m.obsolete
    ]
    return Catalog(header=HEADER, messages=tuple(ordered))


@needs_msgcat
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(catalog=catalogs())
def test_random_catalogs_are_left_unchanged_by_msgcat_and_pass_msgfmt(
    catalog: Catalog, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp("po")
    ours = format_po(catalog)
    assert msgcat(ours, tmp) == without_flag(ours)
    check = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(tmp / "in.po")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert same_messages(parse_po(ours, "in.po"), catalog)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(before=catalogs(), after=catalogs(), kept=st.lists(st.booleans(), min_size=25, max_size=25))
def test_entries_written_again_from_a_file_of_ours_are_what_formatting_gives(
        before: Catalog, after: Catalog, kept: list[bool]) -> None:
    """The new catalog keeps some entries of the old one (read back from its file) and changes others."""
    text = format_po(before)
    old = parse_po(text, "old.po")
    changed = tuple(m if keep else Message(**{**m.__dict__, "msgstr": m.msgstr + " (revised)"})
                    for m, keep in zip(old.messages, kept))
    new = Catalog(header=old.header, messages=changed + after.messages)
    written = written_entries(old, text)
    assert len(written) == len(old.messages) + 1
    shared: dict = {}
    assert format_po(new, shared, written) == format_po(new)
    assert format_po(new, shared, written) == format_po(new, shared)
    # the template written after it, from the lines the entries written again lent it
    template = Catalog(header=new.header, messages=tuple(
        dataclasses.replace(m, translator_comments=(), msgstr="" if m.msgid_plural is None else m.msgstr)
        for m in new.messages))
    assert format_po(template, shared) == format_po(template)


# --- the line breaking engine against libunistring itself --------------------------------------


def libunistring() -> ctypes.CDLL | None:
    for name in ("libunistring.so.2", ctypes.util.find_library("unistring")):
        if name:
            try:
                lib = ctypes.CDLL(name)
                lib.u8_width_linebreaks_v2  # noqa: B018 (libunistring >= 1.0)
                return lib
            except (OSError, AttributeError):
                continue
    return None


def test_line_breaking_matches_libunistring_u8_width_linebreaks() -> None:
    lib = libunistring()
    if lib is None:
        pytest.skip("libunistring >= 1.0 not available")
    fn = lib.u8_width_linebreaks_v2
    fn.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                   ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
    width_fn = lib.uc_width
    width_fn.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    alphabet = list("abcdefghij      0123-/.,:;!?\"'()[]{}%$#\\\u200b\u200d\u2060\xa0\u00ad\u2014"
                    "\u17d4\u17d5\u1780\u17b6\u17d2\u17c9\u0300\u05d0\u4e00\u3001\uac00\u1100"
                    "\u2028\x07\U0001f1e6\U0001f1e8\U0001f600\U0001f3fb\u00a7\ufffc\u0e01\u0378")
    rng = random.Random(1)
    for _ in range(3000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60)))
        width, start = rng.randint(1, 40), rng.randint(0, 10)
        forbidden = [i for i in range(len(s)) if rng.random() < 0.1]
        data = s.encode("utf-8")
        overrides = bytearray()
        starts = []
        for i, ch in enumerate(s):
            starts.append(len(overrides))
            size = len(ch.encode("utf-8"))
            overrides += bytes([1 if i in forbidden else 0]) + bytes([1] * (size - 1))
        out = ctypes.create_string_buffer(len(data))
        fn(data, len(data), width, start, 0, bytes(overrides), b"UTF-8", out)
        expected = [i for i, b in enumerate(starts) if out.raw[b] == 2]  # UC_BREAK_POSSIBLE
        assert po._break_points(s, width, start, forbidden) == expected, (s, width, start)
        assert po._text_width(s) == sum(max(0, width_fn(ord(c), b"UTF-8")) for c in s)


# --- a few behaviours of msgcat, spelled out --------------------------------------------------


def entry(**fields: object) -> str:
    return format_po(Catalog(header=None, messages=(Message(**fields),)))  # type: ignore[arg-type]


def test_flags_are_ordered_like_msgcat_and_unknown_flags_are_kept_last() -> None:
    text = entry(msgid="a", msgstr="b",
                 flags=("markdown-text", "python-format", "no-wrap", "fuzzy", "c-format"))
    assert "#, fuzzy, c-format, python-format, no-wrap, markdown-text\n" in text
    # msgcat does not print "fuzzy" for an untranslated entry
    assert "#, c-format, markdown-text\n" in entry(msgid="a", flags=("fuzzy", "c-format",
                                                                      "markdown-text"))


def test_obsolete_entries_go_last_and_untranslated_ones_are_dropped() -> None:
    catalog = Catalog(header=None, messages=(
        Message(msgid="old", msgstr="ចាស់", obsolete=True),
        Message(msgid="gone", obsolete=True),
        Message(msgid="new", msgstr="ថ្មី"),
    ))
    assert format_po(catalog) == (
        'msgid "new"\nmsgstr "ថ្មី"\n\n#~ msgid "old"\n#~ msgstr "ចាស់"\n'
    )


def test_long_strings_wrap_at_79_columns_and_after_newlines() -> None:
    text = entry(msgid="word " * 20 + "end", msgstr="one\ntwo")
    lines = text.splitlines()
    assert lines[0] == 'msgid ""'
    assert all(len(line) <= 79 for line in lines)
    assert lines[-3:] == ['msgstr ""', '"one\\n"', '"two"']
    # Khmer: no spaces; breaks only after U+200B and ។, combining marks take no column
    khmer = "\u200b".join(["សួស្តីឆ្នាំថ្មី"] * 12) + "។"
    wrapped = entry(msgid="k", msgstr=khmer).splitlines()
    assert wrapped[1] == 'msgstr ""'
    assert all(line.startswith('"') and line.endswith('\u200b"') for line in wrapped[2:-1])


def test_references_are_joined_wrapped_and_file_names_with_spaces_isolated() -> None:
    refs = tuple(f"content/articles/a-long-article-name-{i}.md:{i * 10}" for i in range(4))
    text = entry(msgid="a", references=(*refs, "./x.md:1", "my file.md:12", "my file.md:30"))
    assert text.splitlines()[:4] == [
        "#: content/articles/a-long-article-name-0.md:0",
        "#: content/articles/a-long-article-name-1.md:10",
        "#: content/articles/a-long-article-name-2.md:20",
        "#: content/articles/a-long-article-name-3.md:30 x.md:1 \u2068my file.md\u2069:12",
    ]
    assert text.splitlines()[4] == "#: file.md\u2069:30"  # as msgcat 0.21 would print it
    assert parse_po(text, "t.po").messages[0].references[-2:] == ("my file.md:12", "my file.md:30")


# =============================================================================================
# 3. Parse errors, each at its line
# =============================================================================================

ERRORS = [
    ("unterminated", 'msgid "a"\nmsgstr "b\n', [(2, "po-syntax", "unterminated string")]),
    ("bad-escape", 'msgid "a"\nmsgstr ""\n"x\\qy"\n', [(3, "po-syntax", "invalid escape")]),
    ("unknown-keyword", 'msgid "a"\nmsgstr "b"\n\nmsgtxt "c"\n',
     [(4, "po-syntax", "unknown keyword")]),
    ("msgstr-without-msgid", '# c\nmsgstr "b"\n', [(2, "po-syntax", "msgstr without msgid")]),
    ("missing-msgstr", 'msgid "a"\n\nmsgid "b"\nmsgstr "c"\n', [(1, "po-syntax", "no msgstr")]),
    ("missing-msgstr-at-eof", 'msgid "a"\nmsgstr "b"\n\n#: x.md:1\nmsgid "c"\n',
     [(5, "po-syntax", "no msgstr")]),
    ("plural-gap", 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[2] "y"\n',
     [(4, "po-syntax", "msgstr[2] where msgstr[1] was expected")]),
    ("duplicate",
     'msgid "a"\nmsgstr "b"\n\nmsgctxt "t"\nmsgid "a"\nmsgstr ""\n\nmsgid "a"\nmsgstr "c"\n',
     [(8, "po-duplicate", "first defined at line 1")]),
    ("bom", '\ufeffmsgid "a"\nmsgstr "b"\n', [(1, "po-encoding", "byte order mark")]),
    ("crlf", 'msgid "a"\nmsgstr "b"\r\n', [(2, "po-encoding", "line endings")]),
    ("several", 'msgid "a\\z"\nmsgstr "b"\n\nmsgid "c"\nmsgstr "d\n\nfoo\n',
     [(1, "po-syntax", "invalid escape"), (5, "po-syntax", "unterminated"),
      (7, "po-syntax", "unknown keyword")]),
]


@pytest.mark.parametrize("text,expected", [(t, e) for _, t, e in ERRORS],
                         ids=[n for n, _, _ in ERRORS])
def test_parse_errors_are_reported_at_their_line(
    text: str, expected: list[tuple[int, str, str]]
) -> None:
    with pytest.raises(PipelineError) as caught:
        parse_po(text, "locale/km/t.po")
    found = caught.value.diagnostics
    assert [(d.line, d.code) for d in found] == [(line, code) for line, code, _ in expected]
    for d, (_, _, words) in zip(found, expected):
        assert words in d.message and d.path == "locale/km/t.po" and d.hint


def test_hints_for_bom_and_line_endings() -> None:
    with pytest.raises(PipelineError) as caught:
        parse_po('\ufeffmsgid "a"\r\nmsgstr "b"\r\n', "t.po")
    hints = [d.hint for d in caught.value.diagnostics]
    assert any("without BOM" in h for h in hints) and any("LF" in h for h in hints)


def test_decode_po_points_at_the_line_of_the_first_invalid_byte() -> None:
    data = 'msgid "a"\nmsgstr "ក"\n\nmsgid "b"\nmsgstr "'.encode() + b"\xe1\x9e" + b'"\n'
    with pytest.raises(PipelineError) as caught:
        decode_po(data, "t.po")
    (d,) = caught.value.diagnostics
    assert (d.line, d.code, d.path) == (5, "po-encoding", "t.po")


def test_full_grammar_is_read() -> None:
    text = "\n".join([
        "# translator", "#", "#. extracted", "#: a.md:1 b.md:2", "#: c.md", "#, fuzzy, c-format",
        '#| msgctxt "old ctx"', '#| msgid "old "', '#| "text"', '#| msgid_plural "olds"',
        'msgctxt "ctx"', 'msgid "one %d"', 'msgid_plural "many %d"',
        'msgstr[0] "\\303\\251\\x41 %d"', "",
        '#~| msgid "prev"', '#~ msgctxt "c"', '#~ msgid "gone"', '#~ msgstr ""',
        '#~ "\\t\\"q\\"\\\\"',
        "",
    ])
    catalog = parse_po(text, "t.po")
    assert catalog.header is None
    m, old = catalog.messages
    assert m == Message(
        msgid="one %d", msgid_plural="many %d", msgstr_plural=("éA %d",), msgctxt="ctx",
        flags=("fuzzy", "c-format"), translator_comments=("translator", ""),
        extracted_comments=("extracted",), references=("a.md:1", "b.md:2", "c.md"),
        previous_msgctxt="old ctx", previous_msgid="old text", previous_msgid_plural="olds",
        line=12,
    )
    assert (old.obsolete, old.msgctxt, old.msgid, old.msgstr, old.previous_msgid, old.line) == (
        True, "c", "gone", '\t"q"\\', "prev", 18)


def test_header_is_the_active_entry_with_empty_msgid_and_no_context() -> None:
    text = 'msgid ""\nmsgstr "Language: km\\n"\n\nmsgctxt "x"\nmsgid ""\nmsgstr "not header"\n'
    catalog = parse_po(text, "t.po")
    assert catalog.header is not None and catalog.header.line == 1
    assert catalog.header_field("language") == "km"
    assert [m.msgctxt for m in catalog.messages] == ["x"]


# =============================================================================================
# 4. Other tools' line wrapping does not matter
# =============================================================================================

_STRING_LINE = re.compile(
    r'^(#~ |#\| |#~\| )?(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


def rewrap(text: str, chunk: int) -> str:
    """Re-wrap every string the way Poedit does: `keyword ""` then pieces of `chunk` characters
    (never splitting an escape sequence), whatever msgcat did."""
    out: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = _STRING_LINE.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        prefix = m.group(1) or ""
        body = m.group(3)[1:-1]
        i += 1
        while i < len(lines) and lines[i].startswith(prefix + '"'):
            body += lines[i][len(prefix) + 1 : -1]
            i += 1
        pieces = re.findall(r"(?:\\.|[^\\]){1,%d}" % chunk, body)
        out.append(f'{prefix}{m.group(2)} ""')
        out.extend(f'{prefix}"{p}"' for p in pieces)
    return "\n".join(out)


@pytest.mark.parametrize("chunk", [1, 7, 30, 200])
def test_rewrapped_catalog_parses_to_the_same_messages(chunk: int) -> None:
    catalog = Catalog(header=HEADER, messages=(
        Message(msgid="Read more about the water festival in Phnom Penh and the boat races on "
                "the Tonle Sap river, which draw crowds from all provinces.",
                msgstr="អានបន្ថែម\u200bអំពី\u200bបុណ្យ\u200bអុំទូក\u200bនៅ\u200bភ្នំពេញ។\n"
                "ទូក\u200bមក\u200bពី\u200bគ្រប់\u200bខេត្ត។", flags=("fuzzy", "markdown-text"),
                previous_msgid="Read more about the water festival\nin Phnom Penh.",
                references=("content/water-festival.md:12",)),
        Message(msgid='Say "hi" \\ bye\t!', msgstr='និយាយ "សួស្តី" \\ លា\t!', msgctxt="title"),
        Message(msgid="old paragraph", msgstr="កថាខណ្ឌ\u200bចាស់", obsolete=True),
    ))
    text = format_po(catalog)
    other = rewrap(text, chunk)
    assert other != text
    assert same_messages(parse_po(other, "poedit.po"), catalog)
    assert format_po(parse_po(other, "poedit.po")) == text
