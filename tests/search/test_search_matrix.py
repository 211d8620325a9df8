"""ProfileMatrix: building, codes, widening, add/remove/compact, exact look-up, memory."""

from __future__ import annotations

import numpy as np
import pytest

from reunite.errors import ProfileError
from reunite.genetics.profile import Genotype, Profile
from reunite.search.matrix import ProfileMatrix

MARKERS = ("D3S1358", "vWA", "FGA")


def _small() -> ProfileMatrix:
    matrix = ProfileMatrix(MARKERS, frequency_table_id="t1")
    matrix.add_genotype_texts(
        ["A", "B", "C"],
        [
            {"D3S1358": ("15", "16"), "vWA": ("17",), "FGA": ("21", "22")},
            {"D3S1358": ("16", "15"), "vWA": ("17", "18")},
            {"D3S1358": ("15", "16"), "vWA": ("17", "17"), "FGA": ("21", "22")},
        ],
    )
    return matrix


class TestProfileMatrixExamples:
    def test_codes__hand_encoded(self) -> None:
        # D3S1358 dictionary: 15 -> 0, 16 -> 1; {15,16} = code 2.
        # vWA: 17 -> 0, 18 -> 1; 17,17 = 1, 17,18 = 2. FGA: 21 -> 0, 22 -> 1.
        expected = [[2, 1, 2], [2, 2, 0], [2, 1, 2]]

        actual = _small().codes.tolist()

        assert expected == actual

    def test_from_profiles__partial_is_untyped(self) -> None:
        profiles = [
            Profile("P1", {"vWA": Genotype("17", "18"), "FGA": Genotype.partial("21")}),
            Profile("P2", {"vWA": Genotype("18", "18"), "TH01": Genotype("6", "9.3")}),
        ]

        matrix = ProfileMatrix.from_profiles(profiles, ["vWA", "FGA"])

        assert matrix.codes.tolist() == [[2, 0], [3, 0]]
        assert matrix.alleles("vWA") == ("17", "18")
        assert matrix.ids == ["P1", "P2"]

    def test_exact_rows__finds_identical_only(self) -> None:
        matrix = _small()
        row = matrix.codes[0].copy()

        assert matrix.ids_of(matrix.exact_rows(row)) == ["A", "C"]

    def test_remove__effective_at_once_then_compacts(self) -> None:
        matrix = _small()
        row = matrix.codes[0].copy()

        removed = matrix.remove(["A", "missing"])

        assert removed == 1
        assert len(matrix) == 2
        assert matrix.ids == ["B", "C"]
        # A quarter of 3 rows dead: compaction ran, so no tombstone is left.
        assert matrix.n_rows == 2
        assert matrix.ids_of(matrix.exact_rows(row)) == ["C"]

    def test_remove__tombstone_before_compaction(self) -> None:
        matrix = ProfileMatrix(["vWA"])
        matrix.add_genotype_texts([f"P{i}" for i in range(10)], [{"vWA": ("17",)}] * 10)

        matrix.remove(["P3"])

        assert matrix.n_rows == 10
        assert matrix.alive.tolist() == [1, 1, 1, 0, 1, 1, 1, 1, 1, 1]
        assert matrix.codes[3].tolist() == [0]
        assert "P3" not in matrix.ids
        assert matrix.ids_of(matrix.exact_rows(np.array([1]))) == [
            f"P{i}" for i in range(10) if i != 3
        ]

    def test_add__grows_dictionary_without_recoding(self) -> None:
        matrix = _small()
        before = matrix.codes.copy()

        matrix.add_genotype_texts(["D"], [{"FGA": ("19", "30")}])

        assert matrix.codes[:3].tolist() == before.tolist()
        assert matrix.alleles("FGA") == ("21", "22", "19", "30")
        # FGA 19 -> 2, 30 -> 3: pair (2, 3) = 3*4/2 + 2 + 1 = 9.
        assert matrix.codes[3].tolist() == [0, 0, 9]

    def test_widens_to_uint16_past_22_alleles(self) -> None:
        matrix = ProfileMatrix(["SE33"])
        matrix.add_genotype_texts(["first"], [{"SE33": ("10", "11")}])
        assert matrix.code_dtype == np.uint8

        matrix.add_genotype_texts(
            [f"P{i}" for i in range(30)], [{"SE33": (str(12 + i),)} for i in range(30)]
        )

        assert matrix.code_dtype == np.uint16
        assert matrix.codes[0].tolist() == [2]
        # allele index 31 ("41") homozygote: 31*32/2 + 31 + 1 = 528
        assert matrix.codes[-1].tolist() == [528]

    def test_from_allele_indices__remaps_onto_dictionary(self) -> None:
        matrix = _small()

        matrix.add_allele_indices(
            ["E"], np.array([[[0, 1], [-1, -1], [1, 1]]]), [["16", "15"], ["9"], ["21", "22"]]
        )

        assert matrix.codes[-1].tolist() == [2, 0, 3]

    def test_exact_index__merges_a_long_tail(self) -> None:
        rng = np.random.default_rng(3)
        matrix = ProfileMatrix([f"M{k}" for k in range(5)], alleles=[list("abcdef")] * 5)
        codes = rng.integers(1, 22, size=(20_000, 5)).astype(np.uint8)
        matrix.add_codes([f"P{i}" for i in range(20_000)], codes)
        expected = sorted(
            f"P{i}" for i in np.flatnonzero((codes == codes[1234]).all(axis=1))
        )

        actual = sorted(matrix.ids_of(matrix.exact_rows(codes[1234])))

        assert matrix.nbytes()["exact_index"] == 20_000 * 8
        assert expected == actual

    def test_memory__24_loci_codes_take_24_bytes(self) -> None:
        matrix = ProfileMatrix([f"M{k}" for k in range(24)], alleles=[list("abcd")] * 24)

        matrix.add_codes(["x"], np.ones((1, 24), dtype=np.uint8))

        assert matrix.nbytes()["codes"] == 24


class TestProfileMatrixErrors:
    def test_duplicate_id_is_refused(self) -> None:
        matrix = _small()

        with pytest.raises(ProfileError, match="already indexed"):
            matrix.add_genotype_texts(["A"], [{"vWA": ("17",)}])

    def test_code_outside_dictionary_names_marker(self) -> None:
        matrix = _small()

        with pytest.raises(ProfileError) as info:
            matrix.add_codes(["Z"], np.array([[2, 2, 9]]))

        assert info.value.marker == "FGA"
        assert info.value.value == 9

    def test_more_than_two_alleles(self) -> None:
        with pytest.raises(ProfileError, match="more than two"):
            ProfileMatrix(["vWA"]).add_genotype_texts(["X"], [{"vWA": ("1", "2", "3")}])

    def test_empty_panel(self) -> None:
        with pytest.raises(ProfileError, match="at least one marker"):
            ProfileMatrix([])


def test_exact_index__hash_collisions_are_resolved_by_codes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every row hashes alike: the look-up must still return only identical rows.
    monkeypatch.setattr(ProfileMatrix, "_row_hashes",
                        lambda self, codes: np.zeros(codes.shape[0], dtype=np.uint32))
    matrix = ProfileMatrix(["M"], alleles=[list("abc")])
    codes = np.array([[1], [2], [1], [3]] * 2000, dtype=np.uint8)
    matrix.add_codes([f"P{i}" for i in range(8000)], codes)

    found = matrix.exact_rows(np.array([2]))

    assert found.tolist() == list(range(1, 8000, 4))
