"""Familias files: ``.fam`` projects (persons, pedigrees, genotypes, database, DVI section)
and Familias frequency databases (``marker`` line, then ``allele<TAB>frequency`` lines).

A ``.fam`` file (Familias 3, Egeland et al. 2000) is a sequence of lines, strings quoted:

1. a banner, ``"DO NOT EDIT!"`` (or a note), the version, an optional empty string;
2. the number of persons, then per person: name, four flags (the fourth ``#TRUE#`` for a
   male), the number of typed markers and, per marker, three integers: the two alleles'
   0-based indices in that marker's database list and the marker's 0-based index;
3. ``"Known relations"``: extra females, extra males, parent→child pairs (person indices);
4. the pedigrees (hypotheses): index, name, extra females/males, parent→child pairs;
5. the database: ``#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: θ )``, the number of
   markers, an optional name, then per marker: name, female and male mutation rates,
   model codes (0 equal, 1 proportional, 2–4 stepwise variants), the allele count with
   the silent allele, ranges, second rates, the silent-allele flag and frequency, a line
   ``n<TAB>(DatabaseSize = …)`` and ``n`` allele/frequency pairs;
6. optionally ``[DVI]``: ``[[Unidentified persons]]`` and ``[[Reference Families]]`` with
   bracketed ``key= value`` blocks (``Name=``, ``Gender=``, ``SystemName=``/``Allele1=``/
   ``Allele2=``, ``Parent=``/``Child=``).

Layout as documented by pedFamilias' ``readFam`` (Vigeland); this is an independent
reader. Every problem names the file and line; genotypes go through
:mod:`reunite.io.assembly` like every other format.

What the reader makes of the file, beyond copying it:

* **Marker names** are canonical (:func:`reunite.genetics.markers.canonical_marker_name`)
  everywhere: in the profiles, in :attr:`FamiliasFile.loci` and in the frequency table, so
  ``PENTA_E`` in the database and the genotypes are one marker, ``Penta E``.
* **Missing parents.** Familias lets a person have one parent in a pedigree; the other is
  then an unknown person drawn from the population. reunite pedigrees have both parents or
  neither, so the reader adds the missing one as an untyped founder of the other sex, one
  per child (two children of one known parent are half-siblings, as in Familias), named
  ``"<child> (added father)"`` or ``"<child> (added mother)"``. A DVI parent whose sex is
  not given takes the sex its co-parents imply; with no co-parent it is taken as the
  father, with a warning (for autosomal markers this matters only where the female and
  male mutation models differ).
* **Settings not used.** The ``[Advanced]`` drop-out, drop-in and genotyping-error
  probabilities (and a marker's ``Dropout probability``) are read into
  :attr:`FamiliasFile.dropout`, :attr:`FamiliasFile.dropin` and
  :attr:`FamiliasLocus.dropout`; reunite's LRs do not model them yet, so any that is not 0
  gives a warning naming the file, the line and the value.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reunite.errors import (
    AlleleError,
    FileFormatError,
    FrequencyTableError,
    InputError,
    MarkerError,
)
from reunite.genetics.alleles import Allele, parse_allele
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.markers import canonical_marker_name
from reunite.genetics.pedigree import Person
from reunite.genetics.profile import Profile
from reunite.io.assembly import ProfileAssembler, check_writable_id
from reunite.io.result import (
    CODE_ASSUMED_SEX,
    CODE_HEADER,
    CODE_TRUNCATED,
    CODE_UNUSED_SETTING,
    ProblemLog,
    ReadResult,
)
from reunite.io.text import Source, load_source

__all__ = [
    "FamiliasFile",
    "FamiliasLocus",
    "FamiliasPedigree",
    "format_familias",
    "format_familias_frequencies",
    "parse_familias",
    "parse_familias_frequencies",
    "read_familias",
    "read_familias_frequencies",
    "write_familias",
    "write_familias_frequencies",
]

FORMAT = "familias"
MUTATION_MODELS = ("equal", "proportional", "stepwise-unstationary", "stepwise-stationary",
                   "stepwise-extended")
"""Familias mutation model codes 0–4, by name."""

_THETA = re.compile(r"Theta/Kinship/Fst:\s*([-+0-9.eE]+)")
_MARKER_DROPOUT = re.compile(r"Dropout probability\s*=\s*([^\s,)]+)")
_ADVANCED_KEYS = {"Dropout": "drop-out", "Dropin": "drop-in", "Error": "genotyping-error"}


@dataclass(frozen=True)
class FamiliasLocus:
    """One marker of a Familias database, with its mutation settings per sex.

    ``name`` is canonical (as in the profiles and the frequency table); ``dropout`` is the
    marker's ``Dropout probability`` (not used by reunite's LRs yet).
    """

    name: str
    alleles: tuple[str, ...]
    frequencies: tuple[float, ...]
    female_rate: float
    male_rate: float
    female_model: str
    male_model: str
    female_range: float
    male_range: float
    female_rate2: float
    male_rate2: float
    dropout: float = 0.0


@dataclass(frozen=True)
class FamiliasPedigree:
    """A named pedigree (hypothesis or DVI reference pedigree); ``family`` for DVI ones."""

    name: str
    persons: tuple[Person, ...]
    family: str | None = None


@dataclass(frozen=True)
class FamiliasFile:
    """Everything read from a ``.fam`` file.

    ``result`` holds the profiles of every typed person (main section and DVI section; a
    DVI reference-family member's profile id is ``"<family>/<name>"``, since families may
    reuse names); ``unidentified`` names the DVI unidentified persons; ``frequencies`` is
    the database as a :class:`FrequencyTable` (``None`` when the file has no markers);
    ``unidentified_sexes`` their ``Gender`` (``male``/``female``/``unknown``), in order.
    ``dropout`` and ``dropin`` are the ``[Advanced]`` probabilities (0 when absent), kept for
    the drop-out models; reunite's LRs do not use them yet (the reader warns when not 0).
    Every pedigree has both parents or neither for each person (module docstring).
    """

    version: str
    result: ReadResult
    pedigrees: tuple[FamiliasPedigree, ...]
    loci: tuple[FamiliasLocus, ...]
    theta: float
    frequencies: FrequencyTable | None
    unidentified: tuple[str, ...] = ()
    unidentified_sexes: tuple[str, ...] = ()
    dropout: float = 0.0
    dropin: float = 0.0


class _Lines:
    """Sequential access to the lines of a .fam file, each error naming the line."""

    def __init__(self, lines: list[str], source: str) -> None:
        self.lines = lines
        self.source = source
        self.pos = 0

    @property
    def line(self) -> int:
        return self.pos + 1

    def peek(self) -> str | None:
        return _unquote(self.lines[self.pos]) if self.pos < len(self.lines) else None

    def text(self, what: str) -> str:
        if self.pos >= len(self.lines):
            raise FileFormatError(f"the file ends while reading {what} (truncated?)",
                                  source=self.source, line=self.line, code=CODE_TRUNCATED)
        value = _unquote(self.lines[self.pos])
        self.pos += 1
        return value

    def integer(self, what: str, *, low: int = 0, high: int = 10_000_000) -> int:
        value = self.text(what)
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            raise FileFormatError(f"expected {what} (an integer {low}..{high})",
                                  source=self.source, line=self.line - 1, value=value,
                                  code=CODE_HEADER)
        return number

    def number(self, what: str) -> float:
        value = self.text(what)
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise FileFormatError(f"expected {what} (a number)", source=self.source,
                                  line=self.line - 1, value=value, code=CODE_HEADER)
        return number


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1]
    return text


def read_familias(
    source: str | Path | bytes, *, skip_bad: bool = False, allow_unknown_markers: bool = False,
    name: str | None = None, encoding: str | None = None,
) -> FamiliasFile:
    """Read a Familias ``.fam`` file (path or bytes); see the module docstring."""
    return parse_familias(load_source(source, name=name, encoding=encoding), skip_bad=skip_bad,
                          allow_unknown_markers=allow_unknown_markers)


def parse_familias(
    source: Source, *, skip_bad: bool = False, allow_unknown_markers: bool = False
) -> FamiliasFile:
    """Like :func:`read_familias`, for text already decoded."""
    raw = source.text.splitlines()
    dvi_at = next((i for i, line in enumerate(raw) if line.strip() == "[DVI]"), None)
    lines = _Lines(raw if dvi_at is None else raw[:dvi_at], source.name)
    banner = lines.text("the banner")
    if not banner.startswith("Output from Familias"):
        raise FileFormatError("not a Familias file: the first line must be "
                              "'Output from Familias, version …'", source=source.name,
                              line=1, value=banner[:60], code=CODE_HEADER)
    lines.text("the second banner line")
    version = lines.text("the version")
    if lines.peek() == "":
        lines.text("an empty line")
    log = ProblemLog(source.name)
    assembler = ProfileAssembler(log, allow_unknown_markers=allow_unknown_markers)
    n_persons = lines.integer("the number of persons", high=100_000)
    persons: list[tuple[str, str, int]] = []
    genotypes: list[list[tuple[int, int, int, int]]] = []
    for _ in range(n_persons):
        line = lines.line
        pid = lines.text("a person's name")
        for flag in range(3):
            lines.text(f"flag {flag + 1} of {pid!r}")
        sex = "male" if lines.text(f"the sex flag of {pid!r}") == "#TRUE#" else "female"
        n_typed = lines.integer(f"the number of typed markers of {pid!r}", high=10_000)
        calls = []
        for _ in range(n_typed):
            at = lines.line
            calls.append((lines.integer("an allele index"), lines.integer("an allele index"),
                          lines.integer("a marker index"), at))
        persons.append((pid, sex, line))
        genotypes.append(calls)
    if lines.text("'Known relations'") != "Known relations":
        raise FileFormatError("expected 'Known relations'", source=source.name,
                              line=lines.line - 1, code=CODE_HEADER)
    base_ids = [p for p, _, _ in persons]
    base_sex = [s for _, s, _ in persons]
    extra_f = lines.integer("the number of extra females")
    extra_m = lines.integer("the number of extra males")
    base_ids += [f"extra_{i + 1}" for i in range(extra_f + extra_m)]
    base_sex += ["female"] * extra_f + ["male"] * extra_m
    base_relations = _relations(lines)
    pedigrees: list[FamiliasPedigree] = []
    n_pedigrees = lines.integer("the number of pedigrees", high=10_000)
    if n_pedigrees == 0:
        pedigrees.append(_pedigree("Known relations", base_ids, base_sex, base_relations,
                                   lines))
    for _ in range(n_pedigrees):
        lines.integer("a pedigree index")
        ped_name = lines.text("a pedigree name")
        more_f = lines.integer("extra females")
        more_m = lines.integer("extra males")
        ids = base_ids + [f"{ped_name}_extra_{i + 1}" for i in range(more_f + more_m)]
        sexes = base_sex + ["female"] * more_f + ["male"] * more_m
        relations = base_relations + _relations(lines)
        pedigrees.append(_pedigree(ped_name, ids, sexes, relations, lines))
    theta, loci = _database(lines, log)
    for (pid, _, _), calls in zip(persons, genotypes, strict=True):
        if calls:
            assembler.start_sample(pid, line=calls[0][3] - 6, contiguous=False)
        for a1, a2, m, at in calls:
            if m >= len(loci):
                log.error("bad-allele", f"marker index {m} beyond the {len(loci)} markers of "
                          "the database", line=at + 2, sample=pid, value=m)
                continue
            locus = loci[m]
            cells = []
            for index, offset in ((a1, 0), (a2, 1)):
                if index >= len(locus.alleles):
                    log.error("bad-allele", f"allele index {index} beyond the "
                              f"{len(locus.alleles)} alleles of the database", line=at + offset,
                              sample=pid, marker=locus.name, value=index)
                else:
                    cells.append(locus.alleles[index])
            if len(cells) == 2:
                assembler.add(pid, locus.name, cells, line=at)
    unidentified: tuple[str, ...] = ()
    unidentified_sexes: tuple[str, ...] = ()
    if dvi_at is not None:
        unidentified, unidentified_sexes = _read_dvi(raw[dvi_at:], dvi_at + 1, assembler,
                                                     pedigrees, log)
    frequencies = _table(loci, source.name, log) if loci else None
    advanced = _advanced(raw, log)
    result = log.finish(assembler.profiles(), format=FORMAT, skip_bad=skip_bad)
    return FamiliasFile(version=version, result=result, pedigrees=tuple(pedigrees),
                        loci=tuple(loci), theta=theta, frequencies=frequencies,
                        unidentified=unidentified, unidentified_sexes=unidentified_sexes,
                        dropout=advanced.get("Dropout", 0.0), dropin=advanced.get("Dropin", 0.0))


def _relations(lines: _Lines) -> list[tuple[int, int, int]]:
    count = lines.integer("the number of relations", high=1_000_000)
    result = []
    for _ in range(count):
        at = lines.line
        parent_text = lines.text("a parent index")
        try:
            parent = int(parent_text)
        except ValueError:
            raise FileFormatError("expected a parent index (twins and direct relations are "
                                  "not supported)", source=lines.source, line=at,
                                  value=parent_text, code=CODE_HEADER) from None
        result.append((parent, lines.integer("a child index"), at))
    return result


def _pedigree(
    name: str, ids: list[str], sexes: list[str], relations: list[tuple[int, int, int]],
    lines: _Lines,
) -> FamiliasPedigree:
    fathers: dict[int, str] = {}
    mothers: dict[int, str] = {}
    for parent, child, at in relations:
        if not (0 <= parent < len(ids) and 0 <= child < len(ids)):
            raise FileFormatError("relation names a person index that does not exist",
                                  source=lines.source, line=at, value=(parent, child),
                                  code=CODE_HEADER)
        (fathers if sexes[parent] == "male" else mothers)[child] = ids[parent]
    persons = [Person(pid, fathers.get(i), mothers.get(i), sexes[i])
               for i, pid in enumerate(ids)]
    return FamiliasPedigree(name, _with_missing_parents(persons))


def _with_missing_parents(persons: list[Person]) -> tuple[Person, ...]:
    """``persons`` with an untyped founder added for every parent Familias leaves out.

    One founder per child, so children of one known parent stay half-siblings (in Familias
    the unknown parent of each child is an independent draw from the population).
    """
    taken = {p.id for p in persons}
    out: list[Person] = []
    added: list[Person] = []
    for person in persons:
        if (person.father is None) == (person.mother is None):
            out.append(person)
            continue
        role, sex = ("father", "male") if person.father is None else ("mother", "female")
        new_id = f"{person.id} (added {role})"
        suffix = 2
        while new_id in taken:
            new_id, suffix = f"{person.id} (added {role} {suffix})", suffix + 1
        taken.add(new_id)
        added.append(Person(new_id, None, None, sex))
        out.append(Person(person.id, new_id if role == "father" else person.father,
                          new_id if role == "mother" else person.mother, person.sex))
    return (*out, *added)


def _marker_name(text: str, lines: _Lines) -> str:
    try:
        return canonical_marker_name(text, allow_unknown=True)
    except MarkerError as exc:
        raise FileFormatError("expected a marker name", source=lines.source,
                              line=lines.line - 1, value=text, code=CODE_HEADER) from exc


def _database(lines: _Lines, log: ProblemLog) -> tuple[float, list[FamiliasLocus]]:
    at = lines.line
    header = lines.text("the database header")
    if header.startswith("#TRUE#"):
        raise FileFormatError("files with precomputed probabilities are not supported",
                              source=lines.source, line=at, value=header, code=CODE_HEADER)
    match = _THETA.search(header)
    if not match:
        raise FileFormatError("expected the database header '#FALSE# (#Databases: …)'",
                              source=lines.source, line=at, value=header[:60],
                              code=CODE_HEADER)
    try:
        theta = float(match[1])
    except ValueError as exc:
        raise FileFormatError("theta is not a number", source=lines.source, line=at,
                              value=match[1], code=CODE_HEADER) from exc
    n_loci = lines.integer("the number of markers", high=10_000)
    if lines.peek() == "#TRUE#":
        lines.text("the database-name flag")
        lines.text("the database name")
    elif lines.peek() == "#FALSE#":
        lines.text("the database-name flag")
    loci = []
    for _ in range(n_loci):
        name = _marker_name(lines.text("a marker name"), lines)
        rates = (lines.number("the female mutation rate"), lines.number("the male rate"))
        models = (lines.integer("the female model code", high=4),
                  lines.integer("the male model code", high=4))
        lines.integer("the number of alleles with the silent allele", high=100_000)
        ranges = (lines.number("the female range"), lines.number("the male range"))
        rates2 = (lines.number("the female rate2"), lines.number("the male rate2"))
        at = lines.line
        if lines.text("the silent-allele flag") == "#TRUE#":
            raise FileFormatError("silent alleles are not supported", source=lines.source,
                                  line=at, marker=name, code=CODE_HEADER)
        lines.number("the silent-allele frequency")
        info_at = lines.line
        info_line = lines.text("the allele count line")
        info = info_line.split("\t")[0].strip()
        dropout = _marker_dropout(info_line, name, info_at, log)
        try:
            n_alleles = int(info)
        except ValueError:
            n_alleles = -1
        if not 0 <= n_alleles <= 100_000:
            raise FileFormatError("expected the number of alleles", source=lines.source,
                                  line=info_at, marker=name, value=info, code=CODE_HEADER)
        alleles = []
        frequencies = []
        for _ in range(n_alleles):
            alleles.append(lines.text(f"an allele of {name}"))
            frequencies.append(lines.number(f"a frequency of {name}"))
        loci.append(FamiliasLocus(name, tuple(alleles), tuple(frequencies), rates[0],
                                  rates[1], MUTATION_MODELS[models[0]],
                                  MUTATION_MODELS[models[1]], ranges[0], ranges[1],
                                  rates2[0], rates2[1], dropout))
    return theta, loci


def _marker_dropout(info_line: str, marker: str, line: int, log: ProblemLog) -> float:
    """The ``Dropout probability = d`` of a marker's allele-count line (0 when absent)."""
    match = _MARKER_DROPOUT.search(info_line)
    if match is None:
        return 0.0
    try:
        value = float(match[1])
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise FileFormatError("the marker's dropout probability must be in [0, 1]",
                              source=log.source, line=line, marker=marker, value=match[1],
                              code=CODE_HEADER)
    if value:
        log.warning(CODE_UNUSED_SETTING, f"Familias marker drop-out probability {value:g} "
                    "is not used: reunite computes this marker's LR without drop-out",
                    line=line, marker=marker, field="Dropout probability", value=value)
    return value


