"""Per-language formatting: dates, numbers, language names. Owns Babel's date formatting."""

from __future__ import annotations

import datetime as dt

from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural
from babel.dates import format_date as babel_format_date

from pipeline.khmer import to_khmer_digits

KHMER_MONTHS = (
    "មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា",
    "កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ",
)


def format_date(day: dt.date, lang: str) -> str:
    """The date as a reader of `lang` expects it: `ថ្ងៃទី១៣ ខែសីហា ឆ្នាំ២០២៥` or `August 13, 2025`."""
    if lang == "km":
        # Babel's km month names are right but its digits are Latin: use the news pattern, then map.
        return to_khmer_digits(f"ថ្ងៃទី{day.day} ខែ{KHMER_MONTHS[day.month - 1]} ឆ្នាំ{day.year}")
    return babel_format_date(day, format="long", locale=lang)


def language_name(lang: str, in_lang: str = "en") -> str:
    """The language's name, e.g. `Khmer` (or its endonym `ខ្មែរ` with in_lang=lang)."""
    try:
        name = Locale.parse(lang).get_display_name(in_lang)
    except (UnknownLocaleError, ValueError):
        return lang
    return name or lang


def og_locale(lang: str) -> str:
    """OpenGraph locale: `km_KH`, `en_US`."""
    try:
        locale = Locale.parse(lang)
        territory = locale.territory or _LIKELY_TERRITORY.get(lang, lang.upper())
    except (UnknownLocaleError, ValueError):
        territory = lang.upper()
    return f"{lang}_{territory}"


_LIKELY_TERRITORY = {"km": "KH", "en": "US", "fr": "FR", "th": "TH", "vi": "VN", "zh": "CN"}


def plural_forms(lang: str) -> str:
    """The gettext Plural-Forms header of a language (`nplurals=1; plural=0;` for Khmer)."""
    try:
        plural = get_plural(lang)
    except (UnknownLocaleError, ValueError):
        return "nplurals=2; plural=(n != 1);"
    return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"
