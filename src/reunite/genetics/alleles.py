"""Allele designations: repeat numbers, microvariants, amelogenin and off-ladder calls.

An STR allele is named by its number of repeat units (ISFG nomenclature): ``9`` is nine
complete repeats, ``9.3`` is nine repeats plus three bases of a partial repeat (a
*microvariant*). Amelogenin, the sex marker, has the alleles ``X`` and ``Y``. Lab software
writes alleles outside the allelic ladder as ``OL`` (off-ladder, position unknown), ``<8``
(shorter than the smallest ladder allele 8), ``>30`` (longer than the largest ladder
allele 30) or ``30.x`` (between ladder allele 30 and the next one).

Every designation has one canonical text (``Allele.text``) and a total order:

* numeric family first, by repeat number: ``<8 < 8 < 8.1 < … < 8.9 < 8.x < >8 < 9``
  (a ``<n`` call sorts just below ``n``, ``n.x`` after every ``n.k`` microvariant, and a
  ``>n`` call just above everything named ``n``);
* then amelogenin ``X < Y``;
* then ``OL``, whose size is unknown.

Equality and hashing use the canonical text, so ``parse_allele(9) == parse_allele("09 ")``.
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from reunite.errors import AlleleError

__all__ = ["Allele", "AlleleKind", "parse_allele"]


class AlleleKind(enum.Enum):
    """What kind of designation an allele is."""

    REPEAT = "repeat"
    """A whole number of repeat units, e.g. ``9``."""
    MICROVARIANT = "microvariant"
    """Whole repeats plus a partial repeat of 1–9 bases, e.g. ``9.3``."""
    AMELOGENIN = "amelogenin"
    """The sex-marker alleles ``X`` and ``Y``."""
    OFF_LADDER = "off-ladder"
    """Outside the allelic ladder: ``OL``, ``<8``, ``>30``, ``30.x``."""


# Sort groups: the numeric family, then amelogenin, then an unplaced off-ladder call.
_GROUP_NUMERIC = 0
_GROUP_AMELOGENIN = 1
_GROUP_UNPLACED = 2

# Position of a designation among those sharing one whole repeat number n:
# "<n" (-1), "n" (0), "n.1".."n.9" (1..9), "n.x" (10), ">n" (11).
_BELOW = -1
_BETWEEN = 10
_ABOVE = 11

_NUMBER = re.compile(r"(?P<whole>\d+)(?:\.(?P<part>\d))?")
_BOUND = re.compile(r"(?P<sign>[<>])(?P<whole>\d+)")
_BETWEEN_RE = re.compile(r"(?P<whole>\d+)\.[xX]")
# Largest repeat number accepted: the longest forensic STR alleles (e.g. SE33, Penta E,
# D21S11 variants, FGA) stay well under 100 repeats; anything bigger is a typing error.
_MAX_REPEATS = 999


SortKey = tuple[int, int, int, str]


@dataclass(frozen=True, slots=True)
class _Parsed:
    text: str
    kind: AlleleKind
    repeats: float | None
    key: SortKey


@dataclass(frozen=True, slots=True, eq=False)
class Allele:
    """One allele designation, in canonical form; see the module docstring for the order.

    Build one with :func:`parse_allele` (which accepts ints, floats and untidy strings);
    ``Allele(text)`` also validates and canonicalises ``text``.

    ``repeats`` is the numeric repeat value (``9.3`` for ``9.3``) for repeat and
    microvariant alleles, and ``None`` for amelogenin and every off-ladder call, whose
    exact length is not known.
    """

    text: str
    kind: AlleleKind = field(init=False)
    repeats: float | None = field(init=False)
    _key: SortKey = field(init=False, repr=False)

    def __post_init__(self) -> None:
        parsed = _parse_text(self.text)
        object.__setattr__(self, "text", parsed.text)
        object.__setattr__(self, "kind", parsed.kind)
        object.__setattr__(self, "repeats", parsed.repeats)
        object.__setattr__(self, "_key", parsed.key)

    @property
    def sort_key(self) -> SortKey:
        """The key that orders alleles (see the module docstring)."""
        return self._key

    @property
    def is_off_ladder(self) -> bool:
        """True for ``OL``, ``<n``, ``>n`` and ``n.x``."""
        return self.kind is AlleleKind.OFF_LADDER

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Allele({self.text!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Allele):
            return self.text == other.text
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.text)

    def __lt__(self, other: Allele) -> bool:
        if not isinstance(other, Allele):
            return NotImplemented
        return self._key < other._key

    def __le__(self, other: Allele) -> bool:
        if not isinstance(other, Allele):
            return NotImplemented
        return self._key <= other._key

    def __gt__(self, other: Allele) -> bool:
        if not isinstance(other, Allele):
            return NotImplemented
        return self._key > other._key

    def __ge__(self, other: Allele) -> bool:
        if not isinstance(other, Allele):
            return NotImplemented
        return self._key >= other._key


def _whole(text: str, original: str) -> int:
    whole = int(text)
    if whole <= 0:
        raise AlleleError("a repeat number must be positive", value=original)
    if whole > _MAX_REPEATS:
        raise AlleleError(
            f"a repeat number above {_MAX_REPEATS} is not an STR allele", value=original
        )
    return whole


@lru_cache(maxsize=65_536)
def _parse_text(raw: str) -> _Parsed:
    if not isinstance(raw, str):
        raise AlleleError("an allele must be given as text or a number", value=raw)
    text = raw.strip()
    if not text:
        raise AlleleError("empty allele designation", value=raw)
    upper = text.upper()
    if upper in {"X", "Y"}:
        return _Parsed(upper, AlleleKind.AMELOGENIN, None, (_GROUP_AMELOGENIN, 0, 0, upper))
    if upper == "OL":
        return _Parsed("OL", AlleleKind.OFF_LADDER, None, (_GROUP_UNPLACED, 0, 0, "OL"))
    if match := _NUMBER.fullmatch(text):
        whole = _whole(match["whole"], raw)
        part = int(match["part"]) if match["part"] is not None else 0
        if part == 0:
            # "9.0" as written by spreadsheets is the whole-repeat allele 9.
            return _Parsed(str(whole), AlleleKind.REPEAT, float(whole),
                           (_GROUP_NUMERIC, whole, 0, ""))
        return _Parsed(f"{whole}.{part}", AlleleKind.MICROVARIANT, whole + part / 10,
                       (_GROUP_NUMERIC, whole, part, ""))
    if match := _BOUND.fullmatch(text.replace(" ", "")):
        whole = _whole(match["whole"], raw)
        sign = match["sign"]
        return _Parsed(f"{sign}{whole}", AlleleKind.OFF_LADDER, None,
                       (_GROUP_NUMERIC, whole, _BELOW if sign == "<" else _ABOVE, ""))
    if match := _BETWEEN_RE.fullmatch(text):
        whole = _whole(match["whole"], raw)
        return _Parsed(f"{whole}.x", AlleleKind.OFF_LADDER, None,
                       (_GROUP_NUMERIC, whole, _BETWEEN, ""))
    if text.startswith("-"):
        raise AlleleError("a repeat number cannot be negative", value=raw)
    raise AlleleError(
        "not an allele designation (expected e.g. 9, 9.3, X, Y, OL, <8, >30 or 30.x)",
        value=raw,
    )


def _from_float(value: float) -> str:
    if not math.isfinite(value):
        raise AlleleError("an allele must be a finite number", value=value)
    tenths = round(value * 10)
    # Floats come from spreadsheets: 9.3 is stored as 9.2999999…; anything further than
    # float noise from a tenth is not a designation.
    if abs(value * 10 - tenths) > 1e-6:
        raise AlleleError("a microvariant has one decimal (e.g. 9.3)", value=value)
    if tenths < 0:
        raise AlleleError("a repeat number cannot be negative", value=value)
    whole, part = divmod(tenths, 10)
    return f"{whole}.{part}" if part else str(whole)


@lru_cache(maxsize=65_536)
def _allele_of_text(text: str) -> Allele:
    # One shared Allele per distinct text: alleles are immutable, and a lab file repeats
    # a few dozen designations millions of times. Errors are not cached (lru_cache does
    # not store exceptions), so a bad value is re-parsed and reported every time.
    return Allele(text)


def parse_allele(value: str | int | float, *, marker: str | None = None) -> Allele:
    """Read one allele designation from a string, an int (``9``) or a float (``9.3``).

    Surrounding whitespace is ignored and ``x``/``y``/``ol`` are accepted in any case.
    Raises :class:`~reunite.errors.AlleleError` naming the value (and ``marker``, if
    given) for anything that is not an allele: ``"abc"``, ``"-3"``, ``"9.9.9"``, ``""``.
    Text values are cached: equal texts give the same (immutable) :class:`Allele`.
    """
    try:
        if isinstance(value, str):  # the common case first; str is never bool/int/float
            return _allele_of_text(value)
        if isinstance(value, bool):
            raise AlleleError("a boolean is not an allele designation", value=value)
        if isinstance(value, int):
            text = str(value)
        elif isinstance(value, float):
            text = _from_float(value)
        else:
            raise AlleleError("an allele must be given as text or a number", value=value)
        return _allele_of_text(text)
    except AlleleError as exc:
        if marker is None and exc.context.get("value") is value:
            raise
        # Name the value exactly as the caller gave it (9, not "9"), and the marker.
        raise AlleleError(exc.message, marker=marker, value=value) from exc
