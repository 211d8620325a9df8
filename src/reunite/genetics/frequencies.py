"""Allele frequency tables: immutable, hashable, with a documented rare-allele policy.

Model and policy
----------------
* A table maps each marker to allele → frequency, optionally with the sample size ``N``
  (individuals; ``2N`` alleles) the frequencies were counted from.
* **Renormalisation.** On construction each marker whose frequencies do not sum to 1
  (by more than ``1e-12``: e.g. tables printed with 6 decimals, or listing only some
  alleles) is divided by its sum and named in :attr:`FrequencyTable.renormalised`; so
  every marker sums to 1 (to rounding).
* **Unseen alleles** (an allele of a profile that the table does not list) get the
  *minimum allele frequency* of the marker (NRC II, 1996, ch. 5: ``5/2N``):

  - ``min_allele_count / (2N)`` when ``N`` is known (``min_allele_count`` defaults to 5
    and is configurable, e.g. ``REUNITE_MIN_ALLELE_COUNT``);
  - otherwise ``min_frequency`` if the table was given one;
  - otherwise the smallest frequency listed for that marker.

  :meth:`FrequencyTable.frequency` returns that value **without renormalising** the marker
  (a look-up never changes the table, so results stay comparable across profiles). To
  add unseen alleles *and* renormalise, as Familias does, use
  :meth:`FrequencyTable.with_allele` or :meth:`FrequencyTable.with_unseen_alleles`,
  which return a new table (with a new content hash).
* Observed alleles keep their frequency even when it is below the minimum.
* :attr:`FrequencyTable.content_hash` is the SHA-256 of a canonical serialisation of the
  (renormalised) frequencies, sample sizes and rare-allele policy; the name is not part of
  it, so the same numbers under two names hash alike. Results record it in provenance.

This module does no file I/O: the readers of every table layout (reunite CSV, NIST 1036,
FBI 2015, wide tables, Familias databases) and their detection live in
:mod:`reunite.io.frequencies`. :func:`estimate_frequencies` counts alleles in profiles
(gene counting).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from reunite.errors import FrequencyTableError
from reunite.genetics.alleles import Allele, parse_allele
from reunite.genetics.markers import MARKERS, canonical_marker_name
from reunite.genetics.profile import Profile

__all__ = [
    "DEFAULT_MIN_ALLELE_COUNT",
    "FrequencyTable",
    "estimate_frequencies",
]

DEFAULT_MIN_ALLELE_COUNT = 5.0
"""NRC II's minimum allele count: unseen alleles get 5/(2N)."""

# Sums further than this from 1 are renormalised (and the marker named). Exact counts
# (count / n) sum to 1 within ~1e-15; a table printed with 6 decimals misses by ~1e-6.
# Sums closer to 1 are left alone, so rebuilding a table from its own frequencies gives
# bit-identical numbers and the same content hash.
_SUM_TOLERANCE = 1e-12

