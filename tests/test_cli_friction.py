"""Everyday friction: the project found from a subfolder, options before or after the command,
an unknown collection refused, a JSON report on every outcome, no traceback into a closed pipe,
a status table that keeps its columns, and the catalogs whose article is gone."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import GOOD, REPO, Project, with_one_translated_article
from pipeline import catalog as catalogs
from pipeline.cli import EXIT_BROKEN_PIPE, main
from pipeline.commands.status import StatusRow, table
from pipeline.disk.project import find_project_root, load_config, orphan_catalogs
from pipeline.errors import PipelineError
from pipeline.model import Diagnostic

KHMER_ID = "news/ព័ត៌មាន-ថ្មីៗ"
LONG_ID = "news/" + "an-article-whose-name-is-much-longer-than-any-column-was-" * 2 + "end"


def run(*args: str) -> int:
    """The CLI in-process, with the arguments exactly as given (no --root, no -q added)."""
    return main(list(args))


# --- the project folder, found from a subfolder ---------------------------------------------------------


@pytest.mark.parametrize("subfolder", ["", "content", "content/news", "locale/km/LC_MESSAGES/news", "templates/static",
                                       "a/folder/nobody/made/yet"])
def test_the_project_is_found_from_any_folder_inside_it(ready: Project, subfolder: str, monkeypatch, capsys) -> None:
    here = ready.root / subfolder
    here.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(here)
    capsys.readouterr()
    assert run("status") == 0
    assert "news/good" in capsys.readouterr().out
    assert find_project_root(here) == ready.root


def test_a_pyproject_without_the_pipeline_table_is_passed_over(ready: Project, monkeypatch, capsys) -> None:
    """A Python package kept inside the project has a pyproject.toml of its own: not the project."""
    inner = ready.root / "tools/helper"
    inner.mkdir(parents=True)
    (inner / "pyproject.toml").write_text('[project]\nname = "helper"\n', encoding="utf-8")
    monkeypatch.chdir(inner)
    assert find_project_root(inner) == ready.root
    assert run("-q", "check") == 0


def test_a_broken_pyproject_of_the_project_is_reported_not_skipped(project: Project, monkeypatch, capsys) -> None:
    (project.root / "pyproject.toml").write_text('[tool.pipeline]\nlanguages = ["en", "km"\n', encoding="utf-8")
    (project.root / "content/news").mkdir(parents=True)
    monkeypatch.chdir(project.root / "content/news")
    capsys.readouterr()
    assert run("check") == 2
    assert capsys.readouterr().err.startswith("pyproject.toml:")


def test_outside_any_project_one_line_and_exit_2(tmp_path: Path, monkeypatch, capsys) -> None:
    outside = tmp_path / "somewhere/else"
    outside.mkdir(parents=True)
    if find_project_root(outside) is not None:
        pytest.skip("a folder above the temporary folder is a pipeline project")
    monkeypatch.chdir(outside)
    capsys.readouterr()
    assert run("build") == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1
    assert "[tool.pipeline]" in captured.err and "--root" in captured.err and "Traceback" not in captured.err


def test_root_given_wins_over_the_current_folder(ready: Project, tmp_path: Path, monkeypatch, capsys) -> None:
    other = Project(tmp_path / "other")
    other.write("content/news/elsewhere.md", GOOD)
    monkeypatch.chdir(ready.root / "content")
    capsys.readouterr()
    assert run("status", "--root", str(other.root)) == 0
    out = capsys.readouterr().out
    assert "news/elsewhere" in out and "news/good" not in out


# --- --root, -q and -v before or after the command ------------------------------------------------------


def _arguments(command: str, project: Project) -> list[str]:
    """What each command needs besides the options, on a project made by `with_one_translated_article`."""
    if command == "new":
        return ["new", "news/another"]
    if command == "mv":
        return ["mv", "news/good", "news/better"]
    if command == "import":
        source = project.root.parent / "old-site"
        for lang, text in (("en", GOOD), ("km", GOOD.replace("Good", "ល្អ"))):
            (source / lang).mkdir(parents=True, exist_ok=True)
            (source / lang / "old.md").write_text(text, encoding="utf-8")
        return ["import", str(source), "--collection", "news"]
    return {"build": ["build", "--now", "2025-09-01"]}.get(command, [command])


QUIET_COMMANDS = ["extract", "build", "check", "new", "mv", "import"]  # each prints a line unless -q


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("command", QUIET_COMMANDS + ["status"])
def test_root_and_quiet_work_before_or_after_the_command(project: Project, tmp_path: Path, monkeypatch, capsys,
                                                         command: str, where: str) -> None:
    with_one_translated_article(project)
    arguments = _arguments(command, project)
    monkeypatch.chdir(tmp_path)  # not in the project: only --root can name it
    options = ["--root", str(project.root), "-q"]
    capsys.readouterr()
    code = run(*(options + arguments if where == "before" else arguments + options))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    if command == "status":
        assert "news/good" in captured.out  # the table is what status prints, quiet or not
    else:
        assert captured.out == ""


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("command", ["extract", "mv"])
def test_verbose_works_before_or_after_the_command(project: Project, monkeypatch, capsys, command: str,
                                                   where: str) -> None:
    with_one_translated_article(project)
    (project.root / "locale/templates/news/good.pot").unlink()  # so that extract writes something
    arguments = _arguments(command, project)
    monkeypatch.chdir(project.root)
    capsys.readouterr()
    assert run(*(["-v"] + arguments if where == "before" else arguments + ["-v"])) == 0
    assert "wrote locale/" in capsys.readouterr().out


@pytest.mark.parametrize("where", ["before", "after"])
def test_serve_takes_the_options_on_either_side(where: str) -> None:
    """serve runs until stopped: its arguments are checked as parsed."""
    from pipeline.cli import _parser

    options = ["--root", "/some/project", "-q", "-v"]
    args = _parser().parse_args(options + ["serve", "--port", "0"] if where == "before"
                                else ["serve", "--port", "0"] + options)
    assert (args.root, args.quiet, args.verbose, args.port) == (Path("/some/project"), True, True, 0)


# --- `pipeline new` into an unknown collection -------------------------------------------------------------


@pytest.mark.parametrize("typed, meant", [("nwes/x", "news"), ("New/x", "news"), ("newss/x", "news"),
                                          ("centres/x", "centers"), ("center/x", "centers"),
                                          ("zzz/x", None)])
def test_new_refuses_an_unknown_collection_with_the_closest_name(project: Project, capsys, typed: str,
                                                                 meant: str | None) -> None:
    """`centers` is configured (with no folder yet), `news` is a folder (not configured)."""
    project.write("content/news/old.md", GOOD)
    capsys.readouterr()
    assert project.run("new", typed) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"content/{typed}.md: error: there is no collection {typed.split('/')[0]!r}")
    assert (f"did you mean `{meant}`?" in err) if meant else "did you mean" not in err
    assert "--new-collection" in err
    assert not (project.root / f"content/{typed}.md").exists()
    assert project.run("new", typed, "--new-collection") == 0
    assert (project.root / f"content/{typed}.md").is_file()


@pytest.mark.parametrize("article_id", ["centers/first", "news/second"])
def test_new_accepts_a_configured_collection_or_an_existing_folder(project: Project, article_id: str) -> None:
    project.write("content/news/old.md", GOOD)
    assert project.run("new", article_id) == 0


# --- --json on every outcome ----------------------------------------------------------------------------

BUILD_KEYS = {"ok", "out", "pages", "assets", "markdown_files", "errors", "held_back", "findings"}
CHECK_KEYS = {"ok", "errors", "warnings", "findings"}


def _json_of(capsys, *args: str) -> tuple[int, dict, str]:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def _translation_error(project: Project) -> None:
    po = project.root / "locale/km/LC_MESSAGES/news/good.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "កថាខណ្ឌល្អ។"',
                                                         'msgstr "កថាខណ្ឌល្អ [x](https://elsewhere.example)។"'),
                  encoding="utf-8")


def _broken_front_matter(project: Project) -> None:
    project.write("content/news/broken.md", "---\ntitle: [unclosed\ndate: 2025-08-13\n---\nText.\n")


def _broken_pyproject(project: Project) -> None:
    (project.root / "pyproject.toml").write_text('[tool.pipeline]\nlanguages = "km"\n', encoding="utf-8")


def _full_disk(monkeypatch, project: Project) -> None:
    from pipeline.commands import build

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(project.root / "site/en/index.html"))
    monkeypatch.setattr(build, "build_site", no_space)


@pytest.mark.parametrize("outcome, code", [("success", 0), ("translation error", 1), ("front matter", 1),
                                           ("pyproject", 2), ("full disk", 1), ("usage", 2)])
def test_build_json_reports_every_outcome(project: Project, monkeypatch, capsys, outcome: str, code: int) -> None:
    with_one_translated_article(project)
    extra = []
    if outcome == "translation error":
        _translation_error(project)
    elif outcome == "front matter":
        _broken_front_matter(project)
    elif outcome == "pyproject":
        _broken_pyproject(project)
    elif outcome == "full disk":
        _full_disk(monkeypatch, project)
    elif outcome == "usage":
        extra = ["--out", str(project.root / "content")]  # a build never replaces a source folder
    found, report, err = _json_of(capsys, "--root", str(project.root), "build", "--json", "--now", "2025-09-01", *extra)
    assert found == code and set(report) == BUILD_KEYS and err == ""
    assert report["ok"] is (code == 0)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert report["errors"] == len(errors) and bool(errors) is (code != 0)
    if outcome == "translation error":
        assert report["held_back"][0]["article"] == "news/good" and errors[0]["code"] == "links"
    if outcome == "full disk":
        assert errors[0]["path"] == "site/en/index.html" and "no space" in errors[0]["message"]
    if outcome in ("front matter", "pyproject"):
        assert all(e["path"] in ("content/news/broken.md", "pyproject.toml") for e in errors)


@pytest.mark.parametrize("outcome, code", [("success", 0), ("pyproject", 2), ("raised", 1), ("full disk", 1)])
def test_check_json_reports_every_outcome(project: Project, monkeypatch, capsys, outcome: str, code: int) -> None:
    from pipeline.commands import check

    with_one_translated_article(project)
    if outcome == "pyproject":
        _broken_pyproject(project)
    elif outcome in ("raised", "full disk"):
        def fail(config, **options):
            if outcome == "full disk":
                raise OSError(errno.ENOSPC, "No space left on device", str(project.root / ".cache/x"))
            raise PipelineError(Diagnostic("content/news/good.md", 3, "front-matter", "broken"))
        monkeypatch.setattr(check, "check_project", fail)
    found, report, err = _json_of(capsys, "--root", str(project.root), "check", "--json")
    assert found == code and err == ""
    assert set(report) >= CHECK_KEYS
    assert report["errors"] == (code != 0) * len(report["findings"])


@pytest.mark.parametrize("command, stop, code", [("status", "pyproject", 2), ("status", "front matter", 1),
                                                ("import", "pyproject", 2)])
def test_status_and_import_json_keep_their_keys_when_they_stop(project: Project, capsys, command: str, stop: str,
                                                               code: int) -> None:
    with_one_translated_article(project)
    args = (["status"] if command == "status" else _arguments("import", project)) + ["--json"]
    found, success, _ = _json_of(capsys, "--root", str(project.root), *args)
    assert found == 0 and success["ok"] is True and success["findings"] == []
    (_broken_pyproject if stop == "pyproject" else _broken_front_matter)(project)
    found, failed, err = _json_of(capsys, "--root", str(project.root), *args)
    assert found == code and failed["ok"] is False and failed["findings"] and err == ""
    assert set(failed) == set(success)


# --- a reader that goes away ----------------------------------------------------------------------------


def _pipe_commands(project: Project) -> list[list[str]]:
    return [["--help"], ["build", "--help"], ["--version"], ["check"], ["check", "--json"], ["status"],
            ["status", "--json"], ["build", "--now", "2025-09-01"], ["build", "--json"], ["-v", "extract"],
            ["extract"], _arguments("import", project) + ["--force"]]


def _command_line(project: Project, args: list[str]) -> list[str]:
    return [sys.executable, "-m", "pipeline.cli", "--root", str(project.root), *args]


@pytest.fixture
def piped(project: Project) -> Project:
    with_one_translated_article(project)
    (project.root / "site").mkdir(exist_ok=True)
    return project


@pytest.mark.parametrize("number", range(12))
def test_piping_into_head_gives_no_traceback(piped: Project, number: int) -> None:
    args = _pipe_commands(piped)[number]
    command = " ".join(f"'{part}'" for part in _command_line(piped, args))
    result = subprocess.run(["bash", "-c", f"set -o pipefail; {command} | head -1"], capture_output=True, text=True,
                            cwd=REPO, timeout=120)
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr
    assert result.returncode in (0, EXIT_BROKEN_PIPE), result.stderr
    assert len(result.stdout.splitlines()) == 1


def _without_a_reader(command: list[str], buffered: bool = True) -> tuple[int, str]:
    """Run `command` with a pipe for stdout that has no reader at all when it first writes (the
    surest break); its exit status and stderr. `buffered`: as Python runs in a pipe by default, else
    as with PYTHONUNBUFFERED=1 (each write reaches the pipe at once)."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if not buffered:
        environment["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, text=True,
                               env=environment)
    process.stdout.close()
    err = process.stderr.read()
    return process.wait(timeout=120), err


