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

Loaders read the generic ``marker,allele,frequency[,N]`` CSV and the two real layouts in
``../shared/data`` (NIST 1036 and FBI 2015, long CSV), and :func:`estimate_frequencies`
counts alleles in profiles. Every malformed file or row raises
:class:`~reunite.errors.FrequencyTableError` naming the file, line and value.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from reunite.errors import (
    AlleleError,
    FileFormatError,
    FrequencyTableError,
    InputError,
    MarkerError,
    Problem,
)
from reunite.genetics.alleles import Allele, parse_allele
from reunite.genetics.markers import MARKERS, canonical_marker_name
from reunite.genetics.profile import Profile

__all__ = [
    "DEFAULT_MIN_ALLELE_COUNT",
    "FrequencyTable",
    "TableLayout",
    "detect_layout",
    "estimate_frequencies",
    "read_fbi_2015_frequencies",
    "read_frequency_csv",
    "read_frequency_table",
    "read_nist_1036_frequencies",
    "read_nist_1036_genotypes",
    "read_wide_frequency_csv",
]

DEFAULT_MIN_ALLELE_COUNT = 5.0
"""NRC II's minimum allele count: unseen alleles get 5/(2N)."""

# Sums further than this from 1 are renormalised (and the marker named). Exact counts
# (count / n) sum to 1 within ~1e-15; a table printed with 6 decimals misses by ~1e-6.
# Sums closer to 1 are left alone, so rebuilding a table from its own frequencies gives
# bit-identical numbers and the same content hash.
_SUM_TOLERANCE = 1e-12

TableLayout = Literal["csv", "nist", "fbi", "wide"]


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


# --------------------------------------------------------------------------- loaders


def _open_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) of a CSV file with a header; errors name the file."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise FrequencyTableError(f"cannot read frequency file: {exc.strerror}",
                                  source=str(path)) from exc
    with handle:
        try:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None:
                raise FrequencyTableError("empty frequency file (no header)", source=str(path))
            for row in reader:
                if None in row:
                    raise FrequencyTableError(
                        "more cells than header columns", source=str(path),
                        line=reader.line_num, value=row[None],
                    )
                if all(not (v or "").strip() for v in row.values()):
                    continue
                yield reader.line_num, {k.strip().lower(): (v or "").strip()
                                        for k, v in row.items()}
        except (csv.Error, UnicodeDecodeError) as exc:
            raise FrequencyTableError(f"not a readable CSV file: {exc}",
                                      source=str(path)) from exc


def _header(path: Path, *, lower: bool = True) -> list[str]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            first = next(csv.reader(handle), [])
    except OSError as exc:
        raise FrequencyTableError(f"cannot read frequency file: {exc.strerror}",
                                  source=str(path)) from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise FrequencyTableError(f"not a readable CSV file: {exc}", source=str(path)) from exc
    return [cell.strip().lower() if lower else cell.strip() for cell in first]


def _number(text: str, *, path: Path, line: int, column: str, marker: str | None) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise FrequencyTableError(f"column {column!r} is not a number", source=str(path),
                                  line=line, field=column, marker=marker, value=text)
    return value


