"""Atom feeds and the sitemap, as feed readers and search engines read them.

Each language's `atom.xml` is read by feedparser (a real feed reader: `bozo` 0, nothing it could
not read) and held to the rules of RFC 4287 that a feed validator applies: one id, title and
updated per feed and per entry, ids that are absolute and unique, RFC 3339 dates, an author, a
`rel="self"` link with its type naming where the feed is published, at most one alternate link per
type and language, an alternate link on every entry without content, and `xml:lang`. The sitemap
is validated against the sitemaps.org protocol's schema rules (written out below as an XML Schema,
checked by libxml2 through lxml) and its limits; each page's `<lastmod>` is the article's date or
its front-matter `updated` / `lastmod`; every URL in both resolves to a page the build wrote.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from conftest import REPO, Project
from pipeline.po import format_po, parse_po

feedparser = pytest.importorskip("feedparser", reason="feedparser is a test dependency")
etree = pytest.importorskip("lxml.etree", reason="lxml is a test dependency")

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")
W3C_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?")

# The sitemaps.org 0.9 protocol as a schema: a urlset of at most 50,000 url elements, each with
# one loc (an absolute URL of at most 2,048 characters), then optionally lastmod (a W3C date),
# changefreq and priority, then elements of other namespaces (such as xhtml:link alternates).
SITEMAP_SCHEMA = """<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           targetNamespace="http://www.sitemaps.org/schemas/sitemap/0.9"
           xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" elementFormDefault="qualified">
  <xs:element name="urlset">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="url" maxOccurs="50000">
          <xs:complexType>
            <xs:sequence>
              <xs:element name="loc">
                <xs:simpleType>
                  <xs:restriction base="xs:anyURI">
                    <xs:minLength value="12"/>
                    <xs:maxLength value="2048"/>
                    <xs:pattern value="https?://.+"/>
                  </xs:restriction>
                </xs:simpleType>
              </xs:element>
              <xs:element name="lastmod" minOccurs="0">
                <xs:simpleType>
                  <xs:union memberTypes="xs:date xs:dateTime"/>
                </xs:simpleType>
              </xs:element>
              <xs:element name="changefreq" minOccurs="0">
                <xs:simpleType>
                  <xs:restriction base="xs:string">
                    <xs:enumeration value="always"/><xs:enumeration value="hourly"/>
                    <xs:enumeration value="daily"/><xs:enumeration value="weekly"/>
                    <xs:enumeration value="monthly"/><xs:enumeration value="yearly"/>
                    <xs:enumeration value="never"/>
                  </xs:restriction>
                </xs:simpleType>
              </xs:element>
              <xs:element name="priority" minOccurs="0">
                <xs:simpleType>
                  <xs:restriction base="xs:decimal">
                    <xs:minInclusive value="0.0"/><xs:maxInclusive value="1.0"/>
                  </xs:restriction>
                </xs:simpleType>
              </xs:element>
              <xs:any namespace="##other" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>
            </xs:sequence>
          </xs:complexType>
        </xs:element>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""


def page_file(site: Path, base_url: str, url: str) -> Path:
    """The file the build wrote for an absolute URL of the site."""
    assert url.startswith(base_url + "/"), url
    path = urlsplit(url).path[len(urlsplit(base_url).path):]
    return site / path.lstrip("/") / ("index.html" if path.endswith("/") else "")


def rfc3339(text: str | None) -> dt.datetime:
    assert text is not None and RFC3339.fullmatch(text), f"not an RFC 3339 date: {text!r}"
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def one(parent: ElementTree.Element, name: str) -> ElementTree.Element:
    found = parent.findall(ATOM + name)
    assert len(found) == 1, f"{len(found)} atom:{name} in {parent.tag}"
    return found[0]


def check_feed(path: Path, site: Path, base_url: str, lang: str) -> list[ElementTree.Element]:
    """Every rule above for one feed; its entries."""
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    feed = ElementTree.parse(path).getroot()
    assert feed.tag == ATOM + "feed" and feed.get(XML_LANG) == lang
    assert urlsplit(one(feed, "id").text).scheme in ("http", "https")
    assert (one(feed, "title").text or "").strip()
    updated = rfc3339(one(feed, "updated").text)
    entries = feed.findall(ATOM + "entry")
    authors = feed.findall(ATOM + "author")
    assert authors or all(e.findall(ATOM + "author") for e in entries), "RFC 4287 4.1.1: no author"
    assert all((a.findtext(ATOM + "name") or "").strip() for a in authors)
    links = feed.findall(ATOM + "link")
    selves = [link for link in links if link.get("rel") == "self"]
    assert len(selves) == 1 and selves[0].get("type") == "application/atom+xml"
    assert selves[0].get("href") == f"{base_url}/{lang}/atom.xml"
    alternates = [(link.get("type"), link.get("hreflang")) for link in links if link.get("rel", "alternate") == "alternate"]
    assert len(alternates) == len(set(alternates)), "RFC 4287 4.1.1: two alternate links alike"
    ids = []
    for entry in entries:
        ids.append(one(entry, "id").text)
        assert urlsplit(ids[-1]).scheme in ("http", "https")
        assert (one(entry, "title").text or "").strip()
        assert rfc3339(one(entry, "updated").text) <= updated
        for published in entry.findall(ATOM + "published"):
            rfc3339(published.text)
        if not entry.findall(ATOM + "content"):
            hrefs = [link.get("href") for link in entry.findall(ATOM + "link")
                     if link.get("rel", "alternate") == "alternate"]
            assert len(hrefs) == 1 and page_file(site, base_url, hrefs[0]).is_file()
    assert len(ids) == len(set(ids)), "entry ids must be unique"
    return entries