@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize("number", range(12))
def test_a_reader_gone_before_the_first_line_ends_it_quietly_with_141(piped: Project, number: int,
                                                                      buffered: bool) -> None:
    args = _pipe_commands(piped)[number]
    code, err = _without_a_reader(_command_line(piped, args), buffered)
    assert "Traceback" not in err and "Exception ignored" not in err and "BrokenPipe" not in err, err
    if "--help" in args or "--version" in args:  # argparse writes them, and ignores a failed write itself
        assert code in (0, EXIT_BROKEN_PIPE)
    else:
        assert code == EXIT_BROKEN_PIPE, err


@pytest.mark.parametrize("args", [["new", "news/piped"], ["mv", "news/good", "news/piped"]])
def test_commands_that_change_files_finish_them_before_a_reader_gone(piped: Project, args: list[str]) -> None:
    code, err = _without_a_reader(_command_line(piped, args))
    assert code == EXIT_BROKEN_PIPE and "Traceback" not in err, err
    assert (piped.root / "content/news/piped.md").is_file()


# --- the status table --------------------------------------------------------------------------------------


def _columns(text: str) -> int:
    """Terminal columns of `text` (wide characters two, marks and format characters none)."""
    return sum(0 if unicodedata.category(c) in ("Mn", "Me", "Cf") else 2 if unicodedata.east_asian_width(c) in "WF"
               else 1 for c in text)


