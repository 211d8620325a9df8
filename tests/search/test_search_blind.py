"""Blind search: tile kernel against brute force, streaming blocks, checkpoint resume."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from reunite.errors import ConflictError, InputError
from reunite.genetics.pedigree import nuclear_family
from reunite.search._kernels import available_backends
from reunite.search.blind import blind_search, blind_search_families
from reunite.search.matrix import ProfileMatrix
from reunite.search.screen import (
    FamilyCase,
    block_tables,
    family_log_lr_table,
    screening_markers,
)
from reunite.simulate import simulate_families, simulate_unrelated
from support.searching import settings_for


def allow(query_index: str, target_index: str, *, purpose: str) -> None:
    """A test policy that allows everything (the real one lives in governance)."""


def _random_setup(seed: int, n: int = 400, n_fam: int = 37, L: int = 6
                  ) -> tuple[ProfileMatrix, list[str], npt.NDArray[np.float32]]:
    rng = np.random.default_rng(seed)
    alleles = [[str(a) for a in range(8, 15)] for _ in range(L)]
    idx = rng.integers(-1, 7, size=(n, L, 2))
    idx[:, :, 1] = np.where(idx[:, :, 0] < 0, -1, np.abs(idx[:, :, 1]))
    matrix = ProfileMatrix.from_allele_indices(
        [f"P{i:03d}" for i in range(n)], [f"M{k}" for k in range(L)], alleles, idx)
    matrix.remove([f"P{i:03d}" for i in range(0, n, 50)])
    tables = rng.normal(size=(L, matrix.table_width, n_fam)).astype(np.float32)
    tables[:, 0, :] = 0.0
    tables[0, 3, 5] = -np.inf  # an exclusion
    return matrix, [f"F{f:02d}" for f in range(n_fam)], tables


def _brute(matrix: ProfileMatrix, tables: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    scores = np.zeros((matrix.n_rows, tables.shape[2]), dtype=np.float32)
    for r in range(matrix.n_rows):
        for m in range(matrix.n_markers):
            scores[r] += tables[m, matrix.codes[r, m]]
    scores[matrix.alive == 0] = -np.inf
    return scores


@pytest.mark.parametrize("backend", available_backends())
@pytest.mark.parametrize("block_size", [1, 8, 64])
def test_blind__equals_brute_force(backend: str, block_size: int) -> None:
    matrix, family_ids, tables = _random_setup(11)
    scores = _brute(matrix, tables)
    ids = matrix.ids_of(np.arange(matrix.n_rows))

    result = blind_search(matrix, family_ids, lambda a, b: tables[:, :, a:b],
                          query_index="q", target_index="t", policy=allow, k=4,
                          block_size=block_size, backend=backend)

    for f, fid in enumerate(family_ids):
        col = scores[:, f]
        expected = [ids[r] for r in np.argsort(-col, kind="stable")[:4] if col[r] > -np.inf]
        assert [h.profile_id for h in result.by_family[fid]] == expected
    for r in np.flatnonzero(matrix.alive):
        expected_f = [family_ids[f] for f in np.argsort(-scores[r], kind="stable")[:4]]
        got = result.by_profile[ids[r]]
        assert [h.family_id for h in got] == expected_f
        assert got[0].log10_lr == pytest.approx(float(scores[r].max()) / np.log(10), rel=1e-6)
    assert set(result.by_profile) == set(matrix.ids)


def test_blind__progress_and_resume_from_checkpoint(tmp_path: Path) -> None:
    matrix, family_ids, tables = _random_setup(12)
    checkpoint = tmp_path / "blind.npz"
    seen: list[tuple[int, int]] = []
    calls: list[int] = []

    def failing(a: int, b: int) -> npt.NDArray[np.float32]:
        calls.append(a)
        if a >= 20:
            raise KeyboardInterrupt
        return tables[:, :, a:b]

    with pytest.raises(KeyboardInterrupt):
        blind_search(matrix, family_ids, failing, query_index="q", target_index="t",
                     policy=allow, k=3, block_size=10, checkpoint=checkpoint,
                     checkpoint_seconds=0.0)
    assert checkpoint.exists()
    calls.clear()

    resumed = blind_search(matrix, family_ids, lambda a, b: (calls.append(a), tables[:, :, a:b])[1],
                           query_index="q", target_index="t", policy=allow, k=3,
                           block_size=10, checkpoint=checkpoint,
                           progress=lambda done, total: seen.append((done, total)))
    fresh = blind_search(matrix, family_ids, lambda a, b: tables[:, :, a:b], query_index="q",
                         target_index="t", policy=allow, k=3, block_size=10)

    assert calls == [20, 30]  # blocks 0 and 10 came from the checkpoint
    assert seen == [(10, 37), (20, 37), (30, 37), (37, 37)]
    assert resumed.by_family == fresh.by_family
    assert resumed.by_profile == fresh.by_profile


def test_blind__checkpoint_of_another_index_is_refused(tmp_path: Path) -> None:
    matrix, family_ids, tables = _random_setup(13)
    checkpoint = tmp_path / "blind.npz"
    blind_search(matrix, family_ids, lambda a, b: tables[:, :, a:b], query_index="q",
                 target_index="t", policy=allow, k=2, checkpoint=checkpoint)
    matrix.remove(["P001"])

    with pytest.raises(ConflictError, match="checkpoint"):
        blind_search(matrix, family_ids, lambda a, b: tables[:, :, a:b], query_index="q",
                     target_index="t", policy=allow, k=2, checkpoint=checkpoint)


def test_blind__real_families_rank_their_missing_person() -> None:
    from reunite.genetics.frequencies import FrequencyTable

    rng = np.random.default_rng(2)
    markers = ("D3S1358", "vWA", "FGA", "TH01", "D8S1179", "D21S11", "D18S51")
    freqs = FrequencyTable("toy", {m: {str(10 + a): float(w) for a, w in
                                       enumerate(rng.dirichlet(np.ones(7)))} for m in markers})
    ped = nuclear_family(("MP", "SIB"))
    fams = simulate_families(ped, freqs, n_families=6, seed=3)
    families = [FamilyCase(fid, ped, "MP", {"FA": fams.genotype_texts(i, "FA"),
                                            "MO": fams.genotype_texts(i, "MO")})
                for i, fid in enumerate(fams.family_ids)]
    unrelated = simulate_unrelated(freqs, 200, seed=4)
    matrix = ProfileMatrix.from_allele_indices(list(unrelated.ids), unrelated.markers,
                                               unrelated.alleles, unrelated.indices)
    mps = fams.person("MP")
    matrix.add_allele_indices(list(mps.ids), mps.indices, mps.alleles)
    settings = settings_for(k=2)
    markers_k = screening_markers(matrix, freqs, families, settings=settings)

    result = blind_search_families(matrix, families, frequencies=freqs, settings=settings,
                                   query_index="q", target_index="t", policy=allow,
                                   block_size=4)
    by_tables = blind_search(matrix, fams.family_ids,
                             block_tables(families, matrix, markers_k, theta=0.0),
                             query_index="q", target_index="t", policy=allow, k=2,
                             block_size=4)

    for fid in fams.family_ids:
        assert result.by_family[fid][0].profile_id == f"{fid}:MP"
    assert result.by_family == by_tables.by_family
    assert result.provenance.frequency_table_hash == freqs.content_hash
    assert dict(result.provenance.parameters)["settings"] == settings.to_provenance()
    table0 = family_log_lr_table(families[0], matrix, markers_k)
    assert table0.shape == (len(markers), matrix.table_width)


def test_blind__bad_table_shape() -> None:
    matrix, family_ids, tables = _random_setup(14)
    with pytest.raises(InputError, match="wrong shape"):
        blind_search(matrix, family_ids, lambda a, b: tables[:, 1:, a:b], query_index="q",
                     target_index="t", policy=allow, k=10)
