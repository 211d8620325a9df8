"""Kinship case JSON (``reunite-kinship-case/1``): read, validate, and write results.

The format is specified in ``../shared/spec/kinship-case.md``. :func:`read_cases` returns
one :class:`KinshipCase` per case (a file may hold one case or a JSON array of them);
:func:`result_json` writes an :class:`~reunite.stats.lr.LRResult` in the spec's output
shape. Answering a case is a use case: :func:`reunite.services.kinship.solve_kinship_case`.

Validation collects every problem of a case and raises one
:class:`~reunite.errors.CaseError` naming the case, each field and each offending value:
unknown model or transform, negative or impossible rates, malformed matrices, alleles
not in the marker (unless ``unseen_allele_frequency`` is set), frequencies that are
negative or far from summing to 1, bad sex, malformed pedigrees, a typed person missing
from a hypothesis.

Degraded samples (``docs/kinship-case-extensions.md``): ``"dropout": {person: d}``,
optional ``"dropout_homozygous": {person: d_hom}`` (default d²) and ``"drop_in": c``
become :attr:`KinshipCase.dropout` (one
:class:`~reunite.genetics.observation.DropoutModel` per listed person); such a person's
genotypes are observed allele sets (0–2 alleles, 3 with drop-in, no nulls). A marker's
``"silent_frequency": s`` adds a silent allele; a person without drop-out may then be
typed with one allele or none at that marker.

A Familias project (``.fam``) is a kinship case too: :func:`familias_case` takes its
pedigrees as the hypotheses (file order, the first one the numerator), its typed persons,
its database (frequencies; each sex's mutation model and rates: ``equal`` and
``proportional`` as named, the three stepwise codes as the ``stepwise`` model with the
file's rate, rate2 and range, the stationary one made stationary by ``PM``) and its θ.
:func:`read_cases` reads such a file as one case, so ``reunite lr project.fam`` works.

Frequencies summing to 1 within 1e-6 are used exactly as given; a sum off by more than
that but at most 0.05 is renormalised and a note says so (:attr:`KinshipCase.notes`,
printed on standard error by the CLI and added as ``notes`` to the result); a sum off by
more than 0.05 is an error, not a rounding slip.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from reunite.errors import (
    AlleleError,
    CaseError,
    FileFormatError,
    PedigreeError,
    Problem,
    ReuniteError,
)
from reunite.genetics.alleles import parse_allele
from reunite.genetics.hypotheses import Hypothesis
from reunite.genetics.markers import get_marker, is_known_marker
from reunite.genetics.observation import DropoutModel
from reunite.genetics.pedigree import SEXES, Pedigree, Person
from reunite.io.familias import FamiliasFile, FamiliasLocus, read_familias
from reunite.stats.likelihood import Genotype, GenotypeData, KinshipMarker
from reunite.stats.lr import LRResult
from reunite.stats.mutation import (
    MODEL_NAMES,
    TRANSFORMS,
    MutationModel,
    MutationSpec,
    extend_matrix,
    mutation_matrix,
)

__all__ = [
    "FORMAT",
    "KinshipCase",
    "familias_case",
    "parse_case",
    "read_cases",
    "result_json",
]

FORMAT = "reunite-kinship-case/1"
SUM_TOLERANCE = 1e-6
RENORMALISE_LIMIT = 0.05


@dataclass(frozen=True)
class KinshipCase:
    """A validated kinship question."""

    id: str
    theta: float
    markers: tuple[KinshipMarker, ...]
    genotypes: Mapping[str, Mapping[str, GenotypeData | None]]
    hypotheses: tuple[Hypothesis, ...]
    description: str = ""
    expected: Mapping[str, Any] | None = None
    notes: tuple[str, ...] = field(default=())
    dropout: Mapping[str, DropoutModel] = field(default_factory=dict)


_FAMILIAS_BANNER = b'"Output from Familias'


def read_cases(path: str | Path) -> tuple[list[KinshipCase], bool]:
    """Cases in ``path``, and whether the file held a JSON array.

    A Familias project (first line ``"Output from Familias, …"``) is one case
    (:func:`familias_case`).
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise FileFormatError(f"cannot read case file: {exc.strerror}", source=str(p),
                              value=str(p)) from exc
    if raw.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(_FAMILIAS_BANNER):
        return [familias_case(read_familias(p), case_id=p.stem, source=str(p))], False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileFormatError("the case file is not UTF-8 text", source=str(p),
                              value=str(exc)) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"not valid JSON: {exc.msg}", source=str(p), line=exc.lineno,
                              value=None) from exc
    if isinstance(data, list):
        return [parse_case(d, source=str(p), position=i) for i, d in enumerate(data)], True
    return [parse_case(data, source=str(p))], False


