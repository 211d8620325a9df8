"""Frequency tables in and out: every table layout is read and detected here, and only here.

Layouts (:data:`FrequencyFormat`), detected from the first lines by
:func:`detect_frequency_format` and read by :func:`read_frequencies`:

``csv``
    reunite's long table ``marker,allele,frequency[,N]`` (:func:`read_frequency_csv`;
    ``locus`` for ``marker``, ``n_alleles`` for ``2N``, an optional ``population`` column).
``nist``
    NIST 1036 allele counts ``population,locus,allele,count,n_alleles,frequency``
    (:func:`read_nist_1036_frequencies`; also the UK DNA-17 counts).
``fbi``
    FBI 2015 expanded CODIS ``population,locus,allele,frequency,n_alleles,count``
    (:func:`read_fbi_2015_frequencies`).
``wide``
    an ``Allele`` column then one column per marker (:func:`read_wide_frequency_csv`;
    mispitools, the FBI extended table).
``familias``
    a Familias frequency database: a marker line, then ``allele<TAB>frequency`` lines
    (:func:`reunite.io.familias.read_familias_frequencies`).

The table itself, :class:`~reunite.genetics.frequencies.FrequencyTable`, is a pure value
(:mod:`reunite.genetics.frequencies`, no file I/O). Every malformed file or row raises
:class:`~reunite.errors.FrequencyTableError` (or :class:`~reunite.errors.FileFormatError`
for an unrecognised layout) naming the file, line, marker and value; readers collect every
bad row before raising. :func:`read_nist_1036_genotypes` reads the NIST 1036 genotypes the
NIST table was counted from.

The CSV written is reunite's long layout ``marker,allele,frequency[,N]`` with Python's
shortest round-trip float text, so reading it back gives the same numbers exactly.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator
from pathlib import Path
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
from reunite.genetics.frequencies import DEFAULT_MIN_ALLELE_COUNT, FrequencyTable
from reunite.genetics.markers import MARKERS, canonical_marker_name
from reunite.genetics.profile import Profile
from reunite.io.familias import read_familias_frequencies, write_familias_frequencies

__all__ = [
    "FrequencyFormat",
    "detect_frequency_format",
    "format_frequency_csv",
    "read_fbi_2015_frequencies",
    "read_frequencies",
    "read_frequency_csv",
    "read_nist_1036_frequencies",
    "read_nist_1036_genotypes",
    "read_wide_frequency_csv",
    "write_frequencies",
    "write_frequency_csv",
]

FrequencyFormat = Literal["csv", "nist", "fbi", "wide", "familias"]

_NIST_HEADER = ["population", "locus", "allele", "count", "n_alleles", "frequency"]
_FBI_HEADER = ["population", "locus", "allele", "frequency", "n_alleles", "count"]


# --------------------------------------------------------------------------- CSV rows


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

# ------------------------------------------------------------------ NIST 1036 genotypes


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

# ------------------------------------------------------------------ detection, dispatch


def detect_frequency_format(path: str | Path) -> FrequencyFormat:
    """Which layout a frequency file has, from its first lines.

    A CSV header ``population,locus,allele,count,n_alleles,…`` is NIST 1036,
    ``population,locus,allele,frequency,n_alleles,…`` FBI 2015; a header with ``allele`` and
    ``frequency`` columns is reunite CSV; one starting with ``Allele`` and without a
    ``frequency`` column a wide table; a first line holding one name followed by
    ``allele<TAB>frequency`` lines a Familias database. Anything else raises
    :class:`~reunite.errors.FileFormatError`.
    """
    try:
        with Path(path).open(encoding="utf-8-sig", errors="replace") as handle:
            head = [handle.readline() for _ in range(3)]
    except OSError as exc:
        raise FileFormatError(f"cannot read the file: {exc.strerror}", source=str(path)) from exc
    first = head[0].strip()
    columns = [c.strip().lower() for c in next(csv.reader([first]), [])] if first else []
    if columns[:6] == _NIST_HEADER:
        return "nist"
    if columns[:6] == _FBI_HEADER:
        return "fbi"
    if "allele" in columns and "frequency" in columns:
        return "csv"
    if len(columns) > 1 and columns[0] == "allele":
        return "wide"
    if first and "\t" not in first and "," not in first and "\t" in head[1]:
        return "familias"
    raise FileFormatError(
        "unrecognised frequency table: expected a CSV with 'marker,allele,frequency' "
        "columns, the NIST 1036 or FBI 2015 layout, a wide table with an 'Allele' column, "
        "or a Familias database", source=str(path), line=1, value=first[:60])


def read_frequencies(
    path: str | Path,
    *,
    format: FrequencyFormat | Literal["auto"] = "auto",
    population: str | None = None,
    min_allele_count: float = DEFAULT_MIN_ALLELE_COUNT,
) -> FrequencyTable:
    """Read a frequency table in any layout of the module docstring (``auto`` detects it).

    ``population`` selects rows in multi-population files (NIST default ``All``, FBI
    default ``Caucasian``; a reunite CSV with a ``population`` column needs it when there
    are several); wide tables and Familias databases hold one population. Unseen alleles
    get ``min_allele_count / 2N`` where ``N`` is known (NRC II; ``REUNITE_MIN_ALLELE_COUNT``).
    """
    chosen = detect_frequency_format(path) if format == "auto" else format
    if population is not None and chosen in ("wide", "familias"):
        raise FrequencyTableError(f"a {chosen} table holds one population", source=str(path),
                                  field="population", value=population)
    if chosen == "nist":
        return read_nist_1036_frequencies(path, population=population or "All",
                                          min_allele_count=min_allele_count)
    if chosen == "fbi":
        return read_fbi_2015_frequencies(path, population=population or "Caucasian",
                                         min_allele_count=min_allele_count)
    if chosen == "wide":
        return read_wide_frequency_csv(path, min_allele_count=min_allele_count)
    if chosen == "csv":
        return read_frequency_csv(path, population=population,
                                  min_allele_count=min_allele_count)
    if chosen == "familias":
        # A Familias database has no sample sizes: the count would not change a number.
        return read_familias_frequencies(path)
    raise FrequencyTableError("unknown frequency format (auto, csv, nist, fbi, wide, familias)",
                              field="format", value=format)


# ---------------------------------------------------------------------------- writers


def format_frequency_csv(table: FrequencyTable) -> str:
    """``table`` as reunite CSV: ``marker,allele,frequency`` plus ``N`` when known."""
    with_n = any(table.sample_size(m) is not None for m in table.markers)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["marker", "allele", "frequency", *(["N"] if with_n else [])])
    for marker in table.markers:
        size = table.sample_size(marker)
        for allele, frequency in table.frequencies(marker).items():
            row = [marker, allele.text, repr(frequency)]
            if with_n:
                row.append("" if size is None else repr(size))
            writer.writerow(row)
    return out.getvalue()


def write_frequency_csv(table: FrequencyTable, target: str | Path) -> None:
    """Write :func:`format_frequency_csv` output (UTF-8) to ``target``."""
    Path(target).write_text(format_frequency_csv(table), encoding="utf-8")


def write_frequencies(
    table: FrequencyTable, target: str | Path, *,
    format: Literal["csv", "familias"] = "csv",
) -> None:
    """Write ``table`` as reunite CSV or as a Familias database."""
    if format == "familias":
        write_familias_frequencies(table, target)
    elif format == "csv":
        write_frequency_csv(table, target)
    else:
        raise FrequencyTableError("frequency tables are written as csv or familias",
                                  field="format", value=format)
