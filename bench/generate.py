"""Deterministic corpus generator for the benchmarks (not a test).

    python bench/generate.py N OUTDIR [--seed S] [--no-catalogs] [--check]

writes a complete project into OUTDIR:

* `pyproject.toml` with a `[tool.pipeline]` table (three collections, English source, Khmer target);
* `templates/` copied from this repository;
* `content/<collection>/<slug>.md`: N articles with YAML front matter (title, description, date
  spread over 2020-01-01 … 2025-12-31, author, thumbnail, tags) and 4–12 paragraphs, 1–4 headings,
  lists, tables, quotes, the odd code block, links (external and to earlier articles), **bold**,
  *emphasis*, `code`, numbers, and 2–4 images; about 10 % of the paragraphs come from a pool of
  boilerplate paragraphs shared across articles;
* `content/assets/<collection>/<slug>/…`: tiny placeholder image files (and a few `.km.` variants);
* unless `--no-catalogs`: runs `pipeline extract` in OUTDIR, then fills every Khmer `msgstr`
  with a deterministic pseudo-Khmer text that keeps the msgid's links, images, code spans,
  emphasis markers and numbers (in Khmer digits), so `pipeline check` passes (`--check` runs it).

Article i is the same text whatever N is (every random choice is seeded by seed and i), so the
N = 1,000 corpus is the first 1,000 articles of the N = 10,000 one.

`edit_paragraphs(root, fraction, round_)` edits a deterministic sample of the plain paragraphs
(for "extract after 5 % of paragraphs were edited"); `edit_article(root, round_)` edits one article.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
import zlib
from itertools import accumulate
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEED = 20250813

COLLECTIONS = (("news-and-events", 70), ("announcements", 20), ("guides", 10))

PYPROJECT = """\
[project]
name = "bench-corpus"
version = "0.0.0"

[tool.pipeline]
project = "bench-corpus"
version = "1.0"
site_name = "Ministry News"
languages = ["en", "km"]
default_language = "en"
base_url = "https://news.example.gov.kh"
min_translated = 100
page_size = 10

[tool.pipeline.collections.news-and-events]
translate = ["title", "description"]

[tool.pipeline.collections.announcements]
translate = ["title", "description"]

