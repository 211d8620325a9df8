"""DVI problems from files, and the JSON answer of ``reunite dvi solve``.

Two inputs give a :class:`reunite.stats.dvi.DVIProblem`:

* ``reunite-dvi/1`` JSON (``../shared/spec/dvi-problem.md``): ``markers`` exactly as in
  ``reunite-kinship-case/1`` (read by the same code, :mod:`reunite.io.kinship_case`),
  ``victims`` ``[{id, sex}]``, ``families`` ``[{id, pedigree, missing}]`` and
  ``genotypes``. Every problem is collected and raised as one
  :class:`~reunite.errors.CaseError` naming the file, the field and the value.
* A Familias ``.fam`` project with a ``[DVI]`` section (read by
  :mod:`reunite.io.familias`), converted as dvir's ``familias2dvir`` does: victims are the
  unidentified persons (sex from ``Gender``); each reference family uses its pedigree other
  than ``Reference pedigree``; a parent whose sex is not given takes the sex its
  co-parents imply and, with no co-parent, is a mother (pedFamilias' rule; the generic
  reader takes it as the father), a child with one parent gets a founder for the other
  (:mod:`reunite.io.familias`); only the component holding the typed references is kept,
  and its members whose
  name starts with ``Missing`` are the missing persons. Family members are renamed
  ``<family>/<name>`` (families reuse names). Markers are the database's loci that someone
  is typed at, with the database's alleles and frequencies as written and the mutation
  model of each sex (``equal``, ``proportional``, the stepwise variants; a stepwise model
  over a non-numeric allele such as ``Rest allele`` falls back to ``equal`` with a note,
  as pedFamilias does).

Files are bounded (:data:`MAX_BYTES`) before they are read.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from reunite.errors import CaseError, FileFormatError, PedigreeError, Problem, ReuniteError
from reunite.genetics.markers import canonical_marker_name
from reunite.genetics.pedigree import SEXES, Pedigree, Person
from reunite.io.familias import FamiliasFile, FamiliasLocus, FamiliasPedigree, read_familias
from reunite.io.kinship_case import _parse_genotype, _parse_marker
from reunite.io.result import CODE_ASSUMED_SEX, problem_code
from reunite.stats.dvi import DVIProblem, DVISolution, Family, Victim
from reunite.stats.likelihood import Genotype, KinshipMarker
from reunite.stats.mutation import MutationModel, MutationSpec, mutation_matrix

__all__ = [
    "FORMAT",
    "MAX_BYTES",
    "dvi_from_familias",
    "parse_dvi",
    "read_dvi",
    "solution_json",
]

FORMAT = "reunite-dvi/1"
MAX_BYTES = 64 * 1024 * 1024
"""Largest DVI file read (a 10,000-victim problem in JSON is about 20 MB)."""


def read_dvi(source: str | Path | bytes, *, name: str | None = None) -> DVIProblem:
    """A DVI problem from a ``reunite-dvi/1`` JSON file or a Familias ``.fam`` project.

    The kind is told by the content (a Familias banner, else JSON), not trusted from the
    file name.
    """
    label, data = _load(source, name)
    head = data[:64].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith((b'"Output from Familias', b"Output from Familias")):
        fam = read_familias(data, name=label, allow_unknown_markers=True)
        return dvi_from_familias(fam, source=label)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileFormatError("a DVI problem must be UTF-8 JSON or a Familias .fam file",
                              source=label, value=data[exc.start:exc.start + 4]) from exc
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"not valid JSON: {exc.msg}", source=label, line=exc.lineno,
                              value=None) from exc
    return parse_dvi(payload, source=label)


def _load(source: str | Path | bytes, name: str | None) -> tuple[str, bytes]:
    if isinstance(source, bytes):
        label = name or "<bytes>"
        data = source
    else:
        path = Path(source)
        label = name or str(path)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise FileFormatError(f"the file is {size} bytes; at most {MAX_BYTES} are read",
                                      source=label, value=size)
            data = path.read_bytes()
        except OSError as exc:
            raise FileFormatError(f"cannot read the file: {exc.strerror}", source=label,
                                  value=str(path)) from exc
    if len(data) > MAX_BYTES:
        raise FileFormatError(f"the input is {len(data)} bytes; at most {MAX_BYTES} are read",
                              source=label, value=len(data))
    return label, data


# --- reunite-dvi/1 JSON ----------------------------------------------------------------


def parse_dvi(data: Any, *, source: str | None = None) -> DVIProblem:
    """Validate one ``reunite-dvi/1`` object (see the module docstring)."""
    if not isinstance(data, dict):
        raise CaseError("a DVI problem must be a JSON object", source=source,
                        value=type(data).__name__)
    problems: list[Problem] = []

    def bad(message: str, field_name: str, value: Any, marker: str | None = None,
            sample: str | None = None) -> None:
        problems.append(Problem(message, source=source, field=field_name, value=value,
                                marker=marker, sample=sample))

    problem_id = str(data.get("id", Path(source).stem if source else "dvi"))
    if data.get("format") != FORMAT:
        bad(f"unsupported format; expected {FORMAT!r}", "format", data.get("format"))
    theta = data.get("theta", 0.0)
    theta = 0.0 if theta is None else theta
    if isinstance(theta, bool) or not isinstance(theta, int | float):
        bad("theta must be a number", "theta", theta)
        theta = 0.0
    raw_genotypes = data.get("genotypes", {})
    if not isinstance(raw_genotypes, dict):
        bad("genotypes must be an object {person: {marker: [a, b]}}", "genotypes",
            type(raw_genotypes).__name__)
        raw_genotypes = {}
    notes: list[str] = []
    markers: list[KinshipMarker] = []
    raw_markers = data.get("markers")
    if not isinstance(raw_markers, list) or not raw_markers:
        bad("markers must be a non-empty list", "markers", raw_markers)
        raw_markers = []
    for mi, raw in enumerate(raw_markers):
        marker = _parse_marker(raw, mi, raw_genotypes, bad, notes)
        if marker is not None:
            markers.append(marker)
    by_name = {m.name: m for m in markers}
    listed = {r.get("name") for r in raw_markers if isinstance(r, dict)}
    genotypes: dict[str, dict[str, Genotype | None]] = {}
    for person, per_marker in raw_genotypes.items():
        if per_marker is None:
            per_marker = {}
        if not isinstance(per_marker, dict):
            bad("genotypes of a person must be an object {marker: [a, b]}",
                f"genotypes.{person}", per_marker, sample=person)
            continue
        genotypes[person] = {}
        for mname, g in per_marker.items():
            fld = f"genotypes.{person}.{mname}"
            if mname not in by_name:
                if mname not in listed:
                    bad("marker not listed in markers", fld, mname, sample=person)
                continue
            value = _parse_genotype(g, fld, person, by_name[mname], bad)
            if value is not None and len(value) != 2:
                bad("joint DVI needs genotypes of two alleles (null for unknown); observed "
                    "allele sets (drop-out, silent alleles) are not supported here", fld, g,
                    mname, person)
                continue
            genotypes[person][mname] = (value[0], value[1]) if value is not None else None
    victims = _parse_victims(data.get("victims"), bad)
    families = _parse_families(data.get("families"), bad)
    if problems:
        raise CaseError(f"invalid DVI problem ({len(problems)} problem"
                        f"{'s' if len(problems) > 1 else ''})", problems=problems,
                        case=problem_id, source=source)
    return DVIProblem(problem_id, tuple(victims), tuple(families), tuple(markers), genotypes,
                      theta=float(theta), source=source, notes=tuple(notes))


def _parse_victims(raw: Any, bad: Any) -> list[Victim]:
    if not isinstance(raw, list) or not raw:
        bad("victims must be a non-empty list of {id, sex}", "victims", raw)
        return []
    out = []
    for i, v in enumerate(raw):
        if not isinstance(v, dict) or not isinstance(v.get("id"), str) or not v["id"]:
            bad("a victim must be an object with a non-empty string id", f"victims[{i}]", v)
            continue
        sex = v.get("sex", "unknown")
        if sex not in SEXES:
            bad(f"sex must be one of {', '.join(SEXES)}", f"victims[{i}].sex", sex,
                sample=v["id"])
            continue
        out.append(Victim(v["id"], sex))
    return out


def _parse_families(raw: Any, bad: Any) -> list[Family]:
    if not isinstance(raw, list) or not raw:
        bad("families must be a non-empty list of {id, pedigree, missing}", "families", raw)
        return []
    out = []
    for i, f in enumerate(raw):
        fld = f"families[{i}]"
        if not isinstance(f, dict) or not isinstance(f.get("id"), str) or not f["id"]:
            bad("a family must be an object with a non-empty string id", fld, f)
            continue
        missing = f.get("missing")
        if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
            bad("missing must be a list of person ids", f"{fld}.missing", missing)
            continue
        pedigree = _parse_pedigree(f.get("pedigree"), f"{fld}.pedigree", bad)
        if pedigree is not None:
            out.append(Family(f["id"], pedigree, tuple(missing)))
    return out


def _parse_pedigree(raw: Any, fld: str, bad: Any) -> Pedigree | None:
    if not isinstance(raw, list) or not raw:
        bad("pedigree must be a non-empty list of persons", fld, raw)
        return None
    persons = []
    for pi, p in enumerate(raw):
        pf = f"{fld}[{pi}]"
        if not isinstance(p, dict) or not isinstance(p.get("id"), str):
            bad("a person must be an object with a string id", pf, p)
            return None
        father, mother = p.get("father"), p.get("mother")
        if not (father is None or isinstance(father, str)) or not (
                mother is None or isinstance(mother, str)):
            bad("father and mother must be ids or null", pf, p, sample=p["id"])
            return None
        persons.append(Person(p["id"], father, mother, p.get("sex", "unknown")))
    try:
        return Pedigree(tuple(persons))
    except PedigreeError as exc:
        for problem in exc.problems:
            bad(problem.message, f"{fld}.{problem.field}" if problem.field else fld,
                problem.value, sample=problem.sample)
        return None


# --- Familias DVI projects -------------------------------------------------------------

_FAMILIAS_MODELS = {"equal": ("equal", None), "proportional": ("proportional", None),
                    "stepwise-unstationary": ("stepwise", None),
                    "stepwise-stationary": ("stepwise", "PM"),
                    "stepwise-extended": ("stepwise", None)}


def dvi_from_familias(fam: FamiliasFile, *, source: str) -> DVIProblem:
    """Convert a read ``.fam`` project with a DVI section (module docstring)."""
    if not fam.unidentified:
        raise CaseError("the Familias file has no DVI unidentified persons (no [DVI] "
                        "section, or it is empty)", source=source, field="[DVI]", value=None)
    profiles = {p.id: p for p in fam.result.profiles}
    by_family: dict[str, list[FamiliasPedigree]] = {}
    for ped in fam.pedigrees:
        if ped.family is not None:
            by_family.setdefault(ped.family, []).append(ped)
    if not by_family:
        raise CaseError("the Familias file has no DVI reference families", source=source,
                        field="[[Reference Families]]", value=None)
    assumed = {(str(w.value), str(w.sample)) for w in fam.result.warnings
               if problem_code(w) == CODE_ASSUMED_SEX}
    families = [_familias_family(name, peds, profiles, source, assumed)
                for name, peds in by_family.items()]
    typed_ids = set(fam.unidentified) | {p for f in families for p in f.pedigree.ids}
    used = sorted({m for pid in typed_ids if pid in profiles
                   for m in profiles[pid].genotypes})
    notes: list[str] = []
    # Profiles carry canonical marker names ("PENTA_D" is read as "Penta D"); the
    # database keeps the file's spelling, so loci are matched by canonical name.
    markers = [_familias_marker(locus, canonical_marker_name(locus.name, allow_unknown=True),
                                source, notes)
               for locus in fam.loci
               if canonical_marker_name(locus.name, allow_unknown=True) in used]
    known = {m.name for m in markers}
    for m in used:
        if m not in known:
            raise CaseError("a typed marker is not in the file's database", source=source,
                            field="genotypes", marker=m, value=m)
    genotypes: dict[str, dict[str, Genotype | None]] = {}
    for pid in typed_ids:
        if pid in profiles:
            genotypes[pid] = {marker: _genotype(g)
                              for marker, g in profiles[pid].genotypes.items()}
    victims = tuple(Victim(v, s) for v, s in zip(
        fam.unidentified, fam.unidentified_sexes or ("unknown",) * len(fam.unidentified),
        strict=True))
    return DVIProblem(Path(source).stem or "familias", victims, tuple(families),
                      tuple(markers), genotypes, theta=fam.theta, source=source,
                      notes=tuple(notes))


_ADDED = re.compile(r" \(added (father|mother)( \d+)?\)$")


def _named_missing(member: str) -> bool:
    """dvir's rule: a member whose name starts with "Missing" (not a founder the reader
    added for a child with one parent, which carries the child's name)."""
    name = member.split("/", 1)[1]
    return name.startswith("Missing") and not _ADDED.search(name)


