"""Khmer text: its digits and numbers, how much of a text is Khmer, and the encoding checks.

The package holds these modules, each usable alone:

* `numbers`: Khmer and Latin digits, the numbers a text writes in digits, and the share of Khmer
  letters;
* `number_words` and `number_match`: numbers written as words in English and Khmer, and whether a
  translation states the numbers of its source in any of the ways they are written (`number_match`
  reads Khmer words at the word boundaries of `words`);
* `script` and `encoding`: the kind of each character, clusters, and the typing mistakes
  `check_khmer` reports;
* `words`: words, counts, excerpts and reading time, by ICU's dictionary (the one module that
  imports ICU);
* `lunar`: the traditional lunar calendar (Chhankitek) and the official date line.

The names re-exported here are the standard-library ones. `words` and `lunar` are imported by
their own names: importing the package does not load ICU, and `lunar` formats its Gregorian date
with `pipeline.locales`, which itself writes Khmer digits with this package.
"""

from pipeline.khmer.encoding import CHECKS, KhmerFinding, check_khmer, khmer_errors
from pipeline.khmer.numbers import (
    KHMER_DIGITS,
    is_khmer,
    khmer_ratio,
    normalise_digits_for_compare,
    numbers_in,
    to_khmer_digits,
    to_latin_digits,
)

__all__ = [
    "CHECKS",
    "KHMER_DIGITS",
    "KhmerFinding",
    "check_khmer",
    "is_khmer",
    "khmer_errors",
    "khmer_ratio",
    "normalise_digits_for_compare",
    "numbers_in",
    "to_khmer_digits",
    "to_latin_digits",
]
