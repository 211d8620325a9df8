"""Naive joint DVI likelihoods: every assignment, every allele of every person.

Straight from dvir's definition, sharing nothing with the engine but the problem's data:
list every sex-consistent assignment (each victim to a missing person or to nobody, each
missing person at most once); for each, place the assigned victims' genotypes at their
missing persons, and sum over markers the log of

    Π_families P(family data | pedigree) × Π_unassigned victims P(victim as a singleton),

each probability by :func:`tests.reference.brute_force.brute_force_likelihood` (a sum over
all n^(2N) ordered allele assignments). Only for tiny problems.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

import numpy as np

from reference.brute_force import brute_force_likelihood
from reunite.stats.dvi import DVIProblem
from reunite.stats.likelihood import KinshipMarker

NOBODY = "*"


def _compatible(a: str, b: str) -> bool:
    return a == b or "unknown" in (a, b)


def assignments(problem: DVIProblem) -> Iterator[dict[str, str]]:
    """Every sex-consistent assignment, as ``{victim: missing or "*"}``."""
    victims = [v.id for v in problem.victims]
    sex = {v.id: v.sex for v in problem.victims}
    missing = list(problem.missing_ids)
    choices = [[NOBODY] + [m for m in missing if _compatible(sex[v], problem.missing_sex(m))]
               for v in victims]
    for combo in itertools.product(*choices):
        used = [m for m in combo if m != NOBODY]
        if len(used) == len(set(used)):
            yield dict(zip(victims, combo, strict=True))


def _matrices(marker: KinshipMarker) -> tuple[np.ndarray, np.ndarray]:
    n = marker.n_alleles
    if marker.mutation is None:
        return np.eye(n), np.eye(n)
    return marker.mutation.female, marker.mutation.male


def joint_loglik(problem: DVIProblem, assignment: dict[str, str]) -> float:
    """Natural log of the joint likelihood of ``assignment`` (``-inf`` if impossible)."""
    placed = {m: v for v, m in assignment.items() if m != NOBODY}
    total = 0.0
    for marker in problem.markers:
        female, male = _matrices(marker)
        freqs = marker.frequencies
        for fam in problem.families:
            ped = fam.pedigree
            genotypes = []
            for pid in ped.ids:
                source = placed.get(pid, pid)
                genotypes.append(marker.encode(
                    problem.genotypes.get(source, {}).get(marker.name), person=source))
            like = brute_force_likelihood(ped.fidx, ped.midx, genotypes, freqs, female, male)
            if like <= 0:
                return -math.inf
            total += math.log(like)
        for victim in problem.victims:
            if assignment[victim.id] != NOBODY:
                continue
            g = marker.encode(problem.genotypes.get(victim.id, {}).get(marker.name),
                              person=victim.id)
            like = brute_force_likelihood([-1], [-1], [g], freqs, female, male)
            if like <= 0:
                return -math.inf
            total += math.log(like)
    return total


def all_logliks(problem: DVIProblem) -> list[tuple[dict[str, str], float]]:
    """Every assignment with its joint log-likelihood."""
    return [(a, joint_loglik(problem, a)) for a in assignments(problem)]