def _genotype(g: Any) -> Genotype:
    first = g.alleles[0].text
    return (first, None) if g.is_partial else (first, g.alleles[1].text)


def _familias_family(name: str, peds: list[FamiliasPedigree],
                     profiles: Mapping[str, Any], source: str,
                     assumed_fathers: set[tuple[str, str]]) -> Family:
    chosen = [p for p in peds if p.name != "Reference pedigree"] or peds
    if len(chosen) > 1 and any(p.persons != chosen[0].persons for p in chosen[1:]):
        raise CaseError(f"reference family {name!r} has {len(chosen)} different pedigrees "
                        "besides 'Reference pedigree'; expected one", source=source,
                        field="[[Reference Families]]", value=name)
    ped = chosen[0]
    persons = list(ped.persons)
    # io.familias takes a parent of no stated sex and no co-parent as the father;
    # pedFamilias (hence dvir) takes it as the mother. Follow dvir here: the child's added
    # founder becomes its father.
    lone = {parent for family, parent in assumed_fathers if family == f"{name}/{ped.name}"}
    if lone:
        by_id = {p.id: p for p in persons}
        drop: set[str] = set()
        fixed: list[Person] = []
        for p in persons:
            if p.id in lone:
                fixed.append(Person(p.id, p.father, p.mother, "female"))
            elif p.father in lone and p.mother is not None and p.mother not in profiles \
                    and by_id[p.mother].is_founder and "(added" in p.mother:
                drop.add(p.mother)
                new = f"{p.id} (added father)"
                fixed.append(Person(p.id, new, p.father, p.sex))
                fixed.append(Person(new, None, None, "male"))
            else:
                fixed.append(p)
        persons = [p for p in fixed if p.id not in drop]

    def pid(member: str | None) -> str | None:
        return None if member is None else f"{name}/{member}"

    try:
        full = Pedigree(tuple(Person(f"{name}/{p.id}", pid(p.father), pid(p.mother), p.sex)
                              for p in persons))
    except PedigreeError as exc:
        raise CaseError(f"reference family {name!r}: {exc.message}", problems=exc.problems,
                        source=source, field="[[Reference Families]]", value=name) from exc
    typed = [p for p in full.ids if p in profiles]
    if not typed:
        raise CaseError(f"reference family {name!r} has no typed reference", source=source,
                        field="[[Reference Families]]", value=name)
    component = next(c for c in full.components() if typed[0] in c)
    if any(t not in component for t in typed):
        raise CaseError(f"reference family {name!r}: typed references in unconnected parts "
                        "of the pedigree", source=source, field="[[Reference Families]]",
                        value=name)
    kept = Pedigree(tuple(p for p in full.persons if p.id in component))
    missing = tuple(p for p in kept.ids if p not in profiles and _named_missing(p))
    if not missing:
        raise CaseError(f"reference family {name!r} has no missing person (a member named "
                        "'Missing…' joined to the references)", source=source,
                        field="[[Reference Families]]", value=name)
    return Family(name, kept, missing)


