"""One truth for editors (issue 17): `pipeline check` exits 0 exactly when `pipeline build --strict`
succeeds, and both report the same errors at the same `path:line`, on copies of the sample site with
faults of every kind the checks know (and pairs of them) applied. A normal build publishes around
the errors of articles that are not published yet, and still fails on those of published ones."""

from __future__ import annotations

import itertools
import random
import re
import shutil
from pathlib import Path
from typing import Callable

import pytest

from pipeline.cli import main

REPO = Path(__file__).resolve().parent.parent
NEWS = "content/news-and-events"
KM = "locale/km/LC_MESSAGES"
ENGLISH = f"{NEWS}/digital-skills-course-takeo.md"  # written in English, translated into Khmer
ENGLISH_PO = f"{KM}/news-and-events/digital-skills-course-takeo.po"


def _copy_sample(root: Path) -> Path:
    for folder in ("content", "locale", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def _edit(root: Path, relative: str, change: Callable[[str], str]) -> None:
    path = root / relative
    before = path.read_text(encoding="utf-8")
    after = change(before)
    assert after != before, f"the fault changed nothing in {relative}"
    path.write_text(after, encoding="utf-8")


def _append(root: Path, relative: str, text: str) -> None:
    _edit(root, relative, lambda before: before + text)


def _article(extra: str = "", body: str = "A paragraph.\n") -> str:
    return f"---\ntitle: Work in progress\ndate: 2025-08-01\n{extra}---\n{body}"


def _first_msgstr(text: str, change: Callable[[str], str]) -> str:
    """The catalog with its first translated entry's msgstr changed (the header left alone)."""
    matches = [m for m in re.finditer(r'^msgstr "(.+)"$', text, re.M)]
    assert matches, "no translated entry"
    m = matches[0]
    return text[: m.start(1)] + change(m.group(1)) + text[m.end(1):]


# --- the faults: each is a kind of mistake an editor, a translator or a template author makes -------

FAULTS: dict[str, Callable[[Path], None]] = {
    "bad date": lambda root: _edit(root, ENGLISH, lambda t: re.sub(r"^date: .*$", "date: 2025-13-45", t, 1, re.M)),
    "language not configured": lambda root: _edit(root, ENGLISH, lambda t: t.replace("title:", "lang: fr\ntitle:", 1)),
    "draft with a bad date": lambda root: (root / f"{NEWS}/wip.md").write_text(
        _article("draft: true\n").replace("2025-08-01", "someday"), encoding="utf-8"),
    "future article with a script link": lambda root: (root / f"{NEWS}/later.md").write_text(
        _article(body="[x](javascript:alert(1))\n").replace("2025-08-01", "2099-01-01"), encoding="utf-8"),
    "image name in another letter case": lambda root: _edit(
        root, ENGLISH, lambda t: t.replace("photo-1.JPG", "photo-1.jpg", 1)),
    "image leaving the content folder": lambda root: _edit(
        root, ENGLISH, lambda t: re.sub(r"^image: .*$", 'image: "@/../../x.jpg"', t, 1, re.M)),
    "missing image": lambda root: _append(root, ENGLISH, "\n![a chart](@/assets/none/chart.png)\n"),
    "template syntax": lambda root: _append(root, "templates/article.html", "\n{% if %}\n"),
    "template unknown value": lambda root: _edit(
        root, "templates/list.html", lambda t: t.replace("{% block content %}", "{% block content %}{{ nothing_here.at_all }}")),
    "catalog syntax": lambda root: _append(root, ENGLISH_PO, '\nmsgid "dangling\n'),
    "translation with markup its source lacks": lambda root: _edit(
        root, ENGLISH_PO, lambda t: _first_msgstr(t, lambda s: s + " <b>x</b>")),
    "interface format": lambda root: _edit(
        root, f"{KM}/ui.po", lambda t: _first_msgstr(t, lambda s: s + " 100%")),
    "interface catalog syntax": lambda root: _append(root, f"{KM}/ui.po", '\nmsgstr "no msgid"\n'),
    "link to a missing article": lambda root: _append(root, ENGLISH, "\nSee [the plan](no-such-plan.md).\n"),
    "site path to a missing article": lambda root: _append(
        root, ENGLISH, "\nSee [the plan](/km/news-and-events/no-such-plan/).\n"),
    "character XML forbids": lambda root: _edit(
        root, ENGLISH_PO, lambda t: _first_msgstr(t, lambda s: s + "\\u0001")),
    "script link": lambda root: _append(root, ENGLISH, "\n[click](javascript:alert(1))\n"),
    "two files, one id": lambda root: shutil.copy(root / ENGLISH, root / ENGLISH.replace(".md", ".markdown")),
    "misspelt collection folder": lambda root: (
        (root / "content/news-and-event").mkdir(),
        shutil.copy(root / ENGLISH, root / "content/news-and-event/x.md")),
}

# kinds that only warn: check and build both succeed, and check says so
WARNINGS: dict[str, tuple[Callable[[Path], None], str]] = {
    "link to a draft": (lambda root: ((root / f"{NEWS}/wip.md").write_text(_article("draft: true\n"), encoding="utf-8"),
                                      _append(root, ENGLISH, "\nSee [what comes](wip.md).\n")), "[link]"),
    "orphan catalog": (lambda root: shutil.copy(root / ENGLISH_PO, root / f"{KM}/news-and-events/gone.po"),
                       "[orphan]"),
}

WAITING = ("draft with a bad date", "future article with a script link")  # not published: warnings in a build


def _run(capsys, *args: str) -> tuple[int, set[str], str]:
    capsys.readouterr()
    code = main(list(args))
    err = capsys.readouterr().err
    errors = {line for line in err.splitlines() if ": error: " in line and not line.startswith(" ")}
    return code, errors, err


def _judged(root: Path, capsys) -> tuple[tuple[int, set[str], str], tuple[int, set[str], str]]:
    check = _run(capsys, "--root", str(root), "check")
    build = _run(capsys, "--root", str(root), "-q", "build", "--strict", "--out", str(root / "site"))
    return check, build


def _assert_agree(check, build, faults) -> None:
    assert (check[0] == 0) == (build[0] == 0), (faults, check, build)
    assert check[1] == build[1], (faults, check[1] ^ build[1])


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "after a build"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_check_and_a_strict_build_agree_on_every_kind_of_fault(fault: str, warm: bool, tmp_path: Path,
                                                               capsys) -> None:
    """Cold, and after a clean build left its cache (which check reuses for what still holds)."""
    root = _copy_sample(tmp_path / "site-project")
    if warm:
        assert _run(capsys, "--root", str(root), "-q", "build", "--out", str(root / "site"))[0] == 0
        shutil.rmtree(root / "site")
    FAULTS[fault](root)
    check, build = _judged(root, capsys)
    _assert_agree(check, build, fault)
    assert check[0] == 1 and check[1], f"{fault}: check found nothing\n{check[2]}"
    assert not (root / "site").exists() or build[0] == 0  # a failed strict build publishes nothing
    if warm:
        assert _run(capsys, "--root", str(root), "check")[1] == check[1]  # after the failed build too


@pytest.mark.parametrize("seed", range(12))
def test_check_and_a_strict_build_agree_on_random_pairs_of_faults(seed: int, tmp_path: Path, capsys) -> None:
    names = random.Random(seed).sample(sorted(FAULTS) + sorted(WARNINGS), 2)
    root = _copy_sample(tmp_path / "site-project")
    for name in names:
        (FAULTS.get(name) or WARNINGS[name][0])(root)
    _assert_agree(*_judged(root, capsys), names)


def test_a_clean_sample_passes_both(tmp_path: Path, capsys) -> None:
    root = _copy_sample(tmp_path / "site-project")
    check, build = _judged(root, capsys)
    assert check[0] == build[0] == 0, (check, build)


@pytest.mark.parametrize("kind", sorted(WARNINGS))
def test_warnings_do_not_stop_either(kind: str, tmp_path: Path, capsys) -> None:
    root = _copy_sample(tmp_path / "site-project")
    fault, code = WARNINGS[kind]
    fault(root)
    check, build = _judged(root, capsys)
    assert check[0] == build[0] == 0, (check, build)
    assert code in check[2], check[2]


@pytest.mark.parametrize("fault", WAITING)
def test_an_article_not_published_yet_does_not_stop_the_site(fault: str, tmp_path: Path, capsys) -> None:
    """Its errors are warnings in a normal build (the article waits, unpublished), and errors in
    check, under --strict and under --drafts."""
    root = _copy_sample(tmp_path / "site-project")
    FAULTS[fault](root)
    code, errors, err = _run(capsys, "--root", str(root), "build", "--out", str(root / "site"))
    assert code == 0 and not errors, err
    assert "not published yet" in err
    assert not list((root / "site").glob("*/news-and-events/wip")) + list((root / "site").glob("*/*/later"))
    drafts = _run(capsys, "--root", str(root), "-q", "build", "--drafts", "--out", str(root / "site"))
    assert drafts[0] == 1 and drafts[1], drafts


def test_an_error_in_a_published_article_still_stops_the_build(tmp_path: Path, capsys) -> None:
    root = _copy_sample(tmp_path / "site-project")
    FAULTS["bad date"](root)
    code, errors, _ = _run(capsys, "--root", str(root), "-q", "build", "--out", str(root / "site"))
    assert code == 1 and any("digital-skills-course-takeo.md" in line for line in errors)
    assert not (root / "site").exists()


@pytest.mark.parametrize("url, expected", [
    ("no-such-plan.md", "there is no article 'news-and-events/no-such-plan'"),
    ("../news-and-events/article-91.md", "did you mean 'news-and-events/article-19'?"),
    ("/en/news-and-events/nothing/", "there is no article 'news-and-events/nothing'"),
    ("/news-and-events/nothing", "there is no article 'news-and-events/nothing'"),
])
def test_a_broken_link_to_an_article_is_located(url: str, expected: str, tmp_path: Path, capsys) -> None:
    root = _copy_sample(tmp_path / "site-project")
    lines = (root / ENGLISH).read_text(encoding="utf-8").count("\n")
    _append(root, ENGLISH, f"\nSee [the plan]({url}).\n")
    for args in (["check"], ["-q", "build", "--out", str(root / "site")]):
        code, errors, err = _run(capsys, "--root", str(root), *args)
        assert code == 1, err
        assert any(line.startswith(f"{ENGLISH}:{lines + 2}: error: link to") and expected in line
                   for line in errors), err


@pytest.mark.parametrize("url", ["article-19.md", "/km/news-and-events/article-19/", "/en/", "/km/news-and-events/",
                                 "/en/news-and-events/page/2/", "/static/style.css", "https://example.org/x.md",
                                 "#top", "../guides/track-a-parcel.md#steps"])
def test_links_that_resolve_are_not_flagged(url: str, tmp_path: Path, capsys) -> None:
    root = _copy_sample(tmp_path / "site-project")
    _append(root, ENGLISH, f"\nSee [this]({url}).\n")
    code, errors, err = _run(capsys, "--root", str(root), "check")
    assert not [line for line in errors if "[link]" in line], err


def test_an_image_in_another_letter_case_says_which_file_is_meant(tmp_path: Path, capsys) -> None:
    root = _copy_sample(tmp_path / "site-project")
    FAULTS["image name in another letter case"](root)
    for args in (["check"], ["-q", "build", "--out", str(root / "site")]):
        code, errors, err = _run(capsys, "--root", str(root), *args)
        assert code == 1 and any("did you mean 'photo-1.JPG'?" in line for line in errors), err


@pytest.mark.parametrize("template, text", [("article.html", "\n{% for %}\n"), ("list.html", "{% endif %}"),
                                            ("base.html", "{{ x | }}")])
def test_a_template_syntax_error_is_located_and_leaves_the_interface_catalogs(template: str, text: str,
                                                                            tmp_path: Path, capsys) -> None:
    root = _copy_sample(tmp_path / "site-project")
    _append(root, f"templates/{template}", text)
    kept = {p: p.read_bytes() for p in [root / "locale/ui.pot", *root.glob("locale/*/LC_MESSAGES/ui.po")]}
    for args in (["extract"], ["check"], ["-q", "build", "--out", str(root / "site")]):
        code, errors, err = _run(capsys, "--root", str(root), *args)
        assert code == 1 and any(line.startswith(f"templates/{template}:") and "[template]" in line
                                 for line in errors), (args, err)
    assert {p: p.read_bytes() for p in kept} == kept


def test_every_pair_of_waiting_and_published_faults_keeps_the_rule(tmp_path: Path, capsys) -> None:
    """A waiting article's fault never stops a normal build; a published article's always does."""
    for number, (waiting, published) in enumerate(itertools.product(WAITING, ("bad date", "missing image"))):
        root = _copy_sample(tmp_path / f"p{number}")
        FAULTS[waiting](root)
        FAULTS[published](root)
        code, errors, err = _run(capsys, "--root", str(root), "-q", "build", "--out", str(root / "site"))
        assert code == 1 and errors and all("digital-skills-course-takeo" in line for line in errors), err
