"""The command line: new articles, JSON reports, quiet and verbose output, exit codes, help."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import Project
from pipeline.cli import main


def test_new_article_has_the_collection_keys_and_todays_date(project: Project, capsys) -> None:
    project.write("content/news/old.md", "---\ntitle: Old\ndescription: d\ndate: 2025-01-01\nimage: x.jpg\n"
                                         "tags: [a]\ncontact:\n  address: here\n---\nBody.\n")
    assert project.run("new", "news/fresh") == 0
    text = project.read("content/news/fresh.md")
    assert text.startswith("---\ntitle: ''\ndescription: ''\ndate: " + dt.date.today().isoformat())
    assert "image: ''" in text and "tags: []" in text and "contact:\n  address: ''" in text and "draft: true" in text
    assert project.run("new", "news/fresh") == 1  # never overwrites
    assert project.read("content/news/fresh.md") == text
    assert project.run("new", "news/khmer", "--lang", "km") == 0
    assert "lang: km" in project.read("content/news/khmer.md")
    assert project.run("new", "no-collection") == 2 and project.run("new", "news/x", "--lang", "kh") == 2


def test_json_reports_for_build_check_and_status(project: Project, capsys) -> None:
    import shutil

    from conftest import REPO
    shutil.copytree(REPO / "templates", project.root / "templates")
    project.write("content/news/a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nHello.\n")
    assert project.run("extract") == 0
    for command in (["status", "--json"], ["check", "--json"], ["build", "--json", "--now", "2025-02-01"]):
        capsys.readouterr()
        main(["--root", str(project.root), *command])
        report = json.loads(capsys.readouterr().out)
        assert isinstance(report, dict)
    assert report["held_back"] == [{"article": "news/a", "language": "km",
                                    "reason": "0% translated (0/2 units), below the 100% threshold"}]


def test_quiet_and_verbose(project: Project, capsys) -> None:
    project.write("content/news/a.md", "---\ntitle: A\ndate: 2025-01-01\n---\nHello.\n")
    capsys.readouterr()
    main(["--root", str(project.root), "-v", "extract"])
    out = capsys.readouterr().out
    assert "wrote locale/templates/news/a.pot" in out
    main(["--root", str(project.root), "-q", "extract"])
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("command", ["extract", "build", "check", "status", "new", "serve", "import"])
def test_every_command_has_help_with_an_example(command: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "example" in capsys.readouterr().out


def test_configuration_mistakes_exit_2_with_every_problem(project: Project, capsys) -> None:
    (project.root / "pyproject.toml").write_text(
        '[tool.pipeline]\nlanguages = ["en", "kh"]\nmin_translated = 120\nbogus = 1\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["--root", str(project.root), "check"]) == 2
    err = capsys.readouterr().err
    assert "'kh' is the country code; Khmer is 'km'" in err
    assert "min_translated must be between 0 and 100" in err and "unknown setting 'bogus'" in err


def test_usage_mistakes_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--min-translated", "150"])
    assert exit_info.value.code == 2
