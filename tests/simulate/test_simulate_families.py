"""Gene dropping through pedigrees: Mendel, mutation, determinism, any pedigree shape."""

from __future__ import annotations

import numpy as np

from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.pedigree import Pedigree, Person, nuclear_family
from reunite.simulate import simulate_families
from reunite.stats.mutation import MutationModel, MutationSpec

FREQS = FrequencyTable(
    "toy",
    {
        "vWA": {"14": 0.1, "15": 0.2, "16": 0.3, "17": 0.4},
        "FGA": {"20": 0.25, "21": 0.25, "22": 0.25, "23": 0.25},
    },
)


def _trio() -> Pedigree:
    return nuclear_family(("CH",), father="FA", mother="MO")


def test_trio_without_mutation_is_mendelian() -> None:
    fams = simulate_families(_trio(), FREQS, n_families=2_000, seed=5)
    ped = fams.pedigree
    fa = fams.indices[:, ped.index["FA"]]
    mo = fams.indices[:, ped.index["MO"]]
    ch = fams.indices[:, ped.index["CH"]]

    from_father = (ch[..., 0:1] == fa).any(axis=-1)
    from_mother = (ch[..., 1:2] == mo).any(axis=-1)

    assert from_father.all()
    assert from_mother.all()


def test_transmission_is_fair_coin() -> None:
    # A heterozygous father passes each allele half the time.
    fams = simulate_families(_trio(), FREQS, n_families=20_000, seed=6, markers=["FGA"])
    ped = fams.pedigree
    fa = fams.indices[:, ped.index["FA"], 0]
    ch = fams.indices[:, ped.index["CH"], 0]
    het = fa[:, 0] != fa[:, 1]

    share_first = float(np.mean(ch[het, 0] == fa[het, 0]))

    assert abs(share_first - 0.5) < 4 * np.sqrt(0.25 / het.sum())


def test_mutation_matrix_is_applied_per_sex() -> None:
    # Fathers always mutate allele i to i + 1 (cyclically); mothers never mutate.
    shift = np.roll(np.eye(4), 1, axis=1)
    models = {"vWA": MutationModel(female=np.eye(4), male=shift)}
    fams = simulate_families(_trio(), FREQS, n_families=500, seed=7, markers=["vWA"],
                             mutation=models)
    ped = fams.pedigree
    fa = fams.indices[:, ped.index["FA"], 0]
    mo = fams.indices[:, ped.index["MO"], 0]
    ch = fams.indices[:, ped.index["CH"], 0]

    assert ((ch[:, 0:1] == (fa + 1) % 4).any(axis=1)).all()
    assert ((ch[:, 1:2] == mo).any(axis=1)).all()


def test_mutation_spec_rate_is_observed() -> None:
    fams = simulate_families(_trio(), FREQS, n_families=20_000, seed=8, markers=["FGA"],
                             mutation=MutationSpec("equal", rate=0.2))
    ped = fams.pedigree
    fa = fams.indices[:, ped.index["FA"], 0]
    ch = fams.indices[:, ped.index["CH"], 0]

    not_from_father = float(np.mean(~(ch[:, 0:1] == fa).any(axis=1)))

    # P(transmitted allele is neither paternal allele) = 0.2 * P(mutant differs from both).
    assert 0.1 < not_from_father < 0.2


def test_any_pedigree_order_and_determinism() -> None:
    # Children listed before their parents, three generations.
    ped = Pedigree((
        Person("GC", "C", "W", "unknown"),
        Person("C", "GF", "GM", "male"),
        Person("W", None, None, "female"),
        Person("GF", None, None, "male"),
        Person("GM", None, None, "female"),
    ))

    a = simulate_families(ped, FREQS, n_families=10, seed=1)
    b = simulate_families(ped, FREQS, n_families=10, seed=1)
    gc = a.indices[:, ped.index["GC"]]
    c = a.indices[:, ped.index["C"]]

    assert np.array_equal(a.indices, b.indices)
    assert ((gc[..., 0:1] == c).any(axis=-1)).all()
    assert a.person("GC").ids[0] == "F0:GC"
