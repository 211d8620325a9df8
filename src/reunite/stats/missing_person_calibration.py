"""Calibrate a missing-person question given as two hypotheses (``reunite calibrate``).

H1 places the person of interest (POI) in a pedigree with the typed references (the POI
is then the missing person of that family); H2 has the POI unrelated: a founder without
children (checked). Then for any POI genotype ``g``

    LR(g) = P(refs, g | H1) / P(refs, g | H2) = c · P(g | family) / P(g),

with the family = H1's pedigree and ``c = P(refs | H1) / P(refs | H2)``, per marker: 1
when H2 is H1 with the POI made unrelated, and slightly off 1 when, say, H2 lists the
references as singletons under a mutation model that is not stationary (their untyped
parents then change their likelihood). ``c`` is computed and the calibration is on the
case's own LR scale (:func:`reunite.stats.calibration.calibrate`, ``log_lr_offset``); a
note says so when ``c ≠ 1``.

:func:`calibrate_missing_person` builds the family's genotype tables
(:func:`~reunite.stats.missing_person.missing_person_genotype_table`, with the case's θ
and mutation models) and calibrates them. When the POI is typed, its LR is the case's own
(:func:`reunite.stats.lr.kinship_lr`) and its p-value compares it with unrelated people
typed at the same markers (those where the POI has both alleles).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reunite.errors import CaseError
from reunite.genetics.hypotheses import Hypothesis
from reunite.genetics.observation import DropoutModel
from reunite.genetics.pedigree import Pedigree
from reunite.stats.calibration import (
    DEFAULT_RELATIVE_ERROR,
    DEFAULT_TARGET_CHANCE_MATCHES,
    FamilyCalibration,
    MarkerOutcomes,
    calibrate,
    outcomes_from_observation_table,
    outcomes_from_table,
)
from reunite.stats.likelihood import Genotype, GenotypeData, KinshipMarker
from reunite.stats.lr import kinship_lr
from reunite.stats.missing_person import (
    missing_person_genotype_table,
    missing_person_observation_table,
)

__all__ = ["CaseCalibration", "MissingPersonQuestion", "calibrate_missing_person",
           "missing_person_question"]

_SAME_LIKELIHOOD = 1e-9


@dataclass(frozen=True)
class MissingPersonQuestion:
    """The family (H1's pedigree, the POI its untyped missing person) and the data."""

    family: Pedigree
    poi: str
    references: Mapping[str, Mapping[str, GenotypeData | None]]
    poi_genotypes: Mapping[str, GenotypeData | None]
    reference_log_lr: Mapping[str, float]
    """Per marker ``ln c = ln P(refs | H1) − ln P(refs | H2)`` (0 in the usual case)."""

    @property
    def poi_typed(self) -> bool:
        """Whether the POI has at least one known allele."""
        return any(g is not None and any(a is not None for a in g)
                   for g in self.poi_genotypes.values())


def _typed(genotype: GenotypeData | None) -> bool:
    return genotype is not None and any(a is not None for a in genotype)


def missing_person_question(
    hypotheses: Sequence[Hypothesis],
    poi: str,
    markers: Sequence[KinshipMarker],
    genotypes: Mapping[str, Mapping[str, GenotypeData | None]],
    *,
    theta: float = 0.0,
    case_id: str | None = None,
    dropout: Mapping[str, DropoutModel] | None = None,
) -> MissingPersonQuestion:
    """Check that ``hypotheses`` ask "is the POI the missing person?" (module docstring)."""
    if len(hypotheses) != 2:
        raise CaseError("calibration needs exactly two hypotheses: H1 with the POI in the "
                        "pedigree, H2 with the POI unrelated", case=case_id,
                        field="hypotheses", value=len(hypotheses))
    h1, h2 = hypotheses
    for k, h in enumerate(hypotheses):
        if poi not in h.pedigree:
            raise CaseError(f"the POI is not in hypothesis {h.name!r}", case=case_id,
                            field=f"hypotheses[{k}].pedigree", value=poi)
    person = h2.pedigree.person(poi)
    if not person.is_founder or h2.pedigree.children(poi):
        raise CaseError(f"under H2 ({h2.name!r}) the POI must be unrelated: no parents and no "
                        "children", case=case_id, field="hypotheses[1].pedigree", value=poi)
    if not h1.pedigree.children(poi) and h1.pedigree.person(poi).is_founder:
        raise CaseError(f"under H1 ({h1.name!r}) the POI must be related to the family",
                        case=case_id, field="hypotheses[0].pedigree", value=poi)
    references = {p: dict(g) for p, g in genotypes.items() if p != poi}
    if not any(_typed(g) for per_marker in references.values() for g in per_marker.values()):
        raise CaseError("no typed reference besides the POI", case=case_id,
                        field="genotypes", value=sorted(genotypes))
    ref_dropout = {p: m for p, m in (dropout or {}).items() if p != poi}
    check = kinship_lr([h1, h2], markers, references, theta=theta, case_id=case_id,
                       find_inconsistencies=False, dropout=ref_dropout or None)
    reference_log_lr = {}
    for marker, value in check.log_lr_per_marker().items():
        if not math.isfinite(value):
            which = ("both hypotheses" if math.isnan(value)
                     else repr(h1.name if value < 0 else h2.name))
            raise CaseError(f"the references alone are impossible under {which} "
                            "(likelihood 0): nothing to calibrate", case=case_id,
                            field="genotypes", marker=marker, value=None)
        reference_log_lr[marker] = 0.0 if abs(value) <= _SAME_LIKELIHOOD else value
    return MissingPersonQuestion(h1.pedigree, poi, references, dict(genotypes.get(poi, {})),
                                 reference_log_lr)


@dataclass(frozen=True)
class CaseCalibration:
    """The calibration of one case, with the notes it earned."""

    case_id: str | None
    poi: str
    calibration: FamilyCalibration
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The ``reunite calibrate --json`` object."""
        out: dict[str, Any] = {"id": self.case_id, "poi": self.poi,
                               **self.calibration.to_dict()}
        if self.notes:
            out["notes"] = list(self.notes)
        return out


def calibrate_missing_person(
    hypotheses: Sequence[Hypothesis],
    poi: str,
    markers: Sequence[KinshipMarker],
    genotypes: Mapping[str, Mapping[str, GenotypeData | None]],
    *,
    theta: float = 0.0,
    threshold: float,
    database_size: float | None = None,
    target_chance_matches: float | None = DEFAULT_TARGET_CHANCE_MATCHES,
    relative_error: float = DEFAULT_RELATIVE_ERROR,
    case_id: str | None = None,
    dropout: Mapping[str, DropoutModel] | None = None,
) -> CaseCalibration:
    """Exclusion power, tails, power, chance matches and the POI's p-value of a case.

    ``dropout`` (the case's drop-out models): references with drop-out condition the
    family by their observed sets; a POI with drop-out is calibrated over the observed
    allele sets a person with that model shows (no drop-in: sets of three alleles are not
    tabulated). Silent alleles of the markers are included likewise."""
    question = missing_person_question(hypotheses, poi, markers, genotypes, theta=theta,
                                       case_id=case_id, dropout=dropout)
    ref_dropout = {p: m for p, m in (dropout or {}).items() if p != poi}
    outcomes: tuple[MarkerOutcomes, ...]
    observed_sets = bool(dropout) or any(m.silent_frequency > 0 for m in markers)
    if observed_sets:
        obs_table = missing_person_observation_table(
            question.family, poi, question.references, markers, theta=theta,
            dropout=ref_dropout or None)
        outcomes = outcomes_from_observation_table(obs_table, (dropout or {}).get(poi))
    else:
        outcomes = outcomes_from_table(missing_person_genotype_table(
            question.family, poi, _pairs(question.references), markers, theta=theta))
    notes: list[str] = []
    observed: dict[str, float] | None = None
    observed_lr: float | None = None
    if question.poi_typed:
        result = kinship_lr(hypotheses, markers, genotypes, theta=theta, case_id=case_id,
                            find_inconsistencies=False, dropout=dropout or None)
        observed_lr = result.total_lr()
        per_marker = result.log_lr_per_marker()
        poi_model = (dropout or {}).get(poi)
        full = [m.name for m in markers if (
            question.poi_genotypes.get(m.name) is not None if poi_model is not None
            else _full(question.poi_genotypes.get(m.name)))]
        partial = [m.name for m in markers if m.name not in full
                   and _typed(question.poi_genotypes.get(m.name))]
        if partial:
            notes.append(f"POI half-typed at {', '.join(partial)}: in the observed LR, "
                         "left out of its p-value (compared at fully typed markers only)")
        if len(full) < len(markers):
            notes.append(f"p-value over the {len(full)} markers where the POI is fully "
                         "typed")
        observed = {m: per_marker[m] for m in full}
        if not observed:
            observed = None
    shifted = {m: v for m, v in question.reference_log_lr.items() if v != 0.0}
    if shifted:
        factor = math.exp(math.fsum(shifted.values()))
        notes.append(
            f"H2 gives the references a likelihood {1 / factor:.6g} times H1's (at "
            f"{', '.join(shifted)}): every LR of the case is {factor:.6g} × P(g | family) / "
            "P(g); calibrated on the case's LR")
    parameters = {"theta": theta, "poi": poi, "case": case_id,
                  "dropout": {p: (m.dropout, m.homozygous, m.drop_in)
                              for p, m in (dropout or {}).items()} or None,
                  "mutation": tuple((m.name, m.mutation.description if m.mutation else None)
                                    for m in markers)}
    cal = calibrate(outcomes, threshold=threshold, database_size=database_size,
                    target_chance_matches=target_chance_matches, observed=observed,
                    observed_lr=observed_lr, relative_error=relative_error,
                    log_lr_offset=question.reference_log_lr, parameters=parameters)
    return CaseCalibration(case_id, poi, cal, tuple(notes))


def _pairs(references: Mapping[str, Mapping[str, GenotypeData | None]]
           ) -> dict[str, dict[str, Genotype | None]]:
    """Genotypes as pairs (without drop-out every typed genotype is one)."""
    out: dict[str, dict[str, Genotype | None]] = {}
    for person, per_marker in references.items():
        out[person] = {}
        for marker, g in per_marker.items():
            if g is not None and len(g) != 2:
                raise CaseError("a genotype without a drop-out model must have two alleles",
                                sample=person, marker=marker, field="genotypes", value=list(g))
            out[person][marker] = None if g is None else (g[0], g[1])
    return out


def _full(genotype: GenotypeData | None) -> bool:
    return genotype is not None and all(a is not None for a in genotype)
