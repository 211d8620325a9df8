"""Which lab format a file is in, from its name and first bytes (``--format auto``).

Order of evidence: XML with a ``CODISImportFile`` root is CMF; the Familias banner
``"Output from Familias`` is a ``.fam`` project; a JSON object or array is reunite's profile
JSON; a header ``[famid] id fid mid sex`` is a ped file; a header with a sample-name column
is a GeneMapper/GeneMarker genotypes table. Anything else is refused with a request to
name the format: guessing wrong would import wrong genotypes.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Literal

from reunite.errors import FileFormatError

__all__ = ["PROFILE_FORMATS", "ProfileFormat", "detect_format"]

ProfileFormat = Literal["cmf", "genemapper", "familias", "ped", "json"]
PROFILE_FORMATS: tuple[ProfileFormat, ...] = ("cmf", "genemapper", "familias", "ped", "json")

_SAMPLE_KEYS = {"samplename", "sample", "sampleid", "specimenid"}
_HEAD_BYTES = 8192


def _head_text(data: bytes) -> str:
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            body = data[len(bom):]
            if encoding != "utf-8":
                body = body[:len(body) // 2 * 2]
            return body.decode(encoding, errors="replace")
    return data.decode("utf-8", errors="replace")


def detect_format(source: str | Path | bytes, *, name: str | None = None) -> ProfileFormat:
    """The format of ``source`` (a path, or a file's bytes); FileFormatError if unclear."""
    if isinstance(source, bytes):
        head = source[:_HEAD_BYTES]
        label = name or "<bytes>"
    else:
        label = name or str(source)
        try:
            with Path(source).open("rb") as handle:
                head = handle.read(_HEAD_BYTES)
        except OSError as exc:
            raise FileFormatError(f"cannot read the file: {exc.strerror}",
                                  source=label) from exc
    text = _head_text(head).lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        if "CODISImportFile" in text:
            return "cmf"
        raise FileFormatError("XML, but not a CODIS CMF import file (no CODISImportFile)",
                              source=label, line=1)
    if text.startswith('"Output from Familias'):
        return "familias"
    if text.startswith(("{", "[")):
        return "json"
    first = text.splitlines()[0] if text else ""
    tokens = [t.lower() for t in (first.split("\t") if "\t" in first else first.split())]
    if tokens[:5] == ["famid", "id", "fid", "mid", "sex"] or tokens[:4] == [
            "id", "fid", "mid", "sex"]:
        return "ped"
    keys = {re.sub(r"[^a-z0-9]", "", cell.lower()) for cell in re.split(r"[\t,;]", first)}
    if keys & _SAMPLE_KEYS:
        return "genemapper"
    raise FileFormatError(
        "cannot tell the file's format; name it (cmf, genemapper, genemarker, familias, ped "
        "or json)", source=label, line=1, value=first[:60])
