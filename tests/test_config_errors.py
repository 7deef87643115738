"""Every mistake in `[tool.pipeline]` is shown at its line of pyproject.toml (exit 2, no traceback),
wherever the table stands in the file; configured collections and the folders under content/ agree,
or the difference is reported with the closest name."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, Project
from pipeline.cli import main
from pipeline.config import COLLECTION_SETTINGS, SETTINGS, config_from_toml, key_lines
from pipeline.disk.project import collection_problems, find_articles, load_config
from pipeline.errors import PipelineError

# Each setting the code reads: a valid value, a value of the wrong type, and values that are wrong.
TOP = {
    "project": ('"site"', "3", ['"two\\nlines"']),
    "version": ('"1.0"', "1.0", ['"1\\r"']),
    "site_name": ('"News"', '["News"]', ['"News\\u0007"']),
    "author": ('"Ministry of Posts"', "1", ['"two\\nlines"']),
    "languages": ('["en", "km"]', '"en km"', ['["en", "kh"]', '["en", "english"]', '["en", "km", "en"]', '["en", 3]']),
    "default_language": ('"en"', "1", ['"fr"']),
    "home_language": ('"km"', "1", ['"fr"', '"kh"', '""']),
    "content_dir": ('"content"', "true", ['""']),
    "locale_dir": ('"locale"', "[]", ['"  "']),
    "site_dir": ('"site"', "1", ['"si\\u0000te"']),
    "templates_dir": ('"templates"', "{}", ['""']),
    "asset_root": ('"content"', "2", ['""']),
    "public_dir": ('"public"', "[]", ['"  "']),
    "glossary": ('"terms/km.csv"', "true", ['""', '"terms/"', '"km\\u0000.csv"']),
    "base_url": ('"https://news.example.org"', "80", ['"news.example.org"', '"ftp://news.example.org"']),
    "min_translated": ("100", '"100"', ["120", "-1", "nan", "inf"]),
    "page_size": ("10", "2.5", ["0", "-3"]),
    "po_wrap": ('"none"', "79.5", ['"None"', "0", "19", "true", '"no-wrap"']),
    "collections": ("{}", '["news"]', ['{ news = 3 }', '{ "news/2025" = {} }', '{ ".hidden" = {} }']),
}
COLLECTION = {
    "translate": ('["title"]', '"title"', ['["title", "not a key!"]', '["title", 3]']),
    "required": ('["title", "date"]', "true", ['["title", "date[x]"]']),
    "lunar_date": ('"line"', "3", ['"yes"', '"Line"']),
}


def test_the_tables_name_every_setting_the_code_reads() -> None:
    assert set(TOP) == set(SETTINGS) and set(COLLECTION) == set(COLLECTION_SETTINGS)


def document(top: dict[str, str], collection: dict[str, str], before: str = "") -> tuple[str, dict[str, int]]:
    """A pyproject.toml with `before`, then these settings, one a line: the text and each setting's line
    (`collections.news.<key>` for the collection's)."""
    lines = [*before.splitlines(), "[tool.pipeline]"]
    where = {}
    for key, value in top.items():
        where[key] = len(lines) + 1
        lines.append(f"{key} = {value}")
    if collection:
        lines += ["", "# the news", "[tool.pipeline.collections.news]"]
        for key, value in collection.items():
            where[f"collections.news.{key}"] = len(lines) + 1
            lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n", where


def valid(skip: str = "") -> dict[str, str]:
    return {key: good for key, (good, _, _) in TOP.items() if key not in (skip, "collections")}


def faults() -> list:
    cases = []
    for key, (_, wrong, bads) in TOP.items():
        for value in [wrong, *bads]:
            cases.append(pytest.param({**valid(key), key: value}, {}, key, id=f"{key}={value}"))
    for key, (_, wrong, bads) in COLLECTION.items():
        for value in [wrong, *bads]:
            others = {k: good for k, (good, _, _) in COLLECTION.items() if k != key}
            cases.append(pytest.param(valid(), {**others, key: value}, f"collections.news.{key}", id=f"{key}={value}"))
    return cases


def swapped(name: str, start: int) -> str:
    """`name` with the first two different letters from `start` on swapped."""
    at = next(i for i in range(start, len(name) - 1) if name[i] != name[i + 1])
    return name[:at] + name[at + 1] + name[at] + name[at + 2:]


def run_check(project: Project, text: str, capsys) -> tuple[int, str]:
    (project.root / "pyproject.toml").write_text(text, encoding="utf-8")
    capsys.readouterr()
    code = main(["--root", str(project.root), "check"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return code, captured.err


@pytest.mark.parametrize("top, collection, key", faults())
def test_each_mistake_is_shown_at_the_line_of_its_setting(project: Project, capsys, top, collection, key) -> None:
    text, where = document(top, collection, before='[project]\nname = "site"\n')
    code, err = run_check(project, text, capsys)
    assert code == 2
    shown = [line for line in err.splitlines() if not line.startswith("  hint:")]
    assert shown and all(line.startswith(f"pyproject.toml:{where[key]}: error: ") for line in shown), err
    assert key.rsplit(".", 1)[-1] in err


@pytest.mark.parametrize("key", [*SETTINGS, *(f"collections.news.{k}" for k in COLLECTION_SETTINGS)])
@pytest.mark.parametrize("misspell", [lambda k: k[:-1], lambda k: swapped(k, 1), lambda k: k.upper()],
                         ids=["letter-dropped", "letters-swapped", "upper-case"])
def test_an_unknown_setting_says_which_it_may_mean(project: Project, capsys, key: str, misspell) -> None:
    name = key.rsplit(".", 1)[-1]
    wrong = misspell(name)
    top, collection = valid(), {"translate": '["title"]'}
    if key.startswith("collections."):
        collection[wrong] = "1"
    else:
        top[wrong] = "1"
    text, where = document(top, collection)
    code, err = run_check(project, text, capsys)
    spot = where[f"collections.news.{wrong}" if key.startswith("collections.") else wrong]
    assert code == 2
    assert f"pyproject.toml:{spot}: error: " in err and f"unknown setting {wrong!r}; did you mean `{name}`?" in err


@pytest.mark.parametrize("text, line", [
    ('[tool.pipeline]\nlanguages = ["en" "km"]\n', 2),
    ('[project]\nname = "x"\n\n[tool.pipeline]\nproject = "a\nversion = "1"\n', 5),
    ('[tool.pipeline]\nproject = "x"\nproject = "y"\n', 3),
    ('[tool.pipeline\nproject = "x"\n', 1),
    ('[tool.pipeline]\n\n\nlanguages = [\n  "en",\n', 5),
])
def test_a_toml_syntax_error_is_shown_at_its_line(project: Project, capsys, text: str, line: int) -> None:
    code, err = run_check(project, text, capsys)
    assert code == 2 and err.startswith(f"pyproject.toml:{line}: error: invalid TOML: ")


def test_bytes_that_are_not_utf8_are_shown_at_their_line(project: Project, capsys) -> None:
    (project.root / "pyproject.toml").write_bytes(b'[tool.pipeline]\nproject = "x"\nsite_name = "\xff"\n')
    capsys.readouterr()
    assert main(["--root", str(project.root), "check"]) == 2
    assert capsys.readouterr().err.startswith("pyproject.toml:3: error: not UTF-8 text")


def test_every_problem_is_shown_at_once_in_the_order_of_the_file(project: Project, capsys) -> None:
    text, where = document({**valid("languages"), "page_size": "0", "languages": '["en", "kh"]', "base_url": '"x"'},
                           {"lunar_date": '"yes"'})
    code, err = run_check(project, text, capsys)
    lines = [int(found) for found in re.findall(r"^pyproject\.toml:(\d+):", err, re.MULTILINE)]
    assert code == 2 and lines == sorted(lines)
    assert set(lines) == {where["page_size"], where["languages"], where["base_url"], where["collections.news.lunar_date"]}


def test_a_list_spanning_lines_is_shown_at_the_wrong_element() -> None:
    text = '[tool.pipeline]\nlanguages = [\n  "en",  # source\n  "kh",\n]\n'
    with pytest.raises(PipelineError) as error:
        config_from_toml(text.encode(), Path("/p"))
    assert [(d.line, "'kh' is the country code" in d.message) for d in error.value.diagnostics] == [(4, True)]


def test_moving_a_setting_in_the_file_changes_no_configuration() -> None:
    """Builds keep what they did by the configuration's value: the lines it was read from are not part of it."""
    one = config_from_toml(b'[tool.pipeline]\nproject = "x"\npage_size = 5\n', Path("/p"))
    two = config_from_toml(b'# a comment\n\n[tool.pipeline]\npage_size = 5\nproject = "x"\n', Path("/p"))
    assert one == two and repr(one) == repr(two) and one.line_of("page_size") == 3 and two.line_of("page_size") == 4


# --- the table anywhere in the file: where each key stands -------------------------------------------

NAMES = st.text("abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=8)
QUOTED = st.text(st.characters(codec="utf-8", exclude_characters='"\\\n\r\x7f', exclude_categories=("Cc", "Cs")),
                 max_size=8)


@st.composite
def keys(draw) -> tuple[str, str]:
    """One key: (how it is written, its name)."""
    name = draw(st.one_of(NAMES, QUOTED))
    style = draw(st.sampled_from(["bare", "basic", "literal"]))
    if style == "bare" and re.fullmatch(r"[A-Za-z0-9_-]+", name):
        return name, name
    if style == "literal" and "'" not in name:
        return f"'{name}'", name
    return '"' + name + '"', name


VALUES = st.sampled_from([
    "1", "-2.5e3", "true", "1979-05-27 07:32:00Z", '"a # not a comment"', "'[tool.pipeline]'",
    '"""\n[tool.pipeline]\nlanguages = 3\n"""', "'''\nkey = [\n'''", '"""quote ""\\"" in it"""""',
    "[\n  1, # ]\n  2,\n]", '[ "x", [ 1, 2 ], { a = 1 } ]', '{ a = 1, "b.c" = "x", d = { e = [1] } }', "[]", "{}",
])


@st.composite
def tables(draw, path: tuple[str, ...], header: str) -> tuple[list[str], dict]:
    """A table: its header, then keys (some dotted) each with a value, comments and blank lines
    between; its lines and where each key is expected, by its path from the top (a line index)."""
    lines, expected = [header + draw(st.sampled_from(["", "  # comment"]))], {path: 0}
    for written, name in draw(st.lists(keys(), max_size=5, unique_by=lambda k: k[1])):
        dotted = draw(st.lists(keys(), max_size=2))
        lines += draw(st.sampled_from([[], [""], ["# a comment = 1"]]))
        expected[(*path, name, *(n for _, n in dotted))] = len(lines)
        key = draw(st.sampled_from([".", " . "])).join([written, *(w for w, _ in dotted)])
        lines += f"{key} = {draw(VALUES)}".split("\n")
    return lines, expected


@st.composite
def documents(draw) -> tuple[str, dict]:
    """Other tables (and `[tool.black]`), then `[tool.pipeline]` written one of several ways."""
    lines, expected = [], {}
    for name in draw(st.lists(NAMES.filter(lambda n: n != "tool"), max_size=3, unique=True)):
        more, where = draw(tables((name,), f"[{name}]"))
        expected.update({path: len(lines) + at for path, at in where.items()})
        lines += more
    if draw(st.booleans()):
        more, where = draw(tables(("tool", "black"), "[tool.black]"))
        expected.update({path: len(lines) + at for path, at in where.items()})
        lines += more
    header = draw(st.sampled_from(["[tool.pipeline]", "[ tool . pipeline ]", '[tool."pipeline"]', "['tool'.pipeline]"]))
    more, where = draw(tables(("tool", "pipeline"), header))
    expected.update({path: len(lines) + at for path, at in where.items()})
    lines += more
    return "\n".join(lines) + "\n", expected


@settings(max_examples=300, deadline=None)
@given(documents())
def test_every_key_is_found_at_its_line(found: tuple[str, dict]) -> None:
    text, expected = found
    tomllib.loads(text)  # the documents made are TOML
    lines = key_lines(text)
    assert {path: lines.get(path) for path in expected} == {path: at + 1 for path, at in expected.items()}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=documents(), key=st.sampled_from(sorted(TOP)), position=st.integers(0, 20), data=st.data())
def test_a_mistake_keeps_its_line_wherever_the_table_stands(before, key: str, position: int, data) -> None:
    """The `[tool.pipeline]` table after other tables, comments and strings that look like it."""
    text, _ = before
    text = re.sub(r"(?m)^\[ ?(tool|'tool')[ .\"]*pipeline\"? ?\]", "[tool.elsewhere]", text)
    _, wrong, bads = TOP[key]
    settings_ = list(valid(key).items())
    settings_.insert(position % (len(settings_) + 1), (key, data.draw(st.sampled_from([wrong, *bads]))))
    faulty, where = document(dict(settings_), {}, before=text)
    with pytest.raises(PipelineError) as error:
        config_from_toml(faulty.encode(), Path("/p"))
    assert {d.line for d in error.value.diagnostics} == {where[key]}


# --- configured collections and the folders under content/ ----------------------------------------

SAMPLE = ("news-and-events", "announcements", "guides")


def sample_site(project: Project) -> Project:
    shutil.copy(REPO / "pyproject.toml", project.root / "pyproject.toml")
    for name in SAMPLE:
        project.write(f"content/{name}/a.md", "---\ntitle: A\ndate: 2025-08-13\n---\nText.\n")
    return project


def findings(project: Project):
    config = load_config(project.root)
    return config, collection_problems(config, find_articles(config).paths())


def test_the_sample_site_has_a_folder_for_each_collection(project: Project) -> None:
    assert findings(sample_site(project))[1] == ()


def test_without_configured_collections_any_folder_is_a_collection(project: Project) -> None:
    (project.root / "pyproject.toml").write_text('[tool.pipeline]\nproject = "x"\n', encoding="utf-8")
    project.write("content/whatever/a.md", "---\ntitle: A\ndate: 2025-08-13\n---\n")
    assert findings(project)[1] == ()


def misspellings(name: str) -> list[str]:
    return [name[:-1], name + "s", name.replace("-", "_"), name.capitalize(), name[:2] + name[3:], swapped(name, 1)]


@pytest.mark.parametrize("name, folder", [(n, m) for n in SAMPLE for m in misspellings(n) if m != n])
def test_a_misspelt_folder_is_an_error_at_its_first_article(project: Project, name: str, folder: str) -> None:
    sample_site(project)
    (project.root / "content" / name).rename(project.root / "content" / folder)
    project.write(f"content/{folder}/b.md", "---\ntitle: B\ndate: 2025-08-13\n---\n")
    config, found = findings(project)
    by_severity = {d.severity: d for d in found}
    assert len(found) == 2 and set(by_severity) == {"error", "warning"}
    error, warning = by_severity["error"], by_severity["warning"]
    assert (error.path, error.line) == (f"content/{folder}/a.md", 0) and f"did you mean `{name}`?" in error.message
    text = (project.root / "pyproject.toml").read_text(encoding="utf-8").splitlines()
    assert warning.path == "pyproject.toml" and text[warning.line - 1] == f"[tool.pipeline.collections.{name}]"
    assert f"did you mean `{folder}`?" in warning.message


def test_a_misspelt_collection_is_a_warning_at_its_line(project: Project) -> None:
    sample_site(project)
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace("collections.guides]", "collections.guide]"),
                         encoding="utf-8")
    config, found = findings(project)
    warning = next(d for d in found if d.path == "pyproject.toml")
    assert warning.severity == "warning" and warning.line == config.line_of("collections", "guide") > 0
    assert "'guide' has no articles" in warning.message and "did you mean `guides`?" in warning.message
    assert any(d.path == "content/guides/a.md" and d.severity == "error" for d in found)


def test_a_folder_unlike_every_collection_takes_the_defaults_with_a_warning(project: Project) -> None:
    sample_site(project)
    project.write("content/press/z.md", "---\ntitle: Z\ndate: 2025-08-13\n---\n")
    project.write("content/press/a.md", "---\ntitle: A\ndate: 2025-08-13\n---\n")
    (found,) = findings(project)[1]
    assert (found.path, found.severity) == ("content/press/a.md", "warning")
    assert "default settings" in found.message and "[tool.pipeline.collections.press]" in found.hint


def test_an_inline_collections_table_is_located_too(project: Project) -> None:
    (project.root / "pyproject.toml").write_text(
        '[tool.pipeline]\nproject = "x"\ncollections = { news = {}, \'guides\' = { lunar_date = "line" } }\n',
        encoding="utf-8")
    project.write("content/news/a.md", "---\ntitle: A\ndate: 2025-08-13\n---\n")
    (found,) = findings(project)[1]
    assert (found.path, found.line, found.severity) == ("pyproject.toml", 3, "warning")
