"""GeneMapper ID-X and GeneMarker HID genotype tables: read them, write the GeneMapper layout.

Both programs export a *genotypes table*, tab separated (CSV and semicolon variants are
common after a spreadsheet), in one of two shapes:

* **long** — one row per sample and marker: ``Sample Name``, ``Marker``, ``Allele 1`` …
  ``Allele n``, often with ``Size n``, ``Height n``, ``Data Point n``, ``Dye``, ``Sample
  File``, ``Panel``… (ignored). R-processed exports write ``Sample.Name``/``Allele.1`` and
  EuroForMix ``SampleName``/``Allele1``; header names are matched ignoring case, spaces
  and dots.
* **wide** — one row per sample with one column per marker, holding ``14,15`` / ``14/15``,
  or a pair of columns ``D3S1358`` and ``D3S1358(2)`` (STRmix-style reference tables).

Empty cells and ``NA`` mean "no allele"; ``OL`` is an off-ladder allele (kept, reported as a
warning); amelogenin is ``X``/``Y``; one allele alone is a homozygote; ``?`` beside an
allele marks a partial genotype (reunite writes it that way). Everything else follows
:mod:`reunite.io.assembly` and :mod:`reunite.io.result`: all problems are collected with
file, line, sample, marker and value; nothing is imported from a file with errors unless
``skip_bad`` is given.
"""

from __future__ import annotations

import csv
import gc
import io
import re
from collections.abc import Iterable, Iterator
from itertools import islice, repeat
from operator import itemgetter
from pathlib import Path
from typing import IO, NamedTuple

from reunite.errors import FileFormatError
from reunite.genetics.profile import Genotype, Profile
from reunite.io.assembly import UNKNOWN_ALLELE, ProfileAssembler, check_writable_id
from reunite.io.result import (
    CODE_HEADER,
    CODE_ROW,
    CODE_TRUNCATED,
    CODE_UNKNOWN_MARKER,
    ProblemLog,
    ReadResult,
)
from reunite.io.text import Source, TableRow, load_source, sniff_delimiter, table_rows

__all__ = ["format_genemapper", "parse_genemapper", "read_genemapper", "write_genemapper"]

FORMAT = "genemapper"

_SAMPLE_HEADERS = ("samplename", "sample", "sampleid", "specimenid", "id")
_MARKER_HEADERS = ("marker", "locus", "markername")
_ALLELE_HEADER = re.compile(r"allele(\d+)")
_EMPTY = frozenset({"", "NA", "N/A"})
_WIDE_SECOND = re.compile(r"^(?P<marker>.+?)\s*\(\s*2\s*\)$")
_WIDE_SPLIT = re.compile(r"[,/;\s]+")
# Columns of wide tables that describe the sample rather than a marker.
_WIDE_META = frozenset({
    "casenumber", "case", "caseid", "samplefile", "runname", "panel", "comment", "comments",
    "remark", "remarks", "dye", "kit", "specimencategory", "category", "index", "type",
    "sex", "date", "analyst", "status", "notes",
})


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def read_genemapper(
    source: str | Path | bytes,
    *,
    skip_bad: bool = False,
    allow_unknown_markers: bool = False,
    name: str | None = None, encoding: str | None = None,
) -> ReadResult:
    """Read a GeneMapper ID-X / GeneMarker HID genotypes table (path or bytes).

    Raises :class:`~reunite.errors.FileFormatError` (or its subclass
    :class:`~reunite.errors.PossibleMixtureError`) listing every problem, unless
    ``skip_bad`` is true and only some samples are bad: they are then listed in
    ``ReadResult.skipped``.
    """
    return parse_genemapper(load_source(source, name=name, encoding=encoding), skip_bad=skip_bad,
                            allow_unknown_markers=allow_unknown_markers)


