"""Candidate glossary terms mined from translated catalogs: an English name and the Khmer the
translators wrote for it, for a reviewer to accept into `glossary.csv`.

The evidence is aligned units (a msgid and its msgstr); a unit repeated word for word (a label on
every page) is one piece of evidence, however often it occurs.

* English candidates are capitalised phrases: runs of capitalised words or acronyms (`Ministry of
  Posts and Telecommunications`, `C.T.C.`) that may hold a lower-case "of", "and", "the", "for" or
  "&", and the shorter runs inside them. Not suggested: a phrase found inside one longer phrase in
  nearly all its units ("Takeo" in "Takeo Province": a fragment), a phrase capitalised only where
  it begins a sentence ("However"), a single word more often written in lower case ("Try" of the
  title "Quickly Try JSX"), and a name the Khmer keeps as it is ("React").
* Khmer candidates are runs of whole words (ICU's dictionary segmentation, numbers cut out first)
  that neither begin nor end with a grammatical word (នៅ, និង, របស់…) nor end with the word that
  labels a number (ឆ្នាំ of ឆ្នាំ២០២៥), compared in a normalised spelling: spaces and zero-width
  characters ignored, typing mistakes repaired, subscript DA and TA (្ដ ្ត) and ឲ្យ/ឱ្យ counted as
  one. They are shown as most often written, repaired and without zero-width spaces.
* A pair is linked by its association over the distinct units (Dice: units holding both against
  units holding each), the strongest pairs first, each phrase in one pair at most (competitive
  linking): "High School" takes វិទ្យាល័យ, and "School" cannot take it again. Terms the glossary
  already has are linked first and then left out, so that neither a fragment nor a neighbour of
  them gets their Khmer. Equally associated pairs go in order of how close the two stand in their
  units (a name that opens the English opens the Khmer too), then longer phrases first. A Khmer phrase is
  refused when a longer one around it comes with the English term nearly as often (a fragment:
  មជ្ឈមណ្ឌល for "Community Tech Center"), or when it holds the Khmer of another English term that
  is not part of this one (a neighbouring word: វិទ្យាល័យ សុខ អាន is "Sok An High School", not
  "Sok An").
* A pair needs MIN_UNITS distinct units, or one unit that is the English term alone, translated
  by the Khmer term alone, occurring MIN_UNITS times (a label such as "Post Office").
* Suggestions are ranked by association × the units (occurrences) holding both; ties by text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable

from pipeline.khmer.encoding import comparable_khmer
from pipeline.khmer.words import WordBreaker, plain_text, repaired

MIN_UNITS = 2  # a pair seen in one unit only is an accident of that unit
MAX_ENGLISH_WORDS = 8
MAX_KHMER_WORDS = 8
EXAMPLES = 3
FRAGMENT_SHARE = 0.8  # a phrase found inside a longer one in this share of its units is a fragment of it
# Month and weekday names: the pipeline writes dates itself (pipeline.locales); they are not terms.
_CALENDAR = frozenset("""january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split())
MIN_ASSOCIATION = 0.25  # below this Dice a pair is more chance than translation
SMOOTHING = 1.0  # added to the units of each side: two units that agree are weaker evidence than twenty

