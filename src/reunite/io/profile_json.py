"""Profiles as JSON: ``{"id": "...", "genotypes": {"D3S1358": ["14", "15"], ...}}``.

Each genotype is a list of one or two alleles (strings or numbers); ``["14"]`` and
``"14"`` are the homozygote 14/14, ``["14", null]`` is a partial genotype with one allele
unknown, ``[]`` or ``null`` means untyped. Optional keys: ``kit`` and ``notes`` (ignored).
Marker names may use any alias (``VWA``, ``PENTA_E``); they are stored canonically.

Errors name the file and the JSON path of the bad value, e.g. ``$.genotypes.TH01[0]``,
and keep their type (:class:`~reunite.errors.AlleleError`, ``MarkerError``,
``ProfileError``; :class:`~reunite.errors.FileFormatError` for JSON that does not parse or
has the wrong shape).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reunite.errors import FileFormatError, InputError, Problem
from reunite.genetics.markers import canonical_marker_name
from reunite.genetics.profile import Profile

__all__ = ["profile_from_json_data", "profile_to_json_data", "read_profile_json",
           "write_profile_json"]

_OPTIONAL_KEYS = frozenset({"kit", "notes"})


def _marker_path(raw: str) -> str:
    if raw and raw.replace("_", "").isalnum():
        return f"$.genotypes.{raw}"
    return f"$.genotypes[{json.dumps(raw)}]"


def _relocate(
    error: InputError, *, source: str, raw_by_marker: dict[str, str], cells: dict[str, Any]
) -> InputError:
    """The same error, naming the file and the JSON path of the marker it is about."""

    def path_of(marker: object, value: object) -> str:
        if marker is None:
            return "$.genotypes"
        raw = raw_by_marker.get(str(marker), str(marker))
        path = _marker_path(raw)
        given = cells.get(str(marker))
        if isinstance(given, list) and value in given:
            path += f"[{given.index(value)}]"
        return path

    problems = tuple(
        Problem(p.message, source=source, field=path_of(p.marker, p.value),
                sample=p.sample, marker=p.marker, value=p.value)
        for p in error.problems
    )
    context = dict(error.context)
    context["field"] = path_of(context.get("marker"), context.get("value"))
    context["source"] = source
    return type(error)(error.message, problems=problems, **context)


def profile_from_json_data(data: Any, *, source: str = "<json>",
                           allow_unknown_markers: bool = False) -> Profile:
    """Build a :class:`Profile` from parsed JSON ``data``; errors name ``source``."""
    if not isinstance(data, dict):
        raise FileFormatError("a profile must be a JSON object", source=source, field="$",
                              value=type(data).__name__)
    unknown = sorted(set(data) - {"id", "genotypes"} - _OPTIONAL_KEYS)
    if unknown:
        raise FileFormatError(f"unknown key(s) {', '.join(unknown)} (expected id, genotypes)",
                              source=source, field=f"$.{unknown[0]}", value=unknown[0])
    sample = data.get("id")
    if not isinstance(sample, str) or not sample.strip():
        raise FileFormatError("'id' must be a non-empty string", source=source, field="$.id",
                              value=sample)
    genotypes = data.get("genotypes")
    if not isinstance(genotypes, dict):
        raise FileFormatError("'genotypes' must be an object of marker: [allele, allele]",
                              source=source, field="$.genotypes", sample=sample,
                              value=genotypes)
    raw_by_marker: dict[str, str] = {}
    cells: dict[str, Any] = {}
    for raw, value in genotypes.items():
        name = canonical_marker_name(raw, allow_unknown=True) if raw.strip() else raw
        raw_by_marker.setdefault(name, raw)
        cells[name] = value
        if not (value is None or isinstance(value, str | int | float | list)) or isinstance(
                value, bool):
            raise FileFormatError("a genotype must be a list of alleles",
                                  source=source, field=_marker_path(raw), sample=sample,
                                  marker=name, value=value)
    try:
        return Profile.from_mapping(sample, genotypes,
                                    allow_unknown_markers=allow_unknown_markers)
    except InputError as exc:
        raise _relocate(exc, source=source, raw_by_marker=raw_by_marker, cells=cells) from exc


def read_profile_json(path: str | Path, *, allow_unknown_markers: bool = False) -> Profile:
    """Read one profile from a JSON file (module docstring for the format)."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise FileFormatError(f"cannot read profile file: {exc.strerror}",
                              source=str(source)) from exc
    except UnicodeDecodeError as exc:
        raise FileFormatError("profile file is not UTF-8 text", source=str(source)) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"not valid JSON: {exc.msg} (column {exc.colno})",
                              source=str(source), line=exc.lineno,
                              value=text.splitlines()[exc.lineno - 1][:80]
                              if text.splitlines() else "") from exc
    return profile_from_json_data(data, source=str(source),
                                  allow_unknown_markers=allow_unknown_markers)


def profile_to_json_data(profile: Profile) -> dict[str, Any]:
    """The JSON-ready form of ``profile`` (partial genotypes as ``[allele, null]``)."""
    genotypes: dict[str, list[str | None]] = {}
    for marker, genotype in profile.genotypes.items():
        texts: list[str | None] = [a.text for a in genotype.alleles]
        genotypes[marker] = [*texts, None] if genotype.is_partial else texts
    return {"id": profile.id, "genotypes": genotypes}


def write_profile_json(profile: Profile, path: str | Path) -> None:
    """Write ``profile`` to ``path`` as JSON (UTF-8, indented, newline-terminated)."""
    target = Path(path)
    try:
        target.write_text(json.dumps(profile_to_json_data(profile), indent=2) + "\n",
                          encoding="utf-8")
    except OSError as exc:
        raise FileFormatError(f"cannot write profile file: {exc.strerror}",
                              source=str(target)) from exc
