"""Search throughput: the five workloads of issue 6, at sizes given on the command line.

    .venv/bin/python benchmarks/bench_search.py                 # 1 M indexed profiles
    .venv/bin/python benchmarks/bench_search.py --n 10000000    # the 10 M targets
    REUNITE_BENCH_N=10000000 REUNITE_BENCH_BLIND_FAMILIES=100000 .venv/bin/python ...

Profiles are simulated from the NIST 1036 allele frequencies (all populations) at 24
autosomal loci (the 20 CODIS core loci plus Penta D, Penta E, D6S1043, F13A01); with
D12S391, D21S11, FGA, D6S1043 above 22 alleles the codes are uint16 (48 bytes per profile).
Blind-search family tables are random log-LRs (the kernel's speed does not depend on the
values; real tables cost the statistics engine's time, measured separately in "screen").

Prints progress to stderr and ONE JSON object on the last line of stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.pedigree import nuclear_family
from reunite.io.frequencies import read_nist_1036_frequencies
from reunite.search import ProfileMatrix, blind_search, direct_match, exact_match
from reunite.search._kernels import get_backend
from reunite.search.encode import pair_to_code
from reunite.search.screen import (
    FamilyCase,
    exact_missing_person_lrs,
    family_log_lr_table,
    screening_markers,
)
from reunite.search.settings import SearchSettings
from reunite.simulate import simulate_families, simulate_unrelated

MARKERS = (
    "CSF1PO", "D1S1656", "D2S441", "D2S1338", "D3S1358", "D5S818", "D7S820", "D8S1179",
    "D10S1248", "D12S391", "D13S317", "D16S539", "D18S51", "D19S433", "D21S11", "D22S1045",
    "FGA", "TH01", "TPOX", "vWA", "Penta D", "Penta E", "D6S1043", "F13A01",
)
NIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "nist-1036-us-population"
MEMORY_BANDWIDTH = 25e9  # bytes/s, DESIGN.md's floor on the 2-core machine
LOOKUP_FLOOR = 65e6  # profile-pair look-up scores per second, DESIGN.md


def allow(query_index: str, target_index: str, *, purpose: str) -> None:
    """Benchmarks compare reference against unidentified, which the matrix allows."""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def frequencies() -> FrequencyTable:
    path = Path(os.environ.get("REUNITE_SHARED_DIR", NIST.parents[1])) / "data" / \
        "nist-1036-us-population" / "nist1036_allele_frequencies.csv"
    return read_nist_1036_frequencies(path).restricted_to(MARKERS)


def build_matrix(freqs: FrequencyTable, n: int, seed: int) -> ProfileMatrix:
    """Codes drawn column by column (HW), without ever holding (n, L, 2) int64 arrays."""
    rng = np.random.default_rng(seed)
    alleles = [[a.text for a in freqs.alleles(m)] for m in MARKERS]
    matrix = ProfileMatrix(MARKERS, frequency_table_id=freqs.name, alleles=alleles)
    step = 1_000_000
    for start in range(0, n, step):
        size = min(step, n - start)
        codes = np.empty((size, len(MARKERS)), dtype=matrix.code_dtype)
        for k, m in enumerate(MARKERS):
            p = np.array([freqs.frequency(m, a) for a in freqs.alleles(m)])
            cdf = np.cumsum(p / p.sum())
            a = np.searchsorted(cdf, rng.random(size), side="right").clip(0, len(p) - 1)
            b = np.searchsorted(cdf, rng.random(size), side="right").clip(0, len(p) - 1)
            lo, hi = np.minimum(a, b), np.maximum(a, b)
            codes[:, k] = hi * (hi + 1) // 2 + lo + 1
        matrix.add_codes([f"U{start + i:08d}" for i in range(size)], codes)
    return matrix


CPU_TIMES: dict[str, float] = {}
"""Median process CPU seconds (all threads) per labelled kernel: on a shared machine the
wall time depends on other users' load; CPU time / threads estimates the unloaded wall."""


def timed(fn: Any, repeat: int, label: str | None = None) -> list[float]:
    out, cpu = [], []
    for _ in range(repeat):
        c = time.process_time()
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    if label is not None:
        CPU_TIMES[label] = statistics.median(cpu)
    return out


