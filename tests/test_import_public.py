"""An Astro site that keeps its images in `public/` and names them from the site's root
(`/blog/post-one/image-4.jpg`), as some ministry sites do: import copies the public folder, and
the build publishes it and finds those images, or says which file it looked for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, Project
from pipeline.commands.importer import import_site
from pipeline.disk.project import load_config

ENGLISH = """---
title: Digital skills day
date: 2025-03-02
image: /blog/post-one/cover.jpg
---
Students met at the centre for a day of digital skills.

![The lab](/blog/post-one/image-4.jpg)

Read the [programme](/files/programme.pdf).
"""

KHMER = """---
title: ទិវាជំនាញឌីជីថល
date: 2025-03-02
image: /blog/post-one/cover.jpg
---
សិស្សានុសិស្សបានជួបជុំគ្នានៅមជ្ឈមណ្ឌល សម្រាប់ទិវាជំនាញឌីជីថល។

![បន្ទប់ពិសោធន៍](/blog/post-one/image-4.jpg)

សូមអាន[កម្មវិធី](/files/programme.pdf)។
"""


@pytest.fixture
def public_site(tmp_path: Path) -> Path:
    """An Astro site of our own: one post whose slug has spaces, its images in public/."""
    site = tmp_path / "old-site"
    for lang, text in (("en", ENGLISH), ("km", KHMER)):
        path = site / "src/content/blog" / lang / "post one .md"
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
    for name in ("blog/post-one/cover.jpg", "blog/post-one/image-4.jpg", "blog/post-one/image-4.km.jpg",
                 "files/programme.pdf", "favicon.svg"):
        target = site / "public" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f"bytes of {name}".encode())
    (site / "src/assets").mkdir(parents=True)
    return site


def _configured(project: Project, public: bool) -> None:
    shutil.copytree(REPO / "templates", project.root / "templates")
    text = project.read("pyproject.toml").replace(
        "[tool.pipeline]\n", "[tool.pipeline]\nmin_translated = 0\n" + ('public_dir = "public"\n' if public else ""), 1)
    (project.root / "pyproject.toml").write_text(text, encoding="utf-8")


def test_the_public_folder_is_imported_and_published_at_the_same_paths(project: Project, public_site: Path) -> None:
    _configured(project, public=True)
    report = import_site(load_config(project.root), public_site)
    assert [a.article_id for a in report.articles] == ["blog/post-one"]
    for name in ("blog/post-one/image-4.jpg", "blog/post-one/image-4.km.jpg", "files/programme.pdf", "favicon.svg"):
        assert (project.root / "public" / name).read_bytes() == (public_site / "public" / name).read_bytes()
    assert project.run("extract") == 0
    assert project.run("build", "--now", "2025-09-01", "--drafts") == 0
    site = project.root / "site"
    english = (site / "en/blog/post-one/index.html").read_text(encoding="utf-8")
    khmer = (site / "km/blog/post-one/index.html").read_text(encoding="utf-8")
    assert 'src="/blog/post-one/image-4.jpg"' in english and 'src="/blog/post-one/image-4.km.jpg"' in khmer
    assert 'href="/files/programme.pdf"' in khmer
    for name in ("blog/post-one/image-4.jpg", "blog/post-one/image-4.km.jpg", "files/programme.pdf", "favicon.svg"):
        assert (site / name).is_file(), name
    assert (site / "en/blog/post one /index.html").is_file(), "the old address (its file name) redirects"


def test_without_a_public_folder_setting_import_and_build_say_what_to_set(project: Project, public_site: Path,
                                                                         capsys: pytest.CaptureFixture) -> None:
    _configured(project, public=False)
    report = import_site(load_config(project.root), public_site)
    assert any('add public_dir = "public"' in w.message for w in report.warnings)
    assert project.run("extract") == 0
    capsys.readouterr()
    assert project.run("build", "--now", "2025-09-01", "--drafts") == 1
    err = capsys.readouterr().err
    assert "content/blog/post-one.md:4: error: image path '/blog/post-one/cover.jpg' starts at the site's root" in err


def test_a_missing_public_file_names_the_file_looked_for(project: Project, public_site: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    _configured(project, public=True)
    (public_site / "public/blog/post-one/image-4.jpg").unlink()
    import_site(load_config(project.root), public_site)
    assert project.run("extract") == 0
    capsys.readouterr()
    assert project.run("check") == 1
    err = capsys.readouterr().err
    assert ("content/blog/post-one.md:10: error: image '/blog/post-one/image-4.jpg' not found "
            "(looked for public/blog/post-one/image-4.jpg)") in err