def _cells(line: str) -> list[tuple[int, int]]:
    """(first column, column after the last) of each whitespace-separated cell of a table line."""
    line = line.replace("words left", "words_left")
    return [(_columns(line[: m.start()]), _columns(line[: m.end()])) for m in re.finditer(r"\S+", line)]


def assert_aligned(lines: list[str]) -> None:
    cells = [_cells(line) for line in lines]
    assert {len(c) for c in cells} == {8}, lines
    for column in range(8):
        edge = 0 if column < 2 else 1  # the article and language start together, the numbers end together
        assert len({c[column][edge] for c in cells}) == 1, (column, lines)


def test_status_keeps_its_columns_with_long_and_khmer_ids(project: Project, capsys) -> None:
    for article_id in ("news/a", LONG_ID, KHMER_ID, "centers/x"):
        project.write(f"content/{article_id}.md", GOOD)
    project.write("content/news/written-in-khmer.md", GOOD.replace("date:", "lang: km\ndate:"))
    assert project.run("extract") == 0
    capsys.readouterr()
    assert project.run("status") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6 and any(KHMER_ID in line for line in lines) and any(LONG_ID in line for line in lines)
    assert_aligned(lines)


_KHMER = "កខគឃងចឆជញដទនបផពមយរលវសហអ"
_SIGNS = "ាិីឹឺុូួើឿៀេែៃោៅំះ់្"
_names = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-" + _KHMER + _SIGNS + "語"), min_size=1,
                 max_size=90).filter(lambda s: not unicodedata.category(s[0]).startswith("M"))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_names, st.sampled_from(["km", "en", "fr_CA"]), st.integers(0, 10 ** 6),
                          st.integers(0, 10 ** 4)), min_size=1, max_size=8))
