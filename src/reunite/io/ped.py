"""pedtools/forrel ped files: pedigree columns ``[famid] id fid mid sex`` and ``a/b`` markers.

The layout read and written by the R pedsuite (``pedtools::readPed``/``writePed``): a
header row, one row per person, tab or whitespace separated; ``fid``/``mid`` are ``0``
for founders; ``sex`` is ``1`` (male), ``2`` (female) or ``0`` (unknown); each marker
column holds a genotype ``a/b``, ``-/-`` when untyped and ``a/-`` when one allele is
unknown (a partial genotype). An optional first column ``famid`` groups persons in
families. Each family is checked with :func:`reunite.genetics.pedigree.validate_pedigree`
(every problem listed with its line); typed persons become profiles (ids must be unique in
the file, since a profile id names one person).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from reunite.errors import FileFormatError, PedigreeError
from reunite.genetics.pedigree import Person, validate_pedigree
from reunite.genetics.profile import Profile
from reunite.io.assembly import ProfileAssembler, check_writable_id
from reunite.io.result import CODE_HEADER, CODE_ROW, ProblemLog, ReadResult
from reunite.io.text import Source, load_source

__all__ = ["PedFamily", "PedFile", "format_ped", "parse_ped", "read_ped", "write_ped"]

FORMAT = "ped"
CODE_PEDIGREE = "pedigree"

_MISSING = frozenset({"-", "0", "", "NA", "?"})
_SEX = {"1": "male", "2": "female", "0": "unknown", "m": "male", "f": "female",
        "male": "male", "female": "female", "u": "unknown", "unknown": "unknown"}
_SEX_CODE = {"male": "1", "female": "2", "unknown": "0"}
_DEFAULT_FAMILY = "1"


@dataclass(frozen=True)
class PedFamily:
    """One family (``famid``) of a ped file: its persons, in file order."""

    id: str
    persons: tuple[Person, ...]


@dataclass(frozen=True)
class PedFile:
    """A ped file: its families and the profiles of its typed persons."""

    families: tuple[PedFamily, ...]
    result: ReadResult


def read_ped(
    source: str | Path | bytes, *, skip_bad: bool = False, allow_unknown_markers: bool = False,
    name: str | None = None, encoding: str | None = None,
) -> PedFile:
    """Read a pedtools/forrel ped file (path or bytes); see the module docstring."""
    return parse_ped(load_source(source, name=name, encoding=encoding), skip_bad=skip_bad,
                     allow_unknown_markers=allow_unknown_markers)


def _split(line: str, tabbed: bool) -> list[str]:
    return [c.strip() for c in line.split("\t")] if tabbed else line.split()


def parse_ped(
    source: Source, *, skip_bad: bool = False, allow_unknown_markers: bool = False
) -> PedFile:
    """Like :func:`read_ped`, for text already decoded."""
    log = ProblemLog(source.name)
    lines = source.text.splitlines()
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise FileFormatError("the file is empty", source=source.name, code=CODE_HEADER)
    header_line, header_text = numbered[0]
    tabbed = "\t" in header_text
    header = _split(header_text, tabbed)
    keys = [h.lower() for h in header]
    if keys[:5] == ["famid", "id", "fid", "mid", "sex"]:
        offset = 1
    elif keys[:4] == ["id", "fid", "mid", "sex"]:
        offset = 0
    else:
        raise FileFormatError("not a ped file: the header must start with "
                              "'id fid mid sex' or 'famid id fid mid sex'",
                              source=source.name, line=header_line, value=header[:5],
                              code=CODE_HEADER)
    markers = header[offset + 4:]
    assembler = ProfileAssembler(log, allow_unknown_markers=allow_unknown_markers)
    for marker in dict.fromkeys(markers):
        if markers.count(marker) > 1:
            log.error(CODE_HEADER, "marker column given twice", line=header_line,
                      marker=marker, value=marker)
        elif not assembler.accepts_marker(marker):
            log.error("unknown-marker",
                      "unknown marker column (check the spelling, or allow unknown markers)",
                      line=header_line, marker=marker, value=marker)
    log.raise_if_fatal()
    width = len(header)
    families: dict[str, list[tuple[int, Person]]] = {}
    ends_cleanly = source.text.endswith(("\n", "\r"))
    for position, (line, text) in enumerate(numbered[1:], start=1):
        cells = _split(text, tabbed)
        if len(cells) != width:
            truncated = position == len(numbered) - 1 and not ends_cleanly
            log.error("truncated" if truncated and len(cells) < width else CODE_ROW,
                      f"row has {len(cells)} fields; the header has {width}"
                      + (" (the file is truncated)" if truncated else ""),
                      line=line, value=cells[offset] if len(cells) > offset else None)
            continue
        family = cells[0] if offset else _DEFAULT_FAMILY
        pid, fid, mid, sex_text = cells[offset:offset + 4]
        sex = _SEX.get(sex_text.lower())
        if sex is None:
            log.error(CODE_ROW, "sex must be 1 (male), 2 (female) or 0 (unknown)",
                      line=line, sample=pid, field="sex", value=sex_text)
            sex = "unknown"
        person = Person(pid, None if fid in _MISSING else fid,
                        None if mid in _MISSING else mid, sex)
        families.setdefault(family, []).append((line, person))
        genotypes = cells[offset + 4:]
        typed = [(m, g) for m, g in zip(markers, genotypes, strict=True)
                 if any(a not in _MISSING for a in g.split("/"))]
        if not typed:
            continue
        if not assembler.start_sample(pid, line=line, contiguous=False):
            continue
        for marker, cell in typed:
            parts = cell.split("/")
            if len(parts) < 2:
                log.error("bad-allele", "a genotype is written 'a/b' ('-' for unknown)",
                          line=line, sample=pid, marker=marker, value=cell)
                continue
            alleles = ["?" if a in _MISSING else a for a in parts]
            assembler.add(pid, marker, alleles, line=line)
    for family_id, members in families.items():
        _check_family(family_id, members, log)
    result = log.finish(assembler.profiles(), format=FORMAT, skip_bad=skip_bad)
    return PedFile(
        families=tuple(PedFamily(f, tuple(p for _, p in members))
                       for f, members in families.items()),
        result=result,
    )


def _check_family(family: str, members: list[tuple[int, Person]], log: ProblemLog) -> None:
    lines = {p.id: line for line, p in members}
    try:
        validate_pedigree([p for _, p in members], source=log.source)
    except PedigreeError as exc:
        for problem in exc.problems:
            log.error(CODE_PEDIGREE, f"family {family}: {problem.message}",
                      line=lines.get(problem.sample or ""), field=problem.field,
                      value=problem.value)


def format_ped(
    profiles: Iterable[Profile],
    *,
    families: Sequence[PedFamily] | None = None,
) -> str:
    """Text of a ped file: ``families`` (every person, typed or not) or, without them, each
    profile as a founder of family ``1`` with its sex from amelogenin.

    Marker columns are the union of the profiles' markers, in first-seen order.
    """
    profiles = list(profiles)
    by_id = {p.id: p for p in profiles}
    if families is None:
        families = [PedFamily(_DEFAULT_FAMILY, tuple(
            Person(p.id, None, None, p.sex or "unknown") for p in profiles))]
    markers: dict[str, None] = {}
    for profile in profiles:
        markers.update(dict.fromkeys(profile.genotypes))
    out = io.StringIO()
    out.write("\t".join(["famid", "id", "fid", "mid", "sex", *markers]) + "\n")
    for family in families:
        for person in family.persons:
            check_writable_id(person.id)
            typed = by_id.get(person.id)
            cells = [family.id, person.id, person.father or "0", person.mother or "0",
                     _SEX_CODE.get(person.sex, "0")]
            for marker in markers:
                genotype = typed.genotypes.get(marker) if typed else None
                if genotype is None:
                    cells.append("-/-")
                elif genotype.is_partial:
                    cells.append(f"{genotype.alleles[0].text}/-")
                else:
                    cells.append("/".join(a.text for a in genotype.alleles))
            out.write("\t".join(cells) + "\n")
    return out.getvalue()


def write_ped(
    profiles: Iterable[Profile], target: str | Path | IO[str], *,
    families: Sequence[PedFamily] | None = None,
) -> None:
    """Write :func:`format_ped` output (UTF-8) to a path or a text stream."""
    text = format_ped(profiles, families=families)
    if isinstance(target, str | Path):
        Path(target).write_text(text, encoding="utf-8")
    else:
        target.write(text)