[tool.pipeline.collections.guides]
translate = ["title", "description"]
"""

# English vocabulary, roughly by frequency (the sampler gives earlier words more weight: Zipf-like).
WORDS = """
the of and to in a for on with by at from that is was are as this will be have has their its
ministry public community digital services province training centers staff citizens young people
posts telecommunications meeting working group progress development national schools students
network internet mobile postal local program project support information technology skills new
officials government office committee plan report work year month week day time first second
also more other all many each every some several most further about after before during between
under over through across within without into until since while where when which who whose
excellency director general minister secretary state deputy department unit team members partners
private sector companies business market economy trade investment finance budget cost price
data system security privacy access connection coverage broadband fibre cable tower station
phone smartphone computer laptop software application platform website portal online service
parcel letter package delivery tracking number counter receipt address customer recipient sender
training course session workshop seminar conference forum event ceremony launch opening closing
teachers trainers learners participants volunteers families children women men youth elders
village commune district city capital region country cambodia phnom penh takeo kampot siem reap
battambang kandal kampong cham preah sihanouk kep pursat koh kong ratanakiri mondulkiri
road bridge building centre library hall room school university college hospital market pagoda
water electricity energy solar power climate environment health education culture tourism
agriculture farmers rice fish crops weather season rain flood dry hot cool morning afternoon
evening night today tomorrow yesterday recently soon later early late quickly slowly carefully
important useful safe free open closed ready available necessary possible successful active
strong clear simple modern traditional official international regional rural urban remote
improve strengthen promote reduce increase expand provide offer receive send share explain
discuss review prepare organise organize manage monitor evaluate measure record publish announce
invite welcome thank praise encourage help protect respect follow continue complete start finish
register apply submit pay check confirm update change choose visit attend join lead present
opportunity challenge solution request recommendation direction goal result impact benefit need
policy strategy framework law regulation standard guideline procedure rule notice announcement
holiday festival water festival new year independence constitution day victory day national day
""".split()

EXTERNAL_SITES = ("https://www.mptc.gov.kh", "https://www.cambodiapost.post", "https://data.example.gov.kh",
                  "https://open.example.org", "https://www.example.com")
AUTHORS = ("Ministry of Posts and Telecommunications", "Cambodia Post", "Department of Digital Services",
           "Provincial Department of Posts and Telecommunications")
TAGS = ("digital-skills", "community-tech-center", "training", "postal-services", "meeting", "policy",
        "infrastructure", "holiday", "guide", "tracking", "broadband", "youth")
LANGS = ("text", "sh", "json")

# Real Khmer words, each clean for `pipeline.khmer.check_khmer`; used to make pseudo-Khmer text.
KHMER = """
ក្រសួង ប្រៃសណីយ៍ ទូរគមនាគមន៍ ការងារ ក្រុម ប្រជុំ សិស្ស យុវជន បច្ចេកវិទ្យា ឌីជីថល សហគមន៍ មជ្ឈមណ្ឌល
ខេត្ត រាជធានី ភ្នំពេញ សេវា អ្នក ប្រជាពលរដ្ឋ ការអភិវឌ្ឍ ការបណ្ដុះបណ្ដាល ជំនាញ វគ្គ សិក្សា គោលនយោបាយ
ផែនការ គម្រោង កម្មវិធី ព័ត៌មាន សេចក្ដីជូនដំណឹង ថ្ងៃ ខែ ឆ្នាំ ម៉ោង ការិយាល័យ ប្រទេស កម្ពុជា រដ្ឋាភិបាល
ឯកឧត្តម លោកជំទាវ អគ្គនាយក នាយកដ្ឋាន ផ្នែក សាលារៀន វិទ្យាល័យ គ្រូ បង្រៀន ថ្មី ចាស់ ធំ តូច ល្អ ច្រើន
តិច ទាំងអស់ និង ឬ ដែល នៅ ក្នុង ពី ទៅ ជាមួយ សម្រាប់ ដើម្បី បាន នឹង កំពុង មាន ជា គឺ នេះ នោះ របស់ ការ
សេចក្ដី ភាព អំពី លើ ក្រោម រវាង តាម ដោយ ពេល ក្រោយ មុន ទទួល ផ្ដល់ ចូលរួម រៀបចំ អនុវត្ត ពង្រឹង លើកកម្ពស់
កាត់បន្ថយ គាំទ្រ ជួយ ពិនិត្យ តាមដាន វាយតម្លៃ សម្រេច ប្រកាស បើក បិទ ចុះឈ្មោះ អ៊ីនធឺណិត ទូរស័ព្ទ កុំព្យូទ័រ
ប្រព័ន្ធ ទិន្នន័យ សុវត្ថិភាព ហិរញ្ញវត្ថុ ទីផ្សារ សេដ្ឋកិច្ច សង្គម វប្បធម៌ ការអប់រំ សុខភាព បរិស្ថាន ទឹក ភ្លើង
ផ្លូវ ស្ពាន កសិកម្ម ពាណិជ្ជកម្ម ឧស្សាហកម្ម ទេសចរណ៍ អន្តរជាតិ ជាតិ ក្នុងស្រុក ឃុំ ស្រុក ភូមិ ប្រជាជន គ្រួសារ
កុមារ ស្ត្រី បុរស មន្ត្រី បុគ្គលិក សមាជិក អ្នកដឹកនាំ ការណែនាំ សំណួរ ចម្លើយ ឯកសារ របាយការណ៍ លទ្ធផល
បញ្ហា ដំណោះស្រាយ គោលដៅ ទិសដៅ អាទិភាព វិធានការ ស្វែងរក ស្ថានភាព ឥតគិតថ្លៃ ទីតាំង ប្រធានបទ ឧទាហរណ៍
រូបភាព អត្ថបទ ទំព័រ ភាសា ខ្មែរ
""".split()
KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")

_CUM_WEIGHTS = list(accumulate(1.0 / (rank + 3) ** 0.8 for rank in range(len(WORDS))))


def _rare_words(count: int) -> tuple[str, ...]:
    """A long tail of made-up rarer words (names, places, terms): real text has tens of thousands of
    word types, and translation-memory lookups behave very differently over 400 types only."""
    rng = random.Random("rare-words")
    onsets = ("b", "ch", "d", "k", "kh", "l", "m", "n", "ph", "pr", "r", "s", "sr", "t", "th", "tr", "v", "y")
    nuclei = ("a", "ai", "ea", "e", "i", "o", "ou", "u", "ey", "or")
    codas = ("", "", "k", "m", "n", "ng", "p", "r", "s", "t", "th")
    found: dict[str, None] = {}
    while len(found) < count:
        word = "".join(rng.choice(onsets) + rng.choice(nuclei) + rng.choice(codas) for _ in range(rng.randint(2, 3)))
        found.setdefault(word)
    return tuple(found)


RARE_WORDS = _rare_words(20000)
RARE_SHARE = 0.3  # share of running words taken from the long tail
_RARE_CUM = list(accumulate(1.0 / (rank + 10) for rank in range(len(RARE_WORDS))))
_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


# --- text ---------------------------------------------------------------------------------------


def _words(rng: random.Random, k: int) -> list[str]:
    head = rng.choices(WORDS, cum_weights=_CUM_WEIGHTS, k=k)
    tail = rng.choices(RARE_WORDS, cum_weights=_RARE_CUM, k=k)
    return [t if rng.random() < RARE_SHARE else h for h, t in zip(head, tail)]


def _sentence(rng: random.Random, low: int = 8, high: int = 22) -> str:
    words = _words(rng, rng.randint(low, high))
    if rng.random() < 0.25:  # a number somewhere in the sentence
        words.insert(rng.randrange(1, len(words)), str(rng.choice((rng.randint(2, 99), rng.randint(2020, 2025)))))
    if len(words) > 10 and rng.random() < 0.4:
        words[rng.randrange(3, len(words) - 3)] += ","
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def _title(rng: random.Random) -> str:
    return " ".join(_words(rng, rng.randint(5, 11))).capitalize()


def _decorate(rng: random.Random, sentence: str, index: int, seed: int) -> str:
    """Inline Markdown inside one sentence: a link, bold, emphasis or a code span."""
    words = sentence[:-1].split(" ")
    if len(words) < 6:
        return sentence
    choice = rng.random()
    at = rng.randrange(1, len(words) - 3)
    span = rng.randint(1, 3)
    inner = " ".join(w.rstrip(",") for w in words[at:at + span])
    tail = "," if words[at + span - 1].endswith(",") else ""
    if choice < 0.45:
        if index > 0 and rng.random() < 0.5:
            target = _internal_link(rng, index, seed)
        else:
            target = f"{rng.choice(EXTERNAL_SITES)}/{'-'.join(_words(rng, 2))}"
        replaced = f"[{inner}]({target}){tail}"
    elif choice < 0.7:
        replaced = f"**{inner}**{tail}"
    elif choice < 0.85:
        replaced = f"*{inner}*{tail}"
    else:
        replaced = f"`{rng.choice(('*133*5#', 'RR123456785KH', '/track', 'https', '1333', 'km'))}`"
        words.insert(at, replaced)
        return " ".join(words) + "."
    words[at:at + span] = [replaced]
    return " ".join(words) + "."


def _paragraph(rng: random.Random, index: int, seed: int = DEFAULT_SEED) -> str:
    sentences = [_sentence(rng) for _ in range(rng.randint(2, 5))]
    for k in range(len(sentences)):
        if rng.random() < 0.3:
            sentences[k] = _decorate(rng, sentences[k], index, seed)
    return " ".join(sentences)


_BOILERPLATE_RNG = random.Random("boilerplate")
BOILERPLATE = tuple(
    " ".join(_sentence(_BOILERPLATE_RNG) for _ in range(_BOILERPLATE_RNG.randint(2, 3))) for _ in range(25)
) + (
    "For more information, please contact the Ministry of Posts and Telecommunications on weekdays "
    "from 8 to 17 or visit the nearest post office.",
    "The ministry thanks all participants and partners for their support and their active contribution.",
)


# --- articles -----------------------------------------------------------------------------------


def collection_of(index: int, seed: int = DEFAULT_SEED) -> str:
    rng = random.Random(f"{seed}:collection:{index}")
    return rng.choices([c for c, _ in COLLECTIONS], weights=[w for _, w in COLLECTIONS])[0]


def slug_of(index: int, seed: int = DEFAULT_SEED) -> str:
    rng = random.Random(f"{seed}:slug:{index}")
    return "-".join(w.lower() for w in _words(rng, 3)) + f"-{index:05d}"


def article_id(index: int, seed: int = DEFAULT_SEED) -> str:
    return f"{collection_of(index, seed)}/{slug_of(index, seed)}"


def _internal_link(rng: random.Random, index: int, seed: int = DEFAULT_SEED) -> str:
    other = rng.randrange(max(0, index - 300), index)
    mine, theirs = collection_of(index, seed), collection_of(other, seed)
    slug = slug_of(other, seed)
    return f"{slug}.md" if mine == theirs else f"../{theirs}/{slug}.md"


def _date(rng: random.Random) -> dt.date:
    start = dt.date(2020, 1, 1)
    return start + dt.timedelta(days=rng.randrange((dt.date(2025, 12, 31) - start).days + 1))


def make_article(index: int, seed: int = DEFAULT_SEED) -> tuple[str, str, dict[str, bytes]]:
    """(article id, Markdown text, {asset path under content/: bytes}) of article `index`."""
    rng = random.Random(f"{seed}:article:{index}")
    collection, slug = collection_of(index, seed), slug_of(index, seed)
    ident = f"{collection}/{slug}"
    asset_dir = f"assets/{collection}/{slug}"
    assets = {f"{asset_dir}/thumbnail.jpg": _JPEG}
    title = _title(rng)
    description = _sentence(rng, 15, 30)
    tags = ", ".join(sorted(set(rng.sample(TAGS, rng.randint(0, 3)))))
    front = [
        "---",
        f"title: {title}",
        f"description: {description}",
        f"date: {_date(rng).isoformat()}",
        f"author: {rng.choice(AUTHORS)}",
        f'image: "@/{asset_dir}/thumbnail.jpg"',
        f"tags: [{tags}]",
    ]
    if rng.random() < 0.05:
        front.insert(1, "draft: false")
    front.append("---")

    paragraphs = []
    for _ in range(rng.randint(4, 12)):
        if rng.random() < 0.10:
            paragraphs.append(rng.choice(BOILERPLATE))
        else:
            paragraphs.append(_paragraph(rng, index, seed))
    images = []
    for k in range(1, rng.randint(2, 4) + 1):
        name = f"photo-{k}.jpg"
        assets[f"{asset_dir}/{name}"] = _JPEG
        if rng.random() < 0.03:
            assets[f"{asset_dir}/photo-{k}.km.jpg"] = _JPEG
        images.append(f"![{' '.join(_words(rng, rng.randint(2, 6))).capitalize()}](@/{asset_dir}/{name})")

    blocks = [paragraphs[0]]
    extras = []
    if rng.random() < 0.7:
        marker = rng.choice(("-", "1."))
        items = [_sentence(rng, 3, 12).rstrip(".") for _ in range(rng.randint(3, 5))]
        extras.append("\n".join(f"{marker if marker == '-' else f'{n}.'} {item}" for n, item in enumerate(items, 1)))
    if rng.random() < 0.4:
        head = [w.capitalize() for w in _words(rng, 3)]
        rows = [[_title(rng)[:40].strip(), str(rng.randint(1, 500)), " ".join(_words(rng, rng.randint(1, 4)))]
                for _ in range(rng.randint(2, 4))]
        extras.append("\n".join([f"| {' | '.join(head)} |", "|---|---:|---|"] + [f"| {' | '.join(r)} |" for r in rows]))
    if rng.random() < 0.2:
        extras.append("> " + _paragraph(rng, index, seed))
    if rng.random() < 0.1:
        extras.append(f"```{rng.choice(LANGS)}\nTRACK RR{rng.randint(100000000, 999999999)}KH\n```")
    rest = paragraphs[1:]
    headings = max(1, len(rest) // 3)
    per = max(1, len(rest) // headings)
    for h in range(headings):
        blocks.append(("## " if h == 0 or rng.random() < 0.7 else "### ") + _title(rng))
        blocks.extend(rest[h * per:(h + 1) * per] if h < headings - 1 else rest[h * per:])
        if h == 0:
            blocks.append(images[0])
        if extras:
            blocks.append(extras.pop(0))
    blocks.extend(extras)
    blocks.append("\n".join(images[1:]))  # the rest of the images together, as editors paste them
    text = "\n".join(front) + "\n" + "\n\n".join(blocks) + "\n"
    return ident, text, assets


def write_project(n: int, out: Path, seed: int = DEFAULT_SEED) -> None:
    """Write pyproject.toml, templates/ and the N articles with their assets into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    if (out / "templates").exists():
        shutil.rmtree(out / "templates")
    shutil.copytree(REPO / "templates", out / "templates")
    content = out / "content"
    made_dirs: set[Path] = set()
    for index in range(n):
        ident, text, assets = make_article(index, seed)
        for relative, data in [(f"{ident}.md", text.encode("utf-8"))] + list(assets.items()):
            path = content / relative
            if path.parent not in made_dirs:
                path.parent.mkdir(parents=True, exist_ok=True)
                made_dirs.add(path.parent)
            path.write_bytes(data)


