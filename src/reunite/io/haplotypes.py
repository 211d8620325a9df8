"""Lineage-marker files: Y-STR haplotype tables and queries, mtDNA haplotypes, MitoFREQ tables.

Y-STR
    * :func:`read_y_haplotype_table` — a *wide* table, one row per man (or per distinct
      haplotype with a count column) and one column per locus, comma- or tab-separated:
      the South Australian Yfiler Plus table (``Sample Name, Population, DYS576, …,
      DYS385`` with ``"12,13"`` in one cell), the Danish haplotypes of the disclapmix
      package (10 loci and a count column ``n``), the Peruvian PowerPlex Y23 table
      (``DYS385a``/``DYS385b`` in two columns, ``--`` for untyped, extra columns).
      Columns whose name is a Y marker are loci; an id column (``Sample Name``, ``ID``,
      ``Sample``), a count column (``n``, ``count``) and a population column
      (``Population``, ``Population Code``) are recognised; any other column is ignored
      and listed. Cells ``""``, ``-``, ``--``, ``NA`` are untyped; ``0`` or ``null`` is a
      null allele. Duplications (DYS19 ``14,15``, DYF387S1 ``35,36,37``) are kept.
    * :func:`read_y_haplotype_json` — one query ``{"id": …, "haplotype": {"DYS19": "14",
      …}}`` (alleles as text, numbers or lists; optional ``kit``, ``notes``).
    * :func:`read_ystr_mutation_rates` — ``Marker, Mutations, Meioses`` per locus (the
      layout of ``malan_ystr_markers.csv``); DYS385a/b rows give the per-copy count of the
      two-copy marker DYS385.

mtDNA
    * :func:`read_mt_haplotype_json` — ``{"id": …, "haplotype": "263G 309.1C 16519C",
      "range": "16024-16569 1-576", "haplogroup": "H"}`` (EMPOP notation; ``haplotype``
      may also be a list; ``range`` defaults to the whole genome).
    * :func:`read_mt_haplotype_table` — columns id, range, haplotype (and optionally
      haplogroup): a database of mtDNA haplotypes for counting.
    * :func:`read_mitofreq_table` — MitoFREQ's per-position base counts by top-level
      haplogroup (``Position, Ref, TLHG, n, Base, Type, N_TLHG``; gzip allowed) with a
      ``TLHG, N`` table of haplogroup sizes.
    * :func:`read_rcrs` — the rCRS sequence from a FASTA file (a ``#`` comment line is
      allowed before or instead of the ``>`` header).

Every problem is collected; a file with any error raises one
:class:`~reunite.errors.FileFormatError` naming the file, line, column (``field``),
sample and value of each. Files are bounded in size before they are parsed.
"""

from __future__ import annotations

import gzip
import hashlib
import io as _stdio
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from reunite.errors import FileFormatError, InputError, Problem
from reunite.genetics.haplotypes import (
    IUPAC_BASES,
    MT_GENOME_LENGTH,
    MtHaplotype,
    MtSnvTable,
    YMutationRate,
)
from reunite.genetics.markers import MARKERS, ChromosomeType, canonical_marker_name
from reunite.genetics.profile import YHaplotype
from reunite.io.text import decode_text, table_rows

__all__ = [
    "MAX_HAPLOTYPE_FILE_BYTES",
    "HaplotypeTable",
    "MtHaplotypeTable",
    "SkippedRow",
    "read_mitofreq_table",
    "read_mt_database",
    "read_mt_haplotype_json",
    "read_mt_haplotype_table",
    "read_rcrs",
    "read_y_haplotype_json",
    "read_y_haplotype_table",
    "read_ystr_mutation_rates",
]

MAX_HAPLOTYPE_FILE_BYTES = 256 * 1024 * 1024
"""Largest table (after decompression) read: far above any lineage database published."""

_MAX_JSON_BYTES = 1024 * 1024
_MAX_PROBLEMS_LISTED = 200
_UNTYPED = frozenset({"", "-", "--", "NA", "N/A", "?"})
_ID_COLUMNS = ("samplename", "sampleid", "sample", "id", "name", "specimen")
_COUNT_COLUMNS = ("n", "count", "counts")
_POPULATION_COLUMNS = ("population", "populationcode", "pop")


@dataclass(frozen=True)
class SkippedRow:
    """A row left out of a table, with why (e.g. no Y-STR typed)."""

    line: int
    sample: str
    reason: str