def texts_of(matrix: ProfileMatrix, row: int) -> dict[str, tuple[str, str]]:
    from reunite.search.encode import code_to_pair

    out = {}
    for k, m in enumerate(matrix.markers):
        c = int(matrix.codes[row, k])
        if c:
            i, j = code_to_pair(c)
            out[m] = (matrix.alleles(k)[i], matrix.alleles(k)[j])
    return out


def bench_direct(matrix: ProfileMatrix, freqs: FrequencyTable) -> dict[str, Any]:
    rng = np.random.default_rng(5)
    rows = rng.choice(matrix.n_rows, size=200, replace=False)
    queries = [texts_of(matrix, int(r)) for r in rows]
    # exact: hash look-up; includes encoding the query
    exact_times = [timed(lambda q=q: exact_match(matrix, q, query_index="reference-direct",
                                                 target_index="unidentified-remains",
                                                 policy=allow), 1)[0] for q in queries]
    found = exact_match(matrix, queries[0], query_index="a", target_index="b", policy=allow)
    assert matrix.ids_of([rows[0]])[0] in found
    out: dict[str, Any] = {"exact_hash_lookup_ms_median": statistics.median(exact_times) * 1e3,
                           "exact_hash_lookup_ms_p95": float(np.percentile(exact_times, 95)) * 1e3}
    engine = get_backend()
    for stringency in ("high", "low"):
        q = queries[1]
        run = lambda q=q, s=stringency: direct_match(  # noqa: E731
            matrix, q, settings=SearchSettings(), query_index="a", target_index="b",
            policy=allow, stringency=s, min_shared=12, max_mismatch=1, frequencies=freqs)
        run()
        times = timed(run, 7)
        hits = len(run().hits)
        # Kernel alone (what the bound applies to): the stringency scan.
        from reunite.search.direct import Stringency, stringency_table

        table = stringency_table(matrix, matrix.encode_query(q), Stringency(stringency))
        kernel = timed(lambda t=table: engine.direct_scan(matrix.codes, matrix.alive, t, 1, 12),
                       7, f"direct_{stringency}_kernel")
        out[f"stringency_{stringency}_1mismatch_ms_median"] = statistics.median(times) * 1e3
        out[f"stringency_{stringency}_kernel_ms_median"] = statistics.median(kernel) * 1e3
        out[f"stringency_{stringency}_hits"] = hits
    bytes_scanned = matrix.codes.nbytes + matrix.alive.nbytes
    out["bytes_scanned"] = bytes_scanned
    out["memory_bandwidth_floor_ms"] = bytes_scanned / MEMORY_BANDWIDTH * 1e3
    return out


def bench_screen(matrix: ProfileMatrix, freqs: FrequencyTable) -> dict[str, Any]:
    ped = nuclear_family(("MP", "SIB"))
    fams = simulate_families(ped, freqs, n_families=1, seed=9, markers=MARKERS)
    family = FamilyCase("bench", ped, "MP", {"FA": fams.genotype_texts(0, "FA"),
                                              "MO": fams.genotype_texts(0, "MO")})
    matrix.add_genotype_texts(["bench:MP"], [fams.genotype_texts(0, "MP")])
    engine = get_backend()
    c = time.process_time()
    t = time.perf_counter()
    # The installation default: equal mutation model, rate 0.001 (no exclusions).
    markers = screening_markers(matrix, freqs, [family], settings=SearchSettings())
    table = family_log_lr_table(family, matrix, markers)
    table_s = time.perf_counter() - t
    CPU_TIMES["screen_table_build"] = time.process_time() - c
    k = 10
    engine.screen_select(matrix.codes, matrix.alive, table, k, np.log(1e4))
    kernel = timed(lambda: engine.screen_select(matrix.codes, matrix.alive, table, k,
                                                np.log(1e4)), 5, "screen_scan")
    rows, scores = engine.screen_select(matrix.codes, matrix.alive, table, k, np.log(1e4))
    best = rows[np.argsort(-scores)[:k]]
    assert matrix.ids_of(best[:1]) == ["bench:MP"]
    c = time.process_time()
    t = time.perf_counter()
    exact_missing_person_lrs(family, matrix, [int(r) for r in best], markers, theta=0.0)
    rescore_s = time.perf_counter() - t
    CPU_TIMES["screen_exact_rescore_top10"] = time.process_time() - c
    kernel_s = statistics.median(kernel)
    return {
        "family": "both parents typed, 24 markers, equal mutation 0.001",
        "table_build_s": table_s,
        "scan_topk_ms_median": kernel_s * 1e3,
        "exact_rescore_top10_ms": rescore_s * 1e3,
        "scan_plus_rescore_s": kernel_s + rescore_s,
        "total_with_table_s": table_s + kernel_s + rescore_s,
        "profiles_per_s_scan": matrix.n_rows / kernel_s,
        "lookup_floor_ms": matrix.n_rows / LOOKUP_FLOOR * 1e3,
        "memory_bandwidth_floor_ms": matrix.codes.nbytes / MEMORY_BANDWIDTH * 1e3,
    }