def _check_frequency(value: float, *, marker: str, allele: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FrequencyTableError("a frequency must be a number", marker=marker,
                                  field=allele, value=value)
    number = float(value)
    if not math.isfinite(number) or not 0.0 < number <= 1.0:
        raise FrequencyTableError("a frequency must be in (0, 1]", marker=marker,
                                  field=allele, value=value)
    return number


@dataclass(frozen=True, slots=True, init=False)
class FrequencyTable:
    """Allele frequencies per marker; see the module docstring for the rare-allele policy.

    Parameters: ``name``; ``frequencies`` (marker → allele → frequency, alleles as
    :class:`Allele` or text); ``sample_sizes`` (marker → ``N`` individuals, optional);
    keyword ``min_allele_count`` (default 5) and ``min_frequency`` (used when ``N`` is
    unknown). Marker names are canonicalised (unknown names are kept as written).
    """

    name: str
    _frequencies: Mapping[str, Mapping[Allele, float]] = field(repr=False)
    _sample_sizes: Mapping[str, float] = field(repr=False)
    min_allele_count: float
    min_frequency: float | None
    renormalised: tuple[str, ...]
    content_hash: str

    def __init__(
        self,
        name: str,
        frequencies: Mapping[str, Mapping[Allele, float] | Mapping[str, float]],
        sample_sizes: Mapping[str, float] | None = None,
        *,
        min_allele_count: float = DEFAULT_MIN_ALLELE_COUNT,
        min_frequency: float | None = None,
    ) -> None:
        if not isinstance(name, str) or not name.strip():
            raise FrequencyTableError("a frequency table needs a name", value=name)
        if not (math.isfinite(min_allele_count) and min_allele_count > 0):
            raise FrequencyTableError("min_allele_count must be positive",
                                      field="min_allele_count", value=min_allele_count)
        if min_frequency is not None and not 0.0 < min_frequency <= 1.0:
            raise FrequencyTableError("min_frequency must be in (0, 1]",
                                      field="min_frequency", value=min_frequency)
        tables: dict[str, Mapping[Allele, float]] = {}
        renormalised: list[str] = []
        for raw_marker, alleles in frequencies.items():
            marker = canonical_marker_name(raw_marker, allow_unknown=True)
            if marker in tables:
                raise FrequencyTableError("marker given twice", source=name, marker=marker,
                                          value=raw_marker)
            values: dict[Allele, float] = {}
            for raw_allele, freq in alleles.items():
                allele = raw_allele if isinstance(raw_allele, Allele) else parse_allele(
                    raw_allele, marker=marker)
                if allele in values:
                    raise FrequencyTableError("allele given twice", source=name,
                                              marker=marker, value=allele.text)
                values[allele] = _check_frequency(freq, marker=marker, allele=allele.text)
            if not values:
                raise FrequencyTableError("marker has no alleles", source=name, marker=marker)
            total = math.fsum(values.values())
            if abs(total - 1.0) > _SUM_TOLERANCE:
                renormalised.append(marker)
            else:
                total = 1.0
            tables[marker] = MappingProxyType(
                {a: values[a] / total for a in sorted(values)}
            )
        sizes: dict[str, float] = {}
        for raw_marker, size in (sample_sizes or {}).items():
            marker = canonical_marker_name(raw_marker, allow_unknown=True)
            if marker not in tables:
                raise FrequencyTableError("sample size for a marker without frequencies",
                                          source=name, marker=marker, value=size)
            if isinstance(size, bool) or not (isinstance(size, int | float)
                                              and math.isfinite(size) and size > 0):
                raise FrequencyTableError("sample size N must be positive", source=name,
                                          marker=marker, value=size)
            sizes[marker] = float(size)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "_frequencies", MappingProxyType(tables))
        object.__setattr__(self, "_sample_sizes", MappingProxyType(sizes))
        object.__setattr__(self, "min_allele_count", float(min_allele_count))
        object.__setattr__(self, "min_frequency", min_frequency)
        object.__setattr__(self, "renormalised", tuple(renormalised))
        object.__setattr__(self, "content_hash", self._hash_content())

    def _hash_content(self) -> str:
        document = {
            "frequencies": {
                m: [[a.text, repr(f)] for a, f in alleles.items()]
                for m, alleles in sorted(self._frequencies.items())
            },
            "sample_sizes": {m: repr(n) for m, n in sorted(self._sample_sizes.items())},
            "min_allele_count": repr(self.min_allele_count),
            "min_frequency": None if self.min_frequency is None else repr(self.min_frequency),
        }
        text = json.dumps(document, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FrequencyTable):
            return NotImplemented
        return (self.name, self.content_hash) == (other.name, other.content_hash)

    def __hash__(self) -> int:
        return hash((self.name, self.content_hash))

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # Read-only mappings cannot be pickled: rebuild from plain dicts (Dask, copy).
        return (_restore_table, (
            self.name, {m: dict(a) for m, a in self._frequencies.items()},
            dict(self._sample_sizes), self.min_allele_count, self.min_frequency,
            self.renormalised,
        ))

    def __repr__(self) -> str:
        return (f"FrequencyTable(name={self.name!r}, markers={len(self._frequencies)}, "
                f"content_hash={self.content_hash[:12]!r})")

    def __contains__(self, marker: object) -> bool:
        if not isinstance(marker, str):
            return False
        return canonical_marker_name(marker, allow_unknown=True) in self._frequencies

    @property
    def markers(self) -> tuple[str, ...]:
        """The markers in the table (canonical names), in the order read."""
        return tuple(self._frequencies)

    def _marker(self, marker: str) -> str:
        if isinstance(marker, str) and marker in self._frequencies:
            return marker
        name = canonical_marker_name(marker, allow_unknown=True)
        if name not in self._frequencies:
            raise FrequencyTableError("marker not in frequency table", source=self.name,
                                      marker=name, value=marker)
        return name

    def alleles(self, marker: str) -> tuple[Allele, ...]:
        """The alleles listed for ``marker``, in allele order."""
        return tuple(self._frequencies[self._marker(marker)])

    def frequencies(self, marker: str) -> Mapping[Allele, float]:
        """The (renormalised) allele → frequency mapping for ``marker``."""
        return self._frequencies[self._marker(marker)]

    def sample_size(self, marker: str) -> float | None:
        """``N``, the number of individuals behind ``marker``'s frequencies, if known."""
        return self._sample_sizes.get(self._marker(marker))

    def min_allele_frequency(self, marker: str) -> float:
        """The frequency given to an allele the table does not list (module docstring)."""
        name = self._marker(marker)
        size = self._sample_sizes.get(name)
        if size is not None:
            return min(1.0, self.min_allele_count / (2.0 * size))
        if self.min_frequency is not None:
            return self.min_frequency
        return min(self._frequencies[name].values())

    def has_allele(self, marker: str, allele: Allele | str | int | float) -> bool:
        """True if ``allele`` is listed for ``marker``."""
        name = self._marker(marker)
        key = allele if isinstance(allele, Allele) else parse_allele(allele, marker=name)
        return key in self._frequencies[name]

    def frequency(self, marker: str, allele: Allele | str | int | float) -> float:
        """Frequency of ``allele`` at ``marker``; unseen alleles get the minimum frequency.

        The marker is not renormalised after giving an unseen allele its minimum
        frequency (see the module docstring). A marker absent from the table raises
        :class:`~reunite.errors.FrequencyTableError`.
        """
        name = self._marker(marker)
        key = allele if isinstance(allele, Allele) else parse_allele(allele, marker=name)
        found = self._frequencies[name].get(key)
        return found if found is not None else self.min_allele_frequency(name)

    def with_allele(
        self, marker: str, allele: Allele | str | int | float, frequency: float | None = None
    ) -> FrequencyTable:
        """A new table with ``allele`` at ``frequency`` (default: the minimum frequency).

        The marker is then renormalised and listed in ``renormalised``; a new marker is
        added if ``marker`` is not in the table (``frequency`` is then required).
        """
        name = canonical_marker_name(marker, allow_unknown=True)
        key = allele if isinstance(allele, Allele) else parse_allele(allele, marker=name)
        if frequency is None:
            frequency = self.min_allele_frequency(name)
        return self._replace({name: {key: frequency}})

    def with_unseen_alleles(
        self, alleles: Mapping[str, Iterable[Allele]]
    ) -> FrequencyTable:
        """A new table in which every unlisted allele in ``alleles`` gets its marker's
        minimum frequency, and those markers are renormalised (the Familias convention).

        Markers not in the table are ignored. Returns ``self`` when nothing is unseen.
        """
        additions: dict[str, dict[Allele, float]] = {}
        for marker, wanted in alleles.items():
            name = canonical_marker_name(marker, allow_unknown=True)
            if name not in self._frequencies:
                continue
            for allele in wanted:
                if allele not in self._frequencies[name]:
                    additions.setdefault(name, {})[allele] = self.min_allele_frequency(name)
        return self._replace(additions) if additions else self

    def _replace(self, additions: Mapping[str, Mapping[Allele, float]]) -> FrequencyTable:
        merged: dict[str, dict[Allele, float]] = {
            m: dict(a) for m, a in self._frequencies.items()
        }
        for marker, alleles in additions.items():
            merged.setdefault(marker, {}).update(alleles)
        table = FrequencyTable(
            self.name, merged, self._sample_sizes,
            min_allele_count=self.min_allele_count, min_frequency=self.min_frequency,
        )
        # The earlier renormalisations still happened to the source numbers: keep them.
        flagged = tuple(dict.fromkeys((*self.renormalised, *additions)))
        object.__setattr__(table, "renormalised", flagged)
        return table

    def restricted_to(self, markers: Iterable[str]) -> FrequencyTable:
        """A new table with only ``markers`` (those present)."""
        wanted = {canonical_marker_name(m, allow_unknown=True) for m in markers}
        keep = {m: dict(a) for m, a in self._frequencies.items() if m in wanted}
        table = FrequencyTable(
            self.name, keep,
            {m: n for m, n in self._sample_sizes.items() if m in wanted},
            min_allele_count=self.min_allele_count, min_frequency=self.min_frequency,
        )
        object.__setattr__(table, "renormalised",
                           tuple(m for m in self.renormalised if m in wanted))
        return table


