"""Lab text files: bytes to text (BOMs, UTF-16 exports) and delimited tables to rows.

Windows lab software (GeneMapper ID-X, GeneMarker HID, Familias) often writes UTF-16 with a
byte-order mark, or UTF-8 with a BOM; both are accepted. Text without a BOM must be UTF-8
(ASCII is UTF-8): anything else is refused with the line of the first bad byte rather than
guessed, because a wrong guess silently changes sample names.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from reunite.errors import FileFormatError
from reunite.io.result import CODE_ENCODING, CODE_HEADER

__all__ = ["Source", "TableRow", "decode_text", "load_source", "sniff_delimiter", "table_rows"]

# Longest BOMs first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class Source:
    """A file's name (for messages) and its decoded text."""

    name: str
    text: str


def decode_text(data: bytes, *, source: str, encoding: str | None = None) -> str:
    """Text of ``data``: BOM-marked UTF-8/16/32, else strict UTF-8; errors name the line.

    ``encoding`` (e.g. ``cp1252`` for files Familias wrote on Windows) is the user saying
    which encoding a file without a BOM has; it is applied strictly, never guessed.
    """
    if encoding is not None and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE,
                                                      codecs.BOM_UTF16_BE)):
        try:
            return data.decode(encoding)
        except LookupError as exc:
            raise FileFormatError("unknown encoding name", source=source, field="encoding",
                                  value=encoding, code=CODE_ENCODING) from exc
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise FileFormatError(f"not {encoding} text", source=source, line=line,
                                  value=data[exc.start:exc.start + 4],
                                  code=CODE_ENCODING) from exc
    for bom, encoding_name in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                return body.decode(encoding_name)
            except UnicodeDecodeError as exc:
                raise FileFormatError(
                    f"the byte-order mark says {encoding_name} but the bytes are not "
                    f"({exc.reason}; truncated file?)",
                    source=source, value=exc.object[exc.start:exc.start + 4],
                    code=CODE_ENCODING,
                ) from exc
    if b"\x00" in data[:4096]:
        raise FileFormatError(
            "the file contains NUL bytes: UTF-16 without a byte-order mark, or not a text "
            "file; export it as UTF-8, or as UTF-16 with a byte-order mark",
            source=source, code=CODE_ENCODING,
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileFormatError(
            "not UTF-8 text (the encoding was not recognised); export the file as UTF-8 or "
            "as UTF-16 with a byte-order mark, or name its encoding (e.g. --encoding cp1252)",
            source=source, line=line, value=data[exc.start:exc.start + 4], code=CODE_ENCODING,
        ) from exc


def load_source(
    source: str | Path | bytes, *, name: str | None = None, encoding: str | None = None
) -> Source:
    """Read ``source`` (a path, or the bytes of a file) and decode it (see decode_text)."""
    if isinstance(source, bytes):
        label = name or "<bytes>"
        return Source(label, decode_text(source, source=label, encoding=encoding))
    path = Path(source)
    label = name or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileFormatError(f"cannot read the file: {exc.strerror}", source=label) from exc
    return Source(label, decode_text(data, source=label, encoding=encoding))


def sniff_delimiter(header: str) -> str:
    """The field separator of a table from its header line: tab, then ``;``, then ``,``."""
    if "\t" in header:
        return "\t"
    if header.count(";") > header.count(","):
        return ";"
    return ","


class TableRow(NamedTuple):
    """One non-blank row: its first line number and its cells (whitespace-stripped).

    A named tuple rather than a frozen dataclass: a lab table has millions of rows and
    tuple construction is several times cheaper.
    """

    line: int
    cells: list[str]


def table_rows(
    text: str, *, source: str, delimiter: str | None = None, lines: list[str] | None = None
) -> Iterator[TableRow]:
    """Rows of a delimited table (quotes as in RFC 4180); blank rows are dropped.

    ``lines`` may pass ``text.splitlines()`` when the caller already has it.
    """
    if lines is None:
        lines = text.splitlines()
    if not lines:
        raise FileFormatError("the file is empty", source=source, code=CODE_HEADER)
    sep = delimiter or sniff_delimiter(lines[0])
    if '"' not in text:
        # No quoting anywhere (GeneMapper never quotes): a plain split is exact and fast.
        for number, text_line in enumerate(lines, start=1):
            cells = text_line.split(sep)
            # Strip only when a cell may carry whitespace (most lab rows never do).
            if not text_line.isascii() or " " in text_line or "\x1f" in text_line or (
                    sep != "\t" and "\t" in text_line):
                cells = [c.strip() for c in cells]
            if any(cells):
                yield TableRow(number, cells)
        return
    reader = csv.reader(lines, delimiter=sep, quotechar='"', strict=False)
    start = 1
    try:
        for cells in reader:
            line = start
            start = reader.line_num + 1
            stripped = [c.strip() for c in cells]
            if any(stripped):
                yield TableRow(line, stripped)
    except csv.Error as exc:  # e.g. a field larger than the csv module's limit
        raise FileFormatError(f"unreadable row: {exc}", source=source, line=start,
                              code=CODE_HEADER) from exc
