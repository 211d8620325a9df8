"""Which relative to sample next: the expected gain of typing one more person.

For a family (pedigree, missing person, typed references) and an LR threshold, each
candidate relative ``R`` — an untyped person of the pedigree, or a person the case worker
could add (a parent of a founder, a full sibling, a child, the child of a couple) — is
scored by what the family would reach if ``R`` were typed, in expectation over ``R``'s
genotype given the references (Bonaparte's and forrel ``MPPsims``' question, here
computed rather than simulated):

* **exclusion power** ``E_R[P(LR = 0 | H2)]`` and
* **power** ``E_R[P(LR ≥ t | H1)]`` (and the false-positive rate ``E_R[P(LR ≥ t | H2)]``).

Method. Markers are independent and, given the references, so are ``R``'s genotypes at
different markers; so the pair (``R``'s genotype, the POI's outcome) is independent
across markers, and the expectation over ``R`` of a tail probability of the POI's LR is
the tail probability of a sum over markers of *mixture* distributions: at marker ``m``
the outcomes are the pairs ``(g_R, g)`` with ``P(· | H1) = P(g_R | refs) · P(g | refs,
R = g_R)`` and ``P(· | H2) = P(g_R | refs) · P(g | unrelated)`` — the LR of each pair is
the LR the POI would get once ``R`` is typed. Each ``P(g | refs, R = g_R)`` comes from
:func:`~reunite.stats.missing_person.missing_person_genotype_table` (mutation and θ as in
the LR), all genotypes of ``R`` at all markers in one batched call; the tails from
:mod:`reunite.stats.calibration` (exact, or bracketed on its lattice). Exact except for one
stated truncation: per marker, ``R``'s least probable genotypes with total probability at
most ``skip_mass`` are left out, and the results are bracketed for it (every quantity is a
probability, so the left-out mass moves it by at most that much).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reunite.errors import CaseError, InputError
from reunite.genetics.pedigree import Pedigree, Person
from reunite.provenance import Provenance, make_provenance
from reunite.stats.calibration import (
    DEFAULT_RELATIVE_ERROR,
    Bracket,
    MarkerOutcomes,
    exclusion_power,
    outcomes_from_table,
    tail_probabilities,
)
from reunite.stats.likelihood import Genotype, KinshipMarker
from reunite.stats.missing_person import missing_person_genotype_table

__all__ = [
    "Candidate",
    "SamplingGain",
    "SamplingPlan",
    "candidate_relatives",
    "sample_next",
]

DEFAULT_SKIP_MASS = 1e-4
"""Per marker, at most this much of a candidate's genotype probability is left out."""