# --- pseudo-Khmer translations ---------------------------------------------------------------------

_PIECE = re.compile(
    r"(?P<keep>`[^`]*`|%\([^)]*\)[sd]|%[sd]|\{[\w.]*\}|&[a-z]+;|<[^>]*>)"
    r"|(?P<image>!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]*)\))"
    r"|(?P<link>\[(?P<text>[^\]]*)\]\((?P<href>[^)\s]*)\))"
    r"|(?P<word>[A-Za-z][A-Za-z'’]*)"
    r"|(?P<num>\d+)"
    r"|(?P<stop>\.(?=\s|$))"
    r"|(?P<other>.)",
    re.S,
)


def khmer_word(word: str) -> str:
    return KHMER[zlib.crc32(word.lower().encode()) % len(KHMER)]


def khmerize(text: str) -> str:
    """A deterministic pseudo-Khmer 'translation' keeping every Markdown feature of `text`.

    Words become Khmer words (spaces between them mostly dropped, as Khmer is written), numbers
    become Khmer digits, a sentence-final '.' becomes '។'; code spans, placeholders, link and
    image targets, emphasis markers and other punctuation stay as they are."""
    out: list[str] = []
    kinds: list[str] = []
    matches = list(_PIECE.finditer(text))
    run = 0
    for k, m in enumerate(matches):
        kind = m.lastgroup if m.lastgroup in ("keep", "image", "link", "word", "num", "stop") else "other"
        if m.group("image") is not None:
            kind = "image"
            out.append(f"![{khmerize(m.group('alt'))}]({m.group('src')})")
        elif m.group("link") is not None:
            kind = "link"
            out.append(f"[{khmerize(m.group('text'))}]({m.group('href')})")
        elif m.group("word") is not None:
            kind = "word"
            out.append(khmer_word(m.group("word")))
        elif m.group("num") is not None:
            out.append(m.group("num").translate(KHMER_DIGITS))
        elif m.group("stop") is not None:
            out.append("។")
        elif m.group("keep") is not None:
            out.append(m.group("keep"))
        else:
            char = m.group("other")
            between_words = (char == " " and kinds and kinds[-1] == "word" and k + 1 < len(matches)
                             and matches[k + 1].group("word") is not None)
            if between_words:
                run += 1
                if run % 4:  # keep one space in four between words
                    out.append("")
                    kinds.append("space")
                    continue
            out.append(char)
        kinds.append(kind)
    return "".join(out)