def check_sitemap(path: Path, site: Path, base_url: str) -> dict[str, str | None]:
    """The sitemap against the schema and the protocol's limits; each URL's lastmod."""
    schema = etree.XMLSchema(etree.fromstring(SITEMAP_SCHEMA.encode()))
    document = etree.parse(str(path))
    assert schema.validate(document), schema.error_log
    assert path.stat().st_size <= 50 * 1024 * 1024
    urls = {}
    for url in ElementTree.parse(path).getroot().iter(SITEMAP + "url"):
        loc = url.findtext(SITEMAP + "loc")
        assert loc not in urls and page_file(site, base_url, loc).is_file()
        lastmod = url.findtext(SITEMAP + "lastmod")
        assert lastmod is None or W3C_DATE.fullmatch(lastmod)
        urls[loc] = lastmod
    return urls


def test_the_sample_sites_feeds_and_sitemap_follow_the_rules(sample_site: Path) -> None:
    from pipeline.disk.project import load_config
    config = load_config(REPO)
    for lang in config.languages:
        if (sample_site / lang / "atom.xml").is_file():
            entries = check_feed(sample_site / lang / "atom.xml", sample_site, config.base_url, lang)
            assert entries
    urls = check_sitemap(sample_site / "sitemap.xml", sample_site, config.base_url)
    article_pages = [loc for loc in urls if loc.count("/") > 4]
    assert article_pages and all(urls[loc] for loc in urls)  # every page, home pages too, has a lastmod


ARTICLE = "---\ntitle: {title}\ndate: 2025-08-{day:02d}\n{extra}---\nA paragraph.\n"
CHANGES = [  # front matter → the date it says the article last changed (None: its `date`)
    ("", None),
    ("updated: 2025-08-30\n", "2025-08-30"),
    ("lastmod: 2025-08-29T10:30:00\n", "2025-08-29"),
    ("updated: 2025-08-28 21:00:00+07:00\n", "2025-08-28"),
    ("updated: soon\n", None),  # not a date: the article's date stands
]


@pytest.fixture
def dated_project(project: Project) -> Project:
    shutil.copytree(REPO / "templates", project.root / "templates")
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(
        "[tool.pipeline]\n", '[tool.pipeline]\nauthor = "Ministry of Posts & Telecommunications"\n', 1),
        encoding="utf-8")
    for n, (extra, _) in enumerate(CHANGES):
        project.write(f"content/news/a{n}.md", ARTICLE.format(title=f"Article & <{n}>", day=10 + n, extra=extra))
    assert project.run("extract") == 0
    for n in range(len(CHANGES)):  # every article translated, so that the Khmer feed has them all
        po = project.root / f"locale/km/LC_MESSAGES/news/a{n}.po"
        catalog = parse_po(po.read_text(encoding="utf-8"), str(po))
        messages = tuple(replace(m, msgstr=f"ខ្មែរ {m.msgid}") for m in catalog.messages)
        po.write_text(format_po(replace(catalog, messages=messages)), encoding="utf-8")
    assert project.run("build", "--now", "2025-09-15") == 0
    return project


def test_entries_and_sitemap_carry_each_articles_last_change(dated_project: Project) -> None:
    site = dated_project.root / "site"
    base_url = "https://news.example.org"
    urls = check_sitemap(site / "sitemap.xml", site, base_url)
    for lang in ("en", "km"):
        entries = check_feed(site / lang / "atom.xml", site, base_url, lang)
        feed = ElementTree.parse(site / lang / "atom.xml").getroot()
        assert feed.find(f"{ATOM}author/{ATOM}name").text == "Ministry of Posts & Telecommunications"
        by_url = {e.find(ATOM + "id").text: e for e in entries}
        for n, (_, changed) in enumerate(CHANGES):
            loc = f"{base_url}/{lang}/news/a{n}/"
            expected = changed or f"2025-08-{10 + n:02d}"
            assert urls[loc] == expected
            entry = by_url[loc]
            assert entry.find(ATOM + "updated").text == f"{expected}T00:00:00Z"
            assert entry.find(ATOM + "published").text == f"2025-08-{10 + n:02d}T00:00:00Z"
            title = entry.find(ATOM + "title").text
            assert title.endswith(f"Article & <{n}>")  # escaped in the XML, read back as written
        assert urls[f"{base_url}/{lang}/"] == "2025-08-30"  # a home page changes with its newest article
        assert feed.find(ATOM + "updated").text == "2025-08-30T00:00:00Z"


def test_without_an_author_the_feed_names_the_site(ready: Project) -> None:
    feed = ElementTree.parse(ready.root / "site/en/atom.xml").getroot()
    names = [a.findtext(ATOM + "name") for a in feed.findall(ATOM + "author")]
    from pipeline.disk.project import load_config
    assert names == [load_config(ready.root).site_name]