# English words: acronyms with dots (C.T.C., H.E.), words with inner dots, hyphens or apostrophes
# (Node.js, Vice-chair, Don't), "&"; any other character is a token of its own.
_ENGLISH_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Za-z0-9]+(?:[.'’-][A-Za-z0-9]+)*|&|[^\sA-Za-z0-9]")
_CONTRACTION = re.compile(r"['’](?:s|ll|re|ve|d|t|m)$", re.IGNORECASE)  # We'll, Don't, React's
_CONNECTORS = {"of", "and", "the", "for", "&"}
# Capitalised at the start of a sentence or in a title: never the first or last word of a term.
_FUNCTION_WORDS = set("""a an the of and or for to in on at by with from as into onto about after before during
    this that these those it its our we you your he she his her they their there here when while where how what
    why who if is are was were be been all each every some any no not but so than then also i without within
    between over under up out""".split())
_NOT_LAST = _FUNCTION_WORDS - {"a", "an"}
_SENTENCE_ENDS = {".", "!", "?", ":", ";"}
# Khmer grammatical words (at, and, of, which, is, to…): never the first or last word of a term.
_KHMER_FUNCTION_WORDS = set("""នៅ និង ដែល ជា គឺ បាន របស់ ក្នុង នៃ ដល់ ពី ទៅ ឱ្យ ដើម្បី ហើយ ក៏ នេះ នោះ ទាំង ជាមួយ
    ចំពោះ តាម ដោយ ផង ដែរ ឬ ប៉ុន្តែ នូវ លើ ក្រោម ពេល""".split())
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_KHMER_LETTER = re.compile("[\u1780-\u17b3]")
_NOT_DIGITS = re.compile("[^0-9\u17e0-\u17e9]+")
_SPACES = " \u00a0\u200b\u200c\u200d\u2060\ufeff"


@dataclass(frozen=True)
class Suggestion:
    english: str  # the English term as most often written
    khmer: str  # the Khmer term as most often written
    units: int  # how many aligned units hold both
    score: float  # the ranking score, higher first
    examples: tuple[tuple[str, str], ...]  # up to 3 (english unit, khmer unit) pairs, the shortest first


@dataclass(frozen=True)
class _Unit:
    """One distinct aligned unit (its repetitions counted) and the candidate phrases it holds."""

    english: str
    khmer: str
    count: int  # how many times the unit occurs
    english_terms: dict[str, EnglishPhrase]  # key → its first occurrence in this unit
    names: frozenset[str]  # English keys written as names here: not only capitalised to begin a sentence
    untranslated: frozenset[str]  # English keys written as they are in the Khmer too
    khmer_text: str  # the Khmer as read: plain text, zero-width characters removed, repaired
    khmer_terms: dict[str, KhmerPhrase]
    label: tuple[str, str] | None  # (English key, Khmer key) when each side is one whole term


@dataclass(frozen=True)
class _Corpus:
    units: list[_Unit]
    english: dict[str, frozenset[int]]  # English key → the distinct units holding it
    names: frozenset[str]  # the English keys that are names to translate (see `_named`)
    khmer: dict[str, frozenset[int]]


@dataclass(frozen=True)
class _Link:
    english: str  # key
    khmer: str  # key
    dice: float  # over distinct units, smoothed
    units: frozenset[int]  # distinct units holding both
    distance: float  # how far apart the two are in their units (places from 0 to 1), on average


def english_key(term: str) -> str:
    """How English terms compare: case, dots of acronyms, spacing and regular plurals ignored
    ("Community Tech Centers" is "Community Tech Center", "Ministry of Posts" "Ministry of Post")."""
    return " ".join(_singular(word) for word in term.replace(".", "").casefold().split())


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s", "’s")):
        return word[:-1]
    return word


def khmer_key(term: str) -> str:
    """How Khmer terms compare (`comparable_khmer`): spaces and zero-width characters ignored, typing
    mistakes repaired, and the spellings Khmer writers use interchangeably (្ដ/្ត, ឲ្យ/ឱ្យ) made one."""
    return comparable_khmer(term)


def suggest_terms(pairs: Iterable[tuple[str, str]], known_english: Iterable[str] = (),
                  limit: int = 30) -> tuple[Suggestion, ...]:
    """The `limit` best candidate term pairs found in aligned (English, Khmer) units, best first."""
    corpus = _corpus(pairs)
    known = {english_key(term) for term in known_english}
    # Known terms take part in the linking (their Khmer is then not given to a fragment of them or to
    # a neighbour) but are not shown.
    terms = sorted({key for key in _maximal(corpus.english) if key in corpus.names} | (known & corpus.english.keys()))
    links = [link for key in terms for link in _links(corpus, key)]
    chosen = [(link.dice * _occurrences(corpus.units, link.units), link) for link in _one_to_one(corpus, links, known)
              if link.english not in known]
    chosen.sort(key=lambda item: (-item[0], item[1].english, item[1].khmer))
    return tuple(_suggestion(corpus.units, link, score) for score, link in chosen[:limit])


# --- the corpus -------------------------------------------------------------------------------------


def _corpus(pairs: Iterable[tuple[str, str]]) -> _Corpus:
    """The distinct units of `pairs` (compared as normalised text; each written as the least of its
    spellings, so that the order of `pairs` does not matter) and where each phrase is found."""
    counts: Counter = Counter()
    first: dict[tuple[str, str], tuple[str, str]] = {}
    for english, khmer in pairs:
        if english.strip() and khmer.strip():
            same = (english_key(english), khmer_key(khmer))
            counts[same] += 1
            first[same] = min(first.get(same, (english, khmer)), (english, khmer))  # whatever the order of pairs
    breaker = WordBreaker()
    units = [_unit(english, khmer, counts[same], breaker) for same, (english, khmer) in first.items()]
    english_units = _where(units, "english_terms")
    lowercase = _lowercase_uses(units, [key for key in english_units if " " not in key])
    names = frozenset(key for key, found in english_units.items() if _named(units, key, found, lowercase[key]))
    khmer_units = {key: found for key, found in _where(units, "khmer_terms").items()
                   if _occurrences(units, found) >= MIN_UNITS}
    return _Corpus(units, english_units, names, khmer_units)


def _unit(english: str, khmer: str, count: int, breaker: WordBreaker) -> _Unit:
    phrases = english_phrases(english)
    english_terms = {}
    for phrase in phrases:
        english_terms.setdefault(phrase.key, phrase)
    khmer_text = repaired(plain_text(khmer).translate(_ZERO_WIDTH))  # zero-width spaces would take the slow repair
    khmer_terms = khmer_phrases(khmer_text, breaker)
    whole_english = english_key(plain_text(english).strip(" .:;,"))
    whole_khmer = khmer_key(khmer_text.strip(" .:;,\u17d4\u17d5"))
    label = (whole_english, whole_khmer) if whole_english in english_terms and whole_khmer in khmer_terms else None
    names = {phrase.key for phrase in phrases if not phrase.initial or phrase.key == whole_english}
    folded = khmer.casefold()
    untranslated = {key for key, phrase in english_terms.items() if phrase.form.casefold() in folded}
    return _Unit(english, khmer, count, english_terms, frozenset(names), frozenset(untranslated), khmer_text,
                 khmer_terms, label)


def _named(units: list[_Unit], key: str, found: frozenset[int], lowercase: int) -> bool:
    """Whether an English phrase is a name to translate: written as a name (not only capitalised to
    begin a sentence: "However"), a single word at least as often so as in lower case ("Try" of the
    title "Quickly Try JSX" is the verb "try"), and translated (not kept as it is, as "React" is) in
    most of its units."""
    named = _occurrences(units, (index for index in found if key in units[index].names))
    kept = sum(key in units[index].untranslated for index in found)
    return named > 0 and named >= lowercase and kept * 2 < len(found)


def _lowercase_uses(units: list[_Unit], keys: Iterable[str]) -> Counter:
    """How many units (occurrences) write each of `keys` in lower case ("try", "management committee")."""
    prefixes = {" ".join(words[:n]) for words in map(str.split, keys) for n in range(1, len(words) + 1)}
    found: Counter = Counter()
    for unit in units:
        words = [match.group() for match in _ENGLISH_TOKEN.finditer(plain_text(unit.english))]
        seen = set()
        for start, word in enumerate(words):
            if not word[0].islower():
                continue
            for end in range(start + 1, min(len(words), start + MAX_ENGLISH_WORDS) + 1):
                phrase = english_key(" ".join(words[start:end]))
                if phrase not in prefixes:
                    break
                seen.add(phrase)
        found.update(dict.fromkeys(seen, unit.count))
    return found


def _where(units: list[_Unit], side: str) -> dict[str, frozenset[int]]:
    found: dict[str, set[int]] = defaultdict(set)
    for index, unit in enumerate(units):
        for key in getattr(unit, side):
            found[key].add(index)
    return {key: frozenset(indexes) for key, indexes in found.items()}


def _occurrences(units: list[_Unit], indexes: Iterable[int]) -> int:
    return sum(units[index].count for index in indexes)


# --- the candidates of one unit -------------------------------------------------------------------


@dataclass(frozen=True)
class EnglishPhrase:
    key: str
    form: str  # as written (spacing tidied)
    initial: bool  # it begins a sentence: its capital may be there only for that
    place: float  # where its middle is in the text, from 0 (start) to 1 (end)


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int
    initial: bool  # the first word of a sentence


def english_phrases(text: str) -> list[EnglishPhrase]:
    """Every capitalised phrase of an English text (Markdown) and the shorter ones inside it."""
    text = plain_text(text)
    found = []
    for run in _capitalised_runs(text):
        for start, first in enumerate(run):
            if not _may_begin(first.text):
                continue
            for last in run[start:start + MAX_ENGLISH_WORDS]:
                if _may_end(last.text):
                    form = " ".join(text[first.start:last.end].split())
                    place = (first.start + last.end) / 2 / len(text)
                    found.append(EnglishPhrase(english_key(form), form, first.initial, place))
    return found


def _capitalised_runs(text: str) -> list[list[_Word]]:
    """Runs of capitalised words, with connectors inside."""
    runs, run, gap, sentence_end = [], [], [], True
    for match in _ENGLISH_TOKEN.finditer(text):
        word = _Word(match.group(), match.start(), match.end(), sentence_end)
        sentence_end = word.text in _SENTENCE_ENDS
        if word.text[0].isupper():
            run += gap + [word]
            gap = []
        elif run and word.text.casefold() in _CONNECTORS:
            gap.append(word)
        else:
            if run:
                runs.append(run)
            run, gap = [], []
    if run:
        runs.append(run)
    return runs


def _may_begin(word: str) -> bool:
    return word[0].isupper() and word.casefold() not in _FUNCTION_WORDS and not _CONTRACTION.search(word)


def _may_end(word: str) -> bool:
    """Capitalised, and not a function word ("Ministry Of"); a name may end in "An" ("Sok An")."""
    return word[0].isupper() and word.casefold() not in _NOT_LAST and not _CONTRACTION.search(word)


@dataclass(frozen=True)
class KhmerPhrase:
    """Where a Khmer phrase is in a text (its first occurrence) and the next longer phrases around it."""

    start: int
    end: int
    longer: tuple[str, ...]  # keys


def khmer_phrases(text: str, breaker: WordBreaker) -> dict[str, KhmerPhrase]:
    """The runs of up to MAX_KHMER_WORDS whole Khmer words of a plain text, by key, each with the
    next longer runs around it. A run stops at anything that is not Khmer letters or spaces (Latin,
    digits, punctuation); it neither begins nor ends with a grammatical word, nor ends with a word
    that labels the number after it (ឆ្នាំ in ឆ្នាំ២០២៥ belongs to the year)."""
    found: dict[str, KhmerPhrase] = {}
    for run in _khmer_runs(text, breaker):
        word_keys = [khmer_key(text[word.start:word.end]) for word in run]
        begins = [i for i, word in enumerate(run) if word.may_begin]
        ends = [i for i, word in enumerate(run) if word.may_end]
        keys = {}  # (index in begins, index in ends) → key
        for b, first in enumerate(begins):
            for e in range(bisect_left(ends, first), len(ends)):
                if ends[e] >= first + MAX_KHMER_WORDS:
                    break
                keys[b, e] = "".join(word_keys[first:ends[e] + 1])
        for (b, e), key in keys.items():
            if key not in found:
                longer = tuple(keys[span] for span in ((b - 1, e), (b, e + 1)) if span in keys)
                found[key] = KhmerPhrase(run[begins[b]].start, run[ends[e]].end, longer)
    return found


@dataclass(frozen=True)
class _KhmerWord:
    start: int
    end: int
    may_begin: bool
    may_end: bool


def _khmer_runs(text: str, breaker: WordBreaker) -> list[list[_KhmerWord]]:
    """The words of each run of Khmer words, in order. Numbers are cut out before ICU reads the
    text: it would join ២១ to ថ្ងៃទី as one word."""
    runs = []
    for piece in _NOT_DIGITS.finditer(text):
        found = _runs_between_numbers(piece.group(), piece.start(), breaker)
        last = found[-1][-1] if found else None
        if last and piece.end() < len(text) and not text[last.end:piece.end()].strip(_SPACES):
            found[-1][-1] = _KhmerWord(last.start, last.end, last.may_begin, False)  # ឆ្នាំ of ឆ្នាំ២០២៥
        runs += found
    return runs


def _runs_between_numbers(text: str, offset: int, breaker: WordBreaker) -> list[list[_KhmerWord]]:
    runs, run, last_end = [], [], 0
    for word in breaker.words(text):
        khmer = _KHMER_LETTER.search(word.text) is not None
        if run and not (khmer and not text[last_end:word.start].strip(_SPACES)):
            runs.append(run)
            run = []
        last_end = word.end + (1 if "." in word.text and text[word.end:word.end + 1] == "." else 0)  # ម.ប.ស.
        if khmer:
            grammatical = khmer_key(word.text) in _KHMER_FUNCTION_WORDS
            run.append(_KhmerWord(offset + word.start, offset + last_end, not grammatical, not grammatical))
    if run:
        runs.append(run)
    return runs


# --- choosing ---------------------------------------------------------------------------------------


def _maximal(english: dict[str, frozenset[int]]) -> list[str]:
    """The English phrases that are not fragments: a phrase is one when a longer phrase holding it
    is found in nearly all its units ("Takeo" of "Takeo Province"). Month and weekday names are
    left out: dates are written by the pipeline itself."""
    widest: Counter = Counter()  # phrase → the most units of a longer phrase holding it
    for key, found in english.items():
        words = key.split()
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                part = " ".join(words[start:end])
                if part != key and part in english:
                    widest[part] = max(widest[part], len(found))
    return sorted(key for key, found in english.items()
                  if widest[key] < FRAGMENT_SHARE * len(found) and key not in _CALENDAR)


def _links(corpus: _Corpus, english: str) -> list[_Link]:
    """The Khmer phrases that may translate `english`: found with it in MIN_UNITS distinct units,
    or as the whole translation of a unit that is the English term alone and occurs MIN_UNITS times."""
    units, english_units = corpus.units, corpus.english[english]
    together: dict[str, set[int]] = defaultdict(set)
    for index in english_units:
        for key in units[index].khmer_terms:
            if key in corpus.khmer:
                together[key].add(index)
    labels = {units[i].label[1] for i in english_units if units[i].label and units[i].label[0] == english}
    links = []
    for key, both in together.items():
        if len(both) >= MIN_UNITS or (key in labels and _occurrences(units, both) >= MIN_UNITS):
            dice = 2 * len(both) / (len(english_units) + len(corpus.khmer[key]) + SMOOTHING)
            if dice >= MIN_ASSOCIATION:
                links.append(_Link(english, key, dice, frozenset(both), _distance(units, english, key, both)))
    return links


def _distance(units: list[_Unit], english: str, khmer: str, both: Iterable[int]) -> float:
    """How far apart an English and a Khmer phrase stand in the units holding both, on average:
    a translation tends to stand where its source does (both names open their sentences)."""
    found = []
    for index in both:
        unit = units[index]
        phrase = unit.khmer_terms[khmer]
        found.append(abs(unit.english_terms[english].place - (phrase.start + phrase.end) / 2 / len(unit.khmer_text)))
    return sum(found) / len(found)


def _one_to_one(corpus: _Corpus, links: list[_Link], known: set[str]) -> list[_Link]:
    """Competitive linking: the most associated pairs first, each English and each Khmer phrase in
    one pair at most; a Khmer fragment or a phrase holding a neighbouring term is refused (see the
    module docstring). The `known` English terms go first (a glossary has them); among equally
    associated pairs, those standing closer in their units go first, then the longer phrases."""
    links.sort(key=lambda link: (link.english not in known, -link.dice, -len(link.units), round(link.distance, 2),
                                 -len(link.english), -len(link.khmer), link.english, link.khmer))
    by_pair = {(link.english, link.khmer): link for link in links}
    english_of: dict[str, str] = {}  # Khmer key → the English key it was given to
    chosen: dict[str, _Link] = {}  # English key → its link
    for link in links:
        if link.english in chosen or link.khmer in english_of:
            continue
        if _holds_neighbour(link.khmer, link.english, english_of):
            continue
        around = {key for index in link.units for key in corpus.units[index].khmer_terms[link.khmer].longer}
        if any(_free(longer, link, by_pair, english_of) for longer in sorted(around)):
            continue  # a fragment: the longer phrase comes later in `links`
        english_of[link.khmer] = link.english
        chosen[link.english] = link
    return list(chosen.values())


def _holds_neighbour(khmer: str, english: str, english_of: dict[str, str]) -> bool:
    """Whether `khmer` holds the Khmer already given to an English term that is not part of `english`."""
    return any(taken in khmer and f" {other} " not in f" {english} " for taken, other in english_of.items())


def _free(around: str, link: _Link, by_pair: dict[tuple[str, str], _Link], english_of: dict[str, str]) -> bool:
    """Whether the longer Khmer phrase `around` could still translate the English of `link` instead
    of its Khmer: found with it nearly as often, not given to another term, holding no neighbour."""
    longer = by_pair.get((link.english, around))
    return (longer is not None and len(longer.units) >= FRAGMENT_SHARE * len(link.units)
            and around not in english_of and not _holds_neighbour(around, link.english, english_of))


def _suggestion(units: list[_Unit], link: _Link, score: float) -> Suggestion:
    english_forms, khmer_forms = Counter(), Counter()
    for index in link.units:
        english_forms[units[index].english_terms[link.english].form] += units[index].count
        phrase = units[index].khmer_terms[link.khmer]
        khmer_forms[" ".join(units[index].khmer_text[phrase.start:phrase.end].split())] += units[index].count
    pairs = sorted((units[i].english, units[i].khmer) for i in link.units)
    examples = tuple(sorted(pairs, key=lambda pair: len(pair[0]) + len(pair[1]))[:EXAMPLES])
    return Suggestion(_most_common(english_forms), _most_common(khmer_forms),
                      _occurrences(units, link.units), round(score, 6), examples)


def _most_common(forms: Counter) -> str:
    return min(forms.items(), key=lambda item: (-item[1], item[0]))[0]