@dataclass(frozen=True)
class HaplotypeTable:
    """Y-STR haplotypes read from one table.

    ``haplotypes`` has one entry per man: a row with count ``n`` stands for ``n`` men
    (ids ``<id>#1`` … ``<id>#n``). ``populations`` runs parallel to it (``None`` where
    the table has no population column). ``sha256`` is the hash of the file's bytes.
    """

    source: str
    sha256: str
    loci: tuple[str, ...]
    haplotypes: tuple[YHaplotype, ...]
    populations: tuple[str | None, ...]
    skipped: tuple[SkippedRow, ...] = ()
    ignored_columns: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.haplotypes)


@dataclass(frozen=True)
class MtHaplotypeTable:
    """mtDNA haplotypes read from one table (one per person)."""

    source: str
    sha256: str
    haplotypes: tuple[MtHaplotype, ...]

    def __len__(self) -> int:
        return len(self.haplotypes)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _load(source: str | Path | bytes, name: str | None) -> tuple[str, bytes]:
    if isinstance(source, bytes):
        label, data = name or "<bytes>", source
    else:
        path = Path(source)
        label = name or str(path)
        try:
            size = path.stat().st_size
            if size > MAX_HAPLOTYPE_FILE_BYTES:
                raise FileFormatError(f"file larger than {MAX_HAPLOTYPE_FILE_BYTES} bytes",
                                      source=label, value=size)
            data = path.read_bytes()
        except OSError as exc:
            raise FileFormatError(f"cannot read the file: {exc.strerror}",
                                  source=label) from exc
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=_stdio.BytesIO(data)) as stream:
                data = stream.read(MAX_HAPLOTYPE_FILE_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise FileFormatError(f"not a readable gzip file: {exc}", source=label) from exc
    if len(data) > MAX_HAPLOTYPE_FILE_BYTES:
        raise FileFormatError(f"file larger than {MAX_HAPLOTYPE_FILE_BYTES} bytes",
                              source=label, value=len(data))
    return label, data


def _raise_problems(message: str, source: str, problems: list[Problem]) -> None:
    if not problems:
        return
    shown = problems[:_MAX_PROBLEMS_LISTED]
    if len(problems) > len(shown):
        shown.append(Problem(f"... and {len(problems) - len(shown)} more problems",
                             source=source))
    if len(problems) == 1:
        p = problems[0]
        raise FileFormatError(p.message, source=source, line=p.line, field=p.field,
                              sample=p.sample, marker=p.marker, value=p.value)
    raise FileFormatError(f"{len(problems)} problems in {message}", source=source,
                          problems=shown)


def _y_locus(header: str) -> str | None:
    """The canonical Y marker a column header names, or None."""
    try:
        name = canonical_marker_name(header)
    except InputError:
        return None
    marker = MARKERS.get(name)
    return name if marker is not None and marker.chromosome is ChromosomeType.Y else None


def read_y_haplotype_table(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    population: str | None = None,
    allow_duplications: bool = True,
) -> HaplotypeTable:
    """Read a wide Y-STR haplotype table (module docstring for the layouts).

    ``population`` keeps only the rows of that population (the table must have a
    population column and the value must occur in it). Rows with no typed locus are
    skipped and listed; any other problem raises one FileFormatError listing them all.
    """
    label, data = _load(source, name)
    text = decode_text(data, source=label)
    rows = iter(table_rows(text, source=label))
    try:
        header_row = next(rows)
    except StopIteration:  # pragma: no cover - table_rows raises on an empty file
        raise FileFormatError("the file is empty", source=label) from None
    header = header_row.cells
    locus_columns: list[tuple[int, str, str]] = []  # (index, raw header, canonical)
    id_col = count_col = pop_col = None
    ignored: list[str] = []
    for index, raw in enumerate(header):
        key = _norm(raw)
        locus = _y_locus(raw) if raw else None
        if locus is not None:
            locus_columns.append((index, raw, locus))
        elif id_col is None and key in _ID_COLUMNS:
            id_col = index
        elif count_col is None and key in _COUNT_COLUMNS:
            count_col = index
        elif pop_col is None and key in _POPULATION_COLUMNS:
            pop_col = index
        elif raw:
            ignored.append(raw)
    if not locus_columns:
        raise FileFormatError("no Y-STR locus column in the header (expected names such "
                              "as DYS19, DYS385, YGATAH4)", source=label, line=1,
                              value=",".join(header[:8]))
    if population is not None and pop_col is None:
        raise FileFormatError("the table has no population column to select from",
                              source=label, field="population", value=population)
    loci = tuple(dict.fromkeys(c for _, _, c in locus_columns))
    problems: list[Problem] = []
    haplotypes: list[YHaplotype] = []
    populations: list[str | None] = []
    skipped: list[SkippedRow] = []
    seen_ids: dict[str, int] = {}
    seen_populations: set[str] = set()
    for row in rows:
        cells = row.cells + [""] * (len(header) - len(row.cells))
        sample = cells[id_col].strip() if id_col is not None else ""
        sample = sample or f"line {row.line}"
        pop = cells[pop_col].strip() if pop_col is not None else None
        if pop is not None:
            seen_populations.add(pop)
        if population is not None and pop != population:
            continue
        if sample in seen_ids:
            problems.append(Problem(f"sample id given twice (first on line "
                                    f"{seen_ids[sample]})", source=label, line=row.line,
                                    sample=sample, value=sample))
            continue
        seen_ids[sample] = row.line
        count = 1
        if count_col is not None:
            raw_count = cells[count_col].strip()
            if not raw_count.isdigit() or int(raw_count) < 1:
                problems.append(Problem("a count must be a whole number of 1 or more",
                                        source=label, line=row.line,
                                        field=header[count_col], sample=sample,
                                        value=raw_count))
                continue
            count = int(raw_count)
        values: dict[str, object] = {}
        for index, raw, _ in locus_columns:
            cell = cells[index].strip()
            values[raw] = None if cell.upper() in _UNTYPED else cell
        try:
            haplotype = YHaplotype.from_mapping(sample, values,
                                                allow_duplications=allow_duplications)
        except InputError as exc:
            for p in exc.problems or (Problem(exc.message, sample=sample,
                                              marker=exc.context.get("marker"),
                                              value=exc.context.get("value")),):
                problems.append(Problem(p.message, source=label, line=row.line,
                                        field=_column_of(p.marker, locus_columns),
                                        sample=sample, marker=p.marker, value=p.value))
            continue
        if not haplotype.alleles:
            skipped.append(SkippedRow(row.line, sample, "no Y-STR locus typed"))
            continue
        if count == 1:
            haplotypes.append(haplotype)
            populations.append(pop)
        else:
            for copy in range(1, count + 1):
                haplotypes.append(YHaplotype(f"{sample}#{copy}", dict(haplotype.alleles)))
                populations.append(pop)
    _raise_problems("haplotype table", label, problems)
    if population is not None and population not in seen_populations:
        raise FileFormatError(f"population not in the table (it has: "
                              f"{', '.join(sorted(seen_populations))})", source=label,
                              field="population", value=population)
    return HaplotypeTable(label, hashlib.sha256(data).hexdigest(), loci, tuple(haplotypes),
                          tuple(populations), tuple(skipped), tuple(ignored))


def _column_of(marker: object, columns: list[tuple[int, str, str]]) -> str | None:
    names = [raw for _, raw, canonical in columns if canonical == marker]
    return "/".join(names) if names else None


def _read_json(path: str | Path, what: str) -> tuple[str, Any]:
    source = str(path)
    try:
        size = Path(path).stat().st_size
        if size > _MAX_JSON_BYTES:
            raise FileFormatError(f"{what} file larger than {_MAX_JSON_BYTES} bytes",
                                  source=source, value=size)
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise FileFormatError(f"cannot read {what} file: {exc.strerror}",
                              source=source) from exc
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"{what} file is not UTF-8 text", source=source) from exc
    try:
        return source, json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"not valid JSON: {exc.msg} (column {exc.colno})",
                              source=source, line=exc.lineno) from exc