def _restore_table(
    name: str, frequencies: dict[str, dict[Allele, float]], sizes: dict[str, float],
    min_allele_count: float, min_frequency: float | None, renormalised: tuple[str, ...],
) -> FrequencyTable:
    # The frequencies are already normalised (sums within 1e-12 of 1 are left alone), so
    # the rebuilt table has bit-identical numbers and the same content hash.
    table = FrequencyTable(name, frequencies, sizes, min_allele_count=min_allele_count,
                           min_frequency=min_frequency)
    object.__setattr__(table, "renormalised", renormalised)
    return table


def estimate_frequencies(
    profiles: Iterable[Profile],
    *,
    name: str,
    min_allele_count: float = DEFAULT_MIN_ALLELE_COUNT,
) -> FrequencyTable:
    """Allele frequencies counted from ``profiles`` (gene counting), keeping ``N``.

    Only complete genotypes at autosomal (or unknown) markers are counted: partial
    genotypes would bias the counts towards the alleles that did not drop out, and
    amelogenin, X and Y markers are not diploid in everyone. ``N`` per marker is the
    number of profiles counted there.
    """
    counts: dict[str, Counter[Allele]] = {}
    typed: Counter[str] = Counter()
    for profile in profiles:
        for marker, genotype in profile.genotypes.items():
            known = MARKERS.get(marker)
            if genotype.is_partial or (known is not None and not known.is_autosomal):
                continue
            counts.setdefault(marker, Counter()).update(genotype.alleles)
            typed[marker] += 1
    if not counts:
        raise FrequencyTableError("no complete autosomal genotypes to count", source=name)
    frequencies = {
        marker: {a: c / (2.0 * typed[marker]) for a, c in counter.items()}
        for marker, counter in counts.items()
    }
    return FrequencyTable(name, frequencies,
                          {m: float(n) for m, n in typed.items()},
                          min_allele_count=min_allele_count)