def fill_catalogs(root: Path, lang: str = "km", only: list[str] | None = None) -> int:
    """Give every non-obsolete message of every `lang` catalog (or only those of the articles whose
    ids are in `only`) a pseudo-Khmer translation."""
    sys.path.insert(0, str(REPO))
    from dataclasses import replace

    from pipeline.po import decode_po, format_po, parse_po

    filled = 0
    folder = root / "locale" / lang / "LC_MESSAGES"
    for path in sorted(folder.rglob("*.po")) if only is None else [folder / f"{i}.po" for i in only]:
        shown = path.relative_to(root).as_posix()
        catalog = parse_po(decode_po(path.read_bytes(), shown), shown)
        messages = []
        for m in catalog.messages:
            if not m.obsolete and m.msgid and m.msgid_plural is None:
                m = replace(m, msgstr=khmerize(m.msgid), flags=tuple(f for f in m.flags if f != "fuzzy"),
                            previous_msgid=None, previous_msgctxt=None)
                filled += 1
            messages.append(m)
        text = format_po(replace(catalog, messages=tuple(messages)))
        path.write_text(text, encoding="utf-8")
    return filled


# --- edits ------------------------------------------------------------------------------------------

_PLAIN = re.compile(r"^[A-Z]")


def _articles(root: Path) -> list[Path]:
    content = root / "content"
    return sorted(p for p in content.rglob("*.md") if "assets" not in p.relative_to(content).parts[:1])