def parse_case(data: Any, *, source: str | None = None, position: int | None = None
               ) -> KinshipCase:
    """Validate one case object (see the module docstring)."""
    label = f"#{position}" if position is not None else "?"
    if not isinstance(data, dict):
        raise CaseError("a case must be a JSON object", source=source, case=label,
                        value=type(data).__name__)
    case_id = str(data.get("id", label))
    problems: list[Problem] = []

    def bad(message: str, field_name: str, value: Any, marker: str | None = None,
            sample: str | None = None) -> None:
        problems.append(Problem(message, source=source, field=field_name, value=value,
                                marker=marker, sample=sample))

    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        bad(f"unsupported format; expected {FORMAT!r}", "format", fmt)
    theta = data.get("theta", 0.0)
    if theta is None:
        theta = 0.0
    if isinstance(theta, bool) or not isinstance(theta, int | float) or not (
            0.0 <= theta < 1.0):
        bad("theta must be a number in [0, 1)", "theta", theta)
        theta = 0.0

    raw_genotypes = data.get("genotypes", {})
    if not isinstance(raw_genotypes, dict):
        bad("genotypes must be an object {person: {marker: [a, b]}}", "genotypes",
            type(raw_genotypes).__name__)
        raw_genotypes = {}
    dropout = _parse_dropout(data, raw_genotypes, bad)

    notes: list[str] = []
    markers: list[KinshipMarker] = []
    raw_markers = data.get("markers")
    if not isinstance(raw_markers, list) or not raw_markers:
        bad("markers must be a non-empty list", "markers", raw_markers)
        raw_markers = []
    names_seen: set[str] = set()
    for mi, raw in enumerate(raw_markers):
        marker = _parse_marker(raw, mi, raw_genotypes, bad, notes)
        if marker is not None:
            if marker.name in names_seen:
                bad("duplicate marker name", f"markers[{mi}].name", marker.name)
            names_seen.add(marker.name)
            markers.append(marker)
    by_name = {m.name: m for m in markers}

    genotypes: dict[str, dict[str, GenotypeData | None]] = {}
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
                if not any(isinstance(r, dict) and r.get("name") == mname
                           for r in raw_markers):
                    bad("marker not listed in markers", fld, mname, sample=person)
                continue
            genotype = _parse_genotype(g, fld, person, by_name[mname], bad,
                                       dropout.get(person))
            genotypes[person][mname] = genotype

    hypotheses: list[Hypothesis] = []
    raw_hyps = data.get("hypotheses")
    if not isinstance(raw_hyps, list) or len(raw_hyps) < 2:
        bad("hypotheses must be a list of at least two", "hypotheses",
            len(raw_hyps) if isinstance(raw_hyps, list) else raw_hyps)
        raw_hyps = []
    hyp_names: set[str] = set()
    for hi, raw in enumerate(raw_hyps):
        hyp = _parse_hypothesis(raw, hi, bad)
        if hyp is None:
            continue
        if hyp.name in hyp_names:
            bad("duplicate hypothesis name", f"hypotheses[{hi}].name", hyp.name)
        hyp_names.add(hyp.name)
        hypotheses.append(hyp)
        for person in genotypes:
            if person not in hyp.pedigree:
                bad(f"typed person {person!r} is missing from hypothesis {hyp.name!r}",
                    f"hypotheses[{hi}].pedigree", person, sample=person)

    if problems:
        raise CaseError(f"invalid kinship case ({len(problems)} problem"
                        f"{'s' if len(problems) > 1 else ''})", problems=problems,
                        case=case_id, source=source)
    return KinshipCase(
        id=case_id,
        theta=float(theta),
        markers=tuple(markers),
        genotypes=genotypes,
        hypotheses=tuple(hypotheses),
        description=str(data.get("description", "")),
        expected=data.get("expected"),
        notes=tuple(notes),
        dropout=dropout,
    )