def bench_blind(freqs: FrequencyTable, n_profiles: int, n_families: int,
                block_size: int) -> dict[str, Any]:
    sim = simulate_unrelated(freqs, n_profiles, markers=MARKERS, seed=11)
    matrix = ProfileMatrix.from_allele_indices(list(sim.ids), sim.markers, sim.alleles,
                                               sim.indices)
    rng = np.random.default_rng(12)
    width = matrix.table_width
    pool = rng.normal(size=(4, len(MARKERS), width, block_size)).astype(np.float32)
    pool[:, :, 0, :] = 0.0

    def tables(start: int, stop: int) -> np.ndarray[Any, Any]:
        return pool[(start // block_size) % 4, :, :, : stop - start]

    ids = [f"F{i:06d}" for i in range(n_families)]
    # warm-up (compilation) on a small slice
    blind_search(matrix, ids[:block_size], tables, query_index="a", target_index="b",
                 policy=allow, k=10, block_size=block_size)
    c = time.process_time()
    t = time.perf_counter()
    result = blind_search(matrix, ids, tables, query_index="a", target_index="b",
                          policy=allow, k=10, block_size=block_size)
    elapsed = time.perf_counter() - t
    CPU_TIMES["blind"] = time.process_time() - c
    pairs = n_profiles * n_families
    assert len(result.by_profile) == n_profiles
    return {
        "profiles": n_profiles, "families": n_families, "block_size": block_size, "k": 10,
        "seconds": elapsed, "pairs_per_s": pairs / elapsed,
        "lookup_floor_s": pairs / LOOKUP_FLOOR,
        "table_width": width,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("REUNITE_BENCH_N",
                                                                     1_000_000)))
    parser.add_argument("--blind-profiles", type=int, default=int(os.environ.get(
        "REUNITE_BENCH_BLIND_PROFILES", 10_000)))
    parser.add_argument("--blind-families", type=int, default=int(os.environ.get(
        "REUNITE_BENCH_BLIND_FAMILIES", 10_000)))
    parser.add_argument("--block-size", type=int, default=256)
    parser.add_argument("--skip", default="", help="comma list: direct,screen,blind")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    freqs = frequencies()
    result: dict[str, Any] = {"n_indexed": args.n, "markers": len(MARKERS),
                              "backend": get_backend().name}
    try:
        import numba

        result["threads"] = int(numba.get_num_threads())
    except ImportError:  # pragma: no cover
        result["threads"] = 1
    log(f"building {args.n} profiles")
    t = time.perf_counter()
    matrix = build_matrix(freqs, args.n, seed=1)
    result["build_s"] = time.perf_counter() - t
    parts = matrix.nbytes()
    result["memory_bytes_per_profile"] = {k: v / args.n for k, v in parts.items()}
    result["memory_bytes_per_profile"]["total"] = sum(parts.values()) / args.n
    result["code_dtype"] = str(matrix.code_dtype)
    assert pair_to_code(0, 0) == 1
    if "direct" not in skip:
        log("direct")
        result["direct"] = bench_direct(matrix, freqs)
    if "screen" not in skip:
        log("screen")
        result["screen"] = bench_screen(matrix, freqs)
    del matrix
    if "blind" not in skip:
        log("blind")
        result["blind"] = bench_blind(freqs, args.blind_profiles, args.blind_families,
                                      args.block_size)
    result["cpu_seconds"] = CPU_TIMES
    result["load_average_1min_end"] = os.getloadavg()[0]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
