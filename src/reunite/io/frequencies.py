"""Frequency tables in and out: reunite CSV, Familias databases, the NIST and FBI layouts.

The table value and the CSV/NIST/FBI loaders belong to :mod:`reunite.genetics.frequencies`
(:class:`~reunite.genetics.frequencies.FrequencyTable`, ``read_frequency_csv``,
``read_nist_1036_frequencies``, ``read_fbi_2015_frequencies``); this module only picks the
loader for a file and adds the writers. The Familias database text format lives in
:mod:`reunite.io.familias`.

The CSV written is reunite's long layout ``marker,allele,frequency[,N]`` with Python's
shortest round-trip float text, so reading it back gives the same numbers exactly.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Literal

from reunite.errors import FileFormatError, FrequencyTableError
from reunite.genetics.frequencies import (
    FrequencyTable,
    read_fbi_2015_frequencies,
    read_frequency_csv,
    read_nist_1036_frequencies,
)
from reunite.io.familias import read_familias_frequencies, write_familias_frequencies

__all__ = [
    "FrequencyFormat",
    "detect_frequency_format",
    "format_frequency_csv",
    "read_frequencies",
    "write_frequencies",
    "write_frequency_csv",
]

FrequencyFormat = Literal["csv", "nist", "fbi", "familias"]


def detect_frequency_format(path: str | Path) -> FrequencyFormat:
    """Which layout a frequency file has, from its first lines.

    ``population,locus,allele,count,n_alleles,…`` is NIST 1036, ``population,locus,allele,
    frequency,n_alleles,…`` FBI 2015, a header with ``allele`` and ``frequency`` columns
    reunite CSV; a first line holding one name followed by ``allele<TAB>frequency`` lines is
    a Familias database.
    """
    try:
        with Path(path).open(encoding="utf-8-sig", errors="replace") as handle:
            head = [handle.readline() for _ in range(3)]
    except OSError as exc:
        raise FileFormatError(f"cannot read the file: {exc.strerror}", source=str(path)) from exc
    first = head[0].strip()
    columns = [c.strip().lower() for c in first.split(",")]
    if columns[:6] == ["population", "locus", "allele", "count", "n_alleles", "frequency"]:
        return "nist"
    if columns[:6] == ["population", "locus", "allele", "frequency", "n_alleles", "count"]:
        return "fbi"
    if "allele" in columns and "frequency" in columns:
        return "csv"
    if first and "\t" not in first and "," not in first and "\t" in head[1]:
        return "familias"
    raise FileFormatError(
        "unrecognised frequency table: expected a CSV with 'marker,allele,frequency' "
        "columns, the NIST 1036 or FBI 2015 layout, or a Familias database",
        source=str(path), line=1, value=first[:60])


def read_frequencies(
    path: str | Path,
    *,
    format: FrequencyFormat | Literal["auto"] = "auto",
    population: str | None = None,
) -> FrequencyTable:
    """Read a frequency table, choosing the loader by ``format`` (``auto`` detects it).

    ``population`` selects rows in multi-population files (NIST default ``All``, FBI
    default ``Caucasian``). Errors are :class:`~reunite.errors.FrequencyTableError` or
    :class:`~reunite.errors.FileFormatError`, naming the file, line and value.
    """
    chosen = detect_frequency_format(path) if format == "auto" else format
    if chosen == "familias":
        return read_familias_frequencies(path)
    if chosen == "nist":
        return read_nist_1036_frequencies(path, population=population or "All")
    if chosen == "fbi":
        return read_fbi_2015_frequencies(path, population=population or "Caucasian")
    if chosen == "csv":
        return read_frequency_csv(path, population=population)
    raise FrequencyTableError("unknown frequency format (auto, csv, nist, fbi, familias)",
                              field="format", value=format)


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