def test_status_table_columns_stay_in_line_whatever_the_names(rows) -> None:
    made = tuple(StatusRow(f"news/{name}", lang, "", catalogs.Statistics(translated=done, fuzzy=fuzzy, untranslated=3,
                                                                         obsolete=0), done)
                 for name, lang, done, fuzzy in rows)
    assert_aligned(list(table(made)))


# --- orphan catalogs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["deleted", "renamed", "renamed to .markdown"])
def test_status_lists_the_catalogs_of_a_gone_article(ready: Project, capsys, how: str) -> None:
    article = ready.root / "content/news/good.md"
    if how == "deleted":
        article.unlink()
    else:
        article.rename(article.with_name("better.md" if how == "renamed" else "good.markdown"))
    orphans = {"locale/km/LC_MESSAGES/news/good.po", "locale/templates/news/good.pot"} if how != "renamed to .markdown" \
        else set()
    config = load_config(ready.root)
    assert {config.relative(p) for p in orphan_catalogs(config)} == orphans
    capsys.readouterr()
    assert ready.run("status") == 0
    out = capsys.readouterr().out
    assert all(f"  {shown}\n" in out for shown in orphans)
    assert ("pipeline mv OLD NEW" in out) is bool(orphans) and "ui.po" not in out
    assert ready.run("status", "--json") == 0
    assert set(json.loads(capsys.readouterr().out)["orphan_catalogs"]) == orphans