def parse_genemapper(
    source: Source, *, skip_bad: bool = False, allow_unknown_markers: bool = False
) -> ReadResult:
    """Like :func:`read_genemapper`, for text already decoded.

    Rows are streamed (a 100,000-sample export has two million rows): each is checked
    against the header width, then read as a long or a wide row.
    """
    # A read allocates millions of short-lived objects while hundreds of thousands of
    # profiles stay alive; none form reference cycles, so cyclic GC passes are pure cost
    # (a quarter of a 100,000-sample read, measured). Paused for the read and restored,
    # as services.batch_import does for a batch.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _parse(source, skip_bad=skip_bad, allow_unknown_markers=allow_unknown_markers)
    finally:
        if paused:
            gc.enable()


def _parse(source: Source, *, skip_bad: bool, allow_unknown_markers: bool) -> ReadResult:
    log = ProblemLog(source.name)
    assembler = ProfileAssembler(log, allow_unknown_markers=allow_unknown_markers)
    text = source.text
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise FileFormatError("the file is empty", source=source.name, code=CODE_HEADER)
    delimiter = sniff_delimiter(lines[first])
    rows = table_rows(text, source=source.name, delimiter=delimiter, lines=lines)
    header_row = next(rows, None)
    if header_row is None:  # e.g. a lone quote: text, but no cell
        raise FileFormatError("the file has no header row", source=source.name,
                              code=CODE_HEADER)
    keys = [_key(h) for h in header_row.cells]
    sample_col = next((keys.index(k) for k in _SAMPLE_HEADERS if k in keys), None)
    if sample_col is None:
        raise FileFormatError(
            "no sample column: expected a header 'Sample Name' (or 'SampleName', 'Sample')",
            source=source.name, line=header_row.line, value=header_row.cells[:6],
            code=CODE_HEADER,
        )
    marker_col = next((keys.index(k) for k in _MARKER_HEADERS if k in keys), None)
    # Only the file's last line can be cut short. When that line is blank (spaces, or
    # delimiters only: a row of empty cells, skipped) an earlier short row is not
    # truncated but malformed, whether or not its cells are quoted.
    shape = _Shape(
        width=max((i + 1 for i, h in enumerate(header_row.cells) if h), default=0),
        sample_col=sample_col,
        truncated_line=None if text.endswith(("\n", "\r")) else len(lines),
    )
    if marker_col is not None:
        # Without a quote anywhere (GeneMapper never quotes) the body is read by a plain
        # split, as table_rows does it, without building a TableRow per row.
        body = (_plain_rows(text, lines, header_row.line, delimiter) if '"' not in text
                else rows)
        _read_long(body, header_row, keys, shape, marker_col, log, assembler)
    else:
        _read_wide([row for row in rows if _row_fits(row.line, row.cells, shape, log)],
                   header_row, sample_col, log, assembler)
    log.raise_if_fatal()
    profiles = assembler.profiles()
    return log.finish(profiles, format=FORMAT, skip_bad=skip_bad)


class _Shape(NamedTuple):
    width: int
    sample_col: int
    truncated_line: int | None


def _plain_rows(
    text: str, lines: list[str], header_line: int, sep: str
) -> Iterator[tuple[int, list[str]]]:
    """The rows after line ``header_line`` of ``text`` (split into ``lines``; no quotes
    anywhere) as :func:`reunite.io.text.table_rows` reads them — same cells, same line
    numbers — as plain ``(line, cells)`` tuples, except that blank rows may be left in:
    the reader skips a row whose cells are all empty. Two million rows, no TableRow each.
    """
    if _body_is_bare(text, lines[:header_line], sep):
        # No cell after the header can carry whitespace to strip: split at C speed.
        return enumerate(map(str.split, islice(lines, header_line, None), repeat(sep)),
                         header_line + 1)
    return _stripped_rows(lines, header_line, sep)


def _body_is_bare(text: str, head: list[str], sep: str) -> bool:
    """True if no line of ``text`` after the ``head`` lines holds a character that
    ``str.strip`` would remove from a cell (for ASCII text: space, US, tab other than
    ``sep``; the other ASCII whitespace characters all end lines)."""
    if not text.isascii():
        return False
    blanks = (" ", "\x1f") if sep == "\t" else (" ", "\x1f", "\t")
    return all(text.count(c) == sum(line.count(c) for line in head) for c in blanks)


