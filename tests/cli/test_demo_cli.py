"""``reunite demo`` at a reduced size, run in process: the stored candidates are checked
against the simulation's truth (written by the demo beside the data) through ``reunite
candidates``; the installation's search settings change the demo's LRs."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from support.cli import run_cli


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REUNITE_")}
    environment.update({"COLUMNS": "160", **(env or {})})
    return run_cli(list(args), env=environment)


def _candidates(data: Path) -> list[dict[str, Any]]:
    users = dict(line.split("\t") for line in
                 (data / "demo-credentials.txt").read_text().splitlines())
    done = _run("candidates", "--data-dir", str(data), "--limit", "1000", "--json",
                env={"REUNITE_USER": "reviewer1", "REUNITE_PASSWORD": users["reviewer1"]})
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


def test_demo__identifications_match_the_simulated_truth(shared_data: Path,
                                                         tmp_path: Path) -> None:
    data = tmp_path / "demo"
    run = _run("demo", "--cases", "16", "--unidentified", "16", "--background", "400",
               "--data-dir", str(data), "--json",
               env={"REUNITE_SHARED_DIR": str(shared_data.parent)})
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    truth = json.loads((data / "demo-truth.json").read_text())
    stored = _candidates(data)

    right = [c for c in stored if truth.get(c["target_person_id"]) == c["case"]]
    assert result["frequency_table"] == "NIST 1036 All"
    assert result["synthetic"] is False
    assert len(truth) == result["missing_among_unidentified"] == 8
    assert len(right) == result["true_positives"]
    assert len(stored) - len(right) == len(result["false_positives"]) == 0
    assert all(c["log10_lr"] >= 4 for c in stored)
    both_parents = result["by_family_shape"]["both parents"]
    assert both_parents["found"] == both_parents["present"] > 0
    assert result["profiles_stored"] == 16 + 400 + 4 * (2 + 1 + 2 + 3)


def test_demo__without_shared_data_uses_a_labelled_synthetic_table(tmp_path: Path) -> None:
    run = _run("demo", "--cases", "4", "--unidentified", "4", "--background", "20",
               "--data-dir", str(tmp_path / "demo"), "--shared-dir", str(tmp_path))

    assert run.returncode == 0, run.stderr
    assert "not found" in run.stdout
    assert "SYNTHETIC" in run.stdout
    assert "reunite serve --data-dir" in run.stdout


def test_demo__refuses_a_data_directory_holding_other_data(tmp_path: Path) -> None:
    (tmp_path / "precious.sqlite3").write_text("not the demo's")

    run = _run("demo", "--cases", "2", "--unidentified", "2", "--background", "0",
               "--data-dir", str(tmp_path), "--shared-dir", str(tmp_path))

    assert run.returncode == 7
    assert "fresh data directory" in run.stderr
    assert (tmp_path / "precious.sqlite3").exists()


@pytest.mark.parametrize("command", [["demo", "--help"]])
def test_demo__help_has_an_example(command: list[str]) -> None:
    run = _run(*command)

    assert run.returncode == 0
    assert "reunite demo --cases" in run.stdout


@pytest.fixture(scope="module")
def plain(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The small demo with the default settings (θ = 0, equal 0.001 both sexes, 5/2N)."""
    return _small_demo(tmp_path_factory.mktemp("plain-demo"), shared_data, {})


def _small_demo(data: Path, shared_data: Path, env: dict[str, str]) -> dict[str, Any]:
    run = _run("demo", "--cases", "8", "--unidentified", "8", "--background", "100",
               "--data-dir", str(data), "--json",
               env={"REUNITE_SHARED_DIR": str(shared_data.parent), **env})
    assert run.returncode == 0, run.stderr
    return dict(json.loads(run.stdout))


@pytest.mark.parametrize(("env", "recorded", "changes_lrs"), [
    ({"REUNITE_THETA": "0.03"}, {"theta": 0.03}, True),
    ({"REUNITE_MUTATION_RATE": "0.005", "REUNITE_MUTATION_RATE_MALE": "0.02"},
     {"mutation": {"female": {"model": "equal", "rate": 0.005},
                   "male": {"model": "equal", "rate": 0.02}}}, True),
    # Every simulated allele is in the NIST table, so no allele is priced by the minimum
    # count: the demo's LRs stay; the count is recorded (the search tests show it priced).
    ({"REUNITE_MIN_ALLELE_COUNT": "1"}, {"min_allele_count": 1.0}, False),
])
def test_demo__installation_search_settings_reach_it(
        shared_data: Path, tmp_path: Path, plain: dict[str, Any], env: dict[str, str],
        recorded: dict[str, object], changes_lrs: bool) -> None:
    configured = _small_demo(tmp_path / "configured", shared_data, env)
    stored = _candidates(tmp_path / "configured")

    def lrs(result: dict[str, Any]) -> dict[tuple[str, str], float]:
        # Person ids are new in every data directory; case and mortuary label are not.
        return {(e["case"], e["label"]): e["log10_lr"] for e in result["identifications"]}

    same = sorted(set(lrs(plain)) & set(lrs(configured)))
    assert same
    assert ([lrs(plain)[key] for key in same] != [lrs(configured)[key] for key in same]
            ) is changes_lrs
    assert {k: configured["settings"][k] for k in recorded} == recorded
    assert all({k: c["settings"][k] for k in recorded} == recorded for c in stored)