def test_interface_catalogs_hidden_files_and_other_languages_are_no_orphans(ready: Project) -> None:
    ready.write("locale/ui.pot", 'msgid ""\nmsgstr ""\n')
    ready.write("locale/km/LC_MESSAGES/ui.po", 'msgid ""\nmsgstr ""\n')
    ready.write("locale/en/LC_MESSAGES/ui.po", 'msgid ""\nmsgstr ""\n')
    ready.write("locale/km/LC_MESSAGES/news/.good.po.swp", "")
    ready.write("locale/km/LC_MESSAGES/news/.good.po.1234.tmp", "")
    ready.write("content/news/khmer.md", GOOD.replace("date:", "lang: km\ndate:"))
    ready.write("locale/en/LC_MESSAGES/news/khmer.po", 'msgid ""\nmsgstr ""\n')
    ready.write("locale/fr/LC_MESSAGES/news/gone.po", 'msgid ""\nmsgstr ""\n')  # fr is not a configured language
    config = load_config(ready.root)
    assert orphan_catalogs(config) == ()
    ready.write("locale/en/LC_MESSAGES/news/gone.po", 'msgid ""\nmsgstr ""\n')
    assert orphan_catalogs(config) == (ready.root / "locale/en/LC_MESSAGES/news/gone.po",)


def test_mv_has_help_with_examples(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["mv", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and "pipeline mv " in out and "--new-collection" in out
