"""The ENFSI verbal scale: a phrase for the strength of support a likelihood ratio gives.

Source: ENFSI *Guideline for Evaluative Reporting in Forensic Science* (European Network of
Forensic Science Institutes, 2015), the table of verbal equivalents in its section on
reporting. The guideline's bands, and the key each band has here:

=====================  ===================================  ====================
LR                     support for the first proposition     key
=====================  ===================================  ====================
1                      neither proposition is supported      ``none``
2 – 10                 weak                                  ``weak``
10 – 100               moderate                              ``moderate``
100 – 1,000            moderately strong                     ``moderately_strong``
1,000 – 10,000         strong                                ``strong``
10,000 – 1,000,000     very strong                           ``very_strong``
1,000,000 and above    extremely strong                      ``extremely_strong``
=====================  ===================================  ====================

The guideline gives its bands as ranges that touch; here each band is closed below and
open above (``10 ≤ LR < 100`` is *moderate*), so every number falls in exactly one band,
and any LR strictly between 1 and 10 is *weak*. An LR below 1 supports the second
proposition and is read on the same scale as ``1 / LR`` (the guideline's symmetry).
Special values are named, never clipped: ``LR = 0`` is an *exclusion* (the first
proposition is impossible), ``LR = +inf`` means the second proposition is impossible, and
NaN (0/0) means the data contradict both.

Some secondary summaries put the top band at 10,000; the guideline itself, followed
here, puts it at 1,000,000.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["ENFSI_BANDS", "VerbalEquivalent", "verbal_equivalent"]

ENFSI_BANDS: tuple[tuple[float, str, str], ...] = (
    (1.0, "weak", "weak support"),
    (10.0, "moderate", "moderate support"),
    (100.0, "moderately_strong", "moderately strong support"),
    (1_000.0, "strong", "strong support"),
    (10_000.0, "very_strong", "very strong support"),
    (1_000_000.0, "extremely_strong", "extremely strong support"),
)
"""Lower bound (exclusive for the first band, inclusive for the others), key, phrase."""


@dataclass(frozen=True)
class VerbalEquivalent:
    """The verbal equivalent of an LR.

    ``key`` names the band (for translation catalogues: ``verbal.<key>``); ``favours`` is
    ``1`` when the first proposition is supported, ``2`` when the second is, ``0`` when
    neither (LR = 1, or NaN). ``phrase`` is the English wording.
    """

    key: str
    favours: int
    phrase: str

    def sentence(self, first: str, second: str) -> str:
        """An English sentence naming the proposition supported."""
        if self.key == "exclusion":
            return f"The findings exclude the proposition that {first}."
        if self.key == "undefined":
            return "The findings are inconsistent with both propositions (a typing error?)."
        if self.favours == 0:
            return "The findings support neither proposition over the other."
        supported, other = (first, second) if self.favours == 1 else (second, first)
        return (f"The findings provide {self.phrase} for the proposition that {supported} "
                f"rather than that {other}.")


def _band(strength: float) -> tuple[str, str]:
    key, phrase = ENFSI_BANDS[0][1], ENFSI_BANDS[0][2]
    for lower, band_key, band_phrase in ENFSI_BANDS[1:]:
        if strength >= lower:
            key, phrase = band_key, band_phrase
    return key, phrase


def verbal_equivalent(lr: float) -> VerbalEquivalent:
    """The ENFSI verbal equivalent of ``lr`` (see the module docstring for the bands).

    >>> verbal_equivalent(250.0).phrase
    'moderately strong support'
    >>> verbal_equivalent(0.001).favours
    2
    """
    if math.isnan(lr):
        return VerbalEquivalent("undefined", 0, "undefined (0/0)")
    if lr < 0:
        raise ValueError(f"a likelihood ratio cannot be negative: {lr!r}")
    if lr == 0.0:
        return VerbalEquivalent("exclusion", 2, "exclusion")
    if lr == 1.0:
        return VerbalEquivalent("none", 0, "no support")
    if lr > 1.0:
        key, phrase = _band(lr)
        return VerbalEquivalent(key, 1, phrase)
    key, phrase = _band(1.0 / lr)
    return VerbalEquivalent(key, 2, phrase)