def _json_object(data: Any, source: str, allowed: set[str], required: set[str]) -> str:
    if not isinstance(data, dict):
        raise FileFormatError("expected a JSON object", source=source, field="$",
                              value=type(data).__name__)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise FileFormatError(f"unknown key(s) {', '.join(unknown)} (expected "
                              f"{', '.join(sorted(allowed))})", source=source,
                              field=f"$.{unknown[0]}", value=unknown[0])
    missing = sorted(required - set(data))
    if missing:
        raise FileFormatError(f"missing key {missing[0]!r}", source=source,
                              field=f"$.{missing[0]}")
    sample = data.get("id")
    if not isinstance(sample, str) or not sample.strip():
        raise FileFormatError("'id' must be a non-empty string", source=source, field="$.id",
                              value=sample)
    return sample


def read_y_haplotype_json(path: str | Path, *, allow_duplications: bool = False) -> YHaplotype:
    """One Y-STR haplotype from ``{"id": …, "haplotype": {"DYS19": "14", …}}``.

    Errors name the file and the JSON path of the bad value (``$.haplotype.DYS19``).
    """
    source, data = _read_json(path, "haplotype")
    sample = _json_object(data, source, {"id", "haplotype", "kit", "notes"},
                          {"id", "haplotype"})
    alleles = data["haplotype"]
    if not isinstance(alleles, dict) or not alleles:
        raise FileFormatError("'haplotype' must be a non-empty object of locus: allele",
                              source=source, field="$.haplotype", sample=sample,
                              value=alleles)
    for raw, value in alleles.items():
        ok = value is None or (isinstance(value, str | int | float | list)
                               and not isinstance(value, bool))
        if not ok or (isinstance(value, list) and not all(
                isinstance(v, str | int | float) and not isinstance(v, bool) for v in value)):
            raise FileFormatError("an allele must be text, a number or a list of them",
                                  source=source, field=f"$.haplotype[{json.dumps(raw)}]",
                                  sample=sample, value=value)
    try:
        haplotype = YHaplotype.from_mapping(sample, alleles,
                                            allow_duplications=allow_duplications)
    except InputError as exc:
        marker = exc.context.get("marker")
        raw = next((k for k in alleles if _y_locus(k) == marker or k == marker), marker)
        field = f"$.haplotype[{json.dumps(raw)}]" if raw is not None else "$.haplotype"
        problems = [Problem(p.message, source=source, sample=sample, marker=p.marker,
                            value=p.value) for p in exc.problems]
        raise FileFormatError(exc.message, source=source, field=field, sample=sample,
                              marker=marker, value=exc.context.get("value"),
                              problems=problems) from exc
    if not haplotype.alleles:
        raise FileFormatError("no locus typed in the haplotype", source=source,
                              field="$.haplotype", sample=sample)
    return haplotype