class _Builder:
    """Accumulates rows of a long table, collecting every problem with its line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.frequencies: dict[str, dict[Allele, float]] = {}
        self.sizes: dict[str, float] = {}
        self.size_lines: dict[str, int] = {}
        self.problems: list[Problem] = []
        self.first_error: FrequencyTableError | None = None

    def fail(self, error: FrequencyTableError) -> None:
        if self.first_error is None:
            self.first_error = error
        self.problems.append(Problem(error.message, source=str(self.path),
                                     line=error.context.get("line"),
                                     field=error.context.get("field"),
                                     marker=error.context.get("marker"),
                                     value=error.context.get("value")))

    def add(self, *, line: int, marker_text: str, allele_text: str, frequency: float,
            n_individuals: float | None) -> None:
        source = str(self.path)
        try:
            marker = canonical_marker_name(marker_text, allow_unknown=True)
        except MarkerError as exc:
            raise FrequencyTableError("missing marker name", source=source, line=line,
                                      field="marker", value=marker_text) from exc
        try:
            allele = parse_allele(allele_text)
        except AlleleError as exc:
            raise FrequencyTableError(exc.message, source=source, line=line, field="allele",
                                      marker=marker, value=allele_text) from exc
        if not (0.0 < frequency <= 1.0):
            raise FrequencyTableError("a frequency must be in (0, 1]", source=source,
                                      line=line, field="frequency", marker=marker,
                                      value=frequency)
        alleles = self.frequencies.setdefault(marker, {})
        if allele in alleles:
            raise FrequencyTableError("allele listed twice for the marker", source=source,
                                      line=line, field="allele", marker=marker,
                                      value=allele_text)
        alleles[allele] = frequency
        if n_individuals is not None:
            if n_individuals <= 0:
                raise FrequencyTableError("sample size must be positive", source=source,
                                          line=line, field="n", marker=marker,
                                          value=n_individuals)
            known = self.sizes.get(marker)
            if known is not None and known != n_individuals:
                raise FrequencyTableError(
                    f"sample size differs from line {self.size_lines[marker]} ({known:g})",
                    source=source, line=line, field="n", marker=marker, value=n_individuals,
                )
            self.sizes[marker] = n_individuals
            self.size_lines.setdefault(marker, line)

    def build(self, name: str, *, min_allele_count: float,
              min_frequency: float | None = None) -> FrequencyTable:
        if len(self.problems) == 1 and self.first_error is not None:
            raise self.first_error
        if self.problems:
            raise FrequencyTableError(f"{len(self.problems)} problems in frequency file",
                                      source=str(self.path), problems=self.problems)
        if not self.frequencies:
            raise FrequencyTableError("no frequencies in file", source=str(self.path))
        return FrequencyTable(name, self.frequencies, self.sizes,
                              min_allele_count=min_allele_count, min_frequency=min_frequency)


def _require(path: Path, header: list[str], columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in header]
    if missing:
        raise FrequencyTableError(
            f"missing column(s) {', '.join(missing)} (header: {', '.join(header)})",
            source=str(path), line=1, value=",".join(header),
        )


def read_frequency_csv(
    path: str | Path,
    *,
    name: str | None = None,
    population: str | None = None,
    min_allele_count: float = DEFAULT_MIN_ALLELE_COUNT,
    min_frequency: float | None = None,
) -> FrequencyTable:
    """Read a long CSV ``marker,allele,frequency`` with an optional ``N`` column.

    ``marker`` may be headed ``locus``; ``N`` is individuals per marker (``n`` or ``N``);
    a column ``n_alleles`` (alleles typed, ``2N``) is accepted instead. If the file has a
    ``population`` column, ``population`` selects the rows (required when there are
    several). Every malformed row is reported with its line.
    """
    source = Path(path)
    header = _header(source)
    marker_column = "marker" if "marker" in header else "locus"
    _require(source, header, [marker_column, "allele", "frequency"])
    size_column = "n" if "n" in header else ("n_alleles" if "n_alleles" in header else None)
    builder = _Builder(source)
    populations: set[str] = set()
    for line, row in _open_rows(source):
        if "population" in header:
            populations.add(row["population"])
            if population is None or row["population"] != population:
                continue
        try:
            frequency = _number(row["frequency"], path=source, line=line, column="frequency",
                                marker=row[marker_column])
            size: float | None = None
            if size_column is not None and row[size_column]:
                size = _number(row[size_column], path=source, line=line, column=size_column,
                               marker=row[marker_column])
                if size_column == "n_alleles":
                    size /= 2.0
            builder.add(line=line, marker_text=row[marker_column], allele_text=row["allele"],
                        frequency=frequency, n_individuals=size)
        except FrequencyTableError as exc:
            builder.fail(exc)
    if "population" in header and (population is None or population not in populations):
        raise FrequencyTableError(
            "choose a population: " + ", ".join(sorted(populations)),
            source=str(source), field="population", value=population,
        )
    label = name or (f"{source.stem} ({population})" if population else source.stem)
    return builder.build(label, min_allele_count=min_allele_count, min_frequency=min_frequency)


def _require_population(source: Path, population: str, populations: set[str]) -> None:
    if population not in populations:
        raise FrequencyTableError("population not in file (have: "
                                  + ", ".join(sorted(populations)) + ")",
                                  source=str(source), field="population", value=population)


def read_nist_1036_frequencies(
    path: str | Path,
    *,
    population: str = "All",
    name: str | None = None,
    min_allele_count: float = DEFAULT_MIN_ALLELE_COUNT,
) -> FrequencyTable:
    """Read the NIST 1036 long table (``population,locus,allele,count,n_alleles,frequency``).

    Frequencies are taken as ``count / n_alleles`` (exact), not from the rounded
    ``frequency`` column; ``N = n_alleles / 2``. ``population`` is one of ``All`` (the
    pooled 1036), ``AfAm``, ``Cauc``, ``Hisp``, ``Asian``. Other allele-count tables in
    the same layout (e.g. the UK DNA-17 counts) read the same way; ``name`` defaults to
    ``NIST 1036 <population>`` for the NIST file and ``<file stem> (<population>)``
    otherwise.
    """
    source = Path(path)
    header = _header(source)
    _require(source, header, ["population", "locus", "allele", "count", "n_alleles"])
    builder = _Builder(source)
    populations: set[str] = set()
    for line, row in _open_rows(source):
        populations.add(row["population"])
        if row["population"] != population:
            continue
        try:
            count = _number(row["count"], path=source, line=line, column="count",
                            marker=row["locus"])
            n_alleles = _number(row["n_alleles"], path=source, line=line, column="n_alleles",
                                marker=row["locus"])
            if n_alleles <= 0 or count <= 0 or count > n_alleles:
                raise FrequencyTableError(
                    "count must be in 1..n_alleles", source=str(source), line=line,
                    field="count", marker=row["locus"], value=row["count"],
                )
            builder.add(line=line, marker_text=row["locus"], allele_text=row["allele"],
                        frequency=count / n_alleles, n_individuals=n_alleles / 2.0)
        except FrequencyTableError as exc:
            builder.fail(exc)
    _require_population(source, population, populations)
    label = name or (f"NIST 1036 {population}" if source.name.startswith("nist1036")
                     else f"{source.stem} ({population})")
    return builder.build(label, min_allele_count=min_allele_count)


def read_fbi_2015_frequencies(
    path: str | Path,
    *,
    population: str = "Caucasian",
    autosomal_only: bool = True,
    min_allele_count: float = DEFAULT_MIN_ALLELE_COUNT,
) -> FrequencyTable:
    """Read the FBI 2015 expanded-CODIS long table (Moretti et al. 2016).

    Layout ``population,locus,allele,frequency,n_alleles,count``; the published
    (rounded) frequencies are used and each marker renormalised; ``N = n_alleles / 2``.
    The ``Y indel`` and ``DYS391`` rows are dropped unless ``autosomal_only`` is false.
    """
    source = Path(path)
    header = _header(source)
    _require(source, header, ["population", "locus", "allele", "frequency", "n_alleles"])
    builder = _Builder(source)
    populations: set[str] = set()
    for line, row in _open_rows(source):
        populations.add(row["population"])
        if row["population"] != population:
            continue
        marker = MARKERS.get(canonical_marker_name(row["locus"] or "?", allow_unknown=True))
        if autosomal_only and marker is not None and not marker.is_autosomal:
            continue
        try:
            frequency = _number(row["frequency"], path=source, line=line, column="frequency",
                                marker=row["locus"])
            n_alleles = _number(row["n_alleles"], path=source, line=line, column="n_alleles",
                                marker=row["locus"])
            builder.add(line=line, marker_text=row["locus"], allele_text=row["allele"],
                        frequency=frequency, n_individuals=n_alleles / 2.0)
        except FrequencyTableError as exc:
            builder.fail(exc)
    _require_population(source, population, populations)
    return builder.build(f"FBI 2015 {population}", min_allele_count=min_allele_count)


_WIDE_ABSENT = frozenset({"", "NA", "N/A", "-"})


def read_wide_frequency_csv(
    path: str | Path,
    *,
    name: str | None = None,
    autosomal_only: bool = True,
    min_allele_count: float = DEFAULT_MIN_ALLELE_COUNT,
    min_frequency: float | None = None,
) -> FrequencyTable:
    """Read a wide table: column ``Allele`` then one column of frequencies per marker.

    This is the layout of the mispitools tables and of the FBI "extended" table. Empty
    cells, ``NA`` and ``0`` mean "not observed". An optional row labelled ``N`` holds the
    number of alleles typed per marker (``2N``; ``0`` = unknown). Amelogenin and Y/X
    columns are dropped unless ``autosomal_only`` is false (their genotype-style rows
    such as ``X,Y`` are then rejected as alleles).
    """
    source = Path(path)
    header = _header(source)
    if not header or header[0] != "allele":
        raise FrequencyTableError("a wide table starts with an 'Allele' column",
                                  source=str(source), line=1, value=header[:1])
    # Rows are keyed by lower-cased header; marker names keep the file's own spelling.
    spelled = dict(zip(header, _header(source, lower=False), strict=True))
    kept: list[str] = []
    for column in header[1:]:
        if not column:
            continue
        marker = MARKERS.get(canonical_marker_name(spelled[column], allow_unknown=True))
        if autosomal_only and marker is not None and not marker.is_autosomal:
            continue
        kept.append(column)
    builder = _Builder(source)
    rows = list(_open_rows(source))
    n_alleles: dict[str, float] = {}
    for line, row in rows:
        if row["allele"].upper() != "N":
            continue
        for column in kept:
            if row[column] not in _WIDE_ABSENT:
                try:
                    value = _number(row[column], path=source, line=line,
                                    column=spelled[column], marker=spelled[column])
                except FrequencyTableError as exc:
                    builder.fail(exc)
                    continue
                if value > 0:
                    n_alleles[column] = value
    for line, row in rows:
        if row["allele"].upper() == "N":
            continue
        for column in kept:
            text = row[column]
            if text.upper() in _WIDE_ABSENT:
                continue
            try:
                frequency = _number(text, path=source, line=line, column=spelled[column],
                                    marker=spelled[column])
                if frequency == 0.0:
                    continue
                size = n_alleles.get(column)
                builder.add(line=line, marker_text=spelled[column], allele_text=row["allele"],
                            frequency=frequency,
                            n_individuals=None if size is None else size / 2.0)
            except FrequencyTableError as exc:
                builder.fail(exc)
    return builder.build(name or source.stem, min_allele_count=min_allele_count,
                         min_frequency=min_frequency)


def detect_layout(path: str | Path) -> TableLayout:
    """Which layout a frequency CSV has, from its header: nist, fbi, wide or csv."""
    header = _header(Path(path))
    if header[:6] == ["population", "locus", "allele", "count", "n_alleles", "frequency"]:
        return "nist"
    if header[:6] == ["population", "locus", "allele", "frequency", "n_alleles", "count"]:
        return "fbi"
    if header[:1] == ["allele"] and "frequency" not in header:
        return "wide"
    return "csv"


def read_frequency_table(
    path: str | Path,
    *,
    layout: TableLayout | Literal["auto"] = "auto",
    population: str | None = None,
    min_allele_count: float = DEFAULT_MIN_ALLELE_COUNT,
) -> FrequencyTable:
    """Read a frequency table in any supported layout (``auto`` detects it)."""
    chosen = detect_layout(path) if layout == "auto" else layout
    if chosen == "nist":
        return read_nist_1036_frequencies(path, population=population or "All",
                                          min_allele_count=min_allele_count)
    if chosen == "fbi":
        return read_fbi_2015_frequencies(path, population=population or "Caucasian",
                                         min_allele_count=min_allele_count)
    if chosen == "wide":
        if population is not None:
            raise FrequencyTableError("a wide table holds one population",
                                      source=str(path), field="population", value=population)
        return read_wide_frequency_csv(path, min_allele_count=min_allele_count)
    if chosen == "csv":
        return read_frequency_csv(path, population=population,
                                  min_allele_count=min_allele_count)
    raise FrequencyTableError("unknown table layout (auto, csv, nist, fbi or wide)",
                              value=layout)


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


def read_nist_1036_genotypes(
    path: str | Path, *, population: str | None = None
) -> tuple[Profile, ...]:
    """Read the NIST 1036 genotypes (wide: ``sample,population,<LOCUS>_1,<LOCUS>_2,...``).

    These are the reference-population samples the NIST 1036 frequencies were counted
    from (``estimate_frequencies`` of them reproduces the table). ``population`` keeps
    one group (``AfAm``, ``Cauc``, ``Hisp``, ``Asian``). Two empty cells mean untyped;
    problems raise :class:`~reunite.errors.FileFormatError` naming file, line, sample,
    marker and value (all problems listed).
    """
    source = Path(path)
    header = _header(source)
    _require(source, header, ["sample", "population"])
    pairs: dict[str, list[str]] = {}
    for column in header:
        if column.endswith(("_1", "_2")):
            pairs.setdefault(column[:-2], []).append(column)
    bad_columns = [m for m, cols in pairs.items() if len(cols) != 2]
    if bad_columns or not pairs:
        raise FileFormatError("expected column pairs <LOCUS>_1,<LOCUS>_2", source=str(source),
                              line=1, value=bad_columns or header[:4])
    profiles: list[Profile] = []
    problems: list[Problem] = []
    first: InputError | None = None
    for line, row in _open_rows(source):
        if population is not None and row["population"] != population:
            continue
        sample = row["sample"]
        raw = {marker: [row[f"{marker}_1"] or None, row[f"{marker}_2"] or None]
               for marker in pairs}
        try:
            profiles.append(Profile.from_mapping(
                sample, {m: v for m, v in raw.items() if v != [None, None]}))
        except InputError as exc:
            found = exc.problems or (Problem(exc.message, sample=sample,
                                             marker=exc.context.get("marker"),
                                             value=exc.context.get("value")),)
            for problem in found:
                problems.append(Problem(problem.message, source=str(source), line=line,
                                        sample=problem.sample, marker=problem.marker,
                                        value=problem.value))
            if first is None:
                first = FileFormatError(exc.message, source=str(source), line=line,
                                        sample=sample, marker=exc.context.get("marker"),
                                        value=exc.context.get("value"))
    if len(problems) == 1 and first is not None:
        raise first
    if problems:
        raise FileFormatError(f"{len(problems)} problems in genotype file",
                              source=str(source), problems=problems)
    if not profiles:
        raise FileFormatError("no genotypes read" + (
            f" for population {population!r}" if population else ""), source=str(source),
            field="population", value=population)
    return tuple(profiles)
