"""θ: the IBD-partition form of the Balding–Nichols urn."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reunite.errors import CaseError
from reunite.genetics.pedigree import Pedigree, Person
from reunite.stats.likelihood import KinshipMarker, pedigree_likelihood
from reunite.stats.theta import (
    bell_number,
    founder_partitions,
    partition_key,
    sequential_probability,
)


def test_partitions_count_and_weights() -> None:
    parts = list(founder_partitions(list(range(5)), 0.1))

    assert len(parts) == bell_number(5) == 52
    assert math.isclose(sum(w for _, w in parts), 1.0, rel_tol=1e-12)


def test_theta_zero_keeps_only_the_all_distinct_partition() -> None:
    parts = list(founder_partitions([0, 1, 2, 3], 0.0))

    assert parts == [([[0], [1], [2], [3]], 1.0)]


def test_sequential_probability_two_alleles() -> None:
    p = np.array([0.25, 0.75])

    # P(a, a) = p(θ + (1−θ)p) (NRC II 4.10 homozygote).
    assert math.isclose(sequential_probability([0, 0], p, 0.02),
                        0.25 * (0.02 + 0.98 * 0.25), rel_tol=1e-14)


def test_partition_key_identifies_swapped_founder_alleles() -> None:
    items = [0, 1, 2, 3]
    swaps = [(0, 1), (2, 3)]

    a = partition_key([[0, 2], [1], [3]], items, swaps)
    b = partition_key([[1, 3], [0], [2]], items, swaps)
    c = partition_key([[0, 1], [2], [3]], items, swaps)

    assert a == b
    assert a != c


def test_too_many_untyped_founders_with_theta_is_refused() -> None:
    persons = []
    for k in range(6):
        persons += [Person(f"F{k}", None, None, "male"), Person(f"M{k}", None, None, "female")]
    persons += [Person(f"C{k}", f"F{k}", f"M{k}", "male") for k in range(6)]
    ped = Pedigree(tuple(persons))
    marker = KinshipMarker("M", ("1", "2"), np.array([0.5, 0.5]))
    data = {f"C{k}": ("1", "2") for k in range(6)}

    with pytest.raises(CaseError, match="θ"):
        pedigree_likelihood(ped, data, marker, theta=0.01)