def _familias_marker(locus: FamiliasLocus, marker_name: str, source: str, notes: list[str]
                     ) -> KinshipMarker:
    alleles = tuple(locus.alleles)
    freqs = np.asarray(locus.frequencies, dtype=np.float64)
    mats = []
    for sex, model, rate, rate2, rng in (
            ("female", locus.female_model, locus.female_rate, locus.female_rate2,
             locus.female_range),
            ("male", locus.male_model, locus.male_rate, locus.male_rate2, locus.male_range)):
        name, transform = _FAMILIAS_MODELS[model]
        if name == "stepwise" and not all(_is_number(a) for a in alleles):
            notes.append(f"marker {locus.name}: {sex} stepwise model over a non-numeric "
                         "allele; the equal model is used (as pedFamilias does)")
            name, transform = "equal", None
        spec = MutationSpec(model=name, rate=rate, rate2=rate2, range=rng,
                            transform=transform)
        try:
            mats.append(mutation_matrix(spec, alleles, freqs, marker=locus.name))
        except ReuniteError as exc:
            raise CaseError(f"marker {locus.name}: {exc.message}", source=source,
                            marker=locus.name, field="mutation",
                            value=exc.context.get("value")) from exc
    mutation = None
    if locus.female_rate > 0 or locus.male_rate > 0:
        mutation = MutationModel(female=mats[0], male=mats[1], description={
            "female": {"model": locus.female_model, "rate": locus.female_rate},
            "male": {"model": locus.male_model, "rate": locus.male_rate}})
    return KinshipMarker(marker_name, alleles, freqs, mutation)


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


