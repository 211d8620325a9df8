"""Simulated families: with both parents typed (24 loci) the true missing person is first."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from reunite.io.frequencies import read_nist_1036_frequencies
from reunite.search import FamilyCase, ProfileMatrix, blind_search_families
from reunite.simulate import get_scenario, simulate_families, simulate_unrelated
from reunite.stats.mutation import MutationSpec
from support.searching import settings_for

MARKERS = (
    "CSF1PO", "D1S1656", "D2S441", "D2S1338", "D3S1358", "D5S818", "D7S820", "D8S1179",
    "D10S1248", "D12S391", "D13S317", "D16S539", "D18S51", "D19S433", "D21S11", "D22S1045",
    "FGA", "TH01", "TPOX", "vWA", "Penta D", "Penta E", "D6S1043", "F13A01",
)


def allow(query_index: str, target_index: str, *, purpose: str) -> None:
    """A test policy that allows everything (the real one lives in governance)."""


def test_both_parents_rank_the_missing_person_first(shared_data: Path) -> None:
    freqs = read_nist_1036_frequencies(
        shared_data / "nist-1036-us-population" / "nist1036_allele_frequencies.csv"
    ).restricted_to(MARKERS)
    scenario = get_scenario("parents")
    mutation = MutationSpec("equal", rate=0.001)
    fams = simulate_families(scenario.pedigree, freqs, n_families=40, markers=MARKERS,
                             mutation=mutation, seed=99)
    people = simulate_unrelated(freqs, 2000, markers=MARKERS, seed=100)
    matrix = ProfileMatrix.from_allele_indices(list(people.ids), people.markers,
                                               people.alleles, people.indices)
    missing = fams.person("MP")
    matrix.add_allele_indices(list(missing.ids), missing.indices, missing.alleles)
    families = [FamilyCase(fid, scenario.pedigree, "MP",
                           {p: fams.genotype_texts(i, p) for p in scenario.typed})
                for i, fid in enumerate(fams.family_ids)]
    result = blind_search_families(matrix, families, frequencies=freqs,
                                   settings=settings_for(mutation, k=2), query_index="q",
                                   target_index="t", policy=allow, block_size=16)

    first = [result.by_family[f][0].profile_id == f"{f}:MP" for f in fams.family_ids]
    margins = [result.by_family[f][0].log10_lr - result.by_family[f][1].log10_lr
               for f in fams.family_ids]
    assert np.mean(first) >= 0.99
    assert min(margins) > 4  # the runner-up is at least 10^4 times less likely