@dataclass(frozen=True)
class Candidate:
    """A person who could be typed: ``person`` in ``pedigree`` (``added`` are new ids)."""

    person: str
    relation: str
    pedigree: Pedigree = field(compare=False, repr=False)
    added: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (without the pedigree)."""
        return {"person": self.person, "relation": self.relation, "added": list(self.added)}


def _distances(pedigree: Pedigree, start: str) -> dict[str, int]:
    """Steps between persons along parent–child links (unreachable: absent)."""
    links: dict[str, set[str]] = {pid: set() for pid in pedigree.ids}
    for p in pedigree.persons:
        for parent in (p.father, p.mother):
            if parent is not None:
                links[p.id].add(parent)
                links[parent].add(p.id)
    dist = {start: 0}
    frontier = [start]
    while frontier:
        nxt = []
        for pid in frontier:
            for other in sorted(links[pid]):
                if other not in dist:
                    dist[other] = dist[pid] + 1
                    nxt.append(other)
        frontier = nxt
    return dist


def _fresh(pedigree: Pedigree, base: str, taken: set[str]) -> str:
    candidate, k = base, 1
    while candidate in pedigree or candidate in taken:
        k += 1
        candidate = f"{base}{k}"
    taken.add(candidate)
    return candidate


def candidate_relatives(family: Pedigree, missing_id: str, typed: Iterable[str]
                        ) -> tuple[Candidate, ...]:
    """Untyped persons of ``family`` and the relatives one could add, nearest first.

    Added relatives: both parents of a founder (as two candidates), a full sibling of
    anyone (with new untyped parents for a founder), a child of anyone of known sex (of
    the couple when the person has children with exactly one partner, else with a new
    untyped partner). Duplicates (a sibling of X is a child of X's parents) appear once.
    New ids are ``<person>~father``, ``~mother``, ``~sibling``, ``~child``, ``~partner``.
    """
    if missing_id not in family:
        raise CaseError(f"missing person {missing_id!r} is not in the family pedigree",
                        field="missing_id", value=missing_id)
    typed_set = set(typed)
    dist = _distances(family, missing_id)
    order = sorted(family.ids, key=lambda pid: (dist.get(pid, len(family) + 1),
                                                family.index[pid]))
    out: list[Candidate] = []
    for pid in order:
        if pid != missing_id and pid not in typed_set:
            out.append(Candidate(pid, f"{pid} (in the pedigree, untyped)", family))
    couples: set[tuple[str, str]] = set()
    taken: set[str] = set()
    for pid in order:
        person = family.person(pid)
        if person.is_founder:
            fa = _fresh(family, f"{pid}~father", taken)
            mo = _fresh(family, f"{pid}~mother", taken)
            with_parents = family.add_parents(pid, father=fa, mother=mo)
            out.append(Candidate(fa, f"father of {pid}", with_parents, (fa, mo)))
            out.append(Candidate(mo, f"mother of {pid}", with_parents, (fa, mo)))
            sib = _fresh(family, f"{pid}~sibling", taken)
            out.append(Candidate(sib, f"full sibling of {pid}",
                                 with_parents.add_child(sib, fa, mo), (fa, mo, sib)))
        elif person.father is not None and person.mother is not None and (
                person.father, person.mother) not in couples:
            couples.add((person.father, person.mother))
            sib = _fresh(family, f"{pid}~sibling", taken)
            out.append(Candidate(sib, f"full sibling of {pid}",
                                 family.add_child(sib, person.father, person.mother),
                                 (sib,)))
        if person.sex not in ("male", "female"):
            continue
        children = [family.person(c) for c in family.children(pid)]
        partners = {c.mother if person.sex == "male" else c.father for c in children}
        child = _fresh(family, f"{pid}~child", taken)
        if len(partners) == 1:
            (partner,) = partners
            assert partner is not None
            couple = (pid, partner) if person.sex == "male" else (partner, pid)
            if couple in couples:
                continue
            couples.add(couple)
            out.append(Candidate(child, f"child of {pid} and {partner}",
                                 family.add_child(child, *couple), (child,)))
        else:
            mate = _fresh(family, f"{pid}~partner", taken)
            mate_sex = "female" if person.sex == "male" else "male"
            couple = (pid, mate) if person.sex == "male" else (mate, pid)
            ped = family.add_person(Person(mate, None, None, mate_sex)).add_child(
                child, *couple)
            out.append(Candidate(child, f"child of {pid} (other parent untyped)", ped,
                                 (mate, child)))
    return tuple(out)


@dataclass(frozen=True)
class SamplingGain:
    """The family's expected exclusion power and power if ``candidate`` were typed."""

    candidate: Candidate
    exclusion_power: Bracket
    power: Bracket
    tail_probability: Bracket
    exclusion_power_gain: float
    power_gain: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {**self.candidate.to_dict(),
                "exclusion_power": self.exclusion_power.estimate,
                "exclusion_power_bounds": self.exclusion_power.to_dict(),
                "exclusion_power_gain": self.exclusion_power_gain,
                "power": self.power.estimate, "power_bounds": self.power.to_dict(),
                "power_gain": self.power_gain,
                "tail_probability": self.tail_probability.estimate,
                "tail_probability_bounds": self.tail_probability.to_dict()}


@dataclass(frozen=True)
class SamplingPlan:
    """The family as it is and every candidate, best gain in power first."""

    threshold: float
    exclusion_power: float
    power: Bracket
    options: tuple[SamplingGain, ...]
    provenance: Provenance | None = field(default=None, compare=False)

    @property
    def best(self) -> SamplingGain | None:
        """The first option (None when there are none)."""
        return self.options[0] if self.options else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        out: dict[str, Any] = {
            "threshold": self.threshold, "exclusion_power": self.exclusion_power,
            "power": self.power.estimate, "power_bounds": self.power.to_dict(),
            "options": [o.to_dict() for o in self.options],
            "method": __doc__.split("Method. ")[1].split("\n\n")[0].replace("\n", " ")
            if __doc__ else None}
        if self.provenance is not None:
            out["provenance"] = self.provenance.to_dict()
        return out


def _genotype_names(alleles: Sequence[str]) -> list[tuple[str, str]]:
    n = len(alleles)
    return [(alleles[i], alleles[j]) for i in range(n) for j in range(i, n)]


def _mixtures(
    candidate: Candidate, missing_id: str,
    genotypes: Mapping[str, Mapping[str, Genotype | None]],
    markers: Sequence[KinshipMarker], theta: float, skip_mass: float,
) -> tuple[list[MarkerOutcomes], list[float]]:
    """Per marker the mixture outcomes (given the kept genotypes of the candidate) and
    the candidate's genotype probability left out."""
    ped, person = candidate.pedigree, candidate.person
    own = missing_person_genotype_table(ped, person, genotypes, markers, theta=theta)
    pseudo: list[KinshipMarker] = []
    data: dict[str, dict[str, Genotype | None]] = {p: {} for p in genotypes}
    data[person] = {}
    kept_per_marker: list[tuple[np.ndarray[Any, Any], float]] = []
    for k, marker in enumerate(markers):
        probs = own.family[k]
        order = np.argsort(probs, kind="stable")
        cumulative = np.cumsum(probs[order])
        skip = order[cumulative <= skip_mass]
        keep = np.setdiff1d(np.flatnonzero(probs > 0), skip)
        skipped = float(probs[skip].sum())
        kept_per_marker.append((keep, skipped))
        names = _genotype_names(marker.alleles)
        for g in keep:
            name = f"{marker.name}\x1f{int(g)}"
            pseudo.append(KinshipMarker(name, marker.alleles, marker.frequencies,
                                        marker.mutation))
            for p, per_marker in genotypes.items():
                data[p][name] = per_marker.get(marker.name)
            data[person][name] = names[int(g)]
    table = missing_person_genotype_table(ped, missing_id, data, pseudo, theta=theta)
    out, left = [], []
    position = 0
    for k, marker in enumerate(markers):
        keep, skipped = kept_per_marker[k]
        weights = own.family[k][keep] / own.family[k][keep].sum()
        h1 = np.concatenate([w * table.family[position + i] for i, w in enumerate(weights)])
        h2 = np.concatenate([w * table.unrelated[position + i]
                             for i, w in enumerate(weights)])
        position += keep.size
        out.append(MarkerOutcomes(marker.name, h1, h2))
        left.append(skipped)
    return out, left


def _widen(conditional: Bracket, kept: float) -> Bracket:
    """A probability known given the kept genotypes (probability ``kept``), bracketed."""
    return Bracket(kept * conditional.lower, min(1.0, kept * conditional.upper + 1 - kept))


def sample_next(
    family: Pedigree,
    missing_id: str,
    genotypes: Mapping[str, Mapping[str, Genotype | None]],
    markers: Sequence[KinshipMarker],
    *,
    threshold: float,
    theta: float = 0.0,
    candidates: Sequence[Candidate] | None = None,
    max_candidates: int = 24,
    skip_mass: float = DEFAULT_SKIP_MASS,
    relative_error: float = 10 * DEFAULT_RELATIVE_ERROR,
) -> SamplingPlan:
    """Rank candidate relatives by the expected gain in power at ``threshold`` (then in
    exclusion power) if they were typed (see the module docstring).

    ``genotypes`` holds the typed references; ``candidates`` defaults to
    :func:`candidate_relatives` (the nearest ``max_candidates``). ``relative_error`` is
    the bound on each tail probability (1e-2: ranking needs no more).
    """
    start = time.perf_counter()
    if not (isinstance(skip_mass, int | float) and 0 <= skip_mass < 0.01):
        raise InputError("skip_mass must lie in [0, 0.01)", field="skip_mass", value=skip_mass)
    if missing_id in genotypes:
        raise CaseError("the missing person must be untyped", sample=missing_id,
                        field="genotypes", value=missing_id)
    base_table = missing_person_genotype_table(family, missing_id, genotypes, markers,
                                               theta=theta)
    base = outcomes_from_table(base_table)
    base_ep = exclusion_power(base).total
    base_tails = tail_probabilities(base, threshold, relative_error=relative_error)
    pool = list(candidates) if candidates is not None else list(
        candidate_relatives(family, missing_id, genotypes)[:max_candidates])
    options = []
    for cand in pool:
        mixtures, left = _mixtures(cand, missing_id, genotypes, markers, theta, skip_mass)
        kept_all = math.prod(1.0 - s for s in left)
        ep_lo = 1.0 - math.prod(1.0 - (1.0 - s) * e for s, e in zip(
            left, exclusion_power(mixtures).per_marker.values(), strict=True))
        ep_hi = 1.0 - math.prod(max(0.0, 1.0 - (1.0 - s) * e - s) for s, e in zip(
            left, exclusion_power(mixtures).per_marker.values(), strict=True))
        tails = tail_probabilities(mixtures, threshold, relative_error=relative_error)
        power = _widen(tails.h1, kept_all)
        ep = Bracket(ep_lo, ep_hi)
        options.append(SamplingGain(
            candidate=cand, exclusion_power=ep, power=power,
            tail_probability=_widen(tails.h2, kept_all),
            exclusion_power_gain=ep.estimate - base_ep,
            power_gain=power.estimate - base_tails.h1.estimate))
    options.sort(key=lambda o: (-o.power_gain, -o.exclusion_power_gain))
    return SamplingPlan(
        threshold=float(threshold), exclusion_power=base_ep, power=base_tails.h1,
        options=tuple(options),
        provenance=make_provenance("sample_next", {
            "threshold": threshold, "theta": theta, "skip_mass": skip_mass,
            "relative_error": relative_error, "candidates": len(options)},
            elapsed_seconds=time.perf_counter() - start))