def read_ystr_mutation_rates(source: str | Path | bytes, *,
                             name: str | None = None) -> Mapping[str, YMutationRate]:
    """Per-locus Y-STR mutation counts from a ``Marker, Mutations, Meioses`` table.

    Rows for the copies of one multi-copy marker (DYS385a, DYS385b) must agree; they give
    the per-copy count of that marker.
    """
    label, data = _load(source, name)
    rows = iter(table_rows(decode_text(data, source=label), source=label))
    header = [_norm(c) for c in next(rows).cells]
    try:
        cm, cmut, cmei = (header.index(k) for k in ("marker", "mutations", "meioses"))
    except ValueError:
        raise FileFormatError("expected columns Marker, Mutations, Meioses", source=label,
                              line=1, value=",".join(header)) from None
    rates: dict[str, YMutationRate] = {}
    problems: list[Problem] = []
    for row in rows:
        cells = row.cells
        try:
            marker = canonical_marker_name(cells[cm])
            mutations, meioses = float(cells[cmut]), float(cells[cmei])
            if not (mutations.is_integer() and meioses.is_integer()):
                raise InputError("counts must be whole numbers",
                                 value=(cells[cmut], cells[cmei]))
            rate = YMutationRate(marker, int(mutations), int(meioses))
        except (InputError, ValueError, IndexError) as exc:
            message = exc.message if isinstance(exc, InputError) else "not a number"
            problems.append(Problem(message, source=label, line=row.line,
                                    value=",".join(cells[:3])))
            continue
        if marker in rates and rates[marker] != rate:
            problems.append(Problem("copies of one marker with different counts",
                                    source=label, line=row.line, marker=marker,
                                    value=(rate.mutations, rate.meioses)))
            continue
        rates[marker] = rate
    _raise_problems("mutation rate table", label, problems)
    return MappingProxyType(rates)


