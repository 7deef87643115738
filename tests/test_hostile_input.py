"""Hostile input, by class: characters XML forbids and front matter outside the safe profile of YAML.

Issue 15, items 3 and 4. Every forbidden code point (not a sample) is tried in an article body, in a
front-matter value through a YAML escape and in a catalog string through a PO escape, and each
reaches `check`, `extract` and `build` as a located error that changes nothing on disk. Front
matter: alias bombs, self-reference, deep nesting, oversized documents, duplicate keys at every
level, each typed key with each wrong type, URL-valued keys, and misspelt keys.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, Project, assert_xml_well_formed, snapshot
from pipeline.config import CollectionConfig
from pipeline.content import Article, check_front_matter, decode_source, parse_article
from pipeline.errors import PipelineError
from pipeline.po import decode_po, parse_po

# The characters XML 1.0 forbids (its Char production), written out from the specification rather
# than taken from the code under test: C0 controls but tab, line feed and carriage return, the
# noncharacters U+FFFE and U+FFFF, and the surrogates (which UTF-8 cannot carry alone).
CONTROLS = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]
NONCHARACTERS = [0xFFFE, 0xFFFF]
SURROGATE_EDGES = [0xD800, 0xDBFF, 0xDC00, 0xDFFF]
FORBIDDEN = CONTROLS + NONCHARACTERS + SURROGATE_EDGES
ALLOWED = [0x09, 0x0A, 0x20, 0x7F, 0x85, 0xA0, 0xD7FF, 0xE000, 0xFFFD, 0x10000, 0x10FFFF]
LANGUAGES = ("en", "km")
CENTERS = CollectionConfig(translate=("name", "description", "contact.address", "facilities[*]"),
                           required=("name",))


def code(point: int) -> str:
    return f"U+{point:04X}"


def utf8_escapes(point: int) -> str:
    """The PO escape of a code point: its UTF-8 bytes as octal escapes (surrogates encoded as
    CESU-8 would, which is what a tool that mishandles them writes)."""
    return "".join(f"\\{byte:03o}" for byte in chr(point).encode("utf-8", "surrogatepass"))


def po_escape(point: int) -> str:
    return f"\\x{point:02x}" if point < 0x20 else utf8_escapes(point)


def article(front_matter: str, body: str = "A paragraph.\n") -> str:
    return "---\n" + front_matter + "---\n" + body


def parse(text: str, path: str = "content/news/x.md") -> Article:
    return parse_article(text, "news/x", path, "en")


def errors_of(call) -> list[str]:
    with pytest.raises(PipelineError) as caught:
        call()
    return [str(d) for d in caught.value.diagnostics]


def findings(front_matter: str, collection: CollectionConfig = CollectionConfig()) -> list[str]:
    return [str(d) for d in check_front_matter(parse(article(front_matter)), collection, LANGUAGES)]


# --- characters XML forbids: the parsers --------------------------------------------------------------


@pytest.mark.parametrize("point", CONTROLS + NONCHARACTERS, ids=code)
def test_a_forbidden_character_in_the_body_is_located(point: int) -> None:
    text = article("title: T\ndate: 2025-08-13\n", f"First line.\n\nSecond {chr(point)} line.\n")
    assert errors_of(lambda: parse(text)) == [
        f"content/news/x.md:7: error: {code(point)} ({'a control character' if point < 0x20 else 'a noncharacter'})"
        " is a character XML forbids: no page, feed or sitemap can carry it [character]"]


@pytest.mark.parametrize("point", SURROGATE_EDGES, ids=code)
def test_a_lone_surrogate_in_an_article_file_is_named(point: int) -> None:
    data = (article("title: T\ndate: 2025-08-13\n", "One.\n\nTwo ").encode()
            + chr(point).encode("utf-8", "surrogatepass"))
    assert errors_of(lambda: decode_source(data, "content/news/x.md")) == [
        f"content/news/x.md:7: error: {code(point)} (a lone surrogate) is a character XML forbids: "
        "no page, feed or sitemap can carry it [character]"]


@pytest.mark.parametrize("where", ["top", "nested", "key"])
@pytest.mark.parametrize("point", FORBIDDEN, ids=code)
def test_a_yaml_escape_of_a_forbidden_character_is_located(point: int, where: str) -> None:
    escape = f"\\u{point:04x}"
    front = {"top": f'title: T\ndate: 2025-08-13\ndescription: "before {escape} after"\n',
             "nested": f'title: T\ndate: 2025-08-13\nteam:\n  member:\n    - role: "x{escape}"\n',
             "key": f'title: T\ndate: 2025-08-13\n\n"odd{escape}": 1\n'}[where]
    line = {"top": 4, "nested": 6, "key": 5}[where]
    found = errors_of(lambda: parse(article(front)))
    assert len(found) == 1 and found[0].startswith(f"content/news/x.md:{line}: error: {code(point)} ("), found


@settings(max_examples=200, deadline=None)
@given(st.integers(0xD800, 0xDFFF), st.sampled_from(["u", "U"]))
def test_every_surrogate_escape_in_front_matter_is_refused(point: int, form: str) -> None:
    escape = f"\\u{point:04X}" if form == "u" else f"\\U{point:08x}"
    found = errors_of(lambda: parse(article(f'title: T\nplace: "{escape}"\n')))
    assert found == [f"content/news/x.md:3: error: {code(point)} (a lone surrogate) is a character XML forbids: "
                     "no page, feed or sitemap can carry it [character]"]


PO_HEAD = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


@pytest.mark.parametrize("field", ["msgstr", "msgid", "msgctxt", "continuation", "plural"])
@pytest.mark.parametrize("point", FORBIDDEN, ids=code)
def test_a_po_escape_of_a_forbidden_character_is_located(point: int, field: str) -> None:
    escape = po_escape(point)
    entry = {"msgstr": f'#: content/news/x.md:5\nmsgid "Hello"\nmsgstr "ជំរាប{escape}សួរ"\n',
             "msgid": f'#. a comment\nmsgid "Hel{escape}lo"\nmsgstr "ជំរាបសួរ"\n',
             "msgctxt": f'msgctxt "title{escape}"\nmsgid "Hello"\nmsgstr "ជំរាបសួរ"\n',
             "continuation": f'msgid "Hello"\nmsgstr ""\n"ជំរាប"\n"{escape}សួរ"\n',
             "plural": f'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "{escape}"\n'}[field]
    text = PO_HEAD + 'msgid "Before"\nmsgstr "មុន"\n\n' + entry + '\nmsgid "After"\nmsgstr "ក្រោយ"\n'
    line = text.splitlines().index(next(l for l in text.splitlines() if l.startswith("msgid") and
                                        ("Hel" in l or "one" in l))) + 1
    found = errors_of(lambda: parse_po(text, "locale/km/LC_MESSAGES/news/x.po"))
    assert len(found) == 1, found
    assert found[0].startswith(f"locale/km/LC_MESSAGES/news/x.po:{line}: error: "), found
    assert f"{code(point)} (" in found[0] and "[po-character]" in found[0]


@pytest.mark.parametrize("point", CONTROLS + NONCHARACTERS, ids=code)
def test_a_raw_forbidden_character_in_a_catalog_string_is_located(point: int) -> None:
    text = PO_HEAD + f'#. fine\nmsgid "Hello"\nmsgstr "ជំរាប{chr(point)}សួរ"\n'
    assert errors_of(lambda: parse_po(text, "x.po")) == [
        f"x.po:6: error: msgstr: {code(point)} ({'a control character' if point < 0x20 else 'a noncharacter'}) "
        "is a character XML forbids: no page, feed or sitemap can carry it [po-character]"]


@settings(max_examples=200, deadline=None)
@given(st.integers(0xD800, 0xDFFF))
def test_every_escaped_surrogate_in_a_catalog_is_refused(point: int) -> None:
    text = PO_HEAD + f'msgid "Hello"\nmsgstr "{utf8_escapes(point)}"\n'
    assert errors_of(lambda: parse_po(text, "x.po")) == [
        f"x.po:5: error: msgstr: {code(point)} (a lone surrogate) is a character XML forbids: no page, feed or "
        "sitemap can carry it [po-character]"]


@pytest.mark.parametrize("point", SURROGATE_EDGES, ids=code)
def test_a_lone_surrogate_in_a_catalog_file_is_named(point: int) -> None:
    data = (PO_HEAD + 'msgid "Hello"\nmsgstr "').encode() + chr(point).encode("utf-8", "surrogatepass") + b'"\n'
    assert errors_of(lambda: decode_po(data, "x.po")) == [
        f"x.po:6: error: {code(point)} (a lone surrogate) is a character XML forbids: no page, feed or "
        "sitemap can carry it [po-character]"]


@pytest.mark.parametrize("point", ALLOWED, ids=code)
def test_characters_xml_allows_pass_everywhere(point: int) -> None:
    char = chr(point)
    escape = f"\\U{point:08x}"
    parsed = parse(article(f'title: "T{escape}"\ndate: 2025-08-13\n', f"Body {char} text.\n"))
    assert parsed.metadata["title"] == "T" + char
    catalog = parse_po(PO_HEAD + f'msgid "Hello"\nmsgstr "{po_escape(point) if point < 0x20 else char}"\n', "x.po")
    assert catalog.messages[0].msgstr == char


def test_a_control_character_in_a_comment_is_not_an_error() -> None:
    """Comments reach no page: a stray control character there is kept as it is."""
    text = PO_HEAD + '# note \x01 pasted\nmsgid "Hello"\nmsgstr "ជំរាបសួរ"\n'
    assert parse_po(text, "x.po").messages[0].translator_comments == ("note \x01 pasted",)


# --- characters XML forbids: check, extract and build --------------------------------------------------


COMMANDS = (["check"], ["extract"], ["build", "--now", "2025-09-01", "--strict"])


def refused_everywhere(project: Project, capsys: pytest.CaptureFixture, expected: list[str]) -> None:
    """check, extract and build each exit 1 naming every expected `path:line: error: …`, raise
    nothing (the CLI runs in-process: a traceback would fail the test) and change no file."""
    capsys.readouterr()
    before = snapshot(project.root)
    for command in COMMANDS:
        assert project.run(*command) == 1, command
        err = capsys.readouterr().err
        missing = [line for line in expected if line not in err]
        assert not missing, (command, missing, err[:3000])
        assert "Traceback" not in err
    assert snapshot(project.root) == before


def test_every_forbidden_character_in_a_body_is_refused_by_every_command(ready: Project, capsys) -> None:
    expected = []
    for point in CONTROLS + NONCHARACTERS:
        name = f"content/news/c{point:04x}.md"
        ready.write(name, article("title: Odd\ndate: 2025-08-13\n", f"One.\n\nTwo {chr(point)} three.\n"))
        expected.append(f"{name}:7: error: {code(point)} (")
    for point in SURROGATE_EDGES:  # a lone surrogate can only be written as (invalid) UTF-8 bytes
        name = f"content/news/s{point:04x}.md"
        (ready.root / name).write_bytes(article("title: Odd\ndate: 2025-08-13\n", "One.\n\nTwo ").encode()
                                        + chr(point).encode("utf-8", "surrogatepass") + b" three.\n")
        expected.append(f"{name}:7: error: {code(point)} (a lone surrogate)")
    refused_everywhere(ready, capsys, expected)


def test_every_forbidden_character_in_front_matter_is_refused_by_every_command(ready: Project, capsys) -> None:
    expected = []
    for point in FORBIDDEN:
        name = f"content/news/f{point:04x}.md"
        ready.write(name, article(f'title: Odd\ndate: 2025-08-13\ndescription: "a \\u{point:04X} b"\n'))
        expected.append(f"{name}:4: error: {code(point)} (")
    refused_everywhere(ready, capsys, expected)


def test_every_forbidden_character_in_a_translation_is_refused_by_every_command(ready: Project, capsys) -> None:
    ready.write("content/news/many.md", article("title: Many\ndate: 2025-08-13\n",
                                                "".join(f"Paragraph {point:04x}.\n\n" for point in FORBIDDEN)))
    assert ready.run("extract") == 0
    po = ready.root / "locale/km/LC_MESSAGES/news/many.po"
    text = po.read_text(encoding="utf-8")
    for point in FORBIDDEN:
        text = text.replace(f'msgid "Paragraph {point:04x}."\nmsgstr ""',
                            f'msgid "Paragraph {point:04x}."\nmsgstr "កថាខណ្ឌ {po_escape(point)}"')
    po.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    msgid_lines = {point: lines.index(f'msgid "Paragraph {point:04x}."') + 1 for point in FORBIDDEN}
    expected = [f"locale/km/LC_MESSAGES/news/many.po:{msgid_lines[point]}: error: msgstr: {code(point)} ("
                for point in FORBIDDEN]
    refused_everywhere(ready, capsys, expected)


# --- front matter: anchors, aliases, bombs, nesting, size ---------------------------------------------


def billion_laughs(levels: int = 9, kind: str = "sequence") -> str:
    lines = ['lol0: &a0 "lol"']
    for level in range(1, levels + 1):
        refs = [f"*a{level - 1}"] * 9
        body = ("[" + ", ".join(refs) + "]" if kind == "sequence" else
                "{" + ", ".join(f"k{i}: {ref}" for i, ref in enumerate(refs)) + "}")
        lines.append(f"lol{level}: &a{level} {body}")
    return "\n".join(lines) + "\n"


def merge_bomb(levels: int = 9) -> str:
    lines = ["m0: &m0 {a: lol, b: lol}"]
    for level in range(1, levels + 1):
        refs = ", ".join([f"*m{level - 1}"] * 9)
        lines.append(f"m{level}: &m{level}\n  <<: *m{level - 1}\n  x{level}: [{refs}]")
    return "\n".join(lines) + "\n"


BOMBS = {  # front matter (after `title` on line 2 and `date` on line 3) → the line of the first anchor/alias
    "billion-laughs-sequences": (billion_laughs(9, "sequence"), 4, "anchor &a0"),
    "billion-laughs-mappings": (billion_laughs(9, "mapping"), 4, "anchor &a0"),
    "merge-keys": (merge_bomb(9), 4, "anchor &m0"),
    "self-reference-sequence": ("loop: &a [1, *a]\n", 4, "anchor &a"),
    "self-reference-mapping": ("loop: &a {k: *a}\n", 4, "anchor &a"),
    "self-reference-block": ("x: 1\nloop: &a\n  inner: *a\n", 5, "anchor &a"),
    "alias-without-anchor": ("x: 1\ny: *nowhere\n", 5, "alias *nowhere"),
    "anchor-on-a-key": ("&k key: v\n", 4, "anchor &k"),
    "merge-key-inline": ("x:\n  <<: {a: 1}\n  b: 2\n", 5, "merge keys (<<)"),
}


def run_cli(project: Project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "--root", str(project.root), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=120)


@pytest.mark.parametrize("case", sorted(BOMBS))
def test_anchors_aliases_and_merge_keys_are_located_errors(case: str) -> None:
    body, line, what = BOMBS[case]
    found = errors_of(lambda: parse(article("title: T\ndate: 2025-08-13\n" + body)))
    assert len(found) == 1 and found[0].startswith(f"content/news/x.md:{line}: error: {what}"), found


def deep_flow(depth: int) -> str:
    return "x: " + "[" * depth + "]" * depth + "\n"


def deep_block(depth: int) -> str:
    return "".join("  " * level + f"k{level}:\n" for level in range(depth)) + "  " * depth + "v: 1\n"


NESTING = {  # front matter → the line of the error
    "flow-sequences-100000": (deep_flow(100_000), 4),
    "flow-mappings-50000": ("x: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n", 4),
    "flow-just-over-the-limit": (deep_flow(32), 4),
    "block-mappings-200": (deep_block(200), 4 + 32),  # the 33rd mapping (the root is the 1st) starts there
    "block-sequences-200": ("x:\n  " + "- " * 200 + "a\n", 5),
    "mixed-100": ("x:\n" + "".join(" " * (2 + 4 * i) + "- a:\n" for i in range(100)) + " " * 404 + "1\n", 4 + 16),
}


@pytest.mark.parametrize("case", sorted(NESTING))
def test_deep_nesting_is_a_located_error_not_a_crash(case: str) -> None:
    body, line = NESTING[case]
    found = errors_of(lambda: parse(article("title: T\ndate: 2025-08-13\n" + body)))
    assert len(found) == 1 and found[0].startswith(f"content/news/x.md:{line}: error: "), found
    assert "nest" in found[0] or "nesting" in found[0]


def test_nesting_within_the_limit_is_read() -> None:
    parsed = parse(article("title: T\n" + deep_flow(31)))
    value, depth = parsed.metadata["x"], 0
    while isinstance(value, list):
        value, depth = value[0] if value else None, depth + 1
    assert depth == 31


def test_oversized_front_matter_is_a_located_error() -> None:
    big = "".join(f"key{i}: {'x' * 100}\n" for i in range(12_000))
    found = errors_of(lambda: parse(article("title: T\n" + big)))
    assert found[0].startswith("content/news/x.md:2: error: the front matter is ") and "the limit is" in found[0]


def test_a_number_too_long_for_python_is_a_located_error() -> None:
    found = errors_of(lambda: parse(article("title: T\ncount: " + "7" * 5000 + "\n")))
    assert found[0].startswith("content/news/x.md:3: error: invalid YAML in front matter: the number 777")


@pytest.mark.parametrize("case", ["billion-laughs-sequences", "billion-laughs-mappings", "merge-keys",
                                  "self-reference-mapping", "flow-sequences-100000", "block-mappings-200"])
def test_yaml_bombs_stop_every_command_in_a_real_process(ready: Project, case: str) -> None:
    body, line = (BOMBS[case][:2] if case in BOMBS else NESTING[case])
    ready.write("content/news/bomb.md", article("title: T\ndate: 2025-08-13\n" + body))
    before = snapshot(ready.root)
    for command in COMMANDS:
        result = run_cli(ready, *command)
        assert result.returncode == 1, (command, result.stderr[-2000:])
        assert f"content/news/bomb.md:{line}: error: " in result.stderr, (command, result.stderr[-2000:])
        assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr
    assert snapshot(ready.root) == before


# --- front matter: duplicate keys -----------------------------------------------------------------------

DUPLICATES = {  # front matter → (line of the second occurrence, key, line of the first)
    "top-level": ("title: T\ndate: 2025-08-13\ntitle: U\n", 4, "title", 2),
    "quoted-and-plain": ("title: T\ndate: 2025-08-13\n'title': U\n", 4, "title", 2),
    "nested-mapping": ("title: T\ncontact:\n  phone: 1\n  address: a\n  phone: 2\n", 6, "phone", 4),
    "mapping-in-a-list": ("title: T\nteam:\n  - name: a\n    role: r\n    name: b\n", 6, "name", 4),
    "flow-mapping": ("title: T\nx: {a: 1, b: 2, a: 3}\n", 3, "a", 3),
    "deep": ("title: T\na:\n  b:\n    c:\n      d: 1\n      e: 2\n      d: 3\n", 8, "d", 6),
}


@pytest.mark.parametrize("case", sorted(DUPLICATES))
def test_a_duplicate_key_is_located_at_its_second_occurrence(case: str) -> None:
    body, line, key, first = DUPLICATES[case]
    assert errors_of(lambda: parse(article(body))) == [
        f"content/news/x.md:{line}: error: duplicate key {key!r}: it is already set on line {first} [front-matter]"]


KEY_NAMES = st.from_regex(r"k[a-z0-9_]{0,8}", fullmatch=True)  # never read as a boolean or null
TREES = st.recursive(st.integers(0, 99), lambda children: st.dictionaries(KEY_NAMES, children, min_size=1, max_size=4),
                     max_leaves=12)


@st.composite
def nested_mappings(draw) -> tuple[list[str], int, int]:
    """YAML lines of random nested block mappings in which one mapping (any of them) gives one of
    its keys a second time, and the indexes of the first and second occurrences."""
    tree = draw(st.dictionaries(KEY_NAMES, TREES, min_size=1, max_size=4))
    target, which = draw(st.integers(0, 50)), draw(st.integers(0, 3))
    lines: list[str] = []
    order: list[tuple[int, int]] = []  # per mapping in pre-order: (first, second) if it were the one

    def render(mapping: dict, indent: int) -> None:
        me = len(order)
        order.append((0, 0))
        starts = {}
        for key, child in mapping.items():
            starts[key] = len(lines)
            if isinstance(child, dict):
                lines.append(" " * indent + f"{key}:")
                render(child, indent + 2)
            else:
                lines.append(" " * indent + f"{key}: {child}")
        if me == target % count(tree):
            key = list(mapping)[which % len(mapping)]
            order[me] = (starts[key], len(lines))
            lines.append(" " * indent + f"{key}: again")

    render(tree, 0)
    first, second = next(pair for pair in order if pair != (0, 0))
    return lines, first, second


def count(mapping: dict) -> int:
    return 1 + sum(count(child) for child in mapping.values() if isinstance(child, dict))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nested_mappings())
def test_duplicate_keys_are_found_at_any_depth(case: tuple[list[str], int, int]) -> None:
    lines, first, second = case
    found = errors_of(lambda: parse(article("\n".join(lines) + "\n")))
    key = lines[second].strip().split(":")[0]
    assert found == [f"content/news/x.md:{second + 2}: error: duplicate key {key!r}: it is already set on line "
                     f"{first + 2} [front-matter]"]


def test_keys_that_are_not_names_are_located_errors() -> None:
    assert errors_of(lambda: parse(article("title: T\n2024: x\n")))[0].startswith(
        "content/news/x.md:3: error: the key '2024' is not a name (YAML reads it as int)")
    assert errors_of(lambda: parse(article("title: T\n? [a, b]\n: x\n")))[0].startswith(
        "content/news/x.md:3: error: a list or mapping cannot be a key")
    assert parse(article("title: T\n'2024': x\n")).metadata["2024"] == "x"


# --- front matter: typed keys ------------------------------------------------------------------------

WRONG_TYPES = {  # key: [(value as written, what the message calls it)]
    "title": [("2025", "the number 2025"), ("[a, b]", "a list"), ("{a: 1}", "a mapping"),
              ("true", "the boolean true"), ("2025-08-13", "the date 2025-08-13"), ("1.5", "the number 1.5")],
    "description": [("42", "the number 42"), ("[a]", "a list"), ("no", "the boolean false"),
                    ("{x: y}", "a mapping")],
    "image": [("5", "the number 5"), ("[a.png]", "a list"), ("{src: a.png}", "a mapping"), ("yes", "the boolean true")],
}
WRONG_DRAFTS = ['"true"', "'false'", "yes", "no", "on", "off", "Yes", "1", "0", "", "[true]", "{a: 1}", "'yes'",
                "!!bool yes", "2025-08-13", "y"]
GOOD_DRAFTS = ["true", "false", "True", "False", "TRUE", "FALSE"]


@pytest.mark.parametrize("key,value,kind", [(k, v, kind) for k, cases in WRONG_TYPES.items() for v, kind in cases])
def test_a_text_key_of_another_type_is_located(key: str, value: str, kind: str) -> None:
    front = f"{key}: {value}\ndate: 2025-08-13\n" if key == "title" else f"title: T\ndate: 2025-08-13\n{key}: {value}\n"
    found = findings(front)
    line = 2 if key == "title" else 4
    assert f"content/news/x.md:{line}: error: {key} must be text, not {kind} [front-matter]" in found, found


@pytest.mark.parametrize("value", WRONG_DRAFTS)
def test_draft_must_be_true_or_false(value: str) -> None:
    found = findings(f"title: T\ndate: 2025-08-13\ndraft: {value}\n")
    assert [f for f in found if f.startswith("content/news/x.md:4: error: draft must be true or false, not ")], found


@pytest.mark.parametrize("value", GOOD_DRAFTS)
def test_draft_true_or_false_is_fine(value: str) -> None:
    assert findings(f"title: T\ndate: 2025-08-13\ndraft: {value}\n") == []
    assert parse(article(f"title: T\ndraft: {value}\n")).draft is (value.lower() == "true")


@pytest.mark.parametrize("value", WRONG_DRAFTS)
def test_a_wrongly_typed_draft_is_never_published_as_not_a_draft(value: str) -> None:
    """Whatever the check says, the record errs on the side of holding the article back."""
    parsed = parse(article(f"title: T\ndraft: {value}\n"))
    assert parsed.draft or parsed.metadata["draft"] in (False, None)


@pytest.mark.parametrize("value", ["2025-02-30", "'13 August 2025'", "[2025-08-13]", "5", "yesterday", "{y: 2025}"])
def test_date_must_be_a_date(value: str) -> None:
    found = findings(f"title: T\ndate: {value}\n")
    assert [f for f in found if f.startswith("content/news/x.md:3: error: date ") and "is not a valid date" in f], found


@pytest.mark.parametrize("value", ["fr", "kh", "EN", "km_KH", "english"])
def test_lang_must_be_a_configured_language(value: str) -> None:
    found = findings(f"title: T\ndate: 2025-08-13\nlang: {value}\n")
    assert found == [f"content/news/x.md:4: error: lang {value!r} is not one of the configured languages (en, km) "
                     "[front-matter]"]


@pytest.mark.parametrize("value", ["5", "[en]", "''"])
def test_lang_that_is_not_a_code_stops_the_article(value: str) -> None:
    assert errors_of(lambda: parse(article(f"title: T\nlang: {value}\n")))[0].startswith(
        "content/news/x.md:3: error: lang must be a language code")


BAD_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "'  javascript:alert(1)'", '"java\\tscript:alert(1)"',
            "data:image/svg+xml;base64,PHN2Zz4=", "vbscript:msgbox", "//evil.example/x.png", "'\\\\\\\\evil.example/x'",
            "file:///etc/passwd", '"java\\nscript:alert(1)"']
URL_KEYS = ["image", "heroImage", "og_image", "cover-url", "thumbnail", "link", "href", "src", "cover", "url",
            "ogImageUrl", "permalink"]


@pytest.mark.parametrize("key", URL_KEYS)
@pytest.mark.parametrize("value", BAD_URLS)
def test_a_url_valued_key_with_a_forbidden_url_is_located(key: str, value: str) -> None:
    found = findings(f"title: T\ndate: 2025-08-13\n{key}: {value}\n")
    assert [f for f in found
            if f.startswith(f"content/news/x.md:4: error: {key}: ") and f.endswith("[unsafe-url]")], found


@pytest.mark.parametrize("path", ["gallery.images[1]", "links[0].href", "hero.backgroundImage", "seo.og-image"])
def test_nested_url_keys_are_checked_at_their_line(path: str) -> None:
    front = {"gallery.images[1]": "gallery:\n  images:\n    - /a.png\n    - javascript:x\n",
             "links[0].href": "links:\n  - href: javascript:x\n    text: Go\n",
             "hero.backgroundImage": "hero:\n  title: H\n  backgroundImage: 'data:x'\n",
             "seo.og-image": "seo:\n  og-image: vbscript:x\n"}[path]
    line = {"gallery.images[1]": 7, "links[0].href": 5, "hero.backgroundImage": 6, "seo.og-image": 5}[path]
    found = findings("title: T\ndate: 2025-08-13\n" + front)
    assert [f for f in found if f.startswith(f"content/news/x.md:{line}: error: {path}: ")], found


@pytest.mark.parametrize("value", ["https://cdn.example.org/a.png", "http://example.org/a.png", "/assets/a.png",
                                   "'@/assets/news/a.png'", "photo.jpg", "../x/photo.jpg", "'#top'", "mailto:a@b.org",
                                   "'Read more'"])
def test_allowed_urls_and_text_under_url_keys_pass(value: str) -> None:
    for key in ("image", "heroImage", "link"):
        assert findings(f"title: T\ndate: 2025-08-13\n{key}: {value}\n") == []


def test_keys_that_are_not_urls_are_not_judged_as_urls() -> None:
    assert findings("title: T\ndate: 2025-08-13\nnote: 'Note: bring ID'\nlinkTitle: 'Go: now'\n") == []


# --- front matter: did you mean ----------------------------------------------------------------------

TYPOS = [("draf", "draft"), ("dratf", "draft"), ("descripton", "description"), ("Description", "description"),
         ("titel", "title"), ("tilte", "title"), ("Title", "title"), ("dat", "date"), ("lnag", "lang"),
         ("imgae", "image"), ("nmae", "name"), ("adress", "address"), ("facilites", "facilities")]
NOT_TYPOS = ["images", "og_image", "heroImage", "pubDate", "updated", "updatedDate", "linkTitle", "tags", "author",
             "permalink", "category", "summary", "slug", "layout", "weight", "titles", "dates"]


def value_for(key: str) -> str:
    return {"draft": "true", "date": "2025-08-13", "lang": "km"}.get(key, "text")


@pytest.mark.parametrize("typo,meant", TYPOS)
def test_a_misspelt_key_is_an_error_when_the_key_it_resembles_is_absent(typo: str, meant: str) -> None:
    collection = CollectionConfig(translate=("name", "address", "facilities[*]"), required=())
    base = {"title": "T", "date": "2025-08-13"}
    base.pop(meant, None)
    front = "".join(f"{k}: {v}\n" for k, v in base.items()) + f"{typo}: {value_for(meant)}\n"
    found = [f for f in findings(front, collection) if "did you mean" in f]
    assert found == [f"content/news/x.md:{len(base) + 2}: error: unknown key {typo!r}: did you mean `{meant}`? "
                     "[front-matter]"]


@pytest.mark.parametrize("typo,meant", TYPOS)
def test_a_misspelt_key_is_a_warning_when_the_key_it_resembles_is_there_too(typo: str, meant: str) -> None:
    collection = CollectionConfig(translate=("name", "address", "facilities[*]"), required=())
    base = {"title": "T", "date": "2025-08-13", meant: value_for(meant)}
    front = "".join(f"{k}: {v}\n" for k, v in base.items()) + f"{typo}: {value_for(meant)}\n"
    found = [f for f in findings(front, collection) if "did you mean" in f]
    assert found == [f"content/news/x.md:{len(base) + 2}: warning: unknown key {typo!r}: did you mean `{meant}`? "
                     "[front-matter]"]


@pytest.mark.parametrize("key", NOT_TYPOS)
def test_custom_keys_that_resemble_nothing_are_fine(key: str) -> None:
    assert findings(f"title: T\nname: N\ndate: 2025-08-13\n{key}: x\n", CENTERS) == []


def test_real_front_matter_raises_no_finding(corpora: Path) -> None:
    """The ministry's and the other real articles: nothing in them is outside the safe profile, and
    no key of theirs reads as a misspelt one."""
    checked = 0
    for path in sorted((corpora / "real-articles").rglob("*.md")):
        text = decode_source(path.read_bytes(), str(path))
        if not text.startswith("---"):
            continue
        parsed = parse_article(text, "centers/x", str(path), "en")
        found = [str(d) for d in check_front_matter(parsed, CENTERS, LANGUAGES) if "required" not in d.message]
        assert found == [], found
        checked += 1
    assert checked > 100


# --- front matter: check and build -------------------------------------------------------------------


def test_typed_key_errors_stop_check_and_build_and_a_quoted_draft_waits_unpublished(ready: Project, capsys) -> None:
    ready.write("content/news/quoted-draft.md", article('title: Secret\ndate: 2025-08-13\ndraft: "true"\n'))
    ready.write("content/news/yes-draft.md", article("title: Secret\ndate: 2025-08-13\ndraft: yes\n"))
    ready.write("content/news/numbers.md", article("title: 2025\ndate: 2025-08-13\nlang: fr\n"))
    ready.write("content/news/script.md", article("title: T\ndate: 2025-08-13\nimage: javascript:alert(1)\n"
                                                   "heroImage: 'data:text/html,<script>'\n"))
    ready.write("content/news/typo.md", article("title: T\ndate: 2025-08-13\ndraf: true\n"))
    expected = ["content/news/quoted-draft.md:4: error: draft must be true or false, not 'true' (text)",
                "content/news/yes-draft.md:4: error: draft must be true or false, not yes",
                "content/news/numbers.md:2: error: title must be text, not the number 2025",
                "content/news/numbers.md:4: error: lang 'fr' is not one of the configured languages (en, km)",
                "content/news/script.md:4: error: image: 'javascript:alert(1)' uses the javascript: scheme",
                "content/news/script.md:5: error: heroImage: 'data:text/html,<script>' uses the data: scheme",
                "content/news/typo.md:4: error: unknown key 'draf': did you mean `draft`?"]
    # a build publishes no draft, so the drafts' errors are warnings there (issue 17); check and a
    # strict build judge drafts as if published
    as_warnings = [line.replace(": error: ", ": warning: ") if "draft.md" in line else line for line in expected]
    capsys.readouterr()
    before = snapshot(ready.root)
    for command, lines in ((["check"], expected), (["build", "--now", "2025-09-01", "--strict"], expected),
                           (["build", "--now", "2025-09-01"], as_warnings)):
        assert ready.run(*command) == 1, command
        err = capsys.readouterr().err
        assert [line for line in lines if line not in err] == [], (command, err)
    assert snapshot(ready.root) == before
    (ready.root / "content/news/yes-draft.md").unlink()
    for name in ("numbers", "script", "typo"):
        (ready.root / f"content/news/{name}.md").unlink()
    assert ready.run("build", "--now", "2025-09-01", "--strict") == 1  # the quoted draft stops a strict build
    capsys.readouterr()
    from pipeline.cli import main
    assert main(["--root", str(ready.root), "build", "--now", "2025-09-01"]) == 0  # and waits in a normal one
    assert "content/news/quoted-draft.md:4: warning: draft must be true or false" in capsys.readouterr().err
    assert not (ready.root / "site/en/news/quoted-draft").exists()


def test_a_misspelt_key_beside_the_real_one_is_only_a_warning(ready: Project, capsys) -> None:
    from pipeline.cli import main

    ready.write("content/news/both.md", article("title: T\nTitle: U\ndate: 2025-08-13\n"))
    capsys.readouterr()
    assert main(["--root", str(ready.root), "check"]) == 0  # not quiet: warnings are shown
    assert "content/news/both.md:3: warning: unknown key 'Title': did you mean `title`?" in capsys.readouterr().err


# --- the XML checker of the test suite ------------------------------------------------------------------


def test_the_suites_xml_check_names_a_broken_file(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset/>', encoding="utf-8")
    (tmp_path / "en" / "atom.xml").write_text("<feed><title>a \x01 b</title></feed>", encoding="utf-8")
    with pytest.raises(pytest.fail.Exception) as caught:
        assert_xml_well_formed(tmp_path)
    assert str(tmp_path / "en" / "atom.xml") in str(caught.value) and "not well-formed" in str(caught.value)


def test_the_built_feeds_and_sitemap_are_xml(ready: Project) -> None:
    found = sorted(p.relative_to(ready.root / "site").as_posix() for p in (ready.root / "site").rglob("*.xml"))
    assert "sitemap.xml" in found and any(name.endswith("atom.xml") for name in found), found
    assert_xml_well_formed(ready.root / "site")
