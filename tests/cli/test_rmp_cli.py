"""``reunite rmp`` end to end: a real NIST 1036 profile against a hand calculation."""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
from pathlib import Path

import pytest

from support.cli import run_cli

NIST_DIR = "nist-1036-us-population"
FBI = "fbi-2015-expanded-codis/fbi2015_allele_frequencies.csv"


def _run(*args: str | Path, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REUNITE_")}
    environment.update(env or {})
    return run_cli([str(a) for a in args], env=environment)


def _first_nist_profile(shared: Path) -> tuple[str, dict[str, list[str]]]:
    """The first person in the genotype file, read with the csv module alone."""
    with (shared / NIST_DIR / "nist1036_genotypes_wide.csv").open(newline="") as handle:
        row = next(csv.DictReader(handle))
    loci = [c[:-2] for c in row if c.endswith("_1")]
    return row["sample"], {locus: [row[f"{locus}_1"], row[f"{locus}_2"]] for locus in loci}


def _nist_frequencies(shared: Path) -> dict[str, dict[str, float]]:
    """count / n_alleles of the pooled ("All") population, straight from the file."""
    table: dict[str, dict[str, float]] = {}
    with (shared / NIST_DIR / "nist1036_allele_frequencies.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["population"] == "All":
                table.setdefault(row["locus"], {})[row["allele"]] = (
                    int(row["count"]) / int(row["n_alleles"]))
    return table


def _match(p: float, q: float, homozygote: bool, theta: float) -> float:
    denominator = (1 + theta) * (1 + 2 * theta)
    if homozygote:
        return (2 * theta + (1 - theta) * p) * (3 * theta + (1 - theta) * p) / denominator
    return 2 * (theta + (1 - theta) * p) * (theta + (1 - theta) * q) / denominator


@pytest.fixture
def nist_profile_json(shared_data: Path, tmp_path: Path) -> tuple[Path, dict[str, list[str]]]:
    sample, genotypes = _first_nist_profile(shared_data)
    path = tmp_path / f"{sample}.json"
    path.write_text(json.dumps({"id": sample, "genotypes": genotypes}), encoding="utf-8")
    return path, genotypes


class TestRmpCliAgainstHandCalculation:
    @pytest.mark.parametrize("theta", [0.0, 0.01])
    def test_nist_profile__same_number_as_hand_calculation(
        self, shared_data: Path, nist_profile_json: tuple[Path, dict[str, list[str]]],
        theta: float,
    ) -> None:
        path, genotypes = nist_profile_json
        frequencies = _nist_frequencies(shared_data)
        per_locus = {}
        for locus, (a, b) in genotypes.items():
            # θ = 0: p² or 2pq (NRC II 4.1); θ > 0: Balding–Nichols (NRC II 4.10).
            p, q = frequencies[locus][a], frequencies[locus][b]
            per_locus[locus] = (p * p if a == b else 2 * p * q) if theta == 0 else (
                _match(p, q, a == b, theta))
        expected = math.prod(per_locus.values())

        run = _run("rmp", "--frequencies",
                   shared_data / NIST_DIR / "nist1036_allele_frequencies.csv",
                   "--theta", str(theta), path)

        assert run.returncode == 0, run.stderr
        output = json.loads(run.stdout)
        assert len(output["markers_used"]) == 29
        assert output["rmp"] == pytest.approx(expected, rel=1e-9)
        assert output["lr"] == pytest.approx(1 / expected, rel=1e-9)
        assert output["log10_lr"] == pytest.approx(-math.log10(expected), rel=1e-9)
        assert output["markers"]["TH01"] == pytest.approx(per_locus["TH01"], rel=1e-9)
        assert output["markers"]["Penta E"] == pytest.approx(per_locus["Penta_E"], rel=1e-9)
        assert output["provenance"]["parameters"]["theta"] == theta
        assert len(output["provenance"]["frequency_table_hash"]) == 64

    def test_nist_profile_with_fbi_table__renormalised_and_minimum_frequency(
        self, shared_data: Path, nist_profile_json: tuple[Path, dict[str, list[str]]],
    ) -> None:
        path, genotypes = nist_profile_json
        published: dict[str, dict[str, float]] = {}
        with (shared_data / FBI).open(newline="") as handle:
            for row in csv.DictReader(handle):
                if row["population"] == "African American":
                    published.setdefault(row["locus"], {})[row["allele"]] = float(
                        row["frequency"])
        sizes = {"African American": 209}
        expected = 1.0
        used = []
        for locus, (a, b) in genotypes.items():
            fbi_locus = locus.replace("_", " ")
            if fbi_locus not in published:
                continue
            total = math.fsum(published[fbi_locus].values())
            # Unlisted alleles: 5 / 2N with N = 209 people; listed ones renormalised.
            p, q = (published[fbi_locus][x] / total if x in published[fbi_locus]
                    else 5 / (2 * sizes["African American"]) for x in (a, b))
            expected *= p * p if a == b else 2 * p * q
            used.append(locus)

        run = _run("rmp", "-f", shared_data / FBI, "--format", "fbi",
                   "--population", "African American", path)

        assert run.returncode == 0, run.stderr
        output = json.loads(run.stdout)
        assert len(output["markers_used"]) == len(used) == 23
        assert output["rmp"] == pytest.approx(expected, rel=1e-9)
        assert output["markers_skipped"]["LPL"] == "not in frequency table"


class TestRmpCliErrors:
    def test_bad_allele__exit_2_names_file_and_path(self, shared_data: Path,
                                                    tmp_path: Path) -> None:
        path = tmp_path / "bad.json"
        path.write_text(json.dumps({"id": "S1", "genotypes": {"TH01": ["9", "abc"]}}))

        run = _run("rmp", "-f", shared_data / NIST_DIR / "nist1036_allele_frequencies.csv",
                   path)

        assert run.returncode == 2
        assert str(path) in run.stderr
        assert "$.genotypes.TH01[1]" in run.stderr
        assert "'abc'" in run.stderr
        assert "Traceback" not in run.stderr

    def test_bad_table_row__exit_2_names_file_line_value(self, tmp_path: Path) -> None:
        table = tmp_path / "t.csv"
        table.write_text("marker,allele,frequency\nTH01,6,0.5\nTH01,7,half\n")
        profile = tmp_path / "p.json"
        profile.write_text(json.dumps({"id": "S1", "genotypes": {"TH01": ["6", "7"]}}))

        run = _run("rmp", "-f", table, profile)

        assert run.returncode == 2
        assert str(table) in run.stderr
        assert "line 3" in run.stderr
        assert "'half'" in run.stderr
        assert "Traceback" not in run.stderr

    def test_theta_out_of_range(self, tmp_path: Path) -> None:
        table = tmp_path / "t.csv"
        table.write_text("marker,allele,frequency\nTH01,6,0.5\nTH01,7,0.5\n")
        profile = tmp_path / "p.json"
        profile.write_text(json.dumps({"id": "S1", "genotypes": {"TH01": ["6", "7"]}}))

        run = _run("rmp", "-f", table, "--theta", "1.5", profile)

        assert run.returncode == 2
        assert "theta" in run.stderr

    def test_csv_table_output_keys(self, tmp_path: Path) -> None:
        table = tmp_path / "t.csv"
        table.write_text("marker,allele,frequency\nTH01,6,0.25\nTH01,7,0.75\n")
        profile = tmp_path / "p.json"
        profile.write_text(json.dumps({"id": "S1", "genotypes": {"TH01": ["6", "7"],
                                                                 "AMEL": ["X", "X"]}}))

        run = _run("rmp", "-f", table, profile)

        output = json.loads(run.stdout)
        assert list(output) == ["markers", "rmp", "lr", "log10_lr", "markers_used",
                                "markers_skipped", "provenance"]
        assert output["provenance"]["parameters"]["profile"] == "S1"
        assert output["markers"] == {"TH01": 0.375}
        assert output["rmp"] == 0.375
        assert output["markers_skipped"] == {"AMEL": "not autosomal (amelogenin)"}

    def test_help_has_an_example(self) -> None:
        run = _run("rmp", "--help")

        assert run.returncode == 0
        assert "Example" in run.stdout
        assert "reunite rmp" in run.stdout


class TestRmpCliSettings:
    def test_min_allele_count_and_theta_from_environment(self, tmp_path: Path) -> None:
        table = tmp_path / "t.csv"
        table.write_text("marker,allele,frequency,N\nTH01,6,0.5,50\nTH01,7,0.5,50\n")
        profile = tmp_path / "p.json"
        profile.write_text(json.dumps({"id": "S1", "genotypes": {"TH01": ["6", "9"]}}))

        default = json.loads(_run("rmp", "-f", table, profile).stdout)
        configured = json.loads(_run("rmp", "-f", table, profile, env={
            "REUNITE_MIN_ALLELE_COUNT": "1", "REUNITE_THETA": "0.02"}).stdout)

        # Unseen 9: 5/(2 × 50) = 0.05 by default -> 2 × 0.5 × 0.05 = 0.05.
        assert default["rmp"] == pytest.approx(0.05, rel=1e-12)
        # 1/(2 × 50) = 0.01 and θ = 0.02: 2[0.02 + 0.98(0.5)][0.02 + 0.98(0.01)] / (1.02 × 1.04)
        expected = 2 * (0.02 + 0.98 * 0.5) * (0.02 + 0.98 * 0.01) / (1.02 * 1.04)
        assert configured["rmp"] == pytest.approx(expected, rel=1e-12)
        assert configured["provenance"]["parameters"]["min_allele_count"] == 1.0