def read_mt_haplotype_json(path: str | Path) -> MtHaplotype:
    """One mtDNA haplotype from ``{"id", "haplotype", "range", "haplogroup"}`` JSON."""
    source, data = _read_json(path, "haplotype")
    sample = _json_object(data, source, {"id", "haplotype", "range", "haplogroup", "notes"},
                          {"id", "haplotype"})
    variants = data["haplotype"]
    if not (isinstance(variants, str) or (isinstance(variants, list)
                                          and all(isinstance(v, str) for v in variants))):
        raise FileFormatError("'haplotype' must be EMPOP text ('263G 16519C') or a list "
                              "of variants", source=source, field="$.haplotype",
                              sample=sample, value=variants)
    region = data.get("range")
    if region is not None and not isinstance(region, str):
        raise FileFormatError("'range' must be text such as '16024-16569 1-576'",
                              source=source, field="$.range", sample=sample, value=region)
    group = data.get("haplogroup")
    if group is not None and not (isinstance(group, str) and group.strip()):
        raise FileFormatError("'haplogroup' must be a non-empty string", source=source,
                              field="$.haplogroup", sample=sample, value=group)
    try:
        return MtHaplotype.from_text(sample, variants, range=region,
                                     haplogroup=group.strip() if group else None)
    except InputError as exc:
        field = "$.range" if "range" in exc.message else "$.haplotype"
        raise FileFormatError(exc.message, source=source, field=field, sample=sample,
                              value=exc.context.get("value"),
                              problems=[Problem(p.message, source=source, sample=sample,
                                                value=p.value) for p in exc.problems]
                              ) from exc


def read_mt_haplotype_table(source: str | Path | bytes, *,
                            name: str | None = None) -> MtHaplotypeTable:
    """mtDNA haplotypes from a table with columns id, range, haplotype[, haplogroup]."""
    label, data = _load(source, name)
    rows = iter(table_rows(decode_text(data, source=label), source=label))
    header = [_norm(c) for c in next(rows).cells]
    columns = {key: next((i for i, h in enumerate(header) if h in names), None)
               for key, names in (("id", _ID_COLUMNS), ("range", ("range", "typedrange")),
                                  ("haplotype", ("haplotype", "variants", "profile")),
                                  ("haplogroup", ("haplogroup", "tlhg")))}
    missing = [k for k in ("id", "haplotype") if columns[k] is None]
    if missing:
        raise FileFormatError(f"no {missing[0]} column (expected id, range, haplotype)",
                              source=label, line=1, value=",".join(header))
    haplotypes: list[MtHaplotype] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for row in rows:
        cells = row.cells + [""] * len(header)

        def cell(key: str, cells: list[str] = cells) -> str | None:
            index = columns[key]
            return cells[index].strip() if index is not None else None

        sample = cell("id") or f"line {row.line}"
        if sample in seen:
            problems.append(Problem("sample id given twice", source=label, line=row.line,
                                    sample=sample, value=sample))
            continue
        seen.add(sample)
        try:
            haplotypes.append(MtHaplotype.from_text(
                sample, cell("haplotype") or "", range=cell("range") or None,
                haplogroup=cell("haplogroup") or None))
        except InputError as exc:
            problems.append(Problem(exc.message, source=label, line=row.line,
                                    sample=sample, value=exc.context.get("value")))
    _raise_problems("mtDNA haplotype table", label, problems)
    return MtHaplotypeTable(label, hashlib.sha256(data).hexdigest(), tuple(haplotypes))