def _blocks(text: str) -> tuple[str, list[str]]:
    _, front, body = text.split("---\n", 2)
    return "---\n" + front + "---\n", body.split("\n\n")


def _edit(rng: random.Random, paragraph: str) -> str:
    """A small editorial change: one word replaced and a short clause added (stays a close match)."""
    words = paragraph.split(" ")
    plain = [k for k, w in enumerate(words) if w.isalpha() and w.islower()]
    if plain:
        k = rng.choice(plain)
        words[k] = rng.choice([w for w in WORDS if w != words[k]])
    text = " ".join(words)
    return text[:-1] + f", {' '.join(_words(rng, rng.randint(2, 4)))}." if text.endswith(".") else text


def edit_paragraphs(root: Path, fraction: float = 0.05, round_: int = 1, seed: int = DEFAULT_SEED) -> int:
    """Edit `fraction` of all plain paragraphs of the project (a deterministic sample); returns how many."""
    rng = random.Random(f"{seed}:edit:{round_}")
    places = []
    texts = {}
    for path in _articles(root):
        head, blocks = _blocks(path.read_text(encoding="utf-8"))
        texts[path] = (head, blocks)
        places.extend((path, k) for k, b in enumerate(blocks) if _PLAIN.match(b) and "\n" not in b)
    chosen = sorted(rng.sample(range(len(places)), round(fraction * len(places))))
    changed = set()
    for position in chosen:
        path, k = places[position]
        texts[path][1][k] = _edit(rng, texts[path][1][k])
        changed.add(path)
    for path in sorted(changed):
        head, blocks = texts[path]
        _write(path, head + "\n\n".join(blocks))
    return len(chosen)