def _stripped_rows(lines: list[str], header_line: int, sep: str
                   ) -> Iterator[tuple[int, list[str]]]:
    for number in range(header_line, len(lines)):
        text_line = lines[number]
        cells = text_line.split(sep)
        # Strip only when a cell may carry whitespace (most lab rows never do).
        if not text_line.isascii() or " " in text_line or "\x1f" in text_line or (
                sep != "\t" and "\t" in text_line):
            cells = [c.strip() for c in cells]
        if cells[0] or any(cells):
            yield number + 1, cells


def _row_fits(line: int, cells: list[str], shape: _Shape, log: ProblemLog) -> bool:
    """True if ``cells`` (the row at ``line``) have the header's width (trailing empty
    cells allowed)."""
    if len(cells) == shape.width:
        return True
    if len(cells) < shape.width:
        if line == shape.truncated_line:
            log.error(CODE_TRUNCATED,
                      f"the last row stops after {len(cells)} of {shape.width} fields: "
                      "the file is truncated", line=line, value=cells[-1])
        else:
            sample = cells[shape.sample_col] if len(cells) > shape.sample_col else None
            log.error(CODE_ROW, f"row has {len(cells)} fields; the header has {shape.width}",
                      line=line, sample=sample or None)
        return False
    if any(cells[shape.width:]):
        log.error(CODE_ROW, "row has values beyond the last header column",
                  line=line, value=[c for c in cells[shape.width:] if c][:3],
                  sample=cells[shape.sample_col] or None)
        return False
    return True


def _read_long(
    body: Iterable[tuple[int, list[str]]], header: TableRow, keys: list[str], shape: _Shape,
    marker_col: int, log: ProblemLog, assembler: ProfileAssembler,
) -> None:
    numbered = [(int(m[1]), i) for i, k in enumerate(keys) if (m := _ALLELE_HEADER.fullmatch(k))]
    allele_cols = [i for _, i in sorted(numbered)]
    if not allele_cols:
        raise FileFormatError("no allele columns: expected 'Allele 1', 'Allele 2'…",
                              source=log.source, line=header.line, code=CODE_HEADER)
    sample_col = shape.sample_col
    width = shape.width
    # (marker, allele 1, …, allele n) as written -> (canonical marker, genotype), for the
    # calls the assembler has read once and found clean. A lab table repeats a few
    # thousand such rows millions of times; each repeat costs two dict look-ups here.
    call_of = itemgetter(marker_col, *allele_cols)
    clean: dict[tuple[str, ...], tuple[str, Genotype]] = {}
    clean_call = assembler.clean_call
    skipping: str | None = None
    current: str | None = None
    where: dict[str, int | str] = {}
    called: dict[str, Genotype] = {}
    for line, cells in body:
        # A blank row (every cell empty) is skipped, as table_rows skips it.
        if len(cells) != width and (not any(cells) or not _row_fits(line, cells, shape, log)):
            continue
        sample = cells[sample_col]
        if sample != current:
            if not sample and not any(cells):
                continue
            current = None
            if not sample:
                log.error(CODE_ROW, "empty sample name", line=line,
                          marker=cells[marker_col] or None)
                continue
            if sample == skipping:
                continue
            if not assembler.start_sample(sample, line=line):
                skipping = sample  # the rest of this duplicate block is the second sample's
                continue
            skipping = None
            current = sample
            where, called = assembler.calls(sample)
        call = call_of(cells)
        known = clean.get(call)
        if known is not None and known[0] not in where:
            where[known[0]] = line
            called[known[0]] = known[1]
            continue
        marker = call[0]
        if not marker:
            log.error(CODE_ROW, "empty marker name", line=line, sample=sample)
            continue
        alleles = [c for c in call[1:] if c and c not in _EMPTY]
        if known is None:
            known = clean_call(marker, alleles)
            if known is not None:
                clean[call] = known
                if known[0] not in where:
                    where[known[0]] = line
                    called[known[0]] = known[1]
                    continue
        assembler.add(sample, marker, alleles, line=line)


