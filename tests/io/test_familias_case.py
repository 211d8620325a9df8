"""Familias projects as kinship cases: the LRs equal the R pedsuite's on the shared files.

Expected values: ``pedFamilias::readFam(file)`` then ``forrel::kinshipLR(x)`` (pedFamilias
0.2.5, forrel 1.9.0, pedmut 0.9.0, pedtools 2.11.0), first hypothesis against the second,
printed with ``%.15g``. They need every marker joined to its database entry: the file
names the database marker ``PENTA_E`` and the genotypes ``Penta E``; without Penta E
(LR 3.162…) the paternity LR would be 240.4 instead of 760.3.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reunite.errors import CaseError
from reunite.io.familias import read_familias
from reunite.io.kinship_case import familias_case, read_cases
from reunite.stats.lr import kinship_lr

PEDSUITE = [
    ("klink-linkage-familias/pedFamilias_paternity.fam", 760.344485628422),
    ("klink-linkage-familias/sibship.fam", 524764.23481731),
    ("klink-linkage-familias/halfsib.fam", 224541343.366833),
    ("klink-linkage-familias/halfsib-test.fam", 0.326877870306903),
]
PATERNITY_PER_MARKER = {
    "D3S1358": 2.4472590798861, "TH01": 1.16100040915964, "D21S11": 2.96481025599627,
    "D18S51": 2.1478841211369, "Penta E": 3.16245843480674, "D5S818": 0.711214251913706,
    "D13S317": 3.18866831474692, "D7S820": 2.37880635152315, "D16S539": 1.62890287343415,
    "CSF1PO": 1.51217281235579,
}


class TestFamiliasCaseExamples:
    @pytest.mark.parametrize(("path", "expected"), PEDSUITE)
    def test_total_lr_equals_the_pedsuite(self, shared_data: Path, path: str,
                                          expected: float) -> None:
        [case], is_array = read_cases(shared_data / path)
        result = kinship_lr(case.hypotheses, case.markers, case.genotypes, theta=case.theta)

        assert not is_array
        assert result.total_lr() == pytest.approx(expected, rel=1e-13)

    def test_paternity__every_marker_equals_the_pedsuite(self, shared_data: Path) -> None:
        fam = read_familias(shared_data / "klink-linkage-familias/pedFamilias_paternity.fam")
        case = familias_case(fam, case_id="paternity")
        result = kinship_lr(case.hypotheses, case.markers, case.genotypes)

        assert [h.name for h in case.hypotheses] == ["H1", "H2"]
        assert set(result.lr()) == set(PATERNITY_PER_MARKER)
        for marker, expected in PATERNITY_PER_MARKER.items():
            assert result.lr()[marker] == pytest.approx(expected, rel=1e-13), marker
        assert case.markers[0].mutation is not None
        assert case.markers[0].mutation.description["male"] == {
            "model": "stepwise", "rate": 0.002, "rate2": 1e-6, "range": 0.1}

    def test_reader_warnings_become_notes(self, shared_data: Path) -> None:
        [case], _ = read_cases(shared_data / "klink-linkage-familias/halfsib-test.fam")

        assert any("[Advanced] Dropout= 0.1 is not used" in note for note in case.notes)

    def test_reunite_lr_reads_a_fam_file(self, shared_data: Path, tmp_path: Path) -> None:
        from typer.testing import CliRunner

        from reunite.cli.main import app

        path = shared_data / "klink-linkage-familias/pedFamilias_paternity.fam"
        outcome = CliRunner().invoke(app, ["lr", str(path)])

        assert outcome.exit_code == 0, outcome.output
        out = json.loads(outcome.stdout)
        assert out["id"] == "pedFamilias_paternity"
        assert out["total_lr"] == pytest.approx(760.344485628422, rel=1e-13)


class TestFamiliasCaseErrors:
    def test_one_pedigree_is_not_a_question(self, shared_data: Path) -> None:
        fam = read_familias(shared_data / "dvir-dvi-examples/familias/Ch4-example-4-8-4.fam")

        with pytest.raises(CaseError, match="two or more pedigrees") as caught:
            familias_case(fam, case_id="ch4")

        assert caught.value.value == 1
