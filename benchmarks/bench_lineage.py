"""Lineage-marker benchmarks; prints one JSON object on its last line.

1. Y-STR match statistics (count, Clopper–Pearson and the other estimators) of one
   17-locus query against a database of 100,000 haplotypes: median wall time.
2. Lineage LR (3 meioses, YHRD rates) against the same database.
3. Discrete Laplace fits with 1–5 clusters (BIC choice) to 2,000 of those haplotypes.

The database is simulated from a 4-cluster discrete Laplace mixture over the Yfiler loci
(dispersions 0.05–0.3), seeded; DYS385 is a two-copy locus.
"""

from __future__ import annotations

import json
import statistics
import time

import numpy as np

from reunite.genetics.kits import get_kit
from reunite.genetics.profile import YHaplotype
from reunite.stats.lineage import lineage_lr, match_statistics, select_discrete_laplace

RNG = np.random.default_rng(20261204)


def simulate(n: int) -> list[YHaplotype]:
    markers = get_kit("Yfiler").markers
    columns = len(markers) + 1  # DYS385 has two copies
    centres = RNG.integers(10, 30, size=(4, columns))
    dispersion = RNG.uniform(0.05, 0.3, size=(4, columns))
    cluster = RNG.choice(4, size=n, p=[0.4, 0.3, 0.2, 0.1])
    p = dispersion[cluster]
    # A discrete Laplace variate is the difference of two geometric variates.
    steps = RNG.geometric(1 - p) - RNG.geometric(1 - p)
    values = centres[cluster] + steps
    out = []
    for i, row in enumerate(values):
        alleles: dict[str, object] = {}
        column = 0
        for marker in markers:
            if marker == "DYS385":
                alleles[marker] = [str(row[column]), str(row[column + 1])]
                column += 2
            else:
                alleles[marker] = str(row[column])
                column += 1
        out.append(YHaplotype.from_mapping(f"M{i}", alleles))
    return out


def timed(fn: object, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    database = simulate(100_000)
    query, relative = database[7], database[8]
    count_s = timed(lambda: match_statistics(query, database), 5)
    lr_s = timed(lambda: lineage_lr(query, relative, database, meioses=3), 5)
    sample = database[:2000]
    start = time.perf_counter()
    selection = select_discrete_laplace(sample)
    fit_s = time.perf_counter() - start
    print(json.dumps({
        "match_statistics_100k_s": round(count_s, 4),
        "lineage_lr_100k_s": round(lr_s, 4),
        "discrete_laplace_1_to_5_clusters_2000_s": round(fit_s, 3),
        "discrete_laplace_best_clusters": selection.best.clusters,
    }))


if __name__ == "__main__":
    main()