def _advanced(raw: list[str], log: ProblemLog) -> dict[str, float]:
    """The drop-out, drop-in and error probabilities of the ``[Advanced]`` section.

    Each value that is not 0 is recorded as a warning: reunite's LRs do not model it yet.
    """
    start = next((i for i, line in enumerate(raw) if line.strip() == "[Advanced]"), None)
    found: dict[str, float] = {}
    if start is None:
        return found
    for offset, text in enumerate(raw[start + 1:], start=start + 2):
        stripped = text.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            break
        key, sep, value_text = stripped.partition("=")
        key = key.strip()
        if not sep or key not in _ADVANCED_KEYS:
            continue
        try:
            value = float(value_text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise FileFormatError(f"the [Advanced] {key} probability must be in [0, 1]",
                                  source=log.source, line=offset, field=key,
                                  value=value_text.strip(), code=CODE_HEADER)
        found[key] = value
        if value:
            log.warning(CODE_UNUSED_SETTING, f"Familias setting [Advanced] {key}= {value:g} "
                        f"is not used: reunite computes LRs without a {_ADVANCED_KEYS[key]} "
                        "model", line=offset, field=key, value=value)
    return found


def _table(loci: list[FamiliasLocus], source: str, log: ProblemLog) -> FrequencyTable | None:
    """The database as a table; alleles that are no designation ("Rest allele") are left
    out with a warning, and their marker renormalised by :class:`FrequencyTable`."""
    usable: dict[str, dict[str, float]] = {}
    for locus in loci:
        kept: dict[str, float] = {}
        for allele, frequency in zip(locus.alleles, locus.frequencies, strict=True):
            try:
                parse_allele(allele)
            except AlleleError:
                log.warning("frequency-table", "database allele is not a designation; left "
                            "out of the frequency table (the marker is renormalised)",
                            marker=locus.name, value=allele)
                continue
            kept[allele] = frequency
        if kept:
            usable[locus.name] = kept
    try:
        return FrequencyTable(Path(source).stem or "familias", usable)
    except InputError as exc:
        raise FileFormatError(f"the database is not a usable frequency table: {exc.message}",
                              source=source, marker=exc.context.get("marker"),
                              value=exc.context.get("value")) from exc


def _read_dvi(
    raw: list[str], first_line: int, assembler: ProfileAssembler,
    pedigrees: list[FamiliasPedigree], log: ProblemLog,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The DVI section: typed persons go to ``assembler``, pedigrees to ``pedigrees``;
    returns the unidentified persons' names and sexes."""
    unidentified: list[str] = []
    section: list[str] = []
    person: dict[str, str] | None = None
    persons: list[dict[str, str]] = []
    family = ""
    family_persons: list[dict[str, str]] = []
    pedigree: list[tuple[str, str]] | None = None
    pedigree_name = ""
    pending_system: str | None = None
    pending_alleles: list[str] = []
    system_line = 0

    def sample_id(member: dict[str, str]) -> str:
        # Reference families may reuse names ("Brother" in two families): a family
        # member's profile id is "<family>/<name>"; unidentified persons keep their name.
        return member["Name"] if "Unidentified persons" in section else \
            f"{family}/{member['Name']}"

    def flush_system() -> None:
        nonlocal pending_system, pending_alleles
        if pending_system is not None and person is not None:
            assembler.add(sample_id(person), pending_system, pending_alleles,
                          line=system_line)
        pending_system, pending_alleles = None, []

    def flush_pedigree() -> None:
        nonlocal pedigree
        if pedigree is not None:
            pedigrees.append(_dvi_pedigree(pedigree_name, family_persons, pedigree, family,
                                           log))
        pedigree = None

    for offset, text in enumerate(raw):
        line = first_line + offset
        stripped = text.strip()
        if stripped.startswith("["):
            depth = len(stripped) - len(stripped.lstrip("["))
            title = stripped.strip("[]").strip()
            flush_system()
            section = section[:depth - 1] + [title]
            if depth == 1 and title != "DVI":
                break  # [Prior], [Advanced]...: settings, not data
            if title.startswith("Family "):
                flush_pedigree()
                family_persons = []
            if title.startswith("Pedigree "):
                flush_pedigree()
                pedigree = []
            if title.startswith("Person "):
                person = {"Name": "", "line": str(line)}
                (persons if "Unidentified persons" in section else family_persons).append(person)
            continue
        if "=" not in stripped:
            continue
        key, _, value = stripped.partition("=")
        key, value = key.strip(), value.strip()
        if key == "Name":
            if pedigree is not None and section[-1].startswith("Pedigree"):
                pedigree_name = value
            elif person is not None and section[-1].startswith("Person"):
                person["Name"] = value
                if "Unidentified persons" in section:
                    unidentified.append(value)
            elif section[-1].startswith("Family"):
                family = value
        elif key == "Gender" and person is not None:
            person["Gender"] = value
        elif key == "SystemName" and person is not None:
            flush_system()
            if assembler.start_sample(sample_id(person), line=int(person["line"]),
                                      contiguous=True):
                pending_system, system_line = value, line
        elif key in {"Allele1", "Allele2"} and pending_system is not None:
            if value:
                pending_alleles.append(value)
        elif key in {"Parent", "Child"} and pedigree is not None:
            pedigree.append((key, value))
    flush_system()
    flush_pedigree()
    sexes = tuple(_GENDER.get(p.get("Gender", ""), "unknown") for p in persons if p["Name"])
    return tuple(unidentified), sexes


_GENDER = {"Male": "male", "Female": "female"}


def _dvi_pedigree(
    name: str, members: list[dict[str, str]], pairs: list[tuple[str, str]], family: str,
    log: ProblemLog,
) -> FamiliasPedigree:
    sexes = {m["Name"]: _GENDER.get(m.get("Gender", ""), "unknown") for m in members}
    links = [(pairs[i][1], pairs[i + 1][1]) for i in range(0, len(pairs) - 1, 2)
             if pairs[i][0] == "Parent" and pairs[i + 1][0] == "Child"]
    for parent, _ in links:
        sexes.setdefault(parent, "unknown")
    for _, child in links:
        sexes.setdefault(child, "unknown")
    decided = _parent_sexes(sexes, links)
    for parent, _ in links:
        if decided[parent] == "unknown":
            decided[parent] = "male"
            log.warning(CODE_ASSUMED_SEX, "the sex of a parent is given neither by the file "
                        "nor by a co-parent; taken as the father (this matters only where "
                        "female and male mutation models differ)", sample=parent,
                        field="Gender", value=f"{family}/{name}")
    fathers: dict[str, str] = {}
    mothers: dict[str, str] = {}
    for parent, child in links:
        (fathers if decided[parent] == "male" else mothers)[child] = parent
    persons = [Person(pid, fathers.get(pid), mothers.get(pid), sex)
               for pid, sex in decided.items()]
    return FamiliasPedigree(name, _with_missing_parents(persons), family=family)


def _parent_sexes(sexes: dict[str, str], links: list[tuple[str, str]]) -> dict[str, str]:
    """``sexes`` with each parent of unknown sex given the sex its co-parents imply (the
    opposite of a co-parent's known sex), repeated until nothing changes."""
    decided = dict(sexes)
    changed = True
    while changed:
        changed = False
        for parent, child in links:
            if decided[parent] != "unknown":
                continue
            others = {decided[p] for p, c in links if c == child and p != parent}
            others.discard("unknown")
            if len(others) == 1:
                decided[parent] = "female" if others == {"male"} else "male"
                changed = True
    return decided


# --- Writing .fam files ----------------------------------------------------------------


def format_familias(
    profiles: Iterable[Profile], *, frequencies: FrequencyTable | None = None,
    version: str = "3.2.8",
) -> str:
    """A Familias ``.fam`` project with ``profiles`` as persons and no relations.

    The database holds every typed marker: alleles and frequencies from ``frequencies``
    (alleles of the profiles it lacks get the marker's minimum frequency and the marker is
    renormalised, the Familias convention), or, without a table, the allele proportions in
    ``profiles`` themselves. Mutation rates are 0 (model "equal"). Familias has two sexes:
    a profile whose amelogenin is not male is written as female. Partial genotypes cannot be
    written (Familias stores two alleles) and raise FileFormatError.
    """
    profiles = list(profiles)
    problems = ProblemLog("<familias output>")
    observed: dict[str, dict[Allele, int]] = {}
    for profile in profiles:
        check_writable_id(profile.id)
        for marker_name, genotype in profile.genotypes.items():
            if genotype.is_partial:
                problems.error("partial-genotype", "a partial genotype cannot be written to "
                               "a Familias file", sample=profile.id, marker=marker_name,
                               value=str(genotype))
            counts = observed.setdefault(marker_name, {})
            for allele in genotype.alleles:
                counts[allele] = counts.get(allele, 0) + 1
    if problems.problems:
        raise FileFormatError("profiles cannot be written to Familias",
                              problems=problems.problems)
    database: dict[str, dict[Allele, float]] = {}
    table = frequencies.with_unseen_alleles(
        {m: list(c) for m, c in observed.items()}) if frequencies else None
    for marker_name, counts in observed.items():
        if table is not None and marker_name in table:
            database[marker_name] = dict(table.frequencies(marker_name))
        else:
            total = sum(counts.values())
            database[marker_name] = {a: c / total for a, c in sorted(counts.items())}
    markers = list(database)
    index = {m: {a: i for i, a in enumerate(database[m])} for m in markers}
    out = io.StringIO()

    def put(*values: object) -> None:
        for value in values:
            out.write(f"{value}\n")

    put('"Output from Familias, version ' + version + '"', '"Written by reunite"', version,
        '""', len(profiles))
    for profile in profiles:
        typed = list(profile.genotypes.items())
        put(f'"{profile.id}"', "#FALSE#", -1, "#FALSE#",
            "#TRUE#" if profile.sex == "male" else "#FALSE#", len(typed))
        for marker_name, genotype in typed:
            first, second = genotype.alleles
            put(index[marker_name][first], index[marker_name][second],
                markers.index(marker_name))
    put('"Known relations"', 0, 0, 0, 0)
    put("#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: 0 )", len(markers), "#TRUE#",
        f'"{frequencies.name if frequencies else "reunite"}"')
    for marker_name in markers:
        alleles = database[marker_name]
        put(f'"{marker_name}"', 0, 0, 0, 0, len(alleles) + 1, 0.1, 0.1, 0, 0, "#FALSE#", 0)
        put(f"{len(alleles)}\t(DatabaseSize = 0 , Dropout probability = 0 , "
            "Minor allele frequency = 0 )")
        for allele, frequency in alleles.items():
            put(f'"{allele.text}"', repr(frequency))
    return out.getvalue()


def write_familias(
    profiles: Iterable[Profile], target: str | Path, *,
    frequencies: FrequencyTable | None = None,
) -> None:
    """Write :func:`format_familias` output to ``target`` (Familias reads it as Latin-1 or
    UTF-8; reunite writes UTF-8)."""
    Path(target).write_text(format_familias(profiles, frequencies=frequencies),
                            encoding="utf-8")


# --- Familias frequency databases -----------------------------------------------------


def read_familias_frequencies(
    source: str | Path | bytes, *, name: str | None = None, encoding: str | None = None
) -> FrequencyTable:
    """Read a Familias frequency database (``marker`` line, ``allele<TAB>frequency`` lines).

    The table is named after the file; markers whose frequencies do not sum to 1 are
    renormalised by :class:`FrequencyTable` (and listed in ``renormalised``).
    """
    return parse_familias_frequencies(load_source(source, name=name, encoding=encoding))


def parse_familias_frequencies(source: Source) -> FrequencyTable:
    """Like :func:`read_familias_frequencies`, for text already decoded."""
    problems = ProblemLog(source.name)
    table: dict[str, dict[str, float]] = {}
    lines_of: dict[str, int] = {}
    marker: str | None = None
    for number, text in enumerate(source.text.splitlines(), start=1):
        stripped = text.strip()
        if not stripped:
            continue
        parts = stripped.split("\t") if "\t" in stripped else _space_split(stripped)
        if len(parts) == 1:
            marker = parts[0]
            if marker in table:
                problems.error(CODE_HEADER, "marker given twice", line=number, marker=marker,
                               value=marker)
            table.setdefault(marker, {})
            lines_of.setdefault(marker, number)
            continue
        if marker is None:
            problems.error(CODE_HEADER, "an allele line before any marker name", line=number,
                           value=stripped[:40])
            continue
        if len(parts) != 2:
            problems.error(CODE_HEADER, "expected 'allele<TAB>frequency'", line=number,
                           marker=marker, value=stripped[:40])
            continue
        allele, frequency_text = parts
        try:
            frequency = float(frequency_text)
        except ValueError:
            frequency = math.nan
        if not (math.isfinite(frequency) and 0.0 < frequency <= 1.0):
            problems.error(CODE_HEADER, "a frequency must be a number in (0, 1]", line=number,
                           marker=marker, value=frequency_text)
            continue
        if allele in table[marker]:
            problems.error(CODE_HEADER, "allele given twice", line=number, marker=marker,
                           value=allele)
            continue
        table[marker][allele] = frequency
    for marker_name, alleles in table.items():
        if not alleles:
            problems.error(CODE_HEADER, "marker has no alleles", line=lines_of[marker_name],
                           marker=marker_name)
    if not table and not problems.problems:
        problems.error(CODE_HEADER, "the file holds no marker")
    if problems.problems:
        n = len(problems.problems)
        raise FileFormatError(f"{n} problem{'s' if n != 1 else ''} in the frequency database",
                              source=source.name, problems=problems.problems)
    try:
        return FrequencyTable(Path(source.name).stem or "familias", table)
    except FrequencyTableError as exc:
        raise FileFormatError(exc.message, source=source.name,
                              marker=exc.context.get("marker"),
                              value=exc.context.get("value")) from exc


def _space_split(line: str) -> list[str]:
    """Fields of a line without tabs: ``allele frequency``, or a marker name with spaces."""
    tokens = line.split()
    if len(tokens) == 2:
        try:
            float(tokens[1])
        except ValueError:
            return [line]  # "Penta E": a marker name
        return tokens
    return [line] if len(tokens) > 2 and not tokens[-1][:1].isdigit() else tokens


def format_familias_frequencies(table: FrequencyTable) -> str:
    """A frequency table in the Familias database text format (``repr`` floats, exact)."""
    out = io.StringIO()
    for i, marker in enumerate(table.markers):
        if i:
            out.write("\n")
        out.write(f"{marker}\n")
        for allele, frequency in table.frequencies(marker).items():
            out.write(f"{allele.text}\t{frequency!r}\n")
    return out.getvalue()


def write_familias_frequencies(table: FrequencyTable, target: str | Path) -> None:
    """Write :func:`format_familias_frequencies` output (UTF-8) to ``target``."""
    Path(target).write_text(format_familias_frequencies(table), encoding="utf-8")
