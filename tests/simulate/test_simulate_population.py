"""Simulated unrelated profiles and degradation: seeded, Hardy–Weinberg, loci dropped."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reunite.errors import InputError
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.profile import Profile
from reunite.simulate import degrade, simulate_unrelated

FREQS = FrequencyTable(
    "toy",
    {
        "vWA": {"14": 0.1, "16": 0.2, "17": 0.3, "18": 0.4},
        "TH01": {"6": 0.5, "9.3": 0.5},
        "FGA": {"21": 0.25, "22": 0.75},
    },
)


def test_same_seed_same_profiles() -> None:
    a = simulate_unrelated(FREQS, 50, seed=7)
    b = simulate_unrelated(FREQS, 50, seed=7)
    c = simulate_unrelated(FREQS, 50, seed=8)

    assert np.array_equal(a.indices, b.indices)
    assert not np.array_equal(a.indices, c.indices)


def test_allele_frequencies_and_hardy_weinberg() -> None:
    sim = simulate_unrelated(FREQS, 40_000, markers=["vWA"], seed=1)
    alleles = sim.indices[:, 0, :]
    n = alleles.size
    observed = np.bincount(alleles.ravel(), minlength=4) / n
    expected = np.array([0.1, 0.2, 0.3, 0.4])
    # Homozygote 18,18 (index 3) has HW probability 0.16.
    homo = float(np.mean((alleles[:, 0] == 3) & (alleles[:, 1] == 3)))

    assert sim.alleles == (("14", "16", "17", "18"),)
    assert np.all(np.abs(observed - expected) < 4 * np.sqrt(expected * (1 - expected) / n))
    assert abs(homo - 0.16) < 4 * np.sqrt(0.16 * 0.84 / 40_000)


def test_profiles_round_trip() -> None:
    sim = simulate_unrelated(FREQS, 3, seed=2, id_prefix="X")

    profiles = sim.to_profiles()

    assert [p.id for p in profiles] == ["X0", "X1", "X2"]
    assert all(isinstance(p, Profile) and len(p.genotypes) == 3 for p in profiles)
    first = sim.genotype_texts(0)
    assert {m: tuple(a.text for a in g.alleles) for m, g in profiles[0].genotypes.items()} == {
        m: tuple(sorted(v, key=lambda t: float(t))) for m, v in first.items()
    }


def test_degrade_keep_markers_exactly() -> None:
    sim = simulate_unrelated(FREQS, 200, seed=3)

    partial = degrade(sim, keep_markers=2, seed=4)

    typed = (partial.indices[:, :, 0] >= 0).sum(axis=1)
    assert typed.tolist() == [2] * 200
    kept = partial.indices >= 0
    assert np.array_equal(partial.indices[kept], sim.indices[kept])


def test_degrade_drop_probability_edges() -> None:
    sim = simulate_unrelated(FREQS, 20, seed=3)

    assert np.array_equal(degrade(sim, drop_probability=0.0).indices, sim.indices)
    assert (degrade(sim, drop_probability=1.0).indices == -1).all()


class TestSimulateErrors:
    def test_negative_n(self) -> None:
        with pytest.raises(InputError, match="non-negative"):
            simulate_unrelated(FREQS, -1)

    def test_degrade_needs_one_option(self) -> None:
        sim = simulate_unrelated(FREQS, 2)
        with pytest.raises(InputError, match="exactly one"):
            degrade(sim)


def test_simulate_dropout__observed_sets_follow_the_model() -> None:
    """Frequencies of the simulated observed sets = Σ_g P(g)·P(O | g; d, d², c)."""
    import itertools
    from collections import Counter

    from reunite.genetics.observation import DropoutModel
    from reunite.simulate import simulate_dropout
    from reunite.simulate.population import marker_alleles
    from reunite.stats.dropout import observation_probability
    from reunite.stats.likelihood import KinshipMarker

    n = 40_000
    sim = simulate_unrelated(FREQS, n, markers=["vWA"], seed=3)
    seen = simulate_dropout(sim, FREQS, 0.3, drop_in=0.1, seed=4)
    _, texts, probs = marker_alleles(FREQS, ["vWA"])
    marker = KinshipMarker("vWA", texts[0], probs[0])
    model = DropoutModel(0.3, drop_in=0.1)
    counts = Counter(seen.observed_sets(i)["vWA"] for i in range(n))
    for size in range(4):
        for o in itertools.combinations(texts[0], size):
            expected = sum(probs[0][i] * probs[0][j] * observation_probability(
                o, (texts[0][i], texts[0][j]), marker, model)
                for i in range(4) for j in range(4))
            sd = math.sqrt(n * expected * (1 - expected))

            assert abs(counts.get(o, 0) - n * expected) <= 5 * sd + 1, o


def test_simulate_dropout__zero_keeps_the_genotypes_and_checks_its_arguments() -> None:
    from reunite.simulate import simulate_dropout

    sim = degrade(simulate_unrelated(FREQS, 30, seed=1), drop_probability=0.3, seed=2)
    seen = simulate_dropout(sim, FREQS, 0.0, seed=5)

    for row in range(30):
        truth = sim.genotype_texts(row)
        assert {m: tuple(sorted(set(g))) for m, g in truth.items()} == {
            m: tuple(sorted(o)) for m, o in seen.observed_sets(row).items()}
    assert not seen.analysed.all()
    with pytest.raises(InputError):
        simulate_dropout(sim, FREQS, 1.5)
    with pytest.raises(InputError):
        simulate_dropout(sim, FREQS, 0.1, drop_in=1.0)
