"""The command-line workflow, each step ``reunite.cli.main.main`` run in process
(``support.cli.run_cli``): init → user add → case open/add-person/consent →
unidentified/legal-order → import (lab file) → enrol (one profile) → search run →
candidates → review (two reviewers) → withdraw; with --json output. One smoke test runs the
console script itself in a subprocess."""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.pedigree import nuclear_family
from reunite.genetics.profile import Genotype, Profile
from reunite.io.genemapper import format_genemapper
from reunite.simulate import simulate_families, simulate_unrelated
from support.cli import REUNITE, run_cli

MARKERS = ("CSF1PO", "D3S1358", "D5S818", "D7S820", "D8S1179", "D13S317", "D16S539",
           "D18S51", "D21S11", "FGA", "TH01", "vWA")
WEIGHTS = (0.30, 0.20, 0.15, 0.10, 0.08, 0.07, 0.06, 0.04)
PASSWORD = "cli-password-1"


class Cli:
    def __init__(self, tmp: Path) -> None:
        self.data = tmp / "data"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("REUNITE_")}
        self.env.update({"REUNITE_DATA_DIR": str(self.data), "COLUMNS": "200",
                         "REUNITE_ADMIN_PASSWORD": PASSWORD, "REUNITE_NEW_PASSWORD": PASSWORD,
                         "REUNITE_PASSWORD": PASSWORD})

    def run(self, *args: str, user: str | None = None, code: int = 0,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        env = {**self.env, **(env or {})}
        if user:
            env["REUNITE_USER"] = user
        done = run_cli(list(args), env=env)
        assert done.returncode == code, (args, done.stdout, done.stderr)
        return done

    def json(self, *args: str, user: str | None = None,
             env: dict[str, str] | None = None) -> Any:
        return json.loads(self.run(*args, "--json", user=user, env=env).stdout)


def write_table(path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["marker", "allele", "frequency", "N"])
        for marker in MARKERS:
            for i, w in enumerate(WEIGHTS):
                writer.writerow([marker, str(10 + i), w, 500])


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    tmp = tmp_path_factory.mktemp("cli")
    write_table(tmp / "table.csv")
    runner = Cli(tmp)
    runner.init = runner.json("init", "-f", str(tmp / "table.csv"))  # type: ignore[attr-defined]
    return runner


def test_init__creates_key_schema_and_admin(cli: Cli) -> None:
    report = cli.init  # type: ignore[attr-defined]

    assert report["master_key_created"] is True
    assert report["admin_created"] == "admin"
    assert (cli.data / "master.key").stat().st_mode & 0o777 == 0o600
    assert cli.json("init")["admin_created"] is None  # idempotent: no second admin


def test_init__help_has_an_example() -> None:
    for command in (["init"], ["user", "add"], ["case", "open"], ["enrol"], ["import"],
                    ["search", "run"], ["candidates"], ["review"], ["withdraw"], ["serve"]):
        done = run_cli([*command, "--help"], env={**os.environ, "COLUMNS": "200"})

        assert done.returncode == 0, command
        assert "Example" in done.stdout, command
        assert "reunite " + command[0] in done.stdout, command


def test_workflow__from_case_to_confirmed_identification(cli: Cli, tmp_path: Path) -> None:
    for name, role in (("cw", "case-worker"), ("lab", "lab-analyst"), ("rev1", "reviewer"),
                       ("rev2", "reviewer"), ("dpo", "data-protection-officer")):
        assert cli.json("user", "add", name, "--role", role, user="admin")["roles"] == [role]
    case = cli.json("case", "open", "MP-CLI-1", "--missing-since", "2025-03-01", user="cw")
    father = cli.json("case", "add-person", "MP-CLI-1", "father", user="cw")
    mother = cli.json("case", "add-person", "MP-CLI-1", "mother", user="cw")
    missing = cli.json("case", "add-person", "MP-CLI-1", "child", "--role", "missing",
                       "--father", father["id"], "--mother", mother["id"], user="cw")
    consent = ["--signed-by", "form 9", "--signed-on", "2026-01-02", "--retention-until",
               "2036-01-02", "--review-on", "2027-01-02"]
    bases = {p["label"]: cli.json("case", "consent", p["id"], *consent, user="cw")["basis_id"]
             for p in (father, mother)}
    remains = [cli.json("case", "unidentified", f"MORT-{n}", user="cw") for n in range(5)]
    for n, person in enumerate(remains):
        cli.json("case", "legal-order", person["id"], "--authority", "Coroner", "--reference",
                 f"CO-{n}", "--issued-on", "2026-02-01", user="cw")
    table = FrequencyTable("t", {m: {str(10 + i): w for i, w in enumerate(WEIGHTS)}
                                 for m in MARKERS})
    family = simulate_families(nuclear_family(["MP"], father="FA", mother="MO"), table,
                               markers=MARKERS, seed=3)
    others = simulate_unrelated(table, len(remains) - 1, markers=MARKERS, seed=4)

    def profile(sample: str, texts: dict[str, tuple[str, str]]) -> Profile:
        return Profile(sample, {m: Genotype(a, b) for m, (a, b) in texts.items()})

    lab_file = tmp_path / "plate-1.txt"
    lab_file.write_text(format_genemapper(
        [profile("MP-CLI-1/father", family.genotype_texts(0, "FA")),
         profile("MP-CLI-1/mother", family.genotype_texts(0, "MO")),
         profile(remains[0]["id"], family.genotype_texts(0, "MP"))]
        + [profile(p["id"], others.genotype_texts(i)) for i, p in enumerate(remains[1:])]))

    enrolled = json.loads(cli.run("import", str(lab_file), "--kit", "Identifiler", "--json",
                                  user="lab").stdout)
    # The installation's settings: θ from REUNITE_THETA, the male rate from a config file.
    config = tmp_path / "reunite.toml"
    config.write_text("mutation_rate_male = 0.004\n")
    configured = {"REUNITE_THETA": "0.03", "REUNITE_CONFIG": str(config)}
    searched = cli.json("search", "run", "--kind", "screen", "--case", "MP-CLI-1",
                        "--threshold", "1000", user="lab", env=configured)
    plain = cli.json("search", "run", "--kind", "screen", "--case", "MP-CLI-1",
                     "--threshold", "1000", user="lab")
    listed = cli.json("candidates", "--case", "MP-CLI-1", user="rev1")
    shown = cli.json("candidates", "--candidate", listed[0]["id"], user="rev1")
    first = cli.json("review", listed[0]["id"], "--confirm", "--reason", "LR high", user="rev1")
    again = cli.run("review", listed[0]["id"], "--confirm", "--reason", "again", user="rev1",
                    code=5)
    refused = cli.run("review", listed[0]["id"], "--reject", "--reason", "no", user="lab",
                      code=3)
    second = cli.json("review", listed[0]["id"], "--confirm", "--reason", "agree", user="rev2")
    withdrawn = cli.json("withdraw", bases["mother"], "--reason", "consent withdrawn",
                         user="dpo")

    assert case["reference"] == "MP-CLI-1"
    assert missing["role"] == "missing"
    assert enrolled["imported"] == 7
    assert searched["candidates_stored"] == 1
    assert plain["candidates_stored"] == 0  # once per (case, profile)
    assert (searched["settings"]["theta"], plain["settings"]["theta"]) == (0.03, 0.0)
    assert searched["settings"]["mutation"]["male"] == {"model": "equal", "rate": 0.004}
    assert searched["hits"][0]["log10_lr"] != plain["hits"][0]["log10_lr"]
    assert shown[0]["settings"] == searched["settings"]
    assert shown[0]["log10_lr"] == pytest.approx(searched["hits"][0]["log10_lr"], rel=1e-12)
    assert [c["target_person_id"] for c in listed] == [remains[0]["id"]]
    assert set(shown[0]["per_marker_log10_lr"]) == set(MARKERS)
    assert first["status"] == "awaiting-second-review"
    assert "second, different reviewer" in again.stderr
    assert "Traceback" not in again.stderr + refused.stderr
    assert second["status"] == "confirmed"
    assert withdrawn["expunged_profiles"] == [enrolled["profile_ids"]["MP-CLI-1/mother"]]


def test_import__admin_may_not_import_and_unknown_samples_exit_2(cli: Cli,
                                                                 tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("Sample Name\tMarker\tAllele 1\tAllele 2\r\nNOBODY/x\tTH01\t6\t7\r\n")
    cli.json("user", "add", "lab2", "--role", "lab-analyst", user="admin")

    refused = cli.run("import", str(bad), user="admin", code=3)
    unknown = cli.run("import", str(bad), user="lab2", code=2)

    assert "may not import-profiles" in refused.stderr
    assert "NOBODY/x" in unknown.stderr


def test_enrol__one_profile_for_one_person(cli: Cli, tmp_path: Path) -> None:
    cli.json("user", "add", "cw2", "--role", "case-worker", user="admin")
    cli.json("case", "open", "MP-CLI-2", user="cw2")
    aunt = cli.json("case", "add-person", "MP-CLI-2", "aunt", user="cw2")
    cli.json("case", "consent", aunt["id"], "--signed-by", "form 10", "--signed-on",
             "2026-01-02", "--retention-until", "2036-01-02", "--review-on", "2027-01-02",
             user="cw2")
    profile = tmp_path / "aunt.json"
    profile.write_text(json.dumps({"id": "lab-7", "genotypes": {"TH01": ["10", "11"]}}))

    enrolled = cli.json("enrol", str(profile), "--person", aunt["id"], user="cw2")
    no_person = cli.run("enrol", str(profile), user="cw2", code=2)

    assert enrolled["imported"] == 1
    assert "--person" in no_person.stderr + no_person.stdout


def test_console_script__smoke(tmp_path: Path) -> None:
    """The installed ``reunite`` starts, maps an error to its exit code, prints no traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REUNITE_")}
    env["REUNITE_DATA_DIR"] = str(tmp_path / "nothing-here")

    done = subprocess.run([REUNITE, "candidates", "--json"], capture_output=True, text=True,
                          env=env, timeout=120, check=False)

    assert done.returncode == 7  # configuration error: no master key
    assert done.stderr.startswith("error:")
    assert "Traceback" not in done.stderr
