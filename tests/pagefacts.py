"""Read the facts a reader and a search engine rely on out of a built HTML page (stdlib parser)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path


class _Facts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts: dict = {"lang": None, "title": "", "description": None, "canonical": None,
                            "hreflang": {}, "og": {}, "times": [], "switcher": [], "images": [], "links": [],
                            "h1": "", "fallback_blocks": []}
        self._in = []
        self._time = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._in.append(tag)
        if tag == "html":
            self.facts["lang"] = a.get("lang")
        elif tag == "meta" and a.get("name") == "description":
            self.facts["description"] = a.get("content")
        elif tag == "meta" and a.get("property", "").startswith("og:"):
            self.facts["og"][a["property"]] = a.get("content")
        elif tag == "link" and a.get("rel") == "canonical":
            self.facts["canonical"] = a.get("href")
        elif tag == "link" and a.get("rel") == "alternate" and a.get("hreflang"):
            self.facts["hreflang"][a["hreflang"]] = a.get("href")
        elif tag == "time":
            self._time = [a.get("datetime"), ""]
        elif tag == "img":
            self.facts["images"].append(a.get("src"))
        elif tag == "a":
            self.facts["links"].append(a.get("href"))
            if a.get("hreflang") and "nav" in self._in:
                self.facts["switcher"].append((a.get("hreflang"), a.get("href")))
        if a.get("lang") and tag != "html" and tag != "a":
            self.facts["fallback_blocks"].append((tag, a.get("lang")))

    def handle_endtag(self, tag):
        if tag == "time" and self._time:
            self.facts["times"].append(tuple(self._time))
            self._time = None
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data):
        if self._in and self._in[-1] == "title":
            self.facts["title"] += data
        if "h1" in self._in:
            self.facts["h1"] += data
        if self._time is not None:
            self._time[1] += data


def page_facts(path: Path) -> dict:
    parser = _Facts()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.facts
