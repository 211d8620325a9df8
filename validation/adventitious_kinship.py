"""Adventitious kinship among the 1,036 unrelated people of the NIST U.S. population set.

Every ordered pair (reference i, candidate j), i != j, is scored as parent–child and as
full siblings against unrelated, with the pairwise screening tables of
:func:`reunite.search.screen.pairwise_log_lr_table` (κ = (0, 1, 0) and (1/4, 1/2, 1/4), no
mutation, NIST "All" frequencies with the 5/2N minimum) over the 29 autosomal loci, using
the engine's scan kernel. The largest LR among these unrelated pairs is the adventitious
kinship a search of this size should expect; it is re-computed with the exact engine
(:func:`reunite.stats.lr.kinship_lr`) and printed with the distribution of LRs.

    .venv/bin/python validation/adventitious_kinship.py [--markers 24|29]

Prints one JSON object on the last line. The data are read in place from
``../shared/data/nist-1036-us-population`` (``REUNITE_SHARED_DIR`` overrides ``../shared``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from reunite.genetics.hypotheses import Hypothesis
from reunite.genetics.pedigree import full_siblings, parent_child, singletons
from reunite.io.frequencies import read_nist_1036_frequencies, read_nist_1036_genotypes
from reunite.search import ProfileMatrix
from reunite.search._kernels import get_backend
from reunite.search.screen import pairwise_log_lr_table, screening_markers
from reunite.search.settings import SearchSettings
from reunite.services.search_gate import governance_policy
from reunite.stats.lr import kinship_lr
from reunite.stats.mutation import MutationSpec

SHARED = Path(os.environ.get("REUNITE_SHARED_DIR",
                             Path(__file__).resolve().parents[2] / "shared"))
DATA = SHARED / "data" / "nist-1036-us-population"
# (kappa, pedigree, mutation): parent-child without mutation excludes on any marker with no
# shared allele; with the matching service's default allowance (equal model, 0.001) an
# inconsistent marker lowers the LR instead.
RELATIONSHIPS = {
    "parent-child": ((0.0, 1.0, 0.0), parent_child("REF", "CAND"), None),
    "parent-child-mutation-0.001": ((0.0, 1.0, 0.0), parent_child("REF", "CAND"),
                                    MutationSpec("equal", rate=0.001)),
    "full-siblings": ((0.25, 0.5, 0.25), full_siblings("REF", "CAND"), None),
}
LN10 = math.log(10.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markers", type=int, choices=(24, 29), default=29,
                        help="29: all loci; 24: without SE33 and the Penta C/F13B/FESFPS/LPL "
                             "legacy loci, i.e. the CODIS 20 + Penta D/E, D6S1043, F13A01")
    args = parser.parse_args()
    # The engine refuses without the search matrix's consent: family reference against
    # unidentified remains is an allowed identification search.
    governance_policy("reference-family", "unidentified-remains", purpose="identification")
    profiles = read_nist_1036_genotypes(DATA / "nist1036_genotypes_wide.csv")
    freqs = read_nist_1036_frequencies(DATA / "nist1036_allele_frequencies.csv")
    markers = sorted({m for p in profiles for m in p.genotypes})
    if args.markers == 24:
        markers = [m for m in markers
                   if m not in {"SE33", "Penta C", "F13B", "FESFPS", "LPL"}]
    matrix = ProfileMatrix.from_profiles(profiles, markers, frequency_table_id=freqs.name)
    texts = {p.id: {m: tuple(a.text for a in g.alleles) for m, g in p.genotypes.items()}
             for p in profiles}
    backend = get_backend()
    ids = matrix.ids_of(np.arange(matrix.n_rows))
    out: dict[str, Any] = {"people": len(profiles), "markers": len(markers),
                           "ordered_pairs": len(profiles) * (len(profiles) - 1),
                           "frequencies": freqs.name, "backend": backend.name}
    for name, (kappa, pedigree, mutation) in RELATIONSHIPS.items():
        kinship = screening_markers(matrix, freqs, settings=SearchSettings(
            mutation_female=mutation, mutation_male=mutation))
        used = [m for m in kinship if m is not None]
        t = time.perf_counter()
        scores = np.empty((matrix.n_rows, matrix.n_rows), dtype=np.float64)
        for i, pid in enumerate(ids):
            table = pairwise_log_lr_table(texts[pid], kappa, matrix, kinship)
            with np.errstate(invalid="ignore"):
                scores[i] = backend.screen_scores(matrix.codes, matrix.alive, table)
        np.fill_diagonal(scores, -np.inf)
        elapsed = time.perf_counter() - t
        finite = scores[np.isfinite(scores)] / LN10
        off_diagonal = scores.size - scores.shape[0]
        summary: dict[str, Any] = {
            "mutation": mutation.to_dict() if mutation is not None else None,
            "fraction_excluded": 1.0 - finite.size / off_diagonal,
            "fraction_lr_above_1": float((finite > 0).sum() / off_diagonal),
            "fraction_lr_above_100": float((finite > 2).sum() / off_diagonal),
            "fraction_lr_above_10000": float((finite > 4).sum() / off_diagonal),
            "pairs_lr_above_10000": int((finite > 4).sum()),
            "seconds": elapsed,
        }
        out[name] = summary
        if finite.size == 0:
            summary["max_lr_exact"] = 0.0
            print(f"{name}: every unrelated pair excluded", file=sys.stderr)
            continue
        best = np.unravel_index(np.argmax(scores), scores.shape)
        ref, cand = ids[best[0]], ids[best[1]]
        genotypes = {"REF": {m.name: texts[ref].get(m.name) for m in used},
                     "CAND": {m.name: texts[cand].get(m.name) for m in used}}
        exact = kinship_lr([Hypothesis(name, pedigree),
                            Hypothesis("unrelated", singletons("REF", "CAND"))],
                           used, genotypes, find_inconsistencies=False)  # type: ignore[arg-type]
        summary.update({
            "max_log10_lr_screen": float(scores[best] / LN10),
            "max_log10_lr_exact": exact.log10_total_lr(),
            "max_lr_exact": exact.total_lr(),
            "pair": [ref, cand],
        })
        print(f"{name}: max LR {exact.total_lr():.4g} ({ref} -> {cand})", file=sys.stderr)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
