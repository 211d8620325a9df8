"""``reunite simulate`` and ``reunite search`` end to end, through the console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REUNITE = str(Path(sys.executable).parent / "reunite")
MARKERS = "D3S1358,vWA,FGA,TH01,D8S1179,D21S11,D18S51,D5S818,D13S317,D7S820,CSF1PO,TPOX"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([REUNITE, *args], capture_output=True, text=True, check=False,
                          timeout=300)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("search-cli")
    freqs = shared_data / "nist-1036-us-population" / "nist1036_allele_frequencies.csv"
    remains, families, missing = tmp / "remains.csv", tmp / "families.json", tmp / "mp.json"
    made = run("simulate", "profiles", "--freqs", str(freqs), "--n", "300", "--markers",
               MARKERS, "--seed", "3", "--out", str(remains))
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout.splitlines()[-1])["profiles"] == 300
    made = run("simulate", "families", "--freqs", str(freqs), "--n", "3", "--markers",
               MARKERS, "--scenario", "parents", "--out", str(families), "--missing-out",
               str(missing), "--seed", "4")
    assert made.returncode == 0, made.stderr
    return {"freqs": freqs, "remains": remains, "families": families, "missing": missing}


def test_simulate_is_deterministic(files: dict[str, Path], tmp_path: Path) -> None:
    again = tmp_path / "again.csv"
    run("simulate", "profiles", "--freqs", str(files["freqs"]), "--n", "300", "--markers",
        MARKERS, "--seed", "3", "--out", str(again))

    assert again.read_text() == files["remains"].read_text()


def test_direct_finds_the_same_profile(files: dict[str, Path]) -> None:
    result = run("search", "direct", str(files["missing"]), str(files["remains"]),
                 str(files["missing"]), "--freqs", str(files["freqs"]), "--json",
                 "--min-shared", "10")

    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [r["hits"][0]["profile_id"] for r in payload] == ["F0:MP", "F1:MP", "F2:MP"]
    assert all(r["hits"][0]["log10_lr"] > 8 for r in payload)


def test_screen_ranks_the_missing_person_first(files: dict[str, Path]) -> None:
    result = run("search", "screen", str(files["families"]), str(files["remains"]),
                 str(files["missing"]), "--freqs", str(files["freqs"]), "--k", "3", "--json")

    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [r["hits"][0]["profile_id"] for r in payload] == ["F0:MP", "F1:MP", "F2:MP"]


def test_blind_and_checkpoint(files: dict[str, Path], tmp_path: Path) -> None:
    checkpoint = tmp_path / "run.npz"

    result = run("search", "blind", str(files["families"]), str(files["remains"]),
                 str(files["missing"]), "--freqs", str(files["freqs"]), "--k", "2",
                 "--checkpoint", str(checkpoint), "--json")

    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert {f: hits[0]["profile_id"] for f, hits in payload["by_family"].items()} == {
        "F0": "F0:MP", "F1": "F1:MP", "F2": "F2:MP"}
    assert checkpoint.exists()


def test_forbidden_index_pair_is_refused(files: dict[str, Path]) -> None:
    result = run("search", "direct", str(files["missing"]), str(files["remains"]),
                 "--query-index", "reference-direct", "--target-index", "reference-family")

    assert result.returncode == 3
    assert "search matrix" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_family_file_names_the_file(files: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x", "pedigree": []}')

    result = run("search", "screen", str(bad), str(files["remains"]), "--freqs",
                 str(files["freqs"]))

    assert result.returncode == 2
    assert "bad.json" in result.stderr
    assert "missing_person" in result.stderr


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_scheduler_gives_the_same_answer(files: dict[str, Path]) -> None:
    distributed = pytest.importorskip("distributed")
    args = ("search", "direct", str(files["missing"]), str(files["remains"]),
            str(files["missing"]), "--freqs", str(files["freqs"]), "--json",
            "--min-shared", "6", "--stringency", "low", "--max-mismatch", "2")
    local = run(*args)
    # TCP (not in-process comms) so the CLI subprocess can reach the scheduler.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        sharded = run(*args, "--scheduler", cluster.scheduler_address)

    assert local.returncode == 0, local.stderr
    assert sharded.returncode == 0, sharded.stderr
    hits = [[h["profile_id"] for h in r["hits"]] for r in json.loads(local.stdout)]
    assert hits == [[h["profile_id"] for h in r["hits"]] for r in json.loads(sharded.stdout)]
    assert len(hits[0]) >= 1
