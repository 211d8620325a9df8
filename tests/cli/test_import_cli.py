"""``reunite import`` and ``reunite export``, each command run in process."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from support.cli import run_cli

PASSWORD = "import-cli-password"

# Simulated genotypes.
CLEAN = ("Sample Name\tMarker\tAllele 1\tAllele 2\n"
         "S1\tD3S1358\t14\t16\nS1\tvWA\t17\t\nS2\tD3S1358\t15\t15\nS2\tTH01\t9.3\tOL\n")
MIXED = CLEAN + "S3\tD3S1358\t14\t15\nS3\tvWA\t14\t15\nS3\tvWA\t16\t17\n"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(list(args))


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    path = tmp_path / "clean.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + CLEAN.encode("utf-16-le"))
    return path


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    path = tmp_path / "mixed.txt"
    path.write_text(MIXED, encoding="utf-8")
    return path


class TestImportCli:
    def test_help_has_an_example(self) -> None:
        done = run("import", "--help")

        assert done.returncode == 0
        assert "reunite import --dry-run" in done.stdout

    def test_dry_run_json__clean_utf16_file(self, clean: Path) -> None:
        done = run("import", "--dry-run", "--json", str(clean))
        report = json.loads(done.stdout)

        assert done.returncode == 0
        assert report["format"] == "genemapper"
        assert report["importable"] == ["S1", "S2"]
        assert report["counts"]["warnings"] == 1
        assert report["problems"][0]["code"] == "off-ladder"
        assert report["problems"][0]["line"] == 5

    def test_dry_run__errors_are_listed_and_exit_2(self, mixed: Path) -> None:
        done = run("import", "--dry-run", str(mixed))

        assert done.returncode == 2
        assert "marker given twice" in done.stdout
        assert "S3" in done.stdout
        assert "nothing would be imported" in done.stderr
        assert "Traceback" not in done.stderr

    def test_dry_run__skip_bad_lists_the_skipped(self, mixed: Path) -> None:
        done = run("import", "--dry-run", "--skip-bad", "--json", str(mixed))
        report = json.loads(done.stdout)

        assert done.returncode == 0
        assert report["importable"] == ["S1", "S2"]
        assert report["skipped"] == ["S3"]
        assert report["counts"]["by_code"] == {"off-ladder": 1, "duplicate-marker": 1}

    def test_dry_run__refused_cmf_category(self, shared_data: Path) -> None:
        path = shared_data / "osiris-codis-cmf/CODIS-32.AppendixAexample.xml"
        done = run("import", "--dry-run", "--json", str(path))
        report = json.loads(done.stdout)

        assert done.returncode == 2
        refused = [p for p in report["problems"] if p["code"] == "refused-category"]
        assert [(p["sample"], p["value"]) for p in refused] == [
            ("IMP_0001A", "Forensic, Unknown"), ("IMP_0001B", "Forensic, Unknown")]

    def test_dry_run__unreadable_file(self, tmp_path: Path) -> None:
        path = tmp_path / "latin1.txt"
        path.write_bytes("Sample Name\tMarker\tAllele 1\nSøren\tvWA\t14\n".encode("latin-1"))
        done = run("import", "--dry-run", "--json", str(path))
        report = json.loads(done.stdout)

        assert done.returncode == 2
        assert report["readable"] is False
        assert report["problems"][0]["code"] == "encoding"
        assert report["problems"][0]["line"] == 2

    def test_dry_run__named_encoding(self, tmp_path: Path) -> None:
        path = tmp_path / "cp1252.txt"
        path.write_bytes("Sample Name\tMarker\tAllele 1\nSøren\tvWA\t14\n".encode("cp1252"))
        done = run("import", "--dry-run", "--json", "--encoding", "cp1252", str(path))

        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["importable"] == ["Søren"]

    def test_without_dry_run__stores_for_named_people(self, tmp_path: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("REUNITE_")}
        env.update({"REUNITE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200",
                    "REUNITE_ADMIN_PASSWORD": PASSWORD, "REUNITE_NEW_PASSWORD": PASSWORD,
                    "REUNITE_PASSWORD": PASSWORD})

        def cli(*args: str, user: str | None = None, code: int = 0) -> Any:
            done = run_cli([*args, "--json"],
                           env={**env, **({"REUNITE_USER": user} if user else {})})
            assert done.returncode == code, (args, done.stdout, done.stderr)
            return json.loads(done.stdout) if code == 0 else done

        table = tmp_path / "table.csv"
        table.write_text("marker,allele,frequency\n" + "".join(
            f"{m},{a},0.125\n" for m in ("D3S1358", "vWA", "TH01")
            for a in ("9.3", "14", "15", "16", "17", "18", "OL", "13")))
        cli("init", "-f", str(table))
        cli("user", "add", "cw", "--role", "case-worker", user="admin")
        cli("user", "add", "lab", "--role", "lab-analyst", user="admin")
        cli("case", "open", "MP-9", "--missing-since", "2025-03-01", user="cw")
        for label in ("S1", "S2"):
            person = cli("case", "add-person", "MP-9", label, user="cw")
            cli("case", "consent", person["id"], "--signed-by", "form 9", "--signed-on",
                "2026-01-02", "--retention-until", "2036-01-02", "--review-on",
                "2027-01-02", user="cw")
        plate = tmp_path / "plate.txt"
        plate.write_text(CLEAN.replace("S1\t", "MP-9/S1\t").replace("S2\t", "MP-9/S2\t"))
        stranger = tmp_path / "stranger.txt"
        stranger.write_text(CLEAN)

        refused = cli("import", str(stranger), user="lab", code=2)
        done = cli("import", str(plate), "--kit", "GlobalFiler", user="lab")

        assert "names no enrolled person" in refused.stderr
        assert done["imported"] == 2
        assert set(done["profile_ids"]) == {"MP-9/S1", "MP-9/S2"}

    def test_unknown_format_option(self, clean: Path) -> None:
        done = run("import", "--dry-run", "--format", "xls", str(clean))

        assert done.returncode == 2
        assert "unknown format" in done.stderr


class TestExportCli:
    def test_export__genemapper_to_ped_to_cmf_and_back(self, clean: Path, tmp_path: Path
                                                       ) -> None:
        ped = tmp_path / "out.ped"
        cmf = tmp_path / "out.xml"
        first = run("export", "--format", "ped", "--out", str(ped), str(clean))
        second = run("export", "--format", "cmf", "--out", str(cmf), "--category",
                     "reference-direct", "--source-lab", "XX0000000", "--destination-ori",
                     "XX0000000", "--submitted-by", "analyst", str(ped))
        back = run("import", "--dry-run", "--json", str(cmf))

        assert (first.returncode, second.returncode) == (0, 0), second.stderr
        report = json.loads(back.stdout)
        assert report["importable"] == ["S1", "S2"]
        assert {s["index"] for s in report["samples"]} == {"reference-direct"}

    def test_export__criminal_category_refused(self, clean: Path, tmp_path: Path) -> None:
        done = run("export", "--format", "cmf", "--out", str(tmp_path / "x.xml"),
                   "--category", "Arrestee", "--source-lab", "X", "--destination-ori", "X",
                   "--submitted-by", "me", str(clean))

        assert done.returncode == 2
        assert "criminal-justice" in done.stderr
        assert not (tmp_path / "x.xml").exists()

    def test_export__refuses_to_overwrite_and_bad_input(self, mixed: Path, clean: Path,
                                                        tmp_path: Path) -> None:
        out = tmp_path / "o.json"
        out.write_text("{}")
        exists = run("export", "--format", "json", "--out", str(out), str(clean))
        bad = run("export", "--format", "json", "--out", str(tmp_path / "n.json"), str(mixed))
        skipped = run("export", "--format", "json", "--skip-bad", "--json", "--out",
                      str(tmp_path / "s.json"), str(mixed))

        assert exists.returncode == 2
        assert "exists" in exists.stderr
        assert bad.returncode == 2
        assert "line 7" in bad.stderr
        assert json.loads(skipped.stdout)["skipped"] == ["S3"]
