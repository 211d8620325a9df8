"""``reunite simulate`` and ``reunite search`` end to end, each command run in process;
the installation's search settings (``REUNITE_*`` or the config file) reach them."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from support.cli import run_cli

MARKERS = "D3S1358,vWA,FGA,TH01,D8S1179,D21S11,D18S51,D5S818,D13S317,D7S820,CSF1PO,TPOX"
CLEAN = {k: v for k, v in os.environ.items() if not k.startswith("REUNITE_")}


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(list(args), env={**CLEAN, "REUNITE_DATA_DIR": "/nonexistent-reunite",
                                    **(env or {})})


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
    # TCP (not in-process comms), as a scheduler on another machine would be reached.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        sharded = run(*args, "--scheduler", cluster.scheduler_address)

    assert local.returncode == 0, local.stderr
    assert sharded.returncode == 0, sharded.stderr
    hits = [[h["profile_id"] for h in r["hits"]] for r in json.loads(local.stdout)]
    assert hits == [[h["profile_id"] for h in r["hits"]] for r in json.loads(sharded.stdout)]
    assert len(hits[0]) >= 1


def _screen(files: dict[str, Path], env: dict[str, str] | None = None,
            *options: str) -> list[dict[str, object]]:
    result = run("search", "screen", str(files["families"]), str(files["remains"]),
                 str(files["missing"]), "--freqs", str(files["freqs"]), "--k", "2", "--json",
                 *options, env=env)
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout))


def _lrs(payload: list[dict[str, object]]) -> list[float]:
    return [r["hits"][0]["log10_lr"] for r in payload]  # type: ignore[index]


@pytest.mark.parametrize(("env", "recorded"), [
    ({"REUNITE_THETA": "0.03"}, {"theta": 0.03}),
    ({"REUNITE_MUTATION_MODEL": "proportional", "REUNITE_MUTATION_RATE": "0.01",
      "REUNITE_MUTATION_RATE_MALE": "0.02"},
     {"mutation": {"female": {"model": "proportional", "rate": 0.01},
                   "male": {"model": "proportional", "rate": 0.02}}}),
])
def test_screen__installation_settings_change_the_lrs_and_are_recorded(
        files: dict[str, Path], env: dict[str, str], recorded: dict[str, object]) -> None:
    plain = _screen(files)

    configured = _screen(files, env)

    assert all(a != b for a, b in zip(_lrs(plain), _lrs(configured), strict=True))
    settings = configured[0]["provenance"]["parameters"]["settings"]  # type: ignore[index]
    assert {k: settings[k] for k in recorded} == recorded


def test_direct__minimum_allele_count_prices_an_unseen_allele(files: dict[str, Path],
                                                              tmp_path: Path) -> None:
    # vWA 23 is not in the NIST 1036 table (N = 1036): it gets c / 2072 (NRC II's 5/2N).
    profile = json.loads(files["missing"].read_text())[0]
    profile["genotypes"]["vWA"] = ["23", "23"]
    query = tmp_path / "rare.json"
    query.write_text(json.dumps(profile))
    lrs = {}
    for count in ("5", "50"):
        result = run("search", "direct", str(query), str(query), "--freqs",
                     str(files["freqs"]), "--json", "--min-shared", "10",
                     env={"REUNITE_MIN_ALLELE_COUNT": count})
        assert result.returncode == 0, result.stderr
        (payload,) = json.loads(result.stdout)
        lrs[count] = payload["hits"][0]["log10_lr"]
        assert payload["provenance"]["parameters"]["settings"]["min_allele_count"] == float(
            count)

    # Only the vWA term changes: 1/p² with p = c/2072 (θ = 0), renormalisation aside.
    assert lrs["5"] - lrs["50"] == pytest.approx(2.0, abs=0.01)


def test_screen__config_file_and_options(files: dict[str, Path], tmp_path: Path) -> None:
    config = tmp_path / "reunite.toml"
    config.write_text("theta = 0.03\n")

    from_file = _screen(files, {"REUNITE_CONFIG": str(config)})
    from_env = _screen(files, {"REUNITE_THETA": "0.03"})
    from_option = _screen(files, None, "--theta", "0.03")
    option_wins = _screen(files, {"REUNITE_CONFIG": str(config)}, "--theta", "0")

    assert _lrs(from_file) == _lrs(from_env) == _lrs(from_option)
    assert _lrs(option_wins) == _lrs(_screen(files))


def test_blind__records_the_frequency_table_hash(files: dict[str, Path]) -> None:
    result = run("search", "blind", str(files["families"]), str(files["remains"]),
                 "--freqs", str(files["freqs"]), "--json", env={"REUNITE_THETA": "0.01"})

    assert result.returncode == 0, result.stderr
    provenance = json.loads(result.stdout)["provenance"]
    assert len(provenance["frequency_table_hash"]) == 64
    assert provenance["parameters"]["settings"]["theta"] == 0.01


def test_simulate__installation_mutation_model_reaches_the_families(
        files: dict[str, Path], tmp_path: Path) -> None:
    outputs = []
    for env in ({}, {"REUNITE_MUTATION_RATE": "0.3"}):
        out, missing = tmp_path / f"f{len(outputs)}.json", tmp_path / f"m{len(outputs)}.json"
        made = run("simulate", "families", "--freqs", str(files["freqs"]), "--n", "20",
                   "--markers", MARKERS, "--out", str(out), "--missing-out", str(missing),
                   "--seed", "4", env=env)
        assert made.returncode == 0, made.stderr
        outputs.append(missing.read_text())

    assert outputs[0] != outputs[1]  # a 30 % mutation rate changes what the children carry
