"""How faithfully `pipeline import` + `pipeline build --markdown` reproduce real Khmer articles.

For each set of real English/Khmer pairs in `corpora/real-articles` (see PAIRS.json) this imports
the set into a throw-away project, builds it with `--min-translated 0 --markdown DIR`, and compares
every exported Khmer article with the real Khmer file:

- blocks: the share of the real Khmer article's leaf blocks (paragraphs, headings, list items,
  table cells, code and HTML blocks, footnotes) that appear identically, and in the same order,
  in the export;
- facts: the share of articles whose `date`, front-matter `image` and list of body images equal
  the real Khmer file's;
- front matter: the share of the real Khmer values at the configured key paths that the export has.

Run: `.venv/bin/python tests/import_fidelity.py [--corpora DIR] [--json] [--misses]`.
The corpus test in test_import.py calls `measure()` and asserts a floor below these figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import markdown
from pipeline.commands import build as publish
from pipeline.config import Config, config_from_table
from pipeline.content import Article, decode_source, parse_article
from pipeline.errors import PipelineError
from pipeline.commands.importer import import_site
from pipeline.markdown import inline_features
from pipeline.po import parse_po
from pipeline.segment import key_path_pattern
from pipeline.pages import BuildOptions

REPO = Path(__file__).resolve().parents[1]

# Where each set's site starts and how its collections are configured (the real sites' own keys).
CENTER_KEYS = ["name", "description", "contact.address", "facilities[*]"] + [
    f"{team}.{key}" for team in ("managementTeam", "operationTeam") for key in ("title", "description")] + [
    f"{team}.member[*].{key}" for team in ("managementTeam", "operationTeam") for key in ("title", "role")]
SETS = {
    "mptc-ctc-website": {
        "source": "mptc-ctc-website",
        "collections": {
            "blog": {"translate": ["title", "description", "author"]},
            "centers": {"translate": CENTER_KEYS, "required": ["name"]},
            "national-board-member": {"translate": ["title", "name", "organization", "role"], "required": ["title"]},
        },
    },
    "reactjs-km": {"source": "reactjs-km", "collections": {}},
    "obsidian-help": {"source": "obsidian-help", "collections": {}},
}


def corpora_dir() -> Path:
    return Path(os.environ.get("PIPELINE_CORPORA", REPO / ".." / "shared" / "corpora")).resolve()


@dataclass
class ArticleFidelity:
    article_id: str
    km: str  # the real Khmer file
    blocks: int
    matched: int
    extra: int  # translated units the import found no source for (they cannot be reproduced)
    facts_equal: bool
    front_total: int
    front_matched: int
    misses: list[str] = field(default_factory=list)


@dataclass
class SetFidelity:
    name: str
    articles: list[ArticleFidelity]
    reasons: Counter  # fuzzy / unpaired reasons written into the catalogs

    @property
    def blocks(self) -> int:
        return sum(a.blocks for a in self.articles)

    @property
    def matched(self) -> int:
        return sum(a.matched for a in self.articles)

    @property
    def block_share(self) -> float:
        return self.matched / self.blocks if self.blocks else 1.0

    @property
    def block_share_with_counterpart(self) -> float:
        total = sum(a.blocks - a.extra for a in self.articles)
        return self.matched / total if total else 1.0

    @property
    def facts_share(self) -> float:
        return sum(a.facts_equal for a in self.articles) / len(self.articles) if self.articles else 1.0

    @property
    def front_share(self) -> float:
        total = sum(a.front_total for a in self.articles)
        return sum(a.front_matched for a in self.articles) / total if total else 1.0

    def as_dict(self) -> dict:
        return {"set": self.name, "articles": len(self.articles), "blocks": self.blocks, "matched": self.matched,
                "block_share": round(self.block_share, 4),
                "block_share_with_counterpart": round(self.block_share_with_counterpart, 4),
                "facts_share": round(self.facts_share, 4), "front_matter_share": round(self.front_share, 4),
                "reasons": dict(self.reasons.most_common())}


# --- comparing two Markdown files -----------------------------------------------------------------------


def blocks_of(body: str) -> list[tuple[str, str]]:
    """The leaf blocks of a Markdown body as (kind, text), in order."""
    document = markdown.parse(body)
    found: list[tuple[str, str]] = []

    def walk(tokens) -> None:
        for token in tokens:
            kind = token["type"]
            if kind == "heading":
                found.append((f"h{token['attrs']['level']}", token["text"].strip()))
            elif "text" in token and not token.get("children"):
                text = token["text"].strip()
                if text:
                    found.append((kind.replace("block_text", "paragraph"), text))
            elif kind in ("block_code", "block_html"):
                found.append((kind, token.get("raw", "")))
            elif token.get("children"):
                walk(token["children"])

    walk(document.tokens)
    for key, text in (document.env.get("ref_footnotes") or {}).items():
        found.append(("footnote", f"{key}: {text.strip()}"))
    return found


def images_of(body: str) -> list[str]:
    return [url for kind, text in blocks_of(body) if kind not in ("block_code", "block_html")
            for url in inline_features(text).images]


def compare(real: Article, exported: Article, keys: tuple[str, ...]
            ) -> tuple[int, int, bool, int, int, list[tuple[str, str]]]:
    want, got = blocks_of(real.body), blocks_of(exported.body)
    # in order: a block counts when it is part of the longest common subsequence of both files
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    found = set()
    for block in matcher.get_matching_blocks():
        found.update(range(block.a, block.a + block.size))
    matched = len(found)
    misses = [block for index, block in enumerate(want) if index not in found]
    facts = (real.metadata.get("date") == exported.metadata.get("date")
             and real.metadata.get("image") == exported.metadata.get("image")
             and images_of(real.body) == images_of(exported.body))
    pattern = key_path_pattern(keys)
    exported_values = {f.key_path: f.value for f in exported.fields}
    real_values = [f for f in real.fields if pattern.match(f.key_path)]
    front_matched = sum(1 for f in real_values if exported_values.get(f.key_path) == f.value)
    return len(want), matched, facts, len(real_values), front_matched, misses


# --- one set -------------------------------------------------------------------------------------------


def _config(root: Path, collections: dict) -> Config:
    return config_from_table(root, {
        "project": "fidelity", "languages": ["en", "km"], "default_language": "en",
        "templates_dir": str(REPO / "templates"), "min_translated": 0, "collections": collections,
    })


def measure_set(corpora: Path, name: str, workdir: Path) -> SetFidelity:
    spec = SETS[name]
    root = workdir / name
    root.mkdir(parents=True, exist_ok=True)
    config = _config(root, spec["collections"])
    report = import_site(config, corpora / "real-articles" / spec["source"], force=True)
    # Build with every collection's required keys relaxed (React and Obsidian pages have no date).
    collections = {c: {"required": []} for c in {a.article_id.split("/", 1)[0] for a in report.articles}}
    for c, settings in spec["collections"].items():
        collections[c] = {**settings, "required": settings.get("required", ["title", "date"])}
    config = _config(root, collections)
    out, exported = workdir / f"{name}-site", workdir / f"{name}-md"
    _replace_site_schemes(config)
    _build_with_placeholders(config, out, exported)
    reasons: Counter = Counter()
    articles = []
    for item in report.articles:
        for translation in item.translations:
            catalog = parse_po((config.root / translation.catalog).read_text(encoding="utf-8"), translation.catalog)
            why = _explanations(catalog)
            real_path = corpora / "real-articles" / translation.source
            real = parse_article(_with_standard_schemes(decode_source(real_path.read_bytes(), translation.source)),
                                 item.article_id, translation.source, translation.lang)
            export_path = exported / translation.lang / f"{item.article_id}.md"
            export_text = export_path.read_text(encoding="utf-8") if export_path.is_file() else ""
            exported_article = parse_article(export_text, item.article_id, str(export_path), translation.lang) \
                if export_text else Article(item.article_id, "", "", {}, (), 0, 1, translation.lang)
            keys = config.collection(item.article_id.rpartition("/")[0]).translate
            total, matched, facts, front_total, front_matched, misses = compare(real, exported_article, keys)
            for kind, text in misses:
                reasons[_explain(kind, text, why)] += 1
            misses = [f"{kind}: {text[:100]!r} ({_explain(kind, text, why)})" for kind, text in misses]
            articles.append(ArticleFidelity(item.article_id, translation.source, total, matched, translation.extra,
                                            facts, front_total, front_matched, misses))
    return SetFidelity(name, articles, reasons)


def _explanations(catalog) -> list[tuple[str, str]]:
    """(translated text, why it is not published) for every fuzzy entry and every kept extra text."""
    found = []
    for message in catalog.messages:
        notes = [c for c in message.extracted_comments if c.startswith("import: ")]
        for note in notes:
            if "differs where this text occurs" in note:
                found.extend((variant, "one source text translated in several ways (one is used)")
                             for variant in re.findall(r"«(.*?)» ×\d+", note, re.DOTALL))
        if message.fuzzy and message.msgstr:
            found.append((message.msgstr, _reason_kind(notes[-1]) if notes else "fuzzy"))
        kept: list[str] | None = None
        for comment in message.translator_comments + ("import: end",):
            if comment.startswith("import: "):
                if kept:
                    found.append(("\n".join(kept), "no source counterpart (kept as a translator comment)"))
                kept = [] if "no source counterpart" in comment else None
            elif kept is not None:
                kept.append(comment)
    return found


def _explain(kind: str, text: str, why: list[tuple[str, str]]) -> str:
    """Why a real Khmer block is not in the export."""
    if kind in ("block_code", "block_html"):
        return "translated code or HTML block (never extracted)"
    for msgstr, reason in why:
        if msgstr == text:
            return reason
    for msgstr, reason in why:
        if text in msgstr or msgstr in text:
            return reason
    return "unexplained"


def _reason_kind(comment: str) -> str:
    text = comment.removeprefix("import: ")
    text = re.sub(r"\(.*", "", text)
    text = re.sub(r"«.*", "", text)
    text = re.sub(r" at \S+$", "", text)
    return text.split("[")[0].split(":")[0].strip()


# Link schemes of the React site's own build plugins, which expand them to these web addresses; a
# published page may only link to http(s), mailto and tel URLs and paths of the site.
SITE_SCHEMES = {"codepen://": "https://codepen.io/", "babel://": "https://babeljs.io/repl/"}


def _with_standard_schemes(text: str) -> str:
    for scheme, address in SITE_SCHEMES.items():
        text = text.replace(scheme, address)
    return text


def _replace_site_schemes(config: Config) -> None:
    """What the real site's build plugins did to its links, done to the imported articles and
    catalogs (and to the real Khmer articles they are compared with)."""
    for folder in (config.content_dir, config.locale_dir):
        for path in folder.rglob("*.*"):
            if path.suffix in (".md", ".markdown", ".po", ".pot"):
                text = path.read_text(encoding="utf-8")
                if _with_standard_schemes(text) != text:
                    path.write_text(_with_standard_schemes(text), encoding="utf-8")


def _build_with_placeholders(config: Config, out: Path, exported: Path) -> None:
    """Build; images of the real sites are not in the corpus, so missing ones get empty stand-ins."""
    options = BuildOptions(today=dt.date(2100, 1, 1), drafts=True, min_translated=0)
    for _ in range(3):
        try:
            publish.build_site(config, out, options, markdown_out=exported)
            return
        except PipelineError as error:
            missing = [re.search(r"looked for (.+?)\)(?:;|$)", d.message) for d in error.diagnostics
                       if d.severity == "error"]
            if not all(missing):
                raise
            for found in missing:
                path = config.root / found.group(1)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(b"")
    publish.build_site(config, out, options, markdown_out=exported)


def measure(corpora: Path | None = None, sets: tuple[str, ...] = tuple(SETS), workdir: Path | None = None
            ) -> dict[str, SetFidelity]:
    corpora = corpora or corpora_dir()
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="fidelity-") as folder:
            return {name: measure_set(corpora, name, Path(folder)) for name in sets}
    return {name: measure_set(corpora, name, workdir) for name in sets}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list every real Khmer block not reproduced")
    parser.add_argument("--keep", type=Path, help="keep the throw-away projects in this folder")
    parser.add_argument("sets", nargs="*", default=list(SETS))
    args = parser.parse_args(argv)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1755043200")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    results = measure(args.corpora, tuple(args.sets), args.keep)
    if args.json:
        print(json.dumps([r.as_dict() for r in results.values()], ensure_ascii=False, indent=2))
        return 0
    for result in results.values():
        print(f"{result.name}: {len(result.articles)} articles; blocks reproduced {result.matched}/{result.blocks} "
              f"= {100 * result.block_share:.1f}% ({100 * result.block_share_with_counterpart:.1f}% of those with a "
              f"source counterpart); date/image/images equal {100 * result.facts_share:.1f}%; "
              f"front matter {100 * result.front_share:.1f}%")
        for reason, count in result.reasons.most_common():
            print(f"    {count:4} × {reason}")
        if args.misses:
            for article in result.articles:
                for miss in article.misses:
                    print(f"  {article.km}: {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