def edit_article(root: Path, round_: int = 1, seed: int = DEFAULT_SEED) -> str:
    """Edit the first plain paragraph of one article (the middle one); returns its path under root."""
    paths = _articles(root)
    path = paths[len(paths) // 2]
    rng = random.Random(f"{seed}:one:{round_}")
    head, blocks = _blocks(path.read_text(encoding="utf-8"))
    k = next(k for k, b in enumerate(blocks) if _PLAIN.match(b) and "\n" not in b)
    blocks[k] = _edit(rng, blocks[k])
    _write(path, head + "\n\n".join(blocks))
    return path.relative_to(root).as_posix()


def edit_articles(root: Path, count: int, round_: int = 1, seed: int = DEFAULT_SEED) -> list[str]:
    """Edit the first plain paragraph of `count` articles spread evenly over the project (what a
    day's work changes); returns their paths under root."""
    paths = _articles(root)
    edited = []
    for number, path in enumerate(paths[len(paths) // (2 * count)::max(1, len(paths) // count)][:count]):
        rng = random.Random(f"{seed}:day:{round_}:{number}")
        head, blocks = _blocks(path.read_text(encoding="utf-8"))
        k = next(k for k, b in enumerate(blocks) if _PLAIN.match(b) and "\n" not in b)
        blocks[k] = _edit(rng, blocks[k])
        _write(path, head + "\n\n".join(blocks))
        edited.append(path.relative_to(root).as_posix())
    return edited


def _write(path: Path, text: str) -> None:
    """Replace a file atomically and give it a new mtime (so mtime-based caches see the change)."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


# --- command line -----------------------------------------------------------------------------------


def pipeline_command() -> list[str]:
    local = REPO / ".venv" / "bin" / "pipeline"
    return [str(local)] if local.exists() else [sys.executable, "-m", "pipeline.cli"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--no-catalogs", action="store_true", help="write articles only; do not extract and fill")
    parser.add_argument("--check", action="store_true", help="run `pipeline check` on the result")
    args = parser.parse_args(argv)
    out = args.outdir.resolve()
    if (out / "content").exists():
        parser.error(f"{out} already has a content/ folder; give an empty or new folder")
    write_project(args.n, out, args.seed)
    print(f"generate: {args.n} articles in {out}")
    if not args.no_catalogs:
        env = dict(os.environ, SOURCE_DATE_EPOCH=os.environ.get("SOURCE_DATE_EPOCH", "1755043200"))
        subprocess.run(pipeline_command() + ["--root", str(out), "-q", "extract"], check=True, env=env)
        print(f"generate: {fill_catalogs(out)} Khmer messages filled")
        if args.check:
            return subprocess.run(pipeline_command() + ["--root", str(out), "-q", "check"]).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
