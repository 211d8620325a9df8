"""Import speed: parse a 100,000-sample GeneMapper genotypes table (profiles per second).

The table is simulated in a temporary directory: 100,000 unrelated people, genotypes drawn
(Hardy–Weinberg, two independent alleles) from the NIST 1036 "All" frequency table when
``../shared/data`` is present, else from a synthetic 20-locus table; 20 CODIS loci plus
amelogenin, one row per sample and marker (2.1 M rows), tab separated, as GeneMapper ID-X
exports it. Timed: :func:`reunite.io.genemapper.read_genemapper` (decode, parse, check,
build frozen profiles), best of ``REPEATS`` runs, wall clock and CPU time (the CPU time
is the steadier figure on a shared machine; the load average is reported with it).

End to end (``end_to_end_*``): a second table of ``BENCH_E2E_SAMPLES`` samples (20,000,
the batch size of bench_storage.py; 0 skips it) is read and stored with
:func:`reunite.services.importing.import_read_result` into a fresh encrypted SQLite
database (basis checks, AES-GCM sealing, audit chain, one commit), each sample naming a
relative enrolled beforehand with a valid consent (not timed, as in bench_storage.py).
DESIGN target: >= 20,000 profiles/s from a lab table into SQLite, encrypted. Prints one
JSON object on its last line.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.kits import get_kit
from reunite.governance.consent import Consent, ConsentScope
from reunite.governance.indices import Index, PersonRole
from reunite.governance.roles import Actor
from reunite.io.frequencies import read_nist_1036_frequencies
from reunite.io.genemapper import read_genemapper
from reunite.services.enrolment import basis_to_record, new_id
from reunite.services.importing import SampleTarget, import_read_result
from reunite.storage import migrate
from reunite.storage.crypto import MasterKey
from reunite.storage.db import create_engine_for
from reunite.storage.records import CaseRecord, PersonRecord
from reunite.storage.repositories import SqlStore

N_SAMPLES = int(os.environ.get("BENCH_IMPORT_SAMPLES", "100000"))
REPEATS = int(os.environ.get("BENCH_IMPORT_REPEATS", "3"))
E2E_SAMPLES = int(os.environ.get("BENCH_E2E_SAMPLES", "20000"))
SEED = 20261125
LAB = Actor.of("bench", ["lab-analyst"])


def _table() -> tuple[FrequencyTable, str]:
    shared = Path(os.environ.get("REUNITE_SHARED_DIR",
                                 Path(__file__).resolve().parents[2] / "shared"))
    path = shared / "data/nist-1036-us-population/nist1036_allele_frequencies.csv"
    if path.is_file():
        return read_nist_1036_frequencies(path), "NIST 1036 All"
    rng = np.random.default_rng(SEED)
    table = {m: {str(a): float(w) for a, w in zip(range(6, 18), rng.dirichlet(np.ones(12)),
                                                   strict=True)}
             for m in get_kit("CODIS").markers}
    return FrequencyTable("synthetic", table), "synthetic"


def _write_table(path: Path, table: FrequencyTable, n_samples: int = N_SAMPLES) -> int:
    rng = np.random.default_rng(SEED)
    markers = [m for m in get_kit("CODIS").markers if m in table]
    draws = {}
    for marker in markers:
        alleles = [a.text for a in table.frequencies(marker)]
        weights = np.array(list(table.frequencies(marker).values()))
        draws[marker] = (np.array(alleles, dtype=object),
                         rng.choice(len(alleles), size=(n_samples, 2), p=weights / weights.sum()))
    sexes = rng.integers(0, 2, size=n_samples)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Sample Name\tMarker\tDye\tAllele 1\tAllele 2\tHeight 1\tHeight 2\r\n")
        for i in range(n_samples):
            sample = f"LAB26-{i:06d}"
            out.write(f"{sample}\tAMEL\tB\tX\t{'Y' if sexes[i] else ''}\t1200\t1100\r\n")
            for marker in markers:
                names, idx = draws[marker]
                a, b = sorted((idx[i, 0], idx[i, 1]))
                second = "" if a == b else names[b]
                out.write(f"{sample}\t{marker}\tB\t{names[a]}\t{second}\t900\t850\r\n")
    return len(markers) + 1


def _enrol_relatives(store: SqlStore, samples: list[str]) -> dict[str, SampleTarget]:
    """One opened case with a consenting relative per sample id (the import's targets)."""
    consent = Consent("form", date(2026, 1, 1),
                      ConsentScope(frozenset({Index.REFERENCE_FAMILY})), False,
                      date(2036, 1, 1), date(2031, 1, 1))
    case_id = new_id()
    people = [PersonRecord(new_id(), case_id, PersonRole.RELATIVE.value, sample)
              for sample in samples]
    bases = [basis_to_record(consent, basis_id=new_id(), person_id=p.id) for p in people]
    with store.transaction() as repos:
        repos.cases.add_case(CaseRecord(case_id, f"MP-{case_id[-12:]}", date(2026, 1, 1)))
        repos.cases.add_people(people)
        repos.bases.add_many(bases)
    return {p.label: SampleTarget(p.id, b.id) for p, b in zip(people, bases, strict=True)}


def _end_to_end(tmp: Path, table: FrequencyTable) -> dict[str, object]:
    """Read a table and store it encrypted into SQLite; best of REPEATS (fresh databases)."""
    path = tmp / "e2e.txt"
    _write_table(path, table, E2E_SAMPLES)
    samples = [f"LAB26-{i:06d}" for i in range(E2E_SAMPLES)]
    walls: list[float] = []
    cpus: list[float] = []
    stored = 0
    for r in range(REPEATS):
        engine = create_engine_for(f"sqlite:///{tmp / f'e2e-{r}.sqlite3'}")
        try:
            migrate.upgrade(engine)
            store = SqlStore(engine)
            targets = _enrol_relatives(store, samples)
            master = MasterKey.generate()
            start, start_cpu = time.perf_counter(), time.process_time()
            result = read_genemapper(path)
            ids = import_read_result(store, master, LAB, result, targets, kit="CODIS",
                                     lab="bench", batch=f"e2e-{r}")
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - start_cpu)
            stored = len(ids)
        finally:
            engine.dispose()
    return {
        "end_to_end_samples": E2E_SAMPLES,
        "end_to_end_profiles_stored": stored,
        "end_to_end_s_all": [round(t, 3) for t in walls],
        "end_to_end_sqlite_profiles_per_s": round(stored / min(walls)),
        "end_to_end_sqlite_profiles_per_cpu_s": round(stored / min(cpus)),
        "end_to_end_target_profiles_per_s": 20_000,
    }