def _read_wide(
    body: list[TableRow], header: TableRow, sample_col: int, log: ProblemLog,
    assembler: ProfileAssembler,
) -> None:
    # marker label -> (first column, second column or None)
    columns: dict[str, list[int]] = {}
    for i, name in enumerate(header.cells):
        if i == sample_col or not name or _key(name) in _WIDE_META:
            continue
        second = _WIDE_SECOND.match(name)
        label = second["marker"].strip() if second else name
        columns.setdefault(label, []).append(i)
    if not columns:
        raise FileFormatError(
            "no 'Marker' column and no marker columns: not a genotypes table",
            source=log.source, line=header.line, code=CODE_HEADER,
        )
    for label, cols in columns.items():
        if len(cols) > 2:
            log.error(CODE_HEADER, f"marker has {len(cols)} columns", line=header.line,
                      marker=label, value=[header.cells[c] for c in cols])
        elif not assembler.accepts_marker(label):
            log.error(CODE_UNKNOWN_MARKER,
                      "unknown marker column (check the spelling, or allow unknown markers)",
                      line=header.line, marker=label, value=label)
    log.raise_if_fatal()
    for row in body:
        cells = row.cells
        sample = cells[sample_col] if sample_col < len(cells) else ""
        if not sample:
            log.error(CODE_ROW, "empty sample name", line=row.line)
            continue
        if not assembler.start_sample(sample, line=row.line, contiguous=False):
            continue
        for label, cols in columns.items():
            alleles: list[str] = []
            for c in cols:
                text = cells[c] if c < len(cells) else ""
                alleles += [a for a in _WIDE_SPLIT.split(text) if a and a not in _EMPTY]
            assembler.add(sample, label, alleles, line=row.line)


def format_genemapper(
    profiles: Iterable[Profile], *, delimiter: str = "\t", layout: str = "long"
) -> str:
    """The text of a GeneMapper genotypes table for ``profiles``.

    ``layout="long"`` writes ``Sample Name, Marker, Allele 1, Allele 2`` (one row per
    sample and marker; a homozygote is written once, as GeneMapper does; a partial genotype
    as ``a`` and ``?``). ``layout="wide"`` writes one row per sample, a column per marker,
    cells ``a,b``.
    """
    if layout not in {"long", "wide"}:
        raise FileFormatError("layout must be 'long' or 'wide'", field="layout", value=layout)
    if delimiter not in {"\t", ",", ";"}:
        raise FileFormatError("the delimiter must be a tab, ',' or ';'", field="delimiter",
                              value=delimiter)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    profiles = list(profiles)
    for profile in profiles:
        check_writable_id(profile.id)
    if layout == "long":
        writer.writerow(["Sample Name", "Marker", "Allele 1", "Allele 2"])
        for profile in profiles:
            for marker, genotype in profile.genotypes.items():
                writer.writerow([profile.id, marker, *_cells(genotype.alleles,
                                                             genotype.is_partial)])
    else:
        markers: dict[str, None] = {}
        for profile in profiles:
            markers.update(dict.fromkeys(profile.genotypes))
        writer.writerow(["Sample Name", *markers])
        for profile in profiles:
            row = [profile.id]
            for marker in markers:
                called = profile.genotypes.get(marker)
                row.append("" if called is None else
                           ",".join(c for c in _cells(called.alleles, called.is_partial) if c))
            writer.writerow(row)
    return out.getvalue()


def _cells(alleles: tuple[object, ...], partial: bool) -> list[str]:
    texts = [str(a) for a in alleles]
    if partial:
        return [texts[0], UNKNOWN_ALLELE]
    if texts[0] == texts[1]:
        return [texts[0], ""]
    return texts


def write_genemapper(
    profiles: Iterable[Profile], target: str | Path | IO[str], *, delimiter: str = "\t",
    layout: str = "long",
) -> None:
    """Write ``profiles`` as a GeneMapper genotypes table (UTF-8) to a path or text stream."""
    text = format_genemapper(profiles, delimiter=delimiter, layout=layout)
    if isinstance(target, str | Path):
        Path(target).write_text(text, encoding="utf-8", newline="")
    else:
        target.write(text)