def read_mitofreq_table(
    source: str | Path | bytes,
    haplogroup_sizes: str | Path | bytes,
    *,
    name: str | None = None,
) -> MtSnvTable:
    """MitoFREQ base counts by position and top-level haplogroup, with haplogroup sizes.

    ``source`` has columns ``Position, Ref, TLHG, n, Base, N_TLHG`` (``Type`` is read
    from ``Base`` vs ``Ref``); ``haplogroup_sizes`` has ``TLHG, N`` (MitoFREQ uses the
    HelixMTdb sizes for both databases). Only single-base rows are kept (MitoFREQ's
    indel rows such as ``ACG`` are not single-nucleotide variants).
    """
    label, data = _load(source, name)
    rows = iter(table_rows(decode_text(data, source=label), source=label))
    header = [_norm(c) for c in next(rows).cells]
    wanted = ("position", "ref", "tlhg", "n", "base", "ntlhg")
    if not set(wanted) <= set(header):
        raise FileFormatError("expected MitoFREQ columns Position, Ref, TLHG, n, Base, "
                              "N_TLHG", source=label, line=1, value=",".join(header))
    ip, ir, it, i_n, ib, iN = (header.index(k) for k in wanted)
    counts: dict[tuple[str, int], dict[str, int]] = {}
    totals: dict[tuple[str, int], int] = {}
    reference: dict[int, str] = {}
    problems: list[Problem] = []
    for row in rows:
        cells = row.cells
        try:
            position, n, total = int(cells[ip]), int(cells[i_n]), int(cells[iN])
            ref, base, group = cells[ir].upper(), cells[ib].upper(), cells[it]
        except (ValueError, IndexError):
            problems.append(Problem("not a MitoFREQ row (Position, n, N_TLHG must be whole "
                                    "numbers)", source=label, line=row.line,
                                    value=",".join(row.cells[:7])))
            continue
        if not 1 <= position <= MT_GENOME_LENGTH or n < 0 or total < n or not group:
            problems.append(Problem("position, count or haplogroup out of range",
                                    source=label, line=row.line, value=",".join(cells[:7])))
            continue
        if len(base) != 1 or base not in "ACGT" or len(ref) != 1:
            continue
        reference.setdefault(position, ref)
        key = (group, position)
        counts.setdefault(key, {})
        counts[key][base] = counts[key].get(base, 0) + n
        totals[key] = max(totals.get(key, 0), total)
    _raise_problems("MitoFREQ table", label, problems)
    size_label, size_data = _load(haplogroup_sizes, None)
    size_rows = iter(table_rows(decode_text(size_data, source=size_label), source=size_label))
    size_header = [_norm(c) for c in next(size_rows).cells]
    if size_header[:2] != ["tlhg", "n"]:
        raise FileFormatError("expected columns TLHG, N", source=size_label, line=1,
                              value=",".join(size_header))
    sizes: dict[str, float] = {}
    for row in size_rows:
        try:
            sizes[row.cells[0]] = float(row.cells[1])
            if sizes[row.cells[0]] < 0:
                raise ValueError
        except (ValueError, IndexError):
            problems.append(Problem("a haplogroup size must be a number of 0 or more",
                                    source=size_label, line=row.line,
                                    value=",".join(row.cells[:2])))
    _raise_problems("haplogroup size table", size_label, problems)
    digest = hashlib.sha256(data + b"\0" + size_data).hexdigest()
    return MtSnvTable(
        name=label, sha256=digest,
        counts=MappingProxyType({k: MappingProxyType(v) for k, v in counts.items()}),
        totals=MappingProxyType(totals), reference=MappingProxyType(reference),
        haplogroup_sizes=MappingProxyType(sizes))


def read_mt_database(
    source: str | Path,
    *,
    haplogroup_sizes: str | Path | None = None,
) -> MtHaplotypeTable | MtSnvTable:
    """An mtDNA database: a MitoFREQ table (header ``Position, Ref, TLHG, …``; then
    ``haplogroup_sizes`` is required) or a haplotype table (id, range, haplotype)."""
    label, data = _load(source, None)
    first = decode_text(data[:4096], source=label).splitlines()[:1] if data else []
    if first and _norm(first[0]).startswith("positionreftlhg"):
        if haplogroup_sizes is None:
            raise FileFormatError("a MitoFREQ table needs the haplogroup sizes (a TLHG, N "
                                  "table such as d_helix_TLHG_freq.csv)", source=label,
                                  field="haplogroup sizes")
        return read_mitofreq_table(data, haplogroup_sizes, name=label)
    return read_mt_haplotype_table(data, name=label)


def read_rcrs(source: str | Path | bytes, *, name: str | None = None) -> str:
    """The rCRS sequence (16,569 bases, upper case) from a FASTA file."""
    label, data = _load(source, name)
    lines = decode_text(data, source=label).splitlines()
    sequence = "".join(line.strip() for line in lines
                       if line.strip() and not line.startswith((">", "#", ";"))).upper()
    bad = set(sequence) - set(IUPAC_BASES)
    if bad:
        raise FileFormatError("not a DNA sequence", source=label, value="".join(sorted(bad)))
    if len(sequence) != MT_GENOME_LENGTH:
        raise FileFormatError(f"the rCRS has {MT_GENOME_LENGTH} bases, this file "
                              f"{len(sequence)}", source=label, value=len(sequence))
    return sequence
