"""IBD closed forms equal the general pedigree engine; hand-computed pairwise LRs."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from reunite.errors import CaseError, InputError
from reunite.genetics.pedigree import (
    Pedigree,
    avuncular,
    first_cousins,
    full_siblings,
    grandparent,
    half_siblings,
    parent_child,
    singletons,
)
from reunite.stats.genotypes import genotype_index
from reunite.stats.ibd import KAPPA, pairwise_genotype_lrs, pairwise_likelihood, pairwise_lr
from reunite.stats.likelihood import KinshipMarker, pedigree_likelihood
from reunite.stats.mutation import MutationModel, MutationSpec, mutation_matrix

ALLELES = ("1", "2", "3", "4")
FREQS = np.array([0.1, 0.2, 0.3, 0.4])
MARKER = KinshipMarker("M", ALLELES, FREQS)

PEDIGREES: dict[str, Pedigree] = {
    "parent-child": parent_child("A", "B"),
    "full-siblings": full_siblings(),
    "half-siblings": half_siblings(),
    "grandparent": grandparent(),
    "avuncular": avuncular(),
    "first-cousins": first_cousins(),
    "unrelated": singletons("A", "B"),
}
GENOTYPES = list(itertools.combinations_with_replacement(range(4), 2))


@pytest.mark.parametrize("relationship", sorted(KAPPA))
def test_closed_form_equals_engine(relationship: str) -> None:
    ped = PEDIGREES[relationship]
    for g1, g2 in itertools.product(GENOTYPES, repeat=2):
        data = {"A": (ALLELES[g1[0]], ALLELES[g1[1]]), "B": (ALLELES[g2[0]], ALLELES[g2[1]])}

        engine = pedigree_likelihood(ped, data, MARKER)
        closed = pairwise_likelihood(g1, g2, FREQS, relationship)

        assert math.isclose(engine, closed, rel_tol=1e-12, abs_tol=1e-300), (g1, g2)


def test_hand_computed_lrs() -> None:
    # Parent–child, both 1/2: LR = (p1 + p2) / (4 p1 p2) = 0.3 / 0.08.
    assert math.isclose(pairwise_lr((0, 1), (0, 1), FREQS, "parent-child"), 0.3 / 0.08,
                        rel_tol=1e-14)
    # Full siblings, both 1/1: LR = ¼ + ½/p + ¼/p² with p = 0.1.
    assert math.isclose(pairwise_lr((0, 0), (0, 0), FREQS, "full-siblings"),
                        0.25 + 0.5 / 0.1 + 0.25 / 0.01, rel_tol=1e-14)
    # Unrelated: LR 1 always.
    assert pairwise_lr((0, 3), (1, 2), FREQS, "unrelated") == 1.0


def test_kappa_triple_and_errors() -> None:
    assert pairwise_lr((0, 1), (0, 2), FREQS, (0.0, 1.0, 0.0)) == pytest.approx(
        pairwise_lr((0, 1), (0, 2), FREQS, "parent-child"))
    with pytest.raises(CaseError):
        pairwise_lr((0, 1), (0, 2), FREQS, "second-cousins")
    with pytest.raises(CaseError):
        pairwise_lr((0, 1), (0, 2), FREQS, (0.5, 0.6, 0.0))


@pytest.mark.parametrize("relationship", sorted(KAPPA))
def test_genotype_lrs__every_candidate_equals_the_engine(relationship: str) -> None:
    ped = PEDIGREES[relationship]
    for g1 in GENOTYPES:
        lrs = pairwise_genotype_lrs(g1, FREQS, relationship)

        for g2 in GENOTYPES:
            data = {"A": (ALLELES[g1[0]], ALLELES[g1[1]]),
                    "B": (ALLELES[g2[0]], ALLELES[g2[1]])}
            unrelated = pedigree_likelihood(PEDIGREES["unrelated"], data, MARKER)
            engine = pedigree_likelihood(ped, data, MARKER) / unrelated
            assert math.isclose(lrs[genotype_index(*g2, 4)], engine, rel_tol=1e-12,
                                abs_tol=1e-300), (g1, g2)


@pytest.mark.parametrize("model", ["equal", "stepwise", "proportional"])
def test_genotype_lrs__parent_child_with_mutation_equals_the_engine(model: str) -> None:
    female = mutation_matrix(MutationSpec(model, rate=0.01, rate2=1e-4, range=0.5),
                             ALLELES, FREQS)
    male = mutation_matrix(MutationSpec(model, rate=0.05, rate2=1e-4, range=0.5),
                           ALLELES, FREQS)
    marker = KinshipMarker("M", ALLELES, FREQS, MutationModel(female=female, male=male))
    father_child = parent_child("A", "B", parent_sex="male")
    for g1 in GENOTYPES:
        lrs = pairwise_genotype_lrs(g1, FREQS, "parent-child", mutation=marker.mutation)

        for g2 in GENOTYPES:
            data = {"A": (ALLELES[g1[0]], ALLELES[g1[1]]),
                    "B": (ALLELES[g2[0]], ALLELES[g2[1]])}
            engine = (pedigree_likelihood(father_child, data, marker)
                      / pedigree_likelihood(PEDIGREES["unrelated"], data, marker))
            assert math.isclose(lrs[genotype_index(*g2, 4)], engine, rel_tol=1e-12), (g1, g2)


def test_genotype_lrs__mutation_needs_parent_child() -> None:
    eye = np.eye(4)
    model = MutationModel(female=eye * 0.9 + 0.025, male=eye * 0.9 + 0.025)

    with pytest.raises(InputError, match="parent-child only"):
        pairwise_genotype_lrs((0, 1), FREQS, "full-siblings", mutation=model)
    # An identity model is no mutation: any κ.
    trivial = MutationModel(female=eye, male=eye)
    assert pairwise_genotype_lrs((0, 1), FREQS, "full-siblings", mutation=trivial).tolist() \
        == pairwise_genotype_lrs((0, 1), FREQS, "full-siblings").tolist()
