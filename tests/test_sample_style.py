"""The sample Khmer translation keeps the house style of the ministry's own published Khmer.

The rules come from the real ministry pairs (`../shared/corpora/real-articles/mptc-ctc-website`):
titles and headings end without ។ or ៕; the ministry's name is written unbroken, as the ministry
writes it everywhere (ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍); an Excellency is ឯកឧត្តម and does things with
honorific verbs (បានអញ្ជើញ…, ដឹកនាំ, អធិបតី, មានប្រសាសន៍, ថ្លែង…); numbers in running text are Khmer
digits; dates read `ថ្ងៃទី១៣ ខែសីហា ឆ្នាំ២០២៥`; a dateline is `រាជធានីភ្នំពេញ៖` or `ខេត្ត…៖`.

Each rule runs on every published entry of every Khmer catalog it applies to (the test id is the
catalog and line), and on the same entries with the mistake the rule is about put back in, so a
rule that stopped seeing anything fails too. The corpus tests (skipped without the corpora) check
that the two conventions the sample chose are the ones the ministry publishes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from pipeline.disk.layout import catalog_folder
from pipeline.disk.project import load_config, read_catalog
from pipeline.khmer import to_khmer_digits
from pipeline.model import Message

REPO = Path(__file__).resolve().parents[1]

OFFICIAL_MINISTRY = "ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍"
_GAP = r"[\s\u200b\u200c\u200d\u2060\ufeff]*"  # spaces and the invisible joiners and breakers
# the ministry's name however it is broken or misspelt (a missing or wrong sign above the last letter)
LOOSE_MINISTRY = re.compile(f"ក្រសួង{_GAP}ប្រៃសណីយ[៍៏]?{_GAP}និង{_GAP}ទូរគមនាគមន[៍៏]?")
ENGLISH_MINISTRY = re.compile(r"Ministry of Posts? and Telecommunications?", re.IGNORECASE)

ENGLISH_EXCELLENCY = re.compile(r"\bH\.\s?E\.|\b(?:His|Her) Excellency\b")
ENGLISH_MINISTER = re.compile(r"\bthe Minister\b")
KHMER_EXCELLENCY = re.compile(r"ឯកឧត្[តដ]ម|លោកជំទាវ")
KHMER_MINISTER = re.compile(r"ឯកឧត្[តដ]ម\s?រដ្ឋមន្")
HONORIFIC_VERBS = ("អញ្ជើញ", "ដឹកនាំ", "អធិបតី", "មានប្រសាសន៍", "ថ្លែង")
# the first verb marked as done (បាន…), not the passive ត្រូវបាន or ទទួលបាន "receive"
DONE_VERB = re.compile(r"(?<!ត្រូវ)(?<!ទទួល)បាន(\S+)")
SENTENCE_END = re.compile(r"[។៕?!]")

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
KHMER_MONTHS = dict(zip(MONTHS, ("មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា",
                                 "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ")))
_MONTH = "(" + "|".join(MONTHS) + ")"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
ENGLISH_DATE = re.compile(rf"\b{_MONTH}\s+{_DAY}(?:\s*(?:to|and|–|-)\s*{_DAY})?,?\s+(\d{{4}})\b")
ENGLISH_MONTH_YEAR = re.compile(rf"\b{_MONTH},?\s+(\d{{4}})\b")
KHMER_DATE_MARK = re.compile("ថ្ងៃទី|ឆ្នាំ[០-៩]|ខែ(?:" + "|".join(KHMER_MONTHS.values()) + ")")
MALFORMED_KHMER_DATES = (
    (re.compile(r"ថ្ងៃទី\s+[០-៩0-9]"), "a space between ថ្ងៃទី and the day"),
    (re.compile(r"ឆ្នាំ\s+[០-៩0-9]"), "a space between ឆ្នាំ and the year"),
    (re.compile("ខែ(?:" + "|".join(KHMER_MONTHS.values()) + r")\s*,?\s*[០-៩0-9]"),
     "a year after the month without ឆ្នាំ"),
    (re.compile(r"[០-៩0-9]{1,2}[/.][០-៩0-9]{1,2}[/.][០-៩0-9]{2,4}|[០-៩0-9]{4}-[០-៩0-9]{2}-[០-៩0-9]{2}"),
     "a date in figures"),
)

ENGLISH_DATELINE = re.compile(r"^(?:Phnom Penh|[A-Z][a-z]+(?: [A-Z][a-z]+)* Province)\s*[,:]")
KHMER_DATELINE = re.compile(r"^(?:រាជធានីភ្នំពេញ|ខេត្ត[^\s៖]+)[^៖]{0,40}៖ ")

# what is not running text: code, link targets, addresses, format placeholders, Latin names
NOT_RUNNING_TEXT = re.compile(
    r"`+[^`]*`+|\]\([^)]*\)|<[^>\s]+>|(?:https?://|www\.)\S+|%\([^)]*\)\w|%[sd]|\{[^}]*\}"
    r"|[A-Za-z][A-Za-z0-9_.\-]*[0-9][A-Za-z0-9_.\-]*|[0-9]+[A-Za-z][A-Za-z0-9_.\-]*")


@dataclass(frozen=True)
class Entry:
    where: str  # "locale/km/LC_MESSAGES/<id>.po:<line>"
    message: Message


def published_entries() -> tuple[Entry, ...]:
    """Every entry with a usable translation in every Khmer catalog of the sample project."""
    config = load_config(REPO)
    entries = []
    for path in sorted(catalog_folder(config, "km").rglob("*.po")):
        shown = config.relative(path)
        entries.extend(Entry(f"{shown}:{m.line}", m) for m in read_catalog(config, path).messages
                       if m.translated)
    return tuple(entries)


ENTRIES = published_entries()


def entries_where(applies: Callable[[Message], bool]) -> list:
    return [pytest.param(entry, id=entry.where) for entry in ENTRIES if applies(entry.message)]


def shown(message: Message) -> str:
    return f"\n  en: {message.msgid}\n  km: {message.msgstr}"


# --- the rules: each says what is wrong with a translation, or None ------------------------------


def is_title_or_heading(message: Message) -> bool:
    context = message.msgctxt or ""
    return context == "title" or context.endswith(".title") or "heading" in message.extracted_comments


def title_problem(msgstr: str) -> str | None:
    if msgstr.rstrip().endswith(("។", "៕")):
        return "a title or heading ends with ។ or ៕ (the ministry's titles end without one)"
    return None


def ministry_name_problem(msgid: str, msgstr: str) -> str | None:
    broken = [found for found in LOOSE_MINISTRY.findall(msgstr) if found != OFFICIAL_MINISTRY]
    if broken:
        return f"the ministry's name is written {broken[0]!r}, not {OFFICIAL_MINISTRY!r}"
    if ENGLISH_MINISTRY.search(msgid) and OFFICIAL_MINISTRY not in msgstr:
        return f"the English names the ministry; the Khmer has no {OFFICIAL_MINISTRY}"
    return None


def excellency_title_problem(msgid: str, msgstr: str) -> str | None:
    if ENGLISH_EXCELLENCY.search(msgid) and not KHMER_EXCELLENCY.search(msgstr):
        return "the English names an Excellency (H.E.); the Khmer has no ឯកឧត្តម"
    if ENGLISH_MINISTER.search(msgid) and not KHMER_MINISTER.search(msgstr):
        return "the English names the Minister; the Khmer has no ឯកឧត្តមរដ្ឋមន្ត្រី"
    return None


def excellency_verb_problem(msgstr: str) -> str | None:
    title = KHMER_EXCELLENCY.search(msgstr)
    if title is None:
        return None  # excellency_title_problem says so
    if not any(verb in msgstr[title.end():] for verb in HONORIFIC_VERBS):
        return f"no honorific verb after ឯកឧត្តម (one of {', '.join(HONORIFIC_VERBS)})"
    for sentence in SENTENCE_END.split(msgstr):
        title = KHMER_EXCELLENCY.search(sentence)
        done = title and DONE_VERB.search(sentence, title.end())
        if done and not done.group(1).startswith(HONORIFIC_VERBS):
            return f"the Excellency's verb is plain: បាន{done.group(1)} (បានអញ្ជើញ…, បានដឹកនាំ, បានថ្លែង…)"
    return None


def latin_digits_problem(msgstr: str) -> str | None:
    running = NOT_RUNNING_TEXT.sub(" ", msgstr)
    digits = re.findall(r"[0-9]+", running)
    if digits:
        return f"Latin digits {digits} in running text (the ministry writes ០–៩)"
    return None


def khmer_date(day: str, month: str, year: str) -> str:
    return to_khmer_digits(f"ថ្ងៃទី{int(day)} ខែ{KHMER_MONTHS[month]} ឆ្នាំ{year}")


def english_dates_problem(msgid: str, msgstr: str) -> str | None:
    for found in ENGLISH_DATE.finditer(msgid):
        month, first, last, year = found.groups()
        if last is None and khmer_date(first, month, year) not in msgstr:
            return f"{found.group(0)!r} is not written {khmer_date(first, month, year)!r}"
        if last is not None:
            start = khmer_date(first, month, year).split(" ")[0]
            end = khmer_date(last, month, year).removeprefix("ថ្ងៃ")  # "ដល់ថ្ងៃទី៦ ខែ…" or "និងទី៦ ខែ…"
            if start not in msgstr or end not in msgstr:
                return f"{found.group(0)!r} is not written {start} ដល់ថ្ងៃ{end}"
    for found in ENGLISH_MONTH_YEAR.finditer(msgid):
        month, year = found.groups()
        expected = to_khmer_digits(f"ខែ{KHMER_MONTHS[month]} ឆ្នាំ{year}")
        if expected not in msgstr:
            return f"{found.group(0)!r} is not written {expected!r}"
    return None


def khmer_dates_problem(msgstr: str) -> str | None:
    running = NOT_RUNNING_TEXT.sub(" ", msgstr)
    for pattern, what in MALFORMED_KHMER_DATES:
        if found := pattern.search(running):
            return f"{what}: {found.group(0)!r} (the ministry writes ថ្ងៃទី១៣ ខែសីហា ឆ្នាំ២០២៥)"
    return None


def dateline_problem(msgstr: str) -> str | None:
    if not KHMER_DATELINE.match(msgstr):
        return "the dateline is not written as the ministry's (រាជធានីភ្នំពេញ៖ …, ខេត្តតាកែវ៖ …)"
    return None


# --- the sample keeps every rule ------------------------------------------------------------------


@pytest.mark.parametrize("entry", entries_where(is_title_or_heading))
def test_titles_and_headings_end_without_a_stop(entry: Entry) -> None:
    problem = title_problem(entry.message.msgstr)
    assert problem is None, problem + shown(entry.message)


@pytest.mark.parametrize("entry", entries_where(lambda m: True))
def test_the_ministrys_name_is_written_unbroken(entry: Entry) -> None:
    problem = ministry_name_problem(entry.message.msgid, entry.message.msgstr)
    assert problem is None, problem + shown(entry.message)


@pytest.mark.parametrize("entry", entries_where(
    lambda m: bool(ENGLISH_EXCELLENCY.search(m.msgid) or ENGLISH_MINISTER.search(m.msgid))))
def test_an_excellency_is_titled_as_one(entry: Entry) -> None:
    problem = excellency_title_problem(entry.message.msgid, entry.message.msgstr)
    assert problem is None, problem + shown(entry.message)


@pytest.mark.parametrize("entry", entries_where(lambda m: bool(ENGLISH_EXCELLENCY.search(m.msgid))))
def test_an_excellency_acts_with_honorific_verbs(entry: Entry) -> None:
    problem = excellency_verb_problem(entry.message.msgstr)
    assert problem is None, problem + shown(entry.message)


@pytest.mark.parametrize("entry", entries_where(lambda m: True))
def test_running_text_has_khmer_digits(entry: Entry) -> None:
    problem = latin_digits_problem(entry.message.msgstr)
    assert problem is None, problem + shown(entry.message)


@pytest.mark.parametrize("entry", entries_where(
    lambda m: bool(ENGLISH_DATE.search(m.msgid) or ENGLISH_MONTH_YEAR.search(m.msgid))))
def test_english_dates_are_written_in_the_ministrys_form(entry: Entry) -> None:
    problem = english_dates_problem(entry.message.msgid, entry.message.msgstr)
    assert problem is None, problem + shown(entry.message)


@pytest.mark.parametrize("entry", entries_where(lambda m: bool(KHMER_DATE_MARK.search(m.msgstr))))
def test_khmer_dates_are_well_formed(entry: Entry) -> None:
    problem = khmer_dates_problem(entry.message.msgstr)
    assert problem is None, problem + shown(entry.message)


@pytest.mark.parametrize("entry", entries_where(lambda m: bool(ENGLISH_DATELINE.match(m.msgid))))
def test_datelines_are_the_ministrys(entry: Entry) -> None:
    problem = dateline_problem(entry.message.msgstr)
    assert problem is None, problem + shown(entry.message)


# --- each rule sees the mistake it is about, put back into the sample -----------------------------

DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
HONORIFIC_DONE = re.compile("បាន(?:" + "|".join(HONORIFIC_VERBS) + ")+")


def _latin_first_digit(msgstr: str) -> str:
    return re.sub("[០-៩]", lambda digit: digit.group(0).translate(DIGITS), msgstr, count=1)


def _drop_year_word(msgstr: str) -> str:
    return re.sub(r"ឆ្នាំ([០-៩])", r"\1", msgstr)


MISTAKES = {
    "title-stop": (is_title_or_heading, lambda s: s + "។", lambda m, s: title_problem(s)),
    "ministry-space": (
        lambda m: OFFICIAL_MINISTRY in m.msgstr,
        lambda s: s.replace(OFFICIAL_MINISTRY, "ក្រសួងប្រៃសណីយ៍ និងទូរគមនាគមន៍"),
        lambda m, s: ministry_name_problem(m.msgid, s)),
    "ministry-zwsp": (
        lambda m: OFFICIAL_MINISTRY in m.msgstr,
        lambda s: s.replace(OFFICIAL_MINISTRY, "ក្រសួងប្រៃសណីយ៍\u200bនិងទូរគមនាគមន៍"),
        lambda m, s: ministry_name_problem(m.msgid, s)),
    "plain-verb": (
        lambda m: bool(ENGLISH_EXCELLENCY.search(m.msgid) and HONORIFIC_DONE.search(m.msgstr)),
        lambda s: HONORIFIC_DONE.sub("បានធ្វើ", s),
        lambda m, s: excellency_verb_problem(s)),
    "no-excellency": (
        lambda m: bool(ENGLISH_EXCELLENCY.search(m.msgid) or ENGLISH_MINISTER.search(m.msgid)),
        lambda s: KHMER_EXCELLENCY.sub("លោក", s),
        lambda m, s: excellency_title_problem(m.msgid, s)),
    "latin-digit": (
        lambda m: bool(re.search("[០-៩]", m.msgstr)), _latin_first_digit,
        lambda m, s: latin_digits_problem(s)),
    "year-word": (
        lambda m: bool(re.search(r"ខែ\S+ ឆ្នាំ[០-៩]", m.msgstr)), _drop_year_word,
        lambda m, s: khmer_dates_problem(s) or english_dates_problem(m.msgid, s)),
    "dateline-comma": (
        lambda m: bool(ENGLISH_DATELINE.match(m.msgid)), lambda s: s.replace("៖", ",", 1),
        lambda m, s: dateline_problem(s)),
}


def mistake_cases() -> list:
    return [pytest.param(name, entry, id=f"{name}-{entry.where}")
            for name, (applies, _, _) in MISTAKES.items()
            for entry in ENTRIES if applies(entry.message)]


@pytest.mark.parametrize(("mistake", "entry"), mistake_cases())
def test_each_rule_sees_its_mistake_in_the_sample(mistake: str, entry: Entry) -> None:
    _, spoil, problem = MISTAKES[mistake]
    spoilt = spoil(entry.message.msgstr)
    assert spoilt != entry.message.msgstr
    assert problem(entry.message, spoilt) is not None, f"{mistake} not seen:{shown(entry.message)}"


def test_every_rule_has_sample_entries_to_check() -> None:
    """The sample has entries each rule applies to (a rule with nothing to check proves nothing)."""
    unused = [name for name, (applies, _, _) in MISTAKES.items()
              if not any(applies(entry.message) for entry in ENTRIES)]
    assert unused == []


# --- the conventions are the ministry's own -------------------------------------------------------


def ministry_articles(corpora: Path) -> list[Path]:
    folder = corpora / "real-articles" / "mptc-ctc-website" / "src" / "content"
    articles = sorted(folder.rglob("km/*.md"))
    if not articles:
        pytest.skip(f"the ministry's articles are not in {folder}")
    return articles


def test_the_ministry_writes_its_name_unbroken(corpora: Path) -> None:
    names = [found for path in ministry_articles(corpora)
             for found in LOOSE_MINISTRY.findall(path.read_text(encoding="utf-8"))]
    assert names and set(names) == {OFFICIAL_MINISTRY}


def test_the_ministrys_titles_end_without_a_stop(corpora: Path) -> None:
    titles = [line.removeprefix("title:").strip() for path in ministry_articles(corpora)
              for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("title:")]
    assert titles and [title for title in titles if title_problem(title)] == []
