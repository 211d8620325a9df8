"""How often the true missing person is ranked first by the pedigree screen.

For each scenario of :data:`reunite.simulate.SCENARIOS` (both parents typed; one parent;
one sibling; one grandparent and one uncle), ``--families`` families are simulated from
the NIST 1036 frequencies at 24 autosomal loci by gene dropping with mutation (equal model,
rate ``--mutation-rate`` per meiosis); their missing persons are hidden in a database of
``--database`` unrelated simulated people (plus every other family's missing person).
Each family is screened against the whole database with the engine (tables of
P(g | family) / P(g) from the exact likelihood engine, same mutation model; scan kernel),
and the rank of its true missing person is recorded. Ranked first means a strictly larger
LR than every other profile.

    .venv/bin/python validation/missing_person_ranking.py --families 100 --database 10000

Prints progress on stderr and one JSON object on the last line of stdout.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from reunite.genetics.frequencies import FrequencyTable
from reunite.io.frequencies import read_nist_1036_frequencies
from reunite.search import FamilyCase, ProfileMatrix
from reunite.search._kernels import get_backend
from reunite.search.screen import family_log_lr_table, screening_markers
from reunite.search.settings import SearchSettings
from reunite.services.search_gate import governance_policy
from reunite.simulate import SCENARIOS, get_scenario, simulate_families, simulate_unrelated
from reunite.stats.mutation import MutationSpec

SHARED = Path(os.environ.get("REUNITE_SHARED_DIR",
                             Path(__file__).resolve().parents[2] / "shared"))
MARKERS = (
    "CSF1PO", "D1S1656", "D2S441", "D2S1338", "D3S1358", "D5S818", "D7S820", "D8S1179",
    "D10S1248", "D12S391", "D13S317", "D16S539", "D18S51", "D19S433", "D21S11", "D22S1045",
    "FGA", "TH01", "TPOX", "vWA", "Penta D", "Penta E", "D6S1043", "F13A01",
)
LN10 = math.log(10.0)


def frequencies() -> FrequencyTable:
    path = SHARED / "data" / "nist-1036-us-population" / "nist1036_allele_frequencies.csv"
    return read_nist_1036_frequencies(path).restricted_to(MARKERS)


def run_scenario(name: str, n_families: int, n_database: int, rate: float, seed: int
                 ) -> dict[str, Any]:
    """Simulate, screen and rank one scenario (runs in a worker process)."""
    freqs = frequencies()
    scenario = get_scenario(name)
    mutation = MutationSpec("equal", rate=rate) if rate > 0 else None
    fams = simulate_families(scenario.pedigree, freqs, n_families=n_families,
                             markers=MARKERS, mutation=mutation, seed=seed)
    people = simulate_unrelated(freqs, n_database, markers=MARKERS, seed=seed + 1)
    matrix = ProfileMatrix.from_allele_indices(list(people.ids), people.markers,
                                               people.alleles, people.indices,
                                               frequency_table_id=freqs.name)
    missing = fams.person(scenario.missing)
    matrix.add_allele_indices(list(missing.ids), missing.indices, missing.alleles)
    families = [FamilyCase(fid, scenario.pedigree, scenario.missing,
                           {p: fams.genotype_texts(i, p) for p in scenario.typed})
                for i, fid in enumerate(fams.family_ids)]
    markers = screening_markers(matrix, freqs, families, settings=SearchSettings(
        mutation_female=mutation, mutation_male=mutation))
    backend = get_backend()
    ids = matrix.ids_of(np.arange(matrix.n_rows))
    rows = {pid: r for r, pid in enumerate(ids)}
    ranks, true_log10, best_other = [], [], []
    for family in families:
        table = family_log_lr_table(family, matrix, markers)
        scores = backend.screen_scores(matrix.codes, matrix.alive, table)
        own = rows[f"{family.family_id}:{scenario.missing}"]
        mine = scores[own]
        others = np.delete(scores, own)
        ranks.append(1 + int((others >= mine).sum()))
        true_log10.append(mine / LN10)
        best_other.append(float(others.max()) / LN10)
    ranks_a = np.array(ranks)
    true_a = np.array(true_log10)
    return {
        "scenario": name, "typed": list(scenario.typed), "families": n_families,
        "database": matrix.n_rows, "markers": len(MARKERS),
        "mutation": mutation.to_dict() if mutation else None,
        "ranked_first": float(np.mean(ranks_a == 1)),
        "in_top_10": float(np.mean(ranks_a <= 10)),
        "median_rank": float(np.median(ranks_a)),
        "true_log10_lr_median": float(np.median(true_a)),
        "true_log10_lr_5th_percentile": float(np.percentile(true_a, 5)),
        "true_lr_at_least_10000": float(np.mean(true_a >= 4)),
        "largest_unrelated_log10_lr": float(np.max(best_other)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=100)
    parser.add_argument("--database", type=int, default=10_000)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--mutation-rate", type=float, default=0.001)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    governance_policy("reference-family", "unidentified-remains", purpose="identification")
    names = [s for s in args.scenarios.split(",") if s]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        futures = {name: pool.submit(run_scenario, name, args.families, args.database,
                                     args.mutation_rate, args.seed + 10 * n)
                   for n, name in enumerate(names)}
        results = {}
        for name, future in futures.items():
            results[name] = future.result()
            print(f"{name}: ranked first {results[name]['ranked_first']:.3f}",
                  file=sys.stderr)
    print(json.dumps({"scenarios": results, "seconds": time.perf_counter() - started}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