# --- the answer -------------------------------------------------------------------------


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _pair_dict(solution: DVISolution, values: np.ndarray[Any, Any], *,
               skip_nan: bool = False) -> dict[str, dict[str, float | None]]:
    """``{victim: {missing: value}}`` over allowed pairs (``skip_nan``: only entries set)."""
    p = solution.problem
    return {v: {m: _num(float(values[i, j])) for j, m in enumerate(p.missing_ids)
                if not math.isnan(solution.pairwise.values[i, j])
                and not (skip_nan and math.isnan(values[i, j]))}
            for i, v in enumerate(p.victim_ids)}


def solution_json(solution: DVISolution, *, commingling: Mapping[str, Any] | None = None
                  ) -> dict[str, Any]:
    """The ``reunite dvi solve --json`` object (``../shared/spec/dvi-problem.md``).

    The spec's fields (``n_assignments``, ``loglik_null``, ``pairwise_lr``,
    ``assignments`` with ``assignment``, ``loglik``, ``log10_lr``, ``posterior``) come
    first; the extensions say how far the answer is exact: ``complete``, ``n_listed``,
    ``unlisted_posterior_max`` (a bound on the posterior mass of the assignments not
    listed), ``posterior_max`` (with ``posterior`` the bracket of an assignment's posterior;
    equal when complete), ``log10_total_lr`` (the bracket of ``log10 Σ LR``), and per pair
    ``posterior_pairing`` ``[min, max]``, ``glr`` (exact) and ``glr_max`` (a proven upper
    bound, for pairs whose GLR was not computed because it is below the floor),
    ``exclusions``; then ``undisputed``,
    ``identifications`` (the best assignment's) and provenance. Non-finite numbers
    (``loglik`` of an impossible assignment) are ``null``; the pairwise LR of a
    sex-incompatible pair is ``null`` as the spec says.
    """
    p = solution.problem
    pairwise = {v: {m: (None if math.isnan(x) else _num(x))
                    for m, x in zip(p.missing_ids, row.tolist(), strict=True)}
                for v, row in zip(p.victim_ids, solution.pairwise.values, strict=True)}
    pairing = {v: {m: [float(solution.pairing_min.values[i, j]),
                       float(solution.pairing_max.values[i, j])]
                   for j, m in enumerate(p.missing_ids)
                   if not math.isnan(solution.pairing_min.values[i, j])}
               for i, v in enumerate(p.victim_ids)}
    out: dict[str, Any] = {
        "id": p.id,
        "n_assignments": solution.n_assignments,
        "loglik_null": solution.loglik_null,
        "pairwise_lr": pairwise,
        "assignments": [a.to_dict() for a in solution.assignments],
        "n_listed": len(solution.assignments),
        "complete": solution.complete,
        "unlisted_posterior_max": solution.unlisted_posterior_max,
        "log10_total_lr": [solution.log10_total_lr_min, solution.log10_total_lr_max],
        "identifications": [i.to_dict() for i in solution.identifications()],
        "posterior_pairing": pairing,
        "glr": _pair_dict(solution, solution.glr.values, skip_nan=True),
        "glr_max": {v: row for v, row in _pair_dict(
            solution, np.where(np.isnan(solution.glr.values), solution.glr_max.values,
                               np.nan), skip_nan=True).items() if row},
        "exclusions": _pair_dict(solution, solution.exclusions.values),
        "undisputed": [u.to_dict() for u in solution.undisputed],
        "fixed": [u.to_dict() for u in solution.fixed],
        "conflicts": solution.conflicts(),
        "families": {f.id: list(f.missing) for f in p.families},
        "search": {"expansions": solution.expansions, "genotype_tables": solution.tables},
        "provenance": solution.provenance.to_dict(),
    }
    if p.notes:
        out["notes"] = list(p.notes)
    if commingling is not None:
        out["commingling"] = dict(commingling)
    return out