def main() -> None:
    table, table_name = _table()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "genotypes.txt"
        start = time.perf_counter()
        n_markers = _write_table(path, table)
        generate_s = time.perf_counter() - start
        size = path.stat().st_size
        timings = []
        cpu = []
        n_profiles = 0
        for _ in range(REPEATS):
            start = time.perf_counter()
            start_cpu = time.process_time()
            result = read_genemapper(path)
            timings.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            n_profiles = len(result.profiles)
            del result
        path.unlink()
        end_to_end = _end_to_end(Path(tmp), table) if E2E_SAMPLES > 0 else {}
    best = min(timings)
    best_cpu = min(cpu)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"parsed {n_profiles} profiles in {best:.2f} s", file=sys.stderr)
    print(json.dumps({
        "benchmark": "import_genemapper",
        "samples": N_SAMPLES,
        "profiles": n_profiles,
        "markers_per_profile": n_markers,
        "rows": N_SAMPLES * n_markers,
        "file_mb": round(size / 2**20, 1),
        "frequency_table": table_name,
        "generate_s": round(generate_s, 2),
        "parse_s_best": round(best, 3),
        "parse_s_all": [round(t, 3) for t in timings],
        "cpu_s_best": round(best_cpu, 3),
        "profiles_per_s": round(n_profiles / best),
        "profiles_per_cpu_s": round(n_profiles / best_cpu),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "rows_per_s": round(N_SAMPLES * n_markers / best),
        "peak_rss_mb": round(peak_rss_mb),
        **end_to_end,
        "python": sys.version.split()[0],
    }))


if __name__ == "__main__":
    main()