def _probability(value: Any, *, upper_open: bool = False) -> bool:
    """A number in [0, 1] ([0, 1) with ``upper_open``)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value):
        return False
    return 0.0 <= value < 1.0 if upper_open else 0.0 <= value <= 1.0


def _parse_dropout(data: Mapping[str, Any], raw_genotypes: Mapping[str, Any], bad: Any
                   ) -> dict[str, DropoutModel]:
    """``dropout``, ``dropout_homozygous`` and ``drop_in`` (the drop-out extension)."""
    raw = data.get("dropout", {})
    raw_hom = data.get("dropout_homozygous", {})
    drop_in = data.get("drop_in", 0.0)
    if drop_in is None:
        drop_in = 0.0
    if not _probability(drop_in, upper_open=True):
        bad("drop_in must be a number in [0, 1)", "drop_in", drop_in)
        drop_in = 0.0
    if raw is None:
        raw = {}
    if raw_hom is None:
        raw_hom = {}
    if not isinstance(raw, dict):
        bad("dropout must be an object {person: d}", "dropout", raw)
        raw = {}
    if not isinstance(raw_hom, dict):
        bad("dropout_homozygous must be an object {person: d_hom}", "dropout_homozygous",
            raw_hom)
        raw_hom = {}
    models: dict[str, DropoutModel] = {}
    for person, d in raw.items():
        ok = True
        if not _probability(d):
            bad("a drop-out probability must be a number in [0, 1]", f"dropout.{person}", d,
                sample=person)
            ok = False
        if person not in raw_genotypes:
            bad("a person with drop-out must have genotypes", f"dropout.{person}", person,
                sample=person)
            ok = False
        hom = raw_hom.get(person)
        if hom is not None and not _probability(hom):
            bad("a homozygote drop-out probability must be a number in [0, 1]",
                f"dropout_homozygous.{person}", hom, sample=person)
            ok = False
        # With a problem reported the case is refused; the placeholder only makes the
        # person's genotypes read as observed sets, so the report holds no echo of it.
        models[person] = (DropoutModel(float(d), None if hom is None else float(hom),
                                       float(drop_in)) if ok else DropoutModel(0.0))
    for person, hom in raw_hom.items():
        if person not in raw:
            bad("dropout_homozygous for a person not listed in dropout",
                f"dropout_homozygous.{person}", hom, sample=person)
    if drop_in > 0 and not raw:
        bad("drop_in applies to the persons listed in dropout, and none is", "drop_in",
            drop_in)
    return models


def _familias_spec(locus: FamiliasLocus, sex: str) -> MutationSpec:
    model = getattr(locus, f"{sex}_model")
    rate = getattr(locus, f"{sex}_rate")
    if model in ("equal", "proportional"):
        return MutationSpec(model, rate=rate)
    return MutationSpec("stepwise", rate=rate, rate2=getattr(locus, f"{sex}_rate2"),
                        range=getattr(locus, f"{sex}_range"),
                        transform="PM" if model == "stepwise-stationary" else None)


def _familias_marker(locus: FamiliasLocus, source: str, notes: list[str]) -> KinshipMarker:
    try:
        alleles = [parse_allele(a, marker=locus.name).text for a in locus.alleles]
    except AlleleError:
        alleles = list(locus.alleles)  # "Rest allele" and the like: kept as written
    if len(set(alleles)) != len(alleles):
        raise CaseError("the database lists an allele twice", source=source,
                        marker=locus.name, field="alleles", value=list(locus.alleles))
    freqs = np.asarray(locus.frequencies, dtype=np.float64)
    total = float(freqs.sum())
    if abs(total - 1.0) > RENORMALISE_LIMIT or total <= 0:
        raise CaseError("the database frequencies do not sum to 1", source=source,
                        marker=locus.name, field="frequencies", value=total)
    if abs(total - 1.0) > SUM_TOLERANCE:
        freqs = freqs / total
        notes.append(f"marker {locus.name}: frequencies summed to {total!r}; renormalised to 1")
    matrices = {}
    specs = {}
    for sex in ("female", "male"):
        specs[sex] = _familias_spec(locus, sex)
        try:
            matrices[sex] = mutation_matrix(specs[sex], alleles, freqs, marker=locus.name)
        except ReuniteError as exc:
            raise CaseError(f"the {sex} mutation model of the database: {exc.message}",
                            source=source, marker=locus.name, field=f"{sex} model",
                            value=exc.context.get("value")) from exc
    description: dict[str, object] = {sex: spec.to_dict() for sex, spec in specs.items()}
    return KinshipMarker(name=locus.name, alleles=tuple(alleles), frequencies=freqs,
                         mutation=MutationModel(female=matrices["female"],
                                                male=matrices["male"],
                                                description=description))


def familias_case(fam: FamiliasFile, *, case_id: str, source: str | None = None
                  ) -> KinshipCase:
    """The kinship question of a Familias project (module docstring).

    Hypotheses: the project's pedigrees (not the DVI section's), the first the numerator;
    genotypes: the persons typed in the main section; markers: the database's autosomal
    markers (others are left out with a note). The reader's warnings (e.g. an ``[Advanced]``
    drop-out probability reunite does not use) become notes of the case. Raises
    :class:`CaseError` for fewer than two pedigrees, or a database the kinship engine
    cannot use (named marker and value).
    """
    where = source or case_id
    pedigrees = [p for p in fam.pedigrees if p.family is None]
    if len(pedigrees) < 2:
        raise CaseError("a Familias project needs two or more pedigrees to compare",
                        source=where, case=case_id, field="pedigrees", value=len(pedigrees))
    hypotheses = tuple(Hypothesis(p.name, Pedigree(p.persons)) for p in pedigrees)
    # The reader's warnings (drop-out settings not used, assumed sexes...) travel along.
    notes: list[str] = [str(problem) for problem in fam.result.warnings]
    markers: list[KinshipMarker] = []
    for locus in fam.loci:
        if is_known_marker(locus.name) and not get_marker(locus.name).is_autosomal:
            notes.append(f"marker {locus.name}: not autosomal; left out")
            continue
        markers.append(_familias_marker(locus, where, notes))
    by_name = {m.name: m for m in markers}
    genotypes: dict[str, dict[str, Genotype | None]] = {}
    for profile in fam.result.profiles:
        if not all(profile.id in h.pedigree for h in hypotheses):
            continue  # a DVI-section person
        typed: dict[str, Genotype | None] = {}
        for marker_name, genotype in profile.genotypes.items():
            if marker_name not in by_name:
                if any(locus.name == marker_name for locus in fam.loci):
                    continue  # a marker left out above (not autosomal)
                raise CaseError("a typed marker is not in the project's database",
                                source=where, case=case_id, sample=profile.id,
                                marker=marker_name, value=marker_name)
            first, second = (a.text for a in genotype.alleles)
            typed[marker_name] = (first, second)
        genotypes[profile.id] = typed
    return KinshipCase(id=case_id, theta=fam.theta, markers=tuple(markers),
                       genotypes=genotypes, hypotheses=hypotheses,
                       description=f"Familias project ({fam.version})", notes=tuple(notes))


def _allele_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else repr(value)
    return None


def _parse_marker(raw: Any, mi: int, raw_genotypes: Mapping[str, Any], bad: Any,
                  notes: list[str]) -> KinshipMarker | None:
    fld = f"markers[{mi}]"
    if not isinstance(raw, dict):
        bad("a marker must be an object", fld, raw)
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        bad("marker name must be a non-empty string", f"{fld}.name", name)
        return None
    n_before = len(notes)
    chromosome = raw.get("chromosome", "autosomal")
    if chromosome not in ("autosomal", None):
        bad("only autosomal markers are supported", f"{fld}.chromosome", chromosome, name)
    raw_alleles = raw.get("alleles")
    raw_freqs = raw.get("frequencies")
    if not isinstance(raw_alleles, list) or not raw_alleles:
        bad("alleles must be a non-empty list", f"{fld}.alleles", raw_alleles, name)
        return None
    alleles = [_allele_text(a) for a in raw_alleles]
    if any(a is None or a == "" for a in alleles):
        bad("allele names must be strings or numbers", f"{fld}.alleles", raw_alleles, name)
        return None
    allele_list = [a for a in alleles if a is not None]
    if len(set(allele_list)) != len(allele_list):
        bad("duplicate allele names", f"{fld}.alleles", raw_alleles, name)
        return None
    if not isinstance(raw_freqs, list) or len(raw_freqs) != len(allele_list):
        bad("frequencies must be a list parallel to alleles", f"{fld}.frequencies",
            raw_freqs, name)
        return None
    wrong = [f for f in raw_freqs if isinstance(f, bool) or not isinstance(f, int | float)
             or not math.isfinite(f) or f < 0]
    if wrong:
        bad("frequencies must be non-negative numbers", f"{fld}.frequencies", wrong[0], name)
        return None
    freqs = np.asarray(raw_freqs, dtype=np.float64)
    total = float(freqs.sum())
    if abs(total - 1.0) > RENORMALISE_LIMIT or total <= 0:
        bad("frequencies do not sum to 1", f"{fld}.frequencies", total, name)
        return None
    if abs(total - 1.0) > SUM_TOLERANCE:
        freqs = freqs / total
        notes.append(f"marker {name}: frequencies summed to {total!r}; renormalised to 1")

    # Alleles seen in genotypes but not in the marker: an error unless a frequency for
    # unseen alleles is given (then added, the others scaled by 1 - f).
    unseen = raw.get("unseen_allele_frequency")
    extra: list[str] = []
    for person, per_marker in raw_genotypes.items():
        if not isinstance(per_marker, dict):
            continue
        g = per_marker.get(name)
        if isinstance(g, list):
            for a in g:
                text = _allele_text(a)
                if text is not None and text not in allele_list and text not in extra:
                    if unseen is None:
                        bad(f"allele {text!r} of {person} is not an allele of the marker",
                            f"genotypes.{person}.{name}", a, name, person)
                    else:
                        extra.append(text)
    if unseen is not None and (isinstance(unseen, bool) or not isinstance(unseen, int | float)
                               or not 0 < unseen < 1):
        bad("unseen_allele_frequency must be a number in (0, 1)",
            f"{fld}.unseen_allele_frequency", unseen, name)
        return None
    for text in extra:
        assert unseen is not None
        freqs = np.concatenate([freqs * (1.0 - unseen), [float(unseen)]])
        allele_list.append(text)
        notes.append(f"marker {name}: allele {text} added with frequency {unseen}")

    mutation = _parse_mutation(raw.get("mutation"), fld, name, allele_list, freqs,
                               tuple(extra), bad, notes)
    if len(notes) > n_before and mutation is False:
        return None
    silent = raw.get("silent_frequency", 0.0)
    if silent is None:
        silent = 0.0
    if not _probability(silent, upper_open=True):
        bad("silent_frequency must be a number in [0, 1)", f"{fld}.silent_frequency",
            silent, name)
        return None
    if mutation is False:
        return None
    return KinshipMarker(name=name, alleles=tuple(allele_list), frequencies=freqs,
                         mutation=mutation if isinstance(mutation, MutationModel) else None,
                         silent_frequency=float(silent))


def _parse_spec(raw: Any, fld: str, name: str, bad: Any) -> MutationSpec | None:
    if not isinstance(raw, dict):
        bad("a mutation model must be an object {model, rate, ...}", fld, raw, name)
        return None
    model = raw.get("model")
    if model not in MODEL_NAMES:
        bad(f"unknown mutation model; expected one of {', '.join(MODEL_NAMES)}",
            f"{fld}.model", model, name)
        return None
    ok = True
    values: dict[str, float] = {}
    for key, default in (("rate", 0.0), ("rate2", 0.0), ("range", 1.0)):
        v = raw.get(key, default)
        if v is None:
            v = default
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            bad(f"{key} must be a number", f"{fld}.{key}", v, name)
            ok = False
        elif key in ("rate", "rate2") and not 0 <= v <= 1:
            bad(f"{key} must lie in [0, 1]" + (" (negative rate)" if v < 0 else ""),
                f"{fld}.{key}", v, name)
            ok = False
        elif key == "range" and v <= 0:
            bad("range must be positive", f"{fld}.range", v, name)
            ok = False
        values[key] = float(v)
    if model in ("equal", "proportional", "onestep", "stepwise") and "rate" not in raw:
        bad(f"the {model} model needs a rate", f"{fld}.rate", None, name)
        ok = False
    if model == "stepwise":
        for key in ("rate2", "range"):
            if key not in raw:
                bad(f"the stepwise model needs {key}", f"{fld}.{key}", None, name)
                ok = False
    transform = raw.get("transform")
    if transform is not None and transform not in TRANSFORMS:
        bad(f"unknown transform; expected one of {', '.join(TRANSFORMS)}",
            f"{fld}.transform", transform, name)
        ok = False
    matrix = raw.get("matrix")
    matrix_t: tuple[tuple[float, ...], ...] | None = None
    if matrix is not None:
        try:
            matrix_t = tuple(tuple(float(x) for x in row) for row in matrix)
        except (TypeError, ValueError):
            bad("matrix must be a list of rows of numbers", f"{fld}.matrix", None, name)
            ok = False
    if not ok:
        return None
    return MutationSpec(model=str(model), rate=values["rate"], rate2=values["rate2"],
                        range=values["range"], transform=transform, matrix=matrix_t)


def _parse_mutation(raw: Any, fld: str, name: str, alleles: Sequence[str],
                    freqs: np.ndarray[Any, np.dtype[np.float64]], added: tuple[str, ...],
                    bad: Any, notes: list[str]) -> MutationModel | None | bool:
    """The marker's mutation model; None for none; False after reporting a problem.

    ``alleles`` ends with the ``added`` ones (unseen alleles, after the listed ones). Given
    ``matrices`` are over the listed alleles; with alleles added they are extended
    (:func:`reunite.stats.mutation.extend_matrix`) by the sex's named model over all the
    alleles, or by the identity when the file names none for that sex, with a note.
    """
    if raw is None:
        return None
    fld = f"{fld}.mutation"
    if not isinstance(raw, dict):
        bad("mutation must be an object {female, male, matrices}", fld, raw, name)
        return False
    if "model" in raw and "female" not in raw and "male" not in raw:
        raw = {"female": raw, "male": raw}
    specs: dict[str, MutationSpec | None] = {}
    for sex in ("female", "male"):
        if sex in raw:
            specs[sex] = _parse_spec(raw[sex], f"{fld}.{sex}", name, bad)
    matrices = raw.get("matrices")
    n = len(alleles) - len(added)
    result: dict[str, np.ndarray[Any, np.dtype[np.float64]]] = {}
    ok = True
    for sex in ("female", "male"):
        given = matrices.get(sex) if isinstance(matrices, dict) else None
        spec = specs.get(sex)
        if given is not None:
            try:
                mat = np.asarray(given, dtype=np.float64)
            except (TypeError, ValueError):
                bad("matrix must be a list of rows of numbers", f"{fld}.matrices.{sex}", None,
                    name)
                ok = False
                continue
            if mat.shape != (n, n):
                bad(f"matrix must be {n}×{n} (one row and column per allele)",
                    f"{fld}.matrices.{sex}", list(mat.shape), name)
                ok = False
                continue
            if not np.all(np.isfinite(mat)) or np.any(mat < 0):
                bad("matrix entries must be non-negative numbers", f"{fld}.matrices.{sex}",
                    float(np.nanmin(mat)), name)
                ok = False
                continue
            sums = mat.sum(axis=1)
            if np.any(np.abs(sums - 1.0) > 1e-6):
                bad("matrix rows must sum to 1", f"{fld}.matrices.{sex}",
                    float(sums[int(np.argmax(np.abs(sums - 1.0)))]), name)
                ok = False
                continue
            if added:
                extended = _extend_given(mat, spec, alleles, freqs, name, sex, added, notes)
                if isinstance(extended, ReuniteError):
                    bad(extended.message, f"{fld}.{sex}", extended.context.get("value"),
                        name)
                    ok = False
                    continue
                mat = extended
            result[sex] = mat
        elif spec is not None:
            try:
                result[sex] = mutation_matrix(spec, alleles, freqs, marker=name)
            except ReuniteError as exc:
                bad(exc.message, f"{fld}.{sex}", exc.context.get("value"), name)
                ok = False
        elif sex in raw and spec is None:
            ok = False
        else:
            result[sex] = np.eye(n)
    if not ok:
        return False
    description: dict[str, object] = {
        sex: (s.to_dict() if s is not None else None) for sex, s in specs.items()}
    if isinstance(matrices, dict):
        description["matrices"] = "given" + (
            f"; extended to added allele{'s' if len(added) > 1 else ''} {', '.join(added)}"
            if added else "")
    return MutationModel(female=result["female"], male=result["male"],
                         description=description)


def _extend_given(
    given: np.ndarray[Any, np.dtype[np.float64]], spec: MutationSpec | None,
    alleles: Sequence[str], freqs: np.ndarray[Any, np.dtype[np.float64]], name: str,
    sex: str, added: tuple[str, ...], notes: list[str],
) -> np.ndarray[Any, np.dtype[np.float64]] | ReuniteError:
    """A given matrix extended to the ``added`` alleles (see :func:`_parse_mutation`)."""
    model: np.ndarray[Any, np.dtype[np.float64]] | None = None
    how = "the identity (no mutation to or from them: no model is named for this sex)"
    if spec is not None and spec.model == "custom":
        how = "the identity (a custom model covers only the listed alleles)"
    elif spec is not None:
        try:
            model = mutation_matrix(spec, alleles, freqs, marker=name)
        except ReuniteError as exc:
            return exc
        how = f"the {spec.model} model over all {len(alleles)} alleles"
    notes.append(f"marker {name}: the given {sex} mutation matrix is extended to added "
                 f"allele{'s' if len(added) > 1 else ''} {', '.join(added)} by {how}")
    return extend_matrix(given, len(alleles), model)


def _parse_genotype(g: Any, fld: str, person: str, marker: KinshipMarker, bad: Any,
                    model: DropoutModel | None = None) -> GenotypeData | None:
    if g is None:
        return None
    if model is not None:
        return _parse_observed(g, fld, person, marker, bad, model)
    if isinstance(g, list) and len(g) < 2 and marker.silent_frequency > 0:
        # One allele or none seen: a homozygote or a silent allele explains it.
        return _parse_observed(g, fld, person, marker, bad, DropoutModel(0.0))
    if not isinstance(g, list) or len(g) != 2:
        bad("a genotype must be a list of two alleles (null for unknown); one or no "
            "allele only for a person in dropout or at a marker with silent_frequency",
            fld, g, marker.name, person)
        return None
    out: list[str | None] = []
    for a in g:
        if a is None:
            out.append(None)
            continue
        text = _allele_text(a)
        if text is None:
            bad("an allele must be a string or a number", fld, a, marker.name, person)
            return None
        if text not in marker.index:
            # Already reported while reading the marker (unless unseen alleles allowed).
            return None
        out.append(text)
    if out[0] is None and out[1] is None:
        return None
    return (out[0], out[1])


def _parse_observed(g: Any, fld: str, person: str, marker: KinshipMarker, bad: Any,
                    model: DropoutModel) -> GenotypeData | None:
    """The observed allele set of a person with drop-out (0–2 alleles, 3 with drop-in)."""
    most = 3 if model.drop_in > 0 else 2
    if not isinstance(g, list) or len(g) > most:
        bad(f"the alleles seen must be a list of at most {most} alleles"
            + ("" if most == 3 else " (three only with drop_in)"), fld, g, marker.name,
            person)
        return None
    out: list[str] = []
    for a in g:
        if a is None:
            bad("list the alleles seen: null (unknown) is not allowed for a person with "
                "drop-out", fld, g, marker.name, person)
            return None
        text = _allele_text(a)
        if text is None:
            bad("an allele must be a string or a number", fld, a, marker.name, person)
            return None
        if text not in marker.index:
            return None  # already reported while reading the marker
        out.append(text)
    return tuple(out)


def _parse_hypothesis(raw: Any, hi: int, bad: Any) -> Hypothesis | None:
    fld = f"hypotheses[{hi}]"
    if not isinstance(raw, dict):
        bad("a hypothesis must be an object {name, pedigree}", fld, raw)
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        bad("hypothesis name must be a non-empty string", f"{fld}.name", name)
        return None
    persons_raw = raw.get("pedigree")
    if not isinstance(persons_raw, list) or not persons_raw:
        bad("pedigree must be a non-empty list of persons", f"{fld}.pedigree", persons_raw)
        return None
    persons = []
    ok = True
    for pi, p in enumerate(persons_raw):
        pf = f"{fld}.pedigree[{pi}]"
        if not isinstance(p, dict) or not isinstance(p.get("id"), str):
            bad("a person must be an object with a string id", pf, p)
            ok = False
            continue
        sex = p.get("sex", "unknown")
        if sex not in SEXES:
            bad(f"sex must be one of {', '.join(SEXES)}", f"{pf}.sex", sex, sample=p["id"])
            ok = False
            continue
        father, mother = p.get("father"), p.get("mother")
        if not (father is None or isinstance(father, str)) or not (
                mother is None or isinstance(mother, str)):
            bad("father and mother must be ids or null", pf, p, sample=p["id"])
            ok = False
            continue
        persons.append(Person(p["id"], father, mother, sex))
    if not ok:
        return None
    try:
        pedigree = Pedigree(tuple(persons))
    except PedigreeError as exc:
        for problem in exc.problems:
            bad(f"hypothesis {name!r}: {problem.message}", f"{fld}.pedigree", problem.value,
                sample=problem.sample)
        return None
    return Hypothesis(name=name, pedigree=pedigree)


def _json_number(value: Any) -> Any:
    if isinstance(value, float):
        # JSON has no NaN or infinity; like R's jsonlite, write them as null.
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _json_number(v) for k, v in value.items()}
    return value


def result_json(case: KinshipCase, result: LRResult) -> dict[str, Any]:
    """``result`` in the spec's output shape, with the case's ``notes``.

    Non-finite numbers are written as null: LR NaN (0/0, every hypothesis impossible) and
    +inf (only the denominator impossible); ``inconsistencies`` says which hypothesis,
    marker and persons are impossible.
    """
    out = {k: _json_number(v) for k, v in result.to_dict().items()}
    if case.notes:
        out["notes"] = list(case.notes)
    if result.inconsistencies:
        out["inconsistencies"] = [
            {"hypothesis": i.hypothesis, "marker": i.marker, "persons": list(i.persons)}
            for i in result.inconsistencies
        ]
    return out
