"""One entry point per direction: read profiles from any lab format, write them to one.

:func:`read_profiles` dispatches on the format (``auto`` uses :func:`detect_format`) and
always returns a :class:`~reunite.io.result.ReadResult`; :func:`write_profiles` writes the
formats that have a writer. GeneMarker HID exports share the GeneMapper reader (same
genotypes-table layouts). Profile JSON (``reunite.io.profile_json``) holds one profile per
file, or a JSON array of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

from reunite.errors import FileFormatError, InputError, Problem
from reunite.genetics.profile import Profile
from reunite.io.cmf import read_cmf, write_cmf
from reunite.io.detect import detect_format
from reunite.io.familias import read_familias, write_familias
from reunite.io.genemapper import read_genemapper, write_genemapper
from reunite.io.ped import read_ped, write_ped
from reunite.io.profile_json import profile_from_json_data, profile_to_json_data
from reunite.io.result import CODE_DUPLICATE_SAMPLE, ProblemLog, ReadResult
from reunite.io.text import load_source

__all__ = ["READ_FORMATS", "WRITE_FORMATS", "read_profiles", "write_profiles"]

READ_FORMATS = ("auto", "cmf", "genemapper", "genemarker", "familias", "ped", "json")
WRITE_FORMATS = ("cmf", "genemapper", "genemarker", "familias", "ped", "json")


def read_profiles(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    format: str = "auto",
    skip_bad: bool = False,
    allow_unknown_markers: bool = False,
    encoding: str | None = None,
    unidentified_index: str = "unidentified-remains",
) -> ReadResult:
    """Read every profile of a lab file (a path, or its bytes); see each format's module.

    This is the one reader of lab files: the CLI, the API, the web upload and the demo all
    call it. ``name`` labels bytes in messages (the uploaded file's name). ``encoding``
    names the encoding of a text file without a byte-order mark (default: UTF-8); CMF XML
    declares its own. ``unidentified_index`` is where CMF *Unidentified
    Person* specimens go.
    """
    if format not in READ_FORMATS:
        raise FileFormatError(f"unknown format (one of {', '.join(READ_FORMATS)})",
                              field="format", value=format)
    chosen = detect_format(source, name=name) if format == "auto" else format
    unknown = allow_unknown_markers
    if chosen == "cmf":
        return read_cmf(source, skip_bad=skip_bad, allow_unknown_markers=unknown,
                        unidentified_index=unidentified_index, name=name)
    if chosen in {"genemapper", "genemarker"}:
        return read_genemapper(source, skip_bad=skip_bad, allow_unknown_markers=unknown,
                               encoding=encoding, name=name)
    if chosen == "familias":
        return read_familias(source, skip_bad=skip_bad, allow_unknown_markers=unknown,
                             encoding=encoding, name=name).result
    if chosen == "ped":
        return read_ped(source, skip_bad=skip_bad, allow_unknown_markers=unknown,
                        encoding=encoding, name=name).result
    return _read_json(source, name=name, skip_bad=skip_bad,
                      allow_unknown_markers=allow_unknown_markers)


def _read_json(source: str | Path | bytes, *, name: str | None, skip_bad: bool,
               allow_unknown_markers: bool) -> ReadResult:
    loaded = load_source(source, name=name)
    try:
        data = json.loads(loaded.text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"not valid JSON: {exc.msg}", source=loaded.name,
                              line=exc.lineno, field=f"column {exc.colno}") from exc
    items = data if isinstance(data, list) else [data]
    log = ProblemLog(loaded.name)
    profiles: list[Profile] = []
    seen: set[str] = set()
    for number, item in enumerate(items):
        where = f"$[{number}]" if isinstance(data, list) else "$"
        sample = item.get("id") if isinstance(item, dict) else None
        key = sample if isinstance(sample, str) and sample.strip() else f"{where}"
        try:
            profile = profile_from_json_data(item, source=loaded.name,
                                             allow_unknown_markers=allow_unknown_markers)
        except InputError as exc:
            problems = exc.problems or (Problem(exc.message, field=exc.field, marker=exc.marker,
                                                value=exc.context.get("value")),)
            for problem in problems:
                log.error(str(exc.context.get("code", "profile")), problem.message,
                          field=f"{where}{(problem.field or '').lstrip('$')}", sample=key,
                          marker=problem.marker, value=problem.value)
            continue
        if profile.id in seen:
            log.error(CODE_DUPLICATE_SAMPLE, "duplicated sample id", field=where,
                      sample=profile.id, value=profile.id)
            continue
        seen.add(profile.id)
        profiles.append(profile)
    return log.finish(profiles, format="json", skip_bad=skip_bad)


def write_profiles(
    profiles: Iterable[Profile],
    target: str | Path,
    *,
    format: Literal["cmf", "genemapper", "genemarker", "familias", "ped", "json"],
    cmf_header: Mapping[str, str] | None = None,
) -> None:
    """Write ``profiles`` to ``target`` in ``format``.

    CMF needs ``cmf_header``: ``categories`` (a CODIS category or reunite index for every
    profile), ``source_lab``, ``destination_ori``, ``submitted_by`` (see
    :func:`reunite.io.cmf.format_cmf`).
    """
    profiles = list(profiles)
    if format in {"genemapper", "genemarker"}:
        write_genemapper(profiles, target)
    elif format == "ped":
        write_ped(profiles, target)
    elif format == "familias":
        write_familias(profiles, target)
    elif format == "json":
        data = [profile_to_json_data(p) for p in profiles]
        Path(target).write_text(json.dumps(data[0] if len(data) == 1 else data, indent=2)
                                + "\n", encoding="utf-8")
    elif format == "cmf":
        header = dict(cmf_header or {})
        missing = [k for k in ("categories", "source_lab", "destination_ori", "submitted_by")
                   if not header.get(k)]
        if missing:
            raise FileFormatError("writing CMF needs " + ", ".join(missing), field=missing[0])
        write_cmf(profiles, target, categories=header["categories"],
                  source_lab=header["source_lab"], destination_ori=header["destination_ori"],
                  submitted_by=header["submitted_by"], kit=header.get("kit"),
                  batch_id=header.get("batch_id"), case_id=header.get("case_id"))
    else:
        raise FileFormatError(f"cannot write {format!r} (one of {', '.join(WRITE_FORMATS)})",
                              field="format", value=format)
