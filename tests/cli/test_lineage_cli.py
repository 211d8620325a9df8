"""``reunite lineage ystr|mtdna`` end to end, against counts made with the csv module."""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

REUNITE = str(Path(sys.executable).parent / "reunite")
SA = "y-str/South_Australia_YSTRs_YfilerPlus.csv"


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REUNITE_")}
    return subprocess.run([REUNITE, *map(str, args)], capture_output=True, text=True,
                          check=False, timeout=120, env=environment)


def _sa_rows(shared: Path) -> list[dict[str, str]]:
    with (shared / SA).open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def query(shared_data: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The 7th South Australian man, restricted to the 9 minimal-haplotype-like loci."""
    row = _sa_rows(shared_data)[6]
    loci = ["DYS19", "DYS389I", "DYS389II", "DYS390", "DYS391", "DYS392", "DYS393",
            "DYS385", "DYS438"]
    haplotype = {m: row[m] for m in loci}
    path = tmp_path / "query.json"
    path.write_text(json.dumps({"id": "U-1", "haplotype": haplotype}))
    return path, haplotype


def _count(rows: list[dict[str, str]], haplotype: dict[str, str]) -> int:
    def key(value: str) -> tuple[str, ...]:
        return tuple(sorted(value.split(",")))

    return sum(all(key(r[m]) == key(v) for m, v in haplotype.items()) for r in rows)


class TestYstr:
    def test_json__counts_and_bound_by_hand(self, shared_data: Path,
                                            query: tuple[Path, dict[str, str]]) -> None:
        path, haplotype = query
        rows = _sa_rows(shared_data)
        x, n = _count(rows, haplotype), len(rows)

        result = _run("lineage", "ystr", path, "--database", shared_data / SA, "--json")

        assert result.returncode == 0, result.stderr
        out = json.loads(result.stdout)
        assert (out["matches"], out["database_size"]) == (x, n)
        assert out["frequency"] == x / n
        assert out["estimators"]["balding_nichols"] == (x + 2) / (n + 2)
        assert out["provenance"]["frequency_table_hash"] == out["database"]["sha256"]
        assert out["provenance"]["command"] == "reunite lineage ystr"

    def test_json__unseen_haplotype_swgdam_bound(self, shared_data: Path,
                                                 tmp_path: Path) -> None:
        path = tmp_path / "q.json"
        path.write_text(json.dumps({"id": "U", "haplotype": {"DYS19": "9", "DYS390": "30"}}))

        out = json.loads(_run("lineage", "ystr", path, "--database", shared_data / SA,
                              "--json").stdout)

        assert out["matches"] == 0
        assert out["upper_bound"] == pytest.approx(1 - 0.05 ** (1 / 1136), rel=1e-12)

    def test_json__uncle_three_meioses(self, shared_data: Path, tmp_path: Path,
                                       query: tuple[Path, dict[str, str]]) -> None:
        path, haplotype = query
        uncle = dict(haplotype, DYS19=str(int(haplotype["DYS19"]) + 1))
        ref = tmp_path / "uncle.json"
        ref.write_text(json.dumps({"id": "uncle", "haplotype": uncle}))

        out = json.loads(_run("lineage", "ystr", path, "--database", shared_data / SA,
                              "--reference", ref, "--meioses", "3", "--json").stdout)

        with (shared_data / "y-str/malan_ystr_markers.csv").open() as handle:
            rates = {r["Marker"]: float(r["Mutations"]) / float(r["Meioses"])
                     for r in csv.DictReader(handle)}
        rates["DYS385"] = rates["DYS385a"]

        def same(mu: float) -> float:  # P(no net change in 3 single-step meioses)
            return (1 - mu) ** 3 + 3 * (1 - mu) * (mu / 2) ** 2 * 2

        def one(mu: float) -> float:  # P(+1 in 3 meioses): one up, or two up one down
            return 3 * (mu / 2) * (1 - mu) ** 2 + 3 * (mu / 2) ** 3

        def step(d: int, mu: float) -> float:  # P(net d in 3 meioses), |d| <= 3
            return {0: same(mu), 1: one(mu), 2: 3 * (mu / 2) ** 2 * (1 - mu),
                    3: (mu / 2) ** 3}.get(abs(d), 0.0)

        a, b = sorted(int(v) for v in haplotype["DYS385"].split(","))
        mu385 = rates["DYS385"]
        # The two copies are unordered: the straight and, if a != b, the swapped pairing.
        dys385 = step(0, mu385) ** 2 + (step(b - a, mu385) * step(a - b, mu385)
                                        if a != b else 0.0)
        expected = one(rates["DYS19"]) * dys385
        for m in haplotype:
            if m not in ("DYS19", "DYS385"):
                expected *= same(rates[m])
        assert out["mutation_probability"] == pytest.approx(expected, rel=1e-12)
        assert out["lr"] == pytest.approx(expected / out["upper_bound"], rel=1e-12)
        assert out["mutation"]["differences"] == {"DYS19": [-1.0]}

    def test_rich_output(self, shared_data: Path, query: tuple[Path, dict[str, str]]) -> None:
        result = _run("lineage", "ystr", query[0], "--database", shared_data / SA,
                      "--population", "European")

        assert result.returncode == 0, result.stderr
        assert "Clopper" in result.stdout
        assert "balding_nichols" in result.stdout

    def test_discrete_laplace_beside_counting(self, shared_data: Path, tmp_path: Path) -> None:
        path = tmp_path / "q.json"
        path.write_text(json.dumps({"id": "U", "haplotype": {
            "DYS19": "14", "DYS389I": "13", "DYS389II": "29", "DYS390": "24", "DYS391": "11",
            "DYS392": "13", "DYS393": "13", "DYS437": "15", "DYS438": "12", "DYS439": "12"}}))

        out = json.loads(_run("lineage", "ystr", path, "--database",
                              shared_data / "y-str/disclapmix_danes_Hallenberg2005.txt",
                              "--discrete-laplace", "--json").stdout)

        assert out["discrete_laplace"]["clusters"] == 4
        assert 0 < out["estimators"]["discrete_laplace"] < 1

    @pytest.mark.parametrize(("args", "text"), [
        (("--meioses", "2"), "--reference and --meioses"),
        (("--confidence", "1.5"), "--confidence"),
        (("--population", "Atlantis"), "population"),
        (("--clusters", "x", "--discrete-laplace"), "--clusters"),
    ])
    def test_errors__exit_2_naming_field(self, shared_data: Path,
                                         query: tuple[Path, dict[str, str]],
                                         args: tuple[str, ...], text: str) -> None:
        result = _run("lineage", "ystr", query[0], "--database", shared_data / SA, *args)

        assert result.returncode == 2
        assert text in result.stderr
        assert "Traceback" not in result.stderr

    def test_bad_query__names_file_and_field(self, shared_data: Path, tmp_path: Path) -> None:
        path = tmp_path / "q.json"
        path.write_text(json.dumps({"id": "U", "haplotype": {"DYS19": "fourteen"}}))

        result = _run("lineage", "ystr", path, "--database", shared_data / SA)

        assert result.returncode == 2
        assert str(path) in result.stderr
        assert '$.haplotype["DYS19"]' in result.stderr
        assert "fourteen" in result.stderr


class TestMtdna:
    def test_counting_database_with_reference(self, tmp_path: Path) -> None:
        database = tmp_path / "mt.csv"
        database.write_text("id,range,haplotype\nA,16024-576,263G 16519C\n"
                            "B,16024-576,263G\nC,1-16569,263G 16519C 1438G\n")
        query, mother = tmp_path / "q.json", tmp_path / "m.json"
        query.write_text(json.dumps({"id": "found", "haplotype": "263G 16519C",
                                     "range": "16024-576"}))
        mother.write_text(json.dumps({"id": "mother",
                                      "haplotype": "263G 1438G 16093C 16519C"}))

        out = json.loads(_run("lineage", "mtdna", query, "--database", database,
                              "--reference", mother, "--json").stdout)

        assert (out["matches"], out["database_size"]) == (2, 3)
        # 1438 lies outside the query's range and does not count; at 16093 the query
        # has the rCRS base: one difference, inconclusive.
        assert out["comparison"]["shared_range"] == "1-576 16024-16569"
        assert out["comparison"]["differences"] == ["16093"]
        assert out["interpretation"] == "inconclusive"
        assert out["lr"] is None

    def test_mitofreq_database(self, shared_data: Path, tmp_path: Path) -> None:
        query, sister = tmp_path / "q.json", tmp_path / "s.json"
        variants = "263G 477C 3010A 4769G 9150G 16519C"
        query.write_text(json.dumps({"id": "found", "haplotype": variants,
                                     "haplogroup": "H"}))
        sister.write_text(json.dumps({"id": "sister", "haplotype": variants}))
        mt = shared_data / "mtdna-mitofreq"

        result = _run("lineage", "mtdna", query, "--database",
                      mt / "d_helix_refined_long.csv.gz", "--haplogroup-sizes",
                      mt / "d_helix_TLHG_freq.csv", "--reference", sister, "--json")

        assert result.returncode == 0, result.stderr
        out = json.loads(result.stdout)
        assert out["method"] == "mitofreq"
        assert out["interpretation"] == "cannot exclude"
        assert out["lr"] == pytest.approx(1 / out["upper_bound"], rel=1e-12)
        assert math.isclose(out["frequency"], out["mitofreq"]["haplogroup_share"]
                            * out["mitofreq"]["rarest_count"] / out["mitofreq"]["rarest_total"])

    def test_heteroplasmy_without_rcrs__exit_2(self, tmp_path: Path) -> None:
        database = tmp_path / "mt.csv"
        database.write_text("id,range,haplotype\nA,16024-576,263G\n")
        query = tmp_path / "q.json"
        query.write_text(json.dumps({"id": "found", "haplotype": "263G 16093Y",
                                     "range": "16024-576"}))

        result = _run("lineage", "mtdna", query, "--database", database)

        assert result.returncode == 2
        assert "rCRS" in result.stderr
